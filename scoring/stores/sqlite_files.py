"""What the SQLite stores (scenarios, improvement actions, the access log) share: opening a
store file that several sessions may open at the same moment, telling a busy file from a
damaged one, salvaging what a damaged file still holds, and naming what stops a store now.

- **Busy is not damage.** A file another connection is writing is *busy*: opening waits for
  it (busy timeout), and switching a new file to the WAL journal — which SQLite does not wait
  for — is retried until the same timeout.
- **A new store is made whole, then linked into place** (under a temporary name first), so a
  store file is never seen half made, and a zero-length file at a store's path is never one
  being created: it is damage (SQLite itself would take it for an empty database and the
  saves would vanish without a word).
- **Damage** — a file SQLite reports as not a database or corrupt, a zero-length file, a
  file without the store's table — found when opening or at any later read or write, is
  repaired once, under a lock: the file (with its journal files) is moved aside to
  `<name>.damaged-<time>`, a new store is made, and every row that can still be read in the
  moved file is copied into it (`readable_rows`); `StoreFile.repair` names both files and
  the count. The work that met the damage is then done again on the new store.
- **Unavailable**: a read-only or missing state folder, a full disk, an I/O error or a writer
  that holds the file past the timeout raise `Unavailable` with a `problem` code the
  dashboard words; nothing is changed, and the next use tries again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from scoring.data.sql import ident

_BUSY_CODES = ("SQLITE_BUSY", "SQLITE_LOCKED")
_DAMAGED_CODES = ("SQLITE_NOTADB", "SQLITE_CORRUPT")
_RETRY_PAUSE_S = 0.02
PROBLEMS = ("read_only", "disk_full", "busy", "io_error")
# SQLite's (extended) result code names, by prefix, and errno values, for each problem
_PROBLEM_CODES = {
    "read_only": ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH"),
    "disk_full": ("SQLITE_FULL",),
    "busy": _BUSY_CODES,
    "io_error": ("SQLITE_IOERR",),
}
_PROBLEM_ERRNOS = {
    # EEXIST, ENOTDIR: a file where the state folder (or a folder above it) should be
    "read_only": (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST),
    "disk_full": (errno.ENOSPC, errno.EDQUOT),
}
_ROWS_PER_BYTE_BOUND = 8  # a stored row takes at least 8 bytes of its page (cell + pointer)
T = TypeVar("T")


class Damaged(sqlite3.DatabaseError):
    """A store file that opens but fails SQLite's integrity check, or is empty."""


class Unavailable(Exception):
    """The store's file cannot be read or written now; `problem` is one of PROBLEMS,
    `folder` the state folder, `detail` what the system said."""

    def __init__(self, path: Path, problem: str, detail: str):
        super().__init__(f"{path}: {problem} ({detail})")
        self.path, self.problem, self.detail = path, problem, detail

    @property
    def folder(self) -> Path:
        return self.path.parent


@dataclass(frozen=True)
class Repair:
    """A damaged store file replaced: `path` (the new store) and `moved_to` (the damaged
    file; None when the file was gone), why (`reason`, SQLite's words) and how many rows
    could be read and were copied."""

    path: Path
    moved_to: Path | None
    reason: str
    salvaged: int


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
    """SQLite's word for a damaged file; also a missing table, which every store makes when
    it opens the file (so a file without it is no longer that store)."""
    if isinstance(exc, Damaged):
        return True
    name = getattr(exc, "sqlite_errorname", "")
    return name in _DAMAGED_CODES or "malformed" in str(exc) or "no such table" in str(exc)


def problem_of(exc: OSError | sqlite3.Error) -> str | None:
    """Which of PROBLEMS an error is (None: neither damage nor one of them)."""
    if isinstance(exc, OSError):
        found = (p for p, numbers in _PROBLEM_ERRNOS.items() if exc.errno in numbers)
        return next(found, "io_error")
    name = getattr(exc, "sqlite_errorname", "")
    for problem, codes in _PROBLEM_CODES.items():
        if name.startswith(codes):
            return problem
    return "busy" if is_busy(exc) else None


