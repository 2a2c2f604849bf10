"""Pre-aggregated halves of split-half reliability (issue 23).

Split-half reliability (`scoring.analyses.reliability`) deals the customers into two halves
per seeded split — by a hash of the customer, the split and the seed, so that a customer's
tickets, surveys and repeat chains stay in one half — and measures every agent's KPIs on
each half. From the tickets that is every ticket of the filter once per split (20 at 10M
tickets: 200 M rows, 10–40 s). Since a customer's half depends on the customer alone, it can
be summed once per build:

- **cells** (`cells.parquet`): per agent × month × customer segment × split × half, the KPI
  parts the pre-aggregated KPI tables hold (`scoring.measures.cube`: counts, sums, sums of
  squares; the per-segment repeats a segment-relative KPI restates). A filter's halves sum
  its whole months' cells and the cells of the days of months it cuts, summed from those
  days' tickets on the fly, and merge them as the KPI tables do (`cube.merged_parts`: the
  segments' repeat rates over the filter's cells, as the tickets give them).
- **quantiles** (median and P90 response: not mergeable) exactly from each quantile
  expression's values sorted once by agent and value with the day, the customer segment and
  the customer's halves (bit s: its half in split s): per split and half a mask keeps each
  agent's run sorted, and the quantile is a position in it (`scoring.measures.ranked`).

`answers` says where they answer: the build's splits, seed and repeat window, and filters on
dates, teams, agents and customer segments; a filter on channel, category, product or
priority, or a dataset without a build, reads the tickets (`metrics.kpi_halves`). Counts
are exact, sums the tickets' sums added in another order (about 1e-12 relative); the
quantiles are exact.

Written once per build (`attach`, from `metrics.attach_cube`) under
`<build>/halves-<fingerprint>/`, renamed into place when complete.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.data.sql import ident, literal
from scoring.measures import cube, ranked
from scoring.measures.query import Filters, Query, where
from scoring.registry.kpis import KPI
from scoring.scope import for_statistics

FORMAT = 1
INFO = cube.INFO  # what `cube.finish` writes: the KPIs held
CELLS = "cells-*.parquet"  # one file per month
SPLITS = 20  # the splits and seed the lab asks for (scoring.analyses.reliability)
SEED = 0
MAX_SPLITS = 62  # a customer's halves are the bits of one BIGINT
SPLIT_KEYS = ("split", "half")
# A ticket's customer; a ticket without one is a customer of its own.
CUSTOMER = "coalesce(CAST(customer_id AS VARCHAR), 't' || ticket_id)"
SEGMENT_FILTER = "segments"
UNANSWERED = ("channels", "categories", "products", "priorities", "exclude_tickets")


def customer_halves(splits: str, salt: str) -> str:
    """SQL over rows with customer_id and ticket_id: the row's customer's half in each of
    `splits` splits seeded with `salt`, as bit s of one BIGINT (split s). The half is the
    hash of one text: hash(a, b, c) of DuckDB combines its arguments so that a new split
    would only flip every customer's half together."""
    key = f"concat({CUSTOMER}, '#', s, '#', {salt})"
    return (
        f"list_sum(list_transform(range({splits}), lambda s: CAST(hash({key}) % 2 AS BIGINT) << s))"
    )


def split_rows(rows: str, splits: str, salt: str) -> str:
    """Subquery: each of `rows` (with customer_id and ticket_id) once per split, with
    `split` (0 … splits − 1) and its customer's `half` (0 or 1) in that split."""
    return (
        "(SELECT r.* EXCLUDE (_halves), s.split, CAST((r._halves >> s.split) & 1 AS INTEGER) "
        f"AS half FROM (SELECT *, {customer_halves(splits, salt)} AS _halves FROM {rows}) r "
        f"CROSS JOIN range({splits}) s(split))"
    )


