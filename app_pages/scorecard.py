"""Scorecard (绩效排名): agents and teams ranked under a weight scheme, with the evidence."""

import streamlit as st

from dashboard.app import cache as data
from dashboard.app.shell import context, labelled
from dashboard.targets.sections import calibrated_notice
from dashboard.ui import charts, tables, trust
from dashboard.ui.markup import md
from scoring.engine import schemes
from scoring.engine.scorecard import explain, team_summary

ctx = context()
lang = ctx.lang
filters = ctx.view.filters()
st.title(ctx.t("page_scorecard"))

available = data.weight_schemes()
st.selectbox(
    ctx.t("scheme"),
    list(available),
    format_func=lambda name: available[name].label(lang),
    key=labelled("w_scheme"),
    help=available[ctx.view.scheme or schemes.DEFAULT_SCHEME].describe(ctx.lang),
)
case_mix = st.toggle(
    ctx.t("capability_case_mix_toggle"),
    key="scorecard_case_mix",
    help=ctx.t("capability_case_mix_toggle_help"),
)
card = data.scorecard_for(
    ctx.path,
    filters,
    ctx.repeat_days,
    st.session_state["w_scheme"],
    case_mix=case_mix,
    targets=ctx.targets,
)
if int(card.frame["tickets"].sum()) == 0:
    st.info(ctx.t("no_tickets"))
    st.stop()
calibrated_notice(ctx)

trust.flags_section(card, lang)

st.subheader(ctx.t("agent_table"))
st.caption(ctx.t("shrunk_note"))
table = tables.agent_table(card, lang)
selection = st.dataframe(
    table,
    column_config=tables.agent_column_config(card, lang),
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="scorecard_agents",
)
chosen_rows = selection.selection.rows if selection else []
if chosen_rows:
    agent_id = table.iloc[chosen_rows[0]]["agent_id"]
    st.markdown(f"**{md(table.iloc[chosen_rows[0]]['name'])}** · {md(agent_id)}")
    st.dataframe(explain(card, agent_id), hide_index=True)

exported = tables.export_table(card, lang)
tables.download_buttons(
    (ctx.t("download_csv"), ctx.t("download_excel")),
    "scorecard",
    {"agents": exported, "teams": team_summary(card)},
)

st.subheader(ctx.t("team_table"))
st.dataframe(
    team_summary(card),
    hide_index=True,
    column_config={
        "team": ctx.t("team"),
        "agents": ctx.t("agents"),
        "graded": ctx.t("graded"),
        "tickets": ctx.t("tickets"),
        "composite": st.column_config.ProgressColumn(
            ctx.t("mean_score"), min_value=0, max_value=100, format="%.1f"
        ),
        "rank": ctx.t("dept_rank"),
    },
)

unmeasured = tables.weighted_unmeasured(card)
if unmeasured:
    st.caption(ctx.t("scorecard_unmeasured", kpis=", ".join(k.label(lang) for k in unmeasured)))

st.subheader(ctx.t("contributions"))
labels = {k.id: k.label(lang) for k in card.matrix.kpis}
points = tables.top_and_bottom_contributions(card, table, 5)
st.plotly_chart(charts.contributions(points, labels, ctx.t("kpi")))

shrunk_kpis = [k for k in tables.scored_kpis(card) if k.shrink]
if shrunk_kpis:
    chosen = st.selectbox(
        ctx.t("kpi"),
        [k.id for k in shrunk_kpis],
        format_func=lambda kpi_id: labels[kpi_id],
        key=labelled("scorecard_interval_kpi"),
    )
    k = next(k for k in shrunk_kpis if k.id == chosen)
    st.plotly_chart(charts.kpi_intervals(card.matrix.frame, k, k.label(lang)))
