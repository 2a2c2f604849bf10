"""Spinners of cached calls speak the session's language (dashboard/app/waiting.py)."""

from __future__ import annotations

import contextlib

import pytest

from dashboard.app import waiting
from dashboard.ui.i18n import t


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_cached_call_shows_its_spinner_in_the_session_language(monkeypatch, lang):
    shown = []

    @contextlib.contextmanager
    def fake_spinner(text):
        shown.append(text)
        yield

    monkeypatch.setattr(waiting.st, "spinner", fake_spinner)
    monkeypatch.setattr(waiting, "session_language", lambda: lang)
    calls = []

    def cached(x):
        calls.append(x)
        return x * 2

    cached.clear = lambda: calls.clear()
    wrapped = waiting.spinner("spinner_kpis")(cached)
    assert wrapped(21) == 42 and calls == [21]
    assert shown == [t("spinner_kpis", lang)]
    assert shown[0] != t("spinner_kpis", "en" if lang == "zh" else "zh")
    wrapped.clear()
    assert calls == []  # .clear reaches the cache behind the spinner


def test_every_cached_spinner_is_a_text_of_the_catalog():
    # no cached function keeps Streamlit's fixed (English) spinner text
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "dashboard"
    fixed = [p for p in root.rglob("*.py") if 'show_spinner="' in p.read_text(encoding="utf-8")]
    assert fixed == []
