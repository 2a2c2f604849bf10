"""One import, start to end: read the exports, map their columns, write a dataset version.

`import_files` is what the command line (`python -m scoring import`) and the Import page run:
read each source (`readers`), take the given mapping or suggest one (from a preset, named or
recognised from the headers, then header synonyms and values), check it against the file,
build the contract tables in DuckDB (`mapping.select_sql`), count the values that did not
convert (`unread`), join a roster when one is given (`roster`) and write them as a new
version of the target (`write.write_dataset`: validated, atomic, merged with the current
version when appending). Nothing is written when any step fails.

The Import page first calls `inspect` (columns, sample rows, the suggested mapping) and
`preview` (the same import into a scratch folder the caller owns, to show its quality report
and KPIs before anything real is written).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from scoring.data.sql import ident
from scoring.ingest import presets, readers, roster, write
from scoring.ingest.mapping import (
    Mapping,
    Suggestion,
    data_problems,
    rechoose,
    select_sql,
    suggest,
    unread_sql,
)

TABLES = ("tickets", "agents", "surveys")
SOURCES_VIEW = "import_sources"


class ImportProblem(ValueError):
    """The exports cannot be imported as mapped; `problems` lists every reason."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Unread:
    """Values of one raw column that did not convert to their target's type: they are empty
    in the dataset, so the import says how many and shows examples."""

    target: str
    column: str
    rows: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Prepared:
    """The contract tables built from the exports, ready to write."""

    mapping: Mapping
    suggestion: Suggestion | None  # None when a mapping was given
    tables: dict[str, str]  # table → SELECT on the connection
    unread: tuple[Unread, ...]
    roster: roster.RosterOutcome | None


@dataclass(frozen=True)
class ImportOutcome:
    mapping: Mapping
    suggestion: Suggestion | None  # None when a mapping was given
    result: write.WriteResult
    unread: tuple[Unread, ...] = ()
    roster: roster.RosterOutcome | None = None


@dataclass(frozen=True)
class Inspection:
    """What the Import page shows before mapping: the exports as read and a suggestion."""

    sources: tuple[readers.Source, ...]  # closed: their detected settings only
    columns: tuple[str, ...]
    rows: int
    sample: pd.DataFrame  # the first rows, as text
    suggestion: Suggestion


def inspect(
    paths: Sequence[str | Path],
    *,
    preset: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    sample_rows: int = 5,
) -> Inspection:
    """Read the exports and suggest a mapping (ReadError, ImportProblem as for an import)."""
    con = duckdb.connect()
    try:
        sources = _read_all(con, paths, encoding, sheet)
        columns = tuple(_same_columns(sources))
        suggestion = _suggestion(con, sources, preset)
        rows = sum(s.row_count for s in sources)
        return Inspection(tuple(sources), columns, rows, sources[0].sample(sample_rows), suggestion)
    finally:
        con.close()


