"""Did it work? (效果评估): a change judged per KPI against untreated teams, with a placebo,
the trends and the event study, and the people side (attrition, employee satisfaction).

The sections live in dashboard.effect.sections; each draws scoring.analyses.effect results.
"""

import streamlit as st

from dashboard.app.shell import context
from dashboard.effect import data, sections

ctx = context()
st.title(ctx.t("page_effect"))
st.caption(ctx.t("effect_intro"))

chosen = sections.controls(ctx)
if chosen is None:
    st.stop()
result = data.evaluate(ctx, chosen.change, chosen.kpi_ids)
sections.verdicts_section(ctx, result)
sections.numbers_section(ctx, result)
sections.charts_section(ctx, result)
sections.people_section(ctx, result)
