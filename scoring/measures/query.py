"""SQL composition (查询构建): the one module that writes the FROM side of every query.

An analysis says *what* it aggregates; this module says *which rows* and *how they are
joined*. A `Query` is a statement under construction over one dataset and one filter:

- **relations**, each written once here and returned as text to put after FROM (a CTE
  name, defined in the WITH on first use, or a parenthesised subquery):
  `agents()` the agents in the filter's team/agent scope; `ticket_base()` the accepted
  tickets in the filter with their derived columns (`TICKET_DIMENSIONS`, measures);
  `ticket_rows()` those with the columns that depend on every row of the filter (the
  segments' repeat rates, `SEGMENT_RELATIVE`);
  `survey_rows()` one row per survey with its ticket's columns; `surveyed_tickets()` one
  row per ticket with its first survey's columns; `training_rows()` training hours over the
  year to the period's end; `feedback_rows()` 360 ratings whose rating period overlaps the dates;
  `working_days()` each agent's weekdays employed in the period (period-fair volumes);
  `grain_rows(grain)` the relation a KPI grain aggregates;
- **scopes**: the filter's teams/agents (the population is `Filters.population()`, with
  none) and the visible scope (`visible(scope, alias)`: `scoring.scope.Visible.sql`);
- **periods**: ticket dates as `created_at` bounds, date spans (training, rating periods)
  as overlaps, and `period_start` / `period_end` of a rating period ("2026-Q3", "2026-07");
- **parameters**: every value is a named `$param` (`param(name, value)`; a name bound twice
  to different values is an error); names written into SQL come from the contract or the
  registry and pass through `scoring.data.sql.ident`;
- **aggregation**: `grouped(rows, by, measures)` and `moments(expr)`, the sum / count /
  sum of squares every rate and mean KPI is made of;
- **finishing**: `select(sql)` wraps the WITH around a SELECT and returns a `Statement`
  (sql, params) to `run` on a dataset; `Statement.explain()` shows the SQL with its
  parameters, as a reader checks how a number is made.

The pre-aggregated KPI tables (`scoring.measures.cube`) answer `kpi_table` and
`ticket_counts` where the filter and grouping allow; they sum cells of `ticket_base` rows,
and read `ticket_base` for what cells cannot hold (the edges of cut months, quantiles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from textwrap import dedent

import pandas as pd

from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.data.sql import ident
from scoring.scope import EVERYTHING, Visible

# Columns of the ticket rows a query can group or filter by; the derived ones are computed
# by `Query.ticket_rows`.
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
    # tickets left out of every KPI (an appeal accepted in a closed appraisal period,
    # scoring/stores/periods.py); no page or link sets it
    exclude_tickets: tuple[str, ...] = ()

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


# Filter field → the column it restricts: the agent scope (agents table) and the tickets.
AGENT_FILTERS = {"teams": "team", "agents": "agent_id"}
TICKET_FILTERS = {
    "channels": "channel",
    "categories": "category",
    "products": "product",
    "priorities": "priority",
    "segments": "customer_segment",
}


def period_start(column: str = "period", alias: str = "") -> str:
    """SQL: the first day of a rating period (2026-Q3 or 2026-07) held in `column`."""
    p = f"{alias}{ident(column)}"
    return (
        f"CASE WHEN {p} LIKE '%Q%' THEN make_date(CAST(left({p}, 4) AS INT), "
        f"(CAST(right({p}, 1) AS INT) - 1) * 3 + 1, 1) "
        f"ELSE make_date(CAST(left({p}, 4) AS INT), CAST(right({p}, 2) AS INT), 1) END"
    )


def period_months(column: str = "period", alias: str = "") -> str:
    """SQL: the length in months of a rating period (3 for a quarter, else 1)."""
    return f"CASE WHEN {alias}{ident(column)} LIKE '%Q%' THEN 3 ELSE 1 END"


def period_end(column: str = "period", alias: str = "") -> str:
    """SQL: the last day of a rating period held in `column`."""
    start, months = period_start(column, alias), period_months(column, alias)
    return f"CAST({start} + to_months({months}) - INTERVAL 1 DAY AS DATE)"


# A Monday long before any data: weekdays are counted from it.
WEEKDAY_EPOCH = "DATE '1900-01-01'"


def weekdays_before(day: str) -> str:
    """SQL: the number of weekdays (Monday to Friday) from `WEEKDAY_EPOCH` to the day before
    the date `day` — five per whole week, and of the days left over (a week's start, from
    Monday) at most five."""
    days = f"date_diff('day', {WEEKDAY_EPOCH}, {day})"
    return f"(5 * ({days} // 7) + least({days} % 7, 5))"


def where(*conditions: str) -> str:
    """`WHERE a AND b` of the conditions that are not "true"; empty when none is left."""
    kept = [c for c in conditions if c != "true"]
    return f"WHERE {' AND '.join(kept)}" if kept else ""


def words(*parts: str) -> str:
    """The non-empty parts of a SQL text, space-separated (an empty WHERE leaves no gap)."""
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Part:
    """One aggregate over rows: `how` ("sum" or "count") of the per-row SQL `value` (or of
    its square), named `name`. As in SQL, a sum over rows without a value is NULL and a
    count 0."""

    how: str
    value: str
    name: str
    squared: bool = False  # of the value's square (NULL where the value is)

    def sql(self) -> str:
        value = f"{self.value} * {self.value}" if self.squared else self.value
        return f"{self.how}({value}) AS {ident(self.name)}"


def moment_parts(expr: str, num: str, den: str, sq: str | None = None) -> list[Part]:
    """The parts of a rate or mean: sum, count and (optionally) sum of squares of a
    per-row expression, as DOUBLE, named `num`, `den`, `sq`."""
    value = f"CAST(({expr}) AS DOUBLE)"
    parts = [Part("sum", value, num), Part("count", value, den)]
    if sq is not None:
        parts.append(Part("sum", value, sq, squared=True))
    return parts


def moments(expr: str, num: str, den: str, sq: str | None = None) -> list[str]:
    """The aggregates of `moment_parts`, as SQL."""
    return [part.sql() for part in moment_parts(expr, num, den, sq)]


def _met_in_time(done: str, limit: str, seconds: int, as_of: str) -> str:
    """SQL: whether ticket `t` reached `done` within its `limit` (in units of `seconds`);
    false once the limit passed by the as-of time without it; NULL without a limit or while
    it may still be met."""
    bound = f"t.{limit} * {seconds}"
    return (
        f"CASE WHEN t.{limit} IS NULL THEN NULL "
        f"WHEN t.{done} IS NOT NULL THEN date_diff('second', t.created_at, t.{done}) <= {bound} "
        f"WHEN date_diff('second', t.created_at, {as_of}) > {bound} THEN false END"
    )


def _segment_repeat_rate(segment: str | None) -> str:
    """SQL over the ticket rows: the repeat rate of the row's customer segment among the
    rows' eligible resolutions (of all rows without a segment column)."""
    within = f"OVER (PARTITION BY {ident(segment)})" if segment else "OVER ()"
    return f"avg(CAST(is_repeat_source AS DOUBLE)) {within}"


