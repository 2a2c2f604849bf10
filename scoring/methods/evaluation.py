"""Before/after evaluation of a change: a regression with cluster-robust ("CR1") standard
errors, difference-in-differences on it, and Welch's test from summary moments.

docs/METHODS.md, "Evaluating a change (效果评估)". Inputs are array-likes; NaN results mean
"cannot be estimated" (too few clusters, a design that cannot separate its terms) and never
become 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scoring.methods import stats


@dataclass(frozen=True)
class Estimate:
    """One coefficient: its value, standard error, interval at `level`, two-sided p-value
    and the degrees of freedom of the t distribution both come from."""

    value: float
    se: float
    lo: float
    hi: float
    p_value: float
    dof: float

    @classmethod
    def unavailable(cls, value: float = math.nan) -> Estimate:
        return cls(value, math.nan, math.nan, math.nan, math.nan, math.nan)

    @classmethod
    def from_t(cls, value: float, se: float, dof: float, level: float) -> Estimate:
        """value ± t(dof)·se with the two-sided p-value of value/se (NaN when se or dof is
        not usable)."""
        if not (se > 0 and dof > 0) or math.isnan(value):
            return cls.unavailable(value)
        quantile = stats.t_quantile((1 + level) / 2, dof)
        p_value = 2 * stats.t_tail(abs(value) / se, dof)
        return cls(value, se, value - quantile * se, value + quantile * se, p_value, dof)


@dataclass(frozen=True)
class Regression:
    """Weighted least squares with a cluster-robust covariance: coefficients, their CR1
    covariance, and the number of clusters G (inference uses t with G − 1 degrees of
    freedom)."""

    coef: np.ndarray
    cov: np.ndarray
    clusters: int

    def estimate(self, column: int, level: float = 0.95) -> Estimate:
        value = float(self.coef[column])
        se = math.sqrt(self.cov[column, column]) if self.cov[column, column] >= 0 else math.nan
        return Estimate.from_t(value, se, self.clusters - 1, level)


def cluster_robust_ols(
    design: npt.ArrayLike,
    y: npt.ArrayLike,
    clusters: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
) -> Regression:
    """β = (X'WX)⁻¹X'Wy with the CR1 sandwich covariance, clustered by `clusters`.

    docs/METHODS.md, "Difference-in-differences with clustered data" (Bertrand, Duflo &
    Mullainathan 2004; Cameron & Miller 2015, "A practitioner's guide to cluster-robust
    inference", J. Human Resources 50:317–372): with residuals e and per-cluster scores
    s_g = Σ_{i∈g} w_i·x_i·e_i,

        V = c · (X'WX)⁻¹ (Σ_g s_g s_g') (X'WX)⁻¹,   c = G/(G − 1) · (N − 1)/(N − K),

    N rows, K columns, G clusters. Rows with a weight of 0 or a missing y are left out. A
    design that does not determine its coefficients (X'WX singular) or fewer than 2
    clusters gives NaN coefficients and covariance.
    """
    x = np.asarray(design, dtype=float)
    values = np.asarray(y, dtype=float)
    w = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=float)
    used = np.isfinite(values) & (w > 0)
    x, values, w = x[used], values[used], w[used]
    groups = np.unique(np.asarray(clusters)[used], return_inverse=True)[1]
    n, k = x.shape
    g = int(groups.max()) + 1 if n else 0
    xtwx = x.T @ (x * w[:, None])
    if g < 2 or n <= k or np.linalg.matrix_rank(xtwx) < k:
        return Regression(np.full(k, np.nan), np.full((k, k), np.nan), g)
    bread = np.linalg.inv(xtwx)
    coef = bread @ (x.T @ (w * values))
    scores = x * (w * (values - x @ coef))[:, None]
    per_cluster = np.zeros((g, k))
    np.add.at(per_cluster, groups, scores)
    correction = g / (g - 1) * (n - 1) / (n - k)
    cov = correction * bread @ (per_cluster.T @ per_cluster) @ bread
    return Regression(coef, cov, g)


def did_design(treated: npt.ArrayLike, after: npt.ArrayLike) -> np.ndarray:
    """Columns 1, treated, after, treated·after (the DiD effect is column 3)."""
    t = np.asarray(treated, dtype=float)
    a = np.asarray(after, dtype=float)
    return np.column_stack([np.ones(len(t)), t, a, t * a])


def did_regression(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    after: npt.ArrayLike,
    clusters: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    level: float = 0.95,
) -> Estimate:
    """Difference-in-differences δ of y = α + β·treated + γ·after + δ·treated·after + ε,
    with the CR1 interval clustered by `clusters` (`cluster_robust_ols`).

    With these four columns the model is saturated: δ equals
    stats.difference_in_differences of the four (weighted) cell means. Weighting
    agent-month means by their cases gives the coefficients and the clustered
    covariance of the same regression on the cases themselves (one row per ticket),
    apart from the factor (N − 1)/(N − K), which counts rows.
    """
    fit = cluster_robust_ols(did_design(treated, after), y, clusters, weights)
    return fit.estimate(3, level)


def trend_difference(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    time: npt.ArrayLike,
    clusters: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    level: float = 0.95,
) -> Estimate:
    """The parallel-trends check: θ of y = α + β·treated + γ·time + θ·treated·time + ε over
    the pre-period rows, the treated group's slope minus the control's per unit of time,
    clustered like `did_regression`."""
    fit = cluster_robust_ols(did_design(treated, time), y, clusters, weights)
    return fit.estimate(3, level)


def welch_from_moments(
    n1: float, mean1: float, var1: float, n2: float, mean2: float, var2: float
) -> tuple[float, float, float]:
    """Welch's unequal-variance t-test of mean1 = mean2 from each group's size, mean and
    sample variance (n − 1 denominator): (t, degrees of freedom, two-sided p-value).

    docs/METHODS.md, "Before/after evaluation" (Welch 1947): with vᵢ = varᵢ/nᵢ,
    t = (mean1 − mean2)/√(v1 + v2) and the Welch–Satterthwaite degrees of freedom
    (v1 + v2)² / (v1²/(n1 − 1) + v2²/(n2 − 1)). The same test as stats.welch_t_test, for
    groups known only by their sums (the KPI tables hold sums, counts and sums of squares).
    NaN with fewer than 2 values in a group or no spread in either.
    """
    if not (n1 >= 2 and n2 >= 2):
        return math.nan, math.nan, math.nan
    v1, v2 = var1 / n1, var2 / n2
    if not v1 + v2 > 0:
        return math.nan, math.nan, math.nan
    t = (mean1 - mean2) / math.sqrt(v1 + v2)
    dof = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    return t, dof, 2 * stats.t_tail(abs(t), dof)


def moments_summary(total: float, squares: float, count: float) -> tuple[float, float]:
    """(mean, sample variance) of values known by their sum, sum of squares and count."""
    if count < 1:
        return math.nan, math.nan
    mean = total / count
    if count < 2:
        return mean, math.nan
    return mean, max(squares - count * mean * mean, 0.0) / (count - 1)
