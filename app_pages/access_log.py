"""Access log (访问日志, leadership only): who opened which page with which filters and
what they downloaded, filtered by user, page and date, exportable as CSV and Excel."""

import streamlit as st

from dashboard.app import audit
from dashboard.app.shell import context
from dashboard.ui import tables

ctx = context()
st.title(ctx.t("page_access_log"))
st.caption(ctx.t("access_log_intro"))
log = audit.open_log(ctx)
shown = audit.entries_table(ctx, log, audit.filter_controls(ctx, log))
audit.entries_section(ctx, shown)
if not shown.empty:
    tables.download_buttons(
        (ctx.t("download_csv"), ctx.t("download_excel")),
        "access_log",
        {"access_log": shown},
        key_prefix="access_log_",
    )
