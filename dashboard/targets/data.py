"""Cached inputs of the targets page: the reference period's KPI matrix, the suggestions and
the dataset's target store.

The reference is the sidebar's period over every agent and every ticket (its team, channel
and other filters do not apply: a dataset's targets are the same for everyone). The matrix is
the one `dashboard.app.cache.kpi_matrix` caches per filter, so the Scorecard of that period
and this page share it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dashboard.app import cache as data
from scoring.engine.scorecard import KpiMatrix
from scoring.measures.metrics import Filters
from scoring.methods.calibration import Suggestion
from scoring.stores import targets

BINS = 20


def reference_period(filters: Filters) -> Filters:
    """The period of the sidebar's filter, nothing else of it."""
    return Filters(start=filters.start, end=filters.end)


def reference_matrix(path: str, filters: Filters, repeat_days: int) -> KpiMatrix:
    return data.kpi_matrix(path, reference_period(filters), repeat_days)


def suggestions(matrix: KpiMatrix) -> dict[str, Suggestion]:
    return targets.suggestions(matrix)


def store(state_dir: Path) -> targets.TargetStore:
    """The dataset's target store (read afresh on each call: a few small files)."""
    return targets.TargetStore(state_dir)


def histogram(matrix: KpiMatrix, kpi_id: str) -> tuple[np.ndarray, np.ndarray]:
    """Agents per bin of the KPI's reference values (counts, bin edges): the chart gets only
    these aggregates, never one agent's value."""
    values = targets.reference_values(matrix)[kpi_id]
    values = values[~np.isnan(values)]
    if values.size == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    return np.histogram(values, bins=BINS)
