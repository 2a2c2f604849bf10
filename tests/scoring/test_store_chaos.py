"""The three SQLite stores under damage and an unusable disk (scoring/stores/sqlite_files.py):
a zero-length file, garbage bytes, a file cut in the middle of its pages after real saves,
damage while the store is in use, a state folder that cannot be written, a full disk.

Each store is driven through its own API (`Kind` below). Expected counts come from outside
the salvage code: the rows written, and for a cut file SQLite's own page statistics of the
intact file (the `dbstat` table: which leaf page holds how many rows) — the rows on the
pages the cut leaves whole are the ones that can come back.
"""

from __future__ import annotations

import errno
import os
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from scoring.engine.policy import Policy
from scoring.scope import EVERYTHING
from scoring.stores import access_log, actions, scenarios, sqlite_files
from scoring.stores.sqlite_files import Unavailable

ROWS = 30
LONG = 600  # characters of free text per row: about six rows per 4 KiB page, no overflow


@dataclass(frozen=True)
class Kind:
    """How a test opens one kind of store, saves its i-th record and reads what it holds."""

    file: str
    table: str
    open: Callable[[Path], object]
    save: Callable[[object, int], None]
    saved: Callable[[object], list[str]]  # the records' own texts, as the store lists them


def _action(store: actions.ActionStore, i: int) -> None:
    store.add(EVERYTHING, "Team North", "fcr", f"{i:03d} " + "m" * LONG, "owner",
              "2026-01-01", "2026-02-01")  # fmt: skip


def _scenario(store: scenarios.ScenarioStore, i: int) -> None:
    store.save(scenarios.Scenario(f"s{i:03d}", Policy({"csat": 1.0}), author="a" * LONG))


def _entry(store: access_log.AccessLog, i: int) -> None:
    store.record(f"u{i:03d}@example.com", "leadership", "overview", "q=" + "x" * LONG)


KINDS = {
    "actions": Kind(
        actions.FILE_NAME,
        "actions",
        lambda folder: actions.ActionStore(folder / actions.FILE_NAME),
        _action,
        lambda store: [a.measure[:3] for a in store.list(EVERYTHING)],
    ),
    "scenarios": Kind(
        scenarios.STORE_FILE,
        "scenarios",
        scenarios.ScenarioStore,
        _scenario,
        lambda store: [s.name[1:] for s in store.list()],
    ),
    "access_log": Kind(
        access_log.FILE_NAME,
        "access_log",
        lambda folder: access_log.AccessLog(folder / access_log.FILE_NAME),
        _entry,
        lambda store: sorted(u[1:4] for u in store.entries()["user"]),
    ),
}
ALL = [f"{i:03d}" for i in range(ROWS)]


@pytest.fixture(params=sorted(KINDS))
def kind(request) -> Kind:
    return KINDS[request.param]


def filled(kind: Kind, folder: Path):
    store = kind.open(folder)
    for i in range(ROWS):
        kind.save(store, i)
    assert not (folder / f"{kind.file}-wal").exists()  # every save closed and checkpointed
    return store


def moved_files(folder: Path, kind: Kind) -> list[Path]:
    """The damaged files moved aside (without the journal files moved with them)."""
    moved = folder.glob(f"{kind.file}.damaged-*")
    return sorted(p for p in moved if not p.name.endswith(("-wal", "-shm")))


def rows_on_whole_pages(path: Path, table: str, kept_pages: int) -> int:
    """Rows of `table` on its leaf pages numbered 1..kept_pages (SQLite's dbstat of the
    intact file); the test also checks no row spills onto an overflow page."""
    connection = sqlite3.connect(path)
    try:
        pages = connection.execute(
            "SELECT pageno, pagetype, ncell FROM dbstat WHERE name = ?", (table,)
        ).fetchall()
    finally:
        connection.close()
    assert "overflow" not in {kind for _, kind, _ in pages}
    return sum(cells for page, kind, cells in pages if kind == "leaf" and page <= kept_pages)


def cut_in_half(path: Path) -> int:
    """Cut the file at the page boundary nearest its middle; the pages kept."""
    pages = path.stat().st_size // 4096
    kept = pages // 2
    with path.open("r+b") as file:
        file.truncate(kept * 4096)
    return kept


# ---------------------------------------------------------------------------------------
# Damaged files, found when the store opens


