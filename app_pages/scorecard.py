"""Scorecard (绩效排名): agents and teams ranked under a weight scheme, with the evidence."""

import streamlit as st

from dashboard.app.shell import context
from dashboard.scorecard import sections
from dashboard.targets.sections import calibrated_notice
from dashboard.ui import trust

ctx = context()
st.title(ctx.t("page_scorecard"))
card = sections.scored_card(ctx)
if int(card.frame["tickets"].sum()) == 0:
    st.info(ctx.t("no_tickets"))
    st.stop()
calibrated_notice(ctx)
trust.flags_section(card, ctx.lang)

table, chosen = sections.agents(ctx, card)
if chosen is not None:
    sections.how_the_score_is_made(ctx, card, chosen)
    sections.appraisal_history(ctx, chosen)
sections.downloads(ctx, card)
sections.teams(ctx, card)
sections.contributions(ctx, card, table)
sections.intervals(ctx, card)
