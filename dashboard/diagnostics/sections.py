"""The diagnostics page's sections (诊断): the scope read from the URL, the breadcrumbs, the
KPI picker and gap table, the drill chart and trend, the ticket list of one bar, the stage
bottlenecks, the breakdown heatmap and the repeat issues.

Each section draws what `dashboard.diagnostics.data` returns; none computes a KPI itself.
The drill callbacks get the scope they act on as arguments (bound when the widget is drawn).
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboard.app import audit
from dashboard.app import cache as data
from dashboard.app.shell import Context, labelled, set_view
from dashboard.diagnostics import charts
from dashboard.diagnostics import data as dd
from dashboard.ui.labels import kpi_label
from dashboard.ui.markup import md
from scoring import export
from scoring.analyses.diagnostics import STAGE_IDS, Scope, bottleneck
from scoring.measures.metrics import Filters, available_kpis
from scoring.registry.kpis import KPI, KPIS_BY_ID

DRILL_KEY = "drill"  # the page's query parameter: `category:VALUE` at the agent level
DRILL_COLUMNS = ("category", "channel")


# ---------------------------------------------------------------------------------------
# Scope from the URL


def parse_drill(text: str | None) -> dict | None:
    """`category:repair` → {"category": "repair"}; None for anything else."""
    if not text or ":" not in text:
        return None
    column, value = text.split(":", 1)
    return {column: value} if column in DRILL_COLUMNS and value else None


def forget_agent() -> None:
    """Drop an agent the dataset does not know from the selection and the address."""
    set_view(agent=None)
    st.query_params.pop("agent", None)


def scope_from_url(ctx: Context) -> tuple[Scope, dict | None]:
    """The level shown (department, one team, one agent) and the drilled cell, if any.

    An unknown agent is reported and dropped; a drill key outside the agent level is removed
    from the URL.
    """
    agent = ctx.view.agent
    team = ctx.view.teams[0] if len(ctx.view.teams) == 1 else None
    if agent:
        agent_team = data.agent_team(ctx.path, agent)
        if agent_team is None:
            st.warning(ctx.t("diagnostics_unknown_agent", agent=md(agent)))
            forget_agent()
            agent = None
        else:
            team = agent_team
    if agent:
        scope = Scope("agent", team, agent)
    else:
        scope = Scope("team", team) if team else Scope("department")
    cell = parse_drill(st.query_params.get(DRILL_KEY)) if scope.level == "agent" else None
    if cell is None and DRILL_KEY in st.query_params:
        del st.query_params[DRILL_KEY]
    return scope, cell


def has_tickets(ctx: Context, base: Filters, scope: Scope) -> bool:
    current = data.kpi_table(ctx.path, scope.filters(base), (), ctx.repeat_days)
    return not current.empty and int(current["tickets"].iloc[0]) != 0


# ---------------------------------------------------------------------------------------
# Drill callbacks (they run before the shell reads the sidebar keys)


def go_to_level(level: str, team: str | None) -> None:
    """Breadcrumb: back up to the department or to `team`."""
    st.query_params.pop(DRILL_KEY, None)
    if level == "department":
        set_view(teams=[], agent=None)
    elif level == "team":
        set_view(teams=[team], agent=None)


def clicked_id(chart_key: str) -> str | None:
    """The id (`customdata[0]`) of the clicked mark of a chart, if any."""
    event = st.session_state.get(chart_key)
    points = event.selection.points if event else []
    return str(points[0]["customdata"][0]) if points else None


def drill_down(chart_key: str, level: str) -> None:
    """Chart click at `level`: a team, then an agent, then the tickets of a category."""
    target = clicked_id(chart_key)
    if target is None:
        return
    st.query_params.pop(DRILL_KEY, None)
    if level == "department":
        set_view(teams=[target], agent=None)
    elif level == "team":
        set_view(agent=target)
    else:
        st.query_params[DRILL_KEY] = f"category:{target}"


# ---------------------------------------------------------------------------------------
# Breadcrumbs, KPI picker, gaps


def breadcrumbs(ctx: Context, scope: Scope, cell: dict | None) -> None:
    crumbs = [("department", ctx.t("diagnostics_level_department"))]
    if scope.team:
        crumbs.append(("team", f"{ctx.t('diagnostics_level_team')}: {md(scope.team)}"))
    if scope.agent:
        crumbs.append(("agent", f"{ctx.t('diagnostics_level_agent')}: {md(scope.agent)}"))
    if cell:
        crumbs.append(("tickets", ctx.t("diagnostics_level_tickets")))
    # A session granted one team cannot go above it, an agent not above themselves.
    if ctx.grant.agent_id is not None:
        closed = {"department", "team"}
    elif ctx.grant.teams is not None and len(ctx.grant.teams) == 1:
        closed = {"department"}
    else:
        closed = set()
    columns = st.columns(len(crumbs) + 2)
    for i, (level, text) in enumerate(crumbs):
        last = i == len(crumbs) - 1
        columns[i].button(
            ("📍 " if last else "") + text + ("" if last else "  ›"),
            key=f"diagnostics_crumb_{level}",
            on_click=go_to_level,
            args=(level, scope.team),
            disabled=last or level in closed,
            use_container_width=True,
        )
    st.caption(ctx.t("diagnostics_breadcrumb_help"))


def kpi_ids(ctx: Context) -> list[str]:
    return [k.id for k in available_kpis(ctx.ds)]


def biggest_drag(gaps: pd.DataFrame) -> pd.Series | None:
    """The KPI row that costs the most points against its target, if one misses it."""
    drag = gaps.iloc[0] if not gaps.empty else None
    return drag if drag is not None and drag["points_to_target"] > 0 else None


def kpi_picker(ctx: Context, gaps: pd.DataFrame) -> KPI:
    """The KPI the charts show; it starts at the biggest drag, else the first KPI."""
    ids = kpi_ids(ctx)
    drag = biggest_drag(gaps)
    default_kpi = drag["kpi"] if drag is not None else ids[0]
    chosen = st.selectbox(
        ctx.t("diagnostics_kpi"),
        ids,
        index=ids.index(default_kpi),
        format_func=lambda kpi_id: kpi_label(kpi_id, ctx.lang),
        key=labelled("diagnostics_kpi"),
    )
    return KPIS_BY_ID[chosen]


def gaps_table(ctx: Context, gaps: pd.DataFrame) -> pd.DataFrame:
    """The gaps with values formatted and labels in the user's language."""
    shown = gaps.copy()
    for column in ("value", "target", "peer_median"):
        shown[column] = [
            KPIS_BY_ID[i].format(v) for i, v in zip(shown["kpi"], shown[column], strict=True)
        ]
    shown["meets_target"] = [
        "" if pd.isna(v) else "✅" if m else "🔻"  # no value: neither met nor missed
        for v, m in zip(gaps["value"], shown["meets_target"], strict=True)
    ]
    shown["kpi"] = [kpi_label(i, ctx.lang) for i in shown["kpi"]]
    return shown[
        [
            "kpi",
            "value",
            "target",
            "peer_median",
            "meets_target",
            "points_to_target",
            "points_to_peers",
            "cases",
        ]
    ]


