"""Import data (导入数据): a helpdesk or call-centre export becomes a dataset, without code.

Files → columns → agents → preview → import; the work is in dashboard/importing.
"""

import streamlit as st

from dashboard.app.shell import context
from dashboard.importing import sections

ctx = context()
st.title(ctx.t("page_import_data"))
st.caption(ctx.t("import_intro"))
sections.flash(ctx)
sections.history_section(ctx)

chosen = sections.files_section(ctx)
found = sections.inspected(ctx, chosen) if chosen else None
if found is None:
    st.stop()
mapping = sections.columns_section(ctx, chosen, found).mapping
roster = sections.roster_upload(ctx)
made = sections.preview_section(ctx, chosen, mapping, roster)
if made is None:
    st.stop()
agents = sections.agents_editor(ctx, made)
sections.write_section(ctx, chosen, mapping, agents)
