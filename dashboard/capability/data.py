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
from scoring.analyses.capability import kept
from scoring.data.dataset import Dataset
from scoring.measures.metrics import Filters
from scoring.scope import Visible, shows_rows


@st.cache_data(max_entries=2, show_spinner=False)
def _ticket_cells(path: str, population: Filters, kpi_id: str, repeat_days: int) -> pd.DataFrame:
    """The fine cells the skill matrix and the case mix share (the one ticket read of both;
    large, so few are kept)."""
    return capability.ticket_cells(dataset(path), population, kpi_id, repeat_days)


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
    cells = _cells_of(path, population, kpi_id, repeat_days)
    return kept.skill_matrix(
        dataset(path), population, kpi_id, repeat_days, config, baseline, cells
    )


def _cells_of(path: str, population: Filters, kpi_id: str, repeat_days: int) -> kept.Cells:
    """The fine cells, read when a result not kept needs them (a KPI without them: None)."""
    if not _has_cells(dataset(path), kpi_id):
        return lambda: None
    return lambda: _ticket_cells(path, population, kpi_id, repeat_days)


def _has_cells(ds: Dataset, kpi_id: str) -> bool:
    """Whether the KPI is one of the skill KPIs the dataset can compute (it has fine cells)."""
    return kpi_id in {k.id for k in capability.skill_kpis(ds)}


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
    cells = _cells_of(path, population, kpi_id, repeat_days)
    return kept.case_mix(dataset(path), population, kpi_id, repeat_days, cells)


@shows_rows
def case_mix(
    path: str, filters: Filters, visible: Visible, kpi_id: str, repeat_days: int
) -> pd.DataFrame:
    """The visible agents' rows of the population's case mix (department ranks)."""
    return visible.keep(_case_mix(path, filters.population(), kpi_id, repeat_days))


@spinner("spinner_training")
@st.cache_data(max_entries=16, show_spinner=False)
def _training_effects(path: str, undated: Filters, kpi_id: str, repeat_days: int) -> pd.DataFrame:
    return kept.training_effects(dataset(path), undated, kpi_id, repeat_days)


@shows_rows
def training_effects(
    path: str, filters: Filters, visible: Visible, kpi_id: str, repeat_days: int
) -> pd.DataFrame:
    """The visible agents' courses of every agent's training effects: their peers are the
    population's and the windows set the dates, so one result per KPI serves every team,
    period and session."""
    undated = filters.population().replace(start=None, end=None)
    return visible.keep(_training_effects(path, undated, kpi_id, repeat_days))


@st.cache_data(max_entries=16, show_spinner=False)
def feedback(path: str, filters: Filters, visible: Visible) -> pd.DataFrame:
    return capability.feedback_360(dataset(path), filters, visible)


@st.cache_data(max_entries=16, show_spinner=False)
def blind_spots(path: str, filters: Filters, visible: Visible) -> pd.DataFrame:
    return capability.blind_spots_of(feedback(path, filters, visible), visible)


@st.cache_data(max_entries=4, show_spinner=False)
def courses(path: str) -> pd.DataFrame:
    return capability.courses(dataset(path))


@st.cache_data(max_entries=16, show_spinner=False)
def months_in(path: str, filters: Filters) -> float:
    return capability.months_in(dataset(path), filters)


@st.cache_data(max_entries=16, show_spinner=False)
def agents(path: str, visible: Visible) -> pd.DataFrame:
    return capability.agents(dataset(path), visible)
