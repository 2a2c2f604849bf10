"""Atomic writing, incremental import, history and undo (scoring/ingest/write.py)."""

from __future__ import annotations

import errno
import threading
from datetime import timedelta

import duckdb
import pandas as pd
import pytest

from scoring.data.dataset import open_dataset
from scoring.ingest import write
from scoring.ingest.write import (
    ImportBusy,
    ImportRejected,
    NothingToUndo,
    current_path,
    current_version,
    read_history,
    undo_last,
    write_dataset,
)
from tests.builders import T0, agent, survey, ticket


def frames(tickets: list[dict], agents: list[dict], surveys: list[dict]) -> dict:
    return {
        "tickets": pd.DataFrame(tickets),
        "agents": pd.DataFrame(agents),
        "surveys": pd.DataFrame(surveys),
    }


def first_export() -> dict:
    tickets = [
        ticket("T1", "A1", 0, resolved_at=30, handle_minutes=10.0),
        ticket("T2", "A1", 60, resolved_at=90, handle_minutes=12.0),
        ticket("T3", "A2", 60 * 24 * 40, handle_minutes=20.0),  # a month later
    ]
    agents = [agent("A1"), agent("A2", team="T2")]
    return frames(tickets, agents, [survey("S1", "T1", 5), survey("S2", "T2", 3)])


def next_export() -> dict:
    """T2 updated (resolved later, more handle time), T4 and T5 new, a new agent A3."""
    tickets = [
        ticket("T2", "A1", 60, resolved_at=240, handle_minutes=45.0),
        ticket("T4", "A3", 60 * 24 * 70, resolved_at=20, handle_minutes=5.0),
        ticket("T5", "A2", 60 * 24 * 71, handle_minutes=7.0),
    ]
    agents = [agent("A1"), agent("A3", team="T2")]
    return frames(tickets, agents, [survey("S3", "T4", 4)])


def read_tickets(target) -> pd.DataFrame:
    """The current tickets as plain pandas reads them (hive partitions give `month`)."""
    frame = pd.read_parquet(current_path(target) / "tickets")
    return frame.sort_values("ticket_id", ignore_index=True)


def snapshot(target) -> dict[str, pd.DataFrame]:
    dataset = open_dataset(current_path(target))
    return {
        name: dataset.query(f"SELECT * EXCLUDE (_source, _row) FROM raw_{name} ORDER BY 1")
        for name in ("tickets", "agents", "surveys")
    }


def folders(target) -> list[str]:
    return sorted(p.name for p in (target / "versions").iterdir())


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def imported(con, tmp_path):
    target = tmp_path / "data"
    write_dataset(con, first_export(), target, sources=["jan.csv"], user="li")
    return target


def test_first_import_writes_a_version_that_opens(con, tmp_path):
    target = tmp_path / "data"
    result = write_dataset(con, first_export(), target, sources=["jan.csv"], user="li")
    assert result.version == 1 and result.previous_version is None
    assert (target / "current").is_symlink() and current_version(target) == 1
    assert result.counts["tickets"] == write.TableCounts(rows=3, added=3)
    months = sorted(p.name for p in (target / "versions" / "1" / "tickets").iterdir())
    assert months == ["month=2026-03", "month=2026-04"]
    dataset = open_dataset(current_path(target))
    assert dataset.scalar("SELECT count(*) FROM tickets") == 3
    assert dataset.report.tables["surveys"].accepted == 2
    (entry,) = read_history(target)
    assert entry["action"] == "import" and entry["files"] == ["jan.csv"] and entry["user"] == "li"
    assert entry["time"].endswith("+00:00") and entry["tables"]["tickets"]["added"] == 3


def test_sql_and_relations_are_accepted(con, tmp_path):
    export = first_export()
    con.register("src_tickets", export["tickets"])
    tables = {
        "tickets": "SELECT * FROM src_tickets",
        "agents": con.from_df(export["agents"]),
        "surveys": export["surveys"],
    }
    result = write_dataset(con, tables, tmp_path / "data")
    assert result.counts["tickets"].rows == 3


def test_append_merges_by_id(con, imported):
    result = write_dataset(con, next_export(), imported, append=True, sources=["feb.csv"])
    assert result.version == 2 and result.previous_version == 1
    tickets = result.counts["tickets"]
    assert (tickets.rows, tickets.added, tickets.updated, tickets.unchanged) == (5, 2, 1, 0)
    agents = result.counts["agents"]
    assert (agents.rows, agents.added, agents.updated, agents.unchanged) == (3, 1, 0, 1)
    assert (result.counts["surveys"].rows, result.counts["surveys"].added) == (3, 1)
    frame = read_tickets(imported)
    assert frame["ticket_id"].tolist() == ["T1", "T2", "T3", "T4", "T5"]
    t2 = frame.set_index("ticket_id").loc["T2"]
    assert t2["handle_minutes"] == 45.0
    assert t2["resolved_at"] == T0 + timedelta(minutes=300)
    assert open_dataset(current_path(imported)).report.tables["tickets"].excluded == 0
    assert read_history(imported)[-1]["tables"]["tickets"]["updated"] == 1


def test_appending_the_same_file_again_adds_nothing(con, imported):
    write_dataset(con, next_export(), imported, append=True)
    before = snapshot(imported)
    result = write_dataset(con, next_export(), imported, append=True)
    tickets = result.counts["tickets"]
    assert (tickets.rows, tickets.added, tickets.updated, tickets.unchanged) == (5, 0, 0, 3)
    after = snapshot(imported)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])


