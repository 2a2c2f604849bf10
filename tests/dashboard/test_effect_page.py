"""The Did it work? page under AppTest: the sample's planted policy change recovered and
worded, a supervisor seeing the control group only as an aggregate, attrition and employee
satisfaction matching the hand-worked small dataset, and the page waiting for a treated group.

Expected values come from data/sample/truth.json, the hand-made rows of
tests/scoring/test_effect_people.py and the UI catalog.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.ui.i18n import t
from scoring.engine.policy import Policy
from scoring.stores.scenarios import Scenario, ScenarioStore
from tests import builders
from tests.conftest import ROOT, SAMPLE_DATASET, saved_state
from tests.scoring.test_effect_people import AGENTS, SURVEY, TICKETS

APP = str(ROOT / "app.py")
PAGE = "app_pages/effect.py"
TRUTH = json.loads((SAMPLE_DATASET / "truth.json").read_text(encoding="utf-8"))
PLANTED = TRUTH["policy_change"]


def open_page(monkeypatch, data=SAMPLE_DATASET, lang: str = "en", user: str | None = None):
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    if user is not None:
        monkeypatch.setattr(app_access, "session_user", lambda: user)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": lang})
    at.switch_page(PAGE)
    return at.run()


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error


def judge(at: AppTest, teams: list[str], kpis: list[str], **widgets) -> AppTest:
    at.multiselect("effect_teams").set_value(teams)
    at.multiselect("effect_kpis").set_value(kpis)
    for key, value in widgets.items():
        at.session_state[key] = value
    return at.run()


def table_with(at: AppTest, column: str):
    """The one table of the page that has this column."""
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def percents(text: str) -> list[int]:
    return [int(n.replace("−", "-")) for n in re.findall(r"[-+−]?\d+(?=%)", text)]


def test_the_planted_change_is_recovered_and_worded(monkeypatch):
    at = judge(open_page(monkeypatch), [PLANTED["team"]], ["first_response_median"])
    ok(at)
    (row,) = table_with(at, "interval").to_dict("records")
    lo, hi = percents(row["interval"])
    assert lo <= 100 * PLANTED["effect"] <= hi < 0
    verdict = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert verdict.startswith("- **First response time \\(median\\)** fell")
    # Leadership sees the control teams by name; neither is the treated team.
    controls = [team for team in TRUTH["teams"] if team in row["control"]]
    assert len(controls) == 2 and PLANTED["team"] not in controls
    assert "placebo" in verdict and "no effect" in verdict


@pytest.fixture
def supervisor(tmp_path, monkeypatch) -> str:
    path = tmp_path / "access.json"
    users = {"sup@example.com": {"role": "supervisor", "teams": [PLANTED["team"]]}}
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(path))
    return "sup@example.com"


def test_a_supervisor_sees_the_control_group_as_an_aggregate(monkeypatch, supervisor):
    at = open_page(monkeypatch, user=supervisor)
    assert at.multiselect("effect_teams").options == [PLANTED["team"]]
    at = judge(at, [PLANTED["team"]], ["first_response_median"])
    ok(at)
    (row,) = table_with(at, "interval").to_dict("records")
    assert row["control"] == t("effect_control_aggregate", "en", n=2)
    others = [team for team in TRUTH["teams"] if team != PLANTED["team"]]
    shown = " ".join(m.value for m in at.markdown) + " ".join(map(str, row.values()))
    assert not [team for team in others if team in shown.replace("\\", "")]


def test_people_match_the_hand_worked_small_dataset(monkeypatch, tmp_path):
    root = builders.write_dataset(
        tmp_path / "people", agents=AGENTS, tickets=TICKETS, employee_survey=SURVEY
    )
    at = open_page(monkeypatch, data=root)
    at = judge(at, ["East"], ["first_response_median"], effect_date=date(2026, 4, 1),
               effect_months=1)  # fmt: skip
    ok(at)
    sides = table_with(at, "leavers")
    treated_before = sides[(sides["group"] == "Treated") & (sides["side"] == "Before")]
    # East in March: 1 leaver over an average headcount of 67/31 (see the scoring test).
    assert treated_before["monthly"].item() == pytest.approx(31 / 67)
    assert treated_before["leavers"].item() == 1
    scores = table_with(at, "2026-Q1").set_index("team")
    assert scores.loc["East", "2026-Q1"] == pytest.approx(3.0)  # (4 + 2)/2
    assert scores.loc["East", "2026-Q2"] == pytest.approx(4.5)  # (5 + 4)/2


def test_a_completed_course_fills_the_date_and_its_agents(monkeypatch):
    courses = pd.read_parquet(SAMPLE_DATASET / "training.parquet")
    course, day = courses.sort_values("completed_on").iloc[len(courses) // 2][
        ["course", "completed_on"]
    ]
    day = pd.Timestamp(day).date()
    done = courses[(courses["course"] == course) & (courses["completed_on"] == day)]
    at = open_page(monkeypatch)
    at = at.selectbox("effect_source").set_value(f"course:{course}:{day}").run()
    ok(at)
    assert at.date_input("effect_date").value == day
    assert sorted(at.multiselect("effect_agents").value) == sorted(done["agent_id"])
    assert at.multiselect("effect_teams").value == []


def test_the_official_scheme_treats_every_team_without_a_control(monkeypatch):
    monkeypatch.setenv("SPD_DATA_DIR", str(SAMPLE_DATASET))
    store = ScenarioStore(saved_state())
    store.save(Scenario(name="new scheme", policy=Policy(), created_at="2026-07-01T09:00:00"))
    store.mark_official("new scheme")
    at = open_page(monkeypatch)
    at = at.selectbox("effect_source").set_value("scheme").run()
    ok(at)
    assert at.date_input("effect_date").value == date(2026, 7, 1)
    assert at.multiselect("effect_teams").value == sorted(TRUTH["teams"])
    assert at.radio("effect_control_mode").value == "none"
    methods = set(table_with(at, "interval")["method"])
    assert t("effect_method_did_cr1", "en") not in methods


def test_the_page_waits_for_a_treated_group(monkeypatch):
    at = judge(open_page(monkeypatch, lang="zh"), [], ["fcr"])
    ok(at)
    assert [i.value for i in at.info] == [t("effect_pick", "zh")]
    assert not at.dataframe
