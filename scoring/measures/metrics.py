"""KPI computation in DuckDB SQL over the validated views.

`kpi_table` is the KPI façade: for a filter and a grouping (agent, team, department,
agent × category, month, ...) it returns one row per group with each available KPI's
value and inputs (numerator, denominator, sum of squares). `explain_sql` returns the SQL
it would run, so a reader can check exactly how a number is made.

The rows, scopes, periods and joins come from the query builder (`scoring.measures.query`); this
module writes only the KPI aggregates. Values travel as named parameters; the only names
written into SQL come from the contract and the registry, quoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from scoring.data.dataset import Dataset
from scoring.data.sql import ident, literal
from scoring.measures import chains, cube, halves, ranked, stage_times, weekly
from scoring.measures.query import (
    GROUP_WORKING_DAYS,
    TICKET_DIMENSIONS,
    Filters,
    Query,
    Statement,
    moments,
)
from scoring.registry.kpis import KPI, KPIS
from scoring.scope import for_statistics

AGENT_DIMENSIONS = ("agent_id", "team")
GRAIN_DIMENSIONS = {
    "ticket": TICKET_DIMENSIONS,
    "survey": TICKET_DIMENSIONS,
    "agent": AGENT_DIMENSIONS,
    "feedback": AGENT_DIMENSIONS,
}
GRAIN_TABLE = {
    "ticket": "tickets",
    "survey": "surveys",
    "agent": "training",
    "feedback": "feedback_360",
}


def available_kpis(ds: Dataset) -> tuple[KPI, ...]:
    return tuple(k for k in KPIS if all(ds.has(t, c) for t, c in k.requires))


def attach_cube(ds: Dataset, repeat_days: int) -> cube.Cube | None:
    """Give a built dataset its pre-aggregated KPI tables for the repeat window (written on
    first use; `scoring.measures.cube`): `kpi_table` and `ticket_counts` then read them
    where they can answer; with them, the quantile KPIs' values sorted per agent
    (`scoring.measures.ranked`), from which the KPI matrix's quantiles are read, and the
    stage hours sorted per team (`scoring.measures.stage_times`, for `stage_durations`),
    the repeats of the repeat chains (`scoring.measures.chains`), the KPI inputs per agent,
    week and skill (`scoring.measures.weekly`) and the halves of split-half reliability
    (`scoring.measures.halves`, for `kpi_halves`)."""
    ranked.attach(ds, available_kpis(ds))
    stage_times.attach(ds)
    chains.attach(ds, repeat_days)
    weekly.attach(ds, available_kpis(ds), repeat_days)
    found = cube.attach(ds, available_kpis(ds), repeat_days)
    halves.attach(ds, available_kpis(ds), repeat_days)
    return found


@dataclass(frozen=True)
class Unavailable:
    """Why a KPI cannot be computed: a code the text catalog words (`UNAVAILABLE_CODES`) and
    what it names. scoring/ writes no prose, so the pages say it in the user's language."""

    code: str  # "missing_columns": the dataset lacks `columns`; "no_data": it has no value
    columns: tuple[tuple[str, str], ...] = ()  # (table, column) the dataset lacks


UNAVAILABLE_CODES = ("missing_columns", "no_data")
NO_DATA = Unavailable("no_data")


def unavailable_kpis(ds: Dataset) -> dict[str, Unavailable]:
    """KPI id → why it cannot be computed from this dataset (the columns it lacks)."""
    reasons = {}
    for k in KPIS:
        missing = tuple((t, c) for t, c in k.requires if not ds.has(t, c))
        if missing:
            reasons[k.id] = Unavailable("missing_columns", missing)
    return reasons


def _aggregates(k: KPI) -> list[str]:
    expr = k.expr
    name = k.id
    if k.kind == "quantile":
        return [
            f"quantile_cont({expr}, {k.quantile}) AS {ident(name)}",
            f"count({expr}) AS {ident(name + '__den')}",
        ]
    if k.kind == "per_day":
        return [
            f"coalesce(sum(CAST(({expr}) AS DOUBLE)), 0) AS {ident(name + '__num')}",
            f"{GROUP_WORKING_DAYS} AS {ident(name + '__den')}",
        ]
    return moments(expr, name + "__num", name + "__den", name + "__sq")


