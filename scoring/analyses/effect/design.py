"""Did it work? A change (a date and the treated teams or agents) judged per KPI.

docs/METHODS.md, "Evaluating a change (效果评估)". The KPI's inputs are read per agent and
day over the population (every team: the control group is chosen among untreated teams,
`scoring.scope`), binned into months relative to the change (month 0 starts on its day) and
estimated on agent-month rows weighted by their cases, clustered by agent:

- with a control group: difference-in-differences (`evaluation.did_regression`), the
  parallel-trends check on the pre-period, an event study (the effect per month, month −1
  the reference) and a placebo (the same estimate at a date inside the pre-period);
- without one: the treated group before vs after — two-proportion z for rates, Welch for
  means, Mann–Whitney for durations — and the same placebo.

Durations (KPIs in minutes) are estimated on the log of each case's minutes, so the effect
is relative: e^δ − 1. Results are codes and numbers; the page and the CLI word them.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scoring.data.dataset import Dataset
from scoring.data.sql import ident, literal
from scoring.measures import ranked
from scoring.measures.metrics import Filters, available_kpis, data_range
from scoring.measures.query import SEGMENT_RELATIVE, Query, Statement, moments
from scoring.methods import evaluation, stats
from scoring.registry.kpis import KPI, KPIS_BY_ID
from scoring.scope import for_statistics

MAX_WINDOW_MONTHS = 6  # longest default before / after window
AUTO_CONTROLS = 2  # untreated teams chosen as the control group when none is named
THIN_AGENTS = 5  # fewer agents than this on a side: the sample is thin
PRETREND_ALPHA = 0.05  # a pre-trend difference this significant: trends may not be parallel
DURATION_UNIT = "min"
DAY_MEASURES = ["num", "den", "sq", "nonpositive"]

# Caveat codes of a result (worded by the page and listed by the CLI).
PRETRENDS_DIFFER = "pretrends_differ"
THIN_SAMPLE = "thin_sample"
NO_PLACEBO = "no_placebo"
PLACEBO_EFFECT = "placebo_effect"

# Methods (codes).
DID = "did_cr1"
WELCH = "welch"
Z_TEST = "two_proportion_z"
MANN_WHITNEY = "mann_whitney"


class ChangeError(ValueError):
    """A change that cannot be evaluated: the message names the field and what was expected."""


@dataclass(frozen=True)
class Change:
    """What changed and where: from `date` on, the agents of `teams` and the `agents` named.

    months: length of the before and the after window (0: the longest equal windows the
    data allows, at most MAX_WINDOW_MONTHS); controls: the control teams (None: chosen
    automatically, AUTO_CONTROLS of them; empty: no control, a before/after test)."""

    date: date
    teams: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    months: int = 0
    controls: tuple[str, ...] | None = None

    def __post_init__(self):
        if not (self.teams or self.agents):
            raise ChangeError("a change needs treated teams or agents (--treated)")
        if self.months < 0:
            raise ChangeError(f"months must be 0 (automatic) or more, got {self.months}")
        if self.controls and set(self.controls) & set(self.teams):
            raise ChangeError("a treated team cannot be its own control (--control)")


@dataclass(frozen=True)
class Effect:
    """One KPI's verdict in numbers. estimate, lo, hi: the effect (relative for durations:
    −0.35 is 35% lower) with its interval; before/after: the treated and control groups'
    values (geometric means for durations); placebo_*: the same estimate at placebo_date;
    pretrend_p: the parallel-trends check's p-value; caveats: codes."""

    kpi: str
    method: str
    relative: bool
    estimate: float
    lo: float
    hi: float
    p_value: float
    treated_before: float
    treated_after: float
    control_before: float
    control_after: float
    treated_agents: int
    control_agents: int
    treated_cases: float
    control_cases: float
    excluded_cases: float
    pretrend: float
    pretrend_p: float
    placebo_date: date | None
    placebo_estimate: float
    placebo_lo: float
    placebo_hi: float
    placebo_p: float
    control_teams: tuple[str, ...]
    caveats: tuple[str, ...]
    trends: pd.DataFrame = field(repr=False)
    events: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class Evaluation:
    change: Change
    months: int
    first_day: date
    last_day: date
    level: float
    effects: tuple[Effect, ...]
    skipped: tuple[str, ...]  # KPIs asked for that cannot be evaluated this way

    def table(self) -> pd.DataFrame:
        """One row per KPI (the CLI's output): the Effect fields but the series."""
        rows = [
            {
                **{k: v for k, v in vars(e).items() if k not in ("trends", "events")},
                "control_teams": ",".join(e.control_teams),
                "caveats": ",".join(e.caveats),
            }
            for e in self.effects
        ]
        return pd.DataFrame(rows)