def test_a_zero_length_file_is_damage_not_an_empty_store(kind, tmp_path):
    (tmp_path / kind.file).write_bytes(b"")
    store = kind.open(tmp_path)
    (moved,) = moved_files(tmp_path, kind)
    assert store.repair.path == tmp_path / kind.file and store.repair.moved_to == moved
    assert store.repair.salvaged == 0 and "empty" in store.repair.reason
    assert moved.stat().st_size == 0
    kind.save(store, 7)
    assert kind.saved(kind.open(tmp_path)) == ["007"]
    assert kind.open(tmp_path).repair is None  # the new file is a sound store


def test_a_file_of_garbage_is_moved_aside_as_it_was(kind, tmp_path):
    garbage = random.Random(21).randbytes(8192)
    (tmp_path / kind.file).write_bytes(garbage)
    store = kind.open(tmp_path)
    (moved,) = moved_files(tmp_path, kind)
    assert moved.read_bytes() == garbage
    assert store.repair.salvaged == 0 and kind.saved(store) == []
    kind.save(store, 1)
    assert kind.saved(store) == ["001"]


def test_a_file_cut_in_the_middle_keeps_the_rows_of_its_whole_pages(kind, tmp_path):
    filled(kind, tmp_path)
    path = tmp_path / kind.file
    intact = tmp_path / "intact.sqlite"
    intact.write_bytes(path.read_bytes())
    kept_pages = cut_in_half(path)
    expected = rows_on_whole_pages(intact, kind.table, kept_pages)
    assert 0 < expected < ROWS  # the cut leaves some rows whole and loses others

    store = kind.open(tmp_path)
    assert store.repair.salvaged == expected
    assert kind.saved(store) == ALL[:expected]  # rows are appended in order, page by page
    (moved,) = moved_files(tmp_path, kind)
    assert store.repair.moved_to == moved and moved.stat().st_size == kept_pages * 4096
    kind.save(store, ROWS)  # the new store takes new saves
    assert kind.saved(kind.open(tmp_path)) == [*ALL[:expected], f"{ROWS:03d}"]


def test_ids_of_salvaged_actions_are_kept_and_new_ones_follow(tmp_path):
    kind = KINDS["actions"]
    filled(kind, tmp_path)
    cut_in_half(tmp_path / kind.file)
    store = kind.open(tmp_path)
    ids = [a.id for a in store.list(EVERYTHING)]
    assert ids == list(range(1, store.repair.salvaged + 1))
    kind.save(store, ROWS)
    assert store.list(EVERYTHING)[-1].id == ROWS + 1  # no id is given twice


# ---------------------------------------------------------------------------------------
# Damage while the store is in use


def test_damage_while_in_use_is_repaired_at_the_next_use(kind, tmp_path):
    store = filled(kind, tmp_path)
    path = tmp_path / kind.file
    intact = tmp_path / "intact.sqlite"
    intact.write_bytes(path.read_bytes())
    expected = rows_on_whole_pages(intact, kind.table, cut_in_half(path))
    assert store.repair is None
    assert kind.saved(store) == ALL[:expected]  # the same store object, still open
    assert store.repair.salvaged == expected and len(moved_files(tmp_path, kind)) == 1
    kind.save(store, ROWS)
    assert kind.saved(store) == [*ALL[:expected], f"{ROWS:03d}"]
    assert len(moved_files(tmp_path, kind)) == 1  # repaired once


def test_a_file_emptied_while_in_use_is_damage(kind, tmp_path):
    store = filled(kind, tmp_path)
    (tmp_path / kind.file).write_bytes(b"")
    kind.save(store, ROWS)  # the write meets the empty file, repairs it, then is done
    assert store.repair.salvaged == 0 and "empty" in store.repair.reason
    assert kind.saved(store) == [f"{ROWS:03d}"]


def test_one_repair_when_sessions_meet_the_damage_at_once(kind, tmp_path):
    import threading

    stores = [filled(kind, tmp_path)] + [kind.open(tmp_path) for _ in range(5)]
    cut_in_half(tmp_path / kind.file)
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda s=s: results.append(kind.saved(s))) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(moved_files(tmp_path, kind)) == 1
    # every session got the same salvaged records, none an error (a session whose read
    # was under way when the file was replaced does its work again on the new file)
    assert len(results) == len(stores) and all(r == results[0] for r in results)


