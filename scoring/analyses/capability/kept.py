"""Capability's population results kept with the build (issue 23, `scoring.data.kept`).

A period new to the server cost the Capability page 5–8 s at 10M tickets on two cores: the
fine case-mix cells read from the tickets (1.4–2.3 s: the cube has no product or priority
key), the skill matrix fitted over them (2.2–3.2 s) and the training effects (1.5 s). Each
is a statistic of the population alone, the same for every session, so each is kept; the
build keeps the preset periods' for the page's first KPI with its default evidence rules and
baseline (`attach_presets`), which is what the page opens with.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import pandas as pd

from scoring.analyses.capability.case_mix import case_mix as computed_case_mix
from scoring.analyses.capability.case_mix import ticket_cells
from scoring.analyses.capability.common import DEFAULT_CONFIG, CapabilityConfig, skill_kpis
from scoring.analyses.capability.effects import training_effects as computed_effects
from scoring.analyses.capability.skills import BASELINES
from scoring.analyses.capability.skills import skill_matrix as computed_matrix
from scoring.data import kept
from scoring.data.dataset import Dataset
from scoring.measures.metrics import available_kpis
from scoring.measures.periods import preset_populations
from scoring.measures.query import Filters
from scoring.scope import EVERYTHING, for_statistics

FORMAT = 1
Cells = Callable[[], pd.DataFrame | None]  # the population's fine cells, read when needed


class Plan(NamedTuple):
    """One kept frame: its name, what makes it, how it is computed."""

    name: str
    made_of: dict
    compute: Callable[[], pd.DataFrame]

    def computed(self) -> kept.Kept:
        return kept.Kept({"result": self.compute()})


@for_statistics
def skill_matrix(
    ds: Dataset,
    population: Filters,
    kpi_id: str,
    repeat_days: int,
    config: CapabilityConfig,
    baseline: str,
    cells: Cells,
) -> pd.DataFrame:
    """`capability.skill_matrix` of the population, kept."""
    return _read(ds, _matrix_plan(ds, population, kpi_id, repeat_days, config, baseline, cells))


@for_statistics
def case_mix(
    ds: Dataset, population: Filters, kpi_id: str, repeat_days: int, cells: Cells
) -> pd.DataFrame:
    """`capability.case_mix` of the population, kept."""
    return _read(ds, _mix_plan(ds, population, kpi_id, repeat_days, cells))


@for_statistics
def training_effects(ds: Dataset, undated: Filters, kpi_id: str, repeat_days: int) -> pd.DataFrame:
    """`capability.training_effects` of every agent of the population (its dates set by
    the courses' windows, not the filter), kept."""
    return _read(ds, _effects_plan(ds, undated, kpi_id, repeat_days))


def attach_presets(ds: Dataset, repeat_days: int) -> None:
    """Keep what the page opens with for each preset period — the first skill KPI's skill
    matrix (default evidence rules and baseline), its case mix — and that KPI's training
    effects, where the dataset has a build, days and a skill KPI; none kept is read."""
    kpis = skill_kpis(ds)
    if ds.build_folder is None or ds.first_at is None or not kpis:
        return
    kpi_id = kpis[0].id
    plans = [_effects_plan(ds, Filters(), kpi_id, repeat_days)]
    for population in preset_populations(ds.as_of.date()).values():
        # read once, shared by the skill matrix and the case mix
        cells = functools.cache(lambda p=population: ticket_cells(ds, p, kpi_id, repeat_days))
        plans.append(
            _matrix_plan(ds, population, kpi_id, repeat_days, DEFAULT_CONFIG, BASELINES[0], cells)
        )
        plans.append(_mix_plan(ds, population, kpi_id, repeat_days, cells))
    for plan in plans:
        kept.keep(ds, plan.name, plan.made_of, plan.computed)


def _read(ds: Dataset, plan: Plan) -> pd.DataFrame:
    return kept.kept(ds, plan.name, plan.made_of, plan.computed).frames["result"]


def _made_of(ds: Dataset, population: Filters, kpi_id: str, repeat_days: int, **more) -> dict:
    return kept.of_population(
        FORMAT, population, repeat_days, available_kpis(ds), kpi=kpi_id, **more
    )


def _matrix_plan(ds, population, kpi_id, repeat_days, config, baseline, cells: Cells) -> Plan:
    more = {"config": kept.declared([config]), "baseline": baseline}
    return Plan(
        "skill_matrix",
        _made_of(ds, population, kpi_id, repeat_days, **more),
        lambda: computed_matrix(ds, population, kpi_id, repeat_days, config, baseline, cells()),
    )


def _mix_plan(ds, population, kpi_id, repeat_days, cells: Cells) -> Plan:
    return Plan(
        "case_mix",
        _made_of(ds, population, kpi_id, repeat_days),
        lambda: computed_case_mix(ds, population, kpi_id, repeat_days, cells()),
    )


def _effects_plan(ds, undated, kpi_id, repeat_days) -> Plan:
    return Plan(
        "training_effects",
        _made_of(ds, undated, kpi_id, repeat_days),
        lambda: computed_effects(ds, undated, EVERYTHING, kpi_id, repeat_days),
    )
