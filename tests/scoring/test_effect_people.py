"""Attrition and employee satisfaction of a change (scoring.analyses.effect.people and the
`effect` command) on a small hand-made dataset, worked by hand."""

from __future__ import annotations

import json
from datetime import date

import pytest

from scoring.analyses.effect import design, people
from scoring.cli.main import main
from scoring.data.dataset import open_dataset
from scoring.scope import EVERYTHING, Visible
from tests import builders

OLD = date(2025, 1, 1)
AGENTS = [
    builders.agent("e1", "East", hire_date=OLD),
    builders.agent("e2", "East", hire_date=OLD, left_date=date(2026, 3, 16)),
    builders.agent("e3", "East", hire_date=date(2026, 3, 11)),
    builders.agent("w1", "West", hire_date=OLD),
    builders.agent("w2", "West", hire_date=OLD, left_date=date(2026, 4, 1)),
]
SURVEY = [
    {"agent_id": "e1", "period": "2026-Q1", "score": 4.0},
    {"agent_id": "e2", "period": "2026-Q1", "score": 2.0},
    {"agent_id": "e1", "period": "2026-Q2", "score": 5.0},
    {"agent_id": "e3", "period": "2026-Q2", "score": 4.0},
    {"agent_id": "w1", "period": "2026-Q1", "score": 3.0},
    {"agent_id": "w1", "period": "2026-Q2", "score": 3.0},
]
# One ticket a week per agent from February to May, so the data spans the windows.
TICKETS = [
    builders.ticket(f"{a['agent_id']}-{week}", a["agent_id"], (week * 7 - 28) * 24 * 60,
                    first_response_at=10)
    for a in AGENTS for week in range(13)
]  # fmt: skip


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return builders.write_dataset(
        tmp_path_factory.mktemp("people"), agents=AGENTS, tickets=TICKETS, employee_survey=SURVEY
    )


def test_monthly_attrition_by_hand(root):
    table = people.attrition(open_dataset(root), EVERYTHING, date(2026, 3, 1), date(2026, 4, 30))
    rows = table.set_index(["team", "month"])
    # East in March (31 days): e1 31 days, e2 until the 15th (left on the 16th) 15 days, e3
    # from the 11th 21 days: 67/31 = 2.16129 on average; 1 leaver: 31/67 = 0.462687.
    assert rows.loc[("East", "2026-03"), "headcount"] == pytest.approx(67 / 31)
    assert rows.loc[("East", "2026-03"), "leavers"] == 1
    assert rows.loc[("East", "2026-03"), "rate"] == pytest.approx(31 / 67)
    # West: w2 leaves on 1 April, so all of March on the headcount, April 0 days of w2.
    assert rows.loc[("West", "2026-03"), "headcount"] == pytest.approx(2.0)
    assert rows.loc[("West", "2026-03"), "rate"] == 0
    assert rows.loc[("West", "2026-04"), "headcount"] == pytest.approx(1.0)
    assert rows.loc[("West", "2026-04"), "rate"] == pytest.approx(1.0)
    # A supervisor of East sees East only.
    assert set(people.attrition(open_dataset(root), Visible(("East",)), date(2026, 3, 1),
                                date(2026, 3, 31))["team"]) == {"East"}  # fmt: skip


def test_attrition_before_and_after_by_hand(root):
    # Change on 1 April, one month each side. East before (March): 1 leaver over 67/31.
    # Annualised: 1 − (1 − 31/67)^12. West after (April): 1 leaver over 1.
    change = design.Change(date(2026, 4, 1), teams=("East",))
    sides = people.attrition_sides(open_dataset(root), change, ("West",), 1)
    rate = sides.set_index(["group", "side"])
    assert rate.loc[("treated", "before"), "monthly"] == pytest.approx(31 / 67)
    assert rate.loc[("treated", "before"), "annualised"] == pytest.approx(1 - (36 / 67) ** 12)
    assert rate.loc[("untreated", "after"), "monthly"] == pytest.approx(1.0)
    # DiD of the monthly rates: (0 − 31/67) − (1 − 0).
    assert people.attrition_did(sides) == pytest.approx(-31 / 67 - 1)


def test_employee_satisfaction_by_hand(root):
    ds = open_dataset(root)
    table = people.satisfaction(ds, EVERYTHING).set_index(["team", "period"])
    assert table.loc[("East", "2026-Q1"), "score"] == pytest.approx(3.0)  # (4 + 2)/2
    assert table.loc[("East", "2026-Q2"), "score"] == pytest.approx(4.5)  # (5 + 4)/2
    assert table.loc[("East", "2026-Q2"), "agents"] == 2
    # Change on 1 April, 3 months: Q1's middle (15 Feb) before, Q2's (16 May) after.
    change = design.Change(date(2026, 4, 1), teams=("East",))
    sides, did = people.satisfaction_sides(ds, change, ("West",), 3)
    score = sides.set_index(["group", "side"])["score"]
    assert score["treated", "before"] == pytest.approx(3.0)
    assert score["treated", "after"] == pytest.approx(4.5)
    assert did.value == pytest.approx((4.5 - 3.0) - (3.0 - 3.0))


def test_the_command_prints_the_same_numbers(root, capsys):
    base = [
        "effect", str(root), "--treated", "East", "--date", "2026-04-01", "--months", "1",
        "--format", "json",
    ]  # fmt: skip
    assert main([*base, "--table", "attrition"]) == 0
    rows = {(r["team"], r["month"]): r for r in json.loads(capsys.readouterr().out)}
    assert rows["East", "2026-03"]["rate"] == pytest.approx(31 / 67)
    assert rows["West", "2026-04"]["leavers"] == 1
    assert main([*base, "--table", "satisfaction"]) == 0
    rows = {(r["team"], r["period"]): r for r in json.loads(capsys.readouterr().out)}
    assert rows["East", "2026-Q2"]["score"] == pytest.approx(4.5)
    assert main([*base, "--kpi", "first_response_median"]) == 0
    (kpi,) = json.loads(capsys.readouterr().out)
    # Every response took 10 minutes: no change, and West was the only control.
    assert kpi["method"] == "did_cr1" and kpi["control_teams"] == "West"
    assert kpi["estimate"] == pytest.approx(0.0, abs=1e-12)


def test_the_command_names_what_is_wrong(root, capsys):
    assert main(["effect", str(root), "--treated", "Nobody", "--date", "2026-04-01"]) == 2
    assert "no team or agent named Nobody" in capsys.readouterr().err
    assert main(["effect", str(root), "--treated", "East", "--date", "April"]) == 2
    assert "--date" in capsys.readouterr().err
