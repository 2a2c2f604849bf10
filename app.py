"""Entry point: page config, navigation, the shared sidebar.

Run with `streamlit run app.py` (sample data) or `streamlit run app.py -- --data DIR`.

Pages live in `app_pages/`, not `pages/`: a folder named `pages/` switches Streamlit into
its older folder-based routing, which misroutes direct links when combined with
`st.navigation`. The root URL redirects to the Overview so that every page, the first
one included, has its own address (`/overview`, `/scorecard`, `/data`).
"""

import streamlit as st

from dashboard.i18n import t
from dashboard.shell import build_context, data_warning_badge, requested_language
from dashboard.state import to_query

st.set_page_config(
    page_title="售后服务绩效看板 · Service performance", page_icon="📊", layout="wide"
)

PAGES = (
    ("app_pages/overview.py", "page_overview", "📈", "overview"),
    ("app_pages/scorecard.py", "page_scorecard", "🏅", "scorecard"),
    ("app_pages/diagnostics.py", "page_diagnostics", "🔎", "diagnostics"),
    ("app_pages/whatif.py", "page_whatif", "🎚️", "whatif"),
    ("app_pages/capability.py", "page_capability", "🎓", "capability"),
    ("app_pages/data.py", "page_data", "🗂️", "data"),
)

ctx = build_context()
lang = ctx.lang if ctx else requested_language()
pages = [
    st.Page(path, title=t(title, lang), icon=icon, url_path=url) for path, title, icon, url in PAGES
]


def _root() -> None:
    st.switch_page(pages[0], query_params=to_query(ctx.view) if ctx else None)


navigation = st.navigation(
    [
        *pages,
        st.Page(
            _root, title=t("app_title", lang), url_path="home", default=True, visibility="hidden"
        ),
    ]
)
if ctx is None:
    st.stop()
data_warning_badge(ctx, pages[-1])
navigation.run()
