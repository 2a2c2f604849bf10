"""My results (我的考核): an agent's own published appraisal results — never a draft or a
closed, unpublished version — with their history, their feedback talk (to acknowledge or
comment on) and their appeals (to file one, and see how it was resolved). Other roles see
the page as an agent of their scope would.

The sections live in dashboard.appraisal.sections (scoring.stores.periods).
"""

import streamlit as st

from dashboard.app.shell import context
from dashboard.appraisal import data, sections

ctx = context()
st.title(ctx.t("page_my_results"))
st.caption(ctx.t("appraisal_mine_intro"))
sections.flash()
store = data.store(ctx)
options = sections.published_periods(ctx, store)
if not options:
    st.info(ctx.t("appraisal_mine_none"))
    st.stop()
period_id = sections.choose_period(ctx, store, options, agent_view=True)
state = store.state(period_id)
record = data.record(ctx, period_id, state.published)  # the agent's view: published only
agent_id = sections.my_agent(ctx, record.frozen)
if agent_id is None:
    st.info(ctx.t("appraisal_mine_not_in"))
    st.stop()
team = record.team_of(agent_id)
st.caption(ctx.t("appraisal_mine_version", version=state.published))
if state.published != state.current or state.provisional:
    st.caption(ctx.t("appraisal_mine_under_review"))
sections.my_result_section(ctx, record.frozen, agent_id, team)
sections.my_talk_section(ctx, store, state, agent_id)
sections.my_appeals_section(ctx, store, state, record, agent_id, team)
sections.my_history_section(ctx, store, agent_id, team)
