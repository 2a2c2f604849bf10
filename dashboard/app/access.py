"""This session's grant (scoring/access.py): who is signed in, and what their role allows.

The user is whoever Streamlit's own login (`st.login`, configured in secrets.toml) signed
in, else the name a trusted proxy puts in the header named by the setting "user_header".
Without an access file every session gets the open grant.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from dashboard.app.app_settings import app_setting
from dashboard.ui.i18n import t
from dashboard.ui.markup import md, md_list
from scoring import access


def session_user() -> str | None:
    """The signed-in user's name (e-mail), or None."""
    if st.user.get("is_logged_in"):
        return st.user.get("email") or st.user.get("name")
    header = app_setting("user_header")
    return (st.context.headers.get(header) or None) if header else None


def _login_configured() -> bool:
    return "is_logged_in" in st.user


@st.cache_resource(max_entries=4, show_spinner=False)
def _policy(path: str, digest: str) -> access.AccessPolicy:
    """The access file as it was when its content had this digest."""
    return access.load_policy(path)


def _content_digest(path: str) -> str:
    """SHA-256 of the access file's bytes, read on every run (35 us for 500 users, 34 kB,
    measured): an edit that keeps the size and restores the modification time (`cp -p`,
    `rsync -t`) still changes the grant at once."""
    try:
        with open(path, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()
    except OSError:
        return ""  # the load reports the missing or unreadable file


def session_grant(lang: str) -> access.Grant | None:
    """This session's grant; None (after saying why) when it may see nothing."""
    path = app_setting("access_file")
    if not path:
        return access.OPEN
    try:
        policy = _policy(path, _content_digest(path))
    except access.AccessFileError as error:
        st.error(t("access_file_error", lang, path=path))
        st.markdown("\n".join(f"- `{problem}`" for problem in error.problems))
        return None
    user = session_user()
    grant = policy.grant_for(user)
    if grant is None:
        _refuse(user, lang)
    return grant


def _refuse(user: str | None, lang: str) -> None:
    if user:
        st.warning(t("access_denied", lang, user=md(user)))
        if st.user.get("is_logged_in"):
            st.button(t("access_sign_out", lang), on_click=st.logout)
        return
    st.info(t("access_anonymous", lang))
    if _login_configured():
        st.button(t("access_sign_in", lang), on_click=st.login, type="primary")


def grant_caption(grant: access.Grant, lang: str) -> None:
    """Sidebar: who is signed in with which role, and their teams (nothing when open)."""
    if grant.user is None:
        return
    role = t(f"role_{grant.role}", lang)
    st.sidebar.caption(t("access_signed_in", lang, user=md(grant.user), role=role))
    if grant.teams is not None:
        st.sidebar.caption(t("access_teams", lang, teams=md_list(grant.teams)))
    if st.user.get("is_logged_in"):
        st.sidebar.button(t("access_sign_out", lang), on_click=st.logout)
