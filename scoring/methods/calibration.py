"""Targets calibrated from a reference period (目标值校准): floor, target and stretch of a KPI
suggested from how the agents actually performed.

Method (docs/METHODS.md, "Calibrating targets from a reference period"): direction-aware
percentiles of the agents' values — their shrunk values where the KPI has shrinkage, so an
agent with few cases does not set the bar. Values are first oriented so that higher is
better (a lower-is-better KPI is mirrored), then

- floor = the 10th percentile of performance: the weakest tenth of agents score 0;
- target = the median: the typical agent reaches 100;
- stretch = the 90th percentile: the best tenth of agents reach the capped bonus.

For response time (lower is better) the floor is therefore the 90th percentile of the minutes
and the stretch the 10th. Percentiles interpolate linearly between order statistics
(Hyndman & Fan 1996, definition 7, numpy's default), which is symmetric, so mirroring the
values mirrors the percentiles exactly.

A suggestion is refused rather than made up: with fewer than `MIN_AGENTS` agents measured,
or when the floor and the target coincide (the agents do not differ enough to tell anyone
apart); a stretch equal to the target is left out (no bonus band).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scoring.registry.kpis import kpi

FLOOR_PERCENTILE = 10.0
TARGET_PERCENTILE = 50.0
STRETCH_PERCENTILE = 90.0
MIN_AGENTS = 5
# A KPI with more than this share of its agents at the floor or at the cap tells them apart
# poorly (the registry's defaults are checked against it: tests/scoring/test_default_targets.py).
MOST_AT_THE_ENDS = 0.8
SIGNIFICANT_DIGITS = 4  # suggestions are rounded so that they read as targets, not as data

PROBLEMS = ("too_few_agents", "no_spread")


@dataclass(frozen=True)
class Suggestion:
    """The suggested floor, target and stretch of one KPI (None with a `problem` code when
    none can be suggested), and how many agents' values it was drawn from."""

    floor: float | None
    target: float | None
    stretch: float | None
    agents: int
    problem: str | None = None  # one of PROBLEMS

    @property
    def values(self) -> tuple[float, float, float | None] | None:
        """(floor, target, stretch) as a policy's target, None when nothing is suggested."""
        if self.problem is not None:
            return None
        return self.floor, self.target, self.stretch


def suggest(values: npt.ArrayLike, higher_is_better: bool) -> Suggestion:
    """Floor, target and stretch from one KPI's agent values (NaN: not measured, left out)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size < MIN_AGENTS:
        return Suggestion(None, None, None, int(x.size), "too_few_agents")
    sign = 1.0 if higher_is_better else -1.0
    oriented = sign * x
    percentiles = (FLOOR_PERCENTILE, TARGET_PERCENTILE, STRETCH_PERCENTILE)
    floor, target, stretch = (_rounded(sign * p) for p in np.percentile(oriented, percentiles))
    if floor == target:
        return Suggestion(None, None, None, int(x.size), "no_spread")
    return Suggestion(floor, target, None if stretch == target else stretch, int(x.size))


def suggest_all(values: Mapping[str, npt.ArrayLike]) -> dict[str, Suggestion]:
    """A suggestion per KPI id from its agents' values (the KPI's direction from the registry)."""
    return {kpi_id: suggest(v, kpi(kpi_id).higher_is_better) for kpi_id, v in values.items()}


def _rounded(value: float) -> float:
    """`value` to SIGNIFICANT_DIGITS significant digits (0.078269 → 0.07827, 1008.4 → 1008)."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
