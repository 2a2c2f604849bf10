"""Tests of scoring.methods.incentives: hand-computed payouts and pool-safety properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.methods.grading import GRADES
from scoring.methods.incentives import RULES, PayoutOptions, PayoutStep, allocate

E, G, S, U = GRADES


def _within_pool(payouts: np.ndarray, pool: float) -> bool:
    """Whichever way the payouts are added up, the sum stays within the pool."""
    return max(math.fsum(payouts), float(np.sum(payouts)), sum(payouts.tolist())) <= pool


# --- grade multipliers ------------------------------------------------------------------------


def test_grade_multiplier_fits_the_pool_without_scaling():
    # base 1,000 × company 1.0 × 1.5 / 1.2 / 1.0 / 0.0 = 1,500 + 1,200 + 1,000 + 0 = 3,700
    result = allocate(
        [95, 80, 65, 40], [E, G, S, U], 10_000, "grade_multiplier", PayoutOptions(base=1000)
    )
    assert result.payouts.tolist() == [1500, 1200, 1000, 0]
    assert result.total == 3700
    assert result.scale == 1.0
    assert result.unallocated == pytest.approx(6300)
    assert result.explanations[1] == (
        PayoutStep(
            "grade_multiplier",
            {"base": 1000, "company": 1.0, "grade": G, "multiplier": 1.2, "amount": 1200},
        ),
    )


def test_grade_multiplier_applies_the_company_multiplier():
    # 1,000 × 1.10 × 1.20 = 1,320
    result = allocate(
        [80], [G], 10_000, "grade_multiplier", PayoutOptions(base=1000, company_multiplier=1.1)
    )
    assert result.payouts.tolist() == [1320]
    ((code, values),) = result.explanations[0]
    assert code == "grade_multiplier" and values["company"] == 1.1
    assert values["amount"] == pytest.approx(1320)


def test_grade_multiplier_scales_down_to_the_pool_and_rounds_down_to_cents():
    # pool 3,600, 3 eligible → base 1,200: raw 1,800 + 1,440 + 1,200 = 4,440 > 3,600
    # scale = 3,600/4,440 = 0.810811: 1,459.459 → 1,459.45; 1,167.567 → 1,167.56;
    # 972.973 → 972.97; total 3,599.98; the agent without data gets 0
    result = allocate(
        [95, 80, 70, np.nan],
        [E, G, S, None],
        3600,
        "grade_multiplier",
        PayoutOptions(company_multiplier=1.0),
    )
    assert result.scale == pytest.approx(3600 / 4440)
    assert result.payouts.tolist() == [1459.45, 1167.56, 972.97, 0]
    assert result.total == pytest.approx(3599.98)
    assert result.unallocated == pytest.approx(0.02)
    rule_step, scaled = result.explanations[0]
    assert rule_step.code == "grade_multiplier"
    assert rule_step.values["base"] == 1200 and rule_step.values["amount"] == 1800
    assert scaled.code == "scaled"
    assert scaled.values == {"scale": pytest.approx(0.810811, abs=1e-6), "pool": 3600,
                             "paid": 1459.45}  # fmt: skip
    assert result.explanations[3] == (PayoutStep("no_score"),)


def test_grade_multiplier_custom_multipliers_and_unknown_grade():
    result = allocate(
        [90, 70], [E, G], 1000, "grade_multiplier", PayoutOptions(grade_multipliers={E: 2, G: 0.5})
    )
    # base 500: 500 × 2 = 1,000 and 500 × 0.5 = 250 → 1,250 > 1,000, scale 0.8 → 800, 200
    assert result.payouts.tolist() == [800, 200]
    with pytest.raises(ValueError, match="no multiplier"):
        allocate([90], ["star"], 1000, "grade_multiplier")


# --- threshold + linear -----------------------------------------------------------------------


def test_threshold_linear_worked_example():
    # base 1,000, 50% at 60 rising to 150% at 100: 50 → 0; 60 → 500; 80 → 50% + 100%·20/40
    # = 100% → 1,000; 100 → 1,500; 110 counts as 100 → 1,500
    result = allocate(
        [50, 60, 80, 100, 110],
        [U, S, G, E, E],
        10_000,
        "threshold_linear",
        PayoutOptions(base=1000),
    )
    assert result.payouts.tolist() == [0, 500, 1000, 1500, 1500]
    assert result.explanations[0] == (
        PayoutStep("below_threshold", {"score": 50, "threshold": 60}),
    )
    ((code, values),) = result.explanations[2]
    assert code == "threshold_linear"
    band = {"min_pct": 0.5, "threshold": 60, "max_pct": 1.5, "max_score": 100}
    assert values == {"base": 1000, "company": 1.0, "pct": 1.0, "score": 80, **band, "amount": 1000}
    # 110 counts as 100: 150%, no scaling or rounding step
    assert [step.code for step in result.explanations[4]] == ["threshold_linear"]
    assert result.explanations[4][0].values["pct"] == 1.5


def test_threshold_linear_custom_band():
    # threshold 70, max 90, 0% → 200%: 80 is half way → 100% of 300 = 300
    result = allocate(
        [80],
        [G],
        1000,
        "threshold_linear",
        PayoutOptions(base=300, threshold=70, max_score=90, min_pct=0, max_pct=2),
    )
    assert result.payouts.tolist() == [300]


# --- proportional -----------------------------------------------------------------------------


def test_proportional_shares_the_pool_by_score():
    # total 200: 1,000 × 80/200 = 400, 1,000 × 60/200 = 300 (twice)
    result = allocate([80, 60, 60], [G, S, S], 1000, "proportional")
    assert result.payouts.tolist() == [400, 300, 300]
    assert result.explanations[0] == (
        PayoutStep("proportional", {"pool": 1000, "score": 80, "total": 200, "amount": 400}),
    )


def test_proportional_rounds_down_and_reports_the_remainder():
    # 100/3 = 33.333... → 33.33 each, total 99.99, 0.01 unallocated
    result = allocate([1, 1, 1, np.nan], [G, G, G, G], 100, "proportional")
    assert result.payouts.tolist() == [33.33, 33.33, 33.33, 0]
    assert result.unallocated == pytest.approx(0.01)
    # 33.333… reads 33.33 to the cent as it is paid: no rounding step to show
    ((rule_step,),) = [result.explanations[0]]
    assert rule_step.values["amount"] == pytest.approx(100 / 3)
    assert result.explanations[3] == (PayoutStep("no_score"),)


def test_a_payout_rounded_down_below_its_cents_says_so():
    # 100 × 2/3 = 66.666… reads 66.67 but is paid 66.66 (rounded down to the cent)
    result = allocate([1, 2], [G, G], 100, "proportional")
    assert result.payouts.tolist() == [33.33, 66.66]
    rule_step, rounded = result.explanations[1]
    assert rule_step.code == "proportional" and rule_step.values["amount"] == pytest.approx(200 / 3)
    assert rounded == PayoutStep("rounded", {"paid": 66.66})


def test_proportional_cents_that_binary_sums_push_over_the_pool_are_taken_back():
    # pool 0.3 shared 1:2 → 0.10 and 0.20, but 0.1 + 0.2 = 0.30000000000000004 > 0.3 in
    # binary floating point: one cent comes back from the larger payout
    result = allocate([1, 2], [G, G], 0.3, "proportional")
    assert result.payouts.tolist() == [0.1, 0.19]
    assert _within_pool(result.payouts, 0.3)


def test_proportional_all_zero_scores_pay_nothing():
    result = allocate([0, 0], [U, U], 1000, "proportional")
    assert result.payouts.tolist() == [0, 0]
    assert result.unallocated == 1000
    assert result.explanations == [(PayoutStep("nothing_to_share"),)] * 2


# --- eligibility and validation ----------------------------------------------------------------


def test_default_base_counts_only_eligible_agents():
    # 2 eligible of 4 → base 2,000/2 = 1,000; satisfactory pays 1,000
    result = allocate([70, np.nan, 70, 80], [S, G, S, None], 2000, "grade_multiplier")
    assert result.payouts.tolist() == [1000, 0, 1000, 0]
    assert result.explanations[1] == (PayoutStep("no_score"),)
    assert result.explanations[3] == (PayoutStep("no_grade"),)


def test_missing_grades_may_come_from_pandas():
    result = allocate([70, 70], np.array([S, np.nan], dtype=object), 1000, "proportional")
    assert result.payouts.tolist() == [1000, 0]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1], [G], 100, "lottery"), {}, "unknown allocation rule"),
        (([1, 2], [G], 100, "proportional"), {}, "same length"),
        (([1], [G], -1, "proportional"), {}, "pool"),
        (([1], [G], 100, "grade_multiplier"), {"base": -5}, "base"),
        (([1], [G], 100, "threshold_linear"), {"threshold": 100}, "threshold"),
        (([1], [G], 100, "threshold_linear"), {"min_pct": 1.5, "max_pct": 0.5}, "max_pct"),
        (([-1], [G], 100, "proportional"), {}, "scores ≥ 0"),
    ],
)
def test_invalid_inputs_raise(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        allocate(*args, PayoutOptions(**kwargs))


def test_no_eligible_agent_leaves_the_pool_unallocated():
    result = allocate([np.nan], [None], 500, "grade_multiplier")
    assert result.payouts.tolist() == [0] and result.unallocated == 500


# --- properties -------------------------------------------------------------------------------

agents = st.lists(
    st.tuples(
        st.one_of(st.floats(0, 100), st.just(np.nan)),
        st.one_of(st.sampled_from(GRADES), st.none()),
    ),
    max_size=40,
)
pools = st.one_of(st.floats(0, 1e7), st.integers(0, 10_000).map(lambda c: c / 100))


@given(agents, pools, st.sampled_from(RULES), st.one_of(st.none(), st.floats(0, 1e6)))
def test_payouts_never_exceed_the_pool_and_are_never_negative(agents_, pool, rule, base):
    scores = [s for s, _ in agents_]
    grades = [g for _, g in agents_]
    result = allocate(scores, grades, pool, rule, PayoutOptions(base=base))
    payouts = result.payouts
    assert _within_pool(payouts, pool)
    assert (payouts >= 0).all()
    assert np.allclose(payouts * 100, np.round(payouts * 100))  # whole cents
    for score, grade, paid in zip(scores, grades, payouts, strict=True):
        if math.isnan(score) or grade is None:
            assert paid == 0
    assert result.total == pytest.approx(math.fsum(payouts))
    assert 0 <= result.scale <= 1


# scores that stay normal floats when multiplied by 0.1 (a subnormal could become 0)
plain_agents = st.lists(
    st.tuples(
        st.one_of(st.just(0.0), st.floats(1e-3, 100), st.just(np.nan)),
        st.one_of(st.sampled_from(GRADES), st.none()),
    ),
    max_size=40,
)


@given(plain_agents, pools, st.floats(0.1, 10))
def test_proportional_payouts_ignore_the_unit_of_the_score(agents_, pool, factor):
    """Multiplying every score by the same factor leaves the shares unchanged (± a cent)."""
    scores = np.array([s for s, _ in agents_], dtype=float)
    grades = [g for _, g in agents_]
    plain = allocate(scores, grades, pool, "proportional").payouts
    scaled = allocate(scores * factor, grades, pool, "proportional").payouts
    assert np.allclose(plain, scaled, rtol=0, atol=0.01 + 1e-9)


@given(st.lists(st.floats(0, 100), min_size=1, max_size=30), pools)
def test_threshold_linear_a_higher_score_never_pays_less(scores, pool):
    result = allocate(scores, [G] * len(scores), pool, "threshold_linear")
    order = np.argsort(scores, kind="stable")
    # nondecreasing up to the single cents that may be taken back from the largest payouts
    assert (np.diff(result.payouts[order]) >= -0.01 - 1e-9).all()
