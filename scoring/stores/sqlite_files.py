"""What the two SQLite stores (scenarios, improvement actions) share: opening a store file
that several sessions may open at the same moment, and telling a busy file from a damaged one.

A file another connection is writing is *busy*, not damaged: opening waits for it (busy
timeout), and switching a new file to the WAL journal — which SQLite does not wait for —
is retried until the same timeout. Only a file SQLite reports as not a database, or
corrupt, counts as damaged; such a file is moved aside with its journal files.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

_BUSY_CODES = ("SQLITE_BUSY", "SQLITE_LOCKED")
_DAMAGED_CODES = ("SQLITE_NOTADB", "SQLITE_CORRUPT")
_RETRY_PAUSE_S = 0.02


class Damaged(sqlite3.DatabaseError):
    """A store file that opens but fails SQLite's integrity check."""


def connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """An autocommit connection that waits up to `busy_timeout_s` for other writers."""
    connection = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    return connection


def use_wal(connection: sqlite3.Connection, busy_timeout_s: float) -> None:
    """Switch the file to the WAL journal, retrying while another connection holds it.

    SQLite answers "database is locked" at once, without its busy handler, when two
    connections switch a new file at the same moment.
    """
    deadline = time.monotonic() + busy_timeout_s
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(_RETRY_PAUSE_S)


def is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name in _BUSY_CODES or "locked" in str(exc)


def is_damaged(exc: sqlite3.Error) -> bool:
    if isinstance(exc, Damaged):
        return True
    name = getattr(exc, "sqlite_errorname", "")
    return name in _DAMAGED_CODES or "malformed" in str(exc)


def move_aside(path: Path, label: str) -> Path:
    """Rename a damaged store (and its -wal/-shm files) to `<name>.<label>-<time>`."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    backup = path.with_name(f"{path.name}.{label}-{stamp}")
    path.replace(backup)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(backup.with_name(backup.name + suffix))
    return backup


def open_or_start_afresh(path: Path, init: Callable[[], None], what: str) -> str | None:
    """Run `init` (create or check the store at `path`). A file that is not a readable
    database is moved aside and a fresh store started; the returned warning names both
    files (None when the file was fine). Busy is not damage: it is raised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        init()
        return None
    except sqlite3.DatabaseError as error:
        if not is_damaged(error):
            raise
        aside = move_aside(path, "corrupt")
        init()
        return (
            f"{path} could not be read as {what} ({error}); it was moved to {aside} and a "
            "new, empty one was started"
        )
