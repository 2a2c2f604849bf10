"""Tests of scoring.methods.normalise: OECD/JRC (2008) formulas on tiny vectors computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.methods.normalise import METHODS, normalise

nan = np.nan


def approx_nan(expected: list[float]):
    return pytest.approx(expected, abs=1e-4, nan_ok=True)


# --- min-max -------------------------------------------------------------------------------


def test_minmax_higher_and_lower_is_better():
    # min 10, max 40: (x − 10)/30 → 0, 1/3, 1; mirrored (40 − x)/30 → 1, 2/3, 0
    assert normalise([10, 20, 40], "minmax", True) == approx_nan([0, 33.3333, 100])
    assert normalise([10, 20, 40], "minmax", False) == approx_nan([100, 66.6667, 0])


def test_minmax_all_equal_gives_everyone_100_and_keeps_nan():
    assert normalise([7, 7, nan], "minmax", True) == approx_nan([100, 100, nan])


def test_minmax_ignores_missing_values_in_the_range():
    # range from 10 and 30 only: 20 → 50
    assert normalise([10, nan, 20, 30], "minmax", True) == approx_nan([0, nan, 50, 100])


# --- z-score -------------------------------------------------------------------------------


def test_zscore_is_a_t_score():
    # mean 20, population sd √(200/3) = 8.164966; z = ∓1.224745 → 50 ∓ 12.24745
    expected = [37.75255, 50, 62.24745]
    assert normalise([10, 20, 30], "zscore", True) == approx_nan(expected)
    assert normalise([10, 20, 30], "zscore", False) == approx_nan(expected[::-1])


def test_zscore_is_clipped_to_0_100():
    # 29 zeros and a 1: mean 1/30, sd √(29)/30 → z of the 1 = √29 = 5.385 → 103.85 → 100;
    # z of a 0 = −1/√29 = −0.185695 → 48.14305
    scores = normalise([0] * 29 + [1], "zscore", True)
    assert scores[-1] == 100
    assert scores[0] == pytest.approx(48.14305, abs=1e-4)
    assert normalise([0] * 29 + [1], "zscore", False)[-1] == 0


def test_zscore_all_equal_is_50():
    # 0.1 three times: a computed sd may be a rounding residue, yet nobody differs
    assert normalise([0.1, 0.1, 0.1, nan], "zscore", True) == approx_nan([50, 50, 50, nan])


# --- percentile rank -----------------------------------------------------------------------


def test_percentile_rank_with_ties():
    # N = 4: 10 → (0 + ½·1)/4 = 12.5%; 20 → (1 + ½·2)/4 = 50%; 30 → (3 + ½)/4 = 87.5%
    assert normalise([10, 20, 20, 30], "percentile", True) == approx_nan([12.5, 50, 50, 87.5])


def test_percentile_rank_lower_is_better_counts_larger_values_as_below():
    # 10 has 3 worse (larger) values: (3 + ½)/4 = 87.5%; 30 has none: 12.5%
    assert normalise([10, 20, 20, 30], "percentile", False) == approx_nan([87.5, 50, 50, 12.5])


def test_percentile_rank_excludes_missing_values_from_n():
    # N = 2: 10 → ½/2 = 25%, 30 → 1.5/2 = 75%
    assert normalise([10, nan, 30], "percentile", True) == approx_nan([25, nan, 75])


# --- target-based ---------------------------------------------------------------------------


def test_target_higher_is_better_with_stretch():
    # floor 60, target 90, stretch 100 → cap 120:
    # 50, 60 → 0; 75 → 100·15/30 = 50; 90 → 100; 95 → 100 + 20·5/10 = 110; 100, 110 → 120
    values = [50, 60, 75, 90, 95, 100, 110]
    assert normalise(values, "target", True, floor=60, target=90, stretch=100) == approx_nan(
        [0, 0, 50, 100, 110, 120, 120]
    )


def test_target_without_stretch_is_capped_at_100():
    values = [50, 75, 90, 95, nan]
    assert normalise(values, "target", True, floor=60, target=90) == approx_nan(
        [0, 50, 100, 100, nan]
    )


def test_target_lower_is_better_is_mirrored():
    # response minutes, floor 60, target 30, stretch 15, cap 130:
    # 70, 60 → 0; 45 → 100·15/30 = 50; 30 → 100; 22.5 → 100 + 30·7.5/15 = 115; 15, 10 → 130
    values = [70, 60, 45, 30, 22.5, 15, 10]
    scores = normalise(values, "target", False, floor=60, target=30, stretch=15, stretch_cap=130)
    assert scores == approx_nan([0, 0, 50, 100, 115, 130, 130])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"floor": 90, "target": 90}, "must differ"),
        ({"floor": 95, "target": 90}, "below the target"),
        ({"target": 90}, "needs both"),
        ({"floor": 60, "target": 90, "stretch": 80}, "beyond the target"),
        ({"floor": 60, "target": 90, "stretch": 95, "stretch_cap": 100}, "above 100"),
    ],
)
def test_target_settings_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        normalise([70, 80], "target", True, **kwargs)


def test_target_lower_is_better_needs_the_floor_above_the_target():
    with pytest.raises(ValueError, match="above the target"):
        normalise([20], "target", False, floor=30, target=60)


# --- shared behaviour ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["percentile", "minmax", "zscore"])
def test_group_methods_leave_all_missing_values_missing(method):
    assert np.isnan(normalise([nan, nan], method, True)).all()
    assert normalise([], method, True).size == 0


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="unknown normalisation method"):
        normalise([1, 2], "rank", True)
    with pytest.raises(ValueError, match="infinity"):
        normalise([1, np.inf], "minmax", True)
    with pytest.raises(ValueError, match="one-dimensional"):
        normalise([[1, 2]], "minmax", True)


values_strategy = st.lists(
    st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(nan)), min_size=1, max_size=30
)


def _settings(method: str, higher_is_better: bool) -> dict:
    if method != "target":
        return {}
    if higher_is_better:
        return {"floor": -100.0, "target": 100.0, "stretch": 1000.0}
    return {"floor": 100.0, "target": -100.0, "stretch": -1000.0}


@given(
    values_strategy,
    st.data(),
    st.floats(0, 1e6),
    st.sampled_from(METHODS),
    st.booleans(),
)
def test_improving_one_value_never_lowers_its_score(values, data, step, method, higher):
    """Raise (or, lower-is-better, lower) one value of the same group: its score can't drop."""
    i = data.draw(st.sampled_from([k for k, v in enumerate(values) if not np.isnan(v)] or [0]))
    if np.isnan(values[i]):
        values[i] = 0.0
    improved = list(values)
    improved[i] = values[i] + (step if higher else -step)
    settings = _settings(method, higher)
    before = normalise(values, method, higher, **settings)[i]
    after = normalise(improved, method, higher, **settings)[i]
    assert after >= before - 1e-9


@given(values_strategy, st.sampled_from(METHODS), st.booleans())
def test_scores_stay_on_the_scale_and_missing_stays_missing(values, method, higher):
    scores = normalise(values, method, higher, **_settings(method, higher))
    missing = np.isnan(values)
    assert (np.isnan(scores) == missing).all()
    top = 120.0 if method == "target" else 100.0
    assert ((scores[~missing] >= 0) & (scores[~missing] <= top)).all()
