"""Appraisal periods (考核周期): a period closed, published or reopened by leadership, its
frozen results (or the live, provisional draft), the awards with their probability of being
first, the payroll export, the appeals to resolve, the feedback talks, the history with
training and promotion recommendations, and every step audited.

The sections live in dashboard.appraisal.sections; the records, appeals and talks in the
dataset's state folder (scoring.stores.periods).
"""

import streamlit as st

from dashboard.app.shell import context
from dashboard.appraisal import data, sections

ctx = context()
st.title(ctx.t("page_appraisal"))
st.caption(ctx.t("appraisal_intro"))
sections.flash()
store = data.store(ctx)
sections.kind_control(ctx, store)
options = data.period_choices(ctx, store)
if not options:
    st.info(ctx.t("no_tickets"))
    st.stop()
period_id = sections.choose_period(ctx, store, options)
state = store.state(period_id)
shown = data.shown(ctx, state)
sections.state_banner(ctx, state, shown)
sections.steps_section(ctx, store, state)
sections.table_section(ctx, shown)
sections.awards_section(ctx, shown.frozen)
sections.export_section(ctx, shown)
sections.appeals_section(ctx, store, state, shown.record)
sections.talks_section(ctx, store, state, shown)
sections.history_section(ctx, store)
sections.audit_section(ctx, state, shown.record)
