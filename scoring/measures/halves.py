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

The build finds each customer's halves once, then sums each month's rows in numpy: sorted by
cell key, a key's rows times their 0/1 membership of the 40 halves (one matrix product per
key) — 20 copies of every row grouped in DuckDB took 9 s a month at 10M tickets.

Written once per build (`attach`, from `metrics.attach_cube`) under
`<build>/halves-<fingerprint>/`, renamed into place when complete.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.data.sql import ident, literal
from scoring.measures import cube, ranked
from scoring.measures.query import Filters, Part, Query, where
from scoring.registry.kpis import KPI
from scoring.scope import for_statistics

FORMAT = 2  # 2: narrower arrays (`ranked.sorted_files`)
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


def customer_halves(splits: str, salt: str, customer: str = CUSTOMER) -> str:
    """SQL over rows with customer_id and ticket_id (or with the SQL `customer` of their
    customer): the row's customer's half in each of `splits` splits seeded with `salt`, as
    bit s of one BIGINT (split s). The half is the hash of one text: hash(a, b, c) of
    DuckDB combines its arguments so that a new split would only flip every customer's half
    together."""
    key = f"concat({customer}, '#', s, '#', {salt})"
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
    place, in the build's bounded memory (`build.MEMORY_LIMIT`). Each customer's halves
    are found once (`CUSTOMERS`), not once per ticket, survey and sorted value: 20 hashes
    of a text each, a third of the cells' time per month at 10M tickets."""
    partial = cube.started(cube.Cube(folder, (), repeat_days, ()))
    try:
        with build.limited_memory(ds):
            ds.row("SET preserve_insertion_order = false")  # no order needed: cells are summed
            try:
                customers = _write_customers(ds, partial / CUSTOMERS)
                _write_cells(ds, partial, cube.held(kpis), repeat_days, customers)
                arrays = ranked._write_arrays(
                    ds,
                    partial,
                    ranked.quantile_kpis(kpis),
                    {"halves": (lambda q: "_halves", ranked.narrowest(2**SPLITS - 1))},
                    lambda q: _with_halves(q.ticket_base(), customers),
                )
            finally:
                ds.row("RESET preserve_insertion_order")
        (partial / CUSTOMERS).unlink()
        (partial / ranked.INFO).write_text(json.dumps(arrays))
        held = tuple(k.id for k in cube.held(kpis))
        cube.finish(partial, cube.Cube(folder, (), repeat_days, held))
    finally:
        shutil.rmtree(partial, ignore_errors=True)


CUSTOMERS = "customers.parquet"  # while writing: each customer (`CUSTOMER`) and its halves


def _write_customers(ds: Dataset, path: Path) -> str:
    """Write every customer of the tickets with its halves (`_halves`, as `customer_halves`
    gives them) to `path`; return the relation reading it."""
    q = Query(ds)
    halves = customer_halves(*_split_params(q, SPLITS, SEED), customer="customer")
    statement = q.select(
        f"SELECT customer, CAST({halves} AS BIGINT) AS _halves "
        f"FROM (SELECT DISTINCT {CUSTOMER} AS customer FROM tickets)"
    )
    ds.row(f"COPY ({statement.sql}) TO {literal(str(path))} (FORMAT parquet)", statement.params)
    return f"read_parquet({literal(str(path))})"


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


def _with_halves(rows: str, customers: str) -> str:
    """Subquery: the relation `rows` (with customer_id and ticket_id) with each row's
    customer's halves (`_halves`) from `customers` (`_write_customers`)."""
    return f"(SELECT r.*, c._halves FROM {rows} r JOIN {customers} c ON c.customer = {CUSTOMER})"


def _write_cells(
    ds: Dataset, folder: Path, kpis: Sequence[KPI], repeat_days: int, customers: str
) -> None:
    """One cell file per month of tickets (`CELLS`): the cells `_cells_sql` selects, summed
    here from the month's rows and their customers' halves (`_split_sums`) — grouped in
    DuckDB, the 20 copies of each row took 9 s a month at 10M tickets."""
    months = ds.query("SELECT DISTINCT date_trunc('month', created_at) AS m FROM tickets")["m"]
    firsts = [m.date() for m in sorted(months.dropna())]
    periods = [Filters(start=f, end=cube._next_month(f) - timedelta(days=1)) for f in firsts]
    keys = cube.key_sets(ds)[0]
    grains = cube.GRAINS if ds.has("surveys") else cube.GRAINS[:1]
    for name, period in zip(firsts or ["none"], periods or [Filters()], strict=True):
        q = Query(ds, period, repeat_days)
        tickets = _with_halves(q.ticket_base(), customers)
        found = []
        for grain in grains:
            rows = tickets if grain == "ticket" else q.survey_rows(tickets)
            parts = [p for k in kpis if k.grain == grain for p in cube.cell_terms(k)]
            found.append(_grain_cells(q, rows, keys, f"_rows_{grain}", parts))
        path = folder / CELLS.replace("*", str(name))
        pq.write_table(_merged(found, keys), path, use_dictionary=False)  # 1.5 times faster
        pa.default_memory_pool().release_unused()  # Arrow keeps freed memory for reuse


def _merged(grains: list[pa.Table], keys: tuple[str, ...]) -> pa.Table:
    """The cells of each grain in one table: the grains' cells joined on key, split and
    half (the columns of another grain NULL where it has no cell). Joined in pandas, whose
    join matches a missing key value (a segment) as SQL's does not; over Arrow types, so
    that counts stay integers with NULLs — 40 times faster than summing the grains' rows
    by key (1.7 s a month at 10M tickets)."""
    by = [*keys, *SPLIT_KEYS]
    frames = [grain.to_pandas(types_mapper=pd.ArrowDtype) for grain in grains]
    joined = functools.reduce(lambda a, b: a.merge(b, on=by, how="outer", sort=False), frames)
    return pa.Table.from_pandas(joined, preserve_index=False).replace_schema_metadata(None)


