"""The balanced scorecard (scoring.analyses.balanced) on small hand-made data, and the
strategy map's declarations (scoring.registry.strategy_map).

Expected values are worked out by hand from the registry's floor, target and stretch
(docs/KPIS.md) and the target-based score of docs/METHODS.md ("Normalisation": 0 at the
floor, 100 at the target, on to 120 at the stretch):

- CSAT 3.5 / 4.5 / 4.9: a mean of 4.4 scores 100·(4.4 − 3.5)/(4.5 − 3.5) = 90.
- Complaint rate 20% / 5% / 2% (lower is better): 10% scores 100·(20 − 10)/(20 − 5) = 66.67;
  20% scores 0; 15% scores 33.33.
- Parts cost 300 / 80 / 40 ¥ (lower is better): 100 ¥ scores 100·(300 − 100)/220 = 90.91;
  190 ¥ scores 50; 145 ¥ scores 70.45.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.ui.i18n import CATALOG
from scoring.analyses import balanced
from scoring.analyses.diagnostics import Scope
from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters
from scoring.registry import strategy_map
from scoring.registry.kpis import KPIS_BY_ID, PERSPECTIVES
from scoring.scope import EVERYTHING, ScopeLeak, Visible
from tests.builders import agent, survey, ticket, write_dataset

POLICY = Policy(weights={"csat": 1, "complaint_rate": 1, "parts_cost": 1})
PERIOD = Filters(start=date(2026, 3, 1), end=date(2026, 4, 30))
MARCH, APRIL = 0, 40 * 24 * 60  # minutes after T0 (2 March): 11 April
CSAT = KPIS_BY_ID["csat"]
PARTS = KPIS_BY_ID["parts_cost"]


def _tickets(prefix: str, agent_id: str, at: float, complaints: int, parts: float) -> list:
    return [
        ticket(f"{prefix}{i}", agent_id, at + i, is_complaint=i < complaints, parts_cost=parts)
        for i in range(10)
    ]


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    """Team T1 (A1, A2): March 20 tickets, 2 complaints, 100 ¥ each, 5 surveys of mean 4.4;
    April 20 tickets, 4 complaints, 190 ¥ each, no survey. Team T2 (B1): March 20 tickets,
    no complaint, 80 ¥ each. An objective of T1 on CSAT (4.0) for March–April, one of A1."""
    tickets = (
        _tickets("m1-", "A1", MARCH, 1, 100.0) + _tickets("m2-", "A2", MARCH, 1, 100.0)
        + _tickets("a1-", "A1", APRIL, 2, 190.0) + _tickets("a2-", "A2", APRIL, 2, 190.0)
        + _tickets("b1-", "B1", MARCH, 0, 80.0) + _tickets("b2-", "B1", MARCH + 20, 0, 80.0)
    )  # fmt: skip
    surveys = [
        survey(f"s{i}", ticket_id, csat)
        for i, (ticket_id, csat) in enumerate(
            [("m1-0", 5), ("m1-1", 4), ("m1-2", 4), ("m2-0", 5), ("m2-1", 4)]
        )
    ]
    objectives = [
        {"owner_type": "team", "owner_id": "T1", "kpi": "csat", "period_start": date(2026, 3, 1),
         "period_end": date(2026, 4, 30), "target": 4.0},
        {"owner_type": "agent", "owner_id": "A1", "kpi": "csat",
         "period_start": date(2026, 3, 1), "period_end": date(2026, 4, 30), "target": 4.2},
    ]  # fmt: skip
    root = write_dataset(
        tmp_path_factory.mktemp("balanced") / "data",
        agents=[agent("A1", "T1"), agent("A2", "T1"), agent("B1", "T2")],
        tickets=tickets,
        surveys=surveys,
        objectives=objectives,
    )
    return open_dataset(root)


def card(ds, scope: Scope, visible: Visible = EVERYTHING, objectives=None):
    return balanced.balanced_card(ds, scope, PERIOD, visible, POLICY, objectives or {})


def scores(result) -> dict[str, float]:
    frame = result.perspectives.set_index("perspective")
    return {p: frame.loc[p, "score"] for p in frame.index}


def test_team_perspective_scores_are_the_mean_attainment_of_their_kpis(ds):
    result = card(ds, Scope("team", "T1"))
    rows = result.kpis.set_index("kpi")
    assert list(rows.index) == ["parts_cost", "csat", "complaint_rate"]  # financial first
    assert rows.loc["complaint_rate", "actual"] == pytest.approx(6 / 40)
    assert rows.loc["csat", "attainment"] == pytest.approx(90.0)
    assert rows.loc["complaint_rate", "attainment"] == pytest.approx(100 * 5 / 15)
    assert rows.loc["parts_cost", "attainment"] == pytest.approx(100 * 155 / 220)
    assert set(rows["source"]) == {balanced.SOURCE_KPI_TARGET}
    found = scores(result)
    assert found["customer"] == pytest.approx((90.0 + 100 * 5 / 15) / 2)
    assert found["financial"] == pytest.approx(100 * 155 / 220)
    # no KPI of these perspectives is in this data: no score, never a zero
    assert pd.isna(found["process"]) and pd.isna(found["learning"])
    counts = result.perspectives.set_index("perspective")
    assert counts.loc["process", "kpis"] == 0 and counts.loc["customer", "judged"] == 2


def test_the_department_counts_every_team(ds):
    found = scores(card(ds, Scope("department")))
    assert found["customer"] == pytest.approx((90.0 + 100 * 10 / 15) / 2)  # 6 of 60: 10%
    parts = (20 * 100 + 20 * 190 + 20 * 80) / 60
    assert found["financial"] == pytest.approx(100 * (300 - parts) / 220)


def test_months_are_scored_against_the_same_targets(ds):
    months = card(ds, Scope("team", "T1")).months
    by_month = {(m.month.month, m.perspective): m.score for m in months.itertuples()}
    assert by_month[(3, "customer")] == pytest.approx((90.0 + 100 * 10 / 15) / 2)
    assert by_month[(3, "financial")] == pytest.approx(100 * 200 / 220)
    assert by_month[(4, "customer")] == pytest.approx(0.0)  # 20% complaints, no survey
    assert by_month[(4, "financial")] == pytest.approx(50.0)
    assert {p for _, p in by_month} == {"customer", "financial"}


def test_an_agent_below_the_minimum_sample_is_not_judged(ds):
    result = card(ds, Scope("agent", "T1", "A1"), Visible(("T1",), ("A1",)))
    rows = result.kpis.set_index("kpi")
    assert rows.loc["complaint_rate", "cases"] == 20  # 20 cases: judged (minimum 20)
    assert rows.loc["csat", "note"] == "too_few_cases"  # 3 surveys, 5 needed
    assert pd.isna(rows.loc["csat", "attainment"]) and not rows.loc["csat", "met"]
    assert set(result.kpis["agent_id"]) == {"A1"} and set(result.kpis["team"]) == {"T1"}


def test_an_objective_replaces_the_kpi_target(ds):
    objectives = {"csat": 4.0}  # T1's (scoring/analyses/objective_scoring.py chooses them)
    rows = card(ds, Scope("team", "T1"), objectives=objectives).kpis.set_index("kpi")
    assert rows.loc["csat", "source"] == balanced.SOURCE_OBJECTIVE
    assert rows.loc["csat", "target"] == 4.0
    # floor 3.5 and stretch 4.9 kept: 100 + 20·(4.4 − 4.0)/(4.9 − 4.0)
    assert rows.loc["csat", "attainment"] == pytest.approx(100 + 20 * 0.4 / 0.9)
    assert rows.loc["csat", "met"]
    assert rows.loc["parts_cost", "source"] == balanced.SOURCE_KPI_TARGET


def test_an_objective_an_unweighted_kpi_has_puts_it_on_the_card(ds):
    rows = card(ds, Scope("team", "T1"), objectives={"csat_satisfied": 0.9}).kpis
    assert "csat_satisfied" in set(rows["kpi"])


@pytest.mark.parametrize(
    ("kpi_id", "objective", "expected"),
    [
        # beyond the floor: the floor keeps its distance (4.5 − 3.5) behind the objective
        ("csat", 3.4, (2.4, 3.4, 4.9)),
        # beyond the stretch: no stretch
        ("csat", 4.95, (3.5, 4.95, None)),
        # lower is better, easier than the floor 300: floor 350 + 220
        ("parts_cost", 350.0, (570.0, 350.0, 40.0)),
        ("parts_cost", 60.0, (300.0, 60.0, 40.0)),
    ],
)
def test_the_scale_around_an_objective(kpi_id, objective, expected):
    floor, target, stretch, source = balanced.scale(KPIS_BY_ID[kpi_id], POLICY, objective)
    assert (floor, target) == pytest.approx(expected[:2])
    assert stretch == (None if expected[2] is None else pytest.approx(expected[2]))
    assert source == balanced.SOURCE_OBJECTIVE


def test_attainment_around_a_moved_floor():
    row = {"csat": 4.4, "csat__den": 10, "parts_cost": 100.0, "parts_cost__den": 30}
    rows = balanced.kpi_rows(row, (CSAT, PARTS), POLICY, {"csat": 3.4, "parts_cost": 350.0})
    attained = rows.set_index("kpi")["attainment"]
    assert attained["csat"] == pytest.approx(100 + 20 * 1.0 / 1.5)  # towards 4.9 from 3.4
    assert attained["parts_cost"] == pytest.approx(100 + 20 * 250 / 310)  # towards 40 from 350


@pytest.mark.parametrize(
    ("scope", "visible"),
    [
        (Scope("department"), Visible(("T1",))),  # a team grant sees no department
        (Scope("team", "T2"), Visible(("T1",))),
        (Scope("team", "T1"), Visible(("T1",), ("A1",))),  # an agent sees no team
        (Scope("agent", "T1", "A2"), Visible(("T1",), ("A1",))),
    ],
)
def test_an_owner_outside_the_visible_scope_is_refused(ds, scope, visible):
    with pytest.raises(ScopeLeak):
        card(ds, scope, visible)


def test_every_link_names_what_exists_and_runs_one_step_up():
    level = {p: i for i, p in enumerate(strategy_map.ORDER)}
    assert set(strategy_map.ORDER) == set(PERSPECTIVES)
    for link in strategy_map.PERSPECTIVE_LINKS:
        assert level[link.effect] == level[link.cause] + 1, link
    for link in strategy_map.KPI_LINKS:
        cause, effect = KPIS_BY_ID[link.cause], KPIS_BY_ID[link.effect]
        assert level[effect.perspective] == level[cause.perspective] + 1, link
    assert len(set(strategy_map.RATIONALES)) == len(strategy_map.RATIONALES)


def test_every_rationale_is_worded_in_both_languages():
    for code in strategy_map.RATIONALES:
        words = CATALOG[f"balanced_link_{code}"]
        assert words["en"] and words["zh"] and words["en"] != words["zh"]
