"""Kano-informed scoring (issue 16): must-be KPIs gate the grade, attractive KPIs earn bonus
points above their target, and Tan & Shen's rule adjusts the current weights — on the
hand-made example of tests/kano_example.py, every number worked out by hand below."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.analyses import kano, kano_scoring
from scoring.data.dataset import open_dataset
from scoring.engine import scorecard, whatif
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters, kpi_table
from scoring.methods import normalise
from tests import kano_example as example
from tests.kano_example import FRM, NPS, P90, PARTS


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    ds = open_dataset(example.write(tmp_path_factory.mktemp("kano_scoring") / "data"))
    matrix = scorecard.build_matrix(ds)
    measured = [k.id for k in matrix.kpis
                if k.id not in scorecard.score(matrix, example.CURRENT).unmeasured]  # fmt: skip
    values = kpi_table(ds, Filters(), (), 30).iloc[0].to_dict()
    suggestion = kano_scoring.suggest(kano.analyse(ds, 5).factors, example.CURRENT, values,
                                      measured)  # fmt: skip
    return matrix, suggestion


def test_the_weights_are_adjusted_by_tan_and_shen_and_the_roles_follow_the_categories(opened):
    _, suggestion = opened
    rows = suggestion.kpis.set_index("kpi")
    # department: first response median 6 (of 4,6,6,13 ×20 tickets), parts ¥120 (mean of
    # 80,120,40,240), NPS 10 (mean of 40,−20,70,−50); improvement ratios against the targets
    # 6 min, ¥80, 40 pts: 6/6 = 1 (lower is better: value/target), 120/80 = 1.5, 40/10 = 4
    assert rows.loc[[FRM, PARTS, NPS], "ratio"].tolist() == [1.0, 1.5, 4.0]
    # w·IR^(1/k): must-be k 0.5 → 50·1² = 50; one-dimensional k 1 → 30·1.5 = 45;
    # attractive k 2 → 20·√4 = 40; of 135: 37.04, 33.33, 29.63 → one decimal adding up to
    # 100 (largest remainder): 37.1, 33.3, 29.6
    assert suggestion.policy.weights[FRM] == 37.1
    assert suggestion.policy.weights[PARTS] == 33.3
    assert suggestion.policy.weights[NPS] == 29.6
    assert rows.loc[[FRM, P90, PARTS, NPS], "role"].tolist() == ["gate", "gate", "linear", "bonus"]
    assert rows.loc[P90, "weight"] == 0.0  # no current weight: a gate, nothing to adjust
    # CSAT is attractive too (follow-up survey) but weighs nothing now: no bonus to earn
    assert suggestion.policy.must_be == (FRM, P90)
    assert suggestion.policy.bonus == (NPS,)
    assert rows.loc["csat", "category"] == "A" and rows.loc["csat", "weight"] == 0.0
    assert suggestion.policy.pool == example.CURRENT.pool  # the rest of the scheme is kept


def test_the_gate_caps_and_the_bonus_moves_grades_as_worked_out_by_hand(opened):
    matrix, suggestion = opened
    matrices = whatif.Matrices(matrix)
    current = whatif.evaluate(matrices, example.CURRENT).set_index("agent_id")
    kano_based = whatif.evaluate(matrices, suggestion.policy).set_index("agent_id")
    # KPI scores (target-based): first response A 4 → 120 (stretch), B and D 6 → 100, C 13 →
    # 0 (beyond the floor 12); parts A 80 → 100, B 120 → 100·180/220 = 81.8, C 40 → 120,
    # D 240 → 100·60/220 = 27.3; NPS A 40 → 100, B −20 → 0, C 70 → 120, D −50 → 0.
    # Current 50/30/20: A 60+30+20 = 110; B 50+24.5+0 = 74.5; C 0+36+24 = 60; D 50+8.2 = 58.2
    assert current["composite"].tolist() == [110.0, 74.5, 60.0, 58.2]
    assert current["grade"].tolist() == ["excellent", "satisfactory", "satisfactory",
                                         "unsatisfactory"]  # fmt: skip
    # Kano: first response 37.1 and parts 33.3 make the weighted mean (shares 0.527, 0.473);
    # NPS earns up to 29.6 points from its target 40 to its stretch 70: only C (70) gets all.
    # A 63.24+47.30 = 110.5; B 52.70+38.70 = 91.4; C 0+56.76+29.6 = 86.4; D 52.70+12.90 = 65.6
    assert kano_based["composite"].tolist() == [110.5, 91.4, 86.4, 65.6]
    # C's first response is beyond its floor (13 > 12): good is capped at satisfactory
    assert kano_based["gated"].tolist() == [False, False, True, False]
    assert kano_based["grade"].tolist() == ["excellent", "excellent", "satisfactory",
                                            "satisfactory"]  # fmt: skip
    # pool 1,000 over 4: 250 per multiplier; current 375+250+250+0 = 875; Kano multipliers
    # 1.5+1.5+1+1 = 5 → 1,250, more than the pool, scaled by 0.8: 300, 300, 200, 200
    assert current["payout"].tolist() == [375.0, 250.0, 250.0, 0.0]
    assert kano_based["payout"].tolist() == [300.0, 300.0, 200.0, 200.0]
    comparison = whatif.compare(current.reset_index(), kano_based.reset_index(),
                                example.CURRENT, suggestion.policy)  # fmt: skip
    assert comparison.grade_changes == 2  # B up to excellent, D up to satisfactory
    card = scorecard.score(matrix, suggestion.policy)
    c = card.frame.index[card.frame["agent_id"] == "C"][0]
    assert card.contributions.iloc[c][NPS] == pytest.approx(29.6)  # the bonus, as points
    with pytest.raises(ValueError, match="plain weights only"):
        whatif.monte_carlo(matrix, suggestion.policy, draws=10)


def test_the_improvement_ratio_is_undefined_without_a_positive_value():
    assert math.isnan(kano_scoring.improvement_ratio(NPS, -5.0, 40.0))  # an NPS below zero
    assert math.isnan(kano_scoring.improvement_ratio(FRM, math.nan, 6.0))
    assert kano_scoring.improvement_ratio("fcr", 0.5, 0.85) == pytest.approx(1.7)  # 0.85/0.5


def test_bonus_progress_and_the_floor_follow_each_kpis_direction():
    # higher is better, target 40, stretch 70: 40 → 0, 55 → 0.5, 90 → 1, 20 → 0
    progress = normalise.beyond_target([40, 55, 90, 20, np.nan], True, 40, 70)
    np.testing.assert_allclose(progress, [0, 0.5, 1, 0, np.nan])
    # lower is better, target 6, stretch 4: 5 → 0.5; without a stretch: met or not
    np.testing.assert_allclose(normalise.beyond_target([5, 7], False, 6, 4), [0.5, 0])
    np.testing.assert_allclose(normalise.beyond_target([5, 7], False, 6, None), [1, 0])
    assert normalise.beyond_floor([12, 13, np.nan], False, 12).tolist() == [False, True, False]
    assert normalise.beyond_floor([0.5, 0.4], True, 0.5).tolist() == [False, True]


def test_the_kano_roles_are_checked_and_written_with_the_policy():
    with pytest.raises(ValueError) as caught:
        Policy(must_be=("no_such_kpi",), bonus=(NPS,))
    assert "must_be: " in str(caught.value) and "no_such_kpi" in str(caught.value)
    with pytest.raises(ValueError, match="bonus: nps cannot be a must-be gate and a bonus"):
        Policy(must_be=(NPS,), bonus=(NPS,))
    policy = Policy(must_be=(FRM,), bonus=(NPS,))
    assert Policy.from_dict(policy.to_dict()) == policy
    assert policy.to_dict()["must_be"] == [FRM]