# ---------------------------------------------------------------------------------------
# A state folder that cannot be written, a full disk


def test_a_folder_replaced_by_a_file_is_unavailable_and_loses_nothing(kind, tmp_path):
    # Tests run as root, where chmod does not stop writes: the state folder is moved away
    # and a plain file put in its place, so every open fails as in a folder one may not use.
    folder = tmp_path / "state"
    store = filled(kind, folder)
    folder.rename(tmp_path / "away")
    folder.write_text("not a folder")
    with pytest.raises(Unavailable) as reading:
        kind.saved(store)
    with pytest.raises(Unavailable) as writing:
        kind.save(store, ROWS)
    assert reading.value.problem == writing.value.problem == "read_only"
    assert reading.value.folder == folder
    folder.unlink()
    (tmp_path / "away").rename(folder)
    assert kind.saved(store) == ALL and store.repair is None
    assert moved_files(folder, kind) == []


def test_a_store_that_cannot_be_reached_when_made_is_opened_at_its_next_use(kind, tmp_path):
    folder = tmp_path / "state"
    folder.write_text("not a folder")  # the state folder is a file: nothing can be made
    store = kind.open(folder)  # making the store does not fail: the page can still draw
    with pytest.raises(Unavailable) as error:
        kind.saved(store)
    assert error.value.problem == "read_only"
    folder.unlink()
    kind.save(store, 3)
    assert kind.saved(store) == ["003"]


def read_only_connections(monkeypatch) -> None:
    """Every store connection opened read-only (SQLite's `mode=ro`): reads work and every
    write gets SQLite's own answer for a file it may not write, SQLITE_READONLY."""

    def read_only(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                               timeout=busy_timeout_s)  # fmt: skip

    monkeypatch.setattr(sqlite_files, "connect", read_only)


def test_a_read_only_file_refuses_writes_reads_on_and_loses_nothing(kind, tmp_path, monkeypatch):
    store = filled(kind, tmp_path)
    read_only_connections(monkeypatch)
    with pytest.raises(Unavailable) as error:
        kind.save(store, ROWS)
    assert error.value.problem == "read_only" and "readonly" in error.value.detail
    assert kind.saved(store) == ALL
    monkeypatch.undo()
    assert kind.saved(kind.open(tmp_path)) == ALL and moved_files(tmp_path, kind) == []


def full_disk(monkeypatch) -> None:
    """No room for one more page: each connection's `max_page_count` is the file's size, so
    a write that needs a new page gets SQLite's own answer for a full disk, SQLITE_FULL."""
    connect = sqlite_files.connect

    def no_room(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
        connection = connect(path, busy_timeout_s)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(sqlite_files, "connect", no_room)


def test_a_full_disk_refuses_the_write_and_loses_nothing(kind, tmp_path, monkeypatch):
    store = filled(kind, tmp_path)
    full_disk(monkeypatch)
    with pytest.raises(Unavailable) as error:
        for i in range(ROWS, ROWS + 10):  # the free room left in the last page fills first
            kind.save(store, i)
    assert error.value.problem == "disk_full" and "full" in error.value.detail
    stored = kind.saved(store)
    assert stored[:ROWS] == ALL and len(stored) < ROWS + 10
    monkeypatch.undo()
    assert kind.saved(kind.open(tmp_path)) == stored and moved_files(tmp_path, kind) == []


def test_no_space_for_a_new_store_file(kind, tmp_path, monkeypatch):
    # OSError(ENOSPC) injected where a new store is linked into place
    def no_space(*_):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sqlite_files.os, "link", no_space)
    store = kind.open(tmp_path)
    with pytest.raises(Unavailable) as error:
        kind.saved(store)
    assert error.value.problem == "disk_full"
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no file, half made or whole
    monkeypatch.undo()
    kind.save(store, 5)
    assert kind.saved(store) == ["005"]


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
        (PermissionError(errno.EACCES, "Permission denied"), "read_only"),
        (OSError(errno.EROFS, "Read-only file system"), "read_only"),
        (OSError(errno.EIO, "Input/output error"), "io_error"),
    ],
)
def test_what_the_system_says_is_named(error, problem):
    assert sqlite_files.problem_of(error) == problem