@dataclass(frozen=True)
class Halves:
    """The pre-aggregated halves of one build: the cells' file and keys, the splits, seed
    and repeat window they were made with, the KPIs they hold, and the quantile KPIs'
    sorted values (`sorted`, as `ranked` holds them) with each value's customer halves
    (`masks`, per expression)."""

    folder: Path
    keys: tuple[str, ...]
    splits: int
    seed: int
    repeat_days: int
    kpis: tuple[str, ...]
    sorted: ranked.Ranked
    masks: dict[str, np.ndarray]

    def cells(self) -> str:
        """The relation of the cell table."""
        return f"read_parquet({literal(str(self.folder / CELLS))})"


def _keys(ds: Dataset) -> tuple[str, ...]:
    return cube.key_sets(ds)[0] + SPLIT_KEYS


def _dimensions(ds: Dataset) -> tuple[str, ...]:
    return (cube.SEGMENT,) if ds.has("tickets", cube.SEGMENT) else ()


def fingerprint(ds: Dataset, kpis: Sequence[KPI], repeat_days: int) -> str:
    made_of = {
        "format": FORMAT,
        "splits": SPLITS,
        "seed": SEED,
        "repeat_days": repeat_days,
        "keys": _keys(ds),
        "kpis": [(k.id, k.grain, k.kind, k.expr) for k in kpis],
    }
    return hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()[:16]


# --- answering ------------------------------------------------------------------------------


def answers(
    ds: Dataset, filters: Filters, made_with: tuple[int, int, int], kpis: Sequence[KPI]
) -> bool:
    """Whether the dataset's halves answer these split grains' KPIs for `filters` and
    `made_with` (splits, seed, repeat window)."""
    halves = ds.halves
    return (
        isinstance(halves, Halves)
        and made_with == (halves.splits, halves.seed, halves.repeat_days)
        and not any(getattr(filters, name) for name in UNANSWERED)
        and all(k.id in halves.kpis for k in cube.held(kpis))
        and all(k.expr in halves.sorted.exprs for k in ranked.quantile_kpis(kpis))
    )


def answer(q: Query, grains: dict[str, list[KPI]]) -> dict[str, str]:
    """Grain → the SELECT of that grain's KPI parts per split, half and agent, with the
    columns the ticket-level statement has but the quantiles (`quantiles`), where
    `answers` says the halves answer."""
    halves: Halves = q.ds.halves
    cells = _cells(q, halves, [k for ks in grains.values() for k in cube.held(ks)])
    by = (*SPLIT_KEYS, "agent_id")
    return {grain: cube._merged(q, cells, by, kpis, grain) for grain, kpis in grains.items()}


def _cells(q: Query, halves: Halves, kpis: Sequence[KPI]) -> str:
    """CTE `halves_cells`: the cells in the filter — its whole months from the table, the
    rest of its dates summed from the tickets — in the filter's agent scope."""
    months = cube.whole_months(q)
    parts = []
    if months is not None:
        first, after = q.param("cube_first", months[0]), q.param("cube_after", months[1])
        segments = q.filters.segments
        in_segments = (
            f"list_contains({q.param(SEGMENT_FILTER, list(segments))}, {cube.SEGMENT})"
            if segments
            else "true"
        )
        in_filter = where(f"month >= {first}", f"month < {after}", in_segments)
        parts.append(f"SELECT * FROM {halves.cells()} {in_filter}")
    if not cube._covers_all(q, months):
        params = _split_params(q, halves.splits, halves.seed)
        parts.append(_cells_sql(q, q.ticket_base(outside=months), halves.keys, kpis, params))
    union = " UNION ALL BY NAME ".join(f"({p})" for p in parts)
    grains = cube.GRAINS if q.ds.has("surveys") else cube.GRAINS[:1]
    columns = [c for grain in grains for c in cube.part_names(kpis, grain)]
    # the filter's months summed first: the merge then reads one cell per agent, segment,
    # split and half (3 times fewer rows for a quarter, 12 for a year)
    keys = tuple(c for c in halves.keys if c != "month")
    in_scope = f"SELECT c.* FROM ({union}) c JOIN {q.agents()} a USING (agent_id)"
    return q.define("halves_cells", cube.summed(in_scope, keys, columns))


