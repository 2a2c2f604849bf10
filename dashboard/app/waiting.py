"""What a session sees while a cached result is computed: a spinner in its own language.

Streamlit's `show_spinner` is one text fixed when the function is decorated, so a Chinese page
showed "Computing KPIs per agent…". `spinner(key)` wraps a cached function instead: the
spinner's text is looked up per call. Streamlit draws a spinner only for a call that takes
longer than half a second, so a cache hit shows nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from dashboard.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

F = TypeVar("F", bound=Callable)


def session_language() -> str:
    """The language of this session: the switch once touched, else the link, else Chinese."""
    lang = st.session_state.get("w_lang") or st.query_params.get("lang") or DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def spinner(text_key: str) -> Callable[[F], F]:
    """Decorate a cached function (`show_spinner=False`): its calls show the text `text_key`
    in the session's language while they run; `.clear()` still clears its cache."""

    def wrap(cached: F) -> F:
        @functools.wraps(cached)
        def call(*args, **kwargs):
            with st.spinner(t(text_key, session_language())):
                return cached(*args, **kwargs)

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return wrap
