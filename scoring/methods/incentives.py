"""Bonus pool allocation (奖金分配) with the arithmetic of every agent's payout.

Rules from docs/METHODS.md, "Grades and incentives": grade multipliers (payout = base × company
multiplier × individual multiplier), threshold + linear (e.g. 50% of base at the threshold
rising to 150% at the maximum score), or the pool shared in proportion to score. The total
never exceeds the pool. Each payout comes with its steps as codes and numbers
(`PayoutStep`); the dashboard words them in the user's language.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

RULES = ("grade_multiplier", "threshold_linear", "proportional")
DEFAULT_THRESHOLD = 60.0  # threshold + linear: no bonus below this score
DEFAULT_GRADE_MULTIPLIERS: Mapping[str, float] = MappingProxyType(
    {"excellent": 1.5, "good": 1.2, "satisfactory": 1.0, "unsatisfactory": 0.0}
)


class PayoutStep(NamedTuple):
    """One step of a payout's arithmetic: a code and its numbers (amounts in the pool's
    currency, percentages as shares of 1, `grade` a grade id).

    The rule's step — "grade_multiplier" (base, company, grade, multiplier, amount),
    "threshold_linear" (base, company, pct, score, min_pct, threshold, max_pct, max_score,
    amount), "below_threshold" (score, threshold), "proportional" (pool, score, total,
    amount), "nothing_to_share" (every eligible score is 0) — or why there is none:
    "no_score", "no_grade" (insufficient data); then what changed the amount: "scaled"
    (scale, pool, paid) or "rounded" down to the cent (paid).
    """

    code: str
    values: Mapping[str, float | str] = MappingProxyType({})


Explanation = tuple[PayoutStep, ...]


@dataclass(frozen=True, eq=False, init=False)
class Allocation:
    """Result of allocate().

    payouts: per agent, in the pool's currency, rounded down to the cent; explanations: the
    steps of each agent's arithmetic (`PayoutStep`s, one or two); total: the sum paid
    (≤ pool); scale: the factor applied to fit the pool (1.0 when the raw payouts fit);
    unallocated: pool − total.

    The explanations are made when first read (a list, or a function returning it, may be
    given): callers re-allocating on every slider move need only the payouts.
    """

    payouts: FloatArray
    total: float
    scale: float
    unallocated: float

    def __init__(
        self,
        payouts: FloatArray,
        explanations: list[Explanation] | Callable[[], list[Explanation]],
        total: float,
        scale: float,
        unallocated: float,
    ) -> None:
        object.__setattr__(self, "payouts", payouts)
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "unallocated", unallocated)
        object.__setattr__(self, "_explanations", explanations)

    @functools.cached_property
    def explanations(self) -> list[Explanation]:
        given = self._explanations
        return list(given() if callable(given) else given)


@dataclass(frozen=True)
class PayoutOptions:
    """How a rule turns grades or scores into amounts (see `allocate`).

    base: the amount one agent gets at multiplier 1 (None: pool / eligible agents);
    grade_multipliers and company_multiplier: the grade-multiplier rule's factors;
    threshold, max_score, min_pct, max_pct: the threshold + linear band.
    """

    base: float | None = None
    grade_multipliers: Mapping[str, float] = field(
        default_factory=lambda: DEFAULT_GRADE_MULTIPLIERS
    )
    company_multiplier: float = 1.0
    threshold: float = DEFAULT_THRESHOLD
    max_score: float = 100.0
    min_pct: float = 0.5
    max_pct: float = 1.5


DEFAULT_OPTIONS = PayoutOptions()


def allocate(
    scores: npt.ArrayLike,
    grades: Sequence[str | None],
    pool: float,
    rule: str,
    options: PayoutOptions = DEFAULT_OPTIONS,
) -> Allocation:
    """Share a bonus pool among agents by one of RULES (docs/METHODS.md, "Grades and incentives").

    - "grade_multiplier": base × company_multiplier × the multiplier of the agent's grade.
    - "threshold_linear": 0 below `threshold`; base × company_multiplier × a percentage that
      runs linearly from min_pct at the threshold to max_pct at `max_score` (scores above
      max_score count as max_score).
    - "proportional": pool × score / (sum of eligible scores); base and company_multiplier
      are not used.
    (base, multipliers, threshold and band: `options`.) An agent is eligible when both the
    score and the grade are available; the others (insufficient data) get 0 and a step
    saying why. base defaults to pool / number of eligible agents. When the raw
    payouts add up to more than the pool, every payout is scaled by pool / raw total.
    Payouts are rounded down to the cent, and single cents are taken back from the largest
    payouts if floating-point sums would still exceed the pool, so the total never exceeds
    it; it may fall short (`unallocated`).
    """
    x = np.asarray(scores, dtype=float)
    grade_list = list(grades)
    _check_inputs(x, grade_list, pool, rule)
    no_grade = np.asarray(pd.isna(np.array(grade_list + [None], dtype=object)[:-1]), bool)
    eligible = ~np.isnan(x) & ~no_grade
    if options.base is None:
        options = replace(options, base=pool / int(eligible.sum()) if eligible.any() else 0.0)
    _check_settings(options)
    raw = _raw_amounts(rule, x, grade_list, eligible, options, pool)
    scale, payouts = _fit_to_pool(raw, pool)

    def explanations() -> list[Explanation]:
        missing = [
            _missing_reason(score, grade) for score, grade in zip(x, grade_list, strict=True)
        ]
        _, steps = _raw_payouts(rule, x, grade_list, [m is None for m in missing], options, pool)
        return [
            (reason,) if reason is not None else _steps(step, r, paid, scale, pool)
            for reason, step, r, paid in zip(missing, steps, raw, payouts, strict=True)
        ]

    total = math.fsum(payouts)
    return Allocation(payouts, explanations, total, scale, max(pool - total, 0.0))


def _check_inputs(x: FloatArray, grades: list[str | None], pool: float, rule: str) -> None:
    if rule not in RULES:
        raise ValueError(f"unknown allocation rule {rule!r}; expected one of {RULES}")
    if x.ndim != 1 or x.size != len(grades):
        raise ValueError("scores and grades must be one-dimensional and of the same length")
    if np.any(np.isinf(x)):
        raise ValueError("scores must be finite or NaN (not available); got an infinity")
    if not (math.isfinite(pool) and pool >= 0):
        raise ValueError(f"pool must be a finite amount ≥ 0, got {pool}")


def _check_settings(s: PayoutOptions) -> None:
    amounts = {"base": s.base, "company_multiplier": s.company_multiplier, "min_pct": s.min_pct}
    amounts |= {f"multiplier of {grade}": m for grade, m in s.grade_multipliers.items()}
    for name, value in amounts.items():
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be finite and ≥ 0, got {value}")
    if not (math.isfinite(s.max_pct) and s.max_pct >= s.min_pct):
        raise ValueError(f"max_pct ({s.max_pct}) must be finite and ≥ min_pct ({s.min_pct})")
    finite = math.isfinite(s.threshold) and math.isfinite(s.max_score)
    if not (finite and s.threshold < s.max_score):
        raise ValueError(f"threshold ({s.threshold}) must be below max_score ({s.max_score})")


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _missing_reason(score: float, grade: str | None) -> PayoutStep | None:
    """Why an agent gets nothing for lack of data, or None when the agent is eligible."""
    if math.isnan(score):
        return PayoutStep("no_score")
    if _missing(grade):
        return PayoutStep("no_grade")
    return None


def _raw_amounts(
    rule: str,
    x: FloatArray,
    grades: list[str | None],
    eligible: npt.NDArray[np.bool_],
    s: PayoutOptions,
    pool: float,
) -> FloatArray:
    """Unscaled payout per agent (0 when not eligible): `_raw_payouts` in numpy, without the
    steps. The same arithmetic in the same order, so the amounts are identical."""
    if rule == "proportional" and np.any(x[eligible] < 0):
        raise ValueError("the proportional rule needs scores ≥ 0")
    raw = np.zeros(x.size)
    chosen = np.flatnonzero(eligible)
    if rule == "grade_multiplier":
        for i in chosen:
            if grades[i] not in s.grade_multipliers:
                _grade_multiplier_payout(grades[i], s)  # raises the error for this grade
        multipliers = np.array([s.grade_multipliers[grades[i]] for i in chosen], dtype=float)
        raw[chosen] = s.base * s.company_multiplier * multipliers
    elif rule == "threshold_linear":
        score = x[chosen]
        progress = (np.minimum(score, s.max_score) - s.threshold) / (s.max_score - s.threshold)
        pct = s.min_pct + (s.max_pct - s.min_pct) * progress
        raw[chosen] = np.where(score < s.threshold, 0.0, s.base * s.company_multiplier * pct)
    else:
        score_total = math.fsum(x[eligible])
        if score_total != 0:
            raw[chosen] = pool * (x[chosen] / score_total)
    return raw


def _raw_payouts(
    rule: str,
    x: FloatArray,
    grades: list[str | None],
    eligible: list[bool],
    s: PayoutOptions,
    pool: float,
) -> tuple[FloatArray, list[PayoutStep | None]]:
    """Unscaled payout and the rule's step per agent (0 and None when not eligible)."""
    if rule == "proportional" and np.any(x[eligible] < 0):
        raise ValueError("the proportional rule needs scores ≥ 0")
    score_total = math.fsum(x[eligible])
    raw = np.zeros(x.size)
    steps: list[PayoutStep | None] = [None] * x.size
    for i in np.flatnonzero(eligible):
        if rule == "grade_multiplier":
            raw[i], steps[i] = _grade_multiplier_payout(grades[i], s)
        elif rule == "threshold_linear":
            raw[i], steps[i] = _threshold_linear_payout(float(x[i]), s)
        else:
            raw[i], steps[i] = _proportional_payout(float(x[i]), score_total, pool)
    return raw, steps


