"""Open a dataset folder through DuckDB: locate, check, expose as views, validate.

Each contract table becomes two views over its Parquet files (nothing is copied into
pandas): `raw_<table>` with every row read, cast to the contract types, and `<table>`
with the rows that pass every rule. Fatal problems are collected across all tables
before failing, so the user sees every one at once; each names the file, the column
and what was expected.
"""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scoring.data import build, quality
from scoring.data.quality import Notice, Problem, QualityReport, RuleResult, TableReport
from scoring.data.sql import ident, literal, literal_list
from scoring.registry.contract import TABLES, Column, Table
from scoring.settings import setting

# Physical Arrow types that load into each logical type without a value-by-value check.
_DIRECT = {
    "string": (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer),
    "timestamp": (pa.types.is_timestamp, pa.types.is_date),
    "date": (pa.types.is_date, pa.types.is_timestamp),
    "int": (pa.types.is_integer,),
    "float": (pa.types.is_floating, pa.types.is_integer, pa.types.is_decimal),
    "bool": (pa.types.is_boolean,),
}


class DatasetError(Exception):
    """The dataset cannot be used. `details` holds every fatal problem found, `problems`
    the same in English words."""

    def __init__(self, details: list[Problem], report: QualityReport | None = None):
        self.details = details
        self.problems = [p.text() for p in details]
        self.report = report
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class _Source:
    table: Table
    files: tuple[Path, ...]


def _find_files(root: Path, table: Table) -> tuple[Path, ...] | None:
    single = root / f"{table.name}.parquet"
    folder = root / table.name
    if folder.is_dir():
        return tuple(sorted(folder.rglob("*.parquet")))
    if single.is_file():
        return (single,)
    return None


def _value_type(arrow_type: pa.DataType) -> pa.DataType:
    return arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type


def _loads_directly(column: Column, arrow_type: pa.DataType) -> bool:
    return any(check(_value_type(arrow_type)) for check in _DIRECT[column.type])


class Dataset:
    """A validated dataset: DuckDB views over the files, plus the quality report.

    `built`: the repeat keys of its build (`scoring.data.build`), whose tickets carry
    `next_same_issue_at`; None when the views read the dataset's own files. `build_folder`:
    where that build lies (None without one). `cube`: its pre-aggregated KPI tables once
    attached (`scoring.measures.cube.attach`; None: every query reads the tickets).
    `ranked`: its quantile KPIs' values sorted per agent once attached
    (`scoring.measures.ranked.attach`; None: quantiles are computed from the tickets).
    `halves`: its pre-aggregated halves of split-half reliability once attached
    (`scoring.measures.halves.attach`; None: they are computed from the tickets).
    `stage_times`: its stage hours sorted per team (`scoring.measures.stage_times.attach`;
    None: stage durations are computed from the tickets). `repeats`: its repeats for the
    repeat chains (`scoring.measures.chains.attach`; None: chains read the tickets).
    `weekly`: its KPI inputs per agent, week and skill once attached
    (`scoring.measures.weekly.attach`; None: they are read from the tickets).
    `first_at` and `as_of`: the first and last ticket's creation time (None and now without
    tickets).
    """

    def __init__(
        self,
        path: Path,
        con: duckdb.DuckDBPyConnection,
        report: QualityReport,
        built: tuple[str, ...] | None = None,
        build_folder: Path | None = None,
    ):
        self.path = path
        self._con = con
        self.report = report
        self.built = built
        self.build_folder = build_folder
        self.cube = None
        self.ranked = None
        self.halves = None
        self.stage_times = None
        self.repeats = None
        self.weekly = None
        self._missing_columns = {
            name: {*t.missing_columns, *t.empty_columns}
            for name, t in report.tables.items()
            if t.present
        }
        self._idle: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        # The moment the data runs to: windows still open at this time are not judged yet.
        # Both ends are read once: every query's period is bounded by them.
        first, last = self.row("SELECT min(created_at), max(created_at) FROM tickets")
        self.as_of = last or datetime.now()
        self.first_at: datetime | None = first

    def has(self, table: str, column: str | None = None) -> bool:
        """Whether a table (and, if given, a column of it) was supplied by the dataset."""
        if table not in self._missing_columns:
            return False
        return column is None or column not in self._missing_columns[table]

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB cursor of its own for one query, from a pool of idle cursors.

        Streamlit serves sessions from several threads, and a cursor must not be shared by
        two at once. Cursors are pooled rather than kept per thread: Streamlit runs every
        rerun in a new thread, so per-thread cursors were made (and configured) anew for each
        rerun and dropped when it ended; the pool keeps as many as run at once.
        """
        try:
            cursor = self._idle.get_nowait()
        except queue.Empty:
            cursor = self._con.cursor()
            cursor.execute("SET TimeZone = 'UTC'")
        try:
            yield cursor
        finally:
            self._idle.put(cursor)

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        with self._cursor() as cursor:
            return cursor.execute(sql, params or []).df()

    def batches(
        self, sql: str, params: list | dict | None = None, rows: int = 1 << 20
    ) -> Iterator[pa.RecordBatch]:
        """The result of `sql` in its order, `rows` at a time (never whole in memory: a
        relation's reader streams, an executed result's is copied whole first); one empty
        batch, with the result's columns, when it has no rows."""
        with (
            self._cursor() as cursor,
            cursor.sql(sql, params=params).to_arrow_reader(batch_size=rows) as reader,
        ):
            empty = True
            for batch in reader:
                empty = False
                yield batch
            if empty:
                yield pa.RecordBatch.from_pylist([], schema=reader.schema)

    def scalar(self, sql: str, params: list | dict | None = None):
        return self.row(sql, params)[0]

    def row(self, sql: str, params: list | dict | None = None) -> tuple | None:
        """The first row of `sql` (None: none); the result is read to its end, so that the
        pooled cursor is free for a relation (`batches`)."""
        with self._cursor() as cursor:
            rows = cursor.execute(sql, params or []).fetchall()
        return rows[0] if rows else None


