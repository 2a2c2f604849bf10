"""The build: a dataset validated once, and each ticket's next ticket on the same issue found
once (issue 23).

Opening a dataset checks every row against the rules (seconds at a million tickets), and every
KPI statement found each ticket's next ticket on the same issue with an ASOF join over all
tickets — 60–90 % of a statement's time at 10M tickets. Both depend on the files alone, so a
build does them once and writes, under `<builds>/<fingerprint>/`:

- `<table>.parquet` per table: its accepted rows (with `_source` and `_row`, the file and row
  they were read from); the tickets sorted by creation time, so that a date filter reads only
  the row groups of its dates, and with `next_same_issue_at`: when the first later ticket of
  the same customer on the same issue was created (`repeat_keys`; NULL: none came);
- `build.json`: what the fingerprint was made of and the quality report.

A build's memory is bounded (`MEMORY_LIMIT`, DuckDB spilling beyond it to a folder of its own
under the builds folder, removed when done), and the next same issue is found on the few
columns it needs — each ticket's issue (customer and `repeat_keys`) numbered once, the ASOF
join on that number — then joined to the tickets by `ticket_id` (unique among accepted rows):
an ASOF join carrying every column, partitioned on four text keys, took 9 GiB and most of
the build at 10M tickets (bench/RESULTS.md).

The fingerprint covers every Parquet file of the dataset (path, size, modification time), the
rules' settings, the data contract's columns, the rules themselves and `FORMAT`: a changed
file, setting, contract, rule or build format is a new build. A build
is written under a temporary name and renamed when complete, so a half-written one is never
read. The repeat window and the as-of time are not built in: a repeat is still judged per
query (`next_same_issue_at` within the window after the resolution).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import duckdb

from scoring.data import quality
from scoring.data.quality import Notice, QualityReport, RuleResult, TableReport
from scoring.data.sql import ident, literal
from scoring.registry.contract import TABLES

FORMAT = 1
INFO = "build.json"
NEXT_SAME_ISSUE = "next_same_issue_at"
# The columns a later ticket shares with a resolved one to be a repeat of it, besides the
# customer; the optional ones only where the dataset has them.
REPEAT_KEYS = ("category",)
OPTIONAL_REPEAT_KEYS = ("product", "contact_id")
# DuckDB's memory for validating and writing a build; beyond it, it spills to disk. A build
# of 10M tickets peaked at 1.25 GiB with it (4.2 GiB without), under issue 23's 1.5 GiB.
MEMORY_LIMIT = "1GB"
SPILL = ".spill"  # in a build: where queries over it spill beyond their memory


def builds_folder(state_dir: Path | str) -> Path:
    """Where the builds of every dataset live: beside what users save."""
    return Path(state_dir) / "builds"


def repeat_keys(has_column: Callable[[str], bool]) -> tuple[str, ...]:
    """The ticket columns (besides the customer) a repeat shares with the ticket it repeats:
    the category, and the product and the contact (the person who got in touch) where the
    dataset has them — a company's colleagues raising their own issues are not repeats."""
    return REPEAT_KEYS + tuple(c for c in OPTIONAL_REPEAT_KEYS if has_column(c))


