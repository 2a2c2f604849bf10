"""Overview (总览): department KPIs vs the previous period and target, trends, volume,
grades and the team ranking (a click on a team opens its diagnostics)."""

import pandas as pd
import streamlit as st

from dashboard.app import cache as data
from dashboard.app.shell import context, labelled, set_view, switch_page_keeping_view
from dashboard.ui import charts
from dashboard.ui.cards import kpi_card
from dashboard.ui.labels import grade_label
from dashboard.ui.markup import md_list
from dashboard.ui.reports import overview_reports
from dashboard.ui.values import value_labels
from scoring.engine.schemes import DEFAULT_SCHEME, load
from scoring.engine.scorecard import grade_counts, team_summary
from scoring.measures.metrics import available_kpis
from scoring.registry.kpis import KPIS_BY_ID

TEAM_CHART = "overview_team_ranking"
OPEN_DIAGNOSTICS = "_overview_open_diagnostics"  # a team was clicked: go to Diagnostics


def open_team_diagnostics() -> None:
    """A click on a team's dot: that team becomes the filter (as the sidebar sets it), and
    the next run opens Diagnostics at that team (the click Diagnostics' own bars make)."""
    event = st.session_state.get(TEAM_CHART)
    points = event.selection.points if event else []
    if points:
        set_view(teams=[str(points[0]["customdata"][0])], agent=None)
        st.session_state[OPEN_DIAGNOSTICS] = True


ctx = context()
lang = ctx.lang
if st.session_state.pop(OPEN_DIAGNOSTICS, False):
    switch_page_keeping_view("app_pages/diagnostics.py", ctx)
filters = ctx.view.filters()
shown = ctx.view.only_agents or ctx.view.teams  # what the figures cover: an agent, teams
st.title(f"{ctx.t('page_overview')} · {md_list(shown) if shown else ctx.t('department')}")

current = data.kpi_table(ctx.path, filters, (), ctx.repeat_days)
if current.empty or int(current["tickets"].iloc[0]) == 0:
    st.info(ctx.t("no_tickets"))
    st.stop()
previous_filters = filters.previous()
previous = (
    data.kpi_table(ctx.path, previous_filters, (), ctx.repeat_days) if previous_filters else None
)

weights = load(ctx.view.scheme or DEFAULT_SCHEME).weights
weighted = [k for k in available_kpis(ctx.ds) if weights.get(k.id, 0) > 0]
now = current.iloc[0]
# A KPI without a single case in the view (an export without survey ratings) is named in a
# sentence instead of an empty card and an empty trend.
headline = [k for k in weighted if pd.notna(now.get(k.id))]
without_data = [k.label(lang) for k in weighted if k not in headline]
columns = st.columns(4)
for i, k in enumerate(headline):
    before = previous.iloc[0].get(k.id) if previous is not None and not previous.empty else None
    kpi_card(columns[i % 4], k, now.get(k.id), before, ctx.target_of(k), lang)

if without_data:
    st.caption(ctx.t("overview_without_data", kpis=ctx.t("list_separator").join(without_data)))

st.subheader(ctx.t("kpi_trends"))
left, right = st.columns([3, 1])
granularity = right.radio(
    ctx.t("granularity"), ("month", "week"), format_func=ctx.t, key=labelled("overview_granularity")
)
trend_kpi = right.selectbox(
    ctx.t("kpi"),
    [k.id for k in headline],
    format_func=lambda kpi_id: KPIS_BY_ID[kpi_id].label(lang),
    key=labelled("overview_trend_kpi"),
)
trend = data.kpi_table(ctx.path, filters, (granularity,), ctx.repeat_days).sort_values(granularity)
k = KPIS_BY_ID[trend_kpi]
left.plotly_chart(
    charts.kpi_trend(
        trend, granularity, k, k.label(lang), ctx.target_of(k), ctx.t("vs_target"), lang
    )
)

by_channel, by_category = st.columns(2)
for column, dimension, title in (
    (by_channel, "channel", "volume_by_channel"),
    (by_category, "category", "volume_by_category"),
):
    counts = data.ticket_counts(ctx.path, filters, dimension)
    counts["label"] = counts[dimension].map(value_labels(dimension, counts[dimension], lang))
    column.plotly_chart(charts.volume_bar(counts, dimension, ctx.t(title), ctx.t("tickets")))

card = data.scorecard_for(ctx.path, filters, ctx.repeat_days, ctx.view.scheme, targets=ctx.targets)
grades_col, teams_col = st.columns(2)
counts = grade_counts(card)
counts["label"] = [grade_label(g, lang) for g in counts["grade"]]
grades_col.plotly_chart(
    charts.grade_distribution(counts, ctx.t("grade_distribution"), ctx.t("agents"))
)
teams = team_summary(card).dropna(subset=["composite"])
if not teams.empty:
    x_range = charts.fitted_range(teams["composite"])
    figure = charts.team_ranking(teams, ctx.t("team_ranking"), ctx.t("mean_score"), x_range)
    clickable = ctx.grant.allows_page("diagnostics")
    if clickable:
        teams_col.plotly_chart(
            figure,
            on_select=open_team_diagnostics,
            selection_mode="points",
            key=TEAM_CHART,
        )
    else:
        teams_col.plotly_chart(figure)
    note = "team_ranking_note" if clickable else "team_ranking_note_static"
    teams_col.caption(ctx.t(note, low=x_range[0], high=x_range[1]))

overview_reports(ctx)
