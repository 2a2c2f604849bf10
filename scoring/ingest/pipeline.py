"""One import, start to end: read the exports, map their columns, write a dataset version.

`import_files` is what the command line (`python -m scoring import`) runs, and what the
Import page will run: read each source (`readers`), take the given mapping or suggest one
(from a preset, named or recognised from the headers, then header synonyms and values),
check it against the file, build the contract tables in DuckDB (`mapping.select_sql`) and
write them as a new version of the target (`write.write_dataset`: validated, atomic, merged
with the current version when appending). Nothing is written when any step fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scoring.data.sql import ident
from scoring.ingest import presets, readers, write
from scoring.ingest.mapping import Mapping, Suggestion, data_problems, select_sql, suggest

TABLES = ("tickets", "agents", "surveys")
SOURCES_VIEW = "import_sources"


class ImportProblem(ValueError):
    """The exports cannot be imported as mapped; `problems` lists every reason."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class ImportOutcome:
    mapping: Mapping
    suggestion: Suggestion | None  # None when a mapping was given
    result: write.WriteResult


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
) -> ImportOutcome:
    """Import `paths` (exports with the same columns) into the dataset folder `target`."""
    con = duckdb.connect()
    try:
        sources = [readers.read_source(con, p, encoding=encoding, sheet=sheet) for p in paths]
        columns = _same_columns(sources)
        _union(con, sources)
        suggestion = None
        if mapping is None:
            sample = sources[0].sample(200)
            chosen = preset or presets.recognise(columns)
            suggestion = suggest(columns, sample, con, SOURCES_VIEW, chosen)
            mapping = suggestion.mapping
        problems = data_problems(mapping, columns)
        if problems:
            raise ImportProblem(problems)
        tables = _materialise(con, mapping)
        result = write.write_dataset(
            con, tables, target, append=append, sources=[str(p) for p in paths], user=user
        )
        return ImportOutcome(mapping, suggestion, result)
    finally:
        con.close()


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
