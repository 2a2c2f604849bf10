"""scoring.methods.evaluation against examples worked by hand (docs/METHODS.md, "Evaluating a
change (效果评估)"): the CR1 sandwich, difference-in-differences, the trend check, Welch from
moments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from scoring.methods import evaluation
from scoring.methods.stats import difference_in_differences, welch_t_test


def test_cr1_standard_error_of_a_mean_by_hand():
    # y = 1, 3 (cluster a), 2 (b), 6 (c): mean 3, residuals −2, 0, −1, 3; cluster sums −2, −1,
    # 3; Σ s² = 14; (X'X)⁻¹ = 1/4; c = G/(G − 1)·(N − 1)/(N − K) = 3/2 · 3/3 → V = 1.5·14/16.
    fit = evaluation.cluster_robust_ols(np.ones((4, 1)), [1, 3, 2, 6], ["a", "a", "b", "c"])
    assert fit.coef[0] == pytest.approx(3.0)
    assert fit.cov[0, 0] == pytest.approx(1.3125)
    assert fit.clusters == 3


# Two treated agents (T1, T2) and two control agents (C1, C2), one row before and one after.
# Cell means: treated 11 → 6, control 9 → 9, so DiD = (6 − 11) − (9 − 9) = −5.
DID_ROWS = {
    "y": [10, 6, 12, 6, 10, 9, 8, 9],
    "treated": [1, 1, 1, 1, 0, 0, 0, 0],
    "after": [0, 1, 0, 1, 0, 1, 0, 1],
    "agent": ["T1", "T1", "T2", "T2", "C1", "C1", "C2", "C2"],
}


def test_did_regression_by_hand():
    # δ = c'β weighs each row ±1/2 (its cell has 2 rows); residuals from the cell means are
    # −1, 0, +1, 0, +1, 0, −1, 0, so the clusters' Σ hᵢeᵢ are +½, −½, +½, −½: Σ = 4·¼ = 1.
    # c = 4/3 · 7/4 = 7/3, V = 7/3, t with G − 1 = 3 degrees of freedom.
    rows = DID_ROWS
    result = evaluation.did_regression(rows["y"], rows["treated"], rows["after"], rows["agent"])
    se = math.sqrt(7 / 3)
    assert result.value == pytest.approx(-5.0)
    assert result.value == pytest.approx(difference_in_differences(11, 6, 9, 9))
    assert result.se == pytest.approx(se)
    assert result.dof == 3
    half = 3.182446305284263 * se  # t(3) 97.5% quantile, from tables
    assert (result.lo, result.hi) == pytest.approx((-5 - half, -5 + half))
    assert result.p_value == pytest.approx(2 * sps.t.sf(5 / se, 3))
    assert 0.04 < result.p_value < 0.05


def test_weights_act_as_repeated_rows():
    # The same design with each of T1's rows written twice equals weight 2 on them (the
    # coefficients; the row count N enters only the small-sample factor).
    rows = DID_ROWS
    weights = [2, 2, 1, 1, 1, 1, 1, 1]
    weighted = evaluation.did_regression(
        rows["y"], rows["treated"], rows["after"], rows["agent"], weights
    )
    # Treated before: (2·10 + 12)/3 = 32/3; after: 6. DiD = 6 − 32/3 − 0 = −14/3.
    assert weighted.value == pytest.approx(-14 / 3)
    repeated = {key: values[:2] + values for key, values in rows.items()}
    written_twice = evaluation.did_regression(
        repeated["y"], repeated["treated"], repeated["after"], repeated["agent"]
    )
    assert written_twice.value == pytest.approx(weighted.value)


def test_a_design_that_cannot_separate_its_terms_is_not_estimated():
    # No treated row after the change: δ cannot be told apart.
    result = evaluation.did_regression([1, 2, 3], [1, 0, 0], [0, 0, 1], ["a", "b", "c"])
    assert math.isnan(result.value) and math.isnan(result.p_value)
    one_cluster = evaluation.cluster_robust_ols(np.ones((3, 1)), [1, 2, 3], ["a", "a", "a"])
    assert math.isnan(one_cluster.coef[0])


def test_trend_difference_finds_a_steeper_treated_slope():
    # Treated rises 2 a month, control 1 a month (noise-free but for the second agent of each):
    # the slope difference is 1.
    time = [0, 1, 2] * 4
    treated = [1] * 6 + [0] * 6
    y = [0, 2, 4, 1, 3, 5, 0, 1, 2, 1, 2, 3]
    agents = ["a"] * 3 + ["b"] * 3 + ["c"] * 3 + ["d"] * 3
    result = evaluation.trend_difference(y, treated, time, agents)
    assert result.value == pytest.approx(1.0)


def test_welch_from_moments_by_hand():
    # a = 1, 2, 3, 4: mean 2.5, variance 5/3; b = 2, 4, 9: mean 5, variance 13.
    # v1 = 5/12, v2 = 13/3; t = −2.5/√4.75 = −1.14708;
    # df = 4.75² / ((5/12)²/3 + (13/3)²/2) = 22.5625 / 9.446759 = 2.38839.
    t, dof, p = evaluation.welch_from_moments(4, 2.5, 5 / 3, 3, 5.0, 13.0)
    assert t == pytest.approx(-1.14708, abs=1e-5)
    assert dof == pytest.approx(2.38839, abs=1e-5)
    assert p == pytest.approx(welch_t_test([1, 2, 3, 4], [2, 4, 9]).p_value)


def test_moments_summary_by_hand():
    # 2, 4, 9: sum 15, squares 101 → mean 5, variance (101 − 75)/2 = 13.
    assert evaluation.moments_summary(15, 101, 3) == pytest.approx((5.0, 13.0))
    assert math.isnan(evaluation.moments_summary(4, 16, 1)[1])
