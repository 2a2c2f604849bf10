"""Write an imported dataset atomically, merge incremental imports, keep a history, undo.

Folder layout of an import target (a "managed" dataset folder)::

    <target>/
      current -> versions/<n>     relative symlink: the dataset to open (`open_dataset`)
      versions/1/ versions/2/ …   complete dataset folders, never modified once written
      versions/.staging-<n>-*     a version being written (removed on failure or next import)
      history.jsonl               one JSON object per import or undo, appended
      .lock                       held (fcntl.flock) while an import or undo runs

Open the data with `open_dataset(target / "current")`; the symlink is followed like any
folder, so `scoring.data.dataset` needs nothing new.

What is written: per table the contract's columns the input has (others are dropped), in
the contract's types; tickets as `tickets/month=YYYY-MM/*.parquet` by `created_at`, every
other table as `<table>.parquet` (zstd). A value that does not convert to its column's type
rejects the import before anything is written (`ImportRejected`, one problem per column).

Why this is safe:

- a new version is written into a staging folder under `versions/`, validated with
  `open_dataset`, fsynced, renamed to `versions/<n>` and only then made current by replacing
  the `current` symlink with `os.replace` (rename(2): atomic, readers see the old or the new
  link, never none). Any failure before that (a fatal data problem, an exception, a full
  disk) removes the staging folder and leaves `current` as it was;
- `flock` on `.lock` serialises imports and undos across threads and processes (each call
  opens the file itself, so two threads of one process exclude each other too). A second
  import waits up to `lock_timeout` seconds, then raises `ImportBusy`. flock is released by
  the kernel when a process dies, so a crash leaves no stale lock (unlike O_EXCL files);
  staging folders a crash leaves behind are removed by the next import, under the lock;
- the history line is written after the switch with one `os.write` on an O_APPEND file. A
  crash between switch and history write loses that line (the data is still consistent;
  `undo_last` then falls back to the next lower version number).

Merge rules of `append=True` (tables with a unique id: tickets, agents, surveys):

- a row of the new export whose id is not in the current version is **added**; one whose id
  is there **replaces** every current row with that id: **updated** when any column differs,
  **unchanged** when the row is identical (so re-importing the same file adds nothing);
- rows are never dropped silently: repeated ids *within* the new export are all written and
  the data-quality rules exclude the later copies, as for any dataset;
- a replaced row is replaced whole: a column the new export lacks becomes empty for it;
- a table without an id (training, 360 …) given again replaces its previous rows; a table
  not given is carried over unchanged from the current version.

`excluded` counts the rows of the resulting version that the data-quality rules exclude.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import getpass
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from scoring.data.dataset import DatasetError, open_dataset
from scoring.data.quality import QualityReport
from scoring.data.sql import ident, literal, literal_list
from scoring.registry.contract import TABLES_BY_NAME, Table

VERSIONS = "versions"
CURRENT = "current"
HISTORY = "history.jsonl"
LOCK = ".lock"
STAGING_PREFIX = ".staging-"
# Tables written as hive partitions `month=YYYY-MM/` by this timestamp (as the generator does).
PARTITIONED = {"tickets": "created_at"}
DEFAULT_LOCK_TIMEOUT = 60.0

TableInput = str | duckdb.DuckDBPyRelation | pd.DataFrame | pa.Table


class WriteError(Exception):
    """An import or undo could not be done; the current version is unchanged."""


class ImportRejected(WriteError):
    """The written data has fatal problems (`problems`, as `open_dataset` words them); the
    new version was not switched to and was removed."""

    def __init__(self, problems: list[str], report: QualityReport | None = None):
        self.problems = problems
        self.report = report
        super().__init__("import rejected, previous version kept:\n" + "\n".join(problems))


class ImportBusy(WriteError):
    """Another import or undo holds the target's lock."""


class NothingToUndo(WriteError):
    """There is no earlier version to switch back to."""


@dataclass(frozen=True)
class TableCounts:
    rows: int  # rows of the table in the new version
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    excluded: int = 0  # rows of the new version excluded by the data-quality rules


@dataclass(frozen=True)
class WriteResult:
    version: int
    path: Path  # <target>/versions/<n>
    previous_version: int | None
    counts: dict[str, TableCounts]
    report: QualityReport = field(repr=False)


# ---------------------------------------------------------------------------------------------
# Public API


def current_path(target: str | Path) -> Path:
    """The folder to open: `open_dataset(current_path(target))`."""
    return Path(target) / CURRENT


def current_version(target: str | Path) -> int | None:
    """The version `current` points to, or None before the first import."""
    link = Path(target) / CURRENT
    if not link.is_symlink():
        return None
    return int(Path(os.readlink(link)).name)


