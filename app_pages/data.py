"""Data (数据): where the data comes from, what was excluded and why, what each KPI means."""

import pandas as pd
import streamlit as st

from dashboard.app.shell import context
from dashboard.targets import sections as target_sections
from dashboard.ui import quality
from dashboard.ui.labels import kpi_label, unavailable_reason
from dashboard.ui.markup import md
from dashboard.ui.values import value_label
from scoring.measures.metrics import unavailable_kpis

ctx = context()
report = ctx.ds.report
st.title(ctx.t("page_data"))

st.markdown(f"**{ctx.t('dataset_location')}**: `{report.dataset}`")
if report.notices:
    with st.expander(f"{ctx.t('warnings')} ({len(report.notices)})", expanded=True):
        for notice in report.notices:
            table = value_label("table", notice.table, ctx.lang)
            text = ctx.t(f"notice_{notice.code}", table=table, **notice.values)
            st.markdown(f"- {text}")

st.subheader(ctx.t("table_sizes"))
st.dataframe(
    pd.DataFrame(
        [
            {
                ctx.t("table"): value_label("table", t.table, ctx.lang),
                ctx.t("rows_read"): t.rows_read if t.present else None,
                ctx.t("accepted"): t.accepted if t.present else None,
                ctx.t("excluded"): t.excluded if t.present else None,
                ctx.t("status"): ctx.t("table_present" if t.present else "missing"),
            }
            for t in report.tables.values()
        ]
    ),
    hide_index=True,
    placeholder="",  # a missing table has no counts: its status says so
)

st.subheader(ctx.t("quality_report"))
# Example ids may name anyone's tickets or agents: only a session that may see every team
# gets them; the others see the counts.
quality.broken_rules(ctx, report, with_examples=ctx.visible.is_everything)

st.subheader(ctx.t("kpi_registry"))
st.caption(target_sections.in_use_text(ctx, ctx.targets))
registry = target_sections.registry_table(ctx)
st.dataframe(registry, hide_index=True, column_config={c: ctx.t(c) for c in registry.columns})
missing = unavailable_kpis(ctx.ds)
if missing:
    st.markdown(f"**{ctx.t('unavailable_kpis')}**")
    for kpi_id, reason in missing.items():
        why = unavailable_reason(reason, ctx.lang)
        st.markdown(f"- {md(kpi_label(kpi_id, ctx.lang))} (`{kpi_id}`): {md(why)}")