def fingerprint(root: Path, settings: dict) -> str:
    """A name for the build of the dataset at `root` with these rule `settings`
    (`earliest_year`, `kpi_ids`), under this version's data contract and rules."""
    files = sorted(root.rglob("*.parquet"))
    stats = [(str(f.relative_to(root)), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    made_of = {
        "format": FORMAT,
        "root": str(root.resolve()),
        "files": stats,
        "settings": settings,
        "checked_by": checked_by(tuple(settings["kpi_ids"]), settings["earliest_year"]),
    }
    return hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()[:24]


def checked_by(kpi_ids: tuple[str, ...], earliest_year: int) -> dict:
    """What a build's quality report depends on besides the files: the contract's tables and
    columns (a column added to the contract must be looked for: a report made before it
    would call it present) and every rule's query."""
    tables = [
        (t.name, t.required, [(c.name, c.type, c.required) for c in t.columns]) for t in TABLES
    ]
    rules = [
        (r.id, r.table, r.offending_sql, r.needs, r.columns, r.warns)
        for r in quality.rules(kpi_ids, earliest_year)
    ]
    return {"tables": tables, "rules": rules}


@contextlib.contextmanager
def bounded_memory(builds: Path) -> Iterator[dict]:
    """DuckDB settings for a connection that validates and writes a build: `MEMORY_LIMIT`,
    spilling to a new folder under `builds`, removed on leaving (and `builds` with it when
    made here and left empty: no build was written). Where that folder cannot be made (the
    build will not be written either), no settings."""
    made = not builds.exists()
    try:
        builds.mkdir(parents=True, exist_ok=True)
        spill = Path(tempfile.mkdtemp(prefix=".spill-", dir=builds))
    except OSError:
        yield {}
        return
    try:
        yield {"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)}
    finally:
        shutil.rmtree(spill, ignore_errors=True)
        if made:
            with contextlib.suppress(OSError):  # not empty: a build was written
                builds.rmdir()


@contextlib.contextmanager
def limited_memory(ds) -> Iterator[None]:
    """DuckDB's memory bounded by `MEMORY_LIMIT` while `ds` (a `Dataset`) writes one of its
    build's tables, spilling beyond it; unbounded again after."""
    ds.row(f"SET memory_limit = {literal(MEMORY_LIMIT)}")
    try:
        yield
    finally:
        ds.row("RESET memory_limit")


def find(builds: Path, name: str) -> Path | None:
    """The complete build of that name, if there is one."""
    folder = builds / name
    return folder if (folder / INFO).is_file() else None


def later_tickets_sql(keys: tuple[str, ...]) -> str:
    """The tickets a resolved one may be repeated by: customer, `same_<key>` and created_at."""
    shared = "".join(f"coalesce({ident(c)}, '') AS {ident('same_' + c)}, " for c in keys)
    return f"SELECT customer_id, {shared}created_at FROM tickets WHERE customer_id IS NOT NULL"


def same_issue_join(keys: tuple[str, ...], later: str) -> str:
    """The join of tickets `t` to their next ticket on the same issue `n` in `later` (a
    relation of `later_tickets_sql`): the first created after `t` was resolved. A missing
    key value matches a missing value."""
    same = "".join(f" AND coalesce(t.{ident(c)}, '') = n.{ident('same_' + c)}" for c in keys)
    return (
        f"ASOF LEFT JOIN {later} n ON t.customer_id = n.customer_id{same} "
        "AND t.resolved_at < n.created_at"
    )


def issue_hash(columns: list[str]) -> str:
    """SQL: a number for the issue of a ticket with these issue columns — a 64-bit hash;
    two issues hashing alike are looked for (`_issue_numbers`)."""
    return f"hash({', '.join(columns)})"


def _issue_numbers(con: duckdb.DuckDBPyConnection, keys: tuple[str, ...]) -> None:
    """Temporary table `issue_times`: ticket_id, issue (a number per customer and
    `keys`, a missing key value the same as another missing one), created_at, resolved_at
    of every accepted ticket with a customer. On one number instead of several texts the
    ASOF join took 0.8 s instead of 6.2 s at 1M tickets.

    The number is the hash of the issue's columns (`issue_hash`): at 10M tickets 1.3 s,
    where numbering the distinct issues and joining them back took 14 s. Should two issues
    hash alike (about one chance in 10^6 at 10^7 issues), they are numbered one by one."""
    same = [f"coalesce({ident(c)}, '') AS {ident('same_' + c)}" for c in keys]
    columns = ["customer_id", *(ident("same_" + c) for c in keys)]
    with_customer = (
        f"SELECT ticket_id, customer_id, {', '.join(same)}, created_at, resolved_at "
        "FROM tickets WHERE customer_id IS NOT NULL"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE issue_times AS WITH t AS ({with_customer}) "
        f"SELECT ticket_id, {issue_hash(columns)} AS issue, created_at, resolved_at FROM t"
    )
    issues, numbers = con.execute(
        f"SELECT (SELECT count(*) FROM (SELECT DISTINCT {', '.join(columns)} FROM "
        f"({with_customer}))), (SELECT count(DISTINCT issue) FROM issue_times)"
    ).fetchone()
    if issues != numbers:  # two issues hash alike
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE issue_times AS WITH t AS ({with_customer}), "
            f"issues AS (SELECT {', '.join(columns)}, row_number() OVER () AS issue "
            f"FROM (SELECT DISTINCT {', '.join(columns)} FROM t)) "
            f"SELECT ticket_id, issue, created_at, resolved_at FROM t "
            f"JOIN issues USING ({', '.join(columns)})"
        )


def _next_same_issue(con: duckdb.DuckDBPyConnection, keys: tuple[str, ...]) -> None:
    """Temporary table `next_same_issue`: ticket_id and `NEXT_SAME_ISSUE` of every resolved
    ticket a later one repeats: the match of `same_issue_join`, on the issue number."""
    con.execute("SET preserve_insertion_order = false")  # no order needed: joined by id
    _issue_numbers(con, keys)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE next_same_issue AS SELECT t.ticket_id, n.created_at AS "
        f"{NEXT_SAME_ISSUE} FROM (SELECT * FROM issue_times WHERE resolved_at IS NOT NULL) t "
        "ASOF JOIN issue_times n ON t.issue = n.issue AND t.resolved_at < n.created_at"
    )
    con.execute("DROP TABLE issue_times")
    con.execute("RESET preserve_insertion_order")


def _built_tickets_sql() -> str:
    """The accepted tickets with `NEXT_SAME_ISSUE` (table `next_same_issue` made), by time."""
    return (
        f"SELECT t.*, n.{NEXT_SAME_ISSUE} FROM tickets t "
        "LEFT JOIN next_same_issue n USING (ticket_id) ORDER BY t.created_at"
    )


def write(
    con: duckdb.DuckDBPyConnection,
    report: QualityReport,
    keys: tuple[str, ...],
    builds: Path,
    name: str,
) -> Path:
    """Write the build of an opened dataset (`con` holds its accepted-rows views)."""
    builds.mkdir(parents=True, exist_ok=True)
    partial = builds / f".{name}.{os.getpid()}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        _next_same_issue(con, keys)
        for table, table_report in report.tables.items():
            if table_report.present:
                _copy(con, _rows_of(table), partial / f"{table}.parquet")
        (partial / INFO).write_text(json.dumps(_saved(report, keys)), encoding="utf-8")
        if find(builds, name) is None:  # a damaged build of that name: made again
            shutil.rmtree(builds / name, ignore_errors=True)
        try:
            partial.rename(builds / name)
        except OSError:  # another process finished the same build first
            if find(builds, name) is None:
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return builds / name


def _rows_of(table: str) -> str:
    return _built_tickets_sql() if table == "tickets" else f"SELECT * FROM {ident(table)}"


def _copy(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    con.execute(f"COPY ({select}) TO {literal(str(path))} (FORMAT parquet)")


def _saved(report: QualityReport, keys: tuple[str, ...]) -> dict:
    return {
        "format": FORMAT,
        "repeat_keys": list(keys),
        "report": {
            "dataset": report.dataset,
            "tables": {name: asdict(t) for name, t in report.tables.items()},
            "rules": [asdict(r) for r in report.rules],
            "notices": [asdict(n) for n in report.notices],
            "errors": report.errors,
        },
    }


def read_info(folder: Path) -> tuple[QualityReport, tuple[str, ...]]:
    """The quality report and repeat keys a build was made with."""
    saved = json.loads((folder / INFO).read_text(encoding="utf-8"))
    found = saved["report"]
    report = QualityReport(
        found["dataset"],
        {name: TableReport(**t) for name, t in found["tables"].items()},
        [RuleResult(**r) for r in found["rules"]],
        [Notice(**n) for n in found["notices"]],
        list(found["errors"]),
    )
    return report, tuple(saved["repeat_keys"])