def open_dataset(
    path: str | Path,
    kpi_ids: tuple[str, ...] | None = None,
    earliest_year: int | None = None,
    builds: Path | None = None,
) -> Dataset:
    """Open, check and validate a dataset folder. Raises DatasetError on fatal problems,
    among them a tickets table without one usable row. Ticket times before `earliest_year`
    (default: the setting) are flagged as implausible.

    With `builds` (a folder), the dataset is opened from its build there, made first when
    there is none for these files and settings (`scoring.data.build`): validated once, its
    repeat look-ups done once."""
    if kpi_ids is None:
        from scoring.registry.kpis import KPI_IDS

        kpi_ids = KPI_IDS
    if earliest_year is None:
        earliest_year = int(setting("earliest_year"))
    root = Path(path)
    if not root.is_dir():
        raise DatasetError([Problem("folder_missing", {"path": str(root)})])
    if builds is None:
        return _validated(root, kpi_ids, earliest_year)
    settings = {"earliest_year": earliest_year, "kpi_ids": list(kpi_ids)}
    name = build.fingerprint(root, settings)
    folder = build.find(builds, name)
    if folder is None:
        with build.bounded_memory(builds) as config:
            ds = _validated(root, kpi_ids, earliest_year, config)
            keys = build.repeat_keys(lambda column: ds.has("tickets", column))
            try:
                folder = build.write(ds._con, ds.report, keys, builds, name)
            except OSError:  # a read-only or full disk: the files are read as they are
                ds._con.execute("RESET memory_limit")  # its spill folder is removed
                return ds
            ds._con.close()
    return _open_build(root, folder)


def _open_build(root: Path, folder: Path) -> Dataset:
    """The dataset at `root` read from its build in `folder` (no rule is run again)."""
    report, keys = build.read_info(folder)
    # Spilling goes beside the build (DuckDB's default for an in-memory database is a
    # `.tmp` folder in the working directory).
    con = duckdb.connect(config={"temp_directory": str(folder / build.SPILL)})
    con.execute("SET TimeZone = 'UTC'")
    for name, table in report.tables.items():
        if table.present:
            files = literal(str(folder / f"{name}.parquet"))
            con.execute(f"CREATE VIEW {ident(name)} AS SELECT * FROM read_parquet({files})")
    return Dataset(root, con, report, built=keys, build_folder=folder)