def read_history(target: str | Path) -> list[dict]:
    """Every history entry, oldest first."""
    path = Path(target) / HISTORY
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_dataset(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, TableInput],
    target: str | Path,
    *,
    append: bool = False,
    sources: Sequence[str] = (),
    user: str | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    kpi_ids: tuple[str, ...] | None = None,
) -> WriteResult:
    """Write `tables` as a new version of `target` and make it current, or change nothing.

    `tables` maps contract table names to a SQL SELECT run on `con`, a relation of `con`, a
    pandas frame or an Arrow table, with contract columns (others are not written). Without
    `append` the version holds exactly the given tables; with it they are merged into the
    current version (module docstring). `sources` are the imported file names, recorded in
    the history with `user` (default: the OS user). Raises ImportRejected when the result
    has fatal problems, ImportBusy when the lock is not free within `lock_timeout` seconds.
    """
    target = Path(target)
    unknown = sorted(set(tables) - set(TABLES_BY_NAME))
    if unknown:
        raise WriteError(f"not tables of the data contract: {', '.join(unknown)}")
    _prepare_target(target)
    with _locked(target, lock_timeout):
        _remove_stale_staging(target)
        previous = current_version(target)
        base = _version_dir(target, previous) if append and previous is not None else None
        version = _next_version(target)
        staging = target / VERSIONS / f"{STAGING_PREFIX}{version}-{uuid.uuid4().hex[:8]}"
        try:
            counts = _write_version(con, tables, staging, base)
            report = _validate(staging, kpi_ids)
            _fsync_tree(staging)
            final = _version_dir(target, version)
            os.rename(staging, final)
            _fsync_dir(final.parent)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _switch(target, version)
        counts = _with_report(counts, report)
        _append_history(target, _import_entry(version, previous, append, sources, user, counts))
        return WriteResult(version, final, previous, counts, report)