@for_statistics
def quantiles(ds: Dataset, filters: Filters, kpis: Sequence[KPI]) -> pd.DataFrame:
    """Per split, half and agent in the filter's scope: each quantile KPI's exact value
    over the half's tickets in the filter (NaN without one) and its count (`<id>__den`)."""
    halves: Halves = ds.halves
    agents = ranked._agents_in_scope(ds, halves.sorted, filters)
    ids = np.asarray(halves.sorted.agents, object)[agents]
    exprs = dict.fromkeys(k.expr for k in kpis)
    kept = {expr: _kept(halves, expr, filters, agents) for expr in exprs}
    parts: dict[str, list[np.ndarray]] = {}
    for split in range(halves.splits):
        found = {h: {"split": split, "half": h, "agent_id": ids} for h in (0, 1)}
        for expr, (values, masks, lengths) in kept.items():
            second = np.cumsum((masks >> split) & 1)  # members of half 1 up to each value
            first = np.arange(1, len(values) + 1) - second
            for half, seen in enumerate((first, second)):
                counts, quantile = _run_quantiles(values, seen, lengths)
                for k in (k for k in kpis if k.expr == expr):
                    found[half][k.id] = quantile(k.quantile)
                    found[half][f"{k.id}__den"] = counts
        for columns in found.values():
            for name, column in columns.items():
                parts.setdefault(name, []).append(np.broadcast_to(column, len(ids)))
    return pd.DataFrame({name: np.concatenate(columns) for name, columns in parts.items()})


def _run_quantiles(values: np.ndarray, seen: np.ndarray, lengths: np.ndarray):
    """Per run of `values` (consecutive, of `lengths`, each sorted), how many of its values
    are members of a half (`seen`: the members up to and including each value, counted
    from the first run), and a function of q giving the q-quantile of those
    (`quantile_cont`, as `ranked` computes it: linear between the values at floor and ceil
    of q·(n − 1); NaN for none). The i-th member of a run is found by its cumulative count
    rather than by copying the members out."""
    ends = np.cumsum(lengths)
    last = seen[ends - 1] if len(seen) else np.zeros(len(ends), np.int64)
    at_end = np.where(ends > 0, last, 0)  # members up to each run's end
    before = np.concatenate([[0], at_end[:-1]])
    counts = at_end - before
    present = counts > 0

    def member(rank: np.ndarray) -> np.ndarray:
        """The value of each present run's member of this 0-based rank."""
        return values[np.searchsorted(seen, before[present] + rank + 1)]

    def quantile(q: float) -> np.ndarray:
        position = q * np.maximum(counts[present] - 1, 0)
        low, high = np.floor(position).astype(np.int64), np.ceil(position).astype(np.int64)
        lo, hi = member(low), member(high)
        result = np.full(len(counts), np.nan)
        result[present] = lo + (position - low) * (hi - lo)
        return result

    return counts, quantile


