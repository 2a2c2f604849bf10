"""Individual grades: 优秀 Excellent / 良好 Good / 合格 Satisfactory / 不合格 Unsatisfactory.

Two schemes (docs/METHODS.md, "Grades and incentives"): absolute score bands (e.g. ≥ 90 / ≥ 75 /
≥ 60) or a forced distribution (e.g. GE's 20/70/10; Chinese practice caps 优秀 at about
15–20% of staff). Grades are ids from GRADES, best first; a NaN score gets None (no grade).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

ObjectArray = npt.NDArray[np.object_]

GRADES = ("excellent", "good", "satisfactory", "unsatisfactory")
GRADE_LABELS = {
    "excellent": {"en": "Excellent", "zh": "优秀"},
    "good": {"en": "Good", "zh": "良好"},
    "satisfactory": {"en": "Satisfactory", "zh": "合格"},
    "unsatisfactory": {"en": "Unsatisfactory", "zh": "不合格"},
}
DEFAULT_THRESHOLDS = (90.0, 75.0, 60.0)
DEFAULT_QUOTAS = (0.15, 0.35, 0.40, 0.10)
# Slack for quota shares that are not exact in binary floating point (0.2 + 0.7 < 0.9).
_QUOTA_TOLERANCE = 1e-9


def _as_scores(scores: npt.ArrayLike) -> npt.NDArray[np.float64]:
    x = np.asarray(scores, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"scores must be one-dimensional, got shape {x.shape}")
    if np.any(np.isinf(x)):
        raise ValueError("scores must be finite or NaN (not available); got an infinity")
    return x


def grade_absolute(
    scores: npt.ArrayLike, thresholds: tuple[float, float, float] = DEFAULT_THRESHOLDS
) -> ObjectArray:
    """Grade each score by absolute bands: ≥ t1 excellent, ≥ t2 good, ≥ t3 satisfactory.

    docs/METHODS.md, "Grades and incentives" (absolute bands, default ≥ 90 / ≥ 75 / ≥ 60).
    Below t3 is unsatisfactory; a NaN score gets None. Thresholds must strictly decrease.
    """
    x = _as_scores(scores)
    problem = threshold_problem(thresholds)
    if problem:
        raise ValueError(f"thresholds {problem}")
    bands = np.asarray(thresholds, dtype=float)
    reached = (x[:, None] >= bands[None, :]).sum(axis=1)  # 3 → excellent ... 0 → unsatisfactory
    grades = np.array(GRADES, dtype=object)[len(bands) - reached]
    grades[np.isnan(x)] = None
    return grades


def grade_forced(
    scores: npt.ArrayLike, quotas: tuple[float, float, float, float] = DEFAULT_QUOTAS
) -> ObjectArray:
    """Grade by forced distribution: quotas are the shares of the four grades, best first.

    docs/METHODS.md, "Grades and incentives" (forced distribution, e.g. GE's 20/70/10 as
    quotas=(0.2, 0.7, 0.0, 0.1), or 优秀 capped at 15–20%). Over the N non-NaN scores the
    quotas of the top three grades are cumulative caps: at most floor(q1·N) agents are
    excellent, at most floor((q1 + q2)·N) excellent or good, at most floor((q1 + q2 + q3)·N)
    satisfactory or better. Equal scores always get the same grade, so a tie group that
    would cross a cap goes down to the lower grade whole; each grade takes as many agents as
    its cap allows. The bottom grade receives whoever is left, so it can hold more than
    q4·N (rounding down the caps and ties both push agents down). A zero quota means an
    empty grade unless ties push agents into the bottom grade. NaN scores get None.
    """
    x = _as_scores(scores)
    caps = _cumulative_caps(quotas, int(np.count_nonzero(~np.isnan(x))))
    grades = np.full(x.shape, None, dtype=object)
    graded = np.flatnonzero(~np.isnan(x))
    best_first = graded[np.argsort(-x[graded], kind="stable")]
    ranked = x[best_first]
    start = 0
    for grade, cap in zip(GRADES[:-1], caps, strict=True):
        stop = _cut_between_ties(ranked, cap)
        grades[best_first[start:stop]] = grade
        start = stop
    grades[best_first[start:]] = GRADES[-1]
    return grades


def _cumulative_caps(quotas: tuple[float, ...], count: int) -> list[int]:
    """floor of the cumulative quota shares times count, for the top three grades."""
    problem = quota_problem(quotas)
    if problem:
        raise ValueError(f"quotas {problem}")
    shares = np.asarray(quotas, dtype=float)
    cumulative = np.cumsum(np.clip(shares, 0, None))[:3]
    return [min(count, math.floor(c * count + _QUOTA_TOLERANCE)) for c in cumulative]


def threshold_problem(thresholds: object) -> str | None:
    """What is wrong with absolute-band thresholds (None: 3 finite, strictly decreasing
    scores)."""
    bands = _floats(thresholds)
    if bands is not None and len(bands) == 3 and bands[0] > bands[1] > bands[2]:
        return None
    return f"must be 3 finite, strictly decreasing scores, got {thresholds}"


def quota_problem(quotas: object) -> str | None:
    """What is wrong with forced-distribution quotas (None: 4 shares, none below 0, summing
    to 1 within floating-point slack)."""
    shares = _floats(quotas)
    if shares is not None and len(shares) == 4 and _are_shares(shares):
        return None
    return f"must be 4 non-negative shares that sum to 1, got {quotas}"


def _are_shares(shares: tuple[float, ...]) -> bool:
    """None below 0 and summing to 1 (within floating-point slack)."""
    sums_to_one = abs(math.fsum(shares) - 1) <= _QUOTA_TOLERANCE
    return sums_to_one and all(share >= -_QUOTA_TOLERANCE for share in shares)


def _floats(values: object) -> tuple[float, ...] | None:
    """The values as finite floats; None when they are not (plain Python: checked on every
    policy made and every forced grading)."""
    if isinstance(values, str | bytes):
        return None
    try:
        floats = tuple(float(v) for v in values)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    return floats if all(map(math.isfinite, floats)) else None


def _cut_between_ties(ranked: npt.NDArray[np.float64], cap: int) -> int:
    """The largest m ≤ cap such that the first m ranked scores do not split a tie."""
    m = cap
    while 0 < m < ranked.size and ranked[m - 1] == ranked[m]:
        m -= 1
    return m
