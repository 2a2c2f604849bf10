"""The Capability page by role (AppTest): a supervisor, or a trainer restricted to teams,
sees exactly what leadership sees filtered to those teams, and that is leadership's
department-wide table narrowed to the teams (peers, references, case-mix expectations, ranks
and control groups are the department's). Teams and agents come from the Parquet files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
TEAMS = ["Team South", "Team East"]
# The page's tables by a column only each one has.
TABLES = {
    "needs": "per_month",
    "team needs": "members",
    "case mix": "adjusted_rank",
    "training effects": "did",
    "blind spots": "worst",
    "coaching plan": "owner",
}


@pytest.fixture
def access_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "access.json"
    users = {
        "boss@example.com": {"role": "leadership"},
        "sup@example.com": {"role": "supervisor", "teams": TEAMS},
        "trainer@example.com": {"role": "trainer", "teams": TEAMS},
    }
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(path))
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    return path


def open_as(monkeypatch, data: Path, user: str, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    monkeypatch.setattr(app_access, "session_user", lambda: user)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lang": "en", **(params or {})})
    at.switch_page("app_pages/capability.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tables(at: AppTest) -> dict[str, pd.DataFrame]:
    """The page's tables by name (a table without rows is not drawn)."""
    found = {}
    for name, column in TABLES.items():
        (table,) = [d.value for d in at.dataframe if column in d.value.columns] or [None]
        if table is not None:
            found[name] = table.reset_index(drop=True)
    return found


def heatmap_rows(at: AppTest) -> list[str]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (heatmap,) = [s for s in specs if s["data"] and s["data"][0]["type"] == "heatmap"]
    return list(heatmap["data"][1]["y"])


def of_teams(table: pd.DataFrame, teams: list[str]) -> pd.DataFrame:
    return table[table["team"].isin(teams)].reset_index(drop=True)


@pytest.mark.parametrize("user", ["sup@example.com", "trainer@example.com"])
def test_a_restricted_session_sees_leaderships_department_tables_of_its_teams(
    monkeypatch, small_dataset, access_file, user
):
    mine = open_as(monkeypatch, small_dataset, user)
    filtered = open_as(monkeypatch, small_dataset, "boss@example.com", {"team": TEAMS})
    department = open_as(monkeypatch, small_dataset, "boss@example.com")
    shown, expected, everyone = tables(mine), tables(filtered), tables(department)
    assert set(shown) == set(expected)
    assert {"needs", "team needs", "case mix", "coaching plan"} <= set(shown)
    roster = pd.read_parquet(small_dataset / "agents.parquet")
    members = set(roster.loc[roster["team"].isin(TEAMS), "agent_id"])
    for key, table in shown.items():
        pd.testing.assert_frame_equal(table, expected[key], obj=key)
        pd.testing.assert_frame_equal(table, of_teams(everyone[key], TEAMS), obj=key)
        assert len(table) > 0 and set(table["team"]) <= set(TEAMS), key
        if "agent_id" in table:
            assert set(table["agent_id"]) <= members, key
    assert heatmap_rows(mine) == heatmap_rows(filtered)
    agents = {re.match(r"\S+", row).group() for row in heatmap_rows(mine)}
    assert agents and agents <= members