def _grains(ds: Dataset, by: tuple[str, ...]) -> dict[str, list[KPI]]:
    """Grain → the available KPIs of that grain that can be grouped by `by` (ticket first)."""
    unknown = [c for c in by if c not in TICKET_DIMENSIONS]
    if unknown:
        raise ValueError(
            f"cannot group by {', '.join(unknown)} (known: {', '.join(TICKET_DIMENSIONS)})"
        )
    grains: dict[str, list[KPI]] = {"ticket": []}
    for k in available_kpis(ds):
        if all(c in GRAIN_DIMENSIONS[k.grain] for c in by):
            grains.setdefault(k.grain, []).append(k)
    return grains


# Grains whose rows carry their agent's working days (training: over its own span).
DAYS_CARRIED = ("agent",)


def _grain_rows(q: Query, grain: str, kpis: list[KPI]) -> str:
    """The relation a grain's KPIs aggregate (with working days where a volume needs them)."""
    rows = q.grain_rows(grain)
    days_needed = grain not in DAYS_CARRIED and any(k.kind == "per_day" for k in kpis)
    return q.with_working_days(rows) if days_needed else rows


def _grain_measures(grain: str, kpis: list[KPI]) -> list[str]:
    return [f"count(*) AS {ident('_rows_' + grain)}", *(a for k in kpis for a in _aggregates(k))]


def _joined(grains: list[str], keys: tuple[str, ...]) -> str:
    """`grain_<g>` relations joined on `keys` (a cross join of one-row results without).
    A missing key value (a ticket without a segment) is a group of its own in every grain,
    so keys match when not distinct — NULL with NULL — not only when equal, as USING would."""
    joins = f"grain_{grains[0]}"
    for grain in grains[1:]:
        if not keys:
            joins += f" CROSS JOIN grain_{grain}"
            continue
        on = " AND ".join(f"l.{ident(c)} IS NOT DISTINCT FROM r.{ident(c)}" for c in keys)
        merged = ", ".join(f"coalesce(l.{ident(c)}, r.{ident(c)}) AS {ident(c)}" for c in keys)
        rest = ", ".join(ident(c) for c in keys)
        joins = (
            f"(SELECT {merged}, l.* EXCLUDE ({rest}), r.* EXCLUDE ({rest}) "
            f"FROM {joins} l FULL OUTER JOIN grain_{grain} r ON {on})"
        )
    return joins


def _ranked_kpis(ds: Dataset, filters: Filters, by: tuple[str, ...]) -> tuple[KPI, ...]:
    """The quantile KPIs `kpi_table` reads from the sorted values (`ranked`), not the SQL."""
    kpis = ranked.quantile_kpis(_grains(ds, by)["ticket"])
    return kpis if ranked.answers(ds, filters, by, kpis) else ()


def _query(
    ds: Dataset,
    filters: Filters,
    by: tuple[str, ...],
    repeat_days: int,
    leave_out: tuple[KPI, ...] = (),
) -> Statement:
    """One statement: the filtered ticket rows once, each grain aggregated, joined by group
    (without the KPIs `leave_out`)."""
    grains = {g: [k for k in ks if k not in leave_out] for g, ks in _grains(ds, by).items()}
    q = Query(ds, filters, repeat_days)
    answered = cube.answer(q, by, grains) or {}
    if not answered:
        q.ticket_rows()
    for grain, kpis in grains.items():
        body = answered.get(grain) or q.grouped(
            _grain_rows(q, grain, kpis), by, _grain_measures(grain, kpis)
        )
        q.define(f"grain_{grain}", body)
    return q.select(f"SELECT * FROM {_joined(list(grains), by)}")


