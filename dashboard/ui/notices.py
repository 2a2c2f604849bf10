"""The outcome of a step taken in a widget callback, kept in session state for the rerun
that follows and shown there once (a callback runs before the page is drawn, so what it
writes itself would be lost)."""

from __future__ import annotations

import streamlit as st


def keep(key: str, kind: str, message: str) -> None:
    """Keep `message` (Markdown, its values escaped) as a "success" or "error" under `key`."""
    st.session_state[key] = (kind, message)


def show(key: str) -> None:
    """Show the message kept under `key`, once."""
    kind, message = st.session_state.pop(key, (None, None))
    if kind == "success":
        st.success(message)
    elif kind == "error":
        st.error(message)
