"""The access log from the dashboard's side (scoring/stores/access_log.py keeps it): page views and
downloads recorded as they happen, and the leadership page that reads the log.

- A page view is recorded by app.py, once the navigation knows the page, once per change of
  (page, query) in a session: reruns of the same view (a click in a table, a slider) are not
  recorded again; a changed filter, another page or coming back to a page is a new view.
- A download is recorded when its button is clicked (`download_button`).
- The user and role are the session's grant. Open access (no access file) identifies
  nobody: the user is recorded empty and the role is the open grant's, "leadership".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard.app.app_settings import app_setting
from dashboard.app.shell import Context, labelled
from scoring.access import ALL_PAGES
from scoring.stores import access_log

_DRAWN_KEY = "_audit_drawn"  # (user, role, page) this run draws, for the downloads it offers
_VIEWED_KEY = "_audit_viewed"  # the (user, role, page, query) last recorded in this session
LIMIT = 5000  # entries the page shows at most, newest first
DEFAULT_DAYS = 30


@st.cache_resource(max_entries=4, show_spinner=False)
def _log(state_dir: str) -> access_log.AccessLog:
    return access_log.AccessLog(Path(state_dir) / access_log.FILE_NAME)


def log() -> access_log.AccessLog:
    """The access log of the state folder (opened, and repaired if need be, once)."""
    return _log(app_setting("state_dir"))


def current_query() -> str:
    """The address bar's query string as this run leaves it (every value of every key)."""
    return urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])


def _who(ctx: Context) -> tuple[str, str]:
    return ctx.grant.user or "", ctx.grant.role


def page_view(ctx: Context, page: str) -> None:
    """Record the session's view of `page` unless it is the view recorded last."""
    drawn = (*_who(ctx), page)
    st.session_state[_DRAWN_KEY] = drawn
    view = (*drawn, current_query())
    if st.session_state.get(_VIEWED_KEY) == view:
        return
    log().record(*view)
    st.session_state[_VIEWED_KEY] = view


def download_button(
    label,
    data,
    file_name=None,
    mime=None,
    key=None,
    help=None,
    on_click="rerun",
    args=None,
    kwargs=None,
    **options,
) -> bool:
    """`st.download_button` whose click is recorded in the access log.

    A click reaches the server as the button's trigger, and Streamlit calls `on_click` at
    the start of the rerun it causes, also when `data` is a callable (deferred: Streamlit
    makes that file in a request of its own). The entry carries the user, role, page and
    query the button was drawn for (see `page_view`, which app.py calls before any page).
    `on_click="ignore"` is refused: such a click never reaches the server, so it could not
    be recorded. A callable `on_click` is called after recording, with `args`, `kwargs`.
    """
    if on_click == "ignore":
        raise ValueError("a download that is recorded must reach the server: not 'ignore'")
    if not file_name:
        raise ValueError("a recorded download needs its file_name")
    entry = (*st.session_state[_DRAWN_KEY], current_query(), file_name)
    then = on_click if callable(on_click) else None
    return st.download_button(
        label,
        data,
        file_name,
        mime,
        key,
        help,
        on_click=_record_download,
        args=(entry, then, args or (), kwargs or {}),
        **options,
    )


def _record_download(entry: tuple, then, args: tuple, kwargs: dict) -> None:
    log().record(*entry)
    if then is not None:
        then(*args, **kwargs)


# ---------------------------------------------------------------------------------------
# The leadership page


@dataclass(frozen=True)
class LogFilter:
    user: str | None = None
    page: str | None = None
    start: date | None = None
    end: date | None = None


def open_log(ctx: Context) -> access_log.AccessLog:
    """The log; says so when its file was damaged and moved aside (the path, as plain text)."""
    store = log()
    if store.warning:
        st.warning(ctx.t("access_log_store_warning"))
        st.text(store.warning)
    return store


def _user_label(ctx: Context, user: str | None) -> str:
    if user is None:
        return ctx.t("all")
    return user or ctx.t("access_log_open_access")


def _page_label(ctx: Context, page: str | None) -> str:
    return ctx.t("all") if page is None else ctx.t(f"page_{page}")


def filter_controls(ctx: Context, store: access_log.AccessLog) -> LogFilter:
    """User, page and UTC date range (the last 30 days unless changed)."""
    user_column, page_column, dates_column = st.columns(3)
    user = user_column.selectbox(
        ctx.t("access_log_user"),
        [None, *store.users()],
        format_func=lambda u: _user_label(ctx, u),
        key=labelled("access_log_user"),
    )
    page = page_column.selectbox(
        ctx.t("access_log_page"),
        [None, *ALL_PAGES],
        format_func=lambda p: _page_label(ctx, p),
        key=labelled("access_log_page"),
    )
    today = datetime.now(UTC).date()
    chosen = dates_column.date_input(
        ctx.t("access_log_dates"),
        value=(today - timedelta(days=DEFAULT_DAYS - 1), today),
        key="access_log_dates",
    )
    start, end = (tuple(chosen) + (None, None))[:2] if chosen else (None, None)
    return LogFilter(user, page, start, end)


def entries_table(ctx: Context, store: access_log.AccessLog, chosen: LogFilter) -> pd.DataFrame:
    """The entries as the page shows and exports them: labelled columns, role and page
    names in the session's language, times as UTC text."""
    frame = store.entries(chosen.user, chosen.page, chosen.start, chosen.end, limit=LIMIT)
    return pd.DataFrame(
        {
            ctx.t("access_log_time"): frame["time"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            ctx.t("access_log_user"): frame["user"],
            ctx.t("access_log_role"): [ctx.t(f"role_{r}") for r in frame["role"]],
            ctx.t("access_log_page"): [ctx.t(f"page_{p}") for p in frame["page"]],
            ctx.t("access_log_query"): frame["query"],
            ctx.t("access_log_file"): frame["file"].fillna(""),
        }
    )


def entries_section(ctx: Context, shown: pd.DataFrame) -> None:
    """The entries table (plain cells: nothing a user typed is rendered as Markdown)."""
    if shown.empty:
        st.info(ctx.t("access_log_none"))
        return
    st.dataframe(shown, hide_index=True, key="access_log_entries")
    if len(shown) >= LIMIT:
        st.caption(ctx.t("access_log_limited", limit=LIMIT))
