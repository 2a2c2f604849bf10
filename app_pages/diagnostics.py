"""Diagnostics (诊断): drill from the department to a team, an agent and the tickets behind a
number; what drags the score, where time is lost, weak cells, repeat issues, and the
improvement actions (改进措施) set against a gap.

Every level has its own address: `team` (one team in the sidebar filter = the team
level), `agent` (the agent level) and the page key `drill=category:VALUE` (the tickets of
one bar at the agent level). Clicks and breadcrumbs change these keys in callbacks, before
the shell reads them. The sections live in dashboard.diagnostics.sections and
dashboard.diagnostics.actions.
"""

import streamlit as st

from dashboard.app.shell import context
from dashboard.diagnostics import actions as improvement
from dashboard.diagnostics import data as dd
from dashboard.diagnostics import sections

ctx = context()
base = ctx.view.filters()
st.title(ctx.t("page_diagnostics"))
scope, cell = sections.scope_from_url(ctx)
sections.breadcrumbs(ctx, scope, cell)
if not sections.has_tickets(ctx, base, scope):
    st.info(ctx.t("no_tickets"))
    st.stop()

gaps = dd.gaps(ctx.path, base, ctx.repeat_days, ctx.view.scheme, scope, ctx.targets)
focus = sections.kpi_picker(ctx, gaps)
k = focus.kpi
sections.gaps_section(ctx, gaps)

left, right = st.columns(2)
with left:
    sections.drill_chart(ctx, scope, base, focus)
store = improvement.open_store(ctx)
with right:
    sections.trend_chart(ctx, scope, base, k, improvement.trend_markers(ctx, store, scope, k))

if cell:
    sections.ticket_list(ctx, scope, base, cell)
sections.bottlenecks_section(ctx, scope, base)
sections.breakdowns_section(ctx, scope, base, k)
sections.repeats_section(ctx, scope, base)
improvement.actions_section(ctx, scope, store)
improvement.new_action_form(ctx, scope, store, k)
