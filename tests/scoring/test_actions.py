"""Improvement actions: validation, persistence across restarts, concurrent writers, and a
corrupt file. Expectations are the inputs written, counted back by reading the SQLite file
directly with the standard library."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest

from scoring.scope import EVERYTHING, Visible
from scoring.stores.actions import FILE_NAME, ActionStore

GOOD = {
    "team": "Team North",
    "kpi": "fcr",
    "measure": "Coaching on repair first-time fixes",
    "owner": "王主管",
    "start_date": "2026-05-01",
    "due_date": "2026-06-30",
}


def rows_in(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT team, kpi, measure, owner, status FROM actions").fetchall()
    finally:
        con.close()


def test_an_action_is_saved_with_every_field(tmp_path):
    store = ActionStore(tmp_path / FILE_NAME)
    saved = store.add(EVERYTHING, **GOOD, agent_id="A003")
    assert saved.id == 1
    assert (saved.team, saved.kpi, saved.owner, saved.agent_id) == (
        "Team North",
        "fcr",
        "王主管",
        "A003",
    )
    assert saved.start_date == date(2026, 5, 1)
    assert saved.due_date == date(2026, 6, 30)
    assert saved.status == "planned"
    assert saved.created_at.year >= 2024
    assert rows_in(tmp_path / FILE_NAME) == [
        ("Team North", "fcr", GOOD["measure"], "王主管", "planned")
    ]


def test_the_state_dir_setting_places_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    ActionStore().add(EVERYTHING, **GOOD)
    assert len(rows_in(tmp_path / "state" / FILE_NAME)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"owner": "  "}, "owner must not be empty"),
        ({"measure": ""}, "measure must not be empty"),
        ({"kpi": "happiness"}, "unknown KPI 'happiness'"),
        ({"due_date": "30/06/2026"}, "due date must be a date as YYYY-MM-DD"),
        ({"start_date": "2026-07-01"}, "due date 2026-06-30 is before the start date"),
        ({"team": ""}, "team must not be empty"),
    ],
)
def test_bad_input_gets_a_clear_message_and_loses_nothing(tmp_path, change, message):
    store = ActionStore(tmp_path / FILE_NAME)
    store.add(EVERYTHING, **GOOD)
    with pytest.raises(ValueError, match=message):
        store.add(EVERYTHING, **(GOOD | change))
    assert len(rows_in(tmp_path / FILE_NAME)) == 1
    assert [a.owner for a in store.list(EVERYTHING)] == ["王主管"]


def test_unknown_status_is_refused(tmp_path):
    store = ActionStore(tmp_path / FILE_NAME)
    with pytest.raises(ValueError, match="unknown status 'maybe'"):
        store.add(EVERYTHING, **GOOD, status="maybe")
    saved = store.add(EVERYTHING, **GOOD)
    with pytest.raises(ValueError, match="unknown status"):
        store.set_status(EVERYTHING, saved.id, "finished?")
    assert store.set_status(EVERYTHING, saved.id, "done").status == "done"
    with pytest.raises(KeyError, match="no improvement action with id 99"):
        store.set_status(EVERYTHING, 99, "done")


def test_actions_survive_a_restart_and_are_listed_per_team(tmp_path):
    first = ActionStore(tmp_path / FILE_NAME)
    first.add(EVERYTHING, **GOOD)
    first.add(
        EVERYTHING, **(GOOD | {"team": "Team South", "kpi": "csat", "start_date": "2026-04-01"})
    )
    first.add(EVERYTHING, **(GOOD | {"start_date": "2026-03-01"}))
    del first
    again = ActionStore(tmp_path / FILE_NAME)
    assert [a.team for a in again.list(EVERYTHING)] == ["Team North", "Team South", "Team North"]
    north = again.list(EVERYTHING, team="Team North")
    assert [a.start_date.isoformat() for a in north] == ["2026-03-01", "2026-05-01"]
    assert [a.kpi for a in again.list(EVERYTHING, team="Team South", kpi="csat")] == ["csat"]
    assert again.list(EVERYTHING, team="Team South", kpi="fcr") == []


def test_two_threads_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / FILE_NAME
    stores = [ActionStore(path), ActionStore(path)]  # two sessions, one file
    barrier = threading.Barrier(2, timeout=30)

    def write(store: ActionStore, owner: str) -> None:
        barrier.wait()
        for i in range(40):
            store.add(EVERYTHING, **(GOOD | {"owner": f"{owner}{i}"}))

    threads = [
        threading.Thread(target=write, args=(s, n)) for s, n in zip(stores, "xy", strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a writer did not finish"
    owners = sorted(row[3] for row in rows_in(path))
    assert owners == sorted([f"x{i}" for i in range(40)] + [f"y{i}" for i in range(40)])


def _write_in_process(path: str, owner: str, count: int) -> None:
    store = ActionStore(path)
    for i in range(count):
        store.add(EVERYTHING, **(GOOD | {"owner": f"{owner}{i}"}))


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / FILE_NAME)
    ActionStore(path)
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_write_in_process, args=(path, n, 25)) for n in "pq"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert len(rows_in(Path(path))) == 50
    assert {row[3] for row in rows_in(Path(path))} == {f"{n}{i}" for n in "pq" for i in range(25)}


def test_a_corrupt_file_is_moved_aside_with_a_message_naming_it(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_bytes(b"this is not an sqlite database, it was damaged" * 20)
    store = ActionStore(path)
    assert store.repair is not None
    assert store.repair.path == path
    aside = list(tmp_path.glob(f"{FILE_NAME}.damaged-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"this is not an sqlite")
    assert store.repair.moved_to == aside[0]
    assert store.add(EVERYTHING, **GOOD).id == 1
    assert ActionStore(path).repair is None


NORTH_ONLY = Visible(teams=("Team North",))
AGENT_A003 = Visible(teams=("Team North",), agents=("A003",))


def three_teams_of_actions(path: Path) -> ActionStore:
    """North (team-level and A003's), East, South's agent A102; written by leadership."""
    store = ActionStore(path)
    store.add(EVERYTHING, **GOOD)
    store.add(EVERYTHING, **GOOD, agent_id="A003")
    store.add(EVERYTHING, **GOOD, agent_id="A004")
    store.add(EVERYTHING, **(GOOD | {"team": "Team East"}))
    store.add(EVERYTHING, **(GOOD | {"team": "Team South"}), agent_id="A102")
    return store


def test_a_session_lists_only_the_actions_of_what_it_may_see(tmp_path):
    store = three_teams_of_actions(tmp_path / FILE_NAME)
    listed = {(a.team, a.agent_id) for a in store.list(NORTH_ONLY)}
    assert listed == {("Team North", None), ("Team North", "A003"), ("Team North", "A004")}
    two = Visible(teams=("Team North", "Team East"))
    assert {a.team for a in store.list(two)} == {"Team North", "Team East"}
    # an agent sees their team's actions and their own, not a team-mate's
    assert {a.agent_id for a in store.list(AGENT_A003)} == {None, "A003"}
    assert store.list(NORTH_ONLY, team="Team South") == []  # asking by name does not help


def test_writing_outside_the_scope_is_refused_and_writes_nothing(tmp_path):
    path = tmp_path / FILE_NAME
    store = three_teams_of_actions(path)
    before = rows_in(path)
    with pytest.raises(PermissionError, match="Team South"):
        store.add(NORTH_ONLY, **(GOOD | {"team": "Team South"}))
    with pytest.raises(PermissionError, match="A004"):
        store.add(AGENT_A003, **GOOD, agent_id="A004")
    south = next(a for a in store.list(EVERYTHING) if a.team == "Team South")
    with pytest.raises(PermissionError):
        store.set_status(NORTH_ONLY, south.id, "cancelled")
    assert rows_in(path) == before
    assert store.add(NORTH_ONLY, **GOOD).team == "Team North"  # inside the scope it works