def gaps_section(ctx: Context, gaps: pd.DataFrame) -> None:
    st.subheader(ctx.t("diagnostics_gaps"))
    drag = biggest_drag(gaps)
    if drag is not None:
        st.markdown(
            ctx.t(
                "diagnostics_biggest_drag",
                kpi=kpi_label(drag["kpi"], ctx.lang),
                points=float(drag["points_to_target"]),
            )
        )
    else:
        st.markdown(ctx.t("diagnostics_no_drag"))
    st.dataframe(
        gaps_table(ctx, gaps),
        hide_index=True,
        column_config={
            "kpi": ctx.t("kpi"),
            "value": ctx.t("diagnostics_value"),
            "target": ctx.t("target"),
            "peer_median": ctx.t("diagnostics_peer_median"),
            "meets_target": ctx.t("diagnostics_meets"),
            "points_to_target": st.column_config.NumberColumn(
                ctx.t("diagnostics_points_target"), format="%.2f"
            ),
            "points_to_peers": st.column_config.NumberColumn(
                ctx.t("diagnostics_points_peers"), format="%.2f"
            ),
            "cases": st.column_config.NumberColumn(ctx.t("diagnostics_cases"), format="%d"),
        },
        key="diagnostics_gaps_table",
    )
    st.caption(ctx.t("diagnostics_gaps_help"))