def _validated(
    root: Path, kpi_ids: tuple[str, ...], earliest_year: int, config: dict | None = None
) -> Dataset:
    """The dataset at `root`, every row checked: views over its own files (DuckDB
    `config`: settings of its connection, e.g. `build.bounded_memory`)."""
    con = duckdb.connect(config=config or {})
    con.execute("SET TimeZone = 'UTC'")
    reports = {t.name: TableReport(t.name, False, t.required) for t in TABLES}
    problems: list[Problem] = []
    notices: list[Notice] = []
    sources = _locate(root, reports, problems, notices)
    for source in sources:
        schema_problems = _check_schema(source, reports[source.table.name])
        problems += schema_problems or _check_values(con, source)
    if not problems:
        for source in sources:
            _create_raw_view(con, source, reports[source.table.name])
            _find_empty_columns(con, source, reports[source.table.name])
    report = QualityReport(str(root), reports, [], notices, [p.text() for p in problems])
    if problems:
        raise DatasetError(problems, report)
    report.rules = _apply_rules(con, sources, reports, kpi_ids, earliest_year)
    _count_rows(con, sources, reports, notices)
    tickets = reports["tickets"]
    if tickets.accepted == 0:
        problem = Problem("no_usable_rows", {"table": "tickets", "read": tickets.rows_read})
        report.errors.append(problem.text())
        raise DatasetError([problem], report)
    return Dataset(root, con, report)


def _locate(
    root: Path, reports: dict[str, TableReport], problems: list[Problem], notices: list[Notice]
) -> list[_Source]:
    sources = []
    for table in TABLES:
        files = _find_files(root, table)
        if not files:
            if table.required:
                where = {"table": table.name, "path": str(root / table.name)}
                problems.append(Problem("table_missing", where))
            else:
                columns = ", ".join(table.required_columns)
                notices.append(Notice("optional_table_missing", table.name, {"columns": columns}))
            continue
        reports[table.name].present = True
        reports[table.name].files = [str(f) for f in files]
        sources.append(_Source(table, files))
    return sources


def _check_schema(source: _Source, report: TableReport) -> list[Problem]:
    """Every file readable, required columns present, column types loadable."""
    problems = []
    columns_seen: set[str] = set()
    for file in source.files:
        try:
            schema = pq.read_schema(file)
        except Exception as exc:  # pyarrow raises several types for damaged files
            error = f"{type(exc).__name__}: {exc}"
            problems.append(Problem("file_unreadable", {"file": str(file), "error": error}))
            continue
        columns_seen.update(schema.names)
        for column in source.table.columns:
            if column.required and column.name not in schema.names:
                where = {"file": str(file), "column": column.name}
                expected = {"type": column.type, "meaning": column.meaning}
                problems.append(Problem("column_missing", where | expected))
    report.missing_columns = [c.name for c in source.table.columns if c.name not in columns_seen]
    return problems


def _create_raw_view(con: duckdb.DuckDBPyConnection, source: _Source, report: TableReport):
    """raw_<table>: every row, every contract column cast to its type (absent ones NULL)."""
    selects = ["filename AS _source", "file_row_number AS _row"]
    for column in source.table.columns:
        if column.name in report.missing_columns:
            selects.append(f"CAST(NULL AS {column.duckdb_type}) AS {ident(column.name)}")
        else:
            selects.append(
                f"TRY_CAST({ident(column.name)} AS {column.duckdb_type}) AS {ident(column.name)}"
            )
    files = literal_list(str(f) for f in source.files)
    con.execute(
        f"CREATE VIEW {ident('raw_' + source.table.name)} AS SELECT {', '.join(selects)} "
        f"FROM read_parquet({files}, filename = true, file_row_number = true, "
        f"union_by_name = true, hive_partitioning = false)"
    )


def _find_empty_columns(con: duckdb.DuckDBPyConnection, source: _Source, report: TableReport):
    """Optional columns of the files without a single value: not supplied (`has` is false),
    so a KPI that needs one is unavailable, not measured as nothing for everyone."""
    optional = [
        c.name
        for c in source.table.columns
        if not c.required and c.name not in report.missing_columns
    ]
    if not optional:
        return
    counts = ", ".join(f"count({ident(name)})" for name in optional)
    values = con.execute(f"SELECT {counts} FROM {ident('raw_' + source.table.name)}").fetchall()
    report.empty_columns = [name for name, n in zip(optional, values[0], strict=True) if n == 0]


def _check_values(con: duckdb.DuckDBPyConnection, source: _Source) -> list[Problem]:
    """Columns whose stored type needs conversion: every value must convert."""
    problems = []
    files = literal_list(str(f) for f in source.files)
    for file in source.files:
        schema = pq.read_schema(file)
        for column in source.table.columns:
            if column.name not in schema.names:
                continue
            arrow_type = schema.field(column.name).type
            if _loads_directly(column, arrow_type) and not (
                column.type == "int" and pa.types.is_floating(arrow_type)
            ):
                continue
            bad = _first_unconvertible(con, files, file, column)
            if bad is not None:
                where = {"file": str(file), "column": column.name}
                found = {"found": str(arrow_type), "example": repr(bad)}
                expected = {"type": column.type, "sql_type": column.duckdb_type}
                problems.append(Problem("bad_values", where | found | expected))
    return problems


