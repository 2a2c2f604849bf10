"""Capability gaps (能力差距): who needs which training, with the evidence.

The sections live in dashboard.capability.sections; each draws scoring.analyses.capability results.
"""

import streamlit as st

from dashboard.app.shell import context
from dashboard.capability import data, sections

ctx = context()
filters = ctx.view.filters()
st.title(ctx.t("page_capability"))
st.caption(ctx.t("capability_intro"))

skills = sections.available_skills(ctx)
if skills.empty:
    st.info(ctx.t("capability_no_skills"))
    st.stop()
chosen = sections.controls(ctx, skills)
kpi = chosen.kpi
matrix = data.skill_matrix(
    ctx.path, filters, ctx.visible, chosen.kpi_id, ctx.repeat_days, chosen.config, chosen.baseline
)

sections.matrix_section(ctx, chosen, matrix)
needs = sections.needs_section(ctx, filters, chosen)
if skills.kpis:
    sections.case_mix_section(ctx, filters, kpi)
    sections.effects_section(ctx, filters, kpi)
spots = sections.feedback_section(ctx, filters, skills)
sections.plan_section(ctx, kpi, needs, spots)
sections.appraisal_section(ctx)
