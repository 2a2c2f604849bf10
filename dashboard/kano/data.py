"""Cached inputs of the Customer expectations page: the questionnaire classified (of everyone,
of one segment, of each segment) and the department's values of the KPIs linked to the
factors.

The answers are customers', not the department's people, so no team or agent is in them; the
KPI values are those of the sidebar's filter, which the shell has clamped to the session's
grant (the visible scope, as on the Overview).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import cache
from dashboard.app.app_settings import app_setting
from dashboard.kano import questionnaire
from scoring.analyses import kano
from scoring.measures.metrics import Filters


def minimum_respondents() -> int:
    """The setting kano_min_respondents (a bad value is an error naming the setting)."""
    return kano.minimum_respondents(app_setting(kano.MINIMUM_SETTING))


def has_answers(path: str) -> bool:
    return cache.dataset(path).has(kano.TABLE)


@st.cache_data(max_entries=4, show_spinner=False)
def segments(path: str) -> list[str]:
    return kano.segments(cache.dataset(path))


@st.cache_data(max_entries=16, show_spinner=False)
def analysis(path: str, minimum: int, segment: str | None) -> kano.KanoAnalysis:
    return kano.analyse(cache.dataset(path), minimum, segment)


def by_segment(path: str, minimum: int) -> dict[str, kano.KanoAnalysis]:
    return {s: analysis(path, minimum, s) for s in segments(path)}


def kpi_links(
    path: str, filters: Filters, repeat_days: int, factors: pd.DataFrame, targets: dict
) -> pd.DataFrame:
    """The factors' KPIs with their value over `filters` (the visible scope) and target."""
    current = cache.kpi_table(path, filters, (), repeat_days)
    values = current.iloc[0].to_dict() if not current.empty else {}
    return kano.kpi_links(factors, values, targets)


@st.cache_data(max_entries=1, show_spinner=False)
def questionnaire_template() -> bytes:
    """The bilingual questionnaire workbook (the same for every dataset and session)."""
    return questionnaire.template_bytes()