# Grains whose rows belong to a customer (their ticket's): split-half reliability splits these.
SPLIT_GRAINS = ("ticket", "survey")
HALF_KEYS = ("split", "half", "agent_id")


def _halves_query(
    ds: Dataset,
    filters: Filters,
    splits: int,
    seed: int,
    repeat_days: int,
    leave_out: tuple[KPI, ...] = (),
) -> Statement:
    """One statement: per random split, half (0 or 1) and agent, every KPI's inputs
    (without the KPIs `leave_out`).

    Each split deals the customers into two halves by a hash of the customer, the split and
    the seed (a ticket without a customer goes alone; `halves.split_rows`), so a customer's
    tickets, surveys and repeat chains stay in one half. Agent-level grains (training, 360)
    belong to no customer: their values are the same in both halves. The pre-aggregated
    halves (`scoring.measures.halves`) answer the split grains where they can."""
    if not 0 < splits <= halves.MAX_SPLITS:
        raise ValueError(f"splits must be 1 … {halves.MAX_SPLITS}")
    grains = {
        g: [k for k in ks if k not in leave_out] for g, ks in _grains(ds, ("agent_id",)).items()
    }
    q = Query(ds, filters, repeat_days)
    split = {g: ks for g, ks in grains.items() if g in SPLIT_GRAINS}
    answered = (
        halves.answer(q, split) if _halves_answer(ds, filters, splits, seed, repeat_days) else {}
    )
    if not answered:
        q.ticket_rows()
    for grain, kpis in grains.items():
        body = answered.get(grain)
        if body is None:
            rows, by = _grain_rows(q, grain, kpis), ("agent_id",)
            if grain in SPLIT_GRAINS:
                count, salt = q.param("splits", int(splits)), q.param("split_seed", int(seed))
                rows, by = halves.split_rows(rows, count, salt), HALF_KEYS
            body = q.grouped(rows, by, _grain_measures(grain, kpis))
        q.define(f"grain_{grain}", body)
    joins = _joined(list(split), HALF_KEYS)
    for grain in (g for g in grains if g not in SPLIT_GRAINS):
        joins += f" LEFT JOIN grain_{grain} USING (agent_id)"
    return q.select(f"SELECT * FROM {joins} ORDER BY {', '.join(HALF_KEYS)}")


def _halves_answer(ds: Dataset, filters: Filters, splits: int, seed: int, repeat_days: int) -> bool:
    """Whether the pre-aggregated halves answer `kpi_halves` for this filter."""
    kpis = [k for g, ks in _grains(ds, ("agent_id",)).items() if g in SPLIT_GRAINS for k in ks]
    return halves.answers(ds, filters, (splits, seed, repeat_days), kpis)


def explain_sql(
    ds: Dataset,
    filters: Filters = Filters(),
    by: tuple[str, ...] = ("agent_id",),
    repeat_days: int = 30,
    kpi_ids: tuple[str, ...] | None = None,
) -> str:
    """The SQL `kpi_table` runs for this filter, grouping and KPIs (`query.Statement.explain`
    adds the parameters' values), and a comment naming the quantiles it reads from the
    sorted values instead (`scoring.measures.ranked`)."""
    left_out, sorted_kpis = _answered_apart(ds, filters, by, kpi_ids)
    sql = _query(ds, filters, by, repeat_days, left_out + sorted_kpis).sql
    per = ", ".join(by) or "the filter"
    for k in sorted_kpis:
        sql += (
            f"\n-- {k.id}: quantile_cont({k.expr}, {k.quantile}) per {per} over the same "
            "tickets, read from the sorted values (scoring/measures/ranked.py)"
        )
    return sql


