"""Split-half reliability of a population, kept with the build (issue 23,
`scoring.data.kept`).

A period new to the server cost the What-if lab 4–7 s at 10M tickets on two cores: the
halves' cells summed (1.5–2.8 s), each half's median and P90 (0.7–2.7 s), 40 half matrices
fitted (0.8 s), the reliability (0.7 s). It is the same for every session and after every
restart, so it is kept: the per-KPI table and the half matrices (their frames one under
another, their priors in the document); the build keeps the preset periods' in advance
(`attach_presets`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from scoring.analyses import reliability
from scoring.data import kept
from scoring.data.dataset import Dataset
from scoring.engine.scorecard import KpiMatrix
from scoring.measures import metrics
from scoring.measures.periods import preset_populations
from scoring.measures.query import Filters, Query
from scoring.registry.kpis import KPI
from scoring.scope import for_statistics

FORMAT = 1
NAME = "reliability"
HALF = ["_split", "_half"]  # the columns saying which half matrix a row belongs to


@dataclass(frozen=True)
class PopulationReliability:
    """`kpis`: `reliability.kpi_reliability` of the population; `pairs`: per split, its two
    halves' KPI matrices (`reliability.half_matrices`, scored per weight scheme by
    `reliability.grade_stability`)."""

    kpis: pd.DataFrame
    pairs: list[tuple[KpiMatrix, KpiMatrix]]


@for_statistics
def of_population(ds: Dataset, population: Filters, repeat_days: int) -> PopulationReliability:
    """The population's split-half reliability: read back where it was kept, else computed
    (and kept, where the dataset has a build)."""
    kpis = metrics.available_kpis(ds)
    made_of, compute = _plan(ds, population, repeat_days, kpis)
    return _from_kept(kept.kept(ds, NAME, made_of, compute), kpis)


def attach_presets(ds: Dataset, repeat_days: int) -> None:
    """Keep each preset period's reliability over every team (the lab's first question),
    where the dataset has a build and days; none kept already is read."""
    if ds.build_folder is None or ds.first_at is None:
        return
    kpis = metrics.available_kpis(ds)
    for population in preset_populations(ds.as_of.date()).values():
        kept.keep(ds, NAME, *_plan(ds, population, repeat_days, kpis))


def _plan(
    ds: Dataset, population: Filters, repeat_days: int, kpis: tuple[KPI, ...]
) -> tuple[dict, Callable[[], kept.Kept]]:
    """What makes the population's result, and how it is computed."""
    splits = {"splits": reliability.DEFAULT_SPLITS, "seed": reliability.DEFAULT_SEED}
    made_of = kept.of_population(FORMAT, population, repeat_days, kpis, **splits)
    return made_of, lambda: _as_kept(_computed(ds, population, repeat_days, kpis))


def _computed(
    ds: Dataset, population: Filters, repeat_days: int, kpis: tuple[KPI, ...]
) -> PopulationReliability:
    halves = metrics.kpi_halves(
        ds, population, reliability.DEFAULT_SPLITS, reliability.DEFAULT_SEED, repeat_days
    )
    agents = Query(ds, population).roster().run(ds)
    pairs = reliability.half_matrices(halves, agents, kpis)
    return PopulationReliability(reliability.kpi_reliability(halves, kpis), pairs)


def _as_kept(found: PopulationReliability) -> kept.Kept:
    frames = [
        m.frame.assign(_split=split, _half=half)
        for split, pair in enumerate(found.pairs)
        for half, m in enumerate(pair)
    ]
    halves = pd.concat(frames, ignore_index=True)
    priors = [[m.priors for m in pair] for pair in found.pairs]
    return kept.Kept({"kpis": found.kpis, "halves": halves}, priors)


def _from_kept(found: kept.Kept, kpis: tuple[KPI, ...]) -> PopulationReliability:
    halves = found.frames["halves"]
    rows = {key: group.drop(columns=HALF) for key, group in halves.groupby(HALF, sort=False)}
    empty = halves.iloc[:0].drop(columns=HALF)
    priors = found.info
    pairs = [
        tuple(
            KpiMatrix(rows.get((split, half), empty).reset_index(drop=True), kpis, {}, prior)
            for half, prior in enumerate(pair_priors)
        )
        for split, pair_priors in enumerate(priors)
    ]
    return PopulationReliability(found.frames["kpis"], pairs)
