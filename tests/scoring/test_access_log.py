"""The access log store: exact round trip, newest first, filters, append-only, concurrent
writers and a damaged file. Expectations are the inputs written; counts are also read from
the SQLite file directly with the standard library."""

from __future__ import annotations

import inspect
import multiprocessing
import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from scoring.stores import access_log
from scoring.stores.access_log import COLUMNS, FILE_NAME, AccessLog

QUERY = "lang=zh&team=%E5%8C%97%E5%8C%BA&team=Team+East&kpi=a%3Db"


def rows_in(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT user, role, page, query, file FROM access_log").fetchall()
    finally:
        con.close()


def at_time(monkeypatch, *stamp: int) -> None:
    monkeypatch.setattr(access_log, "_now", lambda: datetime(*stamp, tzinfo=UTC))


def test_an_entry_comes_back_exactly_as_written(tmp_path, monkeypatch):
    log = AccessLog(tmp_path / FILE_NAME)
    at_time(monkeypatch, 2026, 5, 4, 9, 30, 15)
    log.record("王芳@example.com", "supervisor", "diagnostics", QUERY, "=HYPERLINK(1)-导出.csv")
    entries = log.entries()
    assert list(entries.columns) == list(COLUMNS)
    row = entries.iloc[0].to_dict()
    assert row["time"] == pd.Timestamp("2026-05-04 09:30:15", tz="UTC")
    assert (row["user"], row["role"], row["page"]) == (
        "王芳@example.com",
        "supervisor",
        "diagnostics",
    )
    assert row["query"] == QUERY
    assert row["file"] == "=HYPERLINK(1)-导出.csv"
    assert rows_in(tmp_path / FILE_NAME) == [
        ("王芳@example.com", "supervisor", "diagnostics", QUERY, "=HYPERLINK(1)-导出.csv")
    ]


def test_the_time_is_now_in_utc_to_the_second(tmp_path):
    log = AccessLog(tmp_path / FILE_NAME)
    before = datetime.now(UTC).replace(microsecond=0)
    log.record("a@x", "leadership", "overview", "")
    after = datetime.now(UTC)
    stamp = log.entries()["time"].iloc[0]
    assert before <= stamp.to_pydatetime() <= after
    assert stamp.microsecond == 0 and str(stamp.tz) == "UTC"


def test_open_access_is_recorded_with_an_empty_user_and_a_page_view_without_a_file(tmp_path):
    log = AccessLog(tmp_path / FILE_NAME)
    log.record(None, "leadership", "overview", "lang=en")
    row = log.entries().iloc[0]
    assert row["user"] == "" and row["role"] == "leadership"
    assert pd.isna(row["file"])
    assert rows_in(tmp_path / FILE_NAME) == [("", "leadership", "overview", "lang=en", None)]


def test_entries_are_newest_first_even_within_one_second(tmp_path, monkeypatch):
    log = AccessLog(tmp_path / FILE_NAME)
    at_time(monkeypatch, 2026, 5, 4, 9, 0, 0)
    for page in ("overview", "scorecard", "data"):
        log.record("a@x", "leadership", page, "")
    assert log.entries()["page"].tolist() == ["data", "scorecard", "overview"]
    assert log.entries(limit=2)["page"].tolist() == ["data", "scorecard"]


def test_filters_by_user_page_and_utc_days_both_included(tmp_path, monkeypatch):
    log = AccessLog(tmp_path / FILE_NAME)
    written = [
        ((2026, 4, 30, 23, 59, 59), "a@x", "overview"),
        ((2026, 5, 1, 0, 0, 0), "b@x", "overview"),
        ((2026, 5, 2, 12, 0, 0), "a@x", "scorecard"),
        ((2026, 5, 3, 0, 0, 0), "a@x", "overview"),
    ]
    for stamp, user, page in written:
        at_time(monkeypatch, *stamp)
        log.record(user, "leadership", page, f"n={stamp[2]}")
    assert log.entries(user="a@x")["query"].tolist() == ["n=3", "n=2", "n=30"]
    assert log.entries(page="overview")["query"].tolist() == ["n=3", "n=1", "n=30"]
    may = log.entries(start=date(2026, 5, 1), end=date(2026, 5, 2))
    assert may["query"].tolist() == ["n=2", "n=1"]
    assert log.entries(start=date(2026, 5, 3))["query"].tolist() == ["n=3"]
    assert log.entries(end=date(2026, 4, 30))["query"].tolist() == ["n=30"]
    assert log.entries(user="a@x", page="overview", end=date(2026, 5, 2))["query"].tolist() == [
        "n=30"
    ]
    assert log.entries(user="nobody@x").empty
    assert log.users() == ["a@x", "b@x"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"role": "boss"}, "unknown role 'boss'"),
        ({"page": "admin"}, "unknown page 'admin'"),
        ({"user": "u" * 321}, "user is too long"),
        ({"query": "q" * 8001}, "query is too long"),
        ({"file": "f" * 256}, "file is too long"),
        ({"file": ""}, "file must not be empty"),
        ({"query": None}, "query must be text"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(tmp_path, change, message):
    log = AccessLog(tmp_path / FILE_NAME)
    good = {"user": "a@x", "role": "trainer", "page": "capability", "query": "", "file": None}
    with pytest.raises(ValueError, match=message):
        log.record(**(good | change))
    assert rows_in(tmp_path / FILE_NAME) == []
    log.record(**good)
    assert len(rows_in(tmp_path / FILE_NAME)) == 1


def test_the_store_offers_no_way_to_change_an_entry(tmp_path, monkeypatch):
    public = {name for name, _ in inspect.getmembers(AccessLog) if not name.startswith("_")}
    assert public == {"record", "entries", "users", "repair"}  # repair: read-only
    executed: list[str] = []
    connect = access_log.sqlite_files.connect

    def traced(*args, **kwargs) -> sqlite3.Connection:
        con = connect(*args, **kwargs)
        con.set_trace_callback(executed.append)
        return con

    monkeypatch.setattr(access_log.sqlite_files, "connect", traced)
    log = AccessLog(tmp_path / FILE_NAME)
    log.record("a@x", "leadership", "overview", "")
    log.entries(user="a@x", page="overview", start=date(2026, 1, 1), end=date(2026, 1, 2))
    log.users()
    verbs = {" ".join(s.split()[:2]).upper() for s in executed}
    assert "INSERT INTO" in verbs and "SELECT ID," in verbs  # the trace sees the statements
    assert {v.split()[0] for v in verbs} <= {
        "PRAGMA",
        "CREATE",
        "SELECT",
        "INSERT",
        "BEGIN",
        "COMMIT",
    }
    assert not [v for v in verbs if v.startswith("INSERT") and v != "INSERT INTO"]


def test_the_table_refuses_update_and_delete_from_outside(tmp_path):
    path = tmp_path / FILE_NAME
    AccessLog(path).record("a@x", "leadership", "overview", "lang=en")
    con = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE access_log SET user = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM access_log")
    finally:
        con.close()
    assert rows_in(path) == [("a@x", "leadership", "overview", "lang=en", None)]


def test_entries_survive_a_restart(tmp_path):
    AccessLog(tmp_path / FILE_NAME).record("a@x", "agent", "scorecard", "agent=A001")
    again = AccessLog(tmp_path / FILE_NAME)
    assert again.repair is None
    assert again.entries()["query"].tolist() == ["agent=A001"]


def test_the_state_dir_setting_places_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    AccessLog().record("a@x", "leadership", "data", "")
    assert len(rows_in(tmp_path / "state" / FILE_NAME)) == 1


def test_two_threads_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / FILE_NAME
    logs = [AccessLog(path), AccessLog(path)]  # two sessions, one file
    barrier = threading.Barrier(2, timeout=30)

    def write(log: AccessLog, user: str) -> None:
        barrier.wait()
        for i in range(25):
            log.record(user, "leadership", "overview", f"i={i}")

    threads = [threading.Thread(target=write, args=(g, u)) for g, u in zip(logs, "xy", strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a writer did not finish"
    written = sorted((row[0], row[3]) for row in rows_in(path))
    assert written == sorted((u, f"i={i}") for u in "xy" for i in range(25))


def _write_in_process(path: str, user: str, count: int) -> None:
    log = AccessLog(path)
    for i in range(count):
        log.record(user, "supervisor", "scorecard", f"i={i}", f"{user}{i}.csv")


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / FILE_NAME)
    spawn = multiprocessing.get_context("spawn")  # both open a file that does not exist yet
    workers = [spawn.Process(target=_write_in_process, args=(path, u, 25)) for u in "pq"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    files = sorted(row[4] for row in rows_in(Path(path)))
    assert files == sorted(f"{u}{i}.csv" for u in "pq" for i in range(25))


def test_a_damaged_file_is_moved_aside_and_named_in_the_warning(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_bytes(b"this is not an sqlite database, it was damaged" * 20)
    log = AccessLog(path)
    assert log.repair is not None and log.repair.path == path
    aside = list(tmp_path.glob(f"{FILE_NAME}.damaged-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"this is not an sqlite")
    assert log.repair.moved_to == aside[0]
    log.record("a@x", "leadership", "overview", "")
    assert len(log.entries()) == 1
    assert AccessLog(path).repair is None
