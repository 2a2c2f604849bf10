"""Repeat chains (重复来电链): tickets of one customer and category that followed each other
within the repeat window, and the per-build table of repeats that finds them (issue 23).

**The chains** (`chained`): over a filter's ticket rows with a customer, each ticket with the
previous ticket of its customer and category (`ordered`), whether it was opened within the
repeat window after that one was resolved (`marked`: a repeat), and its chain's number among
the customer and category's chains (`numbered`: a chain starts at every ticket that is not a
repeat). Diagnostics (`scoring.analyses.diagnostics`) lists the longest chains and who
resolved the tickets that came back; both are a window over every ticket of the period.

**The repeats, found once** (`attach`): the same CTEs over all the data, kept for the repeats
alone (a quarter of the tickets at 10M), each with its chain number over all the data, its
resolution time and the previous ticket's id, agent, creation and resolution time. For a
filter of dates (and categories) they answer both questions without the window or a read of
the tickets: the tickets of a period run contiguously in each customer
and category's order, so a ticket's previous ticket in the period is its previous ticket in
all the data when that one was created in the period, and the period's chains are all the
data's chains cut to the period. `answers` says when (no filter on channel, product,
priority or segment, which would cut a customer's tickets apart; the same repeat window).
Written under `<build>/chains-<fingerprint>/`, renamed into place when complete.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.data.sql import literal
from scoring.measures import ranked
from scoring.measures.query import Filters, Query, where

FORMAT = 3  # 2: resolution times and the previous ticket's id; 3: the chains' spans
INFO = "chains.json"
REPEATS = "repeats.parquet"
CHAINS = "chains.parquet"  # per chain with a repeat: its length and first and last times
# Filter fields that cut a customer and category's tickets apart (the table cannot answer).
CUTTING = ("channels", "products", "priorities", "segments", "exclude_tickets")


@dataclass(frozen=True)
class Repeats:
    """The table of one build's repeats for one repeat window."""

    folder: Path
    repeat_days: int

    def relation(self) -> str:
        return f"read_parquet({literal(str(self.folder / REPEATS))})"

    def chains(self) -> str:
        return f"read_parquet({literal(str(self.folder / CHAINS))})"


def chained(ds: Dataset, filters: Filters, repeat_days: int) -> Query:
    """A query over the filter's ticket rows with the CTEs `ordered`, `marked` and `numbered`
    (see the module): each ticket with customer, category, agent, team, created and resolved
    time, the previous ticket's id, agent, creation and resolution time, `is_repeat` and
    `chain_no`."""
    q = Query(ds, filters, repeat_days)
    rows = q.ticket_base()
    q.define(
        "ordered",
        f"""
        SELECT ticket_id, customer_id, category, agent_id, team, created_at, resolved_at,
            lag(resolved_at) OVER w AS previous_resolved,
            lag(agent_id) OVER w AS previous_agent,
            lag(ticket_id) OVER w AS previous_ticket,
            lag(created_at) OVER w AS previous_created_at
        FROM {rows} WHERE customer_id IS NOT NULL
        WINDOW w AS (PARTITION BY customer_id, category ORDER BY created_at, ticket_id)""",
    )
    window = q.param("repeat_seconds", repeat_days * 86400)
    q.define(
        "marked",
        f"""
        SELECT *, coalesce(previous_resolved IS NOT NULL AND created_at > previous_resolved
            AND date_diff('second', previous_resolved, created_at) <= {window}, false)
            AS is_repeat FROM ordered""",
    )
    q.define(
        "numbered",
        """
        SELECT *, sum(CASE WHEN is_repeat THEN 0 ELSE 1 END) OVER (
            PARTITION BY customer_id, category ORDER BY created_at, ticket_id) AS chain_no
        FROM marked""",
    )
    return q


def answers(ds: Dataset, filters: Filters, repeat_days: int) -> bool:
    """Whether the dataset's table of repeats answers chains over this filter."""
    table = ds.repeats
    return (
        isinstance(table, Repeats)
        and table.repeat_days == repeat_days
        and not any(getattr(filters, name) for name in CUTTING)
    )


def period_repeats(q: Query) -> str:
    """CTE `period_repeats`: the repeats of the table (`answers` must hold for `q`) whose
    ticket and previous ticket were both created in the filter's dates and categories. Read
    where it is used rather than kept whole: each reader takes a few columns or rows of it."""
    in_period = [*q.created_in_period("r."), *q.created_in_period("r.previous_")]
    in_period += _in_categories(q, "r.")
    return q.define(
        "period_repeats",
        f"SELECT r.* FROM {q.ds.repeats.relation()} r {where(*in_period)}",
        materialized=False,
    )


