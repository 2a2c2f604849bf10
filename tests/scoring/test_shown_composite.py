"""Grades are given on the composite as it is shown (one decimal), and an agent who is not
graded shows no composite (issue 14, item 8).

Resolution rate alone with the policy's own targets floor 0, target 1, no stretch: the
composite is 100·x of the agent's rate, so each value below is worked out by eye.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.engine.policy import Policy
from scoring.engine.scorecard import COMPOSITE_DECIMALS, grades, score
from tests.scoring.test_scorecard import make_matrix

LINEAR = dict(weights={"resolution_rate": 1}, targets={"resolution_rate": (0.0, 1.0, None)})


def _card(rates: dict[str, float], **policy):
    rows = [dict(agent_id=a, resolution_rate=r) for a, r in rates.items()]
    return score(make_matrix(rows, kpi_ids=("resolution_rate",)), Policy(**LINEAR, **policy))


def _by_agent(card, column: str) -> dict:
    return dict(zip(card.frame["agent_id"], card.frame[column], strict=True))


def test_the_composite_is_shown_with_one_decimal():
    assert COMPOSITE_DECIMALS == 1


def test_a_composite_shown_as_80_gets_the_grade_of_80():
    # thresholds 90 / 80 / 60: 79.96 is shown "80.0" → good, like 80.0 itself; 79.94 is shown
    # "79.9" → satisfactory
    card = _card({"a": 0.7996, "b": 0.80, "c": 0.7994}, thresholds=(90, 80, 60))
    assert _by_agent(card, "composite") == pytest.approx({"a": 80.0, "b": 80.0, "c": 79.9})
    assert _by_agent(card, "grade") == {"a": "good", "b": "good", "c": "satisfactory"}


def test_the_issue_example_89_996_is_excellent_beside_90():
    # default bands 90 / 75 / 60: 89.996 prints as 90.0, so it is excellent (was good)
    card = _card({"a": 0.89996})
    assert _by_agent(card, "composite") == {"a": 90.0}
    assert _by_agent(card, "grade") == {"a": "excellent"}


def test_ranks_still_tell_apart_agents_closer_than_the_rounding():
    # 80.04 and 79.96 both show 80.0 and share the grade; the ranks follow the exact values
    card = _card({"a": 0.7996, "b": 0.8004}, thresholds=(90, 80, 60))
    assert _by_agent(card, "dept_rank") == {"a": 2, "b": 1}
    assert set(_by_agent(card, "grade").values()) == {"good"}


def test_an_ungraded_agent_shows_no_composite():
    # a has 19 tickets (< 20): insufficient data, so no composite, grade or rank; 0.95 is kept
    # as the measured composite only
    rows = [
        dict(agent_id="a", resolution_rate=0.95, tickets=19),
        dict(agent_id="b", resolution_rate=0.5),
    ]
    card = score(make_matrix(rows, kpi_ids=("resolution_rate",)), Policy(**LINEAR))
    shown = card.frame.set_index("agent_id")
    assert pd.isna(shown.loc["a", "composite"]) and pd.isna(shown.loc["a", "grade"])
    assert shown.loc["b", "composite"] == 50.0
    assert card.measured_composite == pytest.approx([95.0, 50.0])


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_the_grade_of_a_composite_is_the_grade_of_its_shown_value(value):
    policy = Policy()
    shown = float(f"{value:.{COMPOSITE_DECIMALS}f}")  # what a table prints
    assert grades(np.array([value]), policy)[0] == grades(np.array([shown]), policy)[0]