@for_statistics
def kpi_table(
    ds: Dataset,
    filters: Filters = Filters(),
    by: tuple[str, ...] = ("agent_id",),
    repeat_days: int = 30,
    kpi_ids: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """One row per group: `tickets`, and per KPI its value and `__num`/`__den`/`__sq` inputs.

    KPIs unavailable in the dataset are absent; a group without data for a KPI has NaN.
    With `kpi_ids`, only those KPIs (the same groups and values): a breakdown showing one
    KPI reads its few cell columns, and a quantile only where it is asked for (a year's
    category × channel table at 10M tickets 0.1 s instead of 0.6–0.9 s for every KPI).
    """
    left_out, sorted_kpis = _answered_apart(ds, filters, by, kpi_ids)
    table = _query(ds, filters, by, repeat_days, left_out + sorted_kpis).run(ds)
    if sorted_kpis:
        table = _with_quantiles(table, ranked.answer(ds, filters, by, sorted_kpis), by)
    return _with_values(ds, table)


def _answered_apart(
    ds: Dataset, filters: Filters, by: tuple[str, ...], kpi_ids: tuple[str, ...] | None
) -> tuple[tuple[KPI, ...], tuple[KPI, ...]]:
    """What `kpi_table`'s statement leaves out: (the KPIs not among `kpi_ids` — None: every
    KPI is asked —, the asked quantiles read from the sorted values instead)."""
    grouped = [k for kpis in _grains(ds, by).values() for k in kpis]
    left_out = () if kpi_ids is None else tuple(k for k in grouped if k.id not in kpi_ids)
    return left_out, tuple(k for k in _ranked_kpis(ds, filters, by) if k not in left_out)


def _with_quantiles(
    table: pd.DataFrame, quantiles: pd.DataFrame, keys: tuple[str, ...] = ("agent_id",)
) -> pd.DataFrame:
    """The per-agent (per `keys`) `table` with the sorted values' quantile columns, on the
    rows with tickets (an agent with surveys alone has none, as in the statement's outer
    join); the counts typed as DuckDB gives a count (nullable where some row has none)."""
    keys = list(keys)
    if not keys:  # the whole filter: one row, or none without a value
        found = quantiles.reindex(range(len(table)))
    else:
        rows = pd.MultiIndex.from_frame(table[keys]) if len(keys) > 1 else table[keys[0]].to_numpy()
        found = quantiles.set_index(keys).reindex(rows)
    # by position: a survey-only row may share its group (a NULL) with a ticket row
    found = found.reset_index(drop=True)
    has_tickets = table["_rows_ticket"].notna().to_numpy()
    found.loc[~has_tickets] = np.nan
    for count in (c for c in found if c.endswith("__den")):
        # a group with tickets but no value of the expression has a count of 0
        found.loc[has_tickets & found[count].isna().to_numpy(), count] = 0
        found[count] = found[count].astype("Int64" if found[count].isna().any() else "int64")
    return pd.concat([table, found.set_axis(table.index)], axis=1)


@for_statistics
def kpi_halves(
    ds: Dataset,
    filters: Filters = Filters(),
    splits: int = 20,
    seed: int = 0,
    repeat_days: int = 30,
) -> pd.DataFrame:
    """Per random split of the customers into two halves (`split` 0 … splits − 1, `half` 0
    or 1) and agent: the columns of `kpi_table` by agent, in one SQL pass (the input of
    split-half reliability, `scoring.analyses.reliability`)."""
    sorted_kpis = ()
    if _halves_answer(ds, filters, splits, seed, repeat_days):
        sorted_kpis = ranked.quantile_kpis(_grains(ds, ("agent_id",))["ticket"])
    table = _halves_query(ds, filters, splits, seed, repeat_days, sorted_kpis).run(ds)
    if sorted_kpis:
        found = halves.quantiles(ds, filters, sorted_kpis)
        table = _with_quantiles(table, found, HALF_KEYS)
    return _with_values(ds, table)


def _with_values(ds: Dataset, result: pd.DataFrame) -> pd.DataFrame:
    """`tickets`, `surveys` and each KPI's value from its numerator and denominator (added
    at once: a column inserted at a time cost 30 ms of a 100 ms KPI table)."""
    result = result.rename(columns={"_rows_ticket": "tickets", "_rows_survey": "surveys"})
    for column in ("tickets", "surveys"):
        if column in result:
            result[column] = result[column].fillna(0).astype("int64")
    values = {}
    for k in available_kpis(ds):
        if k.kind in ("mean", "rate", "per_day") and f"{k.id}__num" in result:
            num = result[f"{k.id}__num"].to_numpy(float, na_value=np.nan)
            den = result[f"{k.id}__den"].to_numpy(float, na_value=np.nan)
            with np.errstate(divide="ignore", invalid="ignore"):
                values[k.id] = np.where(den > 0, num / den, np.nan)
    kept = result.drop(columns=[c for c in result if c.startswith("_rows_")])
    return pd.concat([kept, pd.DataFrame(values, index=kept.index)], axis=1)


@for_statistics
def stage_durations(
    ds: Dataset, filters: Filters = Filters(), by: tuple[str, ...] = ("team",)
) -> pd.DataFrame:
    """Hours spent in each workflow stage: median, P90 and ticket count per group and stage
    (from the stage hours sorted once where the build has them: `scoring.measures.
    stage_times`)."""
    present = stage_times.present_stages(ds)
    if not present:
        return pd.DataFrame(columns=[*by, *stage_times.COLUMNS])
    if stage_times.answers(ds, filters, by):
        return stage_times.durations(ds, filters, by)
    q = Query(ds, filters)
    rows = q.ticket_base()
    keys = "".join(ident(c) + ", " for c in by)
    stage_rows = q.define(
        "stage_rows",
        " UNION ALL ".join(
            f"SELECT {keys}{literal(stage)} AS stage, "
            f"{stage_times.hours_sql(start, end)} AS hours FROM {rows} "
            f"WHERE {ident(start)} IS NOT NULL AND {ident(end)} IS NOT NULL"
            for stage, start, end in present
        ),
    )
    measures = ("median(hours) AS median_hours", "quantile_cont(hours, 0.9) AS p90_hours")
    grouped = q.grouped(stage_rows, (*by, "stage"), (*measures, "count(*) AS tickets"))
    return q.select(f"{grouped} ORDER BY {keys}stage").run(ds)


def has_stage_times(ds: Dataset) -> bool:
    """Whether some ticket of a known agent has the times of some workflow stage (what
    `stage_durations` over all the data would find), without reading every ticket."""
    found = " UNION ALL ".join(
        f"(SELECT 1 FROM tickets JOIN agents USING (agent_id) "
        f"WHERE {ident(start)} IS NOT NULL AND {ident(end)} IS NOT NULL LIMIT 1)"
        for _, start, end in stage_times.present_stages(ds)
    )
    return bool(found) and not ds.query(found).empty


@for_statistics
def ticket_counts(ds: Dataset, filters: Filters, dimension: str) -> pd.DataFrame:
    """Tickets per value of one dimension (channel, category, month, ...), largest first."""
    if dimension not in TICKET_DIMENSIONS:
        raise ValueError(f"cannot count by {dimension}")
    q = Query(ds, filters)
    answered = cube.answer_counts(q, dimension)
    if answered is None:
        grouped = q.grouped(q.ticket_rows(), (dimension,), ("count(*) AS tickets",))
        answered = f"{grouped} ORDER BY tickets DESC, {ident(dimension)}"
    return q.select(answered).run(ds)


def data_range(ds: Dataset) -> tuple[date | None, date | None]:
    """First and last day with tickets."""
    if ds.first_at is None:
        return None, None
    return ds.first_at.date(), ds.as_of.date()


def distinct_values(ds: Dataset, dimension: str) -> list[str]:
    """The values a filter can take, from accepted rows."""
    if dimension == "team":
        sql = "SELECT DISTINCT team FROM agents WHERE team IS NOT NULL ORDER BY 1"
    elif dimension in TICKET_DIMENSIONS and ds.has("tickets", dimension):
        column = ident(dimension)
        sql = f"SELECT DISTINCT {column} FROM tickets WHERE {column} IS NOT NULL ORDER BY 1"
    else:
        return []
    return [str(v) for v in ds.query(sql).iloc[:, 0]]
