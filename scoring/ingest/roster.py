"""Agents' attributes from a roster: a second file, or the table edited on the Import page.

A ticket export names its agents but rarely their teams, supervisors or hire dates. A roster
(花名册) — one row per agent, keyed by the same agent value the tickets carry — fills them in:
for every agent of the tickets, a value the roster gives replaces the one derived from the
ticket rows (name = the agent value, team = the mapped team or "Unassigned"). Roster rows of
people without tickets are counted, not added. A value that does not convert to its column's
type (a hire date that is not a date) rejects the import, naming the column and examples.

Roster headers are matched like export headers: the contract's own names, then the header
synonyms of `scoring.ingest.mapping` (工号, 姓名, 班组, 入职日期 …).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from scoring.data.sql import ident
from scoring.ingest.mapping import SYNONYMS, norm
from scoring.registry.contract import AGENTS, DUCKDB_TYPE

COLUMNS = tuple(c.name for c in AGENTS.columns)
TYPES = {c.name: c.type for c in AGENTS.columns}
# Headers of a roster's own columns, beyond the export synonyms (which name agent_id,
# name, team, supervisor and site as ticket columns do).
ROSTER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "agent_id": ("agent_id", *SYNONYMS["tickets.agent_id"], "employee id", "员工编号"),
    "hire_date": ("hire date", "start date", "joined", "入职日期", "入职时间"),
    "left_date": ("left date", "leaving date", "end date", "离职日期", "离职时间"),
    "hourly_cost": ("hourly cost", "cost per hour", "人力成本", "小时成本"),
}
VIEW = "import_roster"
EXAMPLES = 3


class RosterProblem(ValueError):
    """The roster cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class RosterOutcome:
    matched: int  # agents of the tickets the roster names
    without_tickets: int  # roster rows of people without tickets (not added)


def _synonyms(name: str) -> tuple[str, ...]:
    return ROSTER_SYNONYMS.get(name) or (name, *SYNONYMS.get(f"agents.{name}", ()))


def roster_columns(headers: list[str]) -> dict[str, str]:
    """Contract column → roster header, for the columns the roster has."""
    by_norm = {norm(h): h for h in headers}
    found = {}
    for name in COLUMNS:
        header = next((by_norm[norm(s)] for s in _synonyms(name) if norm(s) in by_norm), None)
        if header is not None and header not in found.values():
            found[name] = header
    return found


def _typed(name: str, text: str) -> str:
    return f"try_cast({text} AS {DUCKDB_TYPE[TYPES[name]]})"


def _text(header: str) -> str:
    return f"nullif(trim(CAST({ident(header)} AS VARCHAR)), '')"


def _unconvertible(con, columns: dict[str, str]) -> list[str]:
    problems = []
    for name, header in columns.items():
        text = _text(header)
        bad = con.execute(
            f"SELECT DISTINCT {text} FROM {ident(VIEW)} "
            f"WHERE {text} IS NOT NULL AND {_typed(name, text)} IS NULL ORDER BY 1 LIMIT ?",
            [EXAMPLES],
        ).fetchall()
        if bad:
            examples = ", ".join(repr(row[0]) for row in bad)
            problems.append(
                f"roster column {header!r} ({name}): values that are not a {TYPES[name]}, "
                f"e.g. {examples}"
            )
    return problems


def _repeated(con, key: str, header: str) -> list[str]:
    """An agent listed twice would make the roster's values a matter of chance."""
    twice = con.execute(
        f"SELECT {key} FROM {ident(VIEW)} WHERE {key} IS NOT NULL "
        f"GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT ?",
        [EXAMPLES],
    ).fetchall()
    if not twice:
        return []
    examples = ", ".join(repr(row[0]) for row in twice)
    return [f"roster column {header!r}: agents listed more than once, e.g. {examples}"]


def join_roster(
    con: duckdb.DuckDBPyConnection, agents: str, roster: pd.DataFrame
) -> tuple[str, RosterOutcome]:
    """A new temporary table: the table `agents` (derived from the tickets) with the
    roster's values taking precedence; returns its name and what matched. RosterProblem
    (every reason) when the roster has no agent column, lists an agent twice or holds a value
    of the wrong type."""
    columns = roster_columns(list(roster.columns))
    if "agent_id" not in columns:
        expected = ", ".join(_synonyms("agent_id")[:4])
        raise RosterProblem([f"roster: no agent column (expected a header such as {expected})"])
    con.register(VIEW, roster.astype("string"))
    try:
        key = _text(columns["agent_id"])
        problems = _repeated(con, key, columns["agent_id"]) + _unconvertible(con, columns)
        if problems:
            raise RosterProblem(problems)
        return _join(con, agents, columns, key)
    finally:
        con.unregister(VIEW)


def _join(con, agents: str, columns: dict[str, str], key: str) -> tuple[str, RosterOutcome]:
    given = {name: _typed(name, _text(header)) for name, header in columns.items()}
    given["agent_id"] = key
    roster = ", ".join(f"{expr} AS {ident(name)}" for name, expr in given.items())
    select = ", ".join(
        f"a.{ident(name)}"
        if name == "agent_id" or name not in given
        else f"coalesce(r.{ident(name)}, a.{ident(name)}) AS {ident(name)}"
        for name in COLUMNS
    )
    joined, rows = f"{agents}_with_roster", ident(f"{agents}_roster_rows")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {rows} AS SELECT {roster} FROM {ident(VIEW)} "
        f"WHERE {key} IS NOT NULL"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {ident(joined)} AS SELECT {select} "
        f"FROM {ident(agents)} AS a LEFT JOIN {rows} AS r USING (agent_id) ORDER BY 1"
    )
    ((matched, without),) = con.execute(
        f"SELECT count(*) FILTER (WHERE agent_id IN (SELECT agent_id FROM {ident(agents)})), "
        f"count(*) FILTER (WHERE agent_id NOT IN (SELECT agent_id FROM {ident(agents)})) "
        f"FROM {rows}"
    ).fetchall()
    con.execute(f"DROP TABLE {rows}")
    return joined, RosterOutcome(int(matched), int(without))
