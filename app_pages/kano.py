"""Customer expectations (客户期望): the Kano questionnaire per service factor, what to improve
first, the split by respondent segment, the KPIs that measure each factor, the scoring built
on them (opened in the What-if lab), and the questionnaire to download and, filled in, to import.

The sections live in dashboard.kano.sections; each draws scoring.analyses.kano results.
"""

import streamlit as st

from dashboard.app.shell import context
from dashboard.kano import data, sections

ctx = context()
st.title(ctx.t("page_kano"))
st.caption(ctx.t("kano_intro"))
sections.import_flash(ctx)

if not data.has_answers(ctx.path):
    st.info(ctx.t("kano_no_table"))
    sections.questionnaire_section(ctx)
    sections.import_section(ctx)
    st.stop()
minimum = data.minimum_respondents()
segment = sections.segment_control(ctx, data.segments(ctx.path))
chosen = data.analysis(ctx.path, minimum, segment)

sections.respondents_section(ctx, chosen)
sections.priorities_section(ctx, chosen)
sections.diagram_section(ctx, chosen)
sections.factors_section(ctx, chosen)
sections.segments_section(
    ctx, data.analysis(ctx.path, minimum, None), data.by_segment(ctx.path, minimum)
)
sections.kpis_section(ctx, chosen)
sections.scoring_section(ctx, chosen)
sections.questionnaire_section(ctx)
sections.import_section(ctx)