def change_sources(
    paths: Sequence[str | Path],
    mapping: Mapping,
    choices: dict[str, str | None],
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> Suggestion:
    """`mapping` with the user's choices (target → raw column, None: not available), a new
    column read as a suggestion would read it (its type, values and date format)."""
    con = duckdb.connect()
    try:
        sources = _read_all(con, paths, encoding, sheet)
        return rechoose(mapping, choices, _same_columns(sources), con, SOURCES_VIEW)
    finally:
        con.close()


def import_files(
    paths: Sequence[str | Path],
    target: str | Path,
    *,
    mapping: Mapping | None = None,
    preset: str | None = None,
    append: bool = False,
    user: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    agents: pd.DataFrame | None = None,
    source_names: Sequence[str] | None = None,
) -> ImportOutcome:
    """Import `paths` (exports with the same columns) into the dataset folder `target`.
    `agents` is a roster (`scoring.ingest.roster`): its values replace the derived ones.
    The history names the files `source_names` (default: the paths), e.g. as uploaded."""
    con = duckdb.connect()
    try:
        ready = prepare(con, paths, mapping, preset, encoding, sheet, agents)
        result = write.write_dataset(
            con,
            ready.tables,
            target,
            append=append,
            sources=list(source_names or map(str, paths)),
            user=user,
        )
        return ImportOutcome(ready.mapping, ready.suggestion, result, ready.unread, ready.roster)
    finally:
        con.close()


def preview(
    paths: Sequence[str | Path],
    scratch: str | Path,
    *,
    mapping: Mapping,
    encoding: str | None = None,
    sheet: str | int | None = None,
    agents: pd.DataFrame | None = None,
) -> ImportOutcome:
    """The import written to `scratch` (a folder the caller owns and removes), not to the
    dataset: its quality report and KPIs can be shown before anything real is written."""
    return import_files(
        paths, scratch, mapping=mapping, encoding=encoding, sheet=sheet, agents=agents
    )


def prepare(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str | Path],
    mapping: Mapping | None,
    preset: str | None,
    encoding: str | None,
    sheet: str | int | None,
    agents: pd.DataFrame | None,
) -> Prepared:
    """Read, map and build the contract tables on `con`; ImportProblem naming every reason
    the mapping does not fit the exports (or the roster cannot be used)."""
    sources = _read_all(con, paths, encoding, sheet)
    columns = _same_columns(sources)
    suggestion = None
    if mapping is None:
        suggestion = _suggestion(con, sources, preset)
        mapping = suggestion.mapping
    problems = data_problems(mapping, columns)
    if problems:
        raise ImportProblem(problems)
    tables = _materialise(con, mapping)
    matched = None
    if agents is not None:
        try:
            joined, matched = roster.join_roster(con, "import_agents", agents)
        except roster.RosterProblem as error:
            raise ImportProblem(error.problems) from None
        tables["agents"] = f"SELECT * FROM {ident(joined)}"
    return Prepared(mapping, suggestion, tables, unread(con, mapping), matched)


def unread(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> tuple[Unread, ...]:
    """Per target read from the exports, the values that did not convert (none: empty)."""
    params: dict = {}
    sql, targets = unread_sql(mapping, SOURCES_VIEW, params)
    (row,) = con.execute(sql, params).fetchall()
    found = []
    for i, (target, column) in enumerate(targets):
        count, low, high = row[3 * i : 3 * i + 3]
        if count:
            examples = tuple(dict.fromkeys(v for v in (low, high) if v is not None))
            found.append(Unread(target, column, int(count), examples))
    return tuple(found)


def _read_all(con, paths, encoding, sheet) -> list[readers.Source]:
    if not paths:
        raise ImportProblem(["no export file given"])
    sources = [readers.read_source(con, p, encoding=encoding, sheet=sheet) for p in paths]
    _union(con, sources)
    return sources


def _suggestion(con, sources: Sequence[readers.Source], preset: str | None) -> Suggestion:
    columns = list(sources[0].columns)
    chosen = preset or presets.recognise(columns)
    return suggest(columns, sources[0].sample(200), con, SOURCES_VIEW, chosen)


def _same_columns(sources: Sequence[readers.Source]) -> list[str]:
    """The columns of the first export; every other export must have the same set."""
    first = list(sources[0].columns)
    for source in sources[1:]:
        if set(source.columns) != set(first):
            missing = sorted(set(first) ^ set(source.columns))
            raise ImportProblem([f"{source.path}: columns differ from the first file: {missing}"])
    return first


def _union(con: duckdb.DuckDBPyConnection, sources: Sequence[readers.Source]) -> None:
    """One view over every export's rows, matched by column name."""
    body = " UNION ALL BY NAME ".join(f"SELECT * FROM {ident(s.view)}" for s in sources)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(SOURCES_VIEW)} AS {body}")


def _materialise(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> dict[str, str]:
    """Each contract table built once into a temporary table (the exports are read once);
    returns the SELECT that reads each."""
    tables = {}
    for table in TABLES:
        params: dict = {}
        sql = select_sql(mapping, SOURCES_VIEW, params, table)
        name = f"import_{table}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(name)} AS {sql}", params)
        tables[table] = f"SELECT * FROM {ident(name)}"
    return tables