def _first_unconvertible(con, files: str, file: Path, column: Column):
    name = ident(column.name)
    cast = f"TRY_CAST({name} AS {column.duckdb_type})"
    condition = f"{name} IS NOT NULL AND {cast} IS NULL"
    if column.type == "int":
        condition += f" OR TRY_CAST({name} AS DOUBLE) <> {cast}"
    try:
        row = con.execute(
            f"SELECT CAST({name} AS VARCHAR) FROM read_parquet({files}, filename = true, "
            f"union_by_name = true, hive_partitioning = false) "
            f"WHERE filename = ? AND ({condition}) LIMIT 1",
            [str(file)],
        ).fetchone()
    except duckdb.Error as exc:
        return f"<{type(exc).__name__}>"
    return None if row is None else row[0]


def _apply_rules(con, sources: list[_Source], reports, kpi_ids, earliest_year) -> list[RuleResult]:
    """Evaluate the rules table by table and create the accepted-rows views."""
    present = {s.table.name for s in sources}
    results = []
    for source in sorted(sources, key=lambda s: quality.EVALUATION_ORDER.index(s.table.name)):
        name = source.table.name
        con.execute(
            f"CREATE TABLE {ident('excluded_' + name)} "
            "(_source VARCHAR, _row BIGINT, rule VARCHAR, example VARCHAR)"
        )
        for rule in quality.rules(kpi_ids, earliest_year):
            if rule.table != name or not _rule_applies(rule, present, reports[name]):
                continue
            results.append(_run_rule(con, rule))
        con.execute(
            f"CREATE VIEW {ident(name)} AS SELECT * FROM {ident('raw_' + name)} r "
            f"WHERE NOT EXISTS (SELECT 1 FROM {ident('excluded_' + name)} e "
            "WHERE e._source = r._source AND e._row = r._row)"
        )
    return results


def _rule_applies(rule: quality.Rule, present: set[str], report: TableReport) -> bool:
    needs_met = all(t in present for t in rule.needs)
    columns_met = all(c not in report.missing_columns for c in rule.columns)
    return needs_met and columns_met


def _run_rule(con, rule: quality.Rule) -> RuleResult:
    if rule.warns:
        return _run_warning(con, rule)
    con.execute(
        f"INSERT INTO {ident('excluded_' + rule.table)} "
        f"SELECT _source, _row, ?, example FROM ({rule.offending_sql})",
        [rule.id],
    )
    count, examples = con.execute(
        f"SELECT count(*), list(example ORDER BY _source, _row)[1:{quality.EXAMPLES_PER_RULE}] "
        f"FROM {ident('excluded_' + rule.table)} WHERE rule = ?",
        [rule.id],
    ).fetchone()
    examples = list(examples or [])
    return RuleResult(rule.id, rule.table, rule.description, count, examples, rule.description_zh)


def _run_warning(con, rule: quality.Rule) -> RuleResult:
    """A warning rule's rows, counted with examples and kept."""
    count, examples = con.execute(
        f"SELECT count(*), list(example ORDER BY _source, _row)[1:{quality.EXAMPLES_PER_RULE}] "
        f"FROM ({rule.offending_sql})"
    ).fetchone()
    return RuleResult(
        rule.id, rule.table, rule.description, count, list(examples or []),
        rule.description_zh, warns=True,
    )  # fmt: skip


def _count_rows(con, sources: list[_Source], reports, notices: list[Notice]):
    for source in sources:
        name = source.table.name
        report = reports[name]
        report.rows_read = con.execute(f"SELECT count(*) FROM {ident('raw_' + name)}").fetchone()[0]
        report.excluded = con.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT _source, _row FROM {ident('excluded_' + name)})"
        ).fetchone()[0]
        report.accepted = report.rows_read - report.excluded
        if report.rows_read == 0:
            notices.append(Notice("table_empty", name))
        if report.excluded:
            counts = {"excluded": report.excluded, "read": report.rows_read}
            notices.append(Notice("rows_excluded", name, counts))
