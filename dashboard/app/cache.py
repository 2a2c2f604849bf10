"""The caching boundary: the dataset is opened once per process, results per filter.

Caches are bounded. A filter change recomputes only the results keyed by that filter;
a weight change reuses the cached KPI matrix and re-scores in numpy.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.app.app_settings import app_setting
from dashboard.app.waiting import spinner
from scoring import export
from scoring.analyses import capability, diagnostics, reliability, reliability_store
from scoring.analyses.effect import design as effect_design
from scoring.data import build
from scoring.data.dataset import Dataset, open_dataset
from scoring.engine import schemes, scorecard
from scoring.engine.policy import Policy
from scoring.measures import metrics
from scoring.measures.metrics import Filters
from scoring.scope import Visible
from scoring.stores import objectives as objective_store
from scoring.stores import periods as period_store
from scoring.stores import targets as target_store
from scoring.stores.targets import TargetSet


@spinner("spinner_dataset")
@st.cache_resource(max_entries=2, show_spinner=False)
def dataset(path: str) -> Dataset:
    """The dataset, read from its build (made on its first open: validated once, repeat
    look-ups done once; `scoring.data.build`) with its pre-aggregated KPI tables
    (`scoring.measures.cube`) for the deployment's repeat window."""
    builds = build.builds_folder(app_setting("state_dir"))
    ds = open_dataset(path, earliest_year=int(app_setting("earliest_year")), builds=builds)
    repeat_days = int(app_setting("repeat_window_days"))
    metrics.attach_cube(ds, repeat_days)
    effect_design.attach_days(ds, repeat_days)  # "Did it work?"'s daily inputs, once
    return ds


@spinner("spinner_kpis")
@st.cache_resource(max_entries=24, show_spinner=False)
def kpi_matrix(path: str, filters: Filters, repeat_days: int) -> scorecard.KpiMatrix:
    return scorecard.build_matrix(dataset(path), filters, repeat_days)


