"""Cached inputs of the what-if lab: the KPI matrices and the scenario store.

The matrices come from `dashboard.app.cache.kpi_matrix` (cached per filter), so moving a slider
never re-reads tickets: only `scoring.engine.whatif` re-scores in numpy. Agents are scored over
the population (the whole department: team filters only narrow what is shown), as on the
Scorecard.
`department_matrix` is the one loader the page calls for the plain matrix; the benchmark
replaces it to inject a synthetic 2,000-agent matrix.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.app import cache as data
from scoring.analyses import objective_scoring
from scoring.engine import scorecard, whatif
from scoring.measures.metrics import Filters
from scoring.stores import scenarios
from scoring.stores.objectives import ObjectiveStore
from scoring.stores.sqlite_files import Unavailable


def department_matrix(
    path: str, filters: Filters, repeat_days: int, state_dir: Path
) -> scorecard.KpiMatrix:
    """The department's KPI matrix for the filter, with the objective targets each agent is
    scored against over its period (scoring with objectives: the objectives in force)."""
    saved = ObjectiveStore(state_dir).fingerprint()
    return _with_objectives(path, filters.population(), repeat_days, str(state_dir), saved)


@st.cache_resource(max_entries=8, show_spinner=False)
def _with_objectives(
    path: str, population: Filters, repeat_days: int, state_dir: str, saved: tuple
) -> scorecard.KpiMatrix:
    """Kept until an objective is saved (`saved`: the store's fingerprint), so that the lab
    re-scores one matrix object, and its caches, while the sliders move."""
    matrix = data.kpi_matrix(path, population, repeat_days)
    objectives = data.objectives_in_force(path, Path(state_dir))
    first, last = data.data_range(path)
    start, end = population.start or first, population.end or last
    return objective_scoring.with_objectives(matrix, objectives, start, end)


def segment_matrices(
    path: str, filters: Filters, repeat_days: int
) -> dict[str, scorecard.KpiMatrix]:
    """One matrix per customer segment (the sidebar's segment filter is replaced)."""
    department = filters.population()
    return {
        segment: data.kpi_matrix(path, department.replace(segments=(segment,)), repeat_days)
        for segment in whatif.SEGMENTS
    }


def has_segments(path: str) -> bool:
    """Whether the dataset has both enterprise and individual tickets."""
    return set(whatif.SEGMENTS) <= set(data.filter_options(path)["segments"])


@st.cache_resource(max_entries=4, show_spinner=False)
def _store(state_dir: str) -> scenarios.ScenarioStore:
    return scenarios.ScenarioStore(Path(state_dir))


def store(state_dir: Path) -> scenarios.ScenarioStore:
    """The scenario store of a dataset's state folder (opened, and repaired if need be,
    once)."""
    return _store(str(state_dir))


def catalogue(
    store: scenarios.ScenarioStore,
) -> tuple[list[scenarios.Scenario], scenarios.Scenario | None, Unavailable | None]:
    """The saved scenarios and the official one as stored now, and None; when the store
    cannot be read now, none of them and why (the lab works on without them)."""
    try:
        saved, official = store.catalogue()
    except Unavailable as error:
        return [], None, error
    return saved, official, None
