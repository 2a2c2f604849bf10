"""Tests of scoring.methods.stats against worked examples computed by hand from the cited
formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from scoring.methods.stats import (
    KANO_CATEGORIES,
    bayesian_average,
    bayesian_average_interval,
    beta_credible_interval,
    difference_in_differences,
    fit_beta_prior,
    kano_category,
    kano_summary,
    mann_whitney_u,
    shrink_rate,
    two_proportion_z_test,
    welch_t_test,
    wilson_interval,
)

# --- Wilson interval ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "trials", "lo", "hi"),
    [
        # 8/10: centre = (0.8 + 1.9208/10)/1.38415 = 0.71674,
        # half = 1.95996/1.38415 · √(0.016 + 0.0096037) = 0.22658
        (8, 10, 0.4902, 0.9433),
        (0, 10, 0.0, 0.2775),
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ],
)
def test_wilson_interval_matches_published_values(successes, trials, lo, hi):
    low, high = wilson_interval(successes, trials)
    assert low == pytest.approx(lo, abs=5e-5)
    assert high == pytest.approx(hi, abs=5e-5)


def test_wilson_interval_is_vectorised_and_leaves_missing_data_missing():
    low, high = wilson_interval([8, 0, np.nan, 2], [10, 0, 10, np.nan])
    assert low[0] == pytest.approx(0.4902, abs=5e-5)
    assert high[0] == pytest.approx(0.9433, abs=5e-5)
    assert np.isnan(low[1:]).all() and np.isnan(high[1:]).all()  # trials 0 and NaNs


def test_wilson_interval_with_another_z():
    # z = 1: 8/10, centre = (0.8 + 0.05)/1.1 = 0.7727273,
    # half = 1/1.1 · √(0.016 + 0.0025) = 0.9090909 · 0.1360147 = 0.1236497
    low, high = wilson_interval(8, 10, z=1.0)
    assert low == pytest.approx(0.7727273 - 0.1236497, abs=1e-6)
    assert high == pytest.approx(0.7727273 + 0.1236497, abs=1e-6)


def test_wilson_interval_rejects_impossible_counts():
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(-1, 10)


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_observed_rate(counts):
    successes, trials = counts
    low, high = wilson_interval(successes, trials)
    assert 0 <= low <= successes / trials + 1e-12
    assert successes / trials - 1e-12 <= high <= 1


# --- Beta-binomial empirical Bayes -------------------------------------------------------


def test_fit_beta_prior_equal_trials_worked_example():
    # x = 6, 10, 14 of n = 20 each: p̂ = 30/60 = 0.5, k = 3, N = 60
    # S = Σ n(p − p̂)² = 20·(0.04 + 0 + 0.04) = 1.6; S/(p̂q̂) − (k − 1) = 6.4 − 2 = 4.4
    # N − Σn²/N − (k − 1) = 60 − 1200/60 − 2 = 38; ρ = 4.4/38
    # α + β = 38/4.4 − 1 = 84/11; α = β = 42/11 = 3.818181...
    alpha, beta = fit_beta_prior([6, 10, 14], [20, 20, 20])
    assert alpha == pytest.approx(42 / 11)
    assert beta == pytest.approx(42 / 11)


def test_fit_beta_prior_weights_units_by_trials():
    # x/n = 2/10, 9/20, 21/30: p̂ = 32/60 = 8/15, p̂q̂ = 56/225
    # S = 10·(1/3)² + 20·(1/12)² + 30·(1/6)² = 10/9 + 5/36 + 5/6 = 25/12
    # S/(p̂q̂) − 2 = 5625/672 − 2 = 4281/672; N − Σn²/N − 2 = 60 − 1400/60 − 2 = 104/3
    # ρ = (4281/672)/(104/3) = 0.1837654; α + β = 1/ρ − 1 = 4.4417150
    # α = 8/15 · 4.4417150 = 2.3689147; β = 7/15 · 4.4417150 = 2.0728003
    alpha, beta = fit_beta_prior([2, 9, 21], [10, 20, 30])
    assert alpha == pytest.approx(2.368915, rel=1e-5)
    assert beta == pytest.approx(2.072800, rel=1e-5)


def test_fit_beta_prior_ignores_units_without_trials():
    assert fit_beta_prior([6, 10, 0, 14, np.nan], [20, 20, 0, 20, np.nan]) == pytest.approx(
        (42 / 11, 42 / 11)
    )


def test_fit_beta_prior_without_spread_beyond_noise_is_strong():
    # identical rates 5/10: S = 0, ρ̂ < 0 → the strongest prior, α + β = N = 30 at p̂ = 0.5
    assert fit_beta_prior([5, 5, 5], [10, 10, 10]) == pytest.approx((15, 15))


def test_fit_beta_prior_all_failures_is_strong_and_proper():
    # p̂ = 0 smoothed to (0 + ½)/(30 + 1); α + β = N = 30
    alpha, beta = fit_beta_prior([0, 0], [10, 20])
    assert alpha == pytest.approx(30 * 0.5 / 31)
    assert beta == pytest.approx(30 * 30.5 / 31)


def test_fit_beta_prior_all_or_nothing_units_hit_the_minimum_strength():
    # 0/10 and 10/10: S = N·p̂q̂, ρ̂ = (20 − 1)/(20 − 10 − 1) > 1 → α + β clamped to 2
    assert fit_beta_prior([0, 10], [10, 10]) == pytest.approx((1, 1))
    # the same clamp holds off-centre: 0/10, 10/10, 10/10 → p̂ = 2/3, α + β = 2
    assert fit_beta_prior([0, 10, 10], [10, 10, 10]) == pytest.approx((4 / 3, 2 / 3))


@pytest.mark.parametrize(
    ("successes", "trials"),
    [([], []), ([3], [10]), ([3, 0], [10, 0]), ([1, 0, 1], [1, 1, 1])],
)
def test_fit_beta_prior_falls_back_to_uniform_without_enough_information(successes, trials):
    # fewer than 2 units, or single-trial units (spread not identifiable): Beta(1, 1)
    assert fit_beta_prior(successes, trials) == (1.0, 1.0)


def test_shrink_rate_worked_example():
    # α = 2, β = 8 (prior mean 0.2): 8/10 → (8 + 2)/(10 + 10) = 0.5; 0/0 → 2/10 = 0.2;
    # 30/40 → 32/50 = 0.64
    shrunk = shrink_rate([8, 0, 30, np.nan], [10, 0, 40, 5], 2, 8)
    assert shrunk[:3] == pytest.approx([0.5, 0.2, 0.64])
    assert np.isnan(shrunk[3])


@given(
    st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.floats(0.1, 100),
    st.floats(0.1, 100),
)
def test_shrunk_rate_lies_between_the_raw_rate_and_the_prior_mean(counts, alpha, beta):
    successes, trials = counts
    raw, prior = successes / trials, alpha / (alpha + beta)
    shrunk = shrink_rate(successes, trials, alpha, beta)
    assert min(raw, prior) - 1e-12 <= shrunk <= max(raw, prior) + 1e-12


def test_beta_credible_interval_closed_form():
    # uniform prior, 0 of 9 → Beta(1, 10), CDF 1 − (1 − p)^10, quantile 1 − (1 − q)^(1/10):
    # lo = 1 − 0.975^0.1 = 0.0025286, hi = 1 − 0.025^0.1 = 0.3084971
    low, high = beta_credible_interval(0, 9, 1, 1)
    assert low == pytest.approx(1 - 0.975**0.1)
    assert high == pytest.approx(1 - 0.025**0.1)
    # 9 of 9 → Beta(10, 1), quantile q^(1/10); 80% level: q = 0.1 and 0.9
    low, high = beta_credible_interval(9, 9, 1, 1, level=0.8)
    assert low == pytest.approx(0.1**0.1)
    assert high == pytest.approx(0.9**0.1)


def test_beta_credible_interval_propagates_missing_counts():
    low, high = beta_credible_interval([0, np.nan], [9, 9], 1, 1)
    assert low[0] == pytest.approx(1 - 0.975**0.1)
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_beta_functions_reject_an_improper_prior():
    with pytest.raises(ValueError, match="alpha"):
        shrink_rate(1, 2, 0, 1)
    with pytest.raises(ValueError, match="level"):
        beta_credible_interval(1, 2, 1, 1, level=1.0)


# --- Bayesian average -----------------------------------------------------------------------


def test_bayesian_average_worked_example():
    # C = 4.2, m = 10, ratings [5, 5]: (4.2·10 + 10)/(10 + 2) = 52/12 = 4.3333;
    # no ratings → C; ratings [1]*40 (Σ 40): (42 + 40)/50 = 1.64
    averages = bayesian_average([10, 0, 40, np.nan], [2, 0, 40, 3], 4.2, 10)
    assert averages[:3] == pytest.approx([52 / 12, 4.2, 1.64])
    assert np.isnan(averages[3])


def test_bayesian_average_interval_single_unit():
    # ratings [3, 5]: Σr = 8, Σr² = 34, n = 2; C = 4, m = 2 → mean (8 + 8)/4 = 4
    # s² = (34 − 64/2)/1 = 2; half = 1.959964·√2/√4 = 1.385904
    low, high = bayesian_average_interval(8, 34, 2, 4.0, 2)
    assert low == pytest.approx(4 - 1.385904, abs=1e-6)
    assert high == pytest.approx(4 + 1.385904, abs=1e-6)


def test_bayesian_average_interval_pools_the_spread_across_units():
    # units [5, 5, 4] (Σ 14, Σ² 66), [3, 5] (Σ 8, Σ² 34), [5] (Σ 5, Σ² 25), missing unit
    # within SS: 66 − 196/3 = 2/3; 34 − 32 = 2; single rating adds 0 → s² = (8/3)/3 = 8/9
    # C = 4.2, m = 10: unit 1 mean 56/13 = 4.307692, half = 1.959964·0.942809/√13 = 0.512507
    # unit 3 mean 47/11 = 4.272727, half = 1.959964·0.942809/√11 = 0.557154
    low, high = bayesian_average_interval(
        [14, 8, 5, np.nan], [66, 34, 25, np.nan], [3, 2, 1, 2], 4.2, 10
    )
    assert low[0] == pytest.approx(56 / 13 - 0.512507, abs=1e-6)
    assert high[0] == pytest.approx(56 / 13 + 0.512507, abs=1e-6)
    assert low[2] == pytest.approx(47 / 11 - 0.557154, abs=1e-6)
    assert np.isnan(low[3]) and np.isnan(high[3])


def test_bayesian_average_interval_needs_some_spread_information():
    low, high = bayesian_average_interval([5, 4], [25, 16], [1, 1], 4.2, 10)
    assert np.isnan(low).all() and np.isnan(high).all()


# --- Kano ---------------------------------------------------------------------------------

# docs/METHODS.md, "Kano questionnaire": rows = functional answer 1..5, columns = dysfunctional.
KANO_TABLE = {
    1: ["Q", "A", "A", "A", "O"],
    2: ["R", "I", "I", "I", "M"],
    3: ["R", "I", "I", "I", "M"],
    4: ["R", "I", "I", "I", "M"],
    5: ["R", "R", "R", "R", "Q"],
}
KANO_CELLS = [(f, d, KANO_TABLE[f][d - 1]) for f in range(1, 6) for d in range(1, 6)]


@pytest.mark.parametrize(("functional", "dysfunctional", "expected"), KANO_CELLS)
def test_kano_category_all_25_cells(functional, dysfunctional, expected):
    assert kano_category(functional, dysfunctional) == expected


@pytest.mark.parametrize("answer", [0, 6, 2.5, np.nan, True])
def test_kano_category_rejects_answers_outside_1_to_5(answer):
    with pytest.raises(ValueError, match="1..5"):
        kano_category(answer, 3)


# Answer pairs that produce each category, from the table.
PAIR = {"A": (1, 2), "O": (1, 5), "M": (2, 5), "I": (3, 3), "R": (5, 1), "Q": (1, 1)}


def _answers(**counts: int) -> tuple[list[int], list[int]]:
    pairs = [PAIR[c] for c, k in counts.items() for _ in range(k)]
    return [f for f, _ in pairs], [d for _, d in pairs]


def test_kano_summary_fong_example_is_significant():
    # M 50, O 30, I 20 of n = 100: top M; strength 50% − 30% = 20 points
    # Fong: 1.65·√((50 + 30)(200 − 80)/200) = 1.65·√48 = 11.43 ≤ |50 − 30| → significant
    # total strength = 30 + 50 = 80%; Better = 30/100 = 0.3; Worse = −(30 + 50)/100 = −0.8
    result = kano_summary(*_answers(M=50, O=30, I=20))
    assert result.counts == {"A": 0, "O": 30, "M": 50, "I": 20, "R": 0, "Q": 0}
    assert result.n == 100
    assert result.category == "M"
    assert result.strength == pytest.approx(20.0)
    assert result.total_strength == pytest.approx(80.0)
    assert result.significant is True
    assert result.better == pytest.approx(0.3)
    assert result.worse == pytest.approx(-0.8)


def test_kano_summary_tie_within_5_points_goes_to_the_stronger_category():
    # A 8 (40%), O 7 (35%), I 5 (25%) of 20: A leads by exactly 5 points → tie, O > A wins
    # strength 5 points; Fong: 1.65·√(15·25/40) = 1.65·3.0619 = 5.05 > |8 − 7| → not significant
    # Better = (8 + 7)/20 = 0.75; Worse = −(7 + 0)/20 = −0.35; total strength 75%
    result = kano_summary(*_answers(A=8, O=7, I=5))
    assert result.category == "O"
    assert result.strength == pytest.approx(5.0)
    assert result.total_strength == pytest.approx(75.0)
    assert result.significant is False
    assert result.better == pytest.approx(0.75)
    assert result.worse == pytest.approx(-0.35)


def test_kano_summary_lead_of_more_than_5_points_is_kept():
    # A 20 (40%), O 17 (34%), I 13 of 50: 6 points apart → A stays
    assert kano_summary(*_answers(A=20, O=17, I=13)).category == "A"


def test_kano_summary_tie_break_order_is_m_o_a_i():
    # M, O, A, I each 25%: all tied → M; O, A, I → O; A, I → A
    assert kano_summary(*_answers(M=5, O=5, A=5, I=5)).category == "M"
    assert kano_summary(*_answers(O=5, A=5, I=5)).category == "O"
    assert kano_summary(*_answers(I=5, A=5)).category == "A"


def test_kano_summary_reverse_and_questionable_rank_after_indifferent_in_a_tie():
    # R 8 (40%), I 7 (35%), Q 5 of 20: within 5 points → I (a documented choice)
    assert kano_summary(*_answers(R=8, I=7, Q=5)).category == "I"
    # R 10 (50%), I 7 (35%): a clear reverse
    assert kano_summary(*_answers(R=10, I=7, Q=3)).category == "R"


def test_kano_summary_skips_unanswered_pairs_and_needs_answers():
    functional, dysfunctional = _answers(M=3, I=1)
    result = kano_summary([*functional, np.nan, 1], [*dysfunctional, 5, None])
    assert result.n == 4 and result.category == "M"
    with pytest.raises(ValueError, match="no answered"):
        kano_summary([np.nan], [3])


def test_kano_summary_better_worse_undefined_without_a_o_m_i():
    result = kano_summary(*_answers(R=3, Q=1))
    assert math.isnan(result.better) and math.isnan(result.worse)


@given(st.lists(st.sampled_from(KANO_CATEGORIES), min_size=1, max_size=60))
def test_kano_summary_counts_and_coefficient_ranges(categories):
    functional = [PAIR[c][0] for c in categories]
    dysfunctional = [PAIR[c][1] for c in categories]
    result = kano_summary(functional, dysfunctional)
    assert sum(result.counts.values()) == result.n == len(categories)
    # the chosen category is within 5 points of the most frequent one
    assert (max(result.counts.values()) - result.counts[result.category]) * 100 <= 5 * result.n
    assert 0 <= result.strength <= 100 and 0 <= result.total_strength <= 100
    if not math.isnan(result.better):
        assert 0 <= result.better <= 1 and -1 <= result.worse <= 0


# --- Before/after tests ---------------------------------------------------------------------


def test_welch_t_test_against_hand_computed_statistic():
    # a = [1, 2, 3, 4]: mean 2.5, s² = 5/3; b = [2, 4, 6, 8, 10]: mean 6, s² = 10
    # SE² = (5/3)/4 + 10/5 = 29/12; t = −3.5/√(29/12) = −2.251436
    # df = (29/12)² / ((5/12)²/3 + 2²/4) = 5.840278/1.057870 = 5.520790
    result = welch_t_test([1, 2, 3, 4, np.nan], [2, 4, 6, 8, 10])
    assert result.statistic == pytest.approx(-2.251436, abs=1e-6)
    assert result.p_value == pytest.approx(2 * sps.t.sf(2.251436, 5.520790), abs=1e-6)
    assert result.effect == pytest.approx(-3.5)


def test_welch_t_test_too_few_values_is_not_available():
    result = welch_t_test([1.0], [2.0, 3.0])
    assert math.isnan(result.statistic) and math.isnan(result.p_value)
    assert result.effect == pytest.approx(-1.5)


def test_two_proportion_z_test_pooled_standard_error():
    # 45/100 vs 30/100: p = 75/200 = 0.375; SE = √(0.375·0.625·(1/100 + 1/100)) = 0.0684653
    # z = 0.15/0.0684653 = 2.190890; two-sided p = erfc(z/√2) = 0.028460
    result = two_proportion_z_test(45, 100, 30, 100)
    assert result.statistic == pytest.approx(2.190890, abs=1e-6)
    assert result.p_value == pytest.approx(math.erfc(2.190890 / math.sqrt(2)), abs=1e-6)
    assert result.effect == pytest.approx(0.15)


def test_two_proportion_z_test_degenerate_cases():
    same = two_proportion_z_test(0, 10, 0, 20)  # pooled rate 0: no difference
    assert (same.statistic, same.p_value, same.effect) == (0.0, 1.0, 0.0)
    empty = two_proportion_z_test(0, 0, 3, 10)
    assert math.isnan(empty.statistic) and math.isnan(empty.effect)
    missing = two_proportion_z_test(np.nan, 10, 3, 10)
    assert math.isnan(missing.statistic) and math.isnan(missing.p_value)


def test_mann_whitney_u_exact_small_sample():
    # a = [1, 2, 3] all below b = [4, 5, 6]: U_a = 0; exact two-sided p = 2·1/C(6, 3) = 0.1
    result = mann_whitney_u([1, 2, 3], [4, 5, 6])
    assert result.statistic == 0
    assert result.p_value == pytest.approx(0.1)
    assert result.effect == 0


def test_mann_whitney_u_counts_ties_as_half():
    # a = [1, 2, 2], b = [2, 3]: pairs a > b: none; ties: (2, 2) twice → U_a = 1; 1/(3·2)
    result = mann_whitney_u([1, 2, 2], [2, 3])
    assert result.statistic == 1
    assert result.effect == pytest.approx(1 / 6)


def test_difference_in_differences_arithmetic():
    # treated 70 → 80 (+10), control 72 → 74 (+2): DiD = 10 − 2 = 8
    assert difference_in_differences(70, 80, 72, 74) == pytest.approx(8)
    assert math.isnan(difference_in_differences(70, np.nan, 72, 74))


# --- the distribution functions the pages use instead of scipy.stats -----------------------


@given(
    q=st.floats(1e-9, 1 - 1e-9),
    z=st.floats(-40, 40),
    dof=st.one_of(st.floats(0.05, 1e6), st.just(math.inf)),
)
def test_the_special_functions_are_scipy_stats_distributions(q, z, dof):
    """scipy.stats' distributions call these scipy.special functions: the same numbers."""
    from scoring.methods import stats

    assert stats.normal_quantile(q) == sps.norm.ppf(q)
    assert stats.normal_tail(z) == sps.norm.sf(z)
    assert stats.t_quantile(q, dof) == sps.t.ppf(q, dof)
    assert stats.t_tail(z, dof) == sps.t.sf(z, dof)


@given(
    successes=st.integers(0, 500),
    extra=st.integers(0, 500),
    alpha=st.floats(0.01, 50),
    beta=st.floats(0.01, 50),
)
def test_the_credible_interval_is_the_beta_posterior_s_quantiles(successes, extra, alpha, beta):
    lo, hi = beta_credible_interval(successes, successes + extra, alpha, beta)
    posterior = sps.beta(successes + alpha, extra + beta)
    tails = ((1 - 0.95) / 2, (1 + 0.95) / 2)  # the level's tails, as floats compute them
    assert (lo, hi) == tuple(posterior.ppf(tails))
