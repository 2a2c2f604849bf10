"""KPI computation in DuckDB SQL over the validated views.

`kpi_table` is the query façade: for a filter and a grouping (agent, team, department,
agent × category, month, ...) it returns one row per group with each available KPI's
value and inputs (numerator, denominator, sum of squares). `explain_sql` returns the SQL
it would run, so a reader can check exactly how a number is made.

Values travel as named parameters; the only names written into SQL come from the
contract and the registry, quoted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .contract import STAGE_INTERVALS
from .dataset import Dataset
from .kpis import KPI, KPIS
from .scope import for_statistics
from .sql import ident, literal

# Dimensions a ticket or survey can be grouped or filtered by; derived ones are computed.
TICKET_DIMENSIONS = (
    "agent_id",
    "team",
    "channel",
    "category",
    "product",
    "priority",
    "customer_segment",
    "month",
    "quarter",
    "week",
    "weekday",
    "hour",
)
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


@dataclass(frozen=True)
class Filters:
    """What the user looks at. Empty tuples mean "all"; dates are inclusive."""

    start: date | None = None
    end: date | None = None
    teams: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()

    def replace(self, **changes) -> Filters:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Filters(**values)

    def population(self) -> Filters:
        """Whom statistics are computed over (priors, ranks, peers, chains): the same period
        and ticket filters over every team and agent. What is computed over it is shown only
        as aggregates or through the visible scope (scoring.scope)."""
        return self.replace(teams=(), agents=())

    def previous(self) -> Filters | None:
        """The same filter over the equally long period just before; None without dates."""
        if not (self.start and self.end):
            return None
        length = self.end - self.start + timedelta(days=1)
        return self.replace(start=self.start - length, end=self.start - timedelta(days=1))


# Filter field → (column, which grains it restricts).
_LIST_FILTERS = {
    "teams": "team",
    "agents": "agent_id",
    "channels": "channel",
    "categories": "category",
    "products": "product",
    "priorities": "priority",
    "segments": "customer_segment",
}
_AGENT_FILTERS = ("teams", "agents")


@dataclass
class _Query:
    sql: str
    params: dict = field(default_factory=dict)


def _agent_scope_sql(filters: Filters, params: dict) -> str:
    clauses = []
    for name in _AGENT_FILTERS:
        values = getattr(filters, name)
        if values:
            params[name] = list(values)
            clauses.append(f"list_contains(${name}, {ident(_LIST_FILTERS[name])})")
    where = " AND ".join(clauses) or "true"
    return f"SELECT agent_id, name, team FROM agents WHERE {where}"


def _date_params(filters: Filters, params: dict) -> list[str]:
    clauses = []
    if filters.start:
        params["start"] = pd.Timestamp(filters.start).to_pydatetime()
        clauses.append("t.created_at >= $start")
    if filters.end:
        params["end_excl"] = pd.Timestamp(filters.end + timedelta(days=1)).to_pydatetime()
        clauses.append("t.created_at < $end_excl")
    return clauses


def ticket_rows_cte(ds: Dataset, filters: Filters, params: dict, repeat_days: int = 30) -> str:
    """CTEs ending in `ticket_rows`: accepted tickets in the filter, with team and measures.

    Use as `WITH {ticket_rows_cte(...)} SELECT ... FROM ticket_rows`; it adds its named
    parameters to `params`. Derived columns: team, month, quarter, week, weekday, hour,
    frt_minutes, sla_response_met, sla_resolution_met, is_repeat_source.
    """
    clauses = _date_params(filters, params)
    for name, column in _LIST_FILTERS.items():
        values = getattr(filters, name)
        if values and name not in _AGENT_FILTERS:
            params[name] = list(values)
            clauses.append(f"list_contains(${name}, t.{ident(column)})")
    params["as_of"] = ds.as_of
    params["repeat_seconds"] = repeat_days * 86400
    where = " AND ".join(clauses) or "true"
    return f"""
    scope_agents AS ({_agent_scope_sql(filters, params)}),
    next_same_issue AS (
        SELECT customer_id, category, created_at FROM tickets WHERE customer_id IS NOT NULL
    ),
    ticket_rows AS MATERIALIZED (
        SELECT t.*, a.team,
            date_trunc('month', t.created_at) AS month,
            date_trunc('quarter', t.created_at) AS quarter,
            date_trunc('week', t.created_at) AS week,
            isodow(t.created_at) AS weekday,
            hour(t.created_at) AS hour,
            date_diff('second', t.created_at, t.first_response_at) / 60.0 AS frt_minutes,
            CASE
                WHEN t.sla_response_minutes IS NULL THEN NULL
                WHEN t.first_response_at IS NOT NULL THEN
                    date_diff('second', t.created_at, t.first_response_at)
                        <= t.sla_response_minutes * 60
                WHEN date_diff('second', t.created_at, $as_of) > t.sla_response_minutes * 60
                    THEN false
            END AS sla_response_met,
            CASE
                WHEN t.sla_resolve_hours IS NULL THEN NULL
                WHEN t.resolved_at IS NOT NULL THEN
                    date_diff('second', t.created_at, t.resolved_at) <= t.sla_resolve_hours * 3600
                WHEN date_diff('second', t.created_at, $as_of) > t.sla_resolve_hours * 3600
                    THEN false
            END AS sla_resolution_met,
            CASE
                WHEN t.resolved_at IS NULL OR t.customer_id IS NULL THEN NULL
                WHEN date_diff('second', t.resolved_at, $as_of) < $repeat_seconds THEN NULL
                ELSE coalesce(
                    date_diff('second', t.resolved_at, n.created_at) <= $repeat_seconds, false)
            END AS is_repeat_source
        FROM tickets t
        JOIN scope_agents a USING (agent_id)
        ASOF LEFT JOIN next_same_issue n
            ON t.customer_id = n.customer_id AND t.category = n.category
            AND t.resolved_at < n.created_at
        WHERE {where}
    )"""


def _grain_rows_sql(grain: str, filters: Filters, params: dict) -> str:
    """The rows a grain's KPIs aggregate (ticket_rows already defined in the WITH)."""
    if grain == "ticket":
        return "SELECT * FROM ticket_rows"
    if grain == "survey":
        return (
            "SELECT s.*, r.* EXCLUDE (ticket_id, _source, _row) "
            "FROM surveys s JOIN ticket_rows r USING (ticket_id)"
        )
    if grain == "agent":
        return _training_rows_sql(filters, params)
    return _feedback_rows_sql(filters, params)