# ---------------------------------------------------------------------------------------
# Drill chart and trend


def drill_figure(ctx: Context, scope: Scope, base: Filters, k: KPI):
    """Teams (department), agents (team) or ticket counts per category (agent)."""
    if scope.level == "department":
        table = dd.drill_table(ctx.path, base, "team", ctx.visible, ctx.repeat_days)
        title = ctx.t("diagnostics_drill_teams", kpi=k.label(ctx.lang))
        return charts.drill_bars(
            table, "team", "label", k.id, title, k, ctx.target_of(k), ctx.t("vs_target")
        )
    if scope.level == "team":
        table = dd.drill_table(
            ctx.path, scope.filters(base), "agent_id", ctx.visible, ctx.repeat_days
        )
        title = ctx.t("diagnostics_drill_agents", kpi=k.label(ctx.lang))
        return charts.drill_bars(
            table, "agent_id", "label", k.id, title, k, ctx.target_of(k), ctx.t("vs_target")
        )
    counts = data.ticket_counts(ctx.path, scope.filters(base), "category")
    counts = counts.sort_values("category").assign(label=lambda f: f["category"])
    return charts.drill_bars(
        counts, "category", "label", "tickets", ctx.t("diagnostics_drill_categories")
    )


def drill_chart(ctx: Context, scope: Scope, base: Filters, k: KPI) -> None:
    """The clickable bar chart; a click drills one level down (see `drill_down`)."""
    chart_key = f"diagnostics_drill_{scope.level}"
    st.plotly_chart(
        drill_figure(ctx, scope, base, k),
        on_select=partial(drill_down, chart_key, scope.level),
        selection_mode="points",
        key=chart_key,
    )


def trend_chart(ctx: Context, scope: Scope, base: Filters, k: KPI, markers: list[tuple]) -> None:
    """The KPI per month over all the data, the chosen period shaded, actions as markers."""
    trend_filters = scope.filters(base).replace(start=None, end=None)
    trend_frame = dd.trend(ctx.path, trend_filters, ctx.repeat_days)
    if k.id not in trend_frame.columns:  # a KPI without a month grain (360 ratings)
        st.caption(ctx.t("diagnostics_no_trend", kpi=k.label(ctx.lang)))
        return
    st.plotly_chart(
        charts.trend(
            trend_frame,
            "month",
            k,
            ctx.t("diagnostics_trend", kpi=k.label(ctx.lang)),
            ctx.target_of(k),
            ctx.t("vs_target"),
            (ctx.view.start, ctx.view.end),
            ctx.t("diagnostics_period"),
            markers,
        ),
        key="diagnostics_trend",
    )


# ---------------------------------------------------------------------------------------
# Ticket list of one drilled bar


def ticket_list(ctx: Context, scope: Scope, base: Filters, cell: dict) -> None:
    rows = dd.tickets(
        ctx.path, scope.filters(base), ctx.visible, tuple(sorted(cell.items())), ctx.repeat_days
    )
    label = " · ".join(f"{key} = {md(value)}" for key, value in cell.items())
    st.subheader(ctx.t("diagnostics_tickets_title", count=len(rows), cell=label))
    st.caption(ctx.t("diagnostics_tickets_help"))
    st.dataframe(
        rows,
        hide_index=True,
        column_config={
            "ticket_id": ctx.t("diagnostics_col_ticket"),
            "agent_id": ctx.t("agent_id"),
            "team": ctx.t("team"),
            "created_at": ctx.t("diagnostics_col_created"),
            "channel": ctx.t("diagnostics_col_channel"),
            "category": ctx.t("diagnostics_col_category"),
            "csat": ctx.t("diagnostics_col_csat"),
            "first_response_minutes": st.column_config.NumberColumn(
                ctx.t("diagnostics_col_frt"), format="%.0f"
            ),
            "resolution_hours": st.column_config.NumberColumn(
                ctx.t("diagnostics_col_resolution"), format="%.1f"
            ),
            "contacts": ctx.t("diagnostics_col_contacts"),
            "comment": ctx.t("diagnostics_col_comment"),
        },
        key="diagnostics_tickets",
    )
    audit.download_button(
        ctx.t("diagnostics_download_tickets"),
        export.to_csv_bytes(rows),
        file_name=f"tickets_{scope.agent}_{'_'.join(cell.values())}.csv",
        mime="text/csv",
        key="diagnostics_download_tickets",
    )