# SQL over rows with `segment_repeat_rate`: a resolution's repeat judged within its customer
# segment — (the lowest segment repeat rate above 0 / the rate of the resolution's segment)
# for a repeat, 0 for none, NULL when not eligible. Its mean over an agent's resolutions is
# the agent's repeat rate restated as if every customer were of the segment that repeats
# least: an agent whose enterprise customers (who come back more often) repeat at the
# enterprise rate and whose individual customers repeat at the individual rate gets the
# individual rate whatever the mix. Each value lies in 0…1, so it stays a rate.
REPEAT_VS_SEGMENT = (
    "CASE WHEN is_repeat_source THEN min(nullif(segment_repeat_rate, 0)) OVER () "
    "/ segment_repeat_rate WHEN NOT is_repeat_source THEN 0.0 END"
)


# The working days of a group: each of its agents' days once (rows carry their agent's days).
GROUP_WORKING_DAYS = (
    "CAST(coalesce(list_sum(list_transform(list(DISTINCT {'agent': agent_id, 'days': "
    "working_days}), lambda a: a.days)), 0) AS DOUBLE)"
)


# Derived columns whose value depends on every row of the filter (a segment's repeat rate),
# each with the per-ticket column it restates: pre-aggregated tables hold that column's
# moments per segment and restate them for the filter (`scoring.measures.cube`).
SEGMENT_RELATIVE = {"repeat_vs_segment": "is_repeat_source"}