# --- KPIs, windows, months ------------------------------------------------------------------


def is_duration(k: KPI) -> bool:
    return k.unit == DURATION_UNIT


def effect_kpis(ds: Dataset) -> tuple[KPI, ...]:
    """The KPIs a change can be judged by: rates, means and quantiles of tickets or surveys
    (a quantile only of a duration, judged on its cases' logs)."""
    return tuple(
        k
        for k in available_kpis(ds)
        if k.grain in ("ticket", "survey")
        and (k.kind in ("rate", "mean") or (k.kind == "quantile" and is_duration(k)))
    )


def shift_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier when negative), clamped to the
    month's last day."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def default_months(ds: Dataset, day: date) -> int:
    """The longest equal before and after windows within the data, at most MAX_WINDOW_MONTHS."""
    first, last = data_range(ds)
    if first is None or last is None:
        return 0
    months = 0
    while (
        months < MAX_WINDOW_MONTHS
        and shift_months(day, -(months + 1)) >= first
        and shift_months(day, months + 1) <= last + timedelta(days=1)
    ):
        months += 1
    return months


def relative_months(days: pd.Series, day: date) -> np.ndarray:
    """Per date, its month relative to the change: 0 from `day` to the day before the same
    day a month later, −1 the month before, and so on."""
    stamps = pd.to_datetime(days)
    months = (stamps.dt.year - day.year) * 12 + (stamps.dt.month - day.month)
    return (months - (stamps.dt.day < day.day)).to_numpy()


# --- SQL: the KPI's inputs per agent and day --------------------------------------------------


def _case_value(k: KPI) -> str:
    """SQL of a case's value: the KPI's expression, or its log for a duration (a
    duration of 0 or less has no log and is counted as excluded)."""
    if is_duration(k):
        return f"CASE WHEN ({k.expr}) > 0 THEN ln({k.expr}) END"
    return k.expr


@for_statistics
def daily_inputs(
    ds: Dataset, filters: Filters, k: KPI, first: date, last: date, repeat_days: int = 30
) -> pd.DataFrame:
    """Per agent and day (of ticket creation) from `first` to `last` over the population:
    agent_id, team, day, num, den, sq of the case values (`_case_value`) and `nonpositive`,
    the durations of 0 or less left out. The filter's ticket filters apply. Read from the
    build's daily inputs where it has them (`attach_days`; a filter on ticket dimensions
    reads the tickets). The evaluation sums them per month in SQL (`agent_months`); these
    rows whole are what the build's table is checked against (tests/scoring/test_effect_days.py)."""
    q = _with_days(ds, filters, k, first, last, repeat_days)
    measures = ", ".join(f"CAST(coalesce({m}, 0) AS DOUBLE) AS {m}" for m in DAY_MEASURES)
    result = q.select(f"SELECT {', '.join(DAY_KEYS)}, {measures} FROM days").run(ds)
    result["day"] = pd.to_datetime(result["day"])
    return result


def _with_days(
    ds: Dataset, filters: Filters, k: KPI, first: date, last: date, repeat_days: int
) -> Query:
    """A query with the CTE `days`: the rows of `daily_inputs` (measures NULL where a day
    has none), from the build's table where it has them, else from the tickets."""
    built = _built_days(ds, k, repeat_days)
    window = filters.population().replace(start=first, end=last)
    if built is not None and window == Filters(start=first, end=last):
        q = Query(ds)
        bounds = f"day >= {q.param('first', first)} AND day <= {q.param('last', last)}"
        named = ", ".join(f"{ident(_named(k, m))} AS {m}" for m in DAY_MEASURES)
        q.define(
            "days",
            f"SELECT {', '.join(DAY_KEYS)}, {named} "
            f"FROM read_parquet({literal(str(built))}) WHERE {bounds}",
        )
    else:
        q = Query(ds, window, repeat_days)
        q.define("days", _daily_rows(q, k.grain, [k], named=False))
    return q


DAY_KEYS = ("agent_id", "team", "day")


