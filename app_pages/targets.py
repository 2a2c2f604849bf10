"""Targets (目标值设定): floor, target and stretch per KPI for this dataset, suggested from a
reference period, adopted in one click, edited by hand and saved as a new version.

The sections live in dashboard.targets.sections; every page scores with the saved set
(dashboard.app.cache.dataset_targets).
"""

import streamlit as st

from dashboard.app import cache as data
from dashboard.app.shell import context
from dashboard.targets import data as targets_data
from dashboard.targets import sections

ctx = context()
filters = ctx.view.filters()
st.title(ctx.t("page_targets"))
st.caption(ctx.t("targets_intro"))

matrix = targets_data.reference_matrix(ctx.path, filters, ctx.repeat_days)
if int(matrix.frame["tickets"].sum()) == 0:
    st.info(ctx.t("no_tickets"))
    st.stop()
store = targets_data.store(ctx.state_dir)
in_use = ctx.targets
first, last = data.data_range(ctx.path)
period = (filters.start or first, filters.end or last)

sections.in_use_section(ctx, in_use, store)
sections.flash()
suggested = targets_data.suggestions(matrix)
draft = sections.start_draft(ctx, matrix, in_use)
sections.table_section(ctx, matrix, in_use, suggested, draft, period)
sections.kpi_section(ctx, matrix, in_use, suggested, draft)
sections.save_section(ctx, store, matrix, in_use, suggested, draft)
sections.versions_section(ctx, store)