def move_aside(path: Path) -> Path:
    """Rename a damaged store (and its -wal/-shm files) to `<name>.damaged-<time>`."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    backup = path.with_name(f"{path.name}.damaged-{stamp}")
    path.replace(backup)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(backup.with_name(backup.name + suffix))
    return backup


# ---------------------------------------------------------------------------------------
# Salvage


def readable_rows(path: Path, table: str) -> list[tuple]:
    """Every row of `table` that can still be read in a damaged file, by rowid (its columns
    in table order; an INTEGER PRIMARY KEY column holds the rowid, so ids are kept).

    The file is opened read-only, and as immutable (no -wal or -shm file made next to it)
    unless it has a WAL journal of its own to read. `writable_schema` makes SQLite use the
    pages the file has when its header counts more (a truncated file), instead of refusing
    the file. Rows
    are read in rowid ranges; a range that meets an unreadable page is halved until the
    rows on readable pages are read and each unreadable one is skipped alone. Rowids run up
    to the largest the file still names (max(rowid), sqlite_sequence), or, when neither can
    be read, as far as the file's size could hold rows. A file SQLite cannot open at all
    (garbage over its header) yields nothing.
    """
    has_journal = Path(f"{path}-wal").exists()
    address = path.resolve().as_uri() + ("?mode=ro" if has_journal else "?mode=ro&immutable=1")
    with contextlib.suppress(sqlite3.DatabaseError):
        connection = sqlite3.connect(address, uri=True)
        try:
            connection.execute("PRAGMA writable_schema = ON")
            rows: dict[int, tuple] = {}
            _read_range(connection, table, 1, _last_rowid(connection, table, path), rows)
            return [rows[rowid] for rowid in sorted(rows)]
        finally:
            connection.close()
    return []


def _read_range(connection, table: str, low: int, high: int, into: dict[int, tuple]) -> None:
    if low > high:
        return
    name = ident(table)
    try:
        if low == high:  # a lookup, not a scan: it reads no neighbouring page
            found = connection.execute(
                f"SELECT rowid, * FROM {name} WHERE rowid = ?", (low,)
            ).fetchall()
        else:
            found = connection.execute(
                f"SELECT rowid, * FROM {name} WHERE rowid BETWEEN ? AND ?", (low, high)
            ).fetchall()
    except sqlite3.DatabaseError:
        if low == high:
            return  # this row's page cannot be read
        middle = (low + high) // 2
        _read_range(connection, table, low, middle, into)
        _read_range(connection, table, middle + 1, high, into)
        return
    into.update((row[0], tuple(row[1:])) for row in found)


def _last_rowid(connection: sqlite3.Connection, table: str, path: Path) -> int:
    for sql, values in (
        (f"SELECT max(rowid) FROM {ident(table)}", ()),
        ("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)),
    ):
        with contextlib.suppress(sqlite3.DatabaseError):
            row = connection.execute(sql, values).fetchone()
            if row and row[0] is not None:
                return int(row[0])
    return path.stat().st_size // _ROWS_PER_BYTE_BOUND


# ---------------------------------------------------------------------------------------
# One store's file


class _UseLock:
    """Many uses of one store file at once, or one repair alone (in this process).

    A repair renames the file and its journal: a connection still open on the old file
    would, when it closes, delete the journal by its name — the new store's. So a repair
    waits until no connection of this process is open on the file, and new uses wait for it.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._users = 0
        self._repairing = False

    @contextlib.contextmanager
    def use(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._repairing)
            self._users += 1
        try:
            yield
        finally:
            with self._changed:
                self._users -= 1
                self._changed.notify_all()

    @contextlib.contextmanager
    def alone(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._repairing)
            self._repairing = True
            self._changed.wait_for(lambda: self._users == 0)
        try:
            yield
        finally:
            with self._changed:
                self._repairing = False
                self._changed.notify_all()


_USE_LOCKS: dict[Path, _UseLock] = {}
_USE_LOCKS_GUARD = threading.Lock()


def _use_lock(path: Path) -> _UseLock:
    """One lock per store file in this process, whichever store object opened it."""
    with _USE_LOCKS_GUARD:
        return _USE_LOCKS.setdefault(path.resolve(), _UseLock())


@contextlib.contextmanager
def _unavailable_as_error(path: Path) -> Iterator[None]:
    """OS and SQLite errors that are one of PROBLEMS, raised as `Unavailable`."""
    try:
        yield
    except (OSError, sqlite3.OperationalError) as exc:
        if isinstance(exc, sqlite3.DatabaseError) and is_damaged(exc):
            raise
        problem = problem_of(exc)
        if problem is None:
            raise
        raise Unavailable(path, problem, str(exc)) from exc


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at `path` (device, inode); None when there is none."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


