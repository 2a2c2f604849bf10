"""Objective attainment (目标达成): how far a value reaches its target, how much of a period has
passed, a forecast interval to the period's end and the status (docs/METHODS.md, "Objectives").

Pure functions of numbers: the engine grades on `attainment` (management by objectives), the
objectives analysis (`scoring.analyses.objectives`) computes the rest per objective.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from scoring.methods.stats import Z_95, wilson_interval

# Attainment is bounded to 0 … 200 %: a value far beyond the target (or a lower-is-better
# value of 0) does not outweigh every other objective of its owner.
CAP = 2.0
STATUSES = ("upcoming", "no_data", "on_track", "at_risk", "attained", "missed")
REACHED = ("on_track", "attained")
PACES = ("linear", "seasonal")
NAN = float("nan")


def attainment(actual: float, target: float, higher_is_better: bool) -> float:
    """actual / target where higher is better, target / actual where lower is better,
    bounded to 0 … CAP (a negative value, e.g. an NPS below 0, attains 0; a lower-is-better
    value of 0 attains CAP). NaN without a value; the target must be positive."""
    if not target > 0:
        raise ValueError(f"a target must be positive, got {target!r}")
    if actual is None or math.isnan(actual):
        return NAN
    if not higher_is_better:
        return CAP if actual <= 0 else min(target / actual, CAP)
    return min(max(actual / target, 0.0), CAP)


def meets(value: float, target: float, higher_is_better: bool) -> bool:
    if value is None or math.isnan(value):
        return False
    return value >= target if higher_is_better else value <= target


def elapsed_share(
    start: date, end: date, as_of: date, weekday_weights: Sequence[float] | None = None
) -> float:
    """The share of the period start … end (inclusive) that has passed by the end of
    `as_of`: of its days (linear), or of its expected volume when `weekday_weights` (Monday
    first, seven values: e.g. the average tickets of each weekday in the history) say how
    much each day brings (seasonal). 0 before the start, 1 from the end on."""
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    weight = [1.0 if weekday_weights is None else float(weekday_weights[d.weekday()]) for d in days]
    total = sum(weight)
    if total <= 0:  # a history without any volume on these weekdays: the days themselves
        return elapsed_share(start, end, as_of)
    return sum(w for d, w in zip(days, weight, strict=True) if d <= as_of) / total


def value_interval(kind: str, num: float, den: float, sq: float = NAN) -> tuple[float, float]:
    """A 95 % interval of the value behind the cases so far (NaN, NaN without one):
    a rate's Wilson interval of num successes in den cases; a mean's normal interval
    mean ± z·s/√n (s from the sum of squares, n ≥ 2); a per-day volume's Poisson interval of
    the count (num ± z·√num) over its den days. A quantile has no interval from its inputs."""
    if not den > 0:
        return NAN, NAN
    if kind == "rate":
        low, high = wilson_interval(num, den)
        return float(low), float(high)
    if kind == "mean" and den >= 2 and not math.isnan(sq):
        mean = num / den
        variance = max(sq - den * mean * mean, 0.0) / (den - 1)
        half = Z_95 * math.sqrt(variance / den)
        return mean - half, mean + half
    if kind == "per_day":
        half = Z_95 * math.sqrt(max(num, 0.0))
        return max(num - half, 0.0) / den, (num + half) / den
    return NAN, NAN


def forecast_interval(
    value: float, low: float, high: float, remaining: float
) -> tuple[float, float]:
    """The interval of the period's final value: the value so far stays the forecast, and
    the interval of the value so far narrows by √remaining (remaining: the share of the
    period's cases still to come). The final value (n·v + m·v_rest) / (n + m) of n cases so
    far and m to come varies with σ²·m / (n·(n + m)) = (σ²/n)·remaining."""
    factor = math.sqrt(min(max(remaining, 0.0), 1.0))
    return value - (value - low) * factor, value + (high - value) * factor


def status(
    value: float,
    target: float,
    higher_is_better: bool,
    interval: tuple[float, float],
    ended: bool,
) -> str:
    """no_data without a value; an ended period is attained or missed; a running one is
    on track when the forecast and the worse end of its interval both reach the target, at
    risk when the interval straddles it or the forecast misses (a quantile, without an
    interval: by the forecast alone)."""
    if value is None or math.isnan(value):
        return "no_data"
    if ended:
        return "attained" if meets(value, target, higher_is_better) else "missed"
    worse = interval[0] if higher_is_better else interval[1]
    if not meets(value, target, higher_is_better):
        return "at_risk"
    if math.isnan(worse) or meets(worse, target, higher_is_better):
        return "on_track"
    return "at_risk"


def weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    """Σ wᵢ·vᵢ / Σ wᵢ over the values with a positive weight (NaN when none has one)."""
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if w > 0]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total > 0 else NAN


def consistent(
    children: Mapping[str, float], weights: Mapping[str, float], target: float, higher: bool
) -> tuple[bool, float]:
    """Whether the children's targets, weighted (by volume, headcount or evenly), reach the
    parent's target in the KPI's direction; and that weighted mean."""
    ids = list(children)
    mean = weighted_mean([children[i] for i in ids], [weights.get(i, 0.0) for i in ids])
    return (math.isnan(mean) or meets(mean, target, higher)), mean