def _named(k: KPI, measure: str) -> str:
    """The column of one of k's `DAY_MEASURES` in the build's daily inputs of its grain."""
    return f"{k.id}__{measure}"


def _daily_statement(
    ds: Dataset,
    window: Filters,
    grain: str,
    kpis: Sequence[KPI],
    repeat_days: int,
    named: bool = True,
) -> Statement:
    """The statement of the daily inputs of `kpis` (all of `grain`) over the tickets of
    `window` (the population): `_daily_rows`."""
    q = Query(ds, window, repeat_days)
    return q.select(_daily_rows(q, grain, kpis, named))


def _daily_rows(q: Query, grain: str, kpis: Sequence[KPI], named: bool) -> str:
    """SELECT per agent and day over the tickets of `q`'s filter: each KPI's
    `DAY_MEASURES`, as `_named` columns or (`named` false, for one KPI) as the measures
    themselves."""
    dated = f"(SELECT *, CAST(created_at AS DATE) AS day FROM {q.grain_rows(grain)})"
    measures = []
    for k in kpis:
        num, den, sq, nonpositive = (_named(k, m) if named else m for m in DAY_MEASURES)
        excluded = f"count(CASE WHEN ({k.expr}) <= 0 THEN 1 END)" if is_duration(k) else "0"
        measures += [*moments(_case_value(k), num, den, sq), f"{excluded} AS {ident(nonpositive)}"]
    return q.grouped(dated, DAY_KEYS, measures)


# --- the daily inputs found once per build -------------------------------------------------

DAYS_FORMAT = 2  # 2: one table per grain, every KPI's measures in one pass over its rows
DAYS_INFO = "days.json"


def day_kpis(ds: Dataset) -> tuple[KPI, ...]:
    """The KPIs whose daily inputs a build keeps: those `effect_kpis` offers but a KPI over
    a segment-relative column (`SEGMENT_RELATIVE`), whose cases depend on every ticket of
    the window read."""
    return tuple(k for k in effect_kpis(ds) if k.expr not in SEGMENT_RELATIVE)


def _day_grains(ds: Dataset) -> dict[str, list[KPI]]:
    """Grain → the `day_kpis` of that grain."""
    grains: dict[str, list[KPI]] = {}
    for k in day_kpis(ds):
        grains.setdefault(k.grain, []).append(k)
    return grains


def _days_folder(ds: Dataset, repeat_days: int) -> Path | None:
    """Where a build keeps the daily inputs of every KPI a change is judged by, over all its
    days (named by what they are made of: the statements, so a changed KPI is a new table)."""
    if ds.build_folder is None:
        return None
    made_of = [DAYS_FORMAT, repeat_days]
    made_of += [
        _daily_statement(ds, Filters(), grain, kpis, repeat_days).sql
        for grain, kpis in _day_grains(ds).items()
    ]
    digest = hashlib.sha256(json.dumps(made_of).encode()).hexdigest()[:16]
    return ds.build_folder / f"effect-days-{digest}"


def _built_days(ds: Dataset, k: KPI, repeat_days: int) -> Path | None:
    """The build's daily inputs of `k`'s grain (`attach_days`), if written and holding `k`."""
    folder = _days_folder(ds, repeat_days)
    if folder is None or k not in day_kpis(ds) or not (folder / DAYS_INFO).is_file():
        return None
    return folder / f"{k.grain}.parquet"


def attach_days(ds: Dataset, repeat_days: int) -> Path | None:
    """Write a built dataset's daily inputs (`daily_inputs` over all its days, unfiltered,
    of every KPI of `day_kpis`) once, beside its cube, one table per grain summed in one
    pass over its rows (one pass per KPI took 18 s of the build at 10M tickets): a change
    judged over the population then reads its window's days from them instead of grouping
    every ticket of the window per agent and day. None without a build or where its folder
    cannot be written."""
    folder = _days_folder(ds, repeat_days)
    if folder is None:
        return None
    if not (folder / DAYS_INFO).is_file():

        def write(partial: Path) -> dict:
            for grain, kpis in _day_grains(ds).items():
                statement = _daily_statement(ds, Filters(), grain, kpis, repeat_days)
                target = literal(str(partial / f"{grain}.parquet"))
                ds.row(f"COPY ({statement.sql}) TO {target} (FORMAT parquet)", statement.params)
            return {"format": DAYS_FORMAT, "repeat_days": repeat_days}

        try:
            ranked.write_once(folder, DAYS_INFO, write)
        except (OSError, duckdb.IOException):  # a full or read-only disk
            return None
    return folder


