"""The access log from the dashboard's side (scoring/stores/access_log.py keeps it): page views and
downloads recorded as they happen, and the leadership page that reads the log.

- A page view is recorded by app.py, once the navigation knows the page, once per change of
  (page, query) in a session: reruns of the same view (a click in a table, a slider) are not
  recorded again; a changed filter, another page or coming back to a page is a new view.
- A download is recorded when its button is clicked (`download_button`).
- The user and role are the session's grant. Open access (no access file) identifies
  nobody: the user is recorded empty and the role is the open grant's, "leadership".
- A view or download that cannot be recorded (read-only state folder, full disk) never
  stops the page: the page says so, and a view is tried again on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard.app.saved_state import problem_text, warn_if_repaired
from dashboard.app.shell import Context, labelled
from scoring.access import ALL_PAGES
from scoring.stores import access_log
from scoring.stores.sqlite_files import Unavailable

_DRAWN_KEY = "_audit_drawn"  # (user, role, page) this run draws, for the downloads it offers
_DRAWN_FOLDER_KEY = "_audit_folder"  # the state folder of the dataset this run draws
_VIEWED_KEY = "_audit_viewed"  # the (user, role, page, query) last recorded in this session
_DOWNLOAD_PROBLEM_KEY = "_audit_download_problem"  # why the last download was not recorded
LIMIT = 5000  # entries the page shows at most, newest first
DEFAULT_DAYS = 30


@st.cache_resource(max_entries=4, show_spinner=False)
def _log(state_dir: str) -> access_log.AccessLog:
    return access_log.AccessLog(Path(state_dir) / access_log.FILE_NAME)


def log(state_dir: Path) -> access_log.AccessLog:
    """The access log of a dataset's state folder (opened, and repaired if need be, once)."""
    return _log(str(state_dir))


def current_query() -> str:
    """The address bar's query string as this run leaves it (every value of every key)."""
    return urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])


def _who(ctx: Context) -> tuple[str, str]:
    return ctx.grant.user or "", ctx.grant.role


def page_view(ctx: Context, page: str) -> None:
    """Record the session's view of `page` unless it is the view recorded last; say so
    when it (or the last download) could not be recorded."""
    drawn = (*_who(ctx), page)
    st.session_state[_DRAWN_KEY] = drawn
    st.session_state[_DRAWN_FOLDER_KEY] = ctx.state_dir
    missed_download = st.session_state.pop(_DOWNLOAD_PROBLEM_KEY, None)
    if missed_download is not None:
        _not_recorded(ctx, "access_log_download_not_recorded", missed_download)
    view = (*drawn, current_query())
    if st.session_state.get(_VIEWED_KEY) == view:
        return
    try:
        log(ctx.state_dir).record(*view)
    except Unavailable as error:
        _not_recorded(ctx, "access_log_view_not_recorded", error)
        return
    st.session_state[_VIEWED_KEY] = view


def _not_recorded(ctx: Context, what: str, error: Unavailable) -> None:
    st.warning(f"{ctx.t(what)} {problem_text(ctx, error, 'access_log')}")


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
    state_dir = st.session_state[_DRAWN_FOLDER_KEY]
    then = on_click if callable(on_click) else None
    return st.download_button(
        label,
        data,
        file_name,
        mime,
        key,
        help,
        on_click=_record_download,
        args=(state_dir, entry, then, args or (), kwargs or {}),
        **options,
    )


def _record_download(state_dir: Path, entry: tuple, then, args: tuple, kwargs: dict) -> None:
    """The click's callback: the file is served whether or not it could be recorded."""
    try:
        log(state_dir).record(*entry)
    except Unavailable as error:
        st.session_state[_DOWNLOAD_PROBLEM_KEY] = error
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
    """The log; says so when its file was damaged and moved aside (naming both files)."""
    store = log(ctx.state_dir)
    warn_if_repaired(ctx, store.repair, "access_log")
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
    try:
        users = store.users()
    except Unavailable:
        users = []  # the entries table says why
    user = user_column.selectbox(
        ctx.t("access_log_user"),
        [None, *users],
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
    names in the session's language, times as UTC text (none, and why, when the log cannot
    be read now)."""
    try:
        frame = store.entries(chosen.user, chosen.page, chosen.start, chosen.end, limit=LIMIT)
    except Unavailable as error:
        st.error(problem_text(ctx, error, "access_log"))
        frame = pd.DataFrame({c: [] for c in access_log.COLUMNS}, dtype=str)
        frame["time"] = pd.to_datetime(frame["time"], utc=True)
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
