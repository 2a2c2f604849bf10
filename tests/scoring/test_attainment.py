"""Direction-aware attainment (scoring/methods/attainment.py), by hand."""

import math

import numpy as np
import pytest

from scoring.methods.attainment import attainment


@pytest.mark.parametrize(
    ("actual", "target", "higher", "expected"),
    [
        (0.9, 0.8, True, 1.125),  # FCR 90 % against 80 %: an eighth better
        (0.6, 0.8, True, 0.75),
        (30.0, 40.0, False, 4 / 3),  # response 30 min against 40: a third better
        (50.0, 40.0, False, 0.8),
        (0.0, 0.0, False, 1.0),  # no complaints against a target of none: met
        (0.0, 0.02, False, math.inf),  # none against 2 %: better than any ratio
        (0.01, 0.0, False, 0.0),  # some against a target of none: nothing attained
    ],
)
def test_attainment_runs_the_kpis_way(actual, target, higher, expected):
    assert float(attainment(actual, target, higher)) == pytest.approx(expected)


def test_no_actual_stays_unknown_and_arrays_broadcast():
    result = attainment([np.nan, 4.5, 20.0], 4.5, [True, True, False])
    assert math.isnan(result[0])
    assert result[1:].tolist() == [1.0, pytest.approx(4.5 / 20.0)]