@for_statistics
def case_values(
    ds: Dataset, filters: Filters, k: KPI, agents: list[str], first: date, last: date,
    repeat_days: int = 30,
) -> pd.DataFrame:  # fmt: skip
    """Each case of `agents` from `first` to `last`: day, value (the KPI's expression) —
    the raw values Mann–Whitney ranks."""
    window = filters.population().replace(start=first, end=last, agents=tuple(agents))
    q = Query(ds, window, repeat_days)
    sql = (
        f"SELECT CAST(created_at AS DATE) AS day, CAST(({k.expr}) AS DOUBLE) AS value "
        f"FROM {q.grain_rows(k.grain)} WHERE ({k.expr}) IS NOT NULL"
    )
    result = q.select(sql).run(ds)
    result["day"] = pd.to_datetime(result["day"])
    return result


# --- Agent-month rows, the groups and the control choice -----------------------------------


@for_statistics
def agent_months(
    ds: Dataset,
    filters: Filters,
    k: KPI,
    days: tuple[date, date],
    day: date,
    months: int,
    repeat_days: int = 30,
) -> pd.DataFrame:
    """The daily inputs (`daily_inputs`) of `days` (first, last) within `months` before and
    after `day`, summed per agent and relative month k (−months … months − 1,
    `relative_months`): agent_id, team, k, num, den, sq, nonpositive, y = num/den; an
    agent-month without cases (den 0) left out. Summed by DuckDB: a year of days per agent
    read into pandas and grouped there took 1.8 s of the page at 10M tickets."""
    q = _with_days(ds, filters, k, *days, repeat_days)
    month = (
        f"(year(day) - {q.param('change_year', day.year)}) * 12 "
        f"+ month(day) - {q.param('change_month', day.month)} "
        f"- CASE WHEN dayofmonth(day) < {q.param('change_day', day.day)} THEN 1 ELSE 0 END"
    )
    bound = q.param("months", months)
    sums = ", ".join(f"CAST(coalesce(sum({m}), 0) AS DOUBLE) AS {m}" for m in DAY_MEASURES)
    rows = q.select(
        f"SELECT agent_id, team, k, {sums} FROM (SELECT *, {month} AS k FROM days) "
        f"WHERE k >= -{bound} AND k < {bound} GROUP BY agent_id, team, k "
        "HAVING coalesce(sum(den), 0) > 0 ORDER BY agent_id, team, k"
    ).run(ds)
    return rows.assign(k=rows["k"].astype("int64"), y=rows["num"] / rows["den"])


def treated_mask(rows: pd.DataFrame, change: Change) -> np.ndarray:
    return (rows["team"].isin(change.teams) | rows["agent_id"].isin(change.agents)).to_numpy()


def candidate_teams(rows: pd.DataFrame, change: Change) -> list[str]:
    """Teams with no treated agent that have cases both before and after the change."""
    treated_teams = set(rows.loc[treated_mask(rows, change), "team"]) | set(change.teams)
    sides = rows.assign(after=rows["k"] >= 0).groupby("team")["after"].nunique()
    return sorted(t for t, n in sides.items() if n == 2 and t not in treated_teams)


