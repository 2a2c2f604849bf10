"""Every KPI of the registry on hand-made datasets, with the answers worked out by hand.

The main dataset (below) has three agents with tickets and one without. T0 is Monday
2026-03-02 09:00; ticket times are minutes after T0 and the stage stamps minutes after the
ticket's creation (tests/builders.py). The last ticket (t4, T0 + 40 days) sets the as-of
time. Every expected value is derived in a comment from the rows, never from the code.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.engine.scorecard import build_matrix, score
from scoring.measures.metrics import (
    GRAIN_DIMENSIONS,
    Filters,
    attach_cube,
    available_kpis,
    kpi_table,
    stage_durations,
    unavailable_kpis,
)
from scoring.registry import kpis as kpis_module
from scoring.registry.kpis import (
    GRAINS,
    KINDS,
    KPI,
    KPI_IDS,
    KPIS,
    KPIS_BY_ID,
    PERSPECTIVES,
    KPIDeclarationError,
    check_registry,
    kpi,
    registry_problems,
)
from tests.builders import agent, survey, ticket, write_dataset

DAY = 1440  # minutes

# ---------------------------------------------------------------------------------------
# The main dataset.
#
# id   agent created   chan.   category        prod pri.   segment    cust frt  sla_r res   sla_h
# t1   A1    0         phone   repair          P1   high   enterprise C1   10   15    120   4
# t2   A1    60        chat    consultation    P2   low    individual C2   20   15    600   8
# t3   A1    1d        phone   repair          P1   medium enterprise C1   40   60    -     24
# t4   A1    40d       web     repair          P3   urgent individual C3   -    30    -     48
# t5   A2    30        email   troubleshooting P2   medium enterprise C2   5    10    180   4
# t6   A2    2d        phone   repair          P1   high   individual C4   -    60    1440  8
# t7   A2    30d       phone   repair          P1   low    individual C4   60   -     60    -
# t8   B1    90        chat    consultation    P2   low    individual C5   15   30    30    2
# t9   B1    3d        onsite  repair          P1   urgent enterprise C5   120  60    2880  72
# t10  B1    4d        chat    consultation    P2   medium individual C6   8    30    -     -
#
# id   contacts reopened escalated complaint handle parts
# t1   1        F        F         F         30     100
# t2   2        T        F         F         50     -
# t3   -        F        T         T         20     0
# t4   -        -        F         F         -      -
# t5   1        F        F         F         40     50
# t6   3        F        T         F         90     200
# t7   1        F        F         T         60     -
# t8   1        F        F         F         10     -
# t9   2        T        F         F         120    300
# t10  -        -        F         T         -      -
#
# as-of = max(created_at) = T0 + 40 d (t4).
# Working days (volumes are per working day employed; no agent has a hire or left date): the
# period runs from the first ticket day, Monday 2026-03-02, to the as-of day, Saturday
# 2026-04-11: five full weeks (Mar 2 – Apr 5) = 25 weekdays, Apr 6–10 = 5, Apr 11 = 0 → 30.
# Training counts over the year up to the period's last day, from the data's first day at the
# earliest: here the same 30 days, so A1's course of 2026-01-10 (before any ticket) is out.

MAIN_TICKETS = [
    ticket("t1", "A1", 0, channel="phone", category="repair", product="P1", priority="high",
           customer_segment="enterprise", customer_id="C1", first_response_at=10,
           sla_response_minutes=15.0, resolved_at=120, sla_resolve_hours=4.0, contacts=1,
           reopened=False, escalated=False, is_complaint=False, handle_minutes=30.0,
           parts_cost=100.0),
    ticket("t2", "A1", 60, channel="chat", category="consultation", product="P2",
           priority="low", customer_segment="individual", customer_id="C2",
           first_response_at=20, sla_response_minutes=15.0, resolved_at=600,
           sla_resolve_hours=8.0, contacts=2, reopened=True, escalated=False,
           is_complaint=False, handle_minutes=50.0),
    ticket("t3", "A1", DAY, channel="phone", category="repair", product="P1",
           priority="medium", customer_segment="enterprise", customer_id="C1",
           first_response_at=40, sla_response_minutes=60.0, sla_resolve_hours=24.0,
           reopened=False, escalated=True, is_complaint=True, handle_minutes=20.0,
           parts_cost=0.0),
    ticket("t4", "A1", 40 * DAY, channel="web", category="repair", product="P3",
           priority="urgent", customer_segment="individual", customer_id="C3",
           sla_response_minutes=30.0, sla_resolve_hours=48.0, escalated=False,
           is_complaint=False),
    ticket("t5", "A2", 30, channel="email", category="troubleshooting", product="P2",
           priority="medium", customer_segment="enterprise", customer_id="C2",
           first_response_at=5, sla_response_minutes=10.0, resolved_at=180,
           sla_resolve_hours=4.0, contacts=1, reopened=False, escalated=False,
           is_complaint=False, handle_minutes=40.0, parts_cost=50.0),
    ticket("t6", "A2", 2 * DAY, channel="phone", category="repair", product="P1",
           priority="high", customer_segment="individual", customer_id="C4",
           sla_response_minutes=60.0, resolved_at=DAY, sla_resolve_hours=8.0, contacts=3,
           reopened=False, escalated=True, is_complaint=False, handle_minutes=90.0,
           parts_cost=200.0),
    ticket("t7", "A2", 30 * DAY, channel="phone", category="repair", product="P1",
           priority="low", customer_segment="individual", customer_id="C4",
           first_response_at=60, resolved_at=60, contacts=1, reopened=False, escalated=False,
           is_complaint=True, handle_minutes=60.0),
    ticket("t8", "B1", 90, channel="chat", category="consultation", product="P2",
           priority="low", customer_segment="individual", customer_id="C5",
           first_response_at=15, sla_response_minutes=30.0, resolved_at=30,
           sla_resolve_hours=2.0, contacts=1, reopened=False, escalated=False,
           is_complaint=False, handle_minutes=10.0),
    ticket("t9", "B1", 3 * DAY, channel="onsite", category="repair", product="P1",
           priority="urgent", customer_segment="enterprise", customer_id="C5",
           first_response_at=120, sla_response_minutes=60.0, resolved_at=2 * DAY,
           sla_resolve_hours=72.0, contacts=2, reopened=True, escalated=False,
           is_complaint=False, handle_minutes=120.0, parts_cost=300.0),
    ticket("t10", "B1", 4 * DAY, channel="chat", category="consultation", product="P2",
           priority="medium", customer_segment="individual", customer_id="C6",
           first_response_at=8, sla_response_minutes=30.0, escalated=False,
           is_complaint=True),
]  # fmt: skip

# survey  ticket csat attitude quality speed nps
# s1      t1     5    5        4       5     10  (promoter +100)
# s2      t2     3    4        3       2     6   (detractor −100)
# s3      t3     4    4        -       3     8   (passive 0)
# s4      t5     2    3        2       4     3   (detractor −100)
# s5      t6     4    5        4       -     8   (passive 0)
# s6      t8     5    4        5       5     7   (passive 0)
MAIN_SURVEYS = [
    survey("s1", "t1", 5, attitude=5, quality=4, speed=5, nps=10),
    survey("s2", "t2", 3, attitude=4, quality=3, speed=2, nps=6),
    survey("s3", "t3", 4, attitude=4, speed=3, nps=8),
    survey("s4", "t5", 2, attitude=3, quality=2, speed=4, nps=3),
    survey("s5", "t6", 4, attitude=5, quality=4, nps=8),
    survey("s6", "t8", 5, attitude=4, quality=5, speed=5, nps=7),
]


def _training(agent_id: str, hours: float, completed_on: date) -> dict:
    return {
        "agent_id": agent_id,
        "skill": "repair",
        "course": "Basics",
        "completed_on": completed_on,
        "hours": hours,
    }


def _rating(reviewee: str, role: str, score: float, competency="teamwork", period="2026-Q1"):
    return {
        "reviewee_id": reviewee,
        "reviewer_role": role,
        "competency": competency,
        "score": score,
        "period": period,
    }


# training: A1 4 h on 2026-03-03 and 2 h on 2026-01-10; A2 3 h on 2026-03-10;
# B1 none; Z9 1.5 h on 2026-03-20.
MAIN_TRAINING = [
    _training("A1", 4.0, date(2026, 3, 3)),
    _training("A1", 2.0, date(2026, 1, 10)),
    _training("A2", 3.0, date(2026, 3, 10)),
    _training("Z9", 1.5, date(2026, 3, 20)),
]
# 360: A1 peer 4, supervisor 5 (self 1 and a communication 2 do not count);
# A2 subordinate 3, customer 2 (self 5 does not count) in 2026-Q1, and peer 5 in 2025-Q4;
# B1 only a self rating.
MAIN_FEEDBACK = [
    _rating("A1", "peer", 4),
    _rating("A1", "supervisor", 5),
    _rating("A1", "self", 1),
    _rating("A1", "peer", 2, competency="communication"),
    _rating("A2", "subordinate", 3),
    _rating("A2", "customer", 2),
    _rating("A2", "self", 5),
    _rating("A2", "peer", 5, period="2025-Q4"),
    _rating("B1", "self", 5),
]
MAIN_AGENTS = [agent("A1", "T1"), agent("A2", "T1"), agent("B1", "T2"), agent("Z9", "T2")]


@pytest.fixture(scope="module", params=["files", "build", "cube"])
def main_ds(request, tmp_path_factory):
    """The hand-made dataset read from its files, from its build (`scoring.data.build`) and
    from its build's pre-aggregated tables (`scoring.measures.cube`): every test of it three
    times, with the same hand-worked values."""
    root = write_dataset(
        tmp_path_factory.mktemp("kpis_main"),
        agents=MAIN_AGENTS,
        tickets=MAIN_TICKETS,
        surveys=MAIN_SURVEYS,
        training=MAIN_TRAINING,
        feedback_360=MAIN_FEEDBACK,
    )
    builds = root.parent / "builds" if request.param != "files" else None
    ds = open_dataset(root, builds=builds)
    assert all(r.count == 0 for r in ds.report.rules), "the hand-made rows must all be valid"
    if request.param == "cube":  # with the quantiles' sorted values (scoring.measures.ranked)
        assert attach_cube(ds, 30) is not None and ds.ranked is not None
    return ds


nan = math.nan

# ---------------------------------------------------------------------------------------
# Per agent, by hand.
#
# A1 (t1 t2 t3 t4): 4 tickets
#   csat (5+3+4)/3 = 4; satisfied: 5, 4 → 2/3
#   first response: t1 10, t2 20, t3 40 (t4 unanswered) → sorted [10, 20, 40]
#     median: position 0.5·(3−1) = 1 → 20; P90: position 0.9·2 = 1.8 → 20 + 0.8·(40−20) = 36
#   sla_response: t1 10 ≤ 15 met, t2 20 > 15 miss, t3 40 ≤ 60 met, t4 unanswered but
#     created at the as-of time, its 30 min have not passed → not eligible → 2/3
#   sla_resolution: t1 2 h ≤ 4 met, t2 10 h > 8 miss, t3 open and 24 h long past → miss,
#     t4 open, 48 h not passed → not eligible → 1/3
#   resolution: t1, t2 of 4 → 1/2; fcr: t1 (1 contact) of t1, t2 → 1/2
#   repeat: t1 resolved T0+2 h, C1 repair again at T0+1 d (t3) → repeat; t2 (C2 consult.)
#     never again → no; both windows have passed → 1/2
#   reopen: t2 of t1..t3 (t4 has no flag) → 1/3
#   handle (30+50+20)/3 = 33.33; complaint t3 → 1/4; escalation t3 → 1/4
#   parts (100+0)/2 = 50; workload 2 resolved / 30 working days
#   attitude (5+4+4)/3 = 13/3; quality (4+3)/2 = 3.5; speed (5+2+3)/3 = 10/3
#   nps (100 − 100 + 0)/3 = 0; training 4 h / 30 d (the 2 h of Jan 10 are before the
#   data); teamwork (4+5)/2 = 4.5
# A2 (t5 t6 t7): 3 tickets
#   csat (2+4)/2 = 3; satisfied 1/2
#   first response [5, 60]: median 5 + 0.5·55 = 32.5; P90 5 + 0.9·55 = 54.5
#   sla_response: t5 met, t6 never answered and its 60 min passed long ago → miss,
#     t7 has no target → 1/2
#   sla_resolution: t5 3 h ≤ 4 met, t6 24 h > 8 miss, t7 no target → 1/2
#   resolution 3/3 = 1; fcr: t5, t7 of 3 → 2/3
#   repeat: t5 (C2 troubleshooting) never again → no; t6 resolved T0+3 d, C4 repair again at
#     T0+30 d (t7): 27 d ≤ 30 → repeat; t7 resolved T0+30 d 1 h, only 9 d 23 h before the
#     as-of time → window not passed, not counted → 1/2
#   reopen 0/3; handle (40+90+60)/3 = 63.33; complaint t7 → 1/3; escalation t6 → 1/3
#   parts (50+200)/2 = 125; workload 3 / 30 = 0.1
#   attitude (3+5)/2 = 4; quality (2+4)/2 = 3; speed 4; nps (−100 + 0)/2 = −50
#   training 3 h / 30 d = 0.1; teamwork: Q1 ratings 3, 2 and the 2025-Q4 peer 5 → 10/3
# B1 (t8 t9 t10): 3 tickets
#   csat 5; satisfied 1/1
#   first response [8, 15, 120]: median 15; P90 15 + 0.8·105 = 99
#   sla_response: t8 met, t9 120 > 60 miss, t10 8 ≤ 30 met → 2/3
#   sla_resolution: t8 0.5 h ≤ 2 met, t9 48 ≤ 72 met, t10 no target → 1
#   resolution 2/3; fcr t8 of t8, t9 → 1/2
#   repeat: t8 (C5 consultation) — t10 is another customer → no; t9 (C5 repair) → no → 0/2
#   reopen t9 of t8, t9 → 1/2; handle (10+120)/2 = 65; complaint t10 → 1/3; escalation 0
#   parts 300; workload 2 / 30; attitude 4, quality 5, speed 5, nps 0 (a 7 is passive)
#   training 0 h / 30 d (no course is 0 h, not missing); teamwork: only a self rating → missing
# Repeats within the customer segment (repeat_rate; repeat_rate_raw is the plain share): the
# eligible resolutions are t1 (enterprise, repeat), t5 (enterprise, no), t9 (enterprise, no),
# t2, t6 (individual, repeat), t8 (individual): each segment repeats 1/3 of the time, as do
# the lowest → each repeat weighs (1/3)/(1/3) = 1 and both KPIs agree here (other cases in
# tests/scoring/test_repeat_issues.py).
EXPECTED_AGENTS = {
    "A1": dict(tickets=4, csat=4.0, csat_satisfied=2 / 3, first_response_median=20.0,
               first_response_p90=36.0, sla_response=2 / 3, sla_resolution=1 / 3,
               resolution_rate=0.5, fcr=0.5, repeat_rate=0.5, repeat_rate_raw=0.5,
               reopen_rate=1 / 3,
               handle_minutes=100 / 3, complaint_rate=0.25, escalation_rate=0.25,
               parts_cost=50.0, workload=2 / 30, attitude=13 / 3, quality=3.5, speed=10 / 3,
               nps=0.0, training_hours=4 / 30, teamwork_360=4.5),
    "A2": dict(tickets=3, csat=3.0, csat_satisfied=0.5, first_response_median=32.5,
               first_response_p90=54.5, sla_response=0.5, sla_resolution=0.5,
               resolution_rate=1.0, fcr=2 / 3, repeat_rate=0.5, repeat_rate_raw=0.5,
               reopen_rate=0.0,
               handle_minutes=190 / 3, complaint_rate=1 / 3, escalation_rate=1 / 3,
               parts_cost=125.0, workload=0.1, attitude=4.0, quality=3.0, speed=4.0,
               nps=-50.0, training_hours=0.1, teamwork_360=10 / 3),
    "B1": dict(tickets=3, csat=5.0, csat_satisfied=1.0, first_response_median=15.0,
               first_response_p90=99.0, sla_response=2 / 3, sla_resolution=1.0,
               resolution_rate=2 / 3, fcr=0.5, repeat_rate=0.0, repeat_rate_raw=0.0,
               reopen_rate=0.5,
               handle_minutes=65.0, complaint_rate=1 / 3, escalation_rate=0.0,
               parts_cost=300.0, workload=2 / 30, attitude=4.0, quality=5.0, speed=5.0,
               nps=0.0, training_hours=0.0, teamwork_360=nan),
}  # fmt: skip

# Numerator / denominator of the rate KPIs per agent (the inputs shown in explain).
EXPECTED_AGENT_INPUTS = {
    ("A1", "sla_response"): (2, 3),
    ("A1", "sla_resolution"): (1, 3),
    ("A1", "repeat_rate"): (1, 2),
    ("A1", "reopen_rate"): (1, 3),
    ("A2", "sla_response"): (1, 2),
    ("A2", "repeat_rate"): (1, 2),
    ("A2", "fcr"): (2, 3),
    ("B1", "csat"): (5, 1),
    ("A1", "first_response_median"): (None, 3),
    ("A2", "workload"): (3, 30),  # resolved tickets / working days
}


def _row(frame: pd.DataFrame, column: str, value) -> pd.Series:
    rows = frame[frame[column] == value]
    assert len(rows) == 1, f"expected one row with {column} = {value}, got {len(rows)}"
    return rows.iloc[0]


def _check(row: pd.Series, expected: dict, where: str) -> None:
    for name, value in expected.items():
        got = row[name]
        if isinstance(value, float) and math.isnan(value):
            assert pd.isna(got), f"{where} {name}: expected missing, got {got}"
        else:
            assert got == pytest.approx(value, abs=1e-9), f"{where} {name}"


def test_every_registry_kpi_is_checked_by_hand():
    assert set(EXPECTED_AGENTS["A1"]) - {"tickets"} == set(KPI_IDS)


@pytest.mark.parametrize("agent_id", sorted(EXPECTED_AGENTS))
def test_every_kpi_per_agent(main_ds, agent_id):
    table = kpi_table(main_ds)
    _check(_row(table, "agent_id", agent_id), EXPECTED_AGENTS[agent_id], agent_id)


@pytest.mark.parametrize(("agent_id", "kpi_id"), sorted(EXPECTED_AGENT_INPUTS))
def test_numerator_and_denominator(main_ds, agent_id, kpi_id):
    num, den = EXPECTED_AGENT_INPUTS[(agent_id, kpi_id)]
    row = _row(kpi_table(main_ds), "agent_id", agent_id)
    if num is not None:
        assert row[f"{kpi_id}__num"] == pytest.approx(num)
    assert row[f"{kpi_id}__den"] == den


def test_sum_of_squares_of_a_mean_kpi(main_ds):
    # A1 handle minutes 30² + 50² + 20² = 900 + 2500 + 400 = 3800
    row = _row(kpi_table(main_ds), "agent_id", "A1")
    assert row["handle_minutes__sq"] == pytest.approx(3800)


def test_agent_without_tickets_keeps_agent_level_kpis(main_ds):
    # Z9 handled nothing: 0 tickets, ticket and survey KPIs missing, training 1.5 h / 30 d
    row = _row(kpi_table(main_ds), "agent_id", "Z9")
    assert row["tickets"] == 0
    assert pd.isna(row["resolution_rate"]) and pd.isna(row["csat"])
    assert row["training_hours"] == pytest.approx(0.05)


# ---------------------------------------------------------------------------------------
# Per team and department.
#
# T1 = A1 + A2 (7 tickets): csat (12+6)/5 = 3.6; satisfied 3/5
#   first response [5, 10, 20, 40, 60]: median 20; P90 position 0.9·4 = 3.6 → 40 + 0.6·20 = 52
#   sla_response (2+1)/(3+2) = 3/5; sla_resolution (1+1)/(3+2) = 2/5
#   resolution (2+3)/7; fcr (1+2)/(2+3) = 3/5; repeat (1+1)/(2+2) = 1/2; reopen 1/6
#   handle (100+190)/6; complaint 2/7; escalation 2/7; parts (100+0+50+200)/4 = 87.5
#   workload: 5 resolved / (30 + 30) working days = 1/12
#   attitude (13+8)/5 = 4.2; quality (7+6)/4 = 3.25; speed (10+4)/4 = 3.5
#   nps (0 − 100)/5 = −20; training (4+3) h / 60 d; teamwork (4+5+3+2+5)/5 = 3.8
# T2 = B1 + Z9 (3 tickets, all B1's): B1's ticket and survey values;
#   workload: 2 resolved / 30 working days of the one agent with tickets (Z9 handled none);
#   training (0 + 1.5) h / 60 d = 0.025; teamwork missing (only a self rating)
# Department (10 tickets): csat (18+5)/6 = 23/6; satisfied 4/6
#   first response [5, 8, 10, 15, 20, 40, 60, 120]: median position 3.5 → (15+20)/2 = 17.5;
#   P90 position 0.9·7 = 6.3 → 60 + 0.3·60 = 78
#   sla_response (3+2)/(5+3) = 5/8; sla_resolution (2+2)/(5+2) = 4/7; resolution 7/10
#   fcr (3+1)/(5+2) = 4/7; repeat (2+0)/(4+2) = 1/3; reopen (1+1)/(6+2) = 1/4
#   handle (290+130)/8 = 52.5; complaint 3/10; escalation 2/10
#   parts (350+300)/5 = 130; workload 7 resolved / 90 working days of 3 agents with tickets
#   attitude (21+4)/6; quality (13+5)/5 = 3.6; speed (14+5)/5 = 3.8; nps −100/6
#   training (4+3+0+1.5) h / 120 d; teamwork 19/5 = 3.8
B1 = {k: v for k, v in EXPECTED_AGENTS["B1"].items() if k not in ("training_hours",)}
EXPECTED_TEAMS = {
    "T1": dict(tickets=7, csat=3.6, csat_satisfied=0.6, first_response_median=20.0,
               first_response_p90=52.0, sla_response=0.6, sla_resolution=0.4,
               resolution_rate=5 / 7, fcr=0.6, repeat_rate=0.5, repeat_rate_raw=0.5,
               reopen_rate=1 / 6,
               handle_minutes=290 / 6, complaint_rate=2 / 7, escalation_rate=2 / 7,
               parts_cost=87.5, workload=1 / 12, attitude=4.2, quality=3.25, speed=3.5,
               nps=-20.0, training_hours=7 / 60, teamwork_360=3.8),
    "T2": {**B1, "training_hours": 0.025},
}  # fmt: skip
EXPECTED_DEPARTMENT = dict(
    tickets=10, csat=23 / 6, csat_satisfied=4 / 6, first_response_median=17.5,
    first_response_p90=78.0, sla_response=5 / 8, sla_resolution=4 / 7, resolution_rate=0.7,
    fcr=4 / 7, repeat_rate=1 / 3, repeat_rate_raw=1 / 3, reopen_rate=0.25, handle_minutes=52.5,
    complaint_rate=0.3,
    escalation_rate=0.2, parts_cost=130.0, workload=7 / 90, attitude=25 / 6, quality=3.6,
    speed=3.8, nps=-100 / 6, training_hours=8.5 / 120, teamwork_360=3.8,
)  # fmt: skip


@pytest.mark.parametrize("team", sorted(EXPECTED_TEAMS))
def test_every_kpi_per_team(main_ds, team):
    table = kpi_table(main_ds, by=("team",))
    assert set(table["team"]) == {"T1", "T2"}
    _check(_row(table, "team", team), EXPECTED_TEAMS[team], team)


def test_every_kpi_for_the_department(main_ds):
    table = kpi_table(main_ds, by=())
    assert len(table) == 1
    _check(table.iloc[0], EXPECTED_DEPARTMENT, "department")


# ---------------------------------------------------------------------------------------
# The repeat window.


def test_repeat_window_is_configurable(main_ds):
    # 20 days: t1 → t3 after 22 h still a repeat (A1 1/2); t6 → t7 after 27 d no longer;
    # t7's window (resolved 9 d 23 h before the as-of time) still open → A2 0/2.
    # Within the segment: enterprise t1 (repeat), t5, t9 → 1/3; individual t2, t6, t8 → 0;
    # the lowest segment rate above 0 is the enterprise 1/3 → t1's repeat weighs 1 → A1 1/2.
    # 5 days: t7's window has passed and nothing followed → A2 0/3; t6 no → 0/3.
    # 60 days: every resolution is < 60 d before the as-of time (t1's is 40 d − 2 h) →
    # nothing is eligible: missing, not 0.
    table20 = kpi_table(main_ds, repeat_days=20)
    assert _row(table20, "agent_id", "A1")["repeat_rate_raw"] == pytest.approx(0.5)
    assert _row(table20, "agent_id", "A1")["repeat_rate"] == pytest.approx(0.5)
    a2 = _row(table20, "agent_id", "A2")
    assert (a2["repeat_rate__num"], a2["repeat_rate__den"]) == (0, 2)
    a2 = _row(kpi_table(main_ds, repeat_days=5), "agent_id", "A2")
    assert (a2["repeat_rate__num"], a2["repeat_rate__den"]) == (0, 3)
    table60 = kpi_table(main_ds, repeat_days=60)
    assert table60["repeat_rate"].isna().all()
    assert (table60["repeat_rate__den"].fillna(0) == 0).all()


# ---------------------------------------------------------------------------------------
# Filters.


def _dept(ds, **filters) -> pd.Series:
    table = kpi_table(ds, Filters(**filters), by=())
    assert len(table) == 1
    return table.iloc[0]


def test_date_range_filter(main_ds):
    # 2026-03-02..2026-03-03 (inclusive): t1, t2, t5, t8 (Mar 2) and t3 (Mar 3 09:00)
    # A1: t1 t2 t3 → 3 tickets, resolution 2/3, csat (5+3+4)/3 = 4
    # training counts over a year, here the data's first year (its first day, Mar 2, to its
    #   last, Apr 11: 30 weekdays), as for any period of a dataset shorter than a year:
    #   A1's 4 h of 03-03 (its Jan 10 course is before the data) / 30, A2's 3 h of 03-10 / 30
    # department: 5 tickets; resolved t1 t2 t5 t8 → 4/5; first response
    #   [5, 10, 15, 20, 40] → median 15
    filters = Filters(start=date(2026, 3, 2), end=date(2026, 3, 3))
    table = kpi_table(main_ds, filters)
    a1 = _row(table, "agent_id", "A1")
    _check(a1, dict(tickets=3, resolution_rate=2 / 3, csat=4.0, training_hours=4 / 30), "A1")
    _check(_row(table, "agent_id", "A2"), dict(tickets=1, training_hours=0.1), "A2")
    dept = _dept(main_ds, start=date(2026, 3, 2), end=date(2026, 3, 3))
    _check(dept, dict(tickets=5, resolution_rate=0.8, first_response_median=15.0), "dept")


def test_date_range_filter_on_360_periods(main_ds):
    # 2026-Q1 (Jan 1 – Mar 31): A2's 2025-Q4 peer 5 is out → (3 + 2)/2 = 2.5; A1 still 4.5;
    # tickets of Q1: all but t7 (Apr 1) and t4 (Apr 11) → 8
    table = kpi_table(main_ds, Filters(start=date(2026, 1, 1), end=date(2026, 3, 31)))
    assert _row(table, "agent_id", "A2")["teamwork_360"] == pytest.approx(2.5)
    assert _row(table, "agent_id", "A1")["teamwork_360"] == pytest.approx(4.5)
    assert table["tickets"].sum() == 8


def test_360_rating_counts_when_its_period_overlaps_the_range(main_ds):
    # March 2026 lies inside 2026-Q1: A1's Q1 peer 4 and supervisor 5 → 4.5
    table = kpi_table(main_ds, Filters(start=date(2026, 3, 1), end=date(2026, 3, 31)))
    assert _row(table, "agent_id", "A1")["teamwork_360"] == pytest.approx(4.5)


def test_team_filter(main_ds):
    # T2: only B1 has tickets (3), csat 5; training (0 + 1.5) h / (30 + 30) d over B1 and Z9
    dept = _dept(main_ds, teams=("T2",))
    _check(dept, dict(tickets=3, csat=5.0, resolution_rate=2 / 3, training_hours=0.025), "T2")
    table = kpi_table(main_ds, Filters(teams=("T2",)))
    assert set(table["agent_id"]) == {"B1", "Z9"}


def test_channel_filter(main_ds):
    # chat: t2 (A1), t8, t10 (B1) → 3 tickets, resolved t2 t8 → 2/3,
    # csat s2 3 and s6 5 → 4, first response [8, 15, 20] → median 15
    dept = _dept(main_ds, channels=("chat",))
    _check(
        dept,
        dict(tickets=3, resolution_rate=2 / 3, csat=4.0, first_response_median=15.0),
        "chat",
    )


def test_category_filter(main_ds):
    # repair: t1 t3 t4 t6 t7 t9 → 6 tickets, resolved t1 t6 t7 t9 → 4/6;
    # parts t1 100, t3 0, t6 200, t9 300 → 150; repeat: t1 yes, t6 yes, t9 no (t7 open) → 2/3;
    # within the segment: enterprise t1, t9 → 1/2, individual t6 → 1; restated at 1/2: t1
    # weighs 1, t6 1/2 → (1 + 1/2 + 0)/3 = 1/2
    dept = _dept(main_ds, categories=("repair",))
    _check(
        dept,
        dict(tickets=6, resolution_rate=4 / 6, parts_cost=150.0, repeat_rate_raw=2 / 3,
             repeat_rate=0.5),
        "repair",
    )  # fmt: skip


def test_product_filter(main_ds):
    # P2: t2 t5 t8 t10 → 4 tickets; handle 50, 40, 10 → 100/3; csat s2 3, s4 2, s6 5 → 10/3
    dept = _dept(main_ds, products=("P2",))
    _check(dept, dict(tickets=4, handle_minutes=100 / 3, csat=10 / 3), "P2")


def test_priority_filter(main_ds):
    # high: t1 (answered in 10 ≤ 15) and t6 (never answered, deadline passed) → 1/2;
    # resolution: both → 1; escalation: t6 → 1/2
    dept = _dept(main_ds, priorities=("high",))
    _check(
        dept,
        dict(tickets=2, sla_response=0.5, resolution_rate=1.0, escalation_rate=0.5),
        "high",
    )


def test_segment_filter(main_ds):
    # enterprise: t1 t3 t5 t9 → resolved t1 t5 t9 → 3/4; fcr: t1 1, t5 1, t9 2 → 2/3;
    # sla_resolution: t1 met, t3 miss, t5 met, t9 met → 3/4
    dept = _dept(main_ds, segments=("enterprise",))
    _check(
        dept,
        dict(tickets=4, resolution_rate=0.75, fcr=2 / 3, sla_resolution=0.75),
        "enterprise",
    )


def test_filters_combine(main_ds):
    # T1 and phone: t1 t3 (A1), t6 t7 (A2) → resolved t1 t6 t7 → 3/4
    dept = _dept(main_ds, teams=("T1",), channels=("phone",))
    _check(dept, dict(tickets=4, resolution_rate=0.75), "T1 phone")


# ---------------------------------------------------------------------------------------
# Edge cases.


def _ds(tmp_path, **tables):
    tables.setdefault("agents", [agent("A1", "T1"), agent("A2", "T1")])
    return open_dataset(write_dataset(tmp_path, **tables))


def test_no_surveys_gives_missing_survey_kpis_not_zero(tmp_path):
    ds = _ds(tmp_path, tickets=[ticket("t1", "A1", 0, resolved_at=30)])
    assert "csat" in {k.id for k in available_kpis(ds)}
    row = _row(kpi_table(ds), "agent_id", "A1")
    assert row["surveys"] == 0
    assert pd.isna(row["csat"]) and pd.isna(row["csat_satisfied"])
    dept = kpi_table(ds, by=())
    assert pd.isna(dept["csat"].iloc[0])
    assert dept["resolution_rate"].iloc[0] == 1.0


def test_all_tickets_open(tmp_path):
    # A1's two open tickets: resolution 0/2 = 0 (a real zero), workload 0 resolved;
    # fcr has no resolved ticket → missing; repeat has no resolution → missing
    # (t1 carries a contact count that must not count: the ticket is open). B1 resolved one
    # ticket: a dataset without a single resolution reads as one without resolution times
    # (an empty optional column is not supplied, see test_dataset.py)
    rows = [
        ticket("t1", "A1", 0, resolved_at=None, contacts=1, customer_id="C1"),
        ticket("t2", "A1", 60, customer_id="C1"),
        ticket("t3", "A2", 120, resolved_at=30, contacts=1, customer_id="C2"),
    ]
    ds = _ds(tmp_path, tickets=rows)
    row = _row(kpi_table(ds), "agent_id", "A1")
    assert row["resolution_rate"] == 0.0
    assert row["workload"] == 0.0
    assert pd.isna(row["fcr"]) and pd.isna(row["repeat_rate"])


def test_single_ticket(tmp_path):
    # one answer after 25 minutes: median = P90 = 25; SLA 30 → met 1/1
    ds = _ds(
        tmp_path,
        tickets=[ticket("t1", "A1", 0, first_response_at=25, sla_response_minutes=30.0)],
    )
    row = _row(kpi_table(ds), "agent_id", "A1")
    assert row["first_response_median"] == pytest.approx(25)
    assert row["first_response_p90"] == pytest.approx(25)
    assert row["sla_response"] == 1.0
    assert row["tickets"] == 1


def test_ties_in_quantiles(tmp_path):
    # first responses [10, 10, 10, 30]: median position 1.5 → 10; P90 position 2.7 →
    # 10 + 0.7·20 = 24
    rows = [
        ticket(f"t{i}", "A1", i, first_response_at=frt) for i, frt in enumerate([10, 10, 10, 30])
    ]
    row = _row(kpi_table(_ds(tmp_path, tickets=rows)), "agent_id", "A1")
    assert row["first_response_median"] == pytest.approx(10)
    assert row["first_response_p90"] == pytest.approx(24)


def test_sla_response_exactly_on_the_deadline_is_met(tmp_path):
    # answered after exactly 15 of 15 minutes → met; 15 min 1 s → missed
    rows = [
        ticket("t1", "A1", 0, first_response_at=15, sla_response_minutes=15.0),
        ticket("t2", "A1", 10, first_response_at=15 + 1 / 60, sla_response_minutes=15.0),
    ]
    row = _row(kpi_table(_ds(tmp_path, tickets=rows)), "agent_id", "A1")
    assert (row["sla_response__num"], row["sla_response__den"]) == (1, 2)


def test_agent_without_tickets_in_the_matrix_is_not_graded(main_ds):
    # Z9 handled nothing: in the matrix with 0 tickets and missing ticket KPIs,
    # insufficient data, no grade, no rank
    matrix = build_matrix(main_ds)
    z9 = _row(matrix.frame, "agent_id", "Z9")
    assert z9["tickets"] == 0
    for kpi_id in ("resolution_rate", "csat", "first_response_median", "workload"):
        assert pd.isna(z9[kpi_id]), kpi_id
    # min_tickets 1 and no coverage floor: everyone with a ticket is graded, Z9 is not
    card = score(matrix, Policy(min_tickets=1, min_coverage=0.0))
    row = _row(card.frame, "agent_id", "Z9")
    assert bool(row["insufficient_data"])
    assert pd.isna(row["grade"])
    assert pd.isna(row["dept_rank"]) and pd.isna(row["team_rank"])
    others = card.frame[card.frame["agent_id"] != "Z9"]
    assert not others["insufficient_data"].any()
    assert others["dept_rank"].notna().all() and others["dept_rank"].min() == 1


def test_agent_without_tickets_after_a_filter(main_ds):
    # 2026-04-01..: only t7 (A2) and t4 (A1); B1 has none → in the matrix with 0 tickets
    matrix = build_matrix(main_ds, Filters(start=date(2026, 4, 1)))
    frame = matrix.frame.set_index("agent_id")
    assert frame.loc["B1", "tickets"] == 0
    assert frame.loc["A1", "tickets"] == 1 and frame.loc["A2", "tickets"] == 1
    assert pd.isna(frame.loc["B1", "csat"])


def test_missing_column_makes_a_kpi_unavailable_not_zero(tmp_path):
    # no contacts column → fcr unavailable; no training table → training hours unavailable;
    # no feedback table → teamwork unavailable
    ds = _ds(tmp_path, tickets=[ticket("t1", "A1", 0, resolved_at=30)])
    ids = {k.id for k in available_kpis(ds)}
    unavailable = unavailable_kpis(ds)
    for kpi_id in ("fcr", "training_hours", "teamwork_360", "parts_cost", "nps"):
        assert kpi_id not in ids
        assert kpi_id in unavailable
    assert ("tickets", "contacts") in unavailable["fcr"].columns
    assert ("training", "hours") in unavailable["training_hours"].columns
    assert {reason.code for reason in unavailable.values()} == {"missing_columns"}
    assert ids | set(unavailable) == set(KPI_IDS)
    assert not ids & set(unavailable)
    table = kpi_table(ds)
    assert "fcr" not in table.columns and "fcr__num" not in table.columns
    matrix = build_matrix(ds)
    assert "fcr" not in {k.id for k in matrix.kpis}
    assert "fcr" in matrix.unavailable
    assert "fcr" not in matrix.frame.columns


def test_full_dataset_has_every_kpi(main_ds):
    assert [k.id for k in available_kpis(main_ds)] == list(KPI_IDS)
    assert unavailable_kpis(main_ds) == {}


# ---------------------------------------------------------------------------------------
# Declarations: keyword-only, typed, checked when made and at import.


def test_kpi_declarations_are_consistent():
    assert registry_problems(KPIS) == []
    check_registry(KPIS)
    assert len(KPI_IDS) == len(KPIS)
    for k in KPIS:
        assert KPIS_BY_ID[k.id] is k
        assert k.problems() == [], k.id
        assert k.kind in KINDS and k.grain in GRAINS and k.perspective in PERSPECTIVES
        assert k.higher_is_better == (k.direction == "higher"), k.id
        if k.kind == "quantile":
            assert 0 < k.quantile < 1
        lo, hi = (k.floor, k.target) if k.higher_is_better else (k.target, k.floor)
        assert lo < hi, k.id
        assert k.min_sample >= 1 and k.weight >= 0, k.id


def test_the_grains_are_the_ones_metrics_computes():
    assert set(GRAIN_DIMENSIONS) == set(GRAINS)


def _declaration_error(base: str, **changes) -> KPIDeclarationError:
    with pytest.raises(KPIDeclarationError) as caught:
        replace(kpi(base), **changes)
    return caught.value


def test_swapped_floor_and_target_are_refused():
    # csat: floor 3.5 < target 4.5 < stretch 4.9; swapped, the floor lies above the target
    error = _declaration_error("csat", floor=4.5, target=3.5)
    way = "(higher is better: floor < target < stretch)"
    assert error.problems == (f"csat.floor: 4.5 must be below the target 3.5 {way}",)
    assert "csat.floor" in str(error)


def test_an_unknown_kind_is_refused():
    error = _declaration_error("csat", kind="median")
    assert error.problems == (
        "csat.kind: 'median' is not one of 'rate', 'mean', 'quantile', 'per_day'",
    )


def test_a_lower_is_better_kpi_with_ascending_targets_is_refused():
    # handle time: 120 > 40 > 25 minutes; ascending, both the floor and the stretch are wrong
    error = _declaration_error("handle_minutes", floor=25, target=40, stretch=120)
    way = "(lower is better: floor > target > stretch)"
    assert error.problems == (
        f"handle_minutes.floor: 25 must be above the target 40 {way}",
        f"handle_minutes.stretch: 120 must be below the target 40 {way}",
    )


def test_a_stretch_on_the_wrong_side_is_refused_and_no_stretch_is_fine():
    error = _declaration_error("fcr", stretch=0.8)
    assert error.problems[0].startswith("fcr.stretch: 0.8 must be above the target 0.85")
    assert replace(kpi("fcr"), stretch=None).stretch is None


def test_a_positional_declaration_is_refused():
    csat = kpi("csat")
    values = [getattr(csat, f.name) for f in fields(KPI)]
    with pytest.raises(TypeError, match=r"KPI 'csat': fields are keyword-only") as caught:
        KPI(*values)
    assert "id, label_en, label_zh" in str(caught.value)


@pytest.mark.parametrize(
    ("base", "changes", "problem"),
    [
        ("csat", {"direction": "up"}, "csat.direction: 'up' is not one of 'higher', 'lower'"),
        ("fcr", {"grain": "row"}, "fcr.grain: 'row' is not one of 'ticket', 'survey', "),
        ("nps", {"perspective": "people"}, "nps.perspective: 'people' is not one of "),
        ("fcr", {"shrink": "median"}, "fcr.shrink: 'median' is not one of 'beta', 'mean', None"),
        ("fcr", {"shrink": "mean"}, "fcr.shrink: 'mean' shrinks mean KPIs, not a 'rate' one"),
        ("csat", {"min_sample": 0}, "csat.min_sample: 0 is below 1"),
        ("csat", {"min_sample": 2.5}, "csat.min_sample: 2.5 is not a whole number"),
        ("csat", {"weight": -1}, "csat.weight: -1 is negative"),
        ("csat", {"weight": math.nan}, "csat.weight: nan is not a finite number"),
        ("csat", {"label_zh": ""}, "csat.label_zh: is missing"),
        ("csat", {"label_zh": "CSAT"}, "csat.label_zh: 'CSAT' has no Chinese"),
        ("csat", {"label_en": " "}, "csat.label_en: is missing"),
        ("csat", {"formula_zh": ""}, "csat.formula_zh: is missing"),
        ("csat", {"target": 6}, "csat.target: 6 lies outside the possible range 1 … 5"),
        ("fcr", {"stretch": 1.5}, "fcr.stretch: 1.5 lies outside the possible range 0 … 1"),
        ("first_response_p90", {"quantile": 90}, "first_response_p90.quantile: 90 must lie"),
        ("csat", {"quantile": 0.5}, "csat.quantile: is set (0.5) on a 'mean' KPI"),
        ("csat", {"requires": ()}, "csat.requires: () is not a non-empty tuple"),
        ("csat", {"fmt": ".2q"}, "csat.fmt: '.2q' is not a format spec for a number"),
        ("csat", {"id": "CSAT score"}, "CSAT score.id: 'CSAT score' is not a lower_snake_case"),
    ],
)
def test_each_field_is_checked_and_named(base, changes, problem):
    error = _declaration_error(base, **changes)
    assert any(p.startswith(problem) for p in error.problems), error.problems


def test_one_error_lists_every_problem_of_a_declaration():
    error = _declaration_error("csat", floor=5, kind="avg", weight=-1, label_zh="")
    fields_named = [p.split(":")[0] for p in error.problems]
    assert fields_named == ["csat.kind", "csat.label_zh", "csat.floor", "csat.weight"]
    assert str(error).startswith("4 problems in the KPI declarations:")


def test_the_registry_check_refuses_duplicate_ids():
    csat = kpi("csat")
    assert registry_problems((csat, kpi("fcr"), csat)) == ["csat.id: declared more than once"]
    with pytest.raises(KPIDeclarationError, match=r"csat\.id: declared more than once"):
        check_registry((csat, csat))


def test_importing_a_wrong_registry_reports_every_problem_at_once(tmp_path, monkeypatch):
    # a copy of scoring/registry/kpis.py with three declarations broken (the first occurrence of
    # each value): each is named in the one error the import raises
    source = Path(kpis_module.__file__).read_text(encoding="utf-8")
    for old, new in [
        ("weight=20,", "weight=-20,"),  # csat
        ('direction="lower",', 'direction="down",'),  # first_response_median
        ("quantile=0.9,", "quantile=90,"),  # first_response_p90
    ]:
        assert old in source, old
        source = source.replace(old, new, 1)
    path = tmp_path / "broken_kpis.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("broken_kpis", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "broken_kpis", module)
    with pytest.raises(ValueError) as caught:
        spec.loader.exec_module(module)
    assert type(caught.value).__name__ == "KPIDeclarationError"
    named = [p.split(":")[0] for p in caught.value.problems]
    assert named == [
        "csat.weight",
        "first_response_median.direction",
        "first_response_p90.quantile",
    ]


# ---------------------------------------------------------------------------------------
# Stage durations.
#
# T1 (agent A1), stamps in minutes after creation (accepted, work started, resolved, followed):
#   u1: 60, 180, 300, 1740  → received 1 h, accepted 2 h, processing 2 h, resolved 24 h
#   u2: 120, 240, 600, -    → received 2 h, accepted 2 h, processing 6 h
#   u3: 30, -, -, -         → received 0.5 h
#   u4: 240, 300, 420, 3300 → received 4 h, accepted 1 h, processing 2 h, resolved 48 h
# T2 (agent B1):
#   u5: 15, 75, 135, -      → received 0.25 h, accepted 1 h, processing 1 h
STAGE_TICKETS = [
    ticket("u1", "A1", 0, accepted_at=60, work_started_at=180, resolved_at=300,
           followed_up_at=1740),
    ticket("u2", "A1", 10, accepted_at=120, work_started_at=240, resolved_at=600),
    ticket("u3", "A1", 20, accepted_at=30),
    ticket("u4", "A1", 30, accepted_at=240, work_started_at=300, resolved_at=420,
           followed_up_at=3300),
    ticket("u5", "B1", 40, accepted_at=15, work_started_at=75, resolved_at=135),
]  # fmt: skip


@pytest.fixture(scope="module")
def stage_ds(tmp_path_factory):
    root = write_dataset(
        tmp_path_factory.mktemp("stages"),
        agents=[agent("A1", "T1"), agent("B1", "T2")],
        tickets=STAGE_TICKETS,
    )
    return open_dataset(root)


def _stage(frame: pd.DataFrame, stage: str, **keys) -> pd.Series:
    mask = frame["stage"] == stage
    for column, value in keys.items():
        mask &= frame[column] == value
    rows = frame[mask]
    assert len(rows) == 1, (stage, keys)
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("team", "stage", "median", "p90", "count"),
    [
        # T1 received [0.5, 1, 2, 4]: median 1.5; P90 position 2.7 → 2 + 0.7·2 = 3.4
        ("T1", "received", 1.5, 3.4, 4),
        # T1 accepted [1, 2, 2]: median 2; P90 position 1.8 → 2
        ("T1", "accepted", 2.0, 2.0, 3),
        # T1 processing [2, 2, 6]: median 2; P90 2 + 0.8·4 = 5.2
        ("T1", "processing", 2.0, 5.2, 3),
        # T1 resolved [24, 48]: median 36; P90 24 + 0.9·24 = 45.6
        ("T1", "resolved", 36.0, 45.6, 2),
        ("T2", "received", 0.25, 0.25, 1),
        ("T2", "accepted", 1.0, 1.0, 1),
        ("T2", "processing", 1.0, 1.0, 1),
    ],
)
def test_stage_durations_per_team(stage_ds, team, stage, median, p90, count):
    row = _stage(stage_durations(stage_ds), stage, team=team)
    assert row["median_hours"] == pytest.approx(median)
    assert row["p90_hours"] == pytest.approx(p90)
    assert row["tickets"] == count


def test_stage_durations_skip_stages_a_team_never_reached(stage_ds):
    frame = stage_durations(stage_ds)
    assert frame[(frame["team"] == "T2") & (frame["stage"] == "resolved")].empty


def test_stage_durations_for_the_department_and_filtered(stage_ds):
    # department received [0.25, 0.5, 1, 2, 4]: median 1; P90 position 3.6 → 2 + 0.6·2 = 3.2
    dept = stage_durations(stage_ds, by=())
    row = _stage(dept, "received")
    assert (row["median_hours"], row["p90_hours"], row["tickets"]) == pytest.approx((1.0, 3.2, 5))
    # only T2 → its one ticket
    only_t2 = stage_durations(stage_ds, Filters(teams=("T2",)), by=())
    assert _stage(only_t2, "processing")["median_hours"] == pytest.approx(1.0)
    assert set(only_t2["stage"]) == {"received", "accepted", "processing"}


def test_stage_durations_without_stage_columns(tmp_path):
    ds = _ds(tmp_path, tickets=[ticket("t1", "A1", 0)])
    frame = stage_durations(ds)
    assert frame.empty
    assert list(frame.columns) == ["team", "stage", "median_hours", "p90_hours", "tickets"]
