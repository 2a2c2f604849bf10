"""Overview (总览): department KPIs vs the previous period and target, trends, volume,
grades and the team ranking."""

import pandas as pd
import streamlit as st

from dashboard.app import cache as data
from dashboard.app.shell import context, labelled
from dashboard.ui import charts
from dashboard.ui.labels import grade_label
from dashboard.ui.markup import md_list
from scoring.engine.schemes import DEFAULT_SCHEME, load
from scoring.engine.scorecard import grade_counts, team_summary
from scoring.measures.metrics import available_kpis
from scoring.registry.kpis import KPIS_BY_ID

ctx = context()
lang = ctx.lang
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
    value = now.get(k.id)
    before = previous.iloc[0].get(k.id) if previous is not None and not previous.empty else None
    delta = k.format_change(value - before) if before is not None else None
    target = ctx.target_of(k)
    columns[i % 4].metric(
        k.label(lang),
        k.format(value),
        delta=delta,
        delta_color="normal" if k.higher_is_better else "inverse",
        help=f"{k.describe(lang)} {ctx.t('vs_target')}: {k.format(target)}",
        border=True,
    )
    columns[i % 4].caption(
        f"{'✅' if k.meets(value, target) else '🔻'} {ctx.t('vs_target')} {k.format(target)}"
        + (f" · {ctx.t('vs_previous')}" if delta else "")
    )

if without_data:
    st.caption(ctx.t("overview_without_data", kpis=", ".join(without_data)))

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
    charts.kpi_trend(trend, granularity, k, k.label(lang), ctx.target_of(k), ctx.t("vs_target"))
)

by_channel, by_category = st.columns(2)
by_channel.plotly_chart(
    charts.volume_bar(
        data.ticket_counts(ctx.path, filters, "channel"),
        "channel",
        ctx.t("volume_by_channel"),
        ctx.t("tickets"),
    )
)
by_category.plotly_chart(
    charts.volume_bar(
        data.ticket_counts(ctx.path, filters, "category"),
        "category",
        ctx.t("volume_by_category"),
        ctx.t("tickets"),
    )
)

card = data.scorecard_for(ctx.path, filters, ctx.repeat_days, ctx.view.scheme, targets=ctx.targets)
grades_col, teams_col = st.columns(2)
counts = grade_counts(card)
counts["label"] = [grade_label(g, lang) for g in counts["grade"]]
grades_col.plotly_chart(
    charts.grade_distribution(counts, ctx.t("grade_distribution"), ctx.t("agents"))
)
teams = team_summary(card)
teams_col.plotly_chart(charts.team_ranking(teams, ctx.t("team_ranking"), ctx.t("mean_score")))
