"""Objectives (目标管理): each objective's actual, attainment, pace, forecast and status for the
sidebar's period; team targets checked against the department's; the agents on track per
team; a missed objective opened in Diagnostics; objectives set, changed, deleted and
cascaded within the session's grant, with the history of saved changes.

The sections live in dashboard.objectives.sections; each draws scoring.analyses.objectives
results for the objectives in force (the dataset's table with the edits saved in its state
folder, scoring.stores.objectives).
"""

import streamlit as st

from dashboard.app.shell import context
from dashboard.objectives import data, sections

ctx = context()
st.title(ctx.t("page_objectives"))
st.caption(ctx.t("objectives_intro"))
sections.flash()
store = data.store(ctx)
everything = data.in_force(ctx)
sections.store_problems(ctx, store)
day = data.as_of(ctx)
frame = data.in_period(everything, ctx.view.filters())
st.caption(ctx.t("objectives_as_of", day=day.isoformat()))
pace = sections.pace_control(ctx)
# every objective in force is tracked once (its figures do not depend on the sidebar's
# period), then those of the period are shown: a period change reads nothing
tracked = data.tracked(ctx.path, everything, day, pace, ctx.visible, ctx.repeat_days)
rows = data.in_period(tracked, ctx.view.filters())

if rows.empty:
    st.info(ctx.t("objectives_none"))
else:
    sections.consistency_section(ctx, data.consistency(ctx.path, frame, ctx.repeat_days), frame)
    sections.list_section(ctx, rows)
    sections.teams_section(ctx, rows)
    sections.missed_section(ctx, rows, day)
sections.editor_section(ctx, store, frame, rows, day)
if not rows.empty:
    sections.cascade_section(ctx, store, frame, rows)
sections.history_section(ctx, store)
