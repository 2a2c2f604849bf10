"""Normalising KPIs with mixed directions to a common 0–100 scale.

Source: OECD/JRC, "Handbook on Constructing Composite Indicators" (2008), section 5
(normalisation), described in docs/METHODS.md, "Normalisation"; target-based scoring follows
KPI handbooks and bonus plans. 100 is always best: a lower-is-better KPI is mirrored.
NaN means "not available": it stays NaN and is left out of the group statistics.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

METHODS = ("target", "percentile", "minmax", "zscore")

# Target-based scores run on to 120 at the stretch: a KPI's score, and so a composite, lies
# in 0–120 (every other method stays within 0–100).
STRETCH_CAP = 120.0
# z-scores become T-scores 50 + 10·z (mean 50, sd 10), clipped to the 0–100 scale.
T_SCORE_MEAN = 50.0
T_SCORE_SD = 10.0


def normalise(
    values: npt.ArrayLike,
    method: str,
    higher_is_better: bool,
    floor: float | None = None,
    target: float | None = None,
    stretch: float | None = None,
    stretch_cap: float = STRETCH_CAP,
) -> FloatArray:
    """Map one KPI's values for a group (e.g. all agents) to 0–100, 100 best.

    Methods (OECD/JRC 2008 unless noted); `higher_is_better=False` mirrors each one:
    - "minmax": 100·(x − min)/(max − min), or 100·(max − x)/(max − min) when lower is
      better. When all values are equal nobody differs from anybody: everyone gets 100.
    - "zscore": z = ±(x − mean)/sd (population sd, the group is the whole population
      compared), reported as the T-score 50 + 10·z clipped to [0, 100] so that it shares
      the 0–100 scale; |z| > 5 is clipped. All values equal: z = 0, everyone gets 50.
    - "percentile": 100·(count below + ½·count equal)/N, the value itself counted among the
      equal; when lower is better "below" means worse, i.e. larger.
    - "target" (KPI handbooks, bonus plans): 0 at or beyond `floor`, linear to 100 at
      `target`; with `stretch`, linear on to `stretch_cap` at the stretch value and capped
      there, otherwise capped at 100. For lower-is-better the floor lies above the target
      (e.g. response time: floor 60 min, target 30 min). Not group-relative.
    floor, target, stretch and stretch_cap are used by "target" only.
    """
    x = _as_values(values)
    if method == "target":
        return _target_score(x, higher_is_better, floor, target, stretch, stretch_cap)
    if method not in _GROUP_METHODS:
        raise ValueError(f"unknown normalisation method {method!r}; expected one of {METHODS}")
    oriented = x if higher_is_better else -x
    return _GROUP_METHODS[method](oriented)


def _as_values(values: npt.ArrayLike) -> FloatArray:
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {x.shape}")
    if np.any(np.isinf(x)):
        raise ValueError("values must be finite or NaN (not available); got an infinity")
    return x


def _min_max(x: FloatArray) -> FloatArray:
    """100·(x − min)/(max − min) over the non-NaN values; all equal gives 100."""
    present = x[~np.isnan(x)]
    if present.size == 0:
        return x.copy()
    low, high = present.min(), present.max()
    if high == low:
        return np.where(np.isnan(x), np.nan, 100.0)
    return 100 * ((x - low) / (high - low))  # ratio first: the maximum maps to exactly 100


def _t_score(x: FloatArray) -> FloatArray:
    """50 + 10·(x − mean)/sd, population sd over the non-NaN values, clipped to [0, 100]."""
    present = x[~np.isnan(x)]
    if present.size == 0:
        return x.copy()
    low, high = present.min(), present.max()
    if high == low:  # exact test: a computed sd of equal values may be ≠ 0
        return np.where(np.isnan(x), np.nan, T_SCORE_MEAN)
    # z is unchanged by rescaling to [0, 1] first, which keeps tiny or huge values from
    # underflowing or overflowing the sd
    unit = (x - low) / (high - low)
    present_unit = unit[~np.isnan(unit)]
    z = (unit - present_unit.mean()) / present_unit.std()
    return np.clip(T_SCORE_MEAN + T_SCORE_SD * z, 0.0, 100.0)


def _percentile_rank(x: FloatArray) -> FloatArray:
    """100·(count below + ½·count equal)/N over the non-NaN values."""
    present = np.sort(x[~np.isnan(x)])
    below = np.searchsorted(present, x, side="left")
    below_or_equal = np.searchsorted(present, x, side="right")
    with np.errstate(invalid="ignore", divide="ignore"):
        rank = 100 * ((below + 0.5 * (below_or_equal - below)) / present.size)
    return np.where(np.isnan(x), np.nan, rank)


_GROUP_METHODS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "percentile": _percentile_rank,
    "minmax": _min_max,
    "zscore": _t_score,
}


def _target_score(
    x: FloatArray,
    higher_is_better: bool,
    floor: float | None,
    target: float | None,
    stretch: float | None,
    stretch_cap: float,
) -> FloatArray:
    """0 at the floor, 100 at the target, optionally on to stretch_cap at the stretch."""
    floor, target = _checked_target_settings(higher_is_better, floor, target, stretch, stretch_cap)
    sign = 1.0 if higher_is_better else -1.0
    value, low, goal = sign * x, sign * floor, sign * target
    score = np.clip(100 * (value - low) / (goal - low), 0.0, 100.0)
    if stretch is None:
        return score
    headroom = stretch_cap - 100
    extra = np.clip(headroom * (value - goal) / (sign * stretch - goal), 0.0, headroom)
    return score + extra  # extra is 0 up to the target, where score has reached 100


def _checked_target_settings(
    higher_is_better: bool,
    floor: float | None,
    target: float | None,
    stretch: float | None,
    stretch_cap: float,
) -> tuple[float, float]:
    """Validate the target-based settings; return (floor, target)."""
    if floor is None or target is None:
        raise ValueError("target-based normalisation needs both a floor and a target")
    if not (np.isfinite(floor) and np.isfinite(target)):
        raise ValueError(f"floor and target must be finite, got {floor} and {target}")
    if floor == target:
        raise ValueError(f"floor and target must differ, both are {floor}")
    if higher_is_better and floor > target:
        raise ValueError(
            f"for a higher-is-better KPI the floor ({floor}) must be below the target ({target})"
        )
    if not higher_is_better and floor < target:
        raise ValueError(
            f"for a lower-is-better KPI the floor ({floor}) must be above the target ({target})"
        )
    if stretch is None:
        return floor, target
    beyond_target = stretch > target if higher_is_better else stretch < target
    if not (np.isfinite(stretch) and beyond_target):
        raise ValueError(
            f"the stretch value ({stretch}) must lie beyond the target ({target}) "
            f"in the better direction"
        )
    if not (np.isfinite(stretch_cap) and stretch_cap > 100):
        raise ValueError(f"stretch_cap must be above 100, got {stretch_cap}")
    return floor, target


def beyond_floor(values: npt.ArrayLike, higher_is_better: bool, floor: float) -> np.ndarray:
    """Whether each value is worse than the floor (strictly; NaN is not): the must-be gate
    of Kano-informed scoring (docs/METHODS.md, "Scoring built on what customers expect")."""
    x = _as_values(values)
    with np.errstate(invalid="ignore"):
        return x < floor if higher_is_better else x > floor


def beyond_target(
    values: npt.ArrayLike, higher_is_better: bool, target: float, stretch: float | None
) -> FloatArray:
    """How far each value has gone from the target towards the stretch, 0 to 1 (0 at or
    short of the target, 1 at or beyond the stretch; without a stretch, 1 once the target is
    met): the share of an attractive KPI's bonus points an agent earns. NaN stays NaN."""
    x = _as_values(values)
    sign = 1.0 if higher_is_better else -1.0
    if stretch is None:
        progress = (sign * (x - target) >= 0).astype(float)
    else:
        progress = np.clip((x - target) / (stretch - target), 0.0, 1.0)
    return np.where(np.isnan(x), np.nan, progress)
