"""Access by role in the running app (AppTest): who is let in, and what each role sees.

The reference for "what a supervisor sees" is the open dashboard filtered to the supervisor's
team; teams and agents come from the Parquet files read with pandas.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.ui.i18n import t
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
NORTH, SOUTH = "Team North", "Team South"


def agents_of(data: Path) -> pd.DataFrame:
    return pd.read_parquet(data / "agents.parquet")


@pytest.fixture
def access_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "access.json"
    users = {
        "boss@example.com": {"role": "leadership"},
        "li.na@example.com": {"role": "supervisor", "teams": [NORTH]},
        "wang.fang@example.com": {"role": "trainer"},
    }
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(path))
    return path


def open_as(monkeypatch, data: Path, user: str | None, page: str, params=None) -> AppTest:
    """The app as `user` (what the sign-in would report) on `page`, in English."""
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    monkeypatch.setattr(app_access, "session_user", lambda: user)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lang": "en", **(params or {})})
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def shows_no_data(at: AppTest) -> bool:
    return not (at.dataframe or at.metric or at.get("plotly_chart") or at.sidebar.multiselect)


def agent_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe(key="scorecard_agents").value


def test_a_supervisor_sees_what_leadership_sees_filtered_to_their_team(
    monkeypatch, small_dataset, access_file
):
    supervisor = open_as(monkeypatch, small_dataset, "li.na@example.com", "scorecard")
    boss = open_as(monkeypatch, small_dataset, "boss@example.com", "scorecard", {"team": NORTH})
    assert not supervisor.exception and not boss.exception
    mine = agent_table(supervisor)
    pd.testing.assert_frame_equal(mine, agent_table(boss))
    north = agents_of(small_dataset).query("team == @NORTH")["agent_id"]
    assert set(mine["agent_id"]) <= set(north) and len(mine) > 0
    assert supervisor.query_params["team"] == NORTH  # the address says what is shown
    assert supervisor.sidebar.multiselect(key="w_teams").options == [NORTH]


def test_a_link_to_another_team_is_narrowed_to_the_supervisors_team(
    monkeypatch, small_dataset, access_file
):
    at = open_as(monkeypatch, small_dataset, "LI.NA@example.com", "scorecard", {"team": SOUTH})
    assert not at.exception
    assert set(agent_table(at)["team"]) == {NORTH}
    assert at.query_params["team"] == NORTH


def test_an_agent_of_another_team_is_dropped_from_diagnostics(
    monkeypatch, small_dataset, access_file
):
    roster = agents_of(small_dataset)
    south_agent = roster.query("team == @SOUTH")["agent_id"].iloc[0]
    at = open_as(
        monkeypatch, small_dataset, "li.na@example.com", "diagnostics", {"agent": south_agent}
    )
    assert not at.exception
    assert "agent" not in at.query_params and at.query_params["team"] == NORTH
    shown = " ".join(b.label for b in at.button)
    assert south_agent not in shown and NORTH in shown
    assert at.button(key="diagnostics_crumb_department").disabled  # no way above the team
    boss = open_as(
        monkeypatch, small_dataset, "boss@example.com", "diagnostics", {"agent": south_agent}
    )
    assert boss.query_params["agent"] == south_agent  # leadership keeps it
    assert not boss.button(key="diagnostics_crumb_department").disabled


def test_pages_outside_the_role_are_not_served(monkeypatch, small_dataset, access_file):
    at = open_as(monkeypatch, small_dataset, "li.na@example.com", "whatif")
    assert not at.exception
    overview = t("page_overview", "en")
    assert [e.value for e in at.title] == [f"{overview} · {NORTH}"]  # the role's first page
    trainer = open_as(monkeypatch, small_dataset, "wang.fang@example.com", "scorecard")
    assert [e.value for e in trainer.title] == [f"{overview} · {t('department', 'en')}"]
    # what customers expect tells a trainer what to train (issue 16)
    expectations = open_as(monkeypatch, small_dataset, "wang.fang@example.com", "kano")
    assert not expectations.exception
    assert [e.value for e in expectations.title] == [t("page_kano", "en")]
    lab = open_as(monkeypatch, small_dataset, "boss@example.com", "whatif")
    assert [e.value for e in lab.title] == [t("page_whatif", "en")]


def test_the_sidebar_says_who_is_signed_in_and_which_teams(monkeypatch, small_dataset, access_file):
    at = open_as(monkeypatch, small_dataset, "li.na@example.com", "overview")
    captions = [c.value for c in at.sidebar.caption]
    role = t("role_supervisor", "en")
    # the name as Markdown source: punctuation escaped, a word joiner before "@" so that it
    # is no mailto link (dashboard/ui/markup.py)
    user = "li\\.na\u2060\\@example\\.com"
    assert t("access_signed_in", "en", user=user, role=role) in captions
    assert t("access_teams", "en", teams=NORTH) in captions


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ("stranger@example.com", t("access_denied", "en", user="stranger\u2060\\@example\\.com")),
        (None, t("access_anonymous", "en")),
    ],
)
def test_a_session_not_in_the_file_sees_why_and_no_data(
    monkeypatch, small_dataset, access_file, user, message
):
    at = open_as(monkeypatch, small_dataset, user, "scorecard")
    assert not at.exception
    assert message in [m.value for m in (*at.warning, *at.info)]
    assert shows_no_data(at)


def test_a_broken_access_file_lets_nobody_in_and_lists_its_problems(
    monkeypatch, small_dataset, access_file
):
    access_file.write_text(
        json.dumps(
            {"users": {"boss@example.com": {"role": "boss"}, "x@y": {"role": "supervisor"}}}
        ),
        encoding="utf-8",
    )
    at = open_as(monkeypatch, small_dataset, "boss@example.com", "scorecard")
    assert not at.exception
    assert at.error[0].value == t("access_file_error", "en", path=str(access_file))
    listed = at.markdown[0].value
    assert "'boss@example.com'" in listed and "'boss'" in listed and "'x@y'" in listed
    assert shows_no_data(at)


def test_a_changed_access_file_applies_on_the_next_run(monkeypatch, small_dataset, access_file):
    at = open_as(monkeypatch, small_dataset, "li.na@example.com", "scorecard")
    assert set(agent_table(at)["team"]) == {NORTH}
    promoted = {"users": {"li.na@example.com": {"role": "leadership"}}}
    access_file.write_text(json.dumps(promoted, indent=2), encoding="utf-8")
    at.sidebar.multiselect(key="w_teams").set_value([]).run()
    assert len(set(agent_table(at)["team"])) > 1


def with_users(access_file: Path, users: dict) -> None:
    current = json.loads(access_file.read_text(encoding="utf-8"))["users"]
    access_file.write_text(json.dumps({"users": current | users}), encoding="utf-8")


def north_agent(data: Path) -> str:
    return agents_of(data).query("team == @NORTH")["agent_id"].iloc[0]


def test_an_agent_sees_their_own_row_as_leadership_sees_it(monkeypatch, small_dataset, access_file):
    me = north_agent(small_dataset)
    with_users(access_file, {"zhao@example.com": {"role": "agent", "agent_id": me}})
    mine = agent_table(open_as(monkeypatch, small_dataset, "zhao@example.com", "scorecard"))
    boss = agent_table(open_as(monkeypatch, small_dataset, "boss@example.com", "scorecard"))
    assert mine["agent_id"].tolist() == [me]
    expected = boss[boss["agent_id"] == me].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, expected)  # department rank and grade unchanged


def test_an_agents_diagnostics_stay_at_their_level_and_the_overview_names_them(
    monkeypatch, small_dataset, access_file
):
    """What no other agent may see is checked by tests/test_leaks.py on every page."""
    me = north_agent(small_dataset)
    with_users(access_file, {"zhao@example.com": {"role": "agent", "agent_id": me}})
    at = open_as(monkeypatch, small_dataset, "zhao@example.com", "diagnostics", {"team": SOUTH})
    assert not at.exception
    assert at.button(key="diagnostics_crumb_team").disabled
    assert at.query_params["agent"] == me
    overview = open_as(monkeypatch, small_dataset, "zhao@example.com", "overview")
    assert [e.value for e in overview.title] == [f"{t('page_overview', 'en')} · {me}"]


@pytest.mark.parametrize(
    ("entry", "who"),
    [
        ({"role": "supervisor", "teams": ["Team Nowhere"]}, "Team Nowhere"),
        ({"role": "agent", "agent_id": "NOBODY"}, "NOBODY"),
    ],
)
def test_a_grant_the_dataset_does_not_contain_shows_nothing(
    monkeypatch, small_dataset, access_file, entry, who
):
    with_users(access_file, {"typo@example.com": entry})
    at = open_as(monkeypatch, small_dataset, "typo@example.com", "overview")
    assert not at.exception
    assert [w.value for w in at.warning] == [t("access_nothing_here", "en", who=who)]
    assert shows_no_data(at)


def test_an_edit_keeping_size_and_modification_time_still_changes_the_grant(
    monkeypatch, small_dataset, access_file
):
    """`cp -p` and `rsync -t` restore the modification time; the grant follows the content."""
    at = open_as(monkeypatch, small_dataset, "li.na@example.com", "scorecard")
    assert set(agent_table(at)["team"]) == {NORTH}
    before = access_file.stat()
    moved = access_file.read_text(encoding="utf-8").replace(NORTH, SOUTH)
    access_file.write_text(moved, encoding="utf-8")
    os.utime(access_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert access_file.stat().st_size == before.st_size
    assert access_file.stat().st_mtime_ns == before.st_mtime_ns
    at.sidebar.multiselect(key="w_teams").set_value([]).run()
    assert set(agent_table(at)["team"]) == {SOUTH}
    fresh = open_as(monkeypatch, small_dataset, "li.na@example.com", "scorecard")
    assert set(agent_table(fresh)["team"]) == {SOUTH}


EAST = "Team East"


def actions_of_every_team(state_dir: Path, roster: pd.DataFrame) -> None:
    """One team-level action per team and one naming a South agent, as leadership saves."""
    from scoring.scope import EVERYTHING
    from scoring.stores.actions import ActionStore

    store = ActionStore(state_dir / "actions.sqlite")
    for team in sorted(roster["team"].unique()):
        store.add(EVERYTHING, team, "csat", f"Coaching {team}", "Lead", "2026-01-01", "2026-02-01")
    south_agent = roster.query("team == @SOUTH")["agent_id"].iloc[0]
    store.add(EVERYTHING, SOUTH, "fcr", "Repair refresher", "Lead", "2026-01-01", "2026-02-01",
              agent_id=south_agent)  # fmt: skip


def actions_listed(at: AppTest) -> pd.DataFrame:
    """The improvement-action table (the one with a measure column)."""
    return next(d.value for d in at.dataframe if "measure" in d.value.columns)


def test_a_supervisor_sees_and_may_file_actions_of_their_teams_only(
    monkeypatch, small_dataset, access_file, tmp_path
):
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path))
    roster = agents_of(small_dataset)
    actions_of_every_team(tmp_path, roster)
    with_users(access_file, {"two@example.com": {"role": "supervisor", "teams": [NORTH, EAST]}})
    at = open_as(monkeypatch, small_dataset, "two@example.com", "diagnostics")
    assert not at.exception
    listed = actions_listed(at)
    assert sorted(set(listed["team"])) == [EAST, NORTH]
    assert len(listed) == 2
    offered = [s for s in at.selectbox if s.key and s.key.startswith("diagnostics_action_team")]
    assert [list(s.options) for s in offered] == [[EAST, NORTH]]
    boss = open_as(monkeypatch, small_dataset, "boss@example.com", "diagnostics")
    everyone = actions_listed(boss)
    assert len(everyone) == roster["team"].nunique() + 1  # the check sees them all


def test_an_agent_reads_their_teams_actions_without_the_controls(
    monkeypatch, small_dataset, access_file, tmp_path
):
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path))
    roster = agents_of(small_dataset)
    actions_of_every_team(tmp_path, roster)
    me = north_agent(small_dataset)
    with_users(access_file, {"zhao@example.com": {"role": "agent", "agent_id": me}})
    at = open_as(monkeypatch, small_dataset, "zhao@example.com", "diagnostics")
    assert not at.exception
    listed = actions_listed(at)
    assert listed["team"].tolist() == [NORTH]
    keys = {e.key for e in (*at.selectbox, *at.button) if e.key}
    assert "diagnostics_status_update" not in keys
    assert not any(k.startswith("diagnostics_action_team") for k in keys)
