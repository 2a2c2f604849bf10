"""Empirical-Bayes shrinkage of per-agent KPIs, with intervals.

Rates are shrunk with a beta prior fitted to the agents' rates (beta-binomial, docs/METHODS.md)
and get a credible interval; mean ratings get a Bayesian average whose prior weight is
estimated from the data and an approximate normal interval. An agent with few cases is
pulled towards the group, so a lucky 5/5 does not outrank a steady 180/200.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scoring.methods import stats
from scoring.registry.kpis import KPI
from scoring.scope import for_statistics

MIN_PRIOR_WEIGHT = 1.0
MAX_PRIOR_WEIGHT = 200.0


def mean_prior_weight(total: np.ndarray, sum_squares: np.ndarray, count: np.ndarray) -> float:
    """Prior weight m of a Bayesian average: within-agent variance / between-agent variance.

    This is the ratio σ²/τ² of the normal–normal model (Efron & Morris 1975): m ratings'
    worth of evidence equals the prior's. τ² is estimated by the method of moments as the
    variance of agent means minus the average sampling variance σ²/n; when agents differ
    no more than chance predicts, the prior is as strong as allowed.
    """
    usable = count >= 1
    if usable.sum() < 2:
        return MIN_PRIOR_WEIGHT
    n = count[usable]
    means = total[usable] / n
    within = float(np.sum(sum_squares[usable] - total[usable] ** 2 / n)) / max(
        float(np.sum(n - 1)), 1.0
    )
    between = float(np.var(means, ddof=1)) - within * float(np.mean(1.0 / n))
    if between <= 0 or not math.isfinite(between):
        return MAX_PRIOR_WEIGHT
    return float(np.clip(within / between, MIN_PRIOR_WEIGHT, MAX_PRIOR_WEIGHT))


@for_statistics
def shrink(frame: pd.DataFrame, kpi: KPI, intervals: bool = True) -> pd.DataFrame:
    """Columns `<id>_shrunk`, `<id>_lo`, `<id>_hi` for one KPI of a per-agent table
    (`<id>_shrunk` alone without `intervals`: scoring does not read them, and the rates'
    beta quantiles are most of the time).

    The interval is the credible interval of the shrunk value (rates: beta posterior;
    ratings: normal approximation). The fitted prior is kept in the result's `attrs`.
    """
    num = frame[f"{kpi.id}__num"].to_numpy(float)
    den = frame[f"{kpi.id}__den"].to_numpy(float)
    has_data = den > 0
    if kpi.shrink == "beta":
        alpha, beta = stats.fit_beta_prior(num[has_data], den[has_data])
        shrunk = np.asarray(stats.shrink_rate(num, den, alpha, beta), dtype=float)
        prior = {"alpha": alpha, "beta": beta}
    elif kpi.shrink == "mean":
        sq = frame[f"{kpi.id}__sq"].to_numpy(float)
        prior_mean = float(num[has_data].sum() / den[has_data].sum()) if has_data.any() else 0
        weight = mean_prior_weight(num[has_data], sq[has_data], den[has_data])
        shrunk = np.asarray(stats.bayesian_average(num, den, prior_mean, weight), dtype=float)
        prior = {"mean": prior_mean, "weight": weight}
    else:
        raise ValueError(f"KPI {kpi.id} has no shrinkage")
    nothing = ~has_data
    columns = {"shrunk": shrunk}
    if intervals:
        columns["lo"], columns["hi"] = _interval(frame, kpi, prior)
    # one frame made at once: inserting columns one by one costs more than the arithmetic
    # (the half matrices of split-half reliability make 40 matrices of 2,000 agents)
    out = pd.DataFrame(
        {
            f"{kpi.id}_{name}": np.where(nothing, np.nan, np.asarray(v, dtype=float))
            for name, v in columns.items()
        },
        index=frame.index,
    )
    out.attrs["prior"] = prior
    return out


def _interval(frame: pd.DataFrame, kpi: KPI, prior: dict) -> tuple:
    """The credible interval of each agent's shrunk value under the fitted `prior`."""
    num = frame[f"{kpi.id}__num"].to_numpy(float)
    den = frame[f"{kpi.id}__den"].to_numpy(float)
    if kpi.shrink == "beta":
        return stats.beta_credible_interval(num, den, prior["alpha"], prior["beta"])
    sq = frame[f"{kpi.id}__sq"].to_numpy(float)
    return stats.bayesian_average_interval(num, sq, den, prior["mean"], prior["weight"])
