"""The access log (访问日志): who opened which page with which filters, and what they
downloaded — user, role, time (UTC, seconds), page, the page's URL query string, file name.

Append-only by design: this module has a way to add an entry and ways to read them, and
none to change or remove one; the table itself refuses UPDATE and DELETE (triggers), so a
tool writing to the file directly cannot rewrite history either. Each entry is one
transaction, so a crash leaves the entry whole or absent, never half written.

Kept in an SQLite file under the state folder (setting "state_dir"), like the improvement
actions (scoring/stores/actions.py): WAL mode and a busy timeout let many sessions write at once
without losing an entry. A damaged file is moved aside and every entry still readable in
it is copied into a new log (`AccessLog.repair` names both files and the count); a log that
cannot be read or written now raises `sqlite_files.Unavailable`.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from scoring.access import ALL_PAGES, ROLES_BY_ID
from scoring.settings import setting
from scoring.stores import sqlite_files

FILE_NAME = "access_log.sqlite"
BUSY_TIMEOUT_S = 10
COLUMNS = ("id", "time", "user", "role", "page", "query", "file")
# Caps on what one entry may hold: an e-mail address is at most 254 characters, a file name
# 255 bytes on common file systems; the query holds every sidebar filter.
MAX_USER = 320
MAX_QUERY = 8000
MAX_FILE = 255

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS access_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        user TEXT NOT NULL,
        role TEXT NOT NULL,
        page TEXT NOT NULL,
        query TEXT NOT NULL,
        file TEXT
    )""",
    """CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END""",
)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _text(name: str, value, cap: int) -> str:
    """The value as text, unchanged (the log keeps exactly what happened), within `cap`."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {type(value).__name__}")
    if len(value) > cap:
        raise ValueError(f"{name} is too long ({len(value)} characters, at most {cap})")
    return value


def validate(user, role, page, query, file=None) -> tuple[str, str, str, str, str | None]:
    """The fields of a new entry, or ValueError naming the first bad one.

    The user may be empty (open access: no access file, nobody is identified)."""
    user = _text("user", "" if user is None else user, MAX_USER)
    if role not in ROLES_BY_ID:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES_BY_ID)})")
    if page not in ALL_PAGES:
        raise ValueError(f"unknown page {page!r} (known: {', '.join(ALL_PAGES)})")
    query = _text("query", query, MAX_QUERY)
    if file is not None and not _text("file", file, MAX_FILE):
        raise ValueError("file must not be empty (None when nothing was downloaded)")
    return user, role, page, query, file


def _day_start(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()


class AccessLog:
    """The access log in one SQLite file; safe to use from several threads and processes."""

    def __init__(self, path: str | Path | None = None):
        folder = Path(setting("state_dir")) if path is None else None
        self._file = sqlite_files.StoreFile(
            Path(path) if path is not None else folder / FILE_NAME,
            BUSY_TIMEOUT_S,
            schema=_create_tables,
            restore=lambda moved_to, con: sqlite_files.copy_rows(moved_to, con, "access_log"),
        )
        self.path = self._file.path

    @property
    def repair(self) -> sqlite_files.Repair | None:
        """The damaged file this log replaced, if any (see sqlite_files.StoreFile)."""
        return self._file.repair

    def record(
        self, user: str | None, role: str, page: str, query: str, file: str | None = None
    ) -> None:
        """Append one entry, stamped now (UTC, whole seconds), in one transaction."""
        fields = validate(user, role, page, query, file)
        self._file.run(lambda con: _append(con, (_now().isoformat(), *fields)))

    def entries(
        self,
        user: str | None = None,
        page: str | None = None,
        start: date | None = None,
        end: date | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Entries newest first (in the order they were written), of one user / page and
        from `start` to `end` (UTC days, both included) when given; at most `limit`.

        Columns: COLUMNS; `time` is a UTC timestamp, `file` is missing (NA) for a page view."""
        after = _day_start(start) if start else None
        before = _day_start(end + timedelta(days=1)) if end else None
        sql = (
            "SELECT id, time, user, role, page, query, file FROM access_log"
            " WHERE (? IS NULL OR user = ?) AND (? IS NULL OR page = ?)"
            " AND (? IS NULL OR time >= ?) AND (? IS NULL OR time < ?)"
            " ORDER BY id DESC LIMIT ?"
        )
        limit = -1 if limit is None else limit  # SQLite: a negative limit is no limit
        values = (user, user, page, page, after, after, before, before, limit)
        rows = self._file.run(lambda con: con.execute(sql, values).fetchall())
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        frame["time"] = pd.to_datetime(frame["time"], utc=True)
        return frame

    def users(self) -> list[str]:
        """Every user with an entry, sorted (for a filter's options)."""
        sql = "SELECT DISTINCT user FROM access_log ORDER BY user"
        rows = self._file.run(lambda con: con.execute(sql).fetchall())
        return [row[0] for row in rows]


def _create_tables(connection: sqlite3.Connection) -> None:
    for statement in _SCHEMA:
        connection.execute(statement)


def _append(con: sqlite3.Connection, values: tuple) -> None:
    """Insert one entry in one transaction."""
    sqlite_files.in_transaction(
        con,
        lambda con: con.execute(
            "INSERT INTO access_log (time, user, role, page, query, file)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            values,
        ),
    )
