"""Split-half reliability, grade stability and non-discriminating KPIs
(scoring/analyses/reliability.py), against worked examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.analyses import reliability as rel
from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.engine.scorecard import matrix_of, score
from scoring.measures.metrics import Filters, available_kpis, kpi_halves
from scoring.measures.query import Query
from scoring.registry.kpis import kpi
from tests.builders import agent, ticket, write_dataset
from tests.scoring.test_scorecard import make_matrix


def test_spearman_brown_on_the_worked_example():
    # docs/METHODS.md: r_half 0.6 → 2·0.6/1.6 = 0.75; 1/3 → (2/3)/(4/3) = 0.5
    assert rel.spearman_brown(0.6) == pytest.approx(0.75)
    assert rel.spearman_brown(1 / 3) == pytest.approx(0.5)
    assert rel.spearman_brown(np.array([0.0, 1.0])) == pytest.approx([0.0, 1.0])
    assert math.isnan(rel.spearman_brown(-1.0))


@given(st.floats(min_value=-0.99, max_value=1.0))
def test_spearman_brown_lengthens_towards_one(r):
    # doubling the length never lowers a positive reliability and keeps its sign
    full = rel.spearman_brown(r)
    assert np.sign(full) == np.sign(r)
    if r > 0:
        assert r <= full <= 1 + 1e-12


def test_cohen_kappa_on_the_textbook_example():
    # 50 cases: both yes 20, A yes B no 5, A no B yes 10, both no 15 → p_o = 35/50 = 0.7;
    # A says yes 25/50, B 30/50 → p_e = 0.5·0.6 + 0.5·0.4 = 0.5 → κ = (0.7 − 0.5)/0.5 = 0.4
    a = np.array(["y"] * 20 + ["y"] * 5 + ["n"] * 10 + ["n"] * 15, dtype=object)
    b = np.array(["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15, dtype=object)
    assert rel.cohen_kappa(a, b) == pytest.approx(0.4)
    assert math.isnan(rel.cohen_kappa(a[:0], b[:0]))


def test_rank_correlation_by_hand():
    # ranks 1..5 against 2 1 4 3 5: d = −1 1 −1 1 0, Σd² = 4 → ρ = 1 − 6·4/(5·24) = 0.8
    a = np.array([1.0, 2, 3, 4, 5])
    assert rel.rank_correlation(a, np.array([2.0, 1, 4, 3, 5])) == pytest.approx(0.8)
    assert rel.rank_correlation(a, -a) == pytest.approx(-1)
    # unknown values are left out: four agents on both halves are too few
    assert math.isnan(rel.rank_correlation(a, np.array([2.0, 1, 4, 3, np.nan])))
    assert math.isnan(rel.rank_correlation(a, np.ones(5)))  # no spread


def _halves_table(values_0, values_1, den=100) -> pd.DataFrame:
    """One split of five agents: csat and handle_minutes per half (`kpi_halves` columns)."""
    rows = []
    for half, values in ((0, values_0), (1, values_1)):
        for i, value in enumerate(values):
            rows.append(
                {"split": 0, "half": half, "agent_id": f"A{i}", "tickets": 100,
                 "csat": value, "csat__num": value * den, "csat__den": den,
                 "csat__sq": value * value * den, "handle_minutes": 40.0 + i,
                 "handle_minutes__den": 3}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_kpi_reliability_of_one_split_by_hand():
    # csat halves rank like 1..5 and 2 1 4 3 5: ρ = 0.8 → 1.6/1.8 = 0.889 ≥ 0.7, reliable;
    # handle minutes: 3 cases per half < its minimum sample 20 → too few agents;
    # training hours are per agent, not per customer: not split
    table = _halves_table([3.0, 3.5, 4.0, 4.5, 5.0], [3.5, 3.0, 4.5, 4.0, 5.0])
    kpis = (kpi("csat"), kpi("handle_minutes"), kpi("training_hours"))
    result = rel.kpi_reliability(table, kpis).set_index("kpi")
    assert result.loc["csat", "r_half"] == pytest.approx(0.8)
    assert result.loc["csat", "reliability"] == pytest.approx(1.6 / 1.8)
    assert result.loc["csat", "status"] == "reliable"
    assert result.loc["csat", "agents"] == 5
    assert result.loc["handle_minutes", "status"] == "too_few_agents"
    assert result.loc["training_hours", "status"] == "not_split"


def test_an_unrelated_second_half_is_unreliable():
    # reversed ranks: ρ = −1 → Spearman–Brown undefined; ρ = 0 → 0 (1 2 3 4 5 vs 3 5 1 4 2:
    # d = −2 −3 2 0 3, Σd² = 26 → 1 − 156/120 = −0.3 → 2·(−0.3)/0.7 = −0.857)
    table = _halves_table([1.0, 2, 3, 4, 5], [3.0, 5, 1, 4, 2])
    result = rel.kpi_reliability(table, (kpi("csat"),)).set_index("kpi")
    assert result.loc["csat", "r_half"] == pytest.approx(-0.3)
    assert result.loc["csat", "reliability"] == pytest.approx(-0.6 / 0.7)
    assert result.loc["csat", "status"] == "unreliable"


# ---------------------------------------------------------------------------------------
# The split itself, on a hand-made dataset.


@pytest.fixture(scope="module")
def split_ds(tmp_path_factory):
    # A1: six tickets all of customer C1; A2: six tickets of six customers
    tickets = [ticket(f"a{i}", "A1", i * 60, customer_id="C1", resolved_at=30) for i in range(6)]
    tickets += [
        ticket(f"b{i}", "A2", i * 60, customer_id=f"D{i}", resolved_at=30) for i in range(6)
    ]
    root = write_dataset(
        tmp_path_factory.mktemp("split"), agents=[agent("A1"), agent("A2")], tickets=tickets
    )
    return open_dataset(root)


def test_a_customer_stays_whole_in_one_half(split_ds):
    halves = kpi_halves(split_ds, Filters(), splits=12, seed=3)
    a1 = halves[halves["agent_id"] == "A1"]
    # every split puts all six tickets of C1 in one half: A1 has one row per split, 6 tickets
    assert sorted(a1["split"]) == list(range(12))
    assert (a1["tickets"] == 6).all()
    # the splits differ: C1 lands in each half in some split
    assert set(a1["half"]) == {0, 1}


def test_the_halves_of_a_split_add_up_to_the_whole(split_ds):
    halves = kpi_halves(split_ds, Filters(), splits=5, seed=0)
    per_split = halves[halves["agent_id"] == "A2"].groupby("split")["tickets"].sum()
    assert (per_split == 6).all()
    # six customers dealt at random: the halves differ between the splits
    a2 = halves[halves["agent_id"] == "A2"].pivot(index="split", columns="half", values="tickets")
    assert a2.fillna(0).nunique().max() > 1


def test_the_seed_decides_the_split(split_ds):
    first = kpi_halves(split_ds, Filters(), splits=4, seed=1)
    again = kpi_halves(split_ds, Filters(), splits=4, seed=1)
    pd.testing.assert_frame_equal(first, again)


# ---------------------------------------------------------------------------------------
# Grade stability and the whole analysis on generated data.


def test_grade_stability_on_generated_data(small_dataset):
    ds = open_dataset(small_dataset)
    policies = {"default": Policy(), "csat only": Policy(weights={"csat": 1})}
    result = rel.reliability(ds, Filters(), policies, splits=4)
    schemes = result.schemes.set_index("scheme")
    assert list(schemes.index) == ["default", "csat only"]
    assert ((schemes["same_grade"] >= 0) & (schemes["same_grade"] <= 1)).all()
    assert (schemes["agents"] > 0).all()
    statuses = set(result.kpis["status"])
    assert statuses <= {"reliable", "unreliable", "not_split", "too_few_agents"}
    assert result.splits == 4


def test_half_matrices_without_intervals_grade_as_with_them(small_dataset):
    # the half matrices leave out the credible intervals (scoring never reads them): the
    # grades are those of matrices made with them
    ds = open_dataset(small_dataset)
    halves = kpi_halves(ds, Filters(), splits=3)
    agents = Query(ds, Filters()).roster().run(ds)
    kpis = available_kpis(ds)
    pairs = rel.half_matrices(halves, agents, kpis)
    with_intervals = [
        tuple(matrix_of(agents, h.reset_index(), kpis, {}) for h in pair)
        for pair in rel._splits(halves)
    ]
    assert not any(c.endswith("_lo") for c in pairs[0][0].frame)
    assert any(c.endswith("_lo") for c in with_intervals[0][0].frame)
    policies = {"default": Policy(), "csat only": Policy(weights={"csat": 1})}
    pd.testing.assert_frame_equal(
        rel.grade_stability(pairs, policies), rel.grade_stability(with_intervals, policies)
    )


def test_identical_halves_keep_every_grade():
    # both halves the same: every graded agent keeps the grade; κ = 1
    table = _halves_table([3.0, 3.5, 4.0, 4.5, 5.0], [3.0, 3.5, 4.0, 4.5, 5.0])
    agents = pd.DataFrame({"agent_id": [f"A{i}" for i in range(5)], "name": "n", "team": "T"})
    policy = Policy(weights={"csat": 1}, min_tickets=1)
    pairs = rel.half_matrices(table, agents, (kpi("csat"),))
    result = rel.grade_stability(pairs, {"csat": policy})
    assert result.loc[0, "same_grade"] == 1.0 and result.loc[0, "kappa"] == pytest.approx(1.0)
    assert result.loc[0, "agents"] == 5


# ---------------------------------------------------------------------------------------
# Non-discriminating KPIs.

LINEAR = {"resolution_rate": (0.0, 1.0, None)}


def _flags(rates, den=100, **targets) -> pd.Series:
    rows = [
        dict(agent_id=f"a{i}", resolution_rate=r, resolution_rate__den=den)
        for i, r in enumerate(rates)
    ]
    matrix = make_matrix(rows, kpi_ids=("resolution_rate",))
    policy = Policy(weights={"resolution_rate": 1}, targets=targets or LINEAR)
    return rel.discrimination(score(matrix, policy)).set_index("kpi").loc["resolution_rate"]


def test_most_agents_at_the_cap():
    # floor 0.5, target 0.8, stretch 0.9: 0.9 and above score the cap 120; 4 of 5 = 80%
    row = _flags([0.95, 0.92, 0.9, 0.99, 0.6], resolution_rate=(0.5, 0.8, 0.9))
    assert row["at_cap"] == pytest.approx(0.8)
    assert row["flag"] == "at_cap"


def test_most_agents_at_the_floor():
    row = _flags([0.1, 0.2, 0.3, 0.4, 0.9], resolution_rate=(0.5, 0.8, 0.9))
    assert row["at_floor"] == pytest.approx(0.8) and row["flag"] == "at_floor"


def test_a_spread_within_sampling_noise():
    # 0.90 0.91 0.89 0.90 0.90 of 100 cases each: variance (0 + 1e-4 + 1e-4 + 0 + 0)/4 =
    # 5e-5, below the sampling variance ≈ 0.9·0.1/100 = 9e-4 → within noise
    row = _flags([0.90, 0.91, 0.89, 0.90, 0.90])
    assert row["spread"] == pytest.approx(5e-5)
    assert row["noise"] == pytest.approx(
        np.mean([p * (1 - p) / 100 for p in (0.9, 0.91, 0.89, 0.9, 0.9)])
    )
    assert row["flag"] == "within_noise"


def test_a_kpi_that_tells_agents_apart_is_not_flagged():
    # 0.5 … 0.9: variance 0.025 ≫ the sampling variance ≈ 0.002; nobody at 0 or 100
    row = _flags([0.5, 0.6, 0.7, 0.8, 0.9])
    assert row["spread"] == pytest.approx(0.025)
    assert row["flag"] is None
