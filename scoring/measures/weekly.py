"""Weekly pre-aggregated KPI inputs (issue 23): per agent, week (its Monday), customer
segment and one skill dimension — ticket category, channel or product — the parts of each
skill KPI (`KPI_IDS`), as the cube holds them per month (`scoring.measures.cube.cell_parts`).

They answer one question the monthly cells cannot: a KPI's inputs per agent, skill and
week over all the data (the training effects' windows, `scoring.analyses.capability`),
summed from about 20 tickets a cell instead of read from every ticket. `answer` returns
None — the tickets are read — for any other grouping, a filter with dates, teams, agents,
priorities or excluded tickets, a filter on a dimension the table lacks, another repeat
window, or a dataset without a build.

Exactness: counts are the tickets' counts and sums the tickets' sums in another order (to
about 1e-12 relative); the segment-relative repeat rate is restated per segment from the
repeats it restates, over the filter's rows, as the cube does.

Written once per build (`attach`, from `metrics.attach_cube`) under
`<build>/weekly-<fingerprint>/` as the cube's (`cells_<i>.parquet` per dimension,
`cube.json`), renamed into place when complete (`cube.started`/`finish`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.data.sql import ident, literal
from scoring.measures import cube
from scoring.measures.query import SEGMENT_RELATIVE, Filters, Query, Statement, where
from scoring.registry.kpis import KPI

FORMAT = 1
SKILL_KEYS = ("category", "channel", "product")  # one table per skill dimension present
SEGMENT = cube.SEGMENT
FILTER_KEYS = {**cube.FILTER_KEYS, "products": "product"}
GRAINS = cube.GRAINS
BY_WEEK = "week"
# The KPIs asked per agent, skill and week: the Capability page's skill KPIs (the same as
# `scoring.analyses.capability.SKILL_KPIS`, which this layer may not import; a test checks
# it). Each KPI held costs the build time: at 10M tickets, every rate and mean took 119 s.
KPI_IDS = ("fcr", "csat", "handle_minutes", "repeat_rate")


@dataclass(frozen=True)
class Weekly(cube.CellTables):
    """The weekly tables of one build: one key set per skill dimension."""


def key_sets(ds: Dataset) -> tuple[tuple[str, ...], ...]:
    """The keys of each weekly table: agent, week, segment (where present), one skill."""
    base = ("agent_id", BY_WEEK) + ((SEGMENT,) if ds.has("tickets", SEGMENT) else ())
    return tuple(base + (c,) for c in SKILL_KEYS if ds.has("tickets", c))


def held(kpis: Sequence[KPI]) -> tuple[KPI, ...]:
    """The KPIs of `kpis` the weekly tables hold: the skill KPIs (`KPI_IDS`)."""
    return tuple(k for k in kpis if k.id in KPI_IDS and k.grain in GRAINS)


def planned(ds: Dataset, kpis: Sequence[KPI], repeat_days: int) -> Weekly:
    """The weekly tables of a built dataset (named by their fingerprint) and what they hold."""
    kept = held(kpis)
    made_of = {
        "format": FORMAT,
        "repeat_days": repeat_days,
        "key_sets": key_sets(ds),
        "kpis": [(k.id, k.grain, k.kind, k.expr) for k in kept],
    }
    digest = hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()[:16]
    folder = ds.build_folder / f"weekly-{digest}"
    return Weekly(folder, key_sets(ds), repeat_days, tuple(k.id for k in kept))


def attach(ds: Dataset, kpis: Sequence[KPI], repeat_days: int) -> Weekly | None:
    """The weekly tables of a built dataset for `kpis` and the repeat window, written first
    when there are none, and set as `ds.weekly`; None without a build, a skill dimension or
    a held KPI, or where the build's folder cannot be written."""
    if ds.build_folder is None or not key_sets(ds) or not held(kpis):
        return None
    tables = planned(ds, kpis, repeat_days)
    if not (tables.folder / cube.INFO).is_file():
        try:
            _write(ds, tables, held(kpis))
        except (OSError, duckdb.IOException):  # a full or read-only disk
            return None
    ds.weekly = tables
    return tables