class StoreFile:
    """The SQLite file of one store: made whole when new, checked when opened, repaired
    when found damaged (then or later), and each piece of work run on its own connection.

    `schema(connection)` creates the store's tables (IF NOT EXISTS); `restore(moved_to,
    connection)` copies what can be read from a damaged file into the new one and returns
    how many rows it kept; `configure(connection)` sets each connection up (row factory,
    pragmas). A file that is unavailable when the store is made is opened at its next use.
    """

    def __init__(
        self,
        path: Path,
        busy_timeout_s: float,
        schema: Callable[[sqlite3.Connection], None],
        restore: Callable[[Path, sqlite3.Connection], int],
        configure: Callable[[sqlite3.Connection], None] = lambda connection: None,
    ):
        self.path = Path(path)
        self.repair: Repair | None = None  # the last repair of this file by this store
        self._timeout, self._schema, self._restore = busy_timeout_s, schema, restore
        self._configure = configure
        self._lock = _use_lock(self.path)
        self._opened = False
        with contextlib.suppress(Unavailable):
            self._open()

    def connect(self) -> sqlite3.Connection:
        """A configured connection; Damaged when the file is empty or gone (see the module
        doc: SQLite would make an empty database there)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            raise Damaged("the file is missing") from None
        if size == 0:
            raise Damaged("the file is empty (0 bytes)")
        connection = connect(self.path, self._timeout)
        self._configure(connection)
        return connection

    def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(connection)`, on the repaired store when it meets damage; Unavailable when
        the file cannot be used now (the work's own errors pass through)."""
        with _unavailable_as_error(self.path):
            if not self._opened:
                self._open()
            before = _identity(self.path)
            try:
                with self._lock.use():
                    return self._on_connection(work)
            except sqlite3.DatabaseError as exc:
                if is_damaged(exc):
                    self._repair(exc)
                elif _identity(self.path) == before:
                    raise
                # else another process's repair replaced the file under this connection
            with self._lock.use():
                return self._on_connection(work)

    def _on_connection(self, work: Callable[[sqlite3.Connection], T]) -> T:
        connection = self.connect()
        try:
            return work(connection)
        finally:
            connection.close()

    def _open(self) -> None:
        with _unavailable_as_error(self.path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                self._create()
            try:
                with self._lock.use():
                    self._check()
            except sqlite3.DatabaseError as exc:
                if not is_damaged(exc):
                    raise
                self._repair(exc)
            self._opened = True

    def _check(self) -> None:
        """The file is in WAL mode, has the store's tables and passes SQLite's quick check."""

        def check(connection: sqlite3.Connection) -> None:
            use_wal(connection, self._timeout)
            self._schema(connection)
            (result,) = connection.execute("PRAGMA quick_check").fetchone()
            if result != "ok":
                raise Damaged(result)

        self._on_connection(check)

    def _create(self, fill: Callable[[sqlite3.Connection], None] | None = None) -> bool:
        """Make a new store under a temporary name (with `fill` done on it) and link it to
        the path, so it appears whole; False when another session linked its own first
        (theirs is the store)."""
        temporary = self.path.with_name(f".{self.path.name}.new-{uuid.uuid4().hex}")
        try:
            connection = connect(temporary, self._timeout)
            try:
                use_wal(connection, self._timeout)
                self._schema(connection)
                if fill is not None:
                    fill(connection)
            finally:
                connection.close()
            try:
                os.link(temporary, self.path)
            except FileExistsError:
                return False
            return True
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{temporary}{suffix}").unlink(missing_ok=True)

    def _repair(self, error: sqlite3.DatabaseError) -> None:
        """Move the damaged file aside and put a new store, holding what could be read in
        it, in its place — unless another session of this process did so while this one
        waited for the lock. When another process put a store there first, what could be
        read is copied into that one."""
        with self._lock.alone():
            try:
                self._check()
                return  # repaired meanwhile
            except sqlite3.DatabaseError as again:
                if not is_damaged(again):
                    raise
            if not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._create()
                self.repair = Repair(self.path, None, str(error), 0)
                return
            moved_to = move_aside(self.path)
            kept: list[int] = []

            def restore(connection: sqlite3.Connection) -> None:
                kept.append(self._restore(moved_to, connection))

            if not self._create(restore):
                self._on_connection(restore)
            self.repair = Repair(self.path, moved_to, str(error), kept[-1])


def in_transaction(connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """`work(connection)` as one transaction (BEGIN IMMEDIATE … COMMIT), rolled back when it
    fails: a crash or an error never leaves half a change."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = work(connection)
    except BaseException:
        if connection.in_transaction:  # SQLite ends it itself on some errors (a full disk)
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return result


def copy_rows(moved_to: Path, connection: sqlite3.Connection, table: str) -> int:
    """`restore` for a store whose rows are kept as they were: every readable row of
    `table` inserted (ids kept) into the new store in one transaction. An AUTOINCREMENT
    table also keeps the damaged file's last id where it can be read, so an id of a row
    that could not be read is not given to a new one."""
    rows = readable_rows(moved_to, table)
    last_ids = [seq for name, seq in readable_rows(moved_to, "sqlite_sequence") if name == table]

    def insert(connection: sqlite3.Connection) -> None:
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            connection.executemany(f"INSERT INTO {ident(table)} VALUES ({marks})", rows)
        if last_ids:
            connection.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (last_ids[0], table)
            )
            connection.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS"
                " (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
                (table, last_ids[0], table),
            )

    in_transaction(connection, insert)
    return len(rows)