def _overlaps_range(filters: Filters, params: dict, first_day: str, last_day: str) -> str:
    """SQL: the span first_day..last_day (column names) overlaps the filter's dates."""
    clauses = []
    if filters.start:
        params["start_date"] = filters.start
        clauses.append(f"{last_day} >= $start_date")
    if filters.end:
        params["end_date"] = filters.end
        clauses.append(f"{first_day} <= $end_date")
    return " AND ".join(clauses) or "true"


def _training_rows_sql(filters: Filters, params: dict) -> str:
    """Agents in scope with the hours of courses completed in the date range (0 if none)."""
    in_range = _overlaps_range(filters, params, "completed_on", "completed_on")
    return f"""SELECT a.agent_id, a.team, coalesce(h.hours, 0) AS training_hours
        FROM scope_agents a LEFT JOIN (
            SELECT agent_id, sum(hours) AS hours FROM training WHERE {in_range}
            GROUP BY agent_id) h USING (agent_id)"""


# A rating period (2026-Q3 or 2026-07) as its first day and its length in months.
_PERIOD_START = (
    "CASE WHEN period LIKE '%Q%' THEN make_date(CAST(left(period, 4) AS INT), "
    "(CAST(right(period, 1) AS INT) - 1) * 3 + 1, 1) "
    "ELSE make_date(CAST(left(period, 4) AS INT), CAST(right(period, 2) AS INT), 1) END"
)
_PERIOD_MONTHS = "CASE WHEN period LIKE '%Q%' THEN 3 ELSE 1 END"