def _write(ds: Dataset, tables: Weekly, kpis: Sequence[KPI]) -> None:
    """Each table from the tickets under a temporary folder, renamed into place, in the
    build's bounded memory (`build.MEMORY_LIMIT`)."""
    partial = cube.started(tables)
    try:
        written = Weekly(partial, tables.key_sets, tables.repeat_days, tables.kpis)
        with build.limited_memory(ds):
            for keys in tables.key_sets:
                q = Query(ds, Filters(), tables.repeat_days)
                statement = q.select(_cells_sql(q, keys, kpis))
                target = literal(str(written.path(keys)))
                ds.row(f"COPY ({statement.sql}) TO {target} (FORMAT parquet)", statement.params)
        cube.finish(partial, tables)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _cells_sql(q: Query, keys: tuple[str, ...], kpis: Sequence[KPI]) -> str:
    """SELECT of the cells at `keys`: each grain's rows counted and its KPIs' parts summed."""
    tickets = q.ticket_base()
    key_list = ", ".join(ident(c) for c in keys)
    selects = []
    for grain in GRAINS if q.ds.has("surveys") else GRAINS[:1]:
        rows = tickets if grain == "ticket" else q.survey_rows(tickets)
        parts = [f"count(*) AS _rows_{grain}"]
        parts += [part for k in kpis if k.grain == grain for part in cube.cell_parts(k)]
        selects.append(f"(SELECT {key_list}, {', '.join(parts)} FROM {rows} GROUP BY {key_list})")
    columns = [c for grain in GRAINS[: len(selects)] for c in cube.part_names(kpis, grain)]
    return cube.summed(" UNION ALL BY NAME ".join(selects), keys, columns)


# --- answering ---------------------------------------------------------------------------


def _table_for(ds: Dataset, filters: Filters, k: KPI, by: tuple[str, ...], repeat_days: int):
    """The weekly tables and the keys of the one answering `k` per `by` under `filters`."""
    tables = getattr(ds, "weekly", None)
    if not isinstance(tables, Weekly) or tables.repeat_days != repeat_days:
        return None
    if k.id not in tables.kpis or len(by) != 3 or by[0] != "agent_id" or by[2] != BY_WEEK:
        return None
    unanswered = (filters.start, filters.end, filters.teams, filters.agents)
    if any(unanswered) or filters.priorities or filters.exclude_tickets:
        return None
    needed = {by[1]} | {c for name, c in FILTER_KEYS.items() if getattr(filters, name)}
    keys = next((keys for keys in tables.key_sets if needed <= set(keys)), None)
    return (tables, keys) if keys is not None else None


def answer(
    ds: Dataset, filters: Filters, k: KPI, by: tuple[str, ...], repeat_days: int
) -> Statement | None:
    """SELECT of `k`'s num, den and sq per group of `by` — (agent_id, a skill dimension,
    week) — over `filters`, from the weekly tables; None where they cannot answer (see the
    module). The groups are those the ticket-level statement has: with a row of k's grain."""
    found = _table_for(ds, filters, k, by, repeat_days)
    if found is None:
        return None
    tables, keys = found
    q = Query(ds, filters, repeat_days)
    dims = [
        f"list_contains({q.param(name, list(getattr(filters, name)))}, {ident(column)})"
        for name, column in FILTER_KEYS.items()
        if getattr(filters, name)
    ]
    rows = q.define(
        "weekly_cells",
        f"SELECT * FROM {tables.cells(keys)} {where(f'_rows_{k.grain} > 0', *dims)}",
    )
    if k.expr in SEGMENT_RELATIVE:
        rows = _restated(q, rows, k)
    num, den, sq = (ident(f"{k.id}__{part}") for part in ("num", "den", "sq"))
    measures = [f"sum({num}) AS num", f"sum({den}) AS den", f"sum({sq}) AS sq"]
    return q.select(q.grouped(rows, by, measures))


def _restated(q: Query, rows: str, k: KPI) -> str:
    """CTE: `rows` with k's num, den and sq restated from the repeats of each segment: a
    repeat counts the lowest segment rate above 0 over its segment's rate, both over the
    filter's rows (`query.REPEAT_VS_SEGMENT`); a resolution without one counts 0."""
    base_num, base_den = ident(f"{k.id}__base_num"), ident(f"{k.id}__base_den")
    segment = ident(SEGMENT) if q.ds.has("tickets", SEGMENT) else None
    head, group = (f"{segment}, ", f" GROUP BY {segment}") if segment else ("", "")
    rates = f"SELECT {head}sum({base_num}) / nullif(sum({base_den}), 0) AS rate FROM {rows}{group}"
    factors = q.define(
        "weekly_factors", f"SELECT {head}min(nullif(rate, 0)) OVER () / rate AS f FROM ({rates})"
    )
    on = f"r.{segment} IS NOT DISTINCT FROM x.{segment}" if segment else "true"
    restated = f"CASE WHEN {base_num} > 0 THEN {base_num} * {{}} ELSE {base_num} END"
    return q.define(
        "weekly_restated",
        f"SELECT r.*, {restated.format('x.f')} AS {ident(k.id + '__num')}, "
        f"{base_den} AS {ident(k.id + '__den')}, "
        f"{restated.format('x.f * x.f')} AS {ident(k.id + '__sq')} "
        f"FROM {rows} r LEFT JOIN {factors} x ON {on}",
    )
