"""The What-if lab for leadership restricted to a team by the access file (AppTest).

Everyone is scored and paid over the department, so the restricted session's rows are the
open session's rows of that team; no other team's agent, name or team name is shown
anywhere on the page nor in the scenario export. Teams and agents come from the Parquet
files; the expected rows from the open session.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.ui.i18n import t
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters
from scoring.stores.scenarios import Scenario, ScenarioStore
from tests.conftest import ROOT
from tests.leak_check import collect, describe, download_file, leaks, recorded

APP = str(ROOT / "app.py")
NORTH = "Team North"
GRADES = ("excellent", "good", "satisfactory", "unsatisfactory")


@pytest.fixture
def state(tmp_path, monkeypatch) -> Path:
    """An access file (open leadership and leadership of one team) and a scenario store
    holding a scenario saved for other teams."""
    users = {
        "boss@example.com": {"role": "leadership"},
        "north@example.com": {"role": "leadership", "teams": [NORTH]},
    }
    access = tmp_path / "access.json"
    access.write_text(json.dumps({"users": users}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(access))
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path))
    store = ScenarioStore(tmp_path)
    south = Filters(teams=("Team South", "Team East"))
    store.save(Scenario(name="south", policy=Policy({"csat": 100.0}), filters=south))
    store.save(Scenario(name="plain", policy=Policy({"fcr": 100.0})))
    return tmp_path


def lab_as(monkeypatch, data: Path, user: str) -> AppTest:
    """The lab with a weight moved and the Monte Carlo check on."""
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    monkeypatch.setattr(app_access, "session_user", lambda: user)
    at = recorded(AppTest.from_file(APP, default_timeout=90))
    at.query_params["lang"] = "en"
    at.switch_page("app_pages/whatif.py")
    at.run()
    at.slider(key="whatif_w_main_csat").set_value(50.0).run()
    at.toggle(key="whatif_mc").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def band_around(at: AppTest, score: float) -> AppTest:
    """Grade bands with "good" at this score: an agent scoring it is a coin toss."""
    for grade, value in (("excellent", score + 10), ("good", score), ("satisfactory", score - 10)):
        at.number_input(key=f"whatif_threshold_{grade}").set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, *columns: str, without: str | None = None) -> pd.DataFrame:
    (found,) = [
        d.value
        for d in at.dataframe
        if set(columns) <= set(d.value.columns) and (without is None or without not in d.value)
    ]
    return found.reset_index(drop=True)


def metric(at: AppTest, key: str) -> str:
    return next(m.value for m in at.metric if m.label == t(key, "en"))


def click_cell_of(at: AppTest, agent: pd.Series) -> None:
    """Click the transition-matrix cell of this agent's baseline → new grade."""
    labels = [t(f"grade_{g}", "en") for g in GRADES] + [t("insufficient_data", "en")]
    row = labels.index(agent["base_grade"])
    at.session_state["whatif_transitions"] = {"selection": {"cells": [[row, agent["new_grade"]]]}}
    at.run()


def test_restricted_leadership_sees_the_departments_rows_of_its_team(
    monkeypatch, small_dataset, state
):
    roster = pd.read_parquet(small_dataset / "agents.parquet")
    north = set(roster.loc[roster["team"] == NORTH, "agent_id"])
    boss = lab_as(monkeypatch, small_dataset, "boss@example.com")
    # a coin toss outside the team: the "good" band at another team's agent's score
    scored = table_with(boss, "new_rank", "agent_id").dropna(subset=["new_composite"])
    score = float(scored.loc[scored["team"] != NORTH, "new_composite"].median())
    boss = band_around(boss, score)
    everyone = table_with(boss, "new_rank", "agent_id")
    boss_teams = table_with(boss, "base_payout", "team", without="agent_id")
    department_bill = metric(boss, "whatif_payout_total")
    tau = metric(boss, "whatif_tau")

    at = band_around(lab_as(monkeypatch, small_dataset, "north@example.com"), score)
    ranks = table_with(at, "new_rank", "agent_id")
    assert len(ranks) > 0 and set(ranks["agent_id"]) <= north
    expected = everyone[everyone["team"] == NORTH].reset_index(drop=True)
    pd.testing.assert_frame_equal(ranks, expected)  # department ranks, grades, payouts
    teams = table_with(at, "base_payout", "team", without="agent_id")
    expected = boss_teams[boss_teams["team"] == NORTH].reset_index(drop=True)
    pd.testing.assert_frame_equal(teams, expected)  # the department's team ranks
    # the bill and τ are the department's, and the page says so
    assert metric(at, "whatif_payout_total") == department_bill
    assert metric(at, "whatif_tau") == tau
    caption = t("whatif_department_totals", "en", teams=NORTH)
    assert caption in [c.value for c in at.caption]
    # the counts are the team's: grade changes and coin tosses of the rows shown
    assert metric(at, "whatif_grade_changes") == str(
        int((ranks["base_grade"] != ranks["new_grade"]).sum())
    )
    assert metric(at, "whatif_coin_tosses") == str(int(ranks["coin_toss"].sum()))
    assert int(everyone["coin_toss"].sum()) > int(ranks["coin_toss"].sum())  # they differ

    # the agents behind a clicked cell: the team's agents of that transition only
    moved = ranks.iloc[0]
    click_cell_of(at, moved)
    listed = table_with(at, "agent_id", "base_composite", without="new_rank")
    same = ranks[(ranks["base_grade"] == moved["base_grade"])
                 & (ranks["new_grade"] == moved["new_grade"])]  # fmt: skip
    assert listed["agent_id"].tolist() == same["agent_id"].tolist()

    # nothing of another team anywhere: ids, names, team names (the saved scenario's too)
    at.selectbox(key="whatif_cmp_a").set_value("south")
    at.selectbox(key="whatif_cmp_b").set_value("plain").run()
    assert not at.exception
    compared = table_with(at, "differs").set_index("setting")
    assert compared.loc[t("teams", "en"), "a"] == "+2 not shown"  # the filter, in words
    shown = collect(at)  # decoded: tables, chart specs, options, texts, downloads
    others = roster[roster["team"] != NORTH]
    forbidden_names = [*others["name"].dropna(), *set(others["team"])]
    found = leaks(shown, others["agent_id"], forbidden_names)
    assert found == [], describe(found)
    assert {leak.token for leak in leaks(shown, north, [])} == north  # the check sees ids

    # the scenario export: the team's payouts only, as the department shares the pool
    (export,) = [
        download_file(at, b) for b in at.get("download_button") if b.key == "whatif_export"
    ]
    assert export.name == "whatif_scenario.xlsx"
    workbook = pd.read_excel(io.BytesIO(export.content), sheet_name=None)
    payouts = workbook["payouts"]
    assert set(payouts["agent_id"]) == set(ranks["agent_id"])
    assert set(payouts["team"]) == {NORTH}
    by_agent = payouts.set_index("agent_id")["payout"]
    assert by_agent.to_dict() == pytest.approx(ranks.set_index("agent_id")["new_payout"].to_dict())
