"""What each part of the Scorecard page draws: the scheme, the agents (a row opens how the
score is made), the downloads, the teams, the KPI points and the intervals."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import cache as data
from dashboard.app.shell import Context, labelled
from dashboard.scorecard import breakdown
from dashboard.ui import charts, reports, tables
from dashboard.ui.labels import grade_label
from dashboard.ui.markup import md
from scoring.analyses.appraisal import history
from scoring.engine import schemes
from scoring.engine.scorecard import Scorecard, team_summary
from scoring.scope import Visible

# What a cell without a value shows (Streamlit's default is a grey "None"): a rank or score of
# an agent or team not graded, a KPI without data; the notes and reweighted column say why.
EMPTY = ""


def scored_card(ctx: Context) -> Scorecard:
    """The weight scheme and case-mix choices, and the scorecard they make for the filter."""
    available = data.weight_schemes()
    st.selectbox(
        ctx.t("scheme"),
        list(available),
        format_func=lambda name: available[name].label(ctx.lang),
        key=labelled("w_scheme"),
        help=available[ctx.view.scheme or schemes.DEFAULT_SCHEME].describe(ctx.lang),
    )
    case_mix = st.toggle(
        ctx.t("capability_case_mix_toggle"),
        key="scorecard_case_mix",
        help=ctx.t("capability_case_mix_toggle_help"),
    )
    return data.scorecard_for(
        ctx.path,
        ctx.view.filters(),
        ctx.repeat_days,
        st.session_state["w_scheme"],
        case_mix=case_mix,
        targets=ctx.targets,
    )


def agents(ctx: Context, card: Scorecard):
    """The agent table, one row selectable; returns the table and the chosen agent's row
    (None when no row is selected)."""
    st.subheader(ctx.t("agent_table"))
    st.caption(ctx.t("shrunk_note"))
    table = tables.agent_table(card, ctx.lang)
    selection = st.dataframe(
        table,
        column_config=tables.agent_column_config(card, ctx.lang),
        hide_index=True,
        placeholder=EMPTY,
        on_select="rerun",
        selection_mode="single-row",
        key="scorecard_agents",
    )
    rows = selection.selection.rows if selection else []
    return table, (table.iloc[rows[0]] if rows else None)


def how_the_score_is_made(ctx: Context, card: Scorecard, chosen) -> None:
    """The chosen agent's KPIs: value, cases, targets, score, weight, points and the total."""
    name, agent_id = md(chosen["name"]), md(chosen["agent_id"])
    st.markdown(f"**{ctx.t('scorecard_breakdown_for', name=name, agent_id=agent_id)}**")
    st.caption(breakdown.intro(card, ctx.lang))
    table = breakdown.breakdown(card, chosen["agent_id"], ctx.lang)
    widths = breakdown.column_widths(ctx.lang)
    st.dataframe(
        table,
        hide_index=True,
        placeholder=EMPTY,
        height=_whole_table(len(table)),
        column_config={h: st.column_config.TextColumn(h, width=w) for h, w in widths.items()},
    )
    st.caption(ctx.t("scorecard_points_rounded"))
    reports.agent_report(ctx, chosen["agent_id"], chosen["name"])


def appraisal_history(ctx: Context, chosen) -> None:
    """The chosen agent's results across closed appraisal periods (an agent: published ones
    only): grade, composite, rank and award per period, with the trend and consistency
    (scoring.analyses.appraisal.history)."""
    agent_id = chosen["agent_id"]
    records = data.closed_results(ctx.state_dir, published_only=ctx.grant.role == "agent")
    mine = Visible((chosen["team"],), (agent_id,))
    rows, summary = history.history(records, mine), history.summary(records, mine)
    st.markdown(f"**{ctx.t('scorecard_history')}**")
    if rows.empty:
        st.caption(ctx.t("scorecard_history_none"))
        return
    table = pd.DataFrame(
        {
            ctx.t("scorecard_history_period"): rows["period"],
            ctx.t("composite"): rows["composite"],
            ctx.t("grade"): [grade_label(g if isinstance(g, str) else None, ctx.lang)
                             for g in rows["grade"]],
            ctx.t("dept_rank"): rows["dept_rank"],
        }
    )  # fmt: skip
    st.dataframe(table, hide_index=True, placeholder=EMPTY, key="scorecard_history")
    found = summary.iloc[0]
    if found["periods"] >= history.MIN_PERIODS:
        st.caption(
            ctx.t(
                "scorecard_history_trend",
                periods=int(found["periods"]),
                mean=f"{found['mean']:.1f}",
                trend=f"{found['trend']:+.1f}",
                spread=f"{found['spread']:.1f}",
                steady=f"{found['steady_share']:.0%}",
            )
        )


def _whole_table(rows: int) -> int:
    """A height in pixels showing every row (Streamlit's rows are 35 px, the header too), so
    the total line is in sight without scrolling the table."""
    return 35 * (rows + 1) + 3


def downloads(ctx: Context, card: Scorecard) -> None:
    tables.download_buttons(
        (ctx.t("download_csv"), ctx.t("download_excel")),
        "scorecard",
        {"agents": tables.export_table(card, ctx.lang), "teams": team_summary(card)},
    )


def teams(ctx: Context, card: Scorecard) -> None:
    st.subheader(ctx.t("team_table"))
    st.dataframe(
        tables.team_table(card),
        hide_index=True,
        column_config=tables.team_column_config(ctx.lang),
        placeholder=EMPTY,
    )
    unmeasured = tables.weighted_unmeasured(card)
    if unmeasured:
        names = ctx.t("list_separator").join(k.label(ctx.lang) for k in unmeasured)
        st.caption(ctx.t("scorecard_unmeasured", kpis=names))


def contributions(ctx: Context, card: Scorecard, table) -> None:
    """The KPI points of the best and weakest agents."""
    st.subheader(ctx.t("contributions"))
    labels = {k.id: k.label(ctx.lang) for k in card.matrix.kpis}
    points = tables.top_and_bottom_contributions(card, table, 5)
    st.plotly_chart(charts.contributions(points, labels, ctx.t("kpi")))


def intervals(ctx: Context, card: Scorecard) -> None:
    """Each agent's value and interval of one shrunk KPI."""
    shrunk_kpis = [k for k in tables.scored_kpis(card) if k.shrink]
    if not shrunk_kpis:
        return
    by_id = {k.id: k for k in shrunk_kpis}
    chosen = st.selectbox(
        ctx.t("kpi"),
        list(by_id),
        format_func=lambda kpi_id: by_id[kpi_id].label(ctx.lang),
        key=labelled("scorecard_interval_kpi"),
    )
    k = by_id[chosen]
    words = tuple(ctx.t(f"scorecard_interval_{w}") for w in ("estimate", "measured", "cases"))
    st.plotly_chart(charts.kpi_intervals(card.matrix.frame, k, k.label(ctx.lang), words))