def _grade_multiplier_payout(grade: str | None, s: PayoutOptions) -> tuple[float, PayoutStep]:
    """base × company multiplier × grade multiplier."""
    if grade not in s.grade_multipliers:
        raise ValueError(f"no multiplier for grade {grade!r}; known: {sorted(s.grade_multipliers)}")
    multiplier = s.grade_multipliers[grade]
    amount = s.base * s.company_multiplier * multiplier
    values = {"base": s.base, "company": s.company_multiplier, "grade": grade}
    return amount, PayoutStep(
        "grade_multiplier", {**values, "multiplier": multiplier, "amount": amount}
    )


def _threshold_linear_payout(score: float, s: PayoutOptions) -> tuple[float, PayoutStep]:
    """0 below the threshold, else base × company × (min_pct → max_pct linearly in score)."""
    if score < s.threshold:
        return 0.0, PayoutStep("below_threshold", {"score": score, "threshold": s.threshold})
    progress = (min(score, s.max_score) - s.threshold) / (s.max_score - s.threshold)
    pct = s.min_pct + (s.max_pct - s.min_pct) * progress
    amount = s.base * s.company_multiplier * pct
    band = {"min_pct": s.min_pct, "threshold": s.threshold, "max_pct": s.max_pct}
    values = {"base": s.base, "company": s.company_multiplier, "pct": pct, "score": score}
    values |= {**band, "max_score": s.max_score, "amount": amount}
    return amount, PayoutStep("threshold_linear", values)


