"""The diagnostics page's sections (诊断): the scope read from the URL, the breadcrumbs, the
KPI picker and gap table, the drill chart and trend, the ticket list of one bar, the stage
bottlenecks, the breakdown heatmap and the repeat issues.

Each section draws what `dashboard.diagnostics.data` returns; none computes a KPI itself.
The drill callbacks get the scope they act on as arguments (bound when the widget is drawn).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from dashboard.app import audit
from dashboard.app import cache as data
from dashboard.app.shell import Context, labelled, set_view
from dashboard.diagnostics import charts
from dashboard.diagnostics import data as dd
from dashboard.ui.labels import kpi_label, kpi_value
from dashboard.ui.markup import md
from dashboard.ui.values import value_label
from scoring import export
from scoring.analyses.diagnostics import BOTTLENECK_RULE, STAGE_IDS, Scope, bottleneck
from scoring.measures.metrics import Filters, available_kpis
from scoring.registry.kpis import KPI, KPIS_BY_ID

DRILL_KEY = "drill"  # the page's query parameter: `category:VALUE` at the agent level
COMPOSITE = "composite"  # the KPI selector's first option: the composite score
MISSING = ""  # what a table shows for a missing value (Streamlit's default: "None")
DRILL_COLUMNS = ("category", "channel")
# The value-label field of each dimension a table or chart of the page shows by its values.
VALUE_FIELDS = {
    "channel": "channel",
    "category": "category",
    "product": "product",
    "priority": "priority",
    "customer_segment": "segment",
}


# ---------------------------------------------------------------------------------------
# Names, values and headers the sections share


def who(names: dict[str, str], agent_id: object) -> str:
    """An agent as "name (id)"; the id alone when the name is unknown, "" for no agent."""
    if not isinstance(agent_id, str) or not agent_id:
        return ""
    name = names.get(agent_id)
    return f"{name} ({agent_id})" if name else agent_id


def with_names(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each agent's name in a column beside `agent_id` (blank without one)."""
    names = dd.names(ctx.path, ctx.visible)
    out = frame.copy()
    out.insert(
        list(frame.columns).index("agent_id") + 1,
        "name",
        [names.get(a, "") if isinstance(a, str) else "" for a in frame["agent_id"]],
    )
    return out