def _feedback_rows_sql(filters: Filters, params: dict) -> str:
    """360 ratings of agents in scope whose period overlaps the date range."""
    in_range = _overlaps_range(filters, params, "period_start", "period_end")
    return f"""SELECT * FROM (
            SELECT f.*, a.agent_id, a.team, {_PERIOD_START} AS period_start,
                CAST({_PERIOD_START} + to_months({_PERIOD_MONTHS}) - INTERVAL 1 DAY AS DATE)
                    AS period_end
            FROM feedback_360 f JOIN scope_agents a ON f.reviewee_id = a.agent_id)
        WHERE {in_range}"""


def available_kpis(ds: Dataset) -> tuple[KPI, ...]:
    return tuple(k for k in KPIS if all(ds.has(t, c) for t, c in k.requires))


def unavailable_kpis(ds: Dataset) -> dict[str, str]:
    """KPI id → the reason it cannot be computed from this dataset."""
    reasons = {}
    for k in KPIS:
        missing = [f"{t}.{c}" for t, c in k.requires if not ds.has(t, c)]
        if missing:
            reasons[k.id] = "needs " + ", ".join(missing)
    return reasons


def _aggregates(k: KPI) -> list[str]:
    expr = k.expr
    name = k.id
    if k.kind == "quantile":
        return [
            f"quantile_cont({expr}, {k.quantile}) AS {ident(name)}",
            f"count({expr}) AS {ident(name + '__den')}",
        ]
    if k.kind == "count":
        return [
            f"CAST(count({expr}) AS DOUBLE) AS {ident(name + '__num')}",
            f"count(DISTINCT agent_id) AS {ident(name + '__den')}",
        ]
    value = f"CAST(({expr}) AS DOUBLE)"
    return [
        f"sum({value}) AS {ident(name + '__num')}",
        f"count({value}) AS {ident(name + '__den')}",
        f"sum({value} * {value}) AS {ident(name + '__sq')}",
    ]


def _grain_aggregate(
    grain: str, kpis: list[KPI], by: tuple[str, ...], filters: Filters, params: dict
) -> str:
    """SELECT of one grain's KPI aggregates per group (reads the ticket_rows CTE)."""
    keys = ", ".join(ident(c) for c in by)
    aggregates = [f"count(*) AS {ident('_rows_' + grain)}"]
    for k in kpis:
        aggregates += _aggregates(k)
    group = f"GROUP BY {keys}" if by else ""
    select_keys = f"{keys}, " if by else ""
    rows = _grain_rows_sql(grain, filters, params)
    return f"SELECT {select_keys}{', '.join(aggregates)} FROM ({rows}) {group}"


def _query(ds: Dataset, filters: Filters, by: tuple[str, ...], repeat_days: int) -> _Query:
    """One statement: the filtered ticket rows once, each grain aggregated, joined by group."""
    unknown = [c for c in by if c not in TICKET_DIMENSIONS]
    if unknown:
        raise ValueError(
            f"cannot group by {', '.join(unknown)} (known: {', '.join(TICKET_DIMENSIONS)})"
        )
    grains: dict[str, list[KPI]] = {"ticket": []}
    for k in available_kpis(ds):
        if all(c in GRAIN_DIMENSIONS[k.grain] for c in by):
            grains.setdefault(k.grain, []).append(k)
    params: dict = {}
    head = ticket_rows_cte(ds, filters, params, repeat_days)
    parts = [
        f"grain_{grain} AS ({_grain_aggregate(grain, kpis, by, filters, params)})"
        for grain, kpis in grains.items()
    ]
    joins = "grain_ticket"
    for grain in list(grains)[1:]:
        if by:
            keys = ", ".join(ident(c) for c in by)
            joins += f" FULL OUTER JOIN grain_{grain} USING ({keys})"
        else:
            joins += f" CROSS JOIN grain_{grain}"
    sql = f"WITH {head}, {', '.join(parts)} SELECT * FROM {joins}"
    return _Query(sql, params)


