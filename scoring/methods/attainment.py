"""Attainment of a target (目标达成率), whichever way the KPI runs.

    higher is better:  attainment = actual / target
    lower is better:   attainment = target / actual

1.0 is the target met exactly, 1.25 a quarter better than the target. An actual equal to its
target is 1.0 even when both are 0 (a complaint rate of 0 against a target of 0); a lower-is-
better actual of 0 against a positive target is infinitely better (inf) — callers that score
attainment cap it. NaN (no actual) stays NaN.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def attainment(
    actual: npt.ArrayLike, target: npt.ArrayLike, higher_is_better: npt.ArrayLike
) -> np.ndarray:
    """Direction-aware attainment of each actual against its target (arrays broadcast)."""
    actual, target = np.asarray(actual, float), np.asarray(target, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(higher_is_better, actual / target, target / actual)
    return np.where(actual == target, 1.0, ratio)
