"""Cached capability results (bounded caches), one call per page section.

Statistics are cached per population (`Filters.population()`: every team), so a supervisor
and leadership filtered to the same team share them and see the same numbers; each public
function returns only the rows of the visible scope.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app.cache import dataset
from dashboard.app.waiting import spinner
from scoring.analyses import capability
from scoring.measures.metrics import Filters
from scoring.scope import Visible, shows_rows


@spinner("spinner_skills")
@st.cache_data(max_entries=32, show_spinner=False)
def _skill_matrix(
    path: str,
    population: Filters,
    kpi_id: str,
    repeat_days: int,
    config: capability.CapabilityConfig,
    baseline: str,
) -> pd.DataFrame:
    return capability.skill_matrix(dataset(path), population, kpi_id, repeat_days, config, baseline)


@shows_rows
def skill_matrix(
    path: str,
    filters: Filters,
    visible: Visible,
    kpi_id: str,
    repeat_days: int,
    config: capability.CapabilityConfig,
    baseline: str,
) -> pd.DataFrame:
    """The visible agents' cells of the population's skill matrix."""
    population = filters.population()
    return visible.keep(_skill_matrix(path, population, kpi_id, repeat_days, config, baseline))


def training_needs(
    path: str,
    filters: Filters,
    visible: Visible,
    kpi_id: str,
    repeat_days: int,
    config: capability.CapabilityConfig,
    baseline: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The visible agents' training needs in the population's skill matrix, and per team."""
    matrix = _skill_matrix(path, filters.population(), kpi_id, repeat_days, config, baseline)
    needs = capability.training_needs(matrix, courses(path), months_in(path, filters), visible)
    return needs, capability.team_needs(needs, visible)


@st.cache_data(max_entries=32, show_spinner=False)
def _case_mix(path: str, population: Filters, kpi_id: str, repeat_days: int) -> pd.DataFrame:
    return capability.case_mix(dataset(path), population, kpi_id, repeat_days)


@shows_rows
def case_mix(
    path: str, filters: Filters, visible: Visible, kpi_id: str, repeat_days: int
) -> pd.DataFrame:
    """The visible agents' rows of the population's case mix (department ranks)."""
    return visible.keep(_case_mix(path, filters.population(), kpi_id, repeat_days))


@spinner("spinner_training")
@st.cache_data(max_entries=16, show_spinner=False)
def training_effects(
    path: str, filters: Filters, visible: Visible, kpi_id: str, repeat_days: int
) -> pd.DataFrame:
    return capability.training_effects(dataset(path), filters, visible, kpi_id, repeat_days)


@st.cache_data(max_entries=16, show_spinner=False)
def feedback(path: str, filters: Filters, visible: Visible) -> pd.DataFrame:
    return capability.feedback_360(dataset(path), filters, visible)


@st.cache_data(max_entries=16, show_spinner=False)
def blind_spots(path: str, filters: Filters, visible: Visible) -> pd.DataFrame:
    return capability.blind_spots(dataset(path), filters, visible)


@st.cache_data(max_entries=4, show_spinner=False)
def courses(path: str) -> pd.DataFrame:
    return capability.courses(dataset(path))


@st.cache_data(max_entries=16, show_spinner=False)
def months_in(path: str, filters: Filters) -> float:
    return capability.months_in(dataset(path), filters)


@st.cache_data(max_entries=16, show_spinner=False)
def agents(path: str, visible: Visible) -> pd.DataFrame:
    return capability.agents(dataset(path), visible)