def explain_sql(
    ds: Dataset,
    filters: Filters = Filters(),
    by: tuple[str, ...] = ("agent_id",),
    repeat_days: int = 30,
) -> str:
    """The SQL `kpi_table` runs for this filter and grouping."""
    return _query(ds, filters, by, repeat_days).sql


@for_statistics
def kpi_table(
    ds: Dataset,
    filters: Filters = Filters(),
    by: tuple[str, ...] = ("agent_id",),
    repeat_days: int = 30,
) -> pd.DataFrame:
    """One row per group: `tickets`, and per KPI its value and `__num`/`__den`/`__sq` inputs.

    KPIs unavailable in the dataset are absent; a group without data for a KPI has NaN.
    """
    query = _query(ds, filters, by, repeat_days)
    result = ds.query(query.sql, query.params).rename(
        columns={"_rows_ticket": "tickets", "_rows_survey": "surveys"}
    )
    for column in ("tickets", "surveys"):
        if column in result:
            result[column] = result[column].fillna(0).astype("int64")
    for k in available_kpis(ds):
        if k.kind in ("mean", "rate", "count") and f"{k.id}__num" in result:
            den = result[f"{k.id}__den"].astype(float)
            result[k.id] = np.where(den > 0, result[f"{k.id}__num"] / den.where(den > 0), np.nan)
    return result.drop(columns=[c for c in result if c.startswith("_rows_")])


@for_statistics
def stage_durations(
    ds: Dataset, filters: Filters = Filters(), by: tuple[str, ...] = ("team",)
) -> pd.DataFrame:
    """Hours spent in each workflow stage: median, P90 and ticket count per group and stage."""
    present = [s for s in STAGE_INTERVALS if ds.has("tickets", s[1]) and ds.has("tickets", s[2])]
    if not present:
        return pd.DataFrame(columns=[*by, "stage", "median_hours", "p90_hours", "tickets"])
    params: dict = {}
    head = ticket_rows_cte(ds, filters, params, 30)
    unions = " UNION ALL ".join(
        f"SELECT {''.join(ident(c) + ', ' for c in by)}{literal(stage)} AS stage, "
        f"date_diff('second', {ident(start)}, {ident(end)}) / 3600.0 AS hours FROM ticket_rows "
        f"WHERE {ident(start)} IS NOT NULL AND {ident(end)} IS NOT NULL"
        for stage, start, end in present
    )
    keys = "".join(ident(c) + ", " for c in by)
    sql = (
        f"WITH {head}, stage_rows AS ({unions}) SELECT {keys}stage, median(hours) AS median_hours, "
        f"quantile_cont(hours, 0.9) AS p90_hours, count(*) AS tickets FROM stage_rows "
        f"GROUP BY {keys}stage ORDER BY {keys}stage"
    )
    return ds.query(sql, params)


@for_statistics
def ticket_counts(ds: Dataset, filters: Filters, dimension: str) -> pd.DataFrame:
    """Tickets per value of one dimension (channel, category, month, ...), largest first."""
    if dimension not in TICKET_DIMENSIONS:
        raise ValueError(f"cannot count by {dimension}")
    params: dict = {}
    head = ticket_rows_cte(ds, filters, params, 30)
    column = ident(dimension)
    sql = (
        f"WITH {head} SELECT {column}, count(*) AS tickets FROM ticket_rows "
        f"GROUP BY {column} ORDER BY tickets DESC, {column}"
    )
    return ds.query(sql, params)


def data_range(ds: Dataset) -> tuple[date | None, date | None]:
    """First and last day with tickets."""
    first, last = ds.row("SELECT min(created_at), max(created_at) FROM tickets")
    return (first.date() if first else None, last.date() if last else None)


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