@dataclass(frozen=True)
class Statement:
    """A finished query: its SQL text and the named parameters it takes."""

    sql: str
    params: dict = field(default_factory=dict)

    def run(self, ds: Dataset) -> pd.DataFrame:
        return ds.query(self.sql, self.params)

    def explain(self) -> str:
        """The SQL followed by each parameter's value, as comments."""
        values = [f"-- ${name} = {value!r}" for name, value in sorted(self.params.items())]
        return "\n".join([self.sql.strip(), *values])


class Query:
    """A statement under construction over `ds` for `filters` (see the module docstring)."""

    def __init__(self, ds: Dataset, filters: Filters = Filters(), repeat_days: int = 30):
        self.ds = ds
        self.filters = filters
        self.repeat_days = repeat_days
        self.params: dict = {}
        self._ctes: dict[str, str] = {}

    # --- parameters, CTEs and the finished statement ------------------------------------

    def param(self, name: str, value) -> str:
        """`$name`, bound to `value` (binding a name to a second, different value fails)."""
        if not name.isidentifier():
            raise ValueError(f"not a parameter name: {name!r}")
        if name in self.params and self.params[name] != value:
            raise ValueError(f"parameter ${name} is already bound to {self.params[name]!r}")
        self.params[name] = value
        return f"${name}"

    def define(self, name: str, body: str, materialized: bool | None = None) -> str:
        """Add the CTE `name AS (body)` (once: a second definition must be the same);
        `materialized` True or False tells DuckDB to compute it once or where it is read
        (None: DuckDB chooses)."""
        if not name.isidentifier():
            raise ValueError(f"not a CTE name: {name!r}")
        how = {None: "", True: "MATERIALIZED ", False: "NOT MATERIALIZED "}[materialized]
        text = f"{name} AS {how}({dedent(body).strip()})"
        if self._ctes.setdefault(name, text) != text:
            raise ValueError(f"CTE {name} is already defined differently")
        return name

    def select(self, sql: str) -> Statement:
        """The statement: the CTEs defined so far, then `sql`."""
        body = dedent(sql).strip()
        if not self._ctes:
            return Statement(body, dict(self.params))
        ctes = ",\n".join(self._ctes.values())
        return Statement(f"WITH {ctes}\n{body}", dict(self.params))

    # --- scopes and periods ---------------------------------------------------------------

    def agent_scope(self, alias: str = "") -> str:
        """Condition on an agents relation: in the filter's teams and agents ("true" for the
        population)."""
        clauses = []
        for name, column in AGENT_FILTERS.items():
            values = getattr(self.filters, name)
            if values:
                values = self.param(name, list(values))
                clauses.append(f"list_contains({values}, {alias}{ident(column)})")
        return " AND ".join(clauses) or "true"

    def visible(self, visible: Visible, alias: str = "") -> str:
        """Condition: the rows (with `team` and `agent_id`, of table `alias`) `visible`
        allows (`Visible.sql`)."""
        return visible.sql(self.params, alias)

    def period_bounds(self) -> tuple[str | None, str | None]:
        """The filter's first moment and the moment after its last day, as parameters (None
        where the filter is open on that side)."""
        start = end = None
        if self.filters.start:
            start = self.param("start", pd.Timestamp(self.filters.start).to_pydatetime())
        if self.filters.end:
            after = pd.Timestamp(self.filters.end + timedelta(days=1)).to_pydatetime()
            end = self.param("end_excl", after)
        return start, end

    def created_in_period(self, alias: str = "t.", column: str = "created_at") -> list[str]:
        """Conditions: a ticket created within the filter's dates (end day inclusive), on
        its creation time or another timestamp `column` (a day cell's midnight)."""
        return self.spans_within(f"{alias}{column}", f"{alias}{column}")

    def spans_within(self, first: str, last: str) -> list[str]:
        """Conditions: a span from the timestamp `first` to `last` (SQL) lies within the
        filter's dates (end day inclusive)."""
        start, end = self.period_bounds()
        return [
            *([f"{first} >= {start}"] if start else []),
            *([f"{last} < {end}"] if end else []),
        ]

    def overlaps_period(self, first_day: str, last_day: str) -> list[str]:
        """Conditions: the span `first_day`..`last_day` (SQL of dates) overlaps the
        filter's dates."""
        clauses = []
        if self.filters.start:
            clauses.append(f"{last_day} >= {self.param('start_date', self.filters.start)}")
        if self.filters.end:
            clauses.append(f"{first_day} <= {self.param('end_date', self.filters.end)}")
        return clauses

    # --- relations ------------------------------------------------------------------------

    def agents(self) -> str:
        """CTE `scope_agents`: agent_id, name, team of the agents in the filter's scope."""
        return self.define(
            "scope_agents",
            words("SELECT agent_id, name, team FROM agents", where(self.agent_scope())),
        )

    def roster(self, visible: Visible = EVERYTHING, columns: Sequence[str] = ()) -> Statement:
        """Agents in the filter's scope that `visible` allows, by id: agent_id, name, team
        and the agents' `columns` (NULL where the dataset has no such column)."""
        extra = "".join(
            f", {ident(c) if self.ds.has('agents', c) else 'NULL'} AS {ident(c)}" for c in columns
        )
        conditions = where(self.agent_scope(), self.visible(visible))
        sql = words(f"SELECT agent_id, name, team{extra} FROM agents", conditions)
        return self.select(f"{sql} ORDER BY agent_id")

    def ticket_rows(self) -> str:
        """CTE `ticket_rows`: `ticket_base` with each row's segment_repeat_rate and
        repeat_vs_segment (`REPEAT_VS_SEGMENT`): the columns that depend on every row of the
        filter, not on the ticket alone."""
        base = self.ticket_base()
        segment = "customer_segment" if self.ds.has("tickets", "customer_segment") else None
        return self.define(
            "ticket_rows",
            f"""
            SELECT *, {REPEAT_VS_SEGMENT} AS repeat_vs_segment FROM (
            SELECT *, {_segment_repeat_rate(segment)} AS segment_repeat_rate FROM {base})
            """,
            materialized=True,
        )

    def ticket_base(self, outside: tuple[datetime, datetime] | None = None) -> str:
        """CTE `ticket_base`: accepted tickets in the filter, with team and measures; with
        `outside` (start, end), CTE `ticket_edges`: only those created outside [start, end)
        (the months a pre-aggregated table answers for, `scoring.measures.cube`).

        Derived columns: team, month, quarter, week, weekday, hour, frt_minutes,
        sla_response_met, sla_resolution_met, is_repeat_source (resolved, and the same
        customer and contact came back with the same category and product within
        `repeat_days`, see `repeat_keys`; NULL while the window is still open at the data's
        as-of time). Each depends on the ticket alone (and the as-of time).
        """
        agents = self.agents()
        conditions = self.ticket_conditions(outside)
        as_of = self.param("as_of", self.ds.as_of)
        repeat = self.param("repeat_seconds", self.repeat_days * 86400)
        next_same, join = self._next_same_issue()
        return self.define(
            "ticket_base" if outside is None else "ticket_edges",
            f"""
            SELECT t.*, a.team,
                date_trunc('month', t.created_at) AS month,
                date_trunc('quarter', t.created_at) AS quarter,
                date_trunc('week', t.created_at) AS week,
                isodow(t.created_at) AS weekday,
                hour(t.created_at) AS hour,
                date_diff('second', t.created_at, t.first_response_at) / 60.0 AS frt_minutes,
                {_met_in_time("first_response_at", "sla_response_minutes", 60, as_of)}
                    AS sla_response_met,
                {_met_in_time("resolved_at", "sla_resolve_hours", 3600, as_of)}
                    AS sla_resolution_met,
                CASE
                    WHEN t.resolved_at IS NULL OR t.customer_id IS NULL THEN NULL
                    WHEN date_diff('second', t.resolved_at, {as_of}) < {repeat} THEN NULL
                    ELSE coalesce(
                        date_diff('second', t.resolved_at, {next_same}) <= {repeat}, false)
                END AS is_repeat_source
            FROM tickets t
            JOIN {agents} a USING (agent_id){join}
            {where(*conditions)}
            """,
        )

    def ticket_conditions(self, outside: tuple[datetime, datetime] | None = None) -> list[str]:
        """Conditions on tickets `t`: created within the filter's dates (and outside
        [start, end) of `outside`), in its ticket dimensions and not excluded — all of
        `ticket_base`'s but the agent scope (its join)."""
        conditions = self.created_in_period()
        if outside is not None:
            start, end = (
                self.param("outside_start", outside[0]),
                self.param("outside_end", outside[1]),
            )
            conditions.append(f"NOT (t.created_at >= {start} AND t.created_at < {end})")
        for name, column in TICKET_FILTERS.items():
            values = getattr(self.filters, name)
            if values:
                values = self.param(name, list(values))
                conditions.append(f"list_contains({values}, t.{ident(column)})")
        if self.filters.exclude_tickets:
            excluded = self.param("exclude_tickets", list(self.filters.exclude_tickets))
            conditions.append(f"NOT list_contains({excluded}, t.ticket_id)")
        return conditions

    def _next_same_issue(self) -> tuple[str, str]:
        """(SQL of the creation time of the ticket's next ticket on the same issue, the join
        that finds it): the built column where the dataset was built, else an ASOF join of
        every accepted ticket (see `scoring.data.build`)."""
        if self.ds.built is not None:
            return f"t.{build.NEXT_SAME_ISSUE}", ""
        keys = self.repeat_keys()
        later = self.define("next_same_issue", build.later_tickets_sql(keys))
        return "n.created_at", f"\n            {build.same_issue_join(keys, later)}"

    def repeat_keys(self) -> tuple[str, ...]:
        """The columns a later ticket shares with a resolved one to be a repeat of it
        (`scoring.data.build.repeat_keys`: what a build was made with, if built)."""
        return self.ds.built or build.repeat_keys(lambda c: self.ds.has("tickets", c))

    def first_data_day(self) -> date:
        return (self.ds.first_at or self.ds.as_of).date()

    def period_days(self) -> tuple[date, date]:
        """The first and last day of the period the data covers: the filter's dates, within
        the data's first ticket day and its as-of day (an open-ended filter runs to them)."""
        first, last = self.first_data_day(), self.ds.as_of.date()
        if self.filters.start:
            first = max(first, self.filters.start)
        if self.filters.end:
            last = min(last, self.filters.end)
        return first, last

    def training_days(self) -> tuple[date, date]:
        """The span training hours are counted over: the year up to the period's last day
        (the period itself when longer). Where the data does not reach a year back from the
        period's end, the data's first year (its first day to a year later, or its last day):
        courses are occasional — a day of 8 h a few times a year — so in any one month most
        agents complete none, and a span cut short at the data's first day would score the
        first months' agents on a few weeks of courses where later months see a year."""
        first, last = self.period_days()
        data_first, data_last = self.first_data_day(), self.ds.as_of.date()
        start = min(first, max(data_first, last - timedelta(days=364)))
        if start == data_first and last - start < timedelta(days=364):
            last = max(last, min(data_last, start + timedelta(days=364)))
        return start, last

    def working_days(self, span: tuple[date, date] | None = None, name: str = "period") -> str:
        """CTE `<name>_working_days`: agent_id, working_days of the agents in scope — the
        weekdays (Monday to Friday) of `span` (default: the period) on which the agent was
        employed (hired on or before the day and not yet left: `hire_date` ≤ day <
        `left_date`, the attrition convention; a missing date does not bound). The
        denominator of period-fair volumes, so that a month and a year, a joiner and a
        stayer, are judged alike. Counted, not listed: the weekdays before the day after the
        last less those before the first (`weekdays_before`)."""
        first, last = span or self.period_days()
        start = self.param(f"{name}_first", first)
        after = self.param(f"{name}_after", last + timedelta(days=1))
        if self.ds.has("agents", "hire_date"):
            start = f"greatest({start}, a.hire_date)"  # NULL does not bound: greatest skips it
        if self.ds.has("agents", "left_date"):
            after = f"least({after}, a.left_date)"
        days = f"greatest(0, {weekdays_before(after)} - {weekdays_before(start)})"
        return self.define(
            f"{name}_working_days",
            f"SELECT a.agent_id, CAST({days} AS BIGINT) AS working_days FROM agents a "
            f"{where(self.agent_scope('a.'))}",
        )

    def with_working_days(self, rows: str) -> str:
        """Subquery: the relation `rows` (with agent_id) and each row's agent's
        `working_days` in the period (see `working_days`; training rows carry their own)."""
        return (
            f"(SELECT r.*, coalesce(w.working_days, 0) AS working_days FROM {rows} r "
            f"LEFT JOIN {self.working_days()} w USING (agent_id))"
        )

    def survey_rows(self, tickets: str | None = None) -> str:
        """Subquery: one row per survey of the ticket rows (or of the relation `tickets`),
        with its ticket's columns."""
        return (
            "(SELECT s.*, r.* EXCLUDE (ticket_id, _source, _row) "
            f"FROM surveys s JOIN {tickets or self.ticket_rows()} r USING (ticket_id))"
        )

    def surveyed_tickets(self, columns: Sequence[str]) -> str:
        """Subquery: the ticket rows, each with the survey `columns` of its first survey
        (by submission; NULL for a ticket without one). Only the rows' tickets' surveys are
        grouped (a semi-join), not every survey of the dataset."""
        rows = self.ticket_rows()
        firsts = ", ".join(f"arg_min({ident(c)}, submitted_at) AS {ident(c)}" for c in columns)
        first_survey = self.define(
            "first_survey",
            f"SELECT ticket_id, {firsts} FROM surveys "
            f"WHERE ticket_id IN (SELECT ticket_id FROM {rows}) GROUP BY ticket_id",
        )
        picked = "".join(f", s.{ident(c)}" for c in columns)
        return f"(SELECT r.*{picked} FROM {rows} r LEFT JOIN {first_survey} s USING (ticket_id))"

    def training_rows(self) -> str:
        """Subquery: the agents in scope with the hours of courses completed over the
        training span (`training_days`; 0 if none) and their working days in it: agent_id,
        team, training_hours, working_days."""
        span = self.training_days()
        first, last = self.param("training_first", span[0]), self.param("training_last", span[1])
        hours = (
            "SELECT agent_id, sum(hours) AS hours FROM training "
            f"WHERE completed_on >= {first} AND completed_on <= {last} GROUP BY agent_id"
        )
        days = self.working_days(span, "training")
        return (
            "(SELECT a.agent_id, a.team, coalesce(h.hours, 0) AS training_hours, "
            "coalesce(w.working_days, 0) AS working_days "
            f"FROM {self.agents()} a LEFT JOIN ({hours}) h USING (agent_id) "
            f"LEFT JOIN {days} w USING (agent_id))"
        )

    def feedback_rows(self, visible: Visible = EVERYTHING) -> str:
        """Subquery: 360 ratings of the agents in scope that `visible` allows, whose rating
        period overlaps the date range: the feedback columns, agent_id, team, period_start,
        period_end."""
        rated = (
            "SELECT f.*, a.agent_id, a.team, p.period_start, p.period_end "
            f"FROM feedback_360 f JOIN {self.agents()} a ON f.reviewee_id = a.agent_id "
            f"JOIN {self.rating_periods()} p USING (period)"
        )
        shown = where(self.visible(visible, "a."))
        in_period = where(*self.overlaps_period("period_start", "period_end"))
        return f"({words(f'SELECT * FROM ({words(rated, shown)})', in_period)})"

    def rating_periods(self) -> str:
        """CTE `rating_periods`: each rating period of the 360 ratings with its first and
        last day, parsed once per period rather than once per rating (parsing every rating's
        period took 0.1 s of a 0.25 s KPI statement at 10M tickets); materialised, or the
        optimiser pushes the period filter back beneath the DISTINCT, onto every rating."""
        return self.define(
            "rating_periods",
            f"SELECT period, {period_start()} AS period_start, {period_end()} AS period_end "
            "FROM (SELECT DISTINCT period FROM feedback_360)",
            materialized=True,
        )

    def grain_rows(self, grain: str) -> str:
        """The relation a KPI grain aggregates: ticket, survey, agent (training) or
        feedback (360) rows."""
        rows = {
            "ticket": self.ticket_rows,
            "survey": self.survey_rows,
            "agent": self.training_rows,
            "feedback": self.feedback_rows,
        }
        if grain not in rows:
            raise ValueError(f"unknown grain {grain!r} (known: {', '.join(rows)})")
        return rows[grain]()

    # --- aggregation ----------------------------------------------------------------------

    def grouped(self, rows: str, by: Sequence[str], measures: Sequence[str]) -> str:
        """SELECT of `measures` per group of the `by` columns over the relation `rows`."""
        keys = ", ".join(ident(c) for c in by)
        head = f"{keys}, " if by else ""
        group = f" GROUP BY {keys}" if by else ""
        return f"SELECT {head}{', '.join(measures)} FROM {rows}{group}"