def _proportional_payout(score: float, score_total: float, pool: float) -> tuple[float, PayoutStep]:
    """pool × score / total score of the eligible agents."""
    if score_total == 0:
        return 0.0, PayoutStep("nothing_to_share")
    amount = pool * (score / score_total)
    values = {"pool": pool, "score": score, "total": score_total, "amount": amount}
    return amount, PayoutStep("proportional", values)


def _fit_to_pool(raw: FloatArray, pool: float) -> tuple[float, FloatArray]:
    """Scale down to the pool if needed and round down to the cent; return (scale, payouts).

    The cents are rounded to 6 decimals before flooring so that 1199.9999999999998 pays
    1,200 and not 1,199.99; any cent that this (or binary floating point) puts over the pool
    is taken back from the largest payout until every way of summing stays within the pool.
    """
    raw_total = math.fsum(raw)
    scale = pool / raw_total if raw_total > pool else 1.0
    cents = np.floor(np.round(raw * scale * 100, 6))
    while _exceeds(cents / 100, pool):
        cents[np.argmax(cents)] -= 1
    return scale, cents / 100


def _exceeds(payouts: FloatArray, pool: float) -> bool:
    return max(math.fsum(payouts), float(np.sum(payouts)), sum(payouts.tolist())) > pool


def _steps(step: PayoutStep, raw: float, paid: float, scale: float, pool: float) -> Explanation:
    """The rule's step, then the scaling to the pool or the rounding, if either applied."""
    adjustment = _adjustment(raw, paid, scale, pool)
    return (step,) if adjustment is None else (step, adjustment)


def _adjustment(raw: float, paid: float, scale: float, pool: float) -> PayoutStep | None:
    """Scaling to the pool or rounding down to the cent, when either changed the amount."""
    if scale < 1 and raw > 0:
        return PayoutStep("scaled", {"scale": scale, "pool": pool, "paid": paid})
    if round(paid * 100) != round(raw * 100):
        return PayoutStep("rounded", {"paid": paid})
    return None