def _in_categories(q: Query, alias: str) -> list[str]:
    """Conditions: a repeat or chain (of table `alias`) in the filter's categories."""
    if not q.filters.categories:
        return []
    return [f"list_contains({q.param('categories', list(q.filters.categories))}, {alias}category)"]


def longest_first(q: Query, limit: int) -> str:
    """SQL: the order chains are listed in (longest, then latest) and the `limit`."""
    return (
        f"ORDER BY length DESC, last_at DESC, customer_id, category LIMIT {q.param('limit', limit)}"
    )


def longest_pieces(q: Query, limit: int) -> str:
    """CTE `longest_pieces`: customer_id, category, chain_no, length and last time of the
    `limit` longest chains of the period (`answers` holds; `longest_first`), from the table
    of chains rather than every repeat of the period. A chain wholly in the period is whole
    there; one the period cuts is shorter there than whole, so only those longer than the
    shortest of the `limit` longest whole ones (than 2 where there are fewer) are measured
    on their repeats of the period."""
    repeats = period_repeats(q)
    chains, key = q.ds.repeats.chains(), "customer_id, category, chain_no"
    in_categories = _in_categories(q, "c.")
    inside = q.spans_within("c.first_at", "c.last_at")
    overlapping = q.spans_within("c.last_at", "c.first_at")
    cut = [*overlapping, f"NOT ({' AND '.join(inside)})"] if inside else ["false"]
    q.define(
        "whole_pieces",
        f"SELECT {key}, length, last_at FROM {chains} c "
        f"{where(*inside, *in_categories)} {longest_first(q, limit)}",
    )
    q.define(
        "cut_chains",
        f"""
        SELECT {key} FROM {chains} c
        {where(*cut, *in_categories)} AND c.length > (
            SELECT CASE WHEN count(*) < {q.param("limit", limit)} THEN 2 ELSE min(length) END
            FROM whole_pieces)""",
    )
    q.define(
        "cut_pieces",
        f"SELECT {key}, count(*) + 1 AS length, max(created_at) AS last_at "
        f"FROM {repeats} JOIN cut_chains USING ({key}) GROUP BY ALL",
    )
    return q.define(
        "longest_pieces",
        "SELECT * FROM (SELECT * FROM whole_pieces UNION ALL SELECT * FROM cut_pieces) "
        f"{longest_first(q, limit)}",
    )


def fingerprint(ds: Dataset, repeat_days: int) -> str:
    """What the table is made of: the format, the window and the chains' SQL."""
    sql = chained(ds, Filters(), repeat_days).select("SELECT 1").sql
    made_of = {"format": FORMAT, "repeat_days": repeat_days, "sql": sql}
    return hashlib.sha256(json.dumps(made_of).encode()).hexdigest()[:16]


def attach(ds: Dataset, repeat_days: int) -> Repeats | None:
    """The table of repeats of a built dataset for the repeat window, written first when
    there is none, and set as `ds.repeats`; None without a build, customers or categories,
    or where the build's folder cannot be written (chains then read the tickets)."""
    needed = ("customer_id", "category", "resolved_at")
    if ds.build_folder is None or not all(ds.has("tickets", c) for c in needed):
        return None
    folder = ds.build_folder / f"chains-{fingerprint(ds, repeat_days)}"
    if not (folder / INFO).is_file():
        try:
            ranked.write_once(folder, INFO, lambda partial: _write(ds, partial, repeat_days))
        except (OSError, duckdb.IOException):  # a full or read-only disk
            return None
    ds.repeats = Repeats(folder, repeat_days)
    return ds.repeats


def _write(ds: Dataset, folder: Path, repeat_days: int) -> dict:
    """Write the repeats (see the module) sorted by creation time, in the build's bounded
    memory (`build.MEMORY_LIMIT`)."""
    with build.limited_memory(ds):
        return _write_repeats(ds, folder, repeat_days)


def _write_repeats(ds: Dataset, folder: Path, repeat_days: int) -> dict:
    q = chained(ds, Filters(), repeat_days)
    statement = q.select(
        "SELECT customer_id, category, chain_no, ticket_id, agent_id, created_at, resolved_at, "
        "previous_ticket, previous_agent, previous_created_at, previous_resolved "
        "FROM numbered WHERE is_repeat ORDER BY created_at"
    )
    target = literal(str(folder / REPEATS))
    ds.row(f"COPY ({statement.sql}) TO {target} (FORMAT parquet)", statement.params)
    whole = (
        "SELECT customer_id, category, chain_no, count(*) + 1 AS length, "
        "min(previous_created_at) AS first_at, max(created_at) AS last_at "
        f"FROM read_parquet({target}) GROUP BY ALL"
    )
    ds.row(f"COPY ({whole}) TO {literal(str(folder / CHAINS))} (FORMAT parquet)")
    return {"format": FORMAT, "repeat_days": repeat_days}