@st.cache_data(max_entries=64, show_spinner=False)
def kpi_table(
    path: str,
    filters: Filters,
    by: tuple[str, ...],
    repeat_days: int,
    kpi_ids: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    return metrics.kpi_table(dataset(path), filters, by, repeat_days, kpi_ids)


@st.cache_data(max_entries=64, show_spinner=False)
def ticket_counts(path: str, filters: Filters, dimension: str) -> pd.DataFrame:
    return metrics.ticket_counts(dataset(path), filters, dimension)


@st.cache_data(max_entries=4, show_spinner=False)
def data_range(path: str) -> tuple:
    """First and last day with tickets (asked on every rerun by the sidebar)."""
    return metrics.data_range(dataset(path))


@st.cache_data(max_entries=4, show_spinner=False)
def filter_options(path: str) -> dict[str, list[str]]:
    ds = dataset(path)
    return {
        "teams": metrics.distinct_values(ds, "team"),
        "channels": metrics.distinct_values(ds, "channel"),
        "categories": metrics.distinct_values(ds, "category"),
        "segments": metrics.distinct_values(ds, "customer_segment"),
    }


def agent_team(path: str, agent_id: str) -> str | None:
    """The agent's team; None for an agent the dataset does not know."""
    return diagnostics.agent_team(dataset(path), agent_id)


@spinner("spinner_case_mix")
@st.cache_resource(max_entries=8, show_spinner=False)
def case_mix_matrix(path: str, filters: Filters, repeat_days: int) -> scorecard.KpiMatrix:
    """The KPI matrix with the skill KPIs case-mix adjusted (capability.case_mix_matrix)."""
    return capability.case_mix_matrix(
        kpi_matrix(path, filters, repeat_days), dataset(path), filters, repeat_days
    )


def scorecard_for(
    path: str,
    filters: Filters,
    repeat_days: int,
    scheme: str | None,
    case_mix: bool = False,
    *,
    targets: TargetSet,
):
    """Score the population with a weight scheme (default: the balanced preset) and the
    dataset's target set (`dataset_targets`), then keep the visible scope of `filters` (the
    chosen teams; an agent's own view: the agent).

    Agents are scored across the whole department, so a team filter shows department
    ranks, department-wide grades and priors, not a ranking within the team alone. With
    `case_mix`, FCR, CSAT, handle time and repeat rate are judged against what peers
    achieve on the same mix of tickets.
    """
    policy = scheme_policy(scheme, targets).to_dict()
    card = _population_card(path, filters.population(), repeat_days, case_mix, policy)
    return card.visible_to(Visible.of(filters))


@st.cache_resource(max_entries=24, show_spinner=False)
def _population_card(
    path: str, population: Filters, repeat_days: int, case_mix: bool, policy: dict
) -> scorecard.Scorecard:
    """The population scored once per policy (its dict: a scheme saved again under its
    name is another policy): scoring again and ranking its teams on every rerun was a
    sixth of a warm rerun's CPU on a busy server. Shared, as the KPI matrix is: callers
    narrow it with `visible_to` and never change it."""
    matrix = (case_mix_matrix if case_mix else kpi_matrix)(path, population, repeat_days)
    return scorecard.score(matrix, Policy.from_dict(policy))


def scheme_policy(scheme: str | None, targets: TargetSet) -> Policy:
    """The policy a page scores with: the scheme's weights and normalisation (default: the
    balanced preset) and the dataset's floor, target and stretch."""
    chosen = weight_schemes()[scheme or schemes.DEFAULT_SCHEME]
    return Policy(weights=chosen.weights, method=chosen.method, targets=targets.targets)


def dataset_targets(path: str, repeat_days: int, state_dir: Path) -> TargetSet:
    """The dataset's current target set: the latest version saved in its state folder; else,
    for an imported dataset, targets calibrated over all its data; else the registry's
    (`scoring.stores.targets`). Re-read only when a version is saved."""
    store = target_store.TargetStore(state_dir)
    return _dataset_targets(path, repeat_days, str(state_dir), store.fingerprint())


@st.cache_data(max_entries=8, show_spinner=False)
def _dataset_targets(path: str, repeat_days: int, state_dir: str, fingerprint: tuple) -> TargetSet:
    store = target_store.TargetStore(Path(state_dir))
    return target_store.in_use(store, path, lambda: kpi_matrix(path, Filters(), repeat_days))


def objectives_in_force(path: str, state_dir: Path) -> pd.DataFrame:
    """The dataset's objectives with the edits saved in its state folder (`id` and the
    contract's columns; scoring/stores/objectives.py). Re-read only when a version is saved."""
    store = objective_store.ObjectiveStore(state_dir)
    return _objectives_in_force(path, str(state_dir), store.fingerprint())


@st.cache_data(max_entries=8, show_spinner=False)
def _objectives_in_force(path: str, state_dir: str, fingerprint: tuple) -> pd.DataFrame:
    store = objective_store.ObjectiveStore(Path(state_dir))
    return objective_store.to_frame(objective_store.in_force(dataset(path), store))


def closed_results(state_dir: Path, published_only: bool) -> list:
    """(period id, frozen result) of every closed — or published — appraisal period of the
    dataset, oldest first (scoring/stores/periods.py); re-read only when a step is saved."""
    fingerprint = period_store.PeriodStore(state_dir).fingerprint()
    return _closed_results(str(state_dir), published_only, fingerprint)


@st.cache_data(max_entries=8, show_spinner=False)
def _closed_results(state_dir: str, published_only: bool, fingerprint: tuple) -> list:
    return period_store.closed_records(period_store.PeriodStore(state_dir), published_only)


def weight_schemes() -> dict[str, schemes.Scheme]:
    """Built-in and saved weight schemes by name (re-read only when a scheme file changes)."""
    state_dir = Path(app_setting("state_dir"))
    return _weight_schemes(str(state_dir), schemes.fingerprint(state_dir))


@st.cache_data(max_entries=4, show_spinner=False)
def _weight_schemes(state_dir: str, fingerprint: tuple) -> dict[str, schemes.Scheme]:
    return {s.name: s for s in schemes.list_schemes(Path(state_dir))}


def reliability_halves(path: str, filters: Filters, repeat_days: int) -> tuple:
    """Split-half reliability of the population of `filters`: the per-KPI table and, per
    split, the two halves' KPI matrices (one SQL pass; scored again per weight change by
    `grade_stability_for`). Cached per population, so a team filter finds it computed."""
    return _reliability_halves(path, filters.population(), repeat_days)


@spinner("spinner_halves")
@st.cache_resource(max_entries=4, show_spinner=False)
def _reliability_halves(path: str, population: Filters, repeat_days: int) -> tuple:
    found = reliability_store.of_population(dataset(path), population, repeat_days)
    return found.kpis, found.pairs


def grade_stability_for(path: str, filters: Filters, repeat_days: int, policy: dict) -> pd.Series:
    """The share of agents keeping their grade across the halves under a policy (its dict),
    over the population of `filters`."""
    return _grade_stability_for(path, filters.population(), repeat_days, policy)


@st.cache_data(max_entries=32, show_spinner=False)
def _grade_stability_for(
    path: str, population: Filters, repeat_days: int, policy: dict
) -> pd.Series:
    _, pairs = _reliability_halves(path, population, repeat_days)
    found = reliability.grade_stability(pairs, {"policy": Policy.from_dict(policy)})
    return found.iloc[0]


@st.cache_data(max_entries=16, show_spinner=False)
def excel_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """An Excel file of `frames` (one sheet each), made with the page rather than on the
    click: a download whose file is made on the click (a callable) gave nothing on the first
    click on a busy server. Cached, since writing a workbook takes 0.2 s for 60 agents and
    2.5 s for 2,000 — too long for every rerun."""
    return export.to_excel_bytes(frames)