def _pooled(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """num/den pooled per group: the group's value (cases weigh equally)."""
    sums = rows.groupby(by, as_index=False)[["num", "den"]].sum()
    return sums.assign(value=sums["num"] / sums["den"])


def trend_distances(rows: pd.DataFrame, treated: np.ndarray, teams: list[str]) -> pd.Series:
    """Per candidate team, how far its pre-period months move from parallel with the
    treated group: the root mean square of the monthly gap (treated − team) around its
    mean, on the estimate's scale. A team with fewer than 2 pre-period months in common with
    the treated group cannot be compared (NaN) and ranks last."""
    before = rows[rows["k"] < 0]
    mine = _pooled(before[treated[rows["k"] < 0]], ["k"]).set_index("k")["value"]
    values = _pooled(before[before["team"].isin(teams)], ["team", "k"])
    distances = dict.fromkeys(teams, math.nan)
    for team, series in values.groupby("team"):
        gap = (mine - series.set_index("k")["value"]).dropna()
        if len(gap) >= 2:
            distances[team] = float(np.sqrt(np.mean((gap - gap.mean()) ** 2)))
    return pd.Series(distances, dtype=float).sort_values(kind="stable", na_position="last")


def choose_controls(rows: pd.DataFrame, change: Change) -> tuple[str, ...]:
    """The control teams: those named (only candidates), else the AUTO_CONTROLS candidates
    whose pre-period trends are nearest to parallel with the treated group."""
    candidates = candidate_teams(rows, change)
    if change.controls is not None:
        return tuple(t for t in change.controls if t in candidates)
    distances = trend_distances(rows, treated_mask(rows, change), candidates)
    return tuple(distances.index[:AUTO_CONTROLS])


# --- Estimates --------------------------------------------------------------------------------


def _on_scale(value: float, relative: bool) -> float:
    """A difference on the estimate's scale as users read it: e^δ − 1 for a log duration."""
    return math.expm1(value) if relative else value


def _level_value(num: float, den: float, relative: bool) -> float:
    """A group's value: the mean of its case values (the geometric mean for durations)."""
    if den <= 0:
        return math.nan
    return math.exp(num / den) if relative else num / den


def _did(rows: pd.DataFrame, treated: np.ndarray, level: float) -> evaluation.Estimate:
    return evaluation.did_regression(
        rows["y"], treated, rows["k"] >= 0, rows["agent_id"], rows["den"], level
    )


@for_statistics
def event_study(rows: pd.DataFrame, treated: np.ndarray, level: float) -> pd.DataFrame:
    """δ_k per relative month with its CR1 interval, month −1 the reference (0 by
    definition): y = α + β·treated + Σ_k γ_k·month_k + Σ_{k≠−1} δ_k·treated·month_k + ε.
    Columns k, estimate, lo, hi."""
    months = sorted(rows["k"].unique())
    k = rows["k"].to_numpy()
    month_columns = [(k == m).astype(float) for m in months[1:]]
    effect_months = [m for m in months if m != -1]
    effect_columns = [treated * (k == m) for m in effect_months]
    design = np.column_stack([np.ones(len(k)), treated, *month_columns, *effect_columns])
    fit = evaluation.cluster_robust_ols(design, rows["y"], rows["agent_id"], rows["den"])
    first = 2 + len(month_columns)
    found = [fit.estimate(first + i, level) for i in range(len(effect_months))]
    frame = pd.DataFrame(
        {
            "k": effect_months,
            "estimate": [e.value for e in found],
            "lo": [e.lo for e in found],
            "hi": [e.hi for e in found],
        }
    )
    if -1 in months:
        reference = pd.DataFrame({"k": [-1], "estimate": [0.0], "lo": [0.0], "hi": [0.0]})
        frame = pd.concat([frame, reference], ignore_index=True)
    return frame.sort_values("k", ignore_index=True)


def _trends(
    rows: pd.DataFrame, treated: np.ndarray, controls: tuple[str, ...], relative: bool
) -> pd.DataFrame:
    """The treated and the control group's value per relative month (geometric means for
    durations): k, group, value, cases."""
    groups = np.where(treated, "treated", np.where(rows["team"].isin(controls), "control", ""))
    shown = rows.assign(group=groups)[groups != ""]
    pooled = _pooled(shown, ["group", "k"])
    if relative:
        pooled["value"] = np.exp(pooled["value"])
    return pooled.rename(columns={"den": "cases"})[["k", "group", "value", "cases"]]


def _before_after_test(
    rows: pd.DataFrame,
    k: KPI,
    values: pd.DataFrame | None,
    day: date,
    months: int,
    level: float,
) -> evaluation.Estimate:
    """The treated group's after − before without a control (on the estimate's scale before
    `_on_scale`): two-proportion z for a rate, Welch for a mean, for a duration the change
    of the mean log with Welch's interval and Mann–Whitney's p-value on the cases' values."""
    after = rows["k"] >= 0
    b, a = rows[~after][["num", "den", "sq"]].sum(), rows[after][["num", "den", "sq"]].sum()
    if k.kind == "rate":
        z = stats.two_proportion_z_test(a["num"], a["den"], b["num"], b["den"])
        se = math.sqrt(_rate_var(a) + _rate_var(b))
        interval = evaluation.Estimate.from_t(z.effect, se, math.inf, level)
        return _with_p(interval, z.p_value)
    mean_a, var_a = evaluation.moments_summary(a["num"], a["sq"], a["den"])
    mean_b, var_b = evaluation.moments_summary(b["num"], b["sq"], b["den"])
    _, dof, p_value = evaluation.welch_from_moments(
        a["den"], mean_a, var_a, b["den"], mean_b, var_b
    )
    se = math.sqrt(var_a / a["den"] + var_b / b["den"]) if a["den"] and b["den"] else math.nan
    interval = evaluation.Estimate.from_t(mean_a - mean_b, se, dof, level)
    if values is not None:
        month = relative_months(values["day"], day)
        inside = values["value"][(month >= -months) & (month < months)]
        later = month[(month >= -months) & (month < months)] >= 0
        p_value = stats.mann_whitney_u(inside[later], inside[~later]).p_value
    return _with_p(interval, p_value)


def _rate_var(sums: pd.Series) -> float:
    p = sums["num"] / sums["den"] if sums["den"] else math.nan
    return p * (1 - p) / sums["den"] if sums["den"] else math.nan


def _with_p(estimate: evaluation.Estimate, p_value: float) -> evaluation.Estimate:
    return evaluation.Estimate(
        estimate.value, estimate.se, estimate.lo, estimate.hi, p_value, estimate.dof
    )


def _method(k: KPI, controls: tuple[str, ...]) -> str:
    if controls:
        return DID
    if k.kind == "rate":
        return Z_TEST
    return MANN_WHITNEY if is_duration(k) else WELCH


def _estimate(
    rows: pd.DataFrame,
    change: Change,
    controls: tuple[str, ...],
    k: KPI,
    values: pd.DataFrame | None,
    day: date,
    months: int,
    level: float,
) -> evaluation.Estimate:
    """DiD against `controls`, or without them the treated group's before/after test."""
    treated = treated_mask(rows, change)
    if controls:
        used = treated | rows["team"].isin(controls).to_numpy()
        return _did(rows[used], treated[used], level)
    return _before_after_test(rows[treated], k, values, day, months, level)


def _pretrend(rows: pd.DataFrame, change: Change, controls: tuple[str, ...]) -> evaluation.Estimate:
    """The treated minus the control slope per month over the pre-period (NaN without a
    control)."""
    if not controls:
        return evaluation.Estimate.unavailable()
    pre = rows[(rows["k"] < 0) & (treated_mask(rows, change) | rows["team"].isin(controls))]
    treated = treated_mask(pre, change)
    return evaluation.trend_difference(pre["y"], treated, pre["k"], pre["agent_id"], pre["den"])


def _events(
    rows: pd.DataFrame, change: Change, controls: tuple[str, ...], relative: bool, level: float
) -> pd.DataFrame:
    if not controls:
        return pd.DataFrame(columns=["k", "estimate", "lo", "hi"])
    used = rows[treated_mask(rows, change) | rows["team"].isin(controls)]
    events = event_study(used, treated_mask(used, change), level)
    for column in ("estimate", "lo", "hi"):
        events[column] = [_on_scale(v, relative) for v in events[column]]
    return events


def _side_values(
    rows: pd.DataFrame, who: np.ndarray, relative: bool
) -> tuple[float, float, float, int]:
    """(value before, value after, cases, agents) of the rows `who` selects."""
    mine = rows[who]
    after = mine["k"] >= 0
    before_sums, after_sums = (
        mine[~after].sum(numeric_only=True),
        mine[after].sum(numeric_only=True),
    )
    return (
        _level_value(before_sums["num"], before_sums["den"], relative),
        _level_value(after_sums["num"], after_sums["den"], relative),
        float(mine["den"].sum()),
        int(mine["agent_id"].nunique()),
    )


def _caveats(
    k: KPI, sides: list[tuple[float, float, float, int]], pretrend_p: float, placebo_p: float,
    has_placebo: bool, alpha: float,
) -> tuple[str, ...]:  # fmt: skip
    found = []
    if pretrend_p < PRETREND_ALPHA:
        found.append(PRETRENDS_DIFFER)
    if any(agents < THIN_AGENTS or cases < k.min_sample for _, _, cases, agents in sides):
        found.append(THIN_SAMPLE)
    if not has_placebo:
        found.append(NO_PLACEBO)
    elif placebo_p < alpha:
        found.append(PLACEBO_EFFECT)
    return tuple(found)


def evaluate_kpi(
    ds: Dataset,
    filters: Filters,
    change: Change,
    k: KPI,
    months: int,
    repeat_days: int = 30,
    level: float = 0.95,
) -> Effect:
    """One KPI judged on the change (see the module docstring)."""
    first, last = shift_months(change.date, -months), shift_months(change.date, months)
    days = (first, last - timedelta(days=1))
    rows = agent_months(ds, filters, k, days, change.date, months, repeat_days)
    controls = choose_controls(rows, change)
    relative = is_duration(k)
    values = None
    treated_ids = sorted(set(rows.loc[treated_mask(rows, change), "agent_id"]))
    if relative and not controls and treated_ids:  # no agents would mean every agent
        values = case_values(ds, filters, k, treated_ids, first, last, repeat_days)
    main = _estimate(rows, change, controls, k, values, change.date, months, level)
    pretrend = _pretrend(rows, change, controls)
    placebo_months = months // 2
    placebo_day = shift_months(change.date, -placebo_months) if placebo_months else None
    placebo = evaluation.Estimate.unavailable()
    if placebo_day is not None:
        placebo_rows = agent_months(ds, filters, k, days, placebo_day, placebo_months, repeat_days)
        placebo = _estimate(
            placebo_rows, change, controls, k, values, placebo_day, placebo_months, level
        )
    treated = treated_mask(rows, change)
    sides = [_side_values(rows, treated, relative)]
    if controls:
        sides.append(_side_values(rows, rows["team"].isin(controls).to_numpy(), relative))
    control = sides[1] if controls else (math.nan, math.nan, 0.0, 0)
    return Effect(
        kpi=k.id,
        method=_method(k, controls),
        relative=relative,
        estimate=_on_scale(main.value, relative),
        lo=_on_scale(main.lo, relative),
        hi=_on_scale(main.hi, relative),
        p_value=main.p_value,
        treated_before=sides[0][0],
        treated_after=sides[0][1],
        control_before=control[0],
        control_after=control[1],
        treated_agents=sides[0][3],
        control_agents=control[3],
        treated_cases=sides[0][2],
        control_cases=control[2],
        excluded_cases=float(rows["nonpositive"].sum()),
        pretrend=pretrend.value,
        pretrend_p=pretrend.p_value,
        placebo_date=placebo_day,
        placebo_estimate=_on_scale(placebo.value, relative),
        placebo_lo=_on_scale(placebo.lo, relative),
        placebo_hi=_on_scale(placebo.hi, relative),
        placebo_p=placebo.p_value,
        control_teams=controls,
        caveats=_caveats(
            k, sides, pretrend.p_value, placebo.p_value, placebo_day is not None, 1 - level
        ),
        trends=_trends(rows, treated, controls, relative),
        events=_events(rows, change, controls, relative, level),
    )


def chosen_kpis(ds: Dataset, kpi_ids: tuple[str, ...]) -> tuple[tuple[KPI, ...], tuple[str, ...]]:
    """(the KPIs to judge, in the order asked, the ids asked for that cannot be judged
    here); no ids: every KPI `effect_kpis` offers. An id the registry does not know is an
    error naming it."""
    unknown = [i for i in kpi_ids if i not in KPIS_BY_ID]
    if unknown:
        raise ChangeError(f"unknown KPI {', '.join(unknown)} (--kpi takes registry ids)")
    offered = effect_kpis(ds)
    if not kpi_ids:
        return offered, ()
    ids = {k.id for k in offered}
    judged = tuple(KPIS_BY_ID[i] for i in dict.fromkeys(kpi_ids) if i in ids)
    return judged, tuple(i for i in kpi_ids if i not in ids)


def evaluate(
    ds: Dataset,
    filters: Filters,
    change: Change,
    kpi_ids: tuple[str, ...] = (),
    repeat_days: int = 30,
    level: float = 0.95,
) -> Evaluation:
    """The change judged by each KPI of `kpi_ids` (default: every KPI `effect_kpis` offers)."""
    kpis, skipped = chosen_kpis(ds, kpi_ids)
    months = change.months or default_months(ds, change.date)
    if months < 1:
        raise ChangeError(
            f"the data holds no full month both before and after {change.date} (--date)"
        )
    effects = tuple(evaluate_kpi(ds, filters, change, k, months, repeat_days, level) for k in kpis)
    first = shift_months(change.date, -months)
    last = shift_months(change.date, months) - timedelta(days=1)
    return Evaluation(change, months, first, last, level, effects, skipped)
