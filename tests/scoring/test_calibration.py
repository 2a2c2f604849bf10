"""Targets calibrated from a reference period (scoring/methods/calibration.py).

Expected values are worked by hand from the method of docs/METHODS.md, "Calibrating targets
from a reference period": floor, target and stretch at the 10th, 50th and 90th percentile of
the values oriented higher-is-better, percentiles interpolated linearly between order
statistics (position p · (n − 1) in the sorted values).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from scoring.engine.policy import Policy
from scoring.methods import calibration
from scoring.methods.calibration import Suggestion, suggest, suggest_all


def test_the_worked_example_of_the_methods_document():
    fcr = [0.50 + 0.02 * i for i in range(11)]
    # positions 1, 5 and 9 of the sorted values
    assert suggest(fcr, higher_is_better=True) == Suggestion(0.52, 0.60, 0.68, 11)


def test_a_lower_is_better_kpi_mirrors_the_percentiles():
    minutes = [0.50 + 0.02 * i for i in range(11)]
    assert suggest(minutes, higher_is_better=False) == Suggestion(0.68, 0.60, 0.52, 11)


def test_percentiles_interpolate_between_values():
    values = [10, 1, 4, 2, 3]  # sorted 1 2 3 4 10; positions 0.4, 2 and 3.6
    assert suggest(values, True) == Suggestion(1.4, 3.0, 7.6, 5)
    # mirrored: −10 −4 −3 −2 −1; position 0.4 is −10 + 0.4·6 = −7.6, position 3.6 is −1.4
    assert suggest(values, False) == Suggestion(7.6, 3.0, 1.4, 5)


def test_agents_not_measured_are_left_out():
    values = [np.nan, 10, 1, np.nan, 4, 2, 3]
    assert suggest(values, True) == Suggestion(1.4, 3.0, 7.6, 5)


def test_fewer_than_five_agents_get_no_suggestion():
    found = suggest([1, 2, 3, 4, np.nan], True)
    assert (found.problem, found.agents, found.values) == ("too_few_agents", 4, None)
    assert calibration.MIN_AGENTS == 5


def test_agents_that_do_not_differ_get_no_suggestion():
    # ten of eleven at 0.998: the 10th percentile (position 1) and the median are both 0.998
    found = suggest([0.9] + [0.998] * 10, True)
    assert (found.problem, found.values) == ("no_spread", None)


def test_a_stretch_no_better_than_the_target_is_left_out():
    values = [0, 0] + [1] * 9  # positions 1, 5, 9: 0, 1, 1
    assert suggest(values, True) == Suggestion(0.0, 1.0, None, 11)


def test_suggestions_are_rounded_to_four_significant_digits():
    values = [0.0782694] * 3 + [0.0912345] * 3 + [0.1234567] * 3
    # positions 0.8, 4 and 7.2: below 0.8 the first value is repeated, so all three are values
    assert suggest(values, True) == Suggestion(0.07827, 0.09123, 0.1235, 9)


def test_suggest_all_reads_each_kpis_direction_from_the_registry():
    values = [10, 1, 4, 2, 3]
    found = suggest_all({"workload": values, "handle_minutes": values})
    assert found["workload"].values == (1.4, 3.0, 7.6)  # higher is better
    assert found["handle_minutes"].values == (7.6, 3.0, 1.4)  # lower is better


rate = st.floats(min_value=0, max_value=1, allow_nan=False)
rates = st.lists(rate, min_size=5, max_size=60).map(np.array)


@given(rates, st.booleans())
def test_every_suggestion_is_a_valid_target_of_a_rate(values, higher):
    kpi_id = "fcr" if higher else "repeat_rate"
    found = suggest(values, higher)
    if found.problem is None:
        Policy(targets={kpi_id: found.values})  # raises when the targets run the wrong way


@given(rates)
def test_mirroring_the_values_mirrors_the_suggestion(values):
    up, down = suggest(values, True), suggest(-values, False)
    assert up.problem == down.problem
    if up.problem is None:
        mirrored = tuple(None if v is None else -v for v in down.values)
        assert mirrored == up.values
