"""Opening the SQLite stores: sessions that open a new store at the same moment all succeed,
and a busy file is never mistaken for a damaged one (moving it aside would hide its data)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from scoring.scope import EVERYTHING
from scoring.stores import sqlite_files
from scoring.stores.actions import FILE_NAME, ActionStore
from scoring.stores.scenarios import ScenarioStore

OPENERS = {
    "scenarios": lambda folder: ScenarioStore(folder),
    "actions": lambda folder: ActionStore(folder / FILE_NAME),
}


def open_at_once(open_store, folder: Path, sessions: int) -> list[Exception]:
    """`sessions` threads open the store in `folder` together; the errors they met."""
    barrier = threading.Barrier(sessions, timeout=30)
    errors: list[Exception] = []

    def session() -> None:
        try:
            barrier.wait()
            open_store(folder)
        except Exception as exc:  # reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "opening the store did not return"
    return errors


@pytest.mark.parametrize("store", sorted(OPENERS))
def test_sessions_opening_a_new_store_at_once_all_succeed(store, tmp_path):
    # Before the fix about 1 in 100 simultaneous first opens failed with "database is
    # locked" (SQLite does not wait when two connections switch a new file to WAL), and
    # the action store then moved the healthy file aside as "corrupt".
    for attempt in range(40):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        assert open_at_once(OPENERS[store], folder, sessions=6) == []
        assert sorted(p.name for p in folder.iterdir() if ".corrupt-" in p.name
                      or ".damaged-" in p.name) == []  # fmt: skip


def test_a_busy_file_is_not_damaged_and_a_broken_one_is():
    locked = sqlite3.OperationalError("database is locked")
    assert sqlite_files.is_busy(locked) and not sqlite_files.is_damaged(locked)
    not_a_db = sqlite3.DatabaseError("file is not a database")
    not_a_db.sqlite_errorname = "SQLITE_NOTADB"
    assert sqlite_files.is_damaged(not_a_db) and not sqlite_files.is_busy(not_a_db)
    assert sqlite_files.is_damaged(sqlite_files.Damaged("*** in database main ***"))


def test_opening_waits_for_a_writer_instead_of_giving_up(tmp_path):
    ActionStore(tmp_path / FILE_NAME)
    writer = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN EXCLUSIVE")  # another session in the middle of a write
    release = threading.Timer(0.5, writer.execute, args=("COMMIT",))
    release.start()
    try:
        store = ActionStore(tmp_path / FILE_NAME)
        store.add(EVERYTHING, team="T", kpi="fcr", measure="m", owner="o",
                  start_date="2026-01-01", due_date="2026-02-01")  # fmt: skip
    finally:
        release.join()
        writer.close()
    assert store.repair is None
    assert [a.team for a in store.list(EVERYTHING)] == ["T"]