def test_undo_restores_the_previous_rows_exactly(con, imported):
    before = snapshot(imported)
    write_dataset(con, next_export(), imported, append=True)
    assert undo_last(imported, user="wang") == 1
    assert current_version(imported) == 1
    after = snapshot(imported)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    entry = read_history(imported)[-1]
    assert entry["action"] == "undo" and entry["undone_version"] == 2 and entry["user"] == "wang"
    # The next import gets a fresh number and builds on the version now current.
    result = write_dataset(con, next_export(), imported, append=True)
    assert (result.version, result.previous_version) == (3, 1)


def test_undo_without_a_previous_version_is_a_clear_error(con, tmp_path, imported):
    with pytest.raises(NothingToUndo, match="version 1 is the first"):
        undo_last(imported)
    with pytest.raises(NothingToUndo, match="nothing has been imported"):
        undo_last(tmp_path / "empty")


def assert_unchanged(target, before) -> None:
    """Version 1 still current and whole; no version or staging folder left over."""
    assert current_version(target) == 1
    assert folders(target) == ["1"]
    assert len(read_history(target)) == 1
    after = snapshot(target)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])


def test_a_fatal_problem_is_not_switched_to(con, imported):
    before = snapshot(imported)
    export = next_export()
    export["tickets"]["created_at"] = export["tickets"]["created_at"].astype(str)
    export["tickets"].loc[1, "created_at"] = "not a date"
    with pytest.raises(ImportRejected) as caught:
        write_dataset(con, export, imported, append=True)
    assert any("created_at" in p and "not a date" in p for p in caught.value.problems)
    assert_unchanged(imported, before)


def test_a_missing_required_column_is_rejected_with_the_problem_listed(con, imported):
    before = snapshot(imported)
    export = first_export()
    export["agents"] = export["agents"].drop(columns="team")
    with pytest.raises(ImportRejected, match="team"):
        write_dataset(con, export, imported)
    assert_unchanged(imported, before)


def test_an_exception_mid_write_leaves_the_previous_version(con, imported, monkeypatch):
    before = snapshot(imported)
    real = write._copy_to_parquet
    calls = []

    def fail_on_third(con, select, path, partition_by):
        calls.append(path)
        if len(calls) == 3:
            raise RuntimeError("boom")
        real(con, select, path, partition_by)

    monkeypatch.setattr(write, "_copy_to_parquet", fail_on_third)
    with pytest.raises(RuntimeError, match="boom"):
        write_dataset(con, next_export(), imported, append=True)
    assert len(calls) == 3
    assert_unchanged(imported, before)


def test_a_full_disk_leaves_the_previous_version(con, imported, monkeypatch):
    before = snapshot(imported)
    real = write._copy_to_parquet

    def disk_full(con, select, path, partition_by):
        real(con, select, path, partition_by)  # a partial table is on disk …
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(write, "_copy_to_parquet", disk_full)
    with pytest.raises(OSError) as caught:
        write_dataset(con, next_export(), imported, append=True)
    assert caught.value.errno == errno.ENOSPC
    assert_unchanged(imported, before)


def test_two_imports_at_once_run_one_after_the_other(tmp_path):
    target = tmp_path / "data"
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(export):
        connection = duckdb.connect()
        try:
            barrier.wait()
            results.append(write_dataset(connection, export, target, append=True))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(e(),)) for e in (first_export, next_export)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.version for r in results) == [1, 2]
    assert folders(target) == ["1", "2"]
    assert [e["version"] for e in read_history(target)] == [1, 2]
    assert [e["previous_version"] for e in read_history(target)] == [None, 1]
    frame = read_tickets(target)
    assert frame["ticket_id"].tolist() == ["T1", "T2", "T3", "T4", "T5"]


def test_a_busy_target_fails_clearly_after_the_timeout(con, imported):
    busy = pytest.raises(ImportBusy, match="another import is running")
    with write._locked(imported, 1.0), busy:
        write_dataset(con, next_export(), imported, append=True, lock_timeout=0.1)
    assert current_version(imported) == 1


def test_leftover_staging_is_removed_and_foreign_folders_refused(con, imported, tmp_path):
    (imported / "versions" / ".staging-9-dead").mkdir()
    write_dataset(con, next_export(), imported, append=True)
    assert folders(imported) == ["1", "2"]
    foreign = tmp_path / "export"
    foreign.mkdir()
    (foreign / "tickets.parquet").write_bytes(b"")
    with pytest.raises(write.WriteError, match="not an import target"):
        write_dataset(con, first_export(), foreign)


def test_inputs_are_stored_in_the_contract_types(con, tmp_path):
    export = first_export()
    export["agents"]["hourly_cost"] = [30, 40]  # whole numbers for a float column
    created = export["tickets"]["created_at"]
    export["tickets"]["created_at"] = created.dt.tz_localize("Asia/Shanghai")
    export["tickets"]["contacts"] = ["1", "2", "1"]  # text for an int column
    target = tmp_path / "data"
    write_dataset(con, export, target)
    schema = duckdb.sql(
        f"DESCRIBE SELECT * FROM read_parquet('{current_path(target)}/tickets/*/*.parquet')"
    ).df()
    types = dict(zip(schema["column_name"], schema["column_type"], strict=True))
    assert (types["created_at"], types["contacts"]) == ("TIMESTAMP", "BIGINT")
    frame = read_tickets(target)
    assert frame["created_at"].tolist() == (created - timedelta(hours=8)).tolist()  # UTC wall
    assert pd.read_parquet(current_path(target) / "agents.parquet")["hourly_cost"].dtype == float


def test_a_non_whole_number_for_an_int_column_is_rejected_before_writing(con, tmp_path):
    export = first_export()
    export["tickets"]["contacts"] = [1.0, 2.5, 1.0]
    target = tmp_path / "data"
    with pytest.raises(ImportRejected, match="contacts .* holds '2.5'"):
        write_dataset(con, export, target)
    assert current_version(target) is None and folders(target) == []
