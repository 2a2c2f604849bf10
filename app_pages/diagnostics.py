"""Diagnostics (诊断): drill from the department to a team, an agent and the tickets behind a
number; what drags the score, where time is lost, weak cells, repeat issues, and the
improvement actions (改进措施) set against a gap.

Every level has its own address: `team` (one team in the sidebar filter = the team
level), `agent` (the agent level) and the page key `drill=category:VALUE` (the tickets of
one bar at the agent level). Clicks and breadcrumbs change these keys in callbacks, before
the shell reads them.
"""

from datetime import date, timedelta

import streamlit as st

from dashboard import data
from dashboard import diagnostics_charts as charts
from dashboard import diagnostics_data as dd
from dashboard.shell import app_setting, context, labelled
from scoring import actions, export
from scoring.diagnostics import STAGE_IDS, Scope, bottleneck
from scoring.kpis import KPIS_BY_ID
from scoring.metrics import available_kpis

ctx = context()
lang = ctx.lang
base = ctx.view.filters()
st.title(ctx.t("page_diagnostics"))


def _parse_drill(text: str | None) -> dict | None:
    if not text or ":" not in text:
        return None
    column, value = text.split(":", 1)
    return {column: value} if column in ("category", "channel") and value else None


# ------------------------------------------------------------------ scope from the URL
agent = ctx.view.agent
team = ctx.view.teams[0] if len(ctx.view.teams) == 1 else None
if agent:
    agent_team = dd.agent_team(ctx.path, agent)
    if agent_team is None:
        st.warning(ctx.t("diagnostics_unknown_agent", agent=agent))
        agent = None
    else:
        team = agent_team
scope = (
    Scope("agent", team, agent) if agent else Scope("team", team) if team else Scope("department")
)
cell = _parse_drill(st.query_params.get("drill")) if scope.level == "agent" else None
if cell is None and "drill" in st.query_params:
    del st.query_params["drill"]


# ------------------------------------------------------------------ drill callbacks
def _go(level: str) -> None:
    st.query_params.pop("drill", None)
    if level == "department":
        st.session_state["w_teams"] = []
        st.session_state["w_agent"] = None
    elif level == "team":
        st.session_state["w_teams"] = [scope.team]
        st.session_state["w_agent"] = None


def _clicked(chart_key: str) -> str | None:
    event = st.session_state.get(chart_key)
    points = event.selection.points if event else []
    return str(points[0]["customdata"][0]) if points else None


def _drill(chart_key: str) -> None:
    target = _clicked(chart_key)
    if target is None:
        return
    st.query_params.pop("drill", None)
    if scope.level == "department":
        st.session_state["w_teams"] = [target]
        st.session_state["w_agent"] = None
    elif scope.level == "team":
        st.session_state["w_agent"] = target
    else:
        st.query_params["drill"] = f"category:{target}"


# ------------------------------------------------------------------ breadcrumbs
crumbs = [("department", ctx.t("diagnostics_level_department"))]
if scope.team:
    crumbs.append(("team", f"{ctx.t('diagnostics_level_team')}: {scope.team}"))
if scope.agent:
    crumbs.append(("agent", f"{ctx.t('diagnostics_level_agent')}: {scope.agent}"))
if cell:
    crumbs.append(("tickets", ctx.t("diagnostics_level_tickets")))
columns = st.columns(len(crumbs) + 2)
for i, (level, text) in enumerate(crumbs):
    last = i == len(crumbs) - 1
    columns[i].button(
        ("📍 " if last else "") + text + ("" if last else "  ›"),
        key=f"diagnostics_crumb_{level}",
        on_click=_go,
        args=(level,),
        disabled=last,
        use_container_width=True,
    )
st.caption(ctx.t("diagnostics_breadcrumb_help"))

current = data.kpi_table(ctx.path, scope.filters(base), (), ctx.repeat_days)
if current.empty or int(current["tickets"].iloc[0]) == 0:
    st.info(ctx.t("no_tickets"))
    st.stop()

# ------------------------------------------------------------------ KPI gaps
gaps = dd.gaps(ctx.path, base, ctx.repeat_days, ctx.view.scheme, scope)
kpi_ids = [k.id for k in available_kpis(ctx.ds)]
drag = gaps.iloc[0] if not gaps.empty else None
default_kpi = drag["kpi"] if drag is not None and drag["points_to_target"] > 0 else kpi_ids[0]
chosen = st.selectbox(
    ctx.t("diagnostics_kpi"),
    kpi_ids,
    index=kpi_ids.index(default_kpi),
    format_func=lambda kpi_id: KPIS_BY_ID[kpi_id].label(lang),
    key=labelled("diagnostics_kpi"),
)
k = KPIS_BY_ID[chosen]

