"""Cached capability results (bounded caches), one call per page section."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring import capability
from scoring.metrics import Filters

from .data import dataset


@st.cache_data(max_entries=32, show_spinner="Comparing agents skill by skill…")
def skill_matrix(
    path: str,
    filters: Filters,
    kpi_id: str,
    repeat_days: int,
    config: capability.CapabilityConfig,
    baseline: str,
) -> pd.DataFrame:
    return capability.skill_matrix(dataset(path), filters, kpi_id, repeat_days, config, baseline)


@st.cache_data(max_entries=32, show_spinner=False)
def training_needs(
    path: str,
    filters: Filters,
    kpi_id: str,
    repeat_days: int,
    config: capability.CapabilityConfig,
    baseline: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training needs of the skill matrix with these inputs, and the same per team."""
    matrix = skill_matrix(path, filters, kpi_id, repeat_days, config, baseline)
    needs = capability.training_needs(matrix, courses(path), months_in(path, filters))
    return needs, capability.team_needs(needs)


@st.cache_data(max_entries=32, show_spinner=False)
def case_mix(path: str, filters: Filters, kpi_id: str, repeat_days: int) -> pd.DataFrame:
    return capability.case_mix(dataset(path), filters, kpi_id, repeat_days)


@st.cache_data(max_entries=16, show_spinner="Measuring training effects…")
def training_effects(path: str, filters: Filters, kpi_id: str, repeat_days: int) -> pd.DataFrame:
    return capability.training_effects(dataset(path), filters, kpi_id, repeat_days)


@st.cache_data(max_entries=16, show_spinner=False)
def feedback(path: str, filters: Filters) -> pd.DataFrame:
    return capability.feedback_360(dataset(path), filters)


@st.cache_data(max_entries=16, show_spinner=False)
def blind_spots(path: str, filters: Filters) -> pd.DataFrame:
    return capability.blind_spots(dataset(path), filters)


@st.cache_data(max_entries=4, show_spinner=False)
def courses(path: str) -> pd.DataFrame:
    return capability.courses(dataset(path))


@st.cache_data(max_entries=16, show_spinner=False)
def months_in(path: str, filters: Filters) -> float:
    return capability.months_in(dataset(path), filters)


@st.cache_data(max_entries=16, show_spinner=False)
def agents(path: str, filters: Filters) -> pd.DataFrame:
    return capability.agents(dataset(path), filters)
