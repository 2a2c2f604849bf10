"""Entry point: page config, navigation, the shared sidebar.

Run with `streamlit run app.py` (sample data) or `streamlit run app.py -- --data DIR`.
"""

import streamlit as st

from dashboard.i18n import t
from dashboard.shell import build_context

st.set_page_config(
    page_title="售后服务绩效看板 · Service performance", page_icon="📊", layout="wide"
)

PAGES = (
    ("app_pages/overview.py", "page_overview", "📈", "overview"),
    ("app_pages/scorecard.py", "page_scorecard", "🏅", "scorecard"),
    ("app_pages/data.py", "page_data", "🗂️", "data"),
)

ctx = build_context()
lang = ctx.lang if ctx else st.session_state.get("w_lang", "zh")
navigation = st.navigation(
    [
        st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=(url == "overview"))
        for path, title, icon, url in PAGES
    ]
)
if ctx is None:
    st.stop()
navigation.run()
