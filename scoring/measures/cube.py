"""Pre-aggregated KPI tables (预聚合, issue 23): what each ticket and survey KPI is made of,
summed once per agent, month and the sidebar's ticket dimensions, so that a filter's KPI
table sums thousands of cells instead of reading millions of tickets.

**Cells.** One table per key set of `key_sets` (smallest first): agent × month × customer
segment, the same × channel, × category, and × channel × category (a dimension only where
the dataset has it). A cell holds its keys, `_rows_ticket` and `_rows_survey`, and for each
ticket and survey KPI the parts its value is made of: `__num`, `__den`, `__sq` of a rate or
a mean (`query.moments`), `__num` of a volume, and for a KPI over a segment-relative column
(`query.SEGMENT_RELATIVE`) the moments of the per-ticket column it restates, so that the
segments' rates are those of the filter.

Beside them, **day cells**: agent × day × customer segment, the same parts per day, sorted
by day.

**Answering** (`answer`): a filter is answered from the smallest key set holding every
dimension it restricts or groups by (team from the agent, quarter from the month), for the
whole months of its dates; the days of a month it takes in part — every rolling preset
(the last 30, 91 or 365 days) has some — come from the day cells where the key set is the
smallest (no channel or category), else they are summed from the tickets into the same
cells on the fly (the built tickets are sorted by creation time, so those days are read
alone). A grouping by week, weekday, hour, product or priority, a filter on
product or priority, another repeat window, or a dataset without a build reads the tickets
(`answer` returns None).

**Exactness.** Counts are the tickets' counts and sums the tickets' sums added in another
order (equal to about 1e-12 relative), so rates, means and volumes are the ticket-level
ones. Quantiles (the median and P90 response) are not mergeable: the per-agent matrix reads
them from the values sorted once (`scoring.measures.ranked`); other groupings compute them
exactly from the tickets in the same statement, which reads only the columns they need. A mergeable
histogram was measured (bench/RESULTS.md): fine buckets hold nearly a row per ticket at the
agent × month grain and gain nothing; buckets coarse enough to gain err by 2.5 %, which is
2.5 score points at a 6-minute target — not fair enough to grade people on.

The tables are written once per build (`attach`), under `<build>/cube-<fingerprint>/`,
renamed into place when complete; the fingerprint covers the KPI declarations they hold,
the key sets, the repeat window and `FORMAT`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.data.sql import ident, literal
from scoring.measures.query import (
    GROUP_WORKING_DAYS,
    SEGMENT_RELATIVE,
    Filters,
    Part,
    Query,
    Statement,
    moment_parts,
    where,
)
from scoring.registry.kpis import KPI

FORMAT = 2  # 2: day cells
INFO = "cube.json"
DAYS = "days.parquet"
AGENT_KEYS = ("agent_id", "month")
SEGMENT = "customer_segment"  # in every key set: segment-relative KPIs restate by segment
EXTRA_KEYS = ("channel", "category")
FILTER_KEYS = {"channels": "channel", "categories": "category", "segments": SEGMENT}
# Groupings a cell answers besides its keys, with the key each is derived from.
DERIVED = {"team": "agent_id", "quarter": "month"}
GRAINS = ("ticket", "survey")


@dataclass(frozen=True)
class CellTables:
    """Pre-aggregated tables of one build, one Parquet file per key set: where they lie,
    their key sets, the repeat window they were made with and the KPIs they hold."""

    folder: Path
    key_sets: tuple[tuple[str, ...], ...]
    repeat_days: int
    kpis: tuple[str, ...]

    def path(self, keys: tuple[str, ...]) -> Path:
        """The file of the cell table at `keys`."""
        return self.folder / f"cells_{self.key_sets.index(keys)}.parquet"

    def cells(self, keys: tuple[str, ...]) -> str:
        """The relation of the cell table at `keys`."""
        return f"read_parquet({literal(str(self.path(keys)))})"


@dataclass(frozen=True)
class Cube(CellTables):
    """The cells of one build (key sets smallest first) and their day cells."""

    def path(self, keys: tuple[str, ...]) -> Path:
        """The file of the cell table at `keys` (a key set, or the day cells' keys)."""
        if keys == self.day_keys:
            return self.folder / DAYS
        return super().path(keys)

    @property
    def day_keys(self) -> tuple[str, ...]:
        """The keys of the day cells: the smallest key set's, by day instead of month."""
        return tuple("day" if c == "month" else c for c in self.key_sets[0])

    def order(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """How the cell table at `keys` is sorted: by the dimensions the smallest key set
        lacks, then month (or day), so that a filter on them reads few row groups (at 10M
        tickets a channel's cells in 47 ms instead of 91 ms)."""
        extra = [c for c in keys if c not in self.key_sets[0] and c != "day"]
        return (*extra, "day" if keys == self.day_keys else "month")

    def days(self) -> str:
        """The relation of the day cells."""
        return self.cells(self.day_keys)


def key_sets(ds: Dataset) -> tuple[tuple[str, ...], ...]:
    """The key sets of the cell tables for this dataset, smallest first."""
    base = AGENT_KEYS + ((SEGMENT,) if ds.has("tickets", SEGMENT) else ())
    extras = tuple(c for c in EXTRA_KEYS if ds.has("tickets", c))
    sets = [base, *(base + (c,) for c in extras)]
    if len(extras) > 1:
        sets.append(base + extras)
    return tuple(sets)


def held(kpis: Sequence[KPI]) -> tuple[KPI, ...]:
    """The KPIs cells hold: those of the ticket and survey grains but quantiles."""
    return tuple(k for k in kpis if k.grain in GRAINS and k.kind != "quantile")


# --- the parts of each KPI in a cell ------------------------------------------------------


def cell_terms(k: KPI) -> list[Part]:
    """The parts of one KPI per cell, over the rows of its grain."""
    if k.kind == "per_day":
        return [Part("sum", f"CAST(({k.expr}) AS DOUBLE)", k.id + "__num")]
    if k.expr in SEGMENT_RELATIVE:
        return moment_parts(SEGMENT_RELATIVE[k.expr], f"{k.id}__base_num", f"{k.id}__base_den")
    return moment_parts(k.expr, k.id + "__num", k.id + "__den", k.id + "__sq")


def cell_parts(k: KPI) -> list[str]:
    """The aggregates of `cell_terms`, as SQL."""
    return [part.sql() for part in cell_terms(k)]


def part_names(kpis: Sequence[KPI], grain: str) -> list[str]:
    """The cell columns of a grain's KPIs (each summed when cells merge)."""
    return [f"_rows_{grain}", *(p.name for k in kpis if k.grain == grain for p in cell_terms(k))]


def _cells_sql(q: Query, tickets: str, keys: tuple[str, ...], kpis: Sequence[KPI]) -> str:
    """SELECT of the cells at `keys` over the ticket rows `tickets` (a `ticket_base`)."""
    key_list = ", ".join(ident(c) for c in keys)
    selects = []
    for grain in GRAINS if q.ds.has("surveys") else GRAINS[:1]:
        rows = tickets if grain == "ticket" else q.survey_rows(tickets)
        parts = [f"count(*) AS _rows_{grain}"]
        parts += [part for k in kpis if k.grain == grain for part in cell_parts(k)]
        selects.append(f"(SELECT {key_list}, {', '.join(parts)} FROM {rows} GROUP BY {key_list})")
    columns = [c for grain in GRAINS[: len(selects)] for c in part_names(kpis, grain)]
    return summed(" UNION ALL BY NAME ".join(selects), keys, columns)


def with_day(tickets: str) -> str:
    """Subquery: the ticket rows `tickets` with `day`, the midnight of their creation."""
    return f"(SELECT *, date_trunc('day', created_at) AS day FROM {tickets})"


def summed(rows: str, keys: tuple[str, ...], columns: Sequence[str]) -> str:
    """SELECT of `columns` summed per group of `keys` over the relation `rows`."""
    key_list = ", ".join(ident(c) for c in keys)
    sums = ", ".join(f"sum({ident(c)}) AS {ident(c)}" for c in columns)
    return f"SELECT {key_list}, {sums} FROM ({rows}) GROUP BY {key_list}"


# --- writing and attaching -----------------------------------------------------------------


def fingerprint(ds: Dataset, kpis: Sequence[KPI], repeat_days: int) -> str:
    made_of = {
        "format": FORMAT,
        "repeat_days": repeat_days,
        "key_sets": key_sets(ds),
        "kpis": [(k.id, k.grain, k.kind, k.expr) for k in kpis],
    }
    return hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()[:16]


def planned(ds: Dataset, kpis: Sequence[KPI], repeat_days: int) -> Cube:
    """The cube of a built dataset for `kpis` and the repeat window: where it lies (named
    by its fingerprint) and what it holds, whichever engine writes it."""
    kept = held(kpis)
    folder = ds.build_folder / f"cube-{fingerprint(ds, kept, repeat_days)}"
    return Cube(folder, key_sets(ds), repeat_days, tuple(k.id for k in kept))


def attach(ds: Dataset, kpis: Sequence[KPI], repeat_days: int) -> Cube | None:
    """The cube of a built dataset for `kpis` (its available KPIs) and the repeat window,
    written first when there is none, and set as `ds.cube`; None without a build (or where
    the build's folder cannot be written: every query then reads the tickets)."""
    if ds.build_folder is None:
        return None
    cube = planned(ds, kpis, repeat_days)
    if not (cube.folder / INFO).is_file():
        try:
            _write(ds, cube, held(kpis))
        except (OSError, duckdb.IOException):  # a full or read-only disk
            return None
    ds.cube = cube
    return cube


def _write(ds: Dataset, cube: Cube, kpis: Sequence[KPI]) -> None:
    """Write every cell table of `cube` (the finest from the tickets, the others summed from
    it) under a temporary name, then rename it into place, in the build's bounded memory
    (`build.MEMORY_LIMIT`: at 10M tickets 1.2 GiB peak instead of 5.1 GiB, 27 s instead of
    19 s; bench/RESULTS.md)."""
    with build.limited_memory(ds):
        _write_tables(ds, cube, kpis)


def _write_tables(ds: Dataset, cube: Cube, kpis: Sequence[KPI]) -> None:
    partial = started(cube)
    try:
        tables = Cube(partial, cube.key_sets, cube.repeat_days, cube.kpis)
        finest = cube.key_sets[-1]
        q = Query(ds, Filters(), cube.repeat_days)
        _copy(ds, q.select(_cells_sql(q, q.ticket_base(), finest, kpis)), tables, finest)
        written = ds.query(f"SELECT * FROM {tables.cells(finest)} LIMIT 0").columns
        columns = [c for c in written if c not in finest]
        for keys in cube.key_sets[:-1]:
            rollup = Query(ds).select(
                summed(f"SELECT * FROM {tables.cells(finest)}", keys, columns)
            )
            _copy(ds, rollup, tables, keys)
        days = _cells_sql(q, with_day(q.ticket_base()), cube.day_keys, kpis)
        _copy(ds, q.select(days), tables, cube.day_keys)
        finish(partial, cube)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def started(cube: Cube) -> Path:
    """A new, empty folder beside `cube.folder` to write its tables in (`finish`)."""
    partial = cube.folder.with_name(f".{cube.folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    return partial


def finish(partial: Path, cube: Cube) -> None:
    """Put the complete tables written in `partial` (`started`) in place as `cube`, with
    its `INFO`; a cube another process finished first is kept."""
    (partial / INFO).write_text(json.dumps({"format": FORMAT, "kpis": cube.kpis}))
    if not (cube.folder / INFO).is_file():  # a damaged cube of that name: made again
        shutil.rmtree(cube.folder, ignore_errors=True)
    try:
        partial.rename(cube.folder)
    except OSError:  # another process finished the same cube first
        if not (cube.folder / INFO).is_file():
            raise


ROW_GROUP_ROWS = 16_384  # small enough for a filter to skip most of a sorted table


def _copy(ds: Dataset, statement: Statement, tables: Cube, keys: tuple[str, ...]) -> None:
    """Write the cells `statement` selects as the table of `tables` at `keys`, sorted."""
    order = ", ".join(ident(c) for c in tables.order(keys))
    ds.row(
        f"COPY (SELECT * FROM ({statement.sql}) ORDER BY {order}) TO "
        f"{literal(str(tables.path(keys)))} (FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP_ROWS})",
        statement.params,
    )


# --- which cells answer a filter -------------------------------------------------------------


def _cube_for(q: Query, needed: set[str]) -> tuple[Cube, tuple[str, ...]] | None:
    """The dataset's cube and its smallest key set holding `needed`, if it answers `q`."""
    cube = q.ds.cube
    if not isinstance(cube, Cube) or q.repeat_days != cube.repeat_days:
        return None
    if q.filters.products or q.filters.priorities or q.filters.exclude_tickets:
        return None
    needed = needed | {column for name, column in FILTER_KEYS.items() if getattr(q.filters, name)}
    keys = next((keys for keys in cube.key_sets if needed <= set(keys)), None)
    return (cube, keys) if keys is not None else None


def whole_months(q: Query) -> tuple[datetime, datetime] | None:
    """[first, after) of the months whose every ticket the filter's dates take in, as
    timestamps (None: none). The month the data begins or ends in counts as whole from the
    data's first day or up to its as-of day."""
    first, last = q.period_days()
    data_first, data_last = q.first_data_day(), q.ds.as_of.date()
    start = first.replace(day=1) if first.day == 1 or first == data_first else _next_month(first)
    month_end = _next_month(last) - timedelta(days=1)
    after = _next_month(last) if last in (month_end, data_last) else last.replace(day=1)
    return (_midnight(start), _midnight(after)) if start < after else None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _covers_all(q: Query, months: tuple[datetime, datetime] | None) -> bool:
    """Whether the whole months are all of the filter's dates."""
    if months is None:
        return False
    first, last = q.period_days()
    return months[0].date() <= first and last < months[1].date()


def _cells(q: Query, cube: Cube, keys: tuple[str, ...], kpis: Sequence[KPI]) -> str:
    """CTE `cube_cells`: the cells at `keys` in the filter — its whole months from the
    table, the rest of its dates summed from the tickets — with team and quarter, in the
    filter's agent scope and ticket dimensions."""
    months = whole_months(q)
    parts = []
    if months is not None:
        first, after = q.param("cube_first", months[0]), q.param("cube_after", months[1])
        in_filter = where(f"month >= {first}", f"month < {after}", *_in_dimensions(q))
        parts.append(f"SELECT * FROM {cube.cells(keys)} {in_filter}")
    if not _covers_all(q, months):
        parts.append(_edges(q, cube, keys, kpis, months))
    union = " UNION ALL BY NAME ".join(f"({p})" for p in parts)
    # Whole months are read where each reader needs them, a few columns each (a year's
    # category × channel breakdown at 10M tickets: 0.63 → 0.48 s); days cut from a month
    # are summed once and kept.
    return q.define(
        "cube_cells",
        f"SELECT c.*, a.team, date_trunc('quarter', c.month) AS quarter "
        f"FROM ({union}) c JOIN {q.agents()} a USING (agent_id)",
        materialized=False if len(parts) == 1 and months is not None else None,
    )


def _edges(
    q: Query,
    cube: Cube,
    keys: tuple[str, ...],
    kpis: Sequence[KPI],
    months: tuple[datetime, datetime] | None,
) -> str:
    """SELECT of the cells at `keys` of the filter's days outside its whole `months`: from
    the day cells where `keys` are theirs by month (at 10M tickets 0.05 s instead of 0.9 s
    for the 25 days a rolling quarter takes of its first month), else from the tickets."""
    if keys != cube.key_sets[0]:
        return _cells_sql(q, q.ticket_base(outside=months), keys, kpis)
    conditions = q.created_in_period(alias="", column="day")
    if months is not None:
        first, after = q.param("cube_first", months[0]), q.param("cube_after", months[1])
        conditions.append(f"NOT (day >= {first} AND day < {after})")
    return (
        "SELECT * EXCLUDE (day), date_trunc('month', day) AS month "
        f"FROM {cube.days()} {where(*conditions, *_in_dimensions(q))}"
    )


def _in_dimensions(q: Query) -> list[str]:
    """Conditions on cells: in the filter's values of each ticket dimension it restricts."""
    return [
        f"list_contains({q.param(name, list(getattr(q.filters, name)))}, {ident(column)})"
        for name, column in FILTER_KEYS.items()
        if getattr(q.filters, name)
    ]


# --- merging cells into groups -------------------------------------------------------------


def answer(q: Query, by: tuple[str, ...], kpis: dict[str, list[KPI]]) -> dict[str, str] | None:
    """Grain → the SELECT of that grain's KPI parts per group of `by`, with the columns the
    ticket-level `grain_<grain>` has, from the dataset's cube (quantiles from the tickets);
    None when no cube answers this filter, grouping and repeat window (see the module)."""
    wanted = [k for grain in GRAINS for k in kpis.get(grain, [])]
    found = _cube_for(q, {DERIVED.get(c, c) for c in by})
    if found is None or any(k.id not in found[0].kpis for k in held(wanted)):
        return None
    cube, keys = found
    cells = _cells(q, cube, keys, held(wanted))
    answers = {g: _merged(q, cells, by, kpis[g], g) for g in GRAINS if g in kpis}
    quantiles = [k for k in kpis.get("ticket", []) if k.kind == "quantile"]
    if quantiles:
        answers["ticket"] = _with_quantiles(q, answers["ticket"], by, quantiles)
    return answers


def answer_counts(q: Query, dimension: str) -> str | None:
    """SELECT of the tickets per value of `dimension`, largest first, from the dataset's
    cube; None where no cube answers it."""
    found = _cube_for(q, {DERIVED.get(dimension, dimension)})
    if found is None:
        return None
    cells = _cells(q, *found, [])
    grouped = q.grouped(cells, (dimension,), ["CAST(sum(_rows_ticket) AS BIGINT) AS tickets"])
    return f"{grouped} ORDER BY tickets DESC, {ident(dimension)}"


def _merged(q: Query, cells: str, by: tuple[str, ...], kpis: Sequence[KPI], grain: str) -> str:
    """SELECT of a grain's KPI parts per group of `by`, summed from `cells` (groups with
    rows of the grain only, as the ticket-level statement has them)."""
    kept = held(kpis)
    rows = q.with_working_days(cells) if any(k.kind == "per_day" for k in kept) else cells
    for k in kept:
        if k.expr in SEGMENT_RELATIVE:
            rows = _with_factor(q, rows, cells, k)
    measures = [f"{_count(f'_rows_{grain}')} AS _rows_{grain}"]
    measures += [m for k in kept for m in _merged_parts(k)]
    return q.grouped(f"(SELECT * FROM {rows} WHERE _rows_{grain} > 0)", by, measures)


def _merged_parts(k: KPI) -> list[str]:
    """The aggregates merging one KPI's parts over cells into its ticket-level columns."""
    num, den, sq = (ident(f"{k.id}__{part}") for part in ("num", "den", "sq"))
    if k.kind == "per_day":
        return [f"coalesce(sum({num}), 0) AS {num}", f"{GROUP_WORKING_DAYS} AS {den}"]
    if k.expr in SEGMENT_RELATIVE:
        base_num, base_den = ident(f"{k.id}__base_num"), ident(f"{k.id}__base_den")
        factor = ident(f"{k.id}__factor")
        restated = f"CASE WHEN {base_num} > 0 THEN {base_num} * {{}} ELSE {base_num} END"
        return [
            f"sum({restated.format(factor)}) AS {num}",
            f"{_count(base_den)} AS {den}",
            f"sum({restated.format(f'{factor} * {factor}')}) AS {sq}",
        ]
    return [f"sum({num}) AS {num}", f"{_count(den)} AS {den}", f"sum({sq}) AS {sq}"]


def _count(column: str) -> str:
    """SQL: a count summed over cells (0 over none, as a count over no rows is)."""
    return f"coalesce(CAST(sum({column}) AS BIGINT), 0)"


def _with_factor(q: Query, rows: str, cells: str, k: KPI) -> str:
    """Subquery: `rows` with `<kpi>__factor`, what each repeat of the cell's segment counts
    for — the lowest segment rate above 0 over the segment's rate, the rates over every cell
    of the filter (`query.REPEAT_VS_SEGMENT`: a repeat counts that, a resolution without
    one 0, so the restated sums are the repeats times the factor)."""
    base_num, base_den = ident(f"{k.id}__base_num"), ident(f"{k.id}__base_den")
    segment = SEGMENT if q.ds.has("tickets", SEGMENT) else None
    head, group = (f"{segment}, ", f" GROUP BY {segment}") if segment else ("", "")
    rates = f"SELECT {head}sum({base_num}) / nullif(sum({base_den}), 0) AS rate FROM {cells}{group}"
    factors = q.define(
        f"factors_{k.id}",
        f"SELECT {head}min(nullif(rate, 0)) OVER () / rate AS factor FROM ({rates})",
    )
    on = f"r.{segment} IS NOT DISTINCT FROM f.{segment}" if segment else "true"
    return (
        f"(SELECT r.*, f.factor AS {ident(k.id + '__factor')} "
        f"FROM {rows} r LEFT JOIN {factors} f ON {on})"
    )


def _with_quantiles(q: Query, merged: str, by: tuple[str, ...], kpis: Sequence[KPI]) -> str:
    """SELECT of the `merged` ticket groups with each quantile KPI computed from the
    filter's tickets (its value and count; see the module)."""
    measures: list[str] = []
    for k in kpis:
        measures += [
            f"quantile_cont({k.expr}, {k.quantile!r}) AS {ident(k.id)}",
            f"count({k.expr}) AS {ident(k.id + '__den')}",
        ]
    exact = q.define("cube_quantiles", q.grouped(q.ticket_base(), by, measures))
    on = " AND ".join(f"m.{ident(c)} IS NOT DISTINCT FROM x.{ident(c)}" for c in by) or "true"
    picked = ", ".join(f"x.{ident(c)}" for k in kpis for c in (k.id, k.id + "__den"))
    return f"SELECT m.*, {picked} FROM ({merged}) m LEFT JOIN {exact} x ON {on}"