st.subheader(ctx.t("diagnostics_gaps"))
if drag is not None and drag["points_to_target"] > 0:
    st.markdown(
        ctx.t(
            "diagnostics_biggest_drag",
            kpi=KPIS_BY_ID[drag["kpi"]].label(lang),
            points=float(drag["points_to_target"]),
        )
    )
else:
    st.markdown(ctx.t("diagnostics_no_drag"))
shown = gaps.copy()
for column in ("value", "target", "peer_median"):
    shown[column] = [
        KPIS_BY_ID[i].format(v) for i, v in zip(shown["kpi"], shown[column], strict=True)
    ]
shown["meets_target"] = ["✅" if m else "🔻" for m in shown["meets_target"]]
shown["kpi"] = [KPIS_BY_ID[i].label(lang) for i in shown["kpi"]]
st.dataframe(
    shown[
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
    ],
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

# ------------------------------------------------------------------ drill chart + trend
left, right = st.columns(2)
if scope.level == "department":
    table = dd.drill_table(ctx.path, base.replace(agents=()), "team", ctx.repeat_days)
    fig = charts.drill_bars(
        table,
        "team",
        "label",
        k.id,
        ctx.t("diagnostics_drill_teams", kpi=k.label(lang)),
        k,
        k.target,
        ctx.t("vs_target"),
    )
elif scope.level == "team":
    table = dd.drill_table(ctx.path, scope.filters(base), "agent_id", ctx.repeat_days)
    fig = charts.drill_bars(
        table,
        "agent_id",
        "label",
        k.id,
        ctx.t("diagnostics_drill_agents", kpi=k.label(lang)),
        k,
        k.target,
        ctx.t("vs_target"),
    )
else:
    table = dd.drill_table(ctx.path, scope.filters(base), "agent_id", ctx.repeat_days)
    counts = data.ticket_counts(ctx.path, scope.filters(base), "category")
    counts = counts.sort_values("category").assign(label=lambda f: f["category"])
    fig = charts.drill_bars(
        counts, "category", "label", "tickets", ctx.t("diagnostics_drill_categories")
    )
chart_key = f"diagnostics_drill_{scope.level}"
with left:
    st.plotly_chart(
        fig,
        on_select=lambda: _drill(chart_key),
        selection_mode="points",
        key=chart_key,
    )

store = dd.action_store(app_setting("state_dir"))
if store.warning:
    st.warning(ctx.t("diagnostics_store_warning", detail=store.warning))
scope_actions = [
    a
    for a in store.list(team=scope.team, kpi=k.id)
    if scope.level != "agent" or a.agent_id in (None, scope.agent)
]
trend_filters = scope.filters(base).replace(start=None, end=None)
trend_frame = dd.trend(ctx.path, trend_filters, ctx.repeat_days)
with right:
    st.plotly_chart(
        charts.trend(
            trend_frame,
            "month",
            k,
            ctx.t("diagnostics_trend", kpi=k.label(lang)),
            k.target,
            ctx.t("vs_target"),
            (ctx.view.start, ctx.view.end),
            ctx.t("diagnostics_period"),
            [(a.start_date, f"#{a.id} {a.measure[:24]}") for a in scope_actions],
        ),
        key="diagnostics_trend",
    )

# ------------------------------------------------------------------ ticket list
if cell:
    rows = dd.tickets(ctx.path, scope.filters(base), tuple(sorted(cell.items())), ctx.repeat_days)
    label = " · ".join(f"{key} = {value}" for key, value in cell.items())
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
    st.download_button(
        ctx.t("diagnostics_download_tickets"),
        export.to_csv_bytes(rows),
        file_name=f"tickets_{scope.agent}_{'_'.join(cell.values())}.csv",
        mime="text/csv",
        key="diagnostics_download_tickets",
    )

# ------------------------------------------------------------------ bottlenecks
stage_labels = {s: ctx.t(f"diagnostics_stage_{s}") for s in STAGE_IDS}
if dd.has_stages(ctx.path):
    st.subheader(ctx.t("diagnostics_stages"))
    if scope.level == "department":
        worst_teams = dd.team_bottlenecks(ctx.path, base)
        if not worst_teams.empty:
            top = worst_teams.iloc[0]
            st.markdown(
                ctx.t(
                    "diagnostics_team_bottleneck",
                    team=top["team"],
                    stage=stage_labels[top["stage"]],
                    hours=top["hours"],
                    peer=top["peer_hours"],
                    ratio=top["ratio"],
                )
            )
    stage_frame = dd.stages(ctx.path, base, scope)
    worst = bottleneck(stage_frame) if scope.level != "department" else None
    if scope.level != "department":
        if worst:
            st.markdown(
                ctx.t(
                    "diagnostics_bottleneck",
                    stage=stage_labels[worst["stage"]],
                    hours=worst["hours"],
                    peer=worst["peer_hours"],
                    ratio=worst["ratio"],
                    excess=worst["excess_hours"],
                )
            )
        else:
            st.markdown(ctx.t("diagnostics_no_bottleneck"))
    st.plotly_chart(
        charts.stages(
            stage_frame,
            stage_labels,
            (ctx.t("diagnostics_scope"), ctx.t("diagnostics_peers")),
            ctx.t("diagnostics_stage_chart"),
            ctx.t("diagnostics_hours"),
            worst["stage"] if worst else None,
        ),
        key="diagnostics_stages_chart",
    )

# ------------------------------------------------------------------ breakdowns
st.subheader(ctx.t("diagnostics_breakdowns"))
if scope.level != "department":
    weak = dd.weakest(
        ctx.path,
        scope.filters(base),
        base.replace(teams=(), agents=()),
        k.id,
        max(k.min_sample, 20),
        ctx.repeat_days,
    )
    if not weak.empty and weak["gap"].iloc[0] < 0:
        top = weak.iloc[0]
        st.markdown(
            ctx.t(
                "diagnostics_weakest",
                value=top["category"],
                kpi=k.label(lang),
                mine=k.format(top["value"]),
                peer=k.format(top["peer_value"]),
                cases=int(top["cases"]),
            )
        )
    else:
        st.markdown(ctx.t("diagnostics_no_weak"))
pairs = dd.breakdowns(ctx.path)
pick, minimum = st.columns([3, 1])
pair_names = [f"{a}|{b}" for a, b in pairs]
pair = pick.selectbox(
    ctx.t("diagnostics_breakdown_pair"),
    pair_names,
    format_func=lambda name: " × ".join(ctx.t(f"diagnostics_dim_{d}") for d in name.split("|")),
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
cells = dd.breakdown(
    ctx.path, scope.filters(base), k.id, (rows_dim, columns_dim), min_cell, ctx.repeat_days
)
if not cells.empty:
    st.plotly_chart(
        charts.heatmap(
            cells,
            rows_dim,
            columns_dim,
            k,
            ctx.t(
                "diagnostics_heatmap",
                kpi=k.label(lang),
                rows=ctx.t(f"diagnostics_dim_{rows_dim}"),
                columns=ctx.t(f"diagnostics_dim_{columns_dim}"),
                min=min_cell,
            ),
            ctx.t(f"diagnostics_dim_{rows_dim}"),
            ctx.t(f"diagnostics_dim_{columns_dim}"),
        ),
        key="diagnostics_heatmap",
    )

# ------------------------------------------------------------------ repeat issues
if ctx.ds.has("tickets", "customer_id") and ctx.ds.has("tickets", "resolved_at"):
    st.subheader(ctx.t("diagnostics_repeats"))
    sources = dd.repeat_sources(ctx.path, base, scope, ctx.repeat_days)
    chains = dd.repeat_chains(ctx.path, base, scope, ctx.repeat_days)
    if chains.empty:
        st.markdown(ctx.t("diagnostics_no_repeats"))
    else:
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
            chains.drop(columns=["is_repeat"]),
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

# ------------------------------------------------------------------ improvement actions
st.subheader(ctx.t("diagnostics_actions"))
if st.session_state.get("diagnostics_saved"):
    st.success(st.session_state.pop("diagnostics_saved"))
listed = store.list(team=scope.team)
st.markdown(
    ctx.t("diagnostics_actions_of", team=scope.team)
    if scope.team
    else ctx.t("diagnostics_actions_all")
)
if listed:
    st.dataframe(
        [
            {
                "id": a.id,
                "team": a.team,
                "agent_id": a.agent_id or "",
                "kpi": KPIS_BY_ID[a.kpi].label(lang),
                "measure": a.measure,
                "owner": a.owner,
                "start_date": a.start_date,
                "due_date": a.due_date,
                "status": ctx.t(f"diagnostics_status_{a.status}"),
                "created_at": a.created_at,
            }
            for a in listed
        ],
        hide_index=True,
        column_config={
            "team": ctx.t("diagnostics_action_team"),
            "agent_id": ctx.t("diagnostics_action_agent"),
            "kpi": ctx.t("diagnostics_action_kpi"),
            "measure": ctx.t("diagnostics_action_measure"),
            "owner": ctx.t("diagnostics_action_owner"),
            "start_date": ctx.t("diagnostics_action_start"),
            "due_date": ctx.t("diagnostics_action_due"),
            "status": ctx.t("diagnostics_action_status"),
            "created_at": ctx.t("diagnostics_action_created"),
        },
        key="diagnostics_actions_table",
    )
    status_id, status_value, status_button = st.columns([1, 1, 1], vertical_alignment="bottom")
    action_id = status_id.selectbox(
        ctx.t("diagnostics_action_set_status"),
        [a.id for a in listed],
        format_func=lambda i: f"#{i}",
        key="diagnostics_status_action",
    )
    new_status = status_value.selectbox(
        ctx.t("diagnostics_action_status"),
        actions.STATUSES,
        format_func=lambda s: ctx.t(f"diagnostics_status_{s}"),
        key=labelled("diagnostics_status_value"),
    )
    if status_button.button(ctx.t("diagnostics_action_update"), key="diagnostics_status_update"):
        store.set_status(action_id, new_status)
        st.rerun()
else:
    st.markdown(ctx.t("diagnostics_no_actions"))

teams = data.filter_options(ctx.path)["teams"]
with st.form("diagnostics_action_form", clear_on_submit=False):
    st.markdown(f"**{ctx.t('diagnostics_action_new')}**")
    one, two = st.columns(2)
    measure = one.text_area(ctx.t("diagnostics_action_measure"), key="diagnostics_measure")
    owner = two.text_input(ctx.t("diagnostics_action_owner"), key="diagnostics_owner")
    action_team = two.selectbox(
        ctx.t("diagnostics_action_team"),
        teams,
        index=teams.index(scope.team) if scope.team in teams else 0,
        key=f"diagnostics_action_team_{scope.team}",
    )
    three, four, five, six = st.columns(4)
    action_kpi = three.selectbox(
        ctx.t("diagnostics_action_kpi"),
        kpi_ids,
        index=kpi_ids.index(k.id),
        format_func=lambda kpi_id: KPIS_BY_ID[kpi_id].label(lang),
        key=labelled("diagnostics_action_kpi"),
    )
    today = ctx.view.end or date.today()
    start_date = four.date_input(
        ctx.t("diagnostics_action_start"), value=today, key="diagnostics_action_start"
    )
    due_date = five.date_input(
        ctx.t("diagnostics_action_due"),
        value=today + timedelta(days=30),
        key="diagnostics_action_due",
    )
    status = six.selectbox(
        ctx.t("diagnostics_action_status"),
        actions.STATUSES,
        format_func=lambda s: ctx.t(f"diagnostics_status_{s}"),
        key=labelled("diagnostics_action_status_new"),
    )
    submitted = st.form_submit_button(ctx.t("diagnostics_action_save"))
if submitted:
    problem = None
    if not (owner or "").strip():
        problem = ctx.t("diagnostics_action_empty_owner")
    elif not (measure or "").strip():
        problem = ctx.t("diagnostics_action_empty_measure")
    elif start_date and due_date and due_date < start_date:
        problem = ctx.t("diagnostics_action_bad_dates")
    if problem is None:
        try:
            saved = store.add(
                action_team,
                action_kpi,
                measure,
                owner,
                start_date,
                due_date,
                status,
                scope.agent if scope.level == "agent" and action_team == scope.team else None,
            )
        except ValueError as error:
            problem = str(error)
    if problem is None:
        st.session_state["diagnostics_saved"] = ctx.t(
            "diagnostics_action_saved", id=saved.id, team=saved.team
        )
        st.rerun()
    else:
        st.error(ctx.t("diagnostics_action_invalid", problem=problem))