def _kept(
    halves: Halves, expr: str, filters: Filters, agents: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The values of the filter's tickets of `agents` (run after run, each still sorted),
    their customers' halves and how many each agent has (`ranked._filtered`)."""
    s = halves.sorted.exprs[expr]
    take, lengths = ranked._filtered(halves.sorted, s, filters, agents)
    masks = halves.masks[expr]
    return (s.values, masks, lengths) if take is None else (s.values[take], masks[take], lengths)


# --- writing and attaching ------------------------------------------------------------------


def attach(ds: Dataset, kpis: Sequence[KPI], repeat_days: int) -> Halves | None:
    """The halves of a built dataset for `kpis` (its available KPIs) and the repeat window,
    written first when there are none, and set as `ds.halves`; None without a build or a
    customer column, or where the build's folder cannot be written."""
    if ds.build_folder is None or not ds.has("tickets", "customer_id"):
        return None
    kept = tuple(k for k in kpis if k.grain in cube.GRAINS)
    folder = ds.build_folder / f"halves-{fingerprint(ds, kept, repeat_days)}"
    if not (folder / INFO).is_file():
        try:
            _write(ds, folder, kept, repeat_days)
        except (OSError, duckdb.IOException):  # a full or read-only disk
            return None
    ds.halves = _read(ds, folder, repeat_days)
    return ds.halves


def _write(ds: Dataset, folder: Path, kpis: Sequence[KPI], repeat_days: int) -> None:
    """Write the cells and the sorted values under a temporary name, then rename them into
    place, in the build's bounded memory (`build.MEMORY_LIMIT`)."""
    partial = cube.started(cube.Cube(folder, (), repeat_days, ()))
    try:
        with build.limited_memory(ds):
            ds.row("SET preserve_insertion_order = false")  # no order needed: cells are summed
            try:
                _write_cells(ds, partial, cube.held(kpis), repeat_days)
                masks = {"halves": lambda q: customer_halves(*_split_params(q, SPLITS, SEED))}
                arrays = ranked._write_arrays(ds, partial, ranked.quantile_kpis(kpis), masks)
            finally:
                ds.row("RESET preserve_insertion_order")
        (partial / ranked.INFO).write_text(json.dumps(arrays))
        held = tuple(k.id for k in cube.held(kpis))
        cube.finish(partial, cube.Cube(folder, (), repeat_days, held))
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _split_params(q: Query, splits: int, seed: int) -> tuple[str, str]:
    return q.param("splits", int(splits)), q.param("split_seed", int(seed))


def _cells_sql(
    q: Query, tickets: str, keys: tuple[str, ...], kpis: Sequence[KPI], params: tuple[str, str]
) -> str:
    """SELECT of the cells at `keys` (with split and half) over the ticket rows `tickets`
    (a `ticket_base`): `cube`'s cells, each grain's rows split before they are summed (the
    surveys split themselves rather than join the split tickets: 20 times fewer rows)."""
    key_list = ", ".join(ident(c) for c in keys)
    grains = cube.GRAINS if q.ds.has("surveys") else cube.GRAINS[:1]
    selects = []
    for grain in grains:
        rows = split_rows(tickets if grain == "ticket" else q.survey_rows(tickets), *params)
        parts = [f"count(*) AS _rows_{grain}"]
        parts += [part for k in kpis if k.grain == grain for part in cube.cell_parts(k)]
        selects.append(f"(SELECT {key_list}, {', '.join(parts)} FROM {rows} GROUP BY {key_list})")
    columns = [c for grain in grains for c in cube.part_names(kpis, grain)]
    return cube.summed(" UNION ALL BY NAME ".join(selects), keys, columns)


def _write_cells(ds: Dataset, folder: Path, kpis: Sequence[KPI], repeat_days: int) -> None:
    """One cell file per month of tickets (`CELLS`): a month's cells are summed from its
    own tickets, in bounded memory (all months at once: 2 M groups of 45 sums at 10 M
    tickets, more than `build.MEMORY_LIMIT`)."""
    months = ds.query("SELECT DISTINCT date_trunc('month', created_at) AS m FROM tickets")["m"]
    firsts = [m.date() for m in sorted(months.dropna())]
    periods = [Filters(start=f, end=cube._next_month(f) - timedelta(days=1)) for f in firsts]
    for name, period in zip(firsts or ["none"], periods or [Filters()], strict=True):
        q = Query(ds, period, repeat_days)
        params = _split_params(q, SPLITS, SEED)
        statement = q.select(_cells_sql(q, q.ticket_base(), _keys(ds), kpis, params))
        path = folder / CELLS.replace("*", str(name))
        ds.row(f"COPY ({statement.sql}) TO {literal(str(path))} (FORMAT parquet)", statement.params)


def _read(ds: Dataset, folder: Path, repeat_days: int) -> Halves:
    info = json.loads((folder / INFO).read_text())
    table = ranked._read(folder)
    masks = {
        expr: np.load(folder / f"{n}.halves.npy", mmap_mode="r")
        for n, expr in enumerate(table.exprs)
    }
    return Halves(folder, _keys(ds), SPLITS, SEED, repeat_days, tuple(info["kpis"]), table, masks)
