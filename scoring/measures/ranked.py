"""Exact per-agent quantiles from values sorted once (issue 23).

A quantile is not mergeable: a filter's median is not made of its cells' medians, so the
pre-aggregated tables (`scoring.measures.cube`) cannot hold one, and computing it from the
tickets was 80–90 % of a KPI table's time at 10M tickets. But a quantile is a position in
the filter's values sorted, and the sort can be done once: per quantile KPI expression a
build keeps every ticket's value **sorted by agent, then value**, with the day the ticket
was created and the codes of the sidebar's ticket dimensions (channel, category, customer
segment). A filter's per-agent quantile is then

1. the agents in scope (each agent's values are one run of the arrays),
2. a mask of the filter's days and dimension values, and a compress, which keeps each run
   sorted,
3. per agent with n values, the value at position q·(n − 1), interpolated linearly between
   its neighbours — what DuckDB's `quantile_cont` computes, without sorting at query time.

It answers the per-agent grouping (the KPI matrix, `answer`) for filters on dates, teams,
agents, channels, categories and segments; another grouping, a filter on product or priority,
or a dataset without these arrays reads the tickets (`answer` returns None). The arrays are
written once per build (`attach`) as `.npy` files under `<build>/ranked-<fingerprint>/`,
renamed into place when complete, and memory-mapped on open: the operating system reads
them as they are touched and shares them between processes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pandas as pd

from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.data.sql import ident
from scoring.measures.query import Filters, Query
from scoring.registry.kpis import KPI
from scoring.scope import for_statistics

FORMAT = 3  # 3: codes, days and agents in the narrowest integer type
INFO = "ranked.json"
# Filter field → the ticket column it restricts, for the dimensions the arrays carry.
DIMENSIONS = {"channels": "channel", "categories": "category", "segments": "customer_segment"}
UNANSWERED = ("products", "priorities", "exclude_tickets")  # read the tickets for these
# Groupings the values sorted by value answer besides the agent's: any of these columns.
DAY_GROUPINGS = ("month", "quarter", "week", "weekday")  # derived from the day
GROUPINGS = ("team", *DAY_GROUPINGS, *DIMENSIONS.values())


@dataclass(frozen=True)
class Sorted:
    """One expression's values over the tickets that have one, sorted by agent then value.

    `starts[i]:starts[i + 1]` is agent i's run (`Ranked.agents[i]`); `days` counts from the
    first ticket day; `codes[column]` is 0 for NULL and i + 1 for `Ranked.levels[column][i]`.
    """

    starts: np.ndarray
    values: np.ndarray
    days: np.ndarray
    codes: dict[str, np.ndarray]

    @functools.cached_property
    def last_day(self) -> int:
        """The last of `days` (a filter running past it keeps every value's day)."""
        return int(self.days.max()) if len(self.days) else 0


@dataclass(frozen=True)
class WithAgents(Sorted):
    """Sorted values with each value's agent (`agents`, a position among the build's agents
    by id)."""

    agents: np.ndarray


@dataclass(frozen=True)
class Ranked:
    """The sorted values of one build: its agents, first day, dimension levels and, per
    quantile KPI expression, its `Sorted` arrays and the same values sorted by value alone
    (`by_value`: one run, for groupings other than the agent)."""

    folder: Path
    agents: tuple[str, ...]
    first_day: date
    levels: dict[str, tuple[str, ...]]
    exprs: dict[str, Sorted]
    by_value: dict[str, WithAgents]


def quantile_kpis(kpis: Sequence[KPI]) -> tuple[KPI, ...]:
    """The KPIs the arrays answer: the ticket grain's quantiles."""
    return tuple(k for k in kpis if k.grain == "ticket" and k.kind == "quantile")


def _columns(ds: Dataset) -> tuple[str, ...]:
    return tuple(c for c in DIMENSIONS.values() if ds.has("tickets", c))


def fingerprint(ds: Dataset, kpis: Sequence[KPI]) -> str:
    made_of = {"format": FORMAT, "exprs": sorted({k.expr for k in kpis}), "dims": _columns(ds)}
    return hashlib.sha256(json.dumps(made_of).encode()).hexdigest()[:16]


# --- answering ------------------------------------------------------------------------------


def answers(ds: Dataset, filters: Filters, by: tuple[str, ...], kpis: Sequence[KPI]) -> bool:
    """Whether the dataset's sorted values answer these KPIs for this filter and grouping."""
    ranked = ds.ranked
    return (
        isinstance(ranked, Ranked)
        and (by == ("agent_id",) or all(c in GROUPINGS for c in by))
        and bool(kpis)
        and not any(getattr(filters, name) for name in UNANSWERED)
        and all(k.expr in (ranked.exprs if by == ("agent_id",) else ranked.by_value) for k in kpis)
    )


@for_statistics
def answer(ds: Dataset, filters: Filters, by: tuple[str, ...], kpis: Sequence[KPI]) -> pd.DataFrame:
    """Per agent in the filter's scope: each KPI's exact quantile over the filter's tickets
    (NaN without one) and its count (`<id>__den`), as `kpi_table` has them, where `answers`
    says the sorted values answer (see the module)."""
    if not answers(ds, filters, by, kpis):
        raise ValueError("the sorted values do not answer this filter and grouping")
    if by != ("agent_id",):
        return _grouped_answer(ds, filters, by, kpis)
    ranked = ds.ranked
    agents = _agents_in_scope(ds, ranked, filters)
    columns: dict[str, np.ndarray] = {"agent_id": np.asarray(ranked.agents, object)[agents]}
    for expr in dict.fromkeys(k.expr for k in kpis):
        values = ranked.exprs[expr].values
        take, counts = _filtered(ranked, ranked.exprs[expr], filters, agents)
        for k in (k for k in kpis if k.expr == expr):
            columns[k.id] = _quantiles(values, counts, k.quantile, take)
            columns[f"{k.id}__den"] = counts
    return pd.DataFrame(columns)


def _grouped_answer(
    ds: Dataset, filters: Filters, by: tuple[str, ...], kpis: Sequence[KPI]
) -> pd.DataFrame:
    """Per group of `by` (columns of `GROUPINGS`, or none: the whole filter), each KPI's
    exact quantile over the filter's tickets and its count, from the values sorted by value
    alone (a group without a value of the expression has no row)."""
    agents = _agents_in_scope(ds, ds.ranked, filters)
    frames = [
        _expr_quantiles(ds, filters, by, expr, [k for k in kpis if k.expr == expr], agents)
        for expr in dict.fromkeys(k.expr for k in kpis)
    ]
    if not by:
        return pd.concat(frames, axis=1)
    return functools.reduce(lambda a, b: a.merge(b, on=list(by), how="outer"), frames)


def _expr_quantiles(
    ds: Dataset,
    filters: Filters,
    by: tuple[str, ...],
    expr: str,
    kpis: list[KPI],
    agents: np.ndarray,
) -> pd.DataFrame:
    """One expression's KPIs per group over the filter's `agents`: the filter's mask keeps
    the values sorted, a stable sort by group code keeps each group's run sorted, and the
    quantile is a position in it (a small scope's values, gathered, are sorted by group and
    value; the whole filter's need no sort)."""
    ranked = ds.ranked
    few = _scope_values(ranked, filters, expr, agents)
    if few is None:
        v = ranked.by_value[expr]
        take = _kept_by_value(ranked, v, filters, agents)
    else:
        v, take = few, None
    groups = _GroupCodes(ds, ranked, v, by)
    codes = groups.codes(slice(None) if take is None else take, len(v.values))
    if few is not None:
        order = np.lexsort((v.values, codes))
    elif groups.size > 1:
        order = np.argsort(codes, kind="stable")
    else:
        order = None
    counts = np.bincount(codes, minlength=groups.size)
    present = np.flatnonzero(counts)
    found: dict[str, np.ndarray] = groups.labels(present)
    for k in kpis:
        found[k.id] = _quantiles(v.values, counts[present], k.quantile, take, order)
        found[f"{k.id}__den"] = counts[present]
    return pd.DataFrame(found)


# A scope of teams or agents holding at most this share of an expression's values is answered
# from their runs of the values sorted by agent (gathered and sorted: a team's quarter of a
# few thousand values) rather than by masking all the values sorted by value.
SMALL_SCOPE_SHARE = 1 / 16


def _scope_values(
    ranked: Ranked, filters: Filters, expr: str, agents: np.ndarray
) -> WithAgents | None:
    """The filter's values of `expr` gathered from the runs of `agents` (in agent order,
    each agent's sorted), where they are some agents holding at most `SMALL_SCOPE_SHARE` of
    the values."""
    s = ranked.exprs[expr]
    scope_values = np.diff(s.starts)[agents].sum()
    if len(agents) == len(ranked.agents) or scope_values > SMALL_SCOPE_SHARE * len(s.values):
        return None
    take, counts = _filtered(ranked, s, filters, agents)
    return WithAgents(
        starts=np.array([0, len(take)]),
        values=s.values[take],
        days=s.days[take],
        codes={column: codes[take] for column, codes in s.codes.items()},
        agents=np.repeat(agents, counts),
    )


def _kept_by_value(
    ranked: Ranked, v: WithAgents, filters: Filters, agents: np.ndarray
) -> np.ndarray | None:
    """Positions in `v` of the filter's values of `agents` (ascending: still sorted by
    value); None: every value (a gather of all 10M cost 60 ms)."""
    keep = _mask(ranked, v, filters, slice(None))
    if len(agents) < len(ranked.agents):
        in_scope = np.zeros(len(ranked.agents), bool)
        in_scope[agents] = True
        keep = _and(keep, in_scope[v.agents])
    return None if keep is None else np.flatnonzero(keep)


class _GroupCodes:
    """Each value's group of `by` as one integer (a mixed-radix number of the columns'
    codes), and the groups' column values back from it."""

    def __init__(self, ds: Dataset, ranked: Ranked, v: WithAgents, by: tuple[str, ...]):
        self.v, self.by = v, by
        self.parts = [self._part(ds, ranked, c) for c in by]

    def _part(self, ds: Dataset, ranked: Ranked, column: str) -> tuple[Callable, np.ndarray]:
        """(rows → the column's code of each value there, the column's value of each code)."""
        v = self.v
        if column == "team":
            teams, labels = _agent_teams(ds, ranked)
            return (lambda rows: teams[v.agents[rows]]), labels
        if column in DAY_GROUPINGS:
            of_day, labels = _day_groups(ranked.first_day, v.last_day, column)
            return (lambda rows: of_day[v.days[rows]]), labels
        labels = np.array([None, *ranked.levels[column]], dtype=object)  # code 0: NULL
        return (lambda rows: v.codes[column][rows]), labels

    @property
    def size(self) -> int:
        """How many codes there can be."""
        return math.prod(len(labels) for _, labels in self.parts)

    def codes(self, rows: np.ndarray | slice, every: int) -> np.ndarray:
        """The group codes of the values at `rows` (of `every` values), in the narrowest
        type that holds them: NumPy's stable sort is a radix sort for 16-bit integers (8
        times faster than for 64-bit ones at 5M values)."""
        dtype = np.uint16 if self.size <= 1 << 16 else np.int64
        codes = np.zeros(every if isinstance(rows, slice) else len(rows), dtype)
        for code_of, labels in self.parts:
            codes = codes * dtype(len(labels)) + code_of(rows).astype(dtype, copy=False)
        return codes

    def labels(self, codes: np.ndarray) -> dict[str, np.ndarray]:
        found = {}
        for column, (_, labels) in reversed(list(zip(self.by, self.parts, strict=True))):
            found[column] = labels[codes % len(labels)]
            codes = codes // len(labels)
        return {column: found[column] for column in self.by}


def _agent_teams(ds: Dataset, ranked: Ranked) -> tuple[np.ndarray, np.ndarray]:
    """Each agent's team code (0: no team) and the team of each code."""
    teams = ds.query("SELECT agent_id, team FROM agents").set_index("agent_id")["team"]
    named = teams.reindex(list(ranked.agents)).astype(object)
    codes, names = pd.factorize(named.to_numpy(), use_na_sentinel=True)
    return (codes + 1).astype(np.int64), np.array([None, *names], dtype=object)


def _day_groups(first_day: date, last_day: int, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Each day's code (days from `first_day` up to `last_day`) in the grouping `column`,
    and its value: the first moment of its month, quarter or week (Monday) as DuckDB's
    `date_trunc` gives them, or the ISO weekday (1 = Monday)."""
    days = np.datetime64(first_day, "D") + np.arange(last_day + 1)
    since_epoch = days.astype(np.int64)
    weekday = (since_epoch + 3) % 7  # 1970-01-01 was a Thursday: Monday is 0
    if column == "weekday":
        return weekday, np.arange(1, 8)
    if column == "week":
        starts = days - weekday
    else:
        months = days.astype("datetime64[M]").astype(np.int64)
        if column == "quarter":
            months -= months % 3
        starts = months.astype("datetime64[M]").astype("datetime64[D]")
    values, codes = np.unique(starts, return_inverse=True)
    return codes.astype(np.int64), values.astype("datetime64[us]")


def _agents_in_scope(ds: Dataset, ranked: Ranked, filters: Filters) -> np.ndarray:
    """Positions in `ranked.agents` of the agents in the filter's teams and agents."""
    every = np.arange(len(ranked.agents))
    if not (filters.teams or filters.agents):
        return every
    q = Query(ds, filters)
    scope = q.select(f"SELECT agent_id FROM {q.agents()}").run(ds)["agent_id"]
    return every[np.isin(np.asarray(ranked.agents, object), scope.to_numpy(object))]


def _filtered(
    ranked: Ranked, s: Sorted, filters: Filters, agents: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray]:
    """Where the values of the filter's tickets of `agents` lie in `s.values`, run after run
    (each still sorted; None: every agent's whole run, as the arrays are), and how many each
    agent has. Positions rather than the values themselves: copying the kept values out of
    10M took 90 ms, finding their positions 8–20 ms, and a quantile reads two per agent."""
    lengths = np.diff(s.starts)[agents]
    if len(agents) == len(ranked.agents):
        rows = None  # every agent: the arrays as they are
    else:
        runs = [np.arange(s.starts[a], s.starts[a + 1]) for a in agents]
        rows = np.concatenate(runs) if runs else np.empty(0, np.int64)
    keep = _mask(ranked, s, filters, slice(None) if rows is None else rows)
    if keep is None:
        return rows, lengths
    kept = np.flatnonzero(keep)
    return (kept if rows is None else rows[kept]), _kept_per_run(kept, lengths)


def _kept_per_run(kept: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """How many of the positions `kept` (ascending, into consecutive runs of `lengths`)
    fall in each run."""
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    return np.diff(np.searchsorted(kept, bounds))


def _mask(ranked: Ranked, s: Sorted, filters: Filters, rows) -> np.ndarray | None:
    """Which of `rows` the filter's days and dimensions keep (None: all of them)."""
    keep = None
    low, high = _day_bounds(ranked, s, filters)
    if low is not None or high is not None:
        days = s.days[rows]
        keep = _and(keep, days >= low if low is not None else None)
        keep = _and(keep, days <= high if high is not None else None)
    for name, column in DIMENSIONS.items():
        chosen = getattr(filters, name)
        if chosen and column in s.codes:
            codes, levels = s.codes[column][rows], ranked.levels[column]
            wanted = [levels.index(v) + 1 for v in chosen if v in levels]
            # one comparison per chosen value: faster than indexing a table by every code
            keep = _and(keep, np.logical_or.reduce([codes == c for c in wanted] or [codes < 0]))
    return keep


def _and(keep: np.ndarray | None, more: np.ndarray | None) -> np.ndarray | None:
    if more is None:
        return keep
    return more if keep is None else keep & more


def _day_bounds(ranked: Ranked, s: Sorted, filters: Filters) -> tuple[int | None, int | None]:
    """The first and last day (from `ranked.first_day`) the filter keeps, None where it
    keeps every value's day on that side."""
    low = (filters.start - ranked.first_day).days if filters.start else None
    high = (filters.end - ranked.first_day).days if filters.end else None
    if low is not None and low <= 0:
        low = None
    if high is not None and high >= s.last_day:
        high = None
    return low, high


def _quantiles(
    values: np.ndarray,
    counts: np.ndarray,
    q: float,
    take: np.ndarray | None = None,
    order: np.ndarray | None = None,
) -> np.ndarray:
    """Per run of `values` (lengths `counts`, each sorted), the q-quantile as DuckDB's
    `quantile_cont`: linear between the values at floor and ceil of q·(n − 1); NaN for an
    empty run. With `take`, the runs are of `values[take]`, with `order` too of
    `values[take[order]]` (read only where needed)."""
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    position = q * np.maximum(counts - 1, 0)
    low = np.floor(position).astype(np.int64)
    high = np.ceil(position).astype(np.int64)
    present = counts > 0
    result = np.full(len(counts), np.nan)
    at_low, at_high = (offsets + low)[present], (offsets + high)[present]
    if order is not None:
        at_low, at_high = order[at_low], order[at_high]
    if take is not None:
        at_low, at_high = take[at_low], take[at_high]
    lo, hi = values[at_low], values[at_high]
    result[present] = lo + (position[present] - low[present]) * (hi - lo)
    return result


# --- writing and attaching ------------------------------------------------------------------


def attach(ds: Dataset, kpis: Sequence[KPI]) -> Ranked | None:
    """The sorted values of a built dataset's quantile KPIs, written first when there are
    none, and set as `ds.ranked`; None without a build, a quantile KPI, or where the build's
    folder cannot be written (every quantile then reads the tickets)."""
    kept = quantile_kpis(kpis)
    if ds.build_folder is None or not kept:
        return None
    folder = ds.build_folder / f"ranked-{fingerprint(ds, kept)}"
    if not (folder / INFO).is_file():
        try:
            with build.limited_memory(ds):
                write_once(
                    folder, INFO, lambda partial: _write_arrays(ds, partial, kept, by_value=True)
                )
        except (OSError, duckdb.IOException):  # a full or read-only disk
            return None
    ds.ranked = _read(folder)
    return ds.ranked


def write_once(folder: Path, info: str, write: Callable[[Path], dict]) -> None:
    """Make `folder`: `write` fills a temporary folder beside it and returns what its file
    `info` holds (JSON); the folder is then renamed into place (one another process
    finished first is kept)."""
    partial = folder.with_name(f".{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        (partial / info).write_text(json.dumps(write(partial)))
        try:
            partial.rename(folder)
        except OSError:  # another process finished first
            if not (folder / info).is_file():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)


# Extra per-ticket columns an array file may carry: name → the SQL of an integer over the
# ticket rows, made with the query (for its parameters), and the integer type of its array.
Extra = Mapping[str, tuple[Callable[[Query], str], type]]


def _write_arrays(
    ds: Dataset,
    folder: Path,
    kpis: Sequence[KPI],
    extra: Extra | None = None,
    rows: Callable[[Query], str] = Query.ticket_base,
    by_value: bool = False,
) -> dict:
    """Write each expression's arrays (and each `extra` column's, `<n>.<name>.npy`, in the
    same order) into `folder`, over the ticket rows `rows` makes with the query (a
    `ticket_base`, with the columns `extra` reads), and where `by_value`, the same values
    sorted by value alone with their agents (`v<n>.<name>.npy`, one run); return what
    `_read` needs besides."""
    columns = _columns(ds)
    agents = tuple(ds.query("SELECT agent_id FROM agents ORDER BY agent_id")["agent_id"])
    levels = {c: tuple(_levels(ds, c)) for c in columns}
    q = Query(ds)
    first_day = q.first_data_day()
    exprs = list(dict.fromkeys(k.expr for k in kpis))
    plain = sorted_files(levels, last_day(q, first_day))
    files = {**plain, **{name: (name, dtype) for name, (_, dtype) in (extra or {}).items()}}
    for n, expr in enumerate(exprs):
        sql = _sorted_sql(q, expr, levels, first_day, extra or {}, rows(q))
        write_sorted(q, sql, folder / str(n), files, ("agent", len(agents)))
        if by_value:
            sql = _sorted_sql(q, expr, levels, first_day, {}, rows(q), by_value=True)
            with_agents = {**plain, "agent": ("agents", narrowest(len(agents)))}
            write_sorted(q, sql, folder / f"v{n}", with_agents, ("whole", 1))
    return {
        "format": FORMAT,
        "agents": agents,
        "first_day": first_day.isoformat(),
        "levels": levels,
        "exprs": exprs,
        "by_value": by_value,
    }


def sorted_files(levels: Mapping[str, Sequence[str]], last: int) -> dict[str, tuple[str, type]]:
    """Column of the sorted rows → the file name and type of its array (`sorted_arrays`):
    each dimension's codes (`levels`) and the days (up to `last`) in the narrowest integer
    type that holds them — the arrays are most of a server's memory once touched."""
    codes = {c: (c, narrowest(len(values))) for c, values in levels.items()}
    return {"value": ("values", np.float64), "day": ("days", narrowest(last)), **codes}


def narrowest(largest: int) -> type:
    """The narrowest signed integer type holding 0 … `largest`."""
    return next(t for t in (np.int8, np.int16, np.int32, np.int64) if largest <= np.iinfo(t).max)


def last_day(q: Query, first_day: date) -> int:
    """The last ticket's day, counted from `first_day` (what a day array must hold)."""
    statement = q.select(f"SELECT coalesce(max({day_sql(q, first_day)}), 0) FROM tickets")
    return int(q.ds.scalar(statement.sql, statement.params))


def write_sorted(
    q: Query, sql: str, stem: Path, files: dict[str, tuple[str, type]], runs: tuple[str, int]
) -> None:
    """Write the rows `sql` selects, in its order, as `<stem>.<file>.npy` per column of
    `files`, and `<stem>.starts.npy`: where each run of the column `runs[0]` (numbered 0 …
    runs[1] − 1, in order) starts. Streamed in batches to the files, written as they come:
    the whole result in pandas took 2.2 GB at 10M tickets, and files written through a
    memory map kept every written page in the build's resident memory."""
    statement = q.select(sql)
    total = q.ds.scalar(f"SELECT count(*) FROM ({statement.sql})", statement.params)
    column, count = runs
    lengths = np.zeros(count, np.int64)
    with contextlib.ExitStack() as stack:
        outputs = {
            c: (stack.enter_context(_npy_file(stem, name, dtype, total)), dtype)
            for c, (name, dtype) in files.items()
        }
        for batch in q.ds.batches(statement.sql, statement.params):
            for c, (output, dtype) in outputs.items():
                values = batch.column(c).to_numpy(zero_copy_only=False)
                values.astype(dtype, copy=False).tofile(output)
            lengths += np.bincount(batch.column(column).to_numpy(), minlength=count)
    if lengths.sum() != total:
        raise RuntimeError(f"{stem}: {lengths.sum()} rows written for {total} counted")
    np.save(f"{stem}.starts.npy", np.concatenate([[0], np.cumsum(lengths)]))


def _npy_file(stem: Path, name: str, dtype: type, length: int) -> BinaryIO:
    """A new `.npy` file for `length` values, open after its header for the values."""
    output = open(f"{stem}.{name}.npy", "wb")  # noqa: SIM115 (closed by the caller)
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False}
    np.lib.format.write_array_header_1_0(output, {**header, "shape": (length,)})
    return output


def _levels(ds: Dataset, column: str) -> list[str]:
    sql = f"SELECT DISTINCT {ident(column)} AS v FROM tickets WHERE v IS NOT NULL ORDER BY 1"
    return [str(v) for v in ds.query(sql)["v"]]


def _sorted_sql(
    q: Query,
    expr: str,
    levels,
    first_day: date,
    extra: Extra,
    rows: str,
    by_value: bool = False,
) -> str:
    """SELECT of every ticket's value of `expr` in the ticket rows `rows` (tickets without
    one left out), its agent's position among the agents by id, its day from `first_day`,
    its dimension codes and `extra` columns, sorted by agent and value (`by_value`: by
    value alone, as one run `whole`)."""
    extras = "".join(f", ({sql(q)}) AS {ident(name)}" for name, (sql, _) in extra.items())
    order = "SELECT agent_id, row_number() OVER (ORDER BY agent_id) - 1 AS agent FROM agents"
    return (
        f"SELECT {'0 AS whole, ' if by_value else ''}o.agent, ({expr}) AS value, "
        f"{day_sql(q, first_day)} AS day"
        f"{codes_sql(q, levels)}{extras} "
        f"FROM {rows} JOIN ({order}) o USING (agent_id) "
        f"WHERE ({expr}) IS NOT NULL ORDER BY {'value' if by_value else 'o.agent, value'}"
    )


def day_sql(q: Query, first_day: date) -> str:
    """SQL: a ticket row's day, counted from `first_day`."""
    return f"date_diff('day', {q.param('first_day', first_day)}, CAST(created_at AS DATE))"


def codes_sql(q: Query, levels: dict[str, Sequence[str]]) -> str:
    """SQL: `, <code> AS <column>` per dimension column of `levels` — 0 for NULL, i + 1 for
    the column's i-th level (`Sorted.codes`)."""
    return "".join(
        f", coalesce(list_position({q.param(f'levels_{c}', list(values))}, "
        f"CAST({ident(c)} AS VARCHAR)), 0) AS {ident(c)}"
        for c, values in levels.items()
    )


def sorted_arrays(folder: Path, n: int | str, columns: Sequence[str]) -> dict:
    """The `Sorted` fields of the n-th arrays written in `folder`, memory-mapped (the starts
    read whole)."""

    def load(name: str) -> np.ndarray:
        return np.load(folder / f"{n}.{name}.npy", mmap_mode="r")

    return {
        "starts": np.load(folder / f"{n}.starts.npy"),
        "values": load("values"),
        "days": load("days"),
        "codes": {c: load(c) for c in columns},
    }


def _read(folder: Path) -> Ranked:
    info = json.loads((folder / INFO).read_text())
    columns = tuple(info["levels"])

    exprs = {
        expr: Sorted(**sorted_arrays(folder, n, columns)) for n, expr in enumerate(info["exprs"])
    }
    by_value = {
        expr: WithAgents(
            **sorted_arrays(folder, f"v{n}", columns),
            agents=np.load(folder / f"v{n}.agents.npy", mmap_mode="r"),
        )
        for n, expr in enumerate(info["exprs"])
        if info.get("by_value")
    }
    return Ranked(
        folder=folder,
        agents=tuple(info["agents"]),
        first_day=date.fromisoformat(info["first_day"]),
        levels={c: tuple(v) for c, v in info["levels"].items()},
        exprs=exprs,
        by_value=by_value,
    )
