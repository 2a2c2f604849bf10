"""What-if lab engine (scoring.engine.whatif): weights, consequences, payouts, robustness, segments.

Every expected value is worked out by hand from a hand-made dataset (tests/builders.py) and
the registry's floors, targets and stretches (both lower-is-better, no shrinkage):

    handle_minutes  floor 120, target 40, stretch 25:  score = 100·(120 − x)/80 (x ≥ 40)
    parts_cost      floor 300, target 80, stretch 40:  score = 100·(300 − x)/220 (x ≥ 80)

Four agents with 20 tickets each (min_tickets 20; both KPIs need 20 cases):

    agent team handle → score   parts → score
    A     T1   40     → 100     300   → 0
    B     T1   60     → 75      190   → 50
    C     T2   80     → 50      80    → 100
    D     T2   100    → 25      135   → 75
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring.data.dataset import open_dataset
from scoring.engine import scorecard, whatif
from scoring.engine.policy import Policy
from scoring.engine.scorecard import build_matrix, score
from scoring.measures.metrics import Filters
from scoring.registry.kpis import kpi
from scoring.scope import EVERYTHING, Visible
from tests.builders import agent, ticket, write_dataset

HANDLE, PARTS = "handle_minutes", "parts_cost"
PLAN = {"A": ("T1", 40, 300), "B": ("T1", 60, 190), "C": ("T2", 80, 80), "D": ("T2", 100, 135)}


def test_registry_settings_used_by_hand_are_as_assumed():
    assert (kpi(HANDLE).floor, kpi(HANDLE).target, kpi(HANDLE).stretch) == (120, 40, 25)
    assert (kpi(PARTS).floor, kpi(PARTS).target, kpi(PARTS).stretch) == (300, 80, 40)
    assert kpi(HANDLE).shrink is None and kpi(PARTS).shrink is None
    assert kpi(HANDLE).min_sample == kpi(PARTS).min_sample == 20


@pytest.fixture(scope="module")
def four(tmp_path_factory):
    tickets = [
        ticket(f"{a}-{i}", a, i, handle_minutes=float(h), parts_cost=float(p))
        for a, (_, h, p) in PLAN.items()
        for i in range(20)
    ]
    agents = [agent(a, team) for a, (team, _, _) in PLAN.items()]
    root = write_dataset(tmp_path_factory.mktemp("four"), agents=agents, tickets=tickets)
    return whatif.Matrices(build_matrix(open_dataset(root)))


def by_agent(frame, column):
    return dict(zip(frame["agent_id"], frame[column], strict=True))


# ---------------------------------------------------------------------------------------
# Weights as percentages


def test_rebalance_spreads_the_difference_over_the_unlocked_weights():
    weights = {"a": 50.0, "b": 30.0, "c": 20.0}
    # a → 60: b and c share the remaining 40 as 30:20 → 24 and 16
    assert whatif.rebalance(weights, "a", 60) == {"a": 60.0, "b": 24.0, "c": 16.0}
    # c locked at 20: b takes all of 100 − 20 − 60 = 20
    assert whatif.rebalance(weights, "a", 60, locked={"c"}) == {"a": 60.0, "b": 20.0, "c": 20.0}
    # a → 90 with c locked: a can have at most 100 − 20 = 80, b gets 0
    assert whatif.rebalance(weights, "a", 90, locked={"c"}) == {"a": 80.0, "b": 0.0, "c": 20.0}
    # b and c locked: nothing can absorb a change, a keeps 100 − 30 − 20 = 50
    assert whatif.rebalance(weights, "a", 70, locked={"b", "c"}) == weights
    # others all zero: they share equally; 100 − 40 = 60 over three → 20 each
    zeros = {"a": 100.0, "b": 0.0, "c": 0.0, "d": 0.0}
    assert whatif.rebalance(zeros, "a", 40) == {"a": 40.0, "b": 20.0, "c": 20.0, "d": 20.0}
    # a third each of 10 does not divide: 3.4 + 3.3 + 3.3 (largest remainder, one decimal)
    assert whatif.rebalance(zeros, "a", 90) == {"a": 90.0, "b": 3.4, "c": 3.3, "d": 3.3}
    with pytest.raises(KeyError, match="unknown weight 'x'"):
        whatif.rebalance(weights, "x", 10)


def test_rebalanced_weights_always_add_up_to_100():
    rng = np.random.default_rng(3)
    weights = whatif.to_percentages({f"k{i}": rng.uniform(0, 9) for i in range(12)},
                                    [f"k{i}" for i in range(12)])  # fmt: skip
    for _ in range(200):
        changed = f"k{rng.integers(12)}"
        locked = {f"k{i}" for i in rng.choice(12, 3, replace=False)} - {changed}
        before = {k: weights[k] for k in locked}
        weights = whatif.rebalance(weights, changed, float(rng.uniform(0, 100)), locked)
        assert round(sum(weights.values()) * 10) == 1000
        assert all(v >= 0 for v in weights.values())
        assert {k: weights[k] for k in locked} == before


def test_to_percentages_keeps_only_the_given_kpis_and_rounds_exactly():
    # 1 : 1 : 1 → 33.4 / 33.3 / 33.3; the weight of a KPI not listed is dropped
    assert whatif.to_percentages({"a": 1, "b": 1, "c": 1, "x": 5}, ["a", "b", "c"]) == {
        "a": 33.4,
        "b": 33.3,
        "c": 33.3,
    }
    assert whatif.to_percentages({}, ["a", "b"]) == {"a": 50.0, "b": 50.0}


def test_kpis_grouped_by_perspective_in_order():
    groups = whatif.by_perspective([kpi("training_hours"), kpi(PARTS), kpi("csat"), kpi(HANDLE)])
    assert list(groups) == ["financial", "customer", "process", "learning"]
    assert [k.id for k in groups["process"]] == [HANDLE]


# ---------------------------------------------------------------------------------------
# A weight change, worked out by hand


def test_a_weight_change_moves_ranks_grades_and_payouts_as_worked_out_by_hand(four):
    baseline = Policy({HANDLE: 100.0, PARTS: 0.0}, pool=1000.0)
    weights = whatif.rebalance(baseline.weights, PARTS, 50)
    assert weights == {HANDLE: 50.0, PARTS: 50.0}
    new = Policy(weights, pool=1000.0)
    base_frame = whatif.evaluate(four, baseline)
    new_frame = whatif.evaluate(four, new)

    # Baseline = handle only: A 100, B 75, C 50, D 25 → ranks 1..4;
    # grades (90/75/60): A excellent, B good, C and D unsatisfactory.
    assert by_agent(base_frame, "composite") == pytest.approx({"A": 100, "B": 75, "C": 50, "D": 25})
    # New = half each: A (100+0)/2 = 50, B (75+50)/2 = 62.5, C (50+100)/2 = 75, D (25+75)/2 = 50
    assert by_agent(new_frame, "composite") == pytest.approx({"A": 50, "B": 62.5, "C": 75, "D": 50})
    # ranks: C 1, B 2, A and D tie at 50 → both 3 ("1, 2, 3, 3")
    assert by_agent(new_frame, "dept_rank") == {"A": 3, "B": 2, "C": 1, "D": 3}
    # team ranks: T1 B (62.5) 1, A 2; T2 C 1, D 2
    assert by_agent(new_frame, "team_rank") == {"A": 2, "B": 1, "C": 1, "D": 2}
    assert by_agent(new_frame, "grade") == {
        "A": "unsatisfactory",
        "B": "satisfactory",
        "C": "good",
        "D": "unsatisfactory",
    }
    # Grade multipliers, pool 1,000: base = 1,000 / 4 eligible agents = 250.
    # baseline: A 250 × 1.5 = 375, B 250 × 1.2 = 300, C and D × 0 = 0 → total 675
    assert by_agent(base_frame, "payout") == {"A": 375, "B": 300, "C": 0, "D": 0}
    # new: C 250 × 1.2 = 300, B 250 × 1.0 = 250, A and D 0 → total 550
    assert by_agent(new_frame, "payout") == {"A": 0, "B": 250, "C": 300, "D": 0}
    assert whatif.payout_summary(new_frame) == {
        "total": 550,
        "paid": 2,
        "min": 0,
        "median": 125,  # of 0, 0, 250, 300
        "max": 300,
        "spread": 300,
    }

    comparison = whatif.compare(base_frame, new_frame, baseline, new)
    agents = comparison.agents
    # movement = baseline rank − new rank: A 1→3 −2, B 2→2 0, C 3→1 +2, D 4→3 +1
    assert by_agent(agents, "movement") == {"A": -2, "B": 0, "C": 2, "D": 1}
    assert by_agent(agents, "payout_change") == {"A": -375, "B": -50, "C": 300, "D": 0}
    # bonus tiers are the grade multipliers: A 1.5 → 0 down, B 1.2 → 1.0 down, C 0 → 1.2 up,
    # D 0 → 0 crosses nothing
    assert by_agent(agents, "crossed") == {"A": "down", "B": "down", "C": "up", "D": ""}
    assert len(comparison.crossings) == comparison.crossing_count == 3
    assert comparison.grade_changes == 3
    assert comparison.cells == {
        ("excellent", "unsatisfactory"): ["A"],
        ("good", "satisfactory"): ["B"],
        ("unsatisfactory", "good"): ["C"],
        ("unsatisfactory", "unsatisfactory"): ["D"],
    }
    t = comparison.transitions
    assert int(t.to_numpy().sum()) == 4
    assert t.loc["excellent", "unsatisfactory"] == 1 and t.loc["unsatisfactory", "good"] == 1
    assert t.loc["good", "satisfactory"] == 1 and t.loc["unsatisfactory", "unsatisfactory"] == 1
    # Kendall's tau-b of (100, 75, 50, 25) vs (50, 62.5, 75, 50): of the 6 pairs, BD and CD
    # concordant (2), AB, AC and BC discordant (3), AD tied in the new scores only (1):
    # (2 − 3) / √((6 − 0)(6 − 1)) = −1/√30
    assert comparison.tau == pytest.approx(-1 / math.sqrt(30))
    # teams: baseline T1 (100+75)/2 = 87.5 rank 1, T2 (50+25)/2 = 37.5 rank 2;
    # new T1 (50+62.5)/2 = 56.25 rank 2, T2 (75+50)/2 = 62.5 rank 1
    teams = comparison.teams.set_index("team")
    assert teams["base_composite"].to_dict() == pytest.approx({"T1": 87.5, "T2": 37.5})
    assert teams["new_composite"].to_dict() == pytest.approx({"T1": 56.25, "T2": 62.5})
    assert teams["base_rank"].to_dict() == {"T1": 1, "T2": 2}
    assert teams["new_rank"].to_dict() == {"T1": 2, "T2": 1}
    assert teams["movement"].to_dict() == {"T1": -1, "T2": 1}
    assert teams["base_payout"].to_dict() == {"T1": 675, "T2": 0}
    assert teams["new_payout"].to_dict() == {"T1": 250, "T2": 300}


def test_threshold_linear_payouts_and_boundary(four):
    new = Policy({HANDLE: 50.0, PARTS: 50.0}, pool=1000.0, rule="threshold_linear")
    frame = whatif.evaluate(four, new)
    # base 250; 50% of base at 60 rising to 150% at 100:
    # C 75: 50% + 100% · (75 − 60)/40 = 87.5% → 218.75; B 62.5: 56.25% → 140.625 → 140.62
    # (rounded down to the cent); A and D at 50 are below 60 → 0
    assert by_agent(frame, "payout") == {"A": 0, "B": 140.62, "C": 218.75, "D": 0}
    baseline = Policy({HANDLE: 100.0, PARTS: 0.0}, pool=1000.0, rule="threshold_linear")
    comparison = whatif.compare(whatif.evaluate(four, baseline), frame, baseline, new)
    # the boundary is the threshold 60: A 100 → 50 down, C 50 → 75 up, B 75 → 62.5 stays above,
    # D 25 → 50 stays below
    assert by_agent(comparison.agents, "crossed") == {"A": "down", "B": "", "C": "up", "D": ""}


def test_forced_distribution_grades(four):
    # quotas 25/25/25/25 of 4 graded agents: one per grade by new score; the tie A = D = 50
    # at the bottom cannot be split, so both go down to the bottom grade
    policy = Policy({HANDLE: 50.0, PARTS: 50.0}, grading="forced", quotas=(0.25, 0.25, 0.25, 0.25))
    frame = whatif.evaluate(four, policy)
    assert by_agent(frame, "grade") == {
        "A": "unsatisfactory",
        "B": "good",
        "C": "excellent",
        "D": "unsatisfactory",
    }


def test_evaluate_is_scorecard_score(small_dataset):
    matrix = build_matrix(open_dataset(small_dataset))
    weights = {"csat": 30.0, "fcr": 50.0, "handle_minutes": 20.0}
    frame = whatif.evaluate(whatif.Matrices(matrix), Policy(weights))
    card = score(matrix, Policy(weights=weights))
    assert frame["composite"].to_numpy() == pytest.approx(card.frame["composite"].to_numpy(),
                                                          nan_ok=True)  # fmt: skip
    assert frame["grade"].tolist() == card.frame["grade"].tolist()


# ---------------------------------------------------------------------------------------
# Robustness


def test_vectorised_composites_re_weight_over_measurable_kpis():
    """scorecard.composites for two weight vectors against the rule worked by hand."""
    scores = np.array([[80.0, 40.0, np.nan], [np.nan, np.nan, np.nan], [100.0, 0.0, 50.0]])
    weights = np.array([[0.5, 0.25, 0.25], [0.0, 0.0, 1.0]])
    composite, coverage = scorecard.composites(scores, weights)
    # Vector 1: agent 0 measurable on KPIs 0 and 1 → (0.5·80 + 0.25·40) / 0.75 = 66.67;
    # agent 1 nothing → NaN; agent 2 all → 0.5·100 + 0 + 0.25·50 = 62.5.
    assert composite[0] == pytest.approx([200 / 3, np.nan, 62.5], nan_ok=True)
    assert coverage[0] == pytest.approx([0.75, 0.0, 1.0])
    # Vector 2: only KPI 2 counts; agent 0 cannot be measured on it → NaN.
    assert composite[1] == pytest.approx([np.nan, np.nan, 50.0], nan_ok=True)


def test_one_weight_cannot_vary_so_grades_are_certain(four):
    # Dirichlet over a single weighted KPI is always (1): every draw is the chosen weights
    robust = whatif.monte_carlo(four.all, Policy({HANDLE: 100.0}), draws=200)
    frame = robust.frame.set_index("agent_id")
    assert frame["p_excellent"].to_dict() == {"A": 1, "B": 0, "C": 0, "D": 0}
    assert frame["p_good"]["B"] == 1 and frame["p_unsatisfactory"]["D"] == 1
    assert frame["rank_low"].to_dict() == {"A": 1, "B": 2, "C": 3, "D": 4}
    assert frame["rank_high"].to_dict() == {"A": 1, "B": 2, "C": 3, "D": 4}
    assert frame["rank_interval"]["C"] == "3–3"
    assert not frame["coin_toss"].any()


def test_a_score_on_a_grade_boundary_is_a_coin_toss(four):
    # Weights 50/50, Dirichlet(100 · (0.5, 0.5)): the handle weight w ~ Beta(50, 50),
    # mean 0.5, sd √(0.25/101) ≈ 0.0498.
    # C = 50w + 100(1 − w) = 100 − 50w is 75 at w = 0.5, exactly the "good" threshold:
    #   good when w ≤ 0.5 → probability 1/2 → a coin toss.
    # A = 100w ≥ 60 needs w ≥ 0.6 (2 sd): unsatisfactory with probability ≈ 0.98.
    # B = 50 + 25w ≥ 60 needs w ≥ 0.4: satisfactory with probability ≈ 0.98.
    # D = 75 − 50w ≥ 60 needs w ≤ 0.3 (4 sd): unsatisfactory with probability ≈ 1.
    robust = whatif.monte_carlo(four.all, Policy({HANDLE: 50.0, PARTS: 50.0}), draws=1000)
    frame = robust.frame.set_index("agent_id")
    assert robust.draws == 1000 and robust.concentration == whatif.DEFAULT_CONCENTRATION
    assert frame["p_good"]["C"] == pytest.approx(0.5, abs=0.06)
    assert frame["p_good"]["C"] + frame["p_satisfactory"]["C"] == pytest.approx(1)
    assert frame["p_unsatisfactory"]["A"] == pytest.approx(0.977, abs=0.02)
    assert frame["p_satisfactory"]["B"] == pytest.approx(0.977, abs=0.02)
    assert frame["p_unsatisfactory"]["D"] > 0.995
    assert frame["coin_toss"].to_dict() == {"A": False, "B": False, "C": True, "D": False}
    probabilities = frame[[f"p_{g}" for g in whatif.GRADE_STATES]].sum(axis=1)
    assert probabilities.to_numpy() == pytest.approx(1)
    # C is first (75 vs B's 62.5) unless w > 0.5 + ..., never below 2nd; A ranks 3rd or 4th
    assert frame["rank_low"]["C"] == 1 and frame["rank_high"]["C"] <= 2
    assert frame["rank_low"]["A"] >= 2


def test_dirichlet_draws_keep_zero_weights_and_the_mean():
    rng = np.random.default_rng(0)
    draws = whatif.dirichlet_weights(np.array([0.2, 0.0, 0.8]), 4000, 100.0, rng)
    assert (draws[:, 1] == 0).all()
    assert draws.sum(axis=1) == pytest.approx(1)
    assert draws.mean(axis=0) == pytest.approx([0.2, 0.0, 0.8], abs=0.005)
    # variance w(1 − w)/(c + 1) = 0.16/101 → sd ≈ 0.0398
    assert draws[:, 0].std() == pytest.approx(math.sqrt(0.16 / 101), rel=0.08)


# ---------------------------------------------------------------------------------------
# Segment-aware scoring


@pytest.fixture(scope="module")
def segmented(tmp_path_factory):
    # (agent, segment, tickets, handle, parts)
    plan = [
        ("E", "enterprise", 30, 40, 300),  # handle 40 → 100
        ("E", "individual", 20, 120, 190),  # parts 190 → 50
        ("F", "enterprise", 20, 80, 80),  # handle 80 → 50
        ("F", "individual", 20, 60, 135),  # parts 135 → 75
        ("G", "enterprise", 25, 60, 80),  # handle 60 → 75
        ("G", "individual", 5, 60, 80),  # only 5 tickets: parts not measurable (min 20)
    ]
    tickets = [
        ticket(
            f"{a}-{s}-{i}", a, i, handle_minutes=float(h), parts_cost=float(p), customer_segment=s
        )  # fmt: skip
        for a, s, n, h, p in plan
        for i in range(n)
    ]
    root = write_dataset(
        tmp_path_factory.mktemp("segments"),
        agents=[agent("E"), agent("F"), agent("G")],
        tickets=tickets,
    )
    ds = open_dataset(root)
    return whatif.Matrices(
        build_matrix(ds),
        {s: build_matrix(ds, Filters(segments=(s,))) for s in whatif.SEGMENTS},
    )


def test_segment_aware_score_mixes_by_ticket_share(segmented):
    policy = Policy(
        {HANDLE: 50.0, PARTS: 50.0},
        pool=900.0,
        segment_weights={"enterprise": {HANDLE: 100.0}, "individual": {PARTS: 100.0}},
    )
    frame = whatif.evaluate(segmented, policy)
    # E: 30/50 · 100 + 20/50 · 50 = 80 → good
    # F: 20/40 · 50 + 20/40 · 75 = 62.5 → satisfactory
    # G: individual has no measurable KPI, so only enterprise counts: 75 → good
    assert by_agent(frame, "composite") == pytest.approx({"E": 80, "F": 62.5, "G": 75})
    assert by_agent(frame, "tickets") == {"E": 50, "F": 40, "G": 30}
    assert by_agent(frame, "grade") == {"E": "good", "F": "satisfactory", "G": "good"}
    assert by_agent(frame, "dept_rank") == {"E": 1, "F": 3, "G": 2}
    # pool 900 / 3 = 300: E 300 × 1.2 = 360, G 360, F 300 × 1.0 = 300 → 1,020 > 900,
    # scaled by 900/1,020: E and G 317.647… → 317.64, F 264.705… → 264.70
    assert by_agent(frame, "payout") == {"E": 317.64, "F": 264.70, "G": 317.64}
    # the same weights for both segments and no segment-only agent: plain scoring differs
    # only by the mix of matrices; plain scoring of E on all 50 tickets with handle only:
    plain = whatif.evaluate(segmented, Policy({HANDLE: 100.0}))
    # E: mean handle (30·40 + 20·120)/50 = 72 → 100·48/80 = 60
    assert by_agent(plain, "composite")["E"] == pytest.approx(60)


def test_vectorised_ranks_match_scipy_rankdata_min():
    from scipy import stats

    graded = np.random.default_rng(0).integers(0, 50, (40, 300)).astype(float)
    graded[graded == 3] = np.nan  # unranked agents
    ranks = whatif._ranks(graded)
    filled = np.where(np.isnan(graded), -np.inf, graded)
    expected = stats.rankdata(-filled, method="min", axis=1)
    assert np.array_equal(np.isnan(ranks), np.isnan(graded))
    assert np.array_equal(ranks[~np.isnan(graded)], expected[~np.isnan(graded)])


def test_team_change_ranks_graded_agents_and_puts_unranked_teams_last():
    # T3's only agent has insufficient data: no mean score, no rank, still in the table
    def frame(composites, payouts):
        return pd.DataFrame(
            {
                "agent_id": ["a1", "a2", "b1", "c1"],
                "team": ["T3", "T1", "T2", "T1"],
                "composite": composites,
                "insufficient_data": [True, False, False, False],
                "payout": payouts,
            }
        )

    baseline = frame([90.0, 80.0, 70.0, 60.0], [0.0, 300.0, 200.0, 100.0])
    new = frame([95.0, 50.0, 75.0, 60.0], [0.0, 100.0, 400.0, 100.0])
    teams = whatif.team_change(baseline, new)
    # T1: (80+60)/2 = 70 → (50+60)/2 = 55; T2: 70 → 75
    assert teams["team"].tolist() == ["T2", "T1", "T3"]
    assert teams["base_composite"].tolist()[:2] == [70.0, 70.0]
    assert teams["new_composite"].tolist()[:2] == [75.0, 55.0]
    assert teams["base_rank"].tolist() == [1, 1, pd.NA]
    assert teams["new_rank"].tolist() == [1, 2, pd.NA]
    assert teams["movement"].tolist() == [0, -1, pd.NA]
    assert teams["payout_change"].tolist() == [200.0, -200.0, 0.0]


def test_an_unknown_grade_is_named_not_miscounted():
    frame = pd.DataFrame({"grade": ["excellent", "platinum", None], "insufficient_data": False})
    with pytest.raises(ValueError, match="platinum"):
        whatif.grade_codes(frame)
    known = frame.assign(grade=["excellent", "good", None])
    assert whatif.grade_codes(known).tolist() == [
        0,
        1,
        whatif.GRADE_STATES.index("insufficient_data"),
    ]


# ---------------------------------------------------------------------------------------
# The visible scope: scored over the department, shown for the visible teams


def test_the_visible_scope_keeps_department_ranks_and_counts_only_its_agents(four):
    baseline = Policy({HANDLE: 100.0, PARTS: 0.0}, pool=1000.0)
    new = Policy({HANDLE: 50.0, PARTS: 50.0}, pool=1000.0)
    department = whatif.compare(
        whatif.evaluate(four, baseline), whatif.evaluate(four, new), baseline, new
    )
    t2 = department.visible_to(Visible(teams=("T2",)))
    # C and D keep their department ranks (C 3 → 1, D 4 → 3) and payouts (C 0 → 300)
    assert t2.agents["agent_id"].tolist() == ["C", "D"]
    assert by_agent(t2.agents, "new_rank") == {"C": 1, "D": 3}
    assert by_agent(t2.agents, "new_payout") == {"C": 300, "D": 0}
    # grade changes, crossings and transitions count C and D only (A and B are T1's)
    assert t2.grade_changes == 1 and t2.crossing_count == 1
    assert t2.cells == {
        ("unsatisfactory", "good"): ["C"],
        ("unsatisfactory", "unsatisfactory"): ["D"],
    }
    assert int(t2.transitions.to_numpy().sum()) == 2
    assert t2.transitions.loc["unsatisfactory", "good"] == 1
    # T2 alone, still ranked 1st among the department's teams; τ stays the department's
    assert t2.teams["team"].tolist() == ["T2"] and t2.teams["new_rank"].tolist() == [1]
    assert t2.tau == pytest.approx(-1 / math.sqrt(30))
    assert department.visible_to(EVERYTHING) is department
    with pytest.raises(TypeError, match="Visible"):  # checked by scope.shows_rows
        department.visible_to(("T2",))
    robust = whatif.monte_carlo(four.all, new, draws=200).visible_to(Visible(teams=("T2",)))
    assert robust.frame["agent_id"].tolist() == ["C", "D"]
    assert set(robust.frame["team"]) == {"T2"}


def test_visible_results_are_the_department_payouts_of_the_visible_agents(four):
    # pool 1,000 shared by all four (base 250): C good 300, D unsatisfactory 0
    policy = Policy({HANDLE: 50.0, PARTS: 50.0}, pool=1000.0)
    shown = whatif.visible_results(four, policy, Visible(teams=("T2",)), explain=False)
    assert by_agent(shown, "payout") == {"C": 300, "D": 0}
    assert by_agent(shown, "dept_rank") == {"C": 1, "D": 3}
    assert set(shown["team"]) == {"T2"}