def undo_last(
    target: str | Path, *, user: str | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> int:
    """Make the version current that was current before the current one was imported, and
    record the undo. The undone version's folder is kept. Returns the version now current."""
    target = Path(target)
    with _locked(target, lock_timeout):
        version = current_version(target)
        if version is None:
            raise NothingToUndo(f"{target}: nothing has been imported, nothing to undo")
        previous = _previous_of(target, version)
        if previous is None:
            raise NothingToUndo(f"{target}: version {version} is the first; nothing to undo")
        _switch(target, previous)
        entry = {"action": "undo", "version": previous, "undone_version": version}
        _append_history(target, entry | _stamp(user))
        return previous


# ---------------------------------------------------------------------------------------------
# Target folder, lock, versions


def _prepare_target(target: Path) -> None:
    """Create the target, refusing a folder that holds something other than versions."""
    if target.exists() and not (target / VERSIONS).is_dir():
        ours = {VERSIONS, CURRENT, HISTORY, LOCK}
        foreign = sorted(p.name for p in target.iterdir() if p.name not in ours)
        if foreign:
            raise WriteError(
                f"{target} is not an import target (it holds {', '.join(foreign[:5])}); "
                "choose an empty or new folder"
            )
    (target / VERSIONS).mkdir(parents=True, exist_ok=True)


@contextlib.contextmanager
def _locked(target: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive flock on <target>/.lock, waiting up to `timeout` seconds."""
    target.mkdir(parents=True, exist_ok=True)
    fd = os.open(target / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ImportBusy(
                        f"{target}: another import is running (lock {target / LOCK}); "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _version_dir(target: Path, version: int) -> Path:
    return target / VERSIONS / str(version)


def _versions(target: Path) -> list[int]:
    return sorted(int(p.name) for p in (target / VERSIONS).iterdir() if p.name.isdigit())


def _next_version(target: Path) -> int:
    """One above the highest ever written: numbers are never reused, even after an undo."""
    return max(_versions(target), default=0) + 1


def _remove_stale_staging(target: Path) -> None:
    """Staging folders seen while holding the lock are leftovers of a crashed import."""
    for path in (target / VERSIONS).glob(STAGING_PREFIX + "*"):
        shutil.rmtree(path, ignore_errors=True)


def _previous_of(target: Path, version: int) -> int | None:
    """The version current before `version` was imported (history), else the next lower."""
    for entry in reversed(read_history(target)):
        if entry.get("action") == "import" and entry.get("version") == version:
            return entry.get("previous_version")
    lower = [v for v in _versions(target) if v < version]
    return max(lower) if lower else None


def _switch(target: Path, version: int) -> None:
    """Point `current` at versions/<version>: a new symlink renamed over the old one."""
    temporary = target / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    os.symlink(Path(VERSIONS) / str(version), temporary, target_is_directory=True)
    try:
        os.replace(temporary, target / CURRENT)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_dir(target)


# ---------------------------------------------------------------------------------------------
# Writing one version


def _write_version(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, TableInput],
    staging: Path,
    base: Path | None,
) -> dict[str, TableCounts]:
    """Write every table into `staging`; with a base version, merge into it."""
    staging.mkdir(parents=True)
    counts: dict[str, TableCounts] = {}
    views: list[str] = []
    try:
        inputs = {
            name: _register(con, value, f"_ingest_new_{name}_{uuid.uuid4().hex[:8]}", views)
            for name, value in tables.items()
        }
        problems = [p for n, v in inputs.items() for p in _unconvertible(con, TABLES_BY_NAME[n], v)]
        if problems:
            raise ImportRejected(problems)
        for name, new_view in inputs.items():
            spec = TABLES_BY_NAME[name]
            old_files = _table_files(base, name) if base else None
            if old_files and spec.key:
                old_view = _register_files(con, old_files, views)
                select, counts[name] = _merge(con, spec, old_view, new_view)
            else:
                select = _conformed_select(con, spec, new_view)
                counts[name] = TableCounts(rows=0, added=_count(con, new_view))
            _write_table(con, spec, select, staging)
        if base:
            _carry_over(base, staging, set(tables))
    finally:
        for view in views:
            con.execute(f"DROP VIEW IF EXISTS {ident(view)}")
    return counts


def _register(con, value: TableInput, view: str, views: list[str]) -> str:
    """Make an input readable as a temporary view of `con`."""
    if isinstance(value, str):
        relation = con.sql(value)
    elif isinstance(value, pd.DataFrame):
        relation = con.from_df(value)
    elif isinstance(value, pa.Table):
        relation = con.from_arrow(value)
    elif isinstance(value, duckdb.DuckDBPyRelation):
        relation = value
    else:
        raise WriteError(f"cannot import a {type(value).__name__}: give SQL, a relation or a frame")
    relation.create_view(view, replace=True)
    views.append(view)
    return view


def _register_files(con, files: tuple[Path, ...], views: list[str]) -> str:
    view = f"_ingest_old_{uuid.uuid4().hex[:8]}"
    con.execute(
        f"CREATE TEMP VIEW {ident(view)} AS SELECT * FROM read_parquet("
        f"{literal_list(str(f) for f in files)}, union_by_name = true, hive_partitioning = false)"
    )
    views.append(view)
    return view


def _table_files(root: Path, name: str) -> tuple[Path, ...] | None:
    """A table's Parquet files in a version, as `open_dataset` finds them."""
    folder, single = root / name, root / f"{name}.parquet"
    if folder.is_dir():
        return tuple(sorted(folder.rglob("*.parquet"))) or None
    return (single,) if single.is_file() else None


def _column_types(con, view: str) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {ident(view)}").fetchall()
    return {row[0]: row[1] for row in rows}


def _conformed_column(spec: Table, name: str, input_type: str | None) -> str:
    """A contract column as written: in the contract's type (checked convertible before),
    NULL when absent. Time-zone-aware stamps become UTC wall time, as the contract says."""
    target = spec.column(name).duckdb_type
    column = ident(name)
    if input_type is None:
        return f"CAST(NULL AS {target}) AS {column}"
    if input_type == target:
        return column
    if input_type.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"CAST(timezone('UTC', {column}) AS {target}) AS {column}"
    return f"CAST({column} AS {target}) AS {column}"


def _unconvertible(con, spec: Table, view: str) -> list[str]:
    """Problems of columns whose values do not all convert to the contract type.

    Checked on the input, before anything is written, so that every version on disk holds
    the contract's types (the rules of `open_dataset`: whole numbers only for int columns).
    """
    problems = []
    for name, input_type in _column_types(con, view).items():
        if name not in {c.name for c in spec.columns}:
            continue
        target = spec.column(name).duckdb_type
        if input_type == target or input_type.startswith("TIMESTAMP WITH TIME ZONE"):
            continue
        column, cast = ident(name), f"TRY_CAST({ident(name)} AS {target})"
        bad = f"{column} IS NOT NULL AND {cast} IS NULL"
        if target == "BIGINT":
            bad += f" OR TRY_CAST({column} AS DOUBLE) <> {cast}"
        row = con.execute(
            f"SELECT CAST({column} AS VARCHAR) FROM {ident(view)} WHERE {bad} LIMIT 1"
        ).fetchone()
        if row is not None:
            problems.append(
                f"{spec.name}: column {name} ({input_type}) holds {row[0]!r}, which cannot be "
                f"read as {spec.column(name).type} ({target})"
            )
    return problems


def _conformed_select(con, spec: Table, view: str, columns: list[str] | None = None) -> str:
    """SELECT of the contract columns of `view` (or of `columns`, absent ones as NULL)."""
    types = _column_types(con, view)
    names = columns or [c.name for c in spec.columns if c.name in types]
    parts = [_conformed_column(spec, n, types.get(n)) for n in names]
    return f"SELECT {', '.join(parts)} FROM {ident(view)}"


def _merge(con, spec: Table, old_view: str, new_view: str) -> tuple[str, TableCounts]:
    """The merged table's SELECT and the counts of added / updated / unchanged new rows."""
    present = set(_column_types(con, old_view)) | set(_column_types(con, new_view))
    columns = [c.name for c in spec.columns if c.name in present]
    old = _conformed_select(con, spec, old_view, columns)
    new = _conformed_select(con, spec, new_view, columns)
    key = ident(spec.key)
    same_key = f"n.{key} = o.{key}"
    identical = " AND ".join(f"n.{ident(c)} IS NOT DISTINCT FROM o.{ident(c)}" for c in columns)
    total, added, unchanged = con.execute(
        f"WITH n AS ({new}), o AS ({old}) SELECT count(*), "
        f"count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM o WHERE {same_key})), "
        f"count(*) FILTER (WHERE EXISTS (SELECT 1 FROM o WHERE {same_key} AND {identical})) "
        "FROM n"
    ).fetchone()
    merged = (
        f"WITH n AS ({new}), o AS ({old}) "
        f"SELECT * FROM o WHERE NOT EXISTS (SELECT 1 FROM n WHERE {same_key}) "
        "UNION ALL SELECT * FROM n"
    )
    return merged, TableCounts(0, added, total - added - unchanged, unchanged)


def _count(con, view: str) -> int:
    return con.execute(f"SELECT count(*) FROM {ident(view)}").fetchone()[0]


def _write_table(con, spec: Table, select: str, staging: Path) -> None:
    """One table: hive partitions by month for the partitioned ones, else one file."""
    stamp = PARTITIONED.get(spec.name)
    if stamp is None:
        _copy_to_parquet(con, select, staging / f"{spec.name}.parquet", None)
        return
    month = f"strftime(TRY_CAST({ident(stamp)} AS TIMESTAMP), '%Y-%m')"
    partitioned = f"SELECT *, {month} AS month FROM ({select})"
    _copy_to_parquet(con, partitioned, staging / spec.name, "month")


def _copy_to_parquet(con, select: str, path: Path, partition_by: str | None) -> None:
    """The one place Parquet is written (tests replace it to simulate a full disk).

    DuckDB takes no parameter for a COPY target, so the path is quoted by scoring/data/sql.
    """
    options = "FORMAT parquet, COMPRESSION zstd"
    if partition_by:
        options += f", PARTITION_BY ({ident(partition_by)})"
    con.execute(f"COPY ({select}) TO {literal(str(path))} ({options})")


def _carry_over(base: Path, staging: Path, given: set[str]) -> None:
    """Tables of the base version not given in this import, hard-linked (or copied)."""
    for name in TABLES_BY_NAME:
        if name in given:
            continue
        folder, single = base / name, base / f"{name}.parquet"
        if folder.is_dir():
            shutil.copytree(folder, staging / name, copy_function=_link_or_copy)
        elif single.is_file():
            _link_or_copy(single, staging / single.name)


def _link_or_copy(source, destination) -> None:
    """Versions are never modified after writing, so they can share files."""
    try:
        os.link(source, destination)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(source, destination)


def _validate(staging: Path, kpi_ids: tuple[str, ...] | None) -> QualityReport:
    try:
        dataset = open_dataset(staging, kpi_ids)
    except DatasetError as exc:
        raise ImportRejected(exc.problems, exc.report) from exc
    return dataset.report


def _with_report(counts: dict[str, TableCounts], report: QualityReport) -> dict[str, TableCounts]:
    """Fill in rows and excluded of every table of the new version from its report."""
    result = {}
    for name, table in report.tables.items():
        if not table.present:
            continue
        base = counts.get(name, TableCounts(0))
        result[name] = TableCounts(
            table.rows_read, base.added, base.updated, base.unchanged, table.excluded
        )
    return result


def _fsync_tree(root: Path) -> None:
    """Flush the new files to disk before the switch makes them the dataset."""
    for folder, _, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# History


def _stamp(user: str | None) -> dict:
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": user or _os_user(),
    }


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, as in some containers
        return "unknown"


def _import_entry(version, previous, append, sources, user, counts) -> dict:
    return {
        "action": "import",
        "version": version,
        "previous_version": previous,
        "append": append,
        "files": [str(s) for s in sources],
        **_stamp(user),
        "tables": {name: asdict(c) for name, c in counts.items()},
    }


def _append_history(target: Path, entry: dict) -> None:
    """One line per entry, written by a single write on an O_APPEND file."""
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(target / HISTORY, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
