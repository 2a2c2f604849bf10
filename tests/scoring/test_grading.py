"""Tests of scoring.methods.grading: absolute bands and forced distribution with cumulative caps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.methods.grading import GRADE_LABELS, GRADES, grade_absolute, grade_forced

E, G, S, U = GRADES


def test_grade_labels_are_bilingual():
    assert [GRADE_LABELS[g]["zh"] for g in GRADES] == ["优秀", "良好", "合格", "不合格"]
    assert [GRADE_LABELS[g]["en"] for g in GRADES] == [
        "Excellent",
        "Good",
        "Satisfactory",
        "Unsatisfactory",
    ]


def test_grade_absolute_band_edges():
    # ≥ 90 excellent, ≥ 75 good, ≥ 60 satisfactory, else unsatisfactory; NaN → None
    grades = grade_absolute([95, 90, 89.9, 75, 60, 59.9, 0, np.nan])
    assert grades.tolist() == [E, E, G, G, S, U, U, None]


def test_grade_absolute_custom_thresholds():
    assert grade_absolute([80, 70, 50, 49], thresholds=(80, 70, 50)).tolist() == [E, G, S, U]


@pytest.mark.parametrize("thresholds", [(60, 75, 90), (90, 90, 60), (90, 75), (90, np.nan, 60)])
def test_grade_absolute_rejects_bad_thresholds(thresholds):
    with pytest.raises(ValueError, match="thresholds"):
        grade_absolute([80], thresholds=thresholds)


def test_grade_forced_default_quotas_on_ten_distinct_scores():
    # N = 10, quotas 15/35/40/10: caps floor(1.5) = 1, floor(5.0) = 5, floor(9.0) = 9
    # → 1 excellent, 4 good, 4 satisfactory, 1 unsatisfactory (best score first)
    grades = grade_forced([100, 99, 98, 97, 96, 95, 94, 93, 92, 91])
    assert grades.tolist() == [E, G, G, G, G, S, S, S, S, U]


def test_grade_forced_ties_at_a_boundary_go_down_together():
    # sorted: 100 100 95 90 90 90 80 70 60 50; caps 1, 5, 9
    # excellent: 1 would split the two 100s → 0 excellent
    # good: 5 would split the three 90s (ranks 4–6), 4 too → the first 3 are good
    # satisfactory: the first 9 (60 vs 50 is no tie) → ranks 4–9; 50 unsatisfactory
    grades = grade_forced([90, 100, 95, 50, 90, 60, 100, 80, 90, 70])
    assert grades.tolist() == [S, G, G, U, S, S, G, S, S, S]


def test_grade_forced_ge_20_70_10_with_a_zero_quota():
    # quotas (0.2, 0.7, 0.0, 0.1), N = 10: caps 2, floor(0.9·10) = 9 (0.2 + 0.7 is
    # 0.8999999999999999 in binary, must still give 9), 9 → 2 E, 7 G, 0 S, 1 U
    grades = grade_forced(list(range(10, 0, -1)), quotas=(0.2, 0.7, 0.0, 0.1))
    assert grades.tolist() == [E, E, G, G, G, G, G, G, G, U]


def test_grade_forced_small_group_rounds_caps_down():
    # N = 3 at 15/35/40/10: caps floor(0.45) = 0, floor(1.5) = 1, floor(2.7) = 2
    assert grade_forced([70, 80, 90]).tolist() == [U, S, G]


def test_grade_forced_missing_scores_get_no_grade_and_do_not_count():
    # N = 10 graded scores (NaNs excluded): same caps as ten distinct scores
    scores = [100, np.nan, 99, 98, 97, 96, 95, 94, 93, 92, 91, np.nan]
    assert grade_forced(scores).tolist() == [E, None, G, G, G, G, S, S, S, S, U, None]
    assert grade_forced([np.nan, np.nan]).tolist() == [None, None]


@pytest.mark.parametrize(
    "quotas", [(0.5, 0.5, 0.5, 0.0), (0.2, 0.7, 0.1), (-0.1, 0.5, 0.5, 0.1), (np.nan, 1, 0, 0)]
)
def test_grade_forced_rejects_bad_quotas(quotas):
    with pytest.raises(ValueError, match="quotas"):
        grade_forced([1, 2, 3], quotas=quotas)


def _quota_strategy():
    """Four non-negative shares summing to 1 (in tenths/hundredths, zeros included)."""
    return (
        st.lists(st.integers(0, 20), min_size=4, max_size=4)
        .filter(sum)
        .map(lambda w: tuple(x / sum(w) for x in w[:3]) + (1 - sum(x / sum(w) for x in w[:3]),))
    )


scores_strategy = st.lists(
    st.one_of(st.integers(0, 10).map(float), st.floats(0, 100), st.just(np.nan)),
    max_size=60,
)


@given(scores_strategy, _quota_strategy())
def test_grade_forced_caps_ties_and_order(scores, quotas):
    grades = grade_forced(scores, quotas=quotas)
    graded = [(s, GRADES.index(g)) for s, g in zip(scores, grades, strict=True) if g is not None]
    n = len(graded)
    assert n == sum(not math.isnan(s) for s in scores)
    assert all((g is None) == math.isnan(s) for s, g in zip(scores, grades, strict=True))
    cumulative = 0.0
    for level in range(3):
        cumulative += quotas[level]
        # at most floor(cumulative share · N) agents at this grade or better
        assert sum(g <= level for _, g in graded) <= math.floor(cumulative * n + 1e-9)
    for s1, g1 in graded:
        for s2, g2 in graded:
            if s1 == s2:
                assert g1 == g2  # ties share a grade
            elif s1 > s2:
                assert g1 <= g2  # a better score never gets a worse grade


@given(scores_strategy, _quota_strategy())
def test_grade_forced_fills_each_grade_as_far_as_its_cap_allows(scores, quotas):
    """Promoting the next tie group to grade ≤ k would break that grade's cap."""
    grades = grade_forced(scores, quotas=quotas)
    graded = [(s, GRADES.index(g)) for s, g in zip(scores, grades, strict=True) if g is not None]
    n = len(graded)
    cumulative = 0.0
    for level in range(3):
        cumulative += quotas[level]
        cap = math.floor(cumulative * n + 1e-9)
        rest = [s for s, g in graded if g > level]
        if rest:
            best_rest = max(rest)
            promoted = sum(g <= level for _, g in graded) + rest.count(best_rest)
            assert promoted > cap
