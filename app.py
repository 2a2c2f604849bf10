"""Entry point: page config, navigation, the shared sidebar.

Run with `streamlit run app.py` (sample data) or `streamlit run app.py -- --data DIR`.

Pages live in `app_pages/`, not `pages/`: a folder named `pages/` switches Streamlit into
its older folder-based routing, which misroutes direct links when combined with
`st.navigation`. The root URL redirects to the Overview so that every page, the first
one included, has its own address (`/overview`, `/scorecard`, `/data`).
"""

import streamlit as st

from dashboard.app import audit
from dashboard.app.access import grant_caption, session_grant
from dashboard.app.shell import (
    build_context,
    data_warning_badge,
    dataset_notice,
)
from dashboard.app.state import to_query
from dashboard.app.waiting import session_language
from dashboard.ui.i18n import t

st.set_page_config(
    page_title="售后服务绩效看板 · Service performance", page_icon="📊", layout="wide"
)

PAGES = (
    ("app_pages/overview.py", "page_overview", "📈", "overview"),
    ("app_pages/scorecard.py", "page_scorecard", "🏅", "scorecard"),
    ("app_pages/balanced.py", "page_balanced", "🧭", "balanced"),
    ("app_pages/diagnostics.py", "page_diagnostics", "🔎", "diagnostics"),
    ("app_pages/whatif.py", "page_whatif", "🎚️", "whatif"),
    ("app_pages/targets.py", "page_targets", "🎯", "targets"),
    ("app_pages/objectives.py", "page_objectives", "🏁", "objectives"),
    ("app_pages/capability.py", "page_capability", "🎓", "capability"),
    ("app_pages/kano.py", "page_kano", "💬", "kano"),
    ("app_pages/effect.py", "page_effect", "🧪", "effect"),
    ("app_pages/data.py", "page_data", "🗂️", "data"),
    ("app_pages/import_data.py", "page_import_data", "📥", "import_data"),
    ("app_pages/access_log.py", "page_access_log", "🧾", "access_log"),
    ("app_pages/appraisal.py", "page_appraisal", "🗓️", "appraisal"),
    ("app_pages/my_results.py", "page_my_results", "🪪", "my_results"),
)

grant = session_grant(session_language())
if grant is None:  # not let in: the reason is shown, nothing else is
    st.stop()
ctx = build_context(grant)
lang = ctx.lang if ctx else session_language()
pages = {
    url: st.Page(path, title=t(title, lang), icon=icon, url_path=url)
    for path, title, icon, url in PAGES
    if grant.allows_page(url)
}


def _root() -> None:
    first = next(iter(pages.values()))
    st.switch_page(first, query_params=to_query(ctx.view) if ctx else None)


navigation = st.navigation(
    [
        *pages.values(),
        st.Page(
            _root, title=t("app_title", lang), url_path="home", default=True, visibility="hidden"
        ),
    ],
    expanded=True,  # every page listed: past ten, Streamlit folds the rest under "View more"
)
if ctx is None:
    st.stop()
if navigation.url_path in pages:  # not the hidden root, which only redirects
    audit.page_view(ctx, navigation.url_path)
    dataset_notice(ctx)
grant_caption(ctx.grant, ctx.lang)
if "data" in pages:
    data_warning_badge(ctx, pages["data"])
navigation.run()