# ---------------------------------------------------------------------------------------
# Where time is lost (stages)


def stage_labels(ctx: Context) -> dict[str, str]:
    return {s: ctx.t(f"diagnostics_stage_{s}") for s in STAGE_IDS}


def team_bottleneck_note(ctx: Context, base: Filters, labels: dict[str, str]) -> None:
    """Department level: the team that loses most time in one stage against its peers."""
    worst_teams = dd.team_bottlenecks(ctx.path, base, ctx.visible)
    if worst_teams.empty:
        return
    top = worst_teams.iloc[0]
    st.markdown(
        ctx.t(
            "diagnostics_team_bottleneck",
            team=md(top["team"]),
            stage=labels[top["stage"]],
            hours=top["hours"],
            peer=top["peer_hours"],
            ratio=top["ratio"],
        )
    )


def scope_bottleneck_note(ctx: Context, worst: dict | None, labels: dict[str, str]) -> None:
    """Team or agent level: the stage where the scope is slowest against its peers."""
    if worst:
        st.markdown(
            ctx.t(
                "diagnostics_bottleneck",
                stage=labels[worst["stage"]],
                hours=worst["hours"],
                peer=worst["peer_hours"],
                ratio=worst["ratio"],
                excess=worst["excess_hours"],
            )
        )
    else:
        st.markdown(ctx.t("diagnostics_no_bottleneck"))


def bottlenecks_section(ctx: Context, scope: Scope, base: Filters) -> None:
    """Hours per stage, scope against peers (only for datasets with stage events)."""
    if not dd.has_stages(ctx.path):
        return
    labels = stage_labels(ctx)
    st.subheader(ctx.t("diagnostics_stages"))
    if scope.level == "department":
        team_bottleneck_note(ctx, base, labels)
    stage_frame = dd.stages(ctx.path, base, scope)
    worst = bottleneck(stage_frame) if scope.level != "department" else None
    if scope.level != "department":
        scope_bottleneck_note(ctx, worst, labels)
    st.plotly_chart(
        charts.stages(
            stage_frame,
            labels,
            (ctx.t("diagnostics_scope"), ctx.t("diagnostics_peers")),
            ctx.t("diagnostics_stage_chart"),
            ctx.t("diagnostics_hours"),
            worst["stage"] if worst else None,
        ),
        key="diagnostics_stages_chart",
    )


# ---------------------------------------------------------------------------------------
# Breakdowns (weak cells)


def weakest_category_note(ctx: Context, scope: Scope, base: Filters, k: KPI) -> None:
    """Team or agent level: the category where the scope trails its peers most."""
    weak = dd.weakest(
        ctx.path,
        scope.filters(base),
        base.population(),
        k.id,
        max(k.min_sample, 20),
        ctx.repeat_days,
    )
    if not weak.empty and weak["gap"].iloc[0] < 0:
        top = weak.iloc[0]
        st.markdown(
            ctx.t(
                "diagnostics_weakest",
                value=md(top["category"]),
                kpi=k.label(ctx.lang),
                mine=k.format(top["value"]),
                peer=k.format(top["peer_value"]),
                cases=int(top["cases"]),
            )
        )
    else:
        st.markdown(ctx.t("diagnostics_no_weak"))


def dimension_label(ctx: Context, dimension: str) -> str:
    return ctx.t(f"diagnostics_dim_{dimension}")


def pair_label(ctx: Context, name: str) -> str:
    """`weekday|hour` → "weekday × hour" in the user's language."""
    return " × ".join(dimension_label(ctx, d) for d in name.split("|"))


def breakdown_controls(ctx: Context) -> tuple[str, str, int]:
    """The pair of dimensions (rows, columns) and the smallest cell shown."""
    pairs = dd.breakdowns(ctx.path)
    pick, minimum = st.columns([3, 1])
    pair = pick.selectbox(
        ctx.t("diagnostics_breakdown_pair"),
        [f"{a}|{b}" for a, b in pairs],
        format_func=lambda name: pair_label(ctx, name),
        key=labelled("diagnostics_breakdown_pair"),
    )
    min_cell = int(
        minimum.number_input(
            ctx.t("diagnostics_min_cell"),
            min_value=1,
            max_value=1000,
            value=20,
            step=5,
            key="diagnostics_min_cell",
        )
    )
    rows_dim, columns_dim = pair.split("|")
    return rows_dim, columns_dim, min_cell