def with_value_labels(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """Channels, categories, products, priorities and segments in the user's language."""
    out = frame.copy()
    for column, field in VALUE_FIELDS.items():
        if column in out:
            out[column] = [value_label(field, v, ctx.lang) for v in out[column]]
    return out


def row_headers(ctx: Context) -> dict[str, str]:
    """Headers of the columns the ticket list, the repeat tables and the actions share."""
    return {
        "ticket_id": ctx.t("diagnostics_col_ticket"),
        "agent_id": ctx.t("agent_id"),
        "name": ctx.t("name"),
        "team": ctx.t("team"),
        "created_at": ctx.t("diagnostics_col_created"),
        "resolved_at": ctx.t("diagnostics_col_resolved"),
        "channel": ctx.t("diagnostics_col_channel"),
        "category": ctx.t("diagnostics_col_category"),
        "product": ctx.t("diagnostics_dim_product"),
        "priority": ctx.t("diagnostics_dim_priority"),
        "customer_id": ctx.t("diagnostics_col_customer"),
    }


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
    """Whether the scope has tickets in the filter (counted from the pre-aggregated cells
    where there are some: no KPI is computed)."""
    return int(data.ticket_counts(ctx.path, scope.filters(base), "month")["tickets"].sum()) > 0


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
        agent = who(dd.names(ctx.path, ctx.visible), scope.agent)
        crumbs.append(("agent", f"{ctx.t('diagnostics_level_agent')}: {md(agent)}"))
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


@dataclass(frozen=True)
class Focus:
    """What the KPI selector chose: the composite score, or one KPI. `kpi` is the KPI the
    trend, the breakdowns and a new action show: the chosen one, or with the composite the
    KPI that costs it most (the first KPI when none misses its target)."""

    composite: bool
    kpi: KPI


def kpi_picker(ctx: Context, gaps: pd.DataFrame) -> Focus:
    """The composite (the default: what Overview and the Scorecard rank by) or one KPI."""
    ids = kpi_ids(ctx)
    chosen = st.selectbox(
        ctx.t("diagnostics_kpi"),
        [COMPOSITE, *ids],
        format_func=lambda option: focus_label(ctx, option),
        key=labelled("diagnostics_kpi"),
    )
    if chosen != COMPOSITE:
        return Focus(False, KPIS_BY_ID[chosen])
    drag = biggest_drag(gaps)
    detail = KPIS_BY_ID[drag["kpi"] if drag is not None else ids[0]]
    st.caption(ctx.t("diagnostics_detail_kpi", kpi=detail.label(ctx.lang)))
    return Focus(True, detail)


def focus_label(ctx: Context, option: str) -> str:
    return ctx.t("composite") if option == COMPOSITE else kpi_label(option, ctx.lang)


def gaps_table(ctx: Context, gaps: pd.DataFrame) -> pd.DataFrame:
    """The gaps with values formatted and labels in the user's language."""
    shown = gaps.copy()
    for column in ("value", "target", "peer_median"):
        shown[column] = [
            kpi_value(KPIS_BY_ID[i], v, ctx.lang)
            for i, v in zip(shown["kpi"], shown[column], strict=True)
        ]
    shown["meets_target"] = [
        ""  # no value: neither met nor missed
        if pd.isna(v)
        else ctx.t("diagnostics_met")
        if m
        else ctx.t("diagnostics_missed")
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
        placeholder=MISSING,
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


def drill_figure(ctx: Context, scope: Scope, base: Filters, focus: Focus):
    """Teams (department), agents (team) or ticket counts per category (agent)."""
    if scope.level == "agent":
        counts = data.ticket_counts(ctx.path, scope.filters(base), "category")
        counts = counts.sort_values("category")
        counts["label"] = [value_label("category", c, ctx.lang) for c in counts["category"]]
        return charts.drill_bars(
            counts, "category", "label", "tickets", ctx.t("diagnostics_drill_categories")
        )
    by, filters = (
        ("team", base) if scope.level == "department" else ("agent_id", scope.filters(base))
    )
    title_key = "diagnostics_drill_teams" if by == "team" else "diagnostics_drill_agents"
    if focus.composite:
        table = dd.composite_table(
            ctx.path, filters, by, ctx.visible, ctx.repeat_days, ctx.view.scheme, ctx.targets
        )
        title = ctx.t(title_key, kpi=ctx.t("composite"))
        return charts.score_bars(table, by, "label", title, ctx.t("composite"))
    k = focus.kpi
    table = dd.drill_table(ctx.path, filters, by, ctx.visible, ctx.repeat_days)
    title = ctx.t(title_key, kpi=k.label(ctx.lang))
    return charts.drill_bars(
        table, by, "label", k.id, title, k, ctx.target_of(k), ctx.t("vs_target")
    )


def drill_chart(ctx: Context, scope: Scope, base: Filters, focus: Focus) -> None:
    """The clickable bar chart; a click drills one level down (see `drill_down`)."""
    chart_key = f"diagnostics_drill_{scope.level}"
    st.plotly_chart(
        drill_figure(ctx, scope, base, focus),
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
            ctx.lang,
        ),
        key="diagnostics_trend",
    )


# ---------------------------------------------------------------------------------------
# Ticket list of one drilled bar


def ticket_headers(ctx: Context) -> dict:
    """The ticket list's headers and number formats (the shared ones and its own)."""
    number = st.column_config.NumberColumn
    return {
        **row_headers(ctx),
        "csat": number(ctx.t("diagnostics_col_csat"), format="%.0f"),
        "first_response_minutes": number(ctx.t("diagnostics_col_frt"), format="%.0f"),
        "resolution_hours": number(ctx.t("diagnostics_col_resolution"), format="%.1f"),
        "contacts": number(ctx.t("diagnostics_col_contacts"), format="%.0f"),
        "comment": ctx.t("diagnostics_col_comment"),
    }


def cell_label(ctx: Context, cell: dict) -> str:
    """`{"category": "repair"}` → "category = repair" in the user's words."""
    return " · ".join(
        f"{dimension_label(ctx, key)} = {value_label(VALUE_FIELDS.get(key, key), value, ctx.lang)}"
        for key, value in cell.items()
    )


def ticket_list(ctx: Context, scope: Scope, base: Filters, cell: dict) -> None:
    rows = dd.tickets(
        ctx.path, scope.filters(base), ctx.visible, tuple(sorted(cell.items())), ctx.repeat_days
    )
    st.subheader(
        ctx.t("diagnostics_tickets_title", count=len(rows), cell=md(cell_label(ctx, cell)))
    )
    st.caption(ctx.t("diagnostics_tickets_help"))
    st.dataframe(
        with_value_labels(ctx, with_names(ctx, rows)),
        hide_index=True,
        placeholder=MISSING,
        column_config=ticket_headers(ctx),
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


def duration_text(ctx: Context, hours: float) -> str:
    """Hours as a supervisor reads them: minutes under an hour, else hours ("" unknown)."""
    if hours != hours:
        return ""
    if abs(hours) < 1:
        return ctx.t("diagnostics_minutes", value=hours * 60)
    return ctx.t("diagnostics_hours_value", value=hours)


def rule_text(ctx: Context) -> str:
    """The bottleneck rule in words, from its declared thresholds."""
    return ctx.t(
        "diagnostics_bottleneck_rule",
        ratio=BOTTLENECK_RULE.min_ratio,
        excess=duration_text(ctx, BOTTLENECK_RULE.min_excess_hours),
        tickets=BOTTLENECK_RULE.min_tickets,
    )


def stage_words(ctx: Context, worst, labels: dict[str, str]) -> dict[str, object]:
    """The named stage's words for a headline: stage, hours, peers' hours, ratio, excess."""
    return {
        "stage": labels[worst["stage"]],
        "hours": duration_text(ctx, worst["hours"]),
        "peer": duration_text(ctx, worst["peer_hours"]),
        "ratio": worst["ratio"],
        "excess": duration_text(ctx, worst["excess_hours"]),
    }


def stage_ratio_chart(
    ctx: Context, frame: pd.DataFrame, labels: dict[str, str], worst: str | None, scope: str
) -> None:
    """Each stage's time ÷ the peers' (the quantity the rule ranks), the named stage red."""
    texts = [
        ctx.t("diagnostics_stage_bar", hours=duration_text(ctx, h), peer=duration_text(ctx, p))
        for h, p in zip(frame["hours"], frame["peer_hours"], strict=True)
    ]
    st.plotly_chart(
        charts.stage_ratios(
            frame,
            labels,
            texts,
            ctx.t("diagnostics_stage_chart", scope=scope),
            ctx.t("diagnostics_stage_ratio"),
            worst,
            (
                BOTTLENECK_RULE.min_ratio,
                ctx.t("diagnostics_rule_line", ratio=BOTTLENECK_RULE.min_ratio),
            ),
        ),
        key="diagnostics_stages_chart",
    )


def department_bottleneck(ctx: Context, base: Filters, labels: dict[str, str]) -> None:
    """The team slowest against the other teams in a stage that stands out, and its stages;
    when no team stands out, the department's hours per stage."""
    worst_teams = dd.team_bottlenecks(ctx.path, base, ctx.visible)
    if worst_teams.empty:
        st.markdown(ctx.t("diagnostics_no_team_bottleneck"))
        frame = dd.stages(ctx.path, base, Scope("department"))
        st.plotly_chart(
            charts.stage_hours(
                frame,
                labels,
                [duration_text(ctx, h) for h in frame["hours"]],
                ctx.t("diagnostics_stage_hours_chart"),
                ctx.t("diagnostics_hours"),
            ),
            key="diagnostics_stages_chart",
        )
        return
    top = worst_teams.iloc[0]
    st.markdown(
        ctx.t("diagnostics_team_bottleneck", team=md(top["team"]), **stage_words(ctx, top, labels))
    )
    frame = dd.stages(ctx.path, base, Scope("team", top["team"]))
    stage_ratio_chart(ctx, frame, labels, top["stage"], top["team"])


def scope_bottleneck(ctx: Context, scope: Scope, base: Filters, labels: dict[str, str]) -> None:
    """Team or agent level: the stage that stands out against the peers, if one does."""
    frame = dd.stages(ctx.path, base, scope)
    worst = bottleneck(frame)
    if worst:
        st.markdown(ctx.t("diagnostics_bottleneck", **stage_words(ctx, worst, labels)))
    else:
        st.markdown(ctx.t("diagnostics_no_bottleneck"))
    name = (
        scope.team if scope.level == "team" else who(dd.names(ctx.path, ctx.visible), scope.agent)
    )
    stage_ratio_chart(ctx, frame, labels, worst["stage"] if worst else None, name)


def bottlenecks_section(ctx: Context, scope: Scope, base: Filters) -> None:
    """Time per stage against the peers (only for datasets with stage events); a stage is
    named only where the rule (`BOTTLENECK_RULE`) says it stands out."""
    if not dd.has_stages(ctx.path):
        return
    labels = stage_labels(ctx)
    st.subheader(ctx.t("diagnostics_stages"))
    st.caption(rule_text(ctx))
    if scope.level == "department":
        department_bottleneck(ctx, base, labels)
    else:
        scope_bottleneck(ctx, scope, base, labels)


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
                value=md(value_label("category", top["category"], ctx.lang)),
                kpi=k.label(ctx.lang),
                mine=kpi_value(k, top["value"], ctx.lang),
                peer=kpi_value(k, top["peer_value"], ctx.lang),
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
            with_value_labels(ctx, cells),
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
    percent = st.column_config.NumberColumn
    first.dataframe(
        with_names(ctx, sources),
        hide_index=True,
        placeholder=MISSING,
        column_config={
            **row_headers(ctx),
            "resolutions": ctx.t("diagnostics_resolutions"),
            "repeats_after": ctx.t("diagnostics_repeats_after"),
            "share_of_repeats": percent(ctx.t("diagnostics_share_repeats"), format="percent"),
            "repeat_share_of_resolutions": percent(
                ctx.t("diagnostics_repeat_rate"), format="percent"
            ),
        },
        key="diagnostics_repeat_sources",
    )
    second.markdown(ctx.t("diagnostics_repeat_chains", days=ctx.repeat_days))
    second.dataframe(
        chains_shown(ctx, chains),
        hide_index=True,
        placeholder=MISSING,
        column_config={
            **row_headers(ctx),
            "chain": ctx.t("diagnostics_chain"),
            "length": ctx.t("count"),
            "position": ctx.t("diagnostics_position"),
        },
        key="diagnostics_repeat_chains",
    )
    if not chains["visible_step"].all():
        second.caption(ctx.t("diagnostics_chains_help"))


def chains_shown(ctx: Context, chains: pd.DataFrame) -> pd.DataFrame:
    """The chains as shown: each named by customer, category (in the user's words) and
    number; a step outside the view (anonymous in the data) says so in its ticket cell and
    leaves agent, name and team blank."""
    chain = [
        f"{customer} · {value_label('category', category, ctx.lang)} · {int(number)}"
        for customer, category, number in zip(
            chains["customer_id"], chains["category"], chains["chain_no"], strict=True
        )
    ]
    shown = with_names(ctx, chains.assign(chain=chain))
    shown = shown.drop(columns=["customer_id", "category", "chain_no", "is_repeat", "visible_step"])
    hidden = ~chains["visible_step"].to_numpy(bool)
    for column, text in (("ticket_id", ctx.t("diagnostics_other_step")), ("agent_id", ""),
                         ("team", "")):  # fmt: skip
        shown[column] = shown[column].astype(object)
        shown.loc[hidden, column] = text
    return shown
