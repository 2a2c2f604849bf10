"""Balanced scorecard (平衡计分卡): the four perspectives of the department, a team or an
agent — their KPIs' actuals against targets (objectives where set), attainment and a score
per perspective, the scores by month, and the strategy map of the declared cause → effect
links. The sections live in dashboard.balanced.sections."""

import streamlit as st

from dashboard.app.shell import context
from dashboard.balanced import data, sections

ctx = context()
st.title(ctx.t("page_balanced"))
st.caption(ctx.t("balanced_intro"))
scope = sections.owner_picker(ctx)
if scope is None:
    st.stop()
sections.owner_heading(ctx, scope)
card = data.card(ctx, scope, data.objectives(ctx, scope))
sections.scores_section(ctx, card)
sections.kpis_section(ctx, card)
sections.trends_section(ctx, card)
sections.map_section(ctx, card)
