"""Scoring with objectives (目标管理): the objective score of each agent and its blend with the
KPI composite, worked out by hand on the three-agent example of test_scorecard.py.

    KPI composites (shrunk values, WEIGHTS, HAND_TARGETS): X 54.1667, Y 82.5, Z 30
    X (csat 4.0 shrunk / 4.1 raw, first response 135, resolution 0.90):
        csat target 4.0, weight 1          → attainment 4.0 / 4.0 = 1.0     → 100
        first response target 108, weight 3 → 108 / 135 = 0.8 (lower is better) → 80
        resolution weight 0, fcr (not in the matrix)                        → count for nothing
        → (100·1 + 80·3) / 4 = 85; on raw values csat 4.1 / 4.0 → 102.5 → 85.625
    Y (resolution 0.75 shrunk): target 0.5, weight 2 → 1.5, capped at 1.2 → 120
    Z: no objectives → no objective score; keeps the KPI composite
    share 0.4: X 0.6·54.1667 + 0.4·85 = 66.5; Y 0.6·82.5 + 0.4·120 = 97.5; Z 30
    grades (90 / 75 / 60): X unsatisfactory → satisfactory, Y good → excellent, Z unchanged
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from scoring.engine import whatif
from scoring.engine.policy import Policy
from scoring.engine.scorecard import objective_scores, score
from tests.scoring.test_scorecard import HAND_TARGETS, WEIGHTS, XYZ, by_agent, make_matrix

OBJECTIVES = pd.DataFrame(
    {
        "agent_id": ["X", "X", "X", "X", "Y", "nobody"],
        "kpi": ["csat", "first_response_median", "resolution_rate", "fcr", "resolution_rate",
                "csat"],
        "target": [4.0, 108.0, 0.99, 0.9, 0.5, 4.0],
        "weight": [1.0, 3.0, 0.0, 1.0, 2.0, 1.0],
    }
)  # fmt: skip


def _matrix():
    matrix = make_matrix(XYZ)
    matrix.objectives = OBJECTIVES
    return matrix


def _policy(share: float) -> Policy:
    return Policy(weights=WEIGHTS, targets=HAND_TARGETS, objective_share=share)


def test_the_objective_score_is_the_capped_weighted_mean_attainment():
    scores = dict(zip("XYZ", objective_scores(_matrix(), _policy(0.4)), strict=True))
    assert scores["X"] == pytest.approx(85.0)
    assert scores["Y"] == pytest.approx(120.0)
    assert math.isnan(scores["Z"])


def test_the_objectives_are_judged_on_the_values_the_policy_judges():
    raw = Policy(weights=WEIGHTS, targets=HAND_TARGETS, use_shrunk=False)
    assert objective_scores(_matrix(), raw)[0] == pytest.approx(85.625)


def test_a_share_blends_the_objective_score_into_the_composite_and_the_grade():
    plain, blended = score(_matrix(), _policy(0.0)), score(_matrix(), _policy(0.4))
    assert by_agent(plain, "composite") == pytest.approx({"X": 54.2, "Y": 82.5, "Z": 30.0})
    assert by_agent(blended, "composite") == pytest.approx({"X": 66.5, "Y": 97.5, "Z": 30.0})
    assert by_agent(plain, "grade") == {"X": "unsatisfactory", "Y": "good", "Z": "unsatisfactory"}
    assert by_agent(blended, "grade") == {
        "X": "satisfactory",
        "Y": "excellent",
        "Z": "unsatisfactory",
    }
    assert by_agent(blended, "dept_rank") == {"X": 2, "Y": 1, "Z": 3}


def test_a_whole_share_grades_on_the_objectives_alone():
    card = score(_matrix(), _policy(1.0))
    assert by_agent(card, "composite") == pytest.approx({"X": 85.0, "Y": 120.0, "Z": 30.0})


def test_without_objectives_the_share_changes_nothing():
    card = score(make_matrix(XYZ), _policy(0.7))
    assert by_agent(card, "composite") == pytest.approx({"X": 54.2, "Y": 82.5, "Z": 30.0})


def test_segment_aware_scoring_blends_the_same_way():
    """Both segments scored with the same weights on the same values mix back to the plain
    composite, so the blended results equal plain scoring's."""
    matrices = whatif.Matrices(
        all=_matrix(), segments={"enterprise": make_matrix(XYZ), "individual": make_matrix(XYZ)}
    )
    policy = Policy(
        weights=WEIGHTS,
        segment_weights={"enterprise": WEIGHTS, "individual": WEIGHTS},
        targets=HAND_TARGETS,
        objective_share=0.4,
    )
    frame = whatif.evaluate(matrices, policy, explain=False)
    composites = dict(zip(frame["agent_id"], frame["composite"], strict=True))
    assert composites == pytest.approx({"X": 66.5, "Y": 97.5, "Z": 30.0})


def test_the_robustness_draws_blend_the_objective_score_too():
    """With every score from the objectives, perturbing the KPI weights moves nobody."""
    robust = whatif.monte_carlo(_matrix(), _policy(1.0), draws=50)
    likely = dict(zip(robust.frame["agent_id"], robust.frame["likely_grade"], strict=True))
    assert likely == {"X": "good", "Y": "excellent", "Z": "unsatisfactory"}
    assert robust.frame["likely_probability"].tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("share", [-0.1, 1.5, math.nan, True, "half"])
def test_the_share_must_be_a_share(share):
    with pytest.raises(ValueError, match="objective_share: a share from 0 to 1"):
        _policy(share)


def test_the_share_is_written_with_the_policy_and_older_policies_read_as_zero():
    policy = _policy(0.25)
    assert Policy.from_dict(policy.to_dict()) == policy
    older = {k: v for k, v in policy.to_dict().items() if k != "objective_share"}
    assert Policy.from_dict(older).objective_share == 0.0


def test_a_matrix_given_objectives_after_scoring_scores_them():
    """The objective scores are kept per matrix while sliders move; a matrix made from a
    scored one with objectives (as the lab's is) must not inherit the scores of none."""
    plain = make_matrix(XYZ)
    assert math.isnan(objective_scores(plain, _policy(0.4))[0])
    given = dataclasses.replace(plain, objectives=OBJECTIVES)
    assert objective_scores(given, _policy(0.4))[0] == pytest.approx(85.0)