BATCH_ROWS = 1 << 17  # rows summed at a time (about 25 MB of values, 40 MB of halves)


def _grain_cells(
    q: Query, rows: str, keys: tuple[str, ...], count: str, parts: list[Part]
) -> pa.Table:
    """The cells of the relation `rows` (of one grain, with `_halves`) at `keys` with split
    and half, with `count` (its rows) and `parts`."""
    values = list(dict.fromkeys(p.value for p in parts))
    columns = "".join(f", {v} AS _v{n}" for n, v in enumerate(values))
    key_list = ", ".join(ident(c) for c in keys)
    statement = q.select(f"SELECT {key_list}, _halves{columns} FROM {rows} ORDER BY {key_list}")
    batches = q.ds.batches(statement.sql, statement.params, rows=BATCH_ROWS)
    cells = [_batch_cells(*run, keys, count, parts, values) for run in _whole_keys(batches, keys)]
    return pa.concat_tables(cells)


def _whole_keys(
    batches: Iterator[pa.RecordBatch], keys: tuple[str, ...]
) -> Iterator[tuple[pa.Table, np.ndarray]]:
    """The rows of `batches` (sorted by `keys`) again, each key's rows in one table, with
    the rows' groups (their key's number in the table, ascending): the rows of a batch's
    last key are held back for the next."""
    held = None
    for batch in batches:
        rows = pa.Table.from_batches([batch])
        rows = rows if held is None else pa.concat_tables([held, rows]).combine_chunks()
        groups = _groups(rows, keys)
        last = int(np.searchsorted(groups, groups[-1])) if len(groups) else 0
        if last:
            yield rows.slice(0, last), groups[:last]
        held = rows.slice(last)
    if held is not None:
        yield held, _groups(held, keys)


def _groups(rows: pa.Table, keys: tuple[str, ...]) -> np.ndarray:
    """Each row's key numbered in order of appearance (rows of a key together)."""
    frame = rows.select(list(keys)).to_pandas()
    return frame.groupby(list(keys), sort=False, dropna=False).ngroup().to_numpy()


def _batch_cells(
    batch: pa.Table,
    groups: np.ndarray,
    keys: tuple[str, ...],
    count: str,
    parts: list[Part],
    values: list[str],
) -> pa.Table:
    """The cells of rows (`_grain_cells`), their keys numbered by `groups` (ascending): per
    key, split and half with rows, `count` and each part — a count of the rows with its
    value, or the sum of the values or their squares (NULL where no row has a value, as
    SQL's sum)."""
    starts = np.flatnonzero(np.diff(groups, prepend=-1))  # where each key's rows start
    squared = {p.value for p in parts if p.squared}
    at, width = {}, 1  # value → its first column: whether a row has it; it (0 if not); its square
    for value in values:
        at[value] = width
        width += 3 if value in squared else 2
    columns = np.empty((batch.num_rows, width), order="F")
    columns[:, 0] = 1.0  # the rows
    for n, value in enumerate(values):
        found = batch.column(f"_v{n}").to_numpy(zero_copy_only=False)
        present, given = columns[:, at[value]], columns[:, at[value] + 1]
        np.logical_not(np.isnan(found), out=present, casting="unsafe")
        np.copyto(given, found)
        given[present == 0] = 0.0
        if value in squared:
            np.multiply(given, given, out=columns[:, at[value] + 2])
    sums = _split_sums(starts, batch.column("_halves").to_numpy(), columns)
    kept = np.flatnonzero(sums[:, 0] > 0)
    cells = {c: batch.column(c).take(starts[kept // (2 * SPLITS)]) for c in keys}
    cells["split"] = pa.array(kept // 2 % SPLITS, pa.int64())
    cells["half"] = pa.array(kept % 2, pa.int32())
    cells[count] = pa.array(np.rint(sums[kept, 0]).astype(np.int64))
    for part in parts:
        present = sums[kept, at[part.value]]
        if part.how == "count":
            cells[part.name] = pa.array(np.rint(present).astype(np.int64))
        else:
            summed = sums[kept, at[part.value] + 1 + part.squared]
            cells[part.name] = pa.array(summed, mask=present == 0)
    return pa.table(cells)


def _split_sums(starts: np.ndarray, halves: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Per run of rows (starting at `starts`), split and half — row
    (run · SPLITS + split) · 2 + half — the sums of `columns` (one row per row) over the
    run's rows in that half (`halves`: bit s, a row's half in split s): per run, the
    product of its rows' halves (2 · SPLITS columns of 0 and 1) with its values."""
    member = np.empty((len(halves), 2 * SPLITS))
    member[:, 1::2] = (halves[:, None] >> np.arange(SPLITS)) & 1
    member[:, 0::2] = 1 - member[:, 1::2]
    sums = np.empty((len(starts), 2 * SPLITS, columns.shape[1]))
    ends = np.append(starts[1:], len(halves))[: len(starts)]  # none for no rows
    for run, (start, end) in enumerate(zip(starts, ends, strict=True)):
        np.matmul(member[start:end].T, columns[start:end], out=sums[run])
    return sums.reshape(-1, columns.shape[1])


def _read(ds: Dataset, folder: Path, repeat_days: int) -> Halves:
    info = json.loads((folder / INFO).read_text())
    table = ranked._read(folder)
    masks = {
        expr: np.load(folder / f"{n}.halves.npy", mmap_mode="r")
        for n, expr in enumerate(table.exprs)
    }
    return Halves(folder, _keys(ds), SPLITS, SEED, repeat_days, tuple(info["kpis"]), table, masks)