def breakdowns_section(ctx: Context, scope: Scope, base: Filters, k: KPI) -> None:
    """The weakest category (below the department) and a heatmap of the KPI by two
    dimensions."""
    st.subheader(ctx.t("diagnostics_breakdowns"))
    if scope.level != "department":
        weakest_category_note(ctx, scope, base, k)
    rows_dim, columns_dim, min_cell = breakdown_controls(ctx)
    cells = dd.breakdown(
        ctx.path, scope.filters(base), k.id, (rows_dim, columns_dim), min_cell, ctx.repeat_days
    )
    if cells.empty:
        return
    rows_label, columns_label = dimension_label(ctx, rows_dim), dimension_label(ctx, columns_dim)
    st.plotly_chart(
        charts.heatmap(
            cells,
            rows_dim,
            columns_dim,
            k,
            ctx.t(
                "diagnostics_heatmap",
                kpi=k.label(ctx.lang),
                rows=rows_label,
                columns=columns_label,
                min=min_cell,
            ),
            rows_label,
            columns_label,
        ),
        key="diagnostics_heatmap",
    )


# ---------------------------------------------------------------------------------------
# Repeat issues


def repeats_section(ctx: Context, scope: Scope, base: Filters) -> None:
    """Who resolved the tickets that came back, and the chains of repeats (needs customer
    ids and resolution times)."""
    if not (ctx.ds.has("tickets", "customer_id") and ctx.ds.has("tickets", "resolved_at")):
        return
    st.subheader(ctx.t("diagnostics_repeats"))
    sources = dd.repeat_sources(ctx.path, base, scope, ctx.visible, ctx.repeat_days)
    chains = dd.repeat_chains(ctx.path, base, scope, ctx.visible, ctx.repeat_days)
    if chains.empty:
        st.markdown(ctx.t("diagnostics_no_repeats"))
        return
    first, second = st.columns([2, 3])
    first.markdown(ctx.t("diagnostics_repeat_sources"))
    first.dataframe(
        sources,
        hide_index=True,
        column_config={
            "agent_id": ctx.t("agent_id"),
            "team": ctx.t("team"),
            "resolutions": ctx.t("diagnostics_resolutions"),
            "repeats_after": ctx.t("diagnostics_repeats_after"),
            "share_of_repeats": st.column_config.NumberColumn(
                ctx.t("diagnostics_share_repeats"), format="percent"
            ),
            "repeat_share_of_resolutions": st.column_config.NumberColumn(
                ctx.t("diagnostics_repeat_rate"), format="percent"
            ),
        },
        key="diagnostics_repeat_sources",
    )
    second.markdown(ctx.t("diagnostics_repeat_chains", days=ctx.repeat_days))
    second.dataframe(
        chains_shown(ctx, chains),
        hide_index=True,
        column_config={
            "chain": ctx.t("diagnostics_chain"),
            "length": ctx.t("count"),
            "position": ctx.t("diagnostics_position"),
            "ticket_id": ctx.t("diagnostics_col_ticket"),
            "agent_id": ctx.t("agent_id"),
            "team": ctx.t("team"),
            "created_at": ctx.t("diagnostics_col_created"),
            "resolved_at": ctx.t("diagnostics_col_resolved"),
        },
        key="diagnostics_repeat_chains",
    )
    if not chains["visible_step"].all():
        second.caption(ctx.t("diagnostics_chains_help"))


def chains_shown(ctx: Context, chains: pd.DataFrame) -> pd.DataFrame:
    """The chains as shown: a step outside the view (anonymous in the data) says so in its
    ticket cell and leaves agent and team blank."""
    shown = chains.drop(columns=["is_repeat", "visible_step"])
    hidden = ~chains["visible_step"].to_numpy(bool)
    for column, text in (("ticket_id", ctx.t("diagnostics_other_step")), ("agent_id", ""),
                         ("team", "")):  # fmt: skip
        shown[column] = shown[column].astype(object)
        shown.loc[hidden, column] = text
    return shown
