"""Objectives (目标管理): per objective its actual, attainment, the share of the period passed,
a forecast to the period's end with an interval and a status; per team the share of agents
on track; a department objective cascaded to teams or agents, and the consistency of the
children's targets with the department's (docs/METHODS.md, "Objectives").

An objective is a row: owner_type (department, team, agent), owner_id, kpi, period_start,
period_end, target, weight. Its actual is the KPI (`kpi_table`) over its owner and the period
up to the as-of day. Every KPI of the registry is a rate, a mean, a quantile or a volume per
working day — none adds up over people — so a cascaded target is the parent's target for
every child, and the children are weighed (evenly, by headcount or by past volume) only to
check that together they reach the parent's target.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

import numpy as np
import pandas as pd

from scoring.data.dataset import Dataset
from scoring.measures.metrics import Filters, kpi_table
from scoring.methods import attainment as method
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import Visible, for_statistics, shows_rows

TABLE = "objectives"
COLUMNS = ("owner_type", "owner_id", "kpi", "period_start", "period_end", "target", "weight")
LEVELS = {"department": (), "team": ("team",), "agent": ("agent_id",)}
CHILDREN = {"department": ("team", "agent"), "team": ("agent",)}
METHODS = ("even", "headcount", "volume")
RESULT_COLUMNS = (
    "id", "team", "agent_id", *COLUMNS, "actual", "cases", "attainment", "elapsed",
    "forecast", "forecast_low", "forecast_high", "status",
)  # fmt: skip


def objective_id(owner_type: str, owner_id: str, kpi: str, start: date, end: date) -> str:
    """An objective's identity: one objective per owner, KPI and period (the contract's
    `objectives.duplicate` rule keeps the first of a dataset's copies)."""
    return f"{owner_type}|{owner_id}|{kpi}|{start.isoformat()}|{end.isoformat()}"


@for_statistics
def dataset_objectives(ds: Dataset) -> pd.DataFrame:
    """The dataset's accepted objectives with their `id` (no table: none); weight NaN where
    the table has no weight column."""
    if not ds.has(TABLE):
        return pd.DataFrame(columns=["id", *COLUMNS])
    weight = "weight" if ds.has(TABLE, "weight") else "CAST(NULL AS DOUBLE) AS weight"
    frame = ds.query(
        "SELECT owner_type, owner_id, kpi, period_start, period_end, target, "
        f"{weight} FROM objectives ORDER BY period_start, owner_type, owner_id, kpi"
    )
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame.insert(0, "id", [objective_id(*key) for key in _keys(frame)])
    return frame


def _keys(frame: pd.DataFrame) -> Iterable[tuple]:
    return zip(*(frame[c] for c in COLUMNS[:5]), strict=True)


def teams_of(ds: Dataset) -> dict[str, str]:
    """Agent id → team, of every accepted agent."""
    rows = ds.query("SELECT agent_id, team FROM agents ORDER BY agent_id")
    return dict(zip(rows["agent_id"], rows["team"], strict=True))


def weekday_weights(ds: Dataset, starts: Iterable[date]) -> dict[date, list[float] | None]:
    """Per period start: the average tickets of each weekday (Monday first) over the data
    before it — how much of a period's volume each of its days brings (None without
    history). The tickets are counted per day once for every start (a scan per start cost
    0.06–0.08 s at 10M tickets, a year of monthly objectives 1 s)."""
    daily = ds.query(
        "SELECT CAST(created_at AS DATE) AS day, count(*) AS tickets FROM tickets "
        "WHERE created_at < $before GROUP BY ALL ORDER BY day",
        {"before": max(starts, default=date.min)},
    )
    days = pd.to_datetime(daily["day"]).dt.date.to_numpy()
    return {start: _weights_before(days, daily["tickets"].to_numpy(), start) for start in starts}


def _weights_before(days: np.ndarray, tickets: np.ndarray, before: date) -> list[float] | None:
    earlier = days < before
    if not earlier.any():
        return None
    first = days[earlier][0]
    calendar = [first + timedelta(days=i) for i in range((before - first).days)]
    seen = [sum(d.weekday() == w for d in calendar) for w in range(7)]
    per_weekday = [0] * 7
    for day, count in zip(days[earlier], tickets[earlier], strict=True):
        per_weekday[day.weekday()] += int(count)
    return [per_weekday[w] / seen[w] if seen[w] else 0.0 for w in range(7)]


# ---------------------------------------------------------------------------------------
# Attainment


# Where the KPI tables come from: (filter, grouping) → `metrics.kpi_table`'s table (the
# dashboard passes its cached one, so that a team change asks none again).
KpiTables = Callable[[Filters, tuple[str, ...]], pd.DataFrame]


class _Values:
    """The KPI tables the objectives need, each asked once: per period (up to the as-of
    day) and owner level."""

    def __init__(self, ds: Dataset, repeat_days: int, tables: KpiTables | None = None):
        self.ask = tables or (lambda filters, by: kpi_table(ds, filters, by, repeat_days))
        self._rows: dict[tuple, dict] = {}

    def row(self, owner_type: str, owner_id: str, start: date, end: date) -> Mapping | None:
        key = (owner_type, start, end)
        if key not in self._rows:
            table = self.ask(Filters(start=start, end=end), LEVELS[owner_type])
            self._rows[key] = _rows_by_owner(table, owner_type)
        return self._rows[key].get(None if owner_type == "department" else owner_id)


def _rows_by_owner(table: pd.DataFrame, owner_type: str) -> dict:
    """Each owner's row of a KPI table as a dict, by owner id (the department's: by None),
    made once per table: masking the table once per objective took 14 of 21 s for 1,535
    objectives at 10M tickets. An owner's first row, as a mask would find it."""
    if owner_type == "department":
        return {None: table.iloc[0].to_dict()} if len(table) else {}
    rows: dict = {}
    for owner, row in zip(table[by_column(owner_type)], table.to_dict("records"), strict=True):
        rows.setdefault(owner, row)
    return rows


def by_column(owner_type: str) -> str:
    return LEVELS[owner_type][0]


def _input(row: Mapping | None, name: str) -> float:
    value = None if row is None else row.get(name)
    return float("nan") if value is None or pd.isna(value) else float(value)


@for_statistics
def attainment_table(
    ds: Dataset,
    objectives: pd.DataFrame,
    as_of: date,
    pace: str = "seasonal",
    repeat_days: int = 30,
    tables: KpiTables | None = None,
) -> pd.DataFrame:
    """Per objective (any owners): `RESULT_COLUMNS` — the KPI's value over the owner from
    the period's start to the as-of day (`actual`, of `cases`), its attainment, the share of
    the period passed (`elapsed`: linear in days, or seasonal: of the volume the weekdays
    brought before), the forecast to the period's end with its 95 % interval and the status
    (`scoring.methods.attainment.STATUSES`). `team` and `agent_id` say whom a row is about
    (none for the department; an agent the dataset does not list: team "")."""
    if pace not in method.PACES:
        raise ValueError(f"pace must be one of {method.PACES}, got {pace!r}")
    values, teams = _Values(ds, repeat_days, tables), teams_of(ds)
    records = objectives.to_dict("records")
    starts = {objective["period_start"] for objective in records}
    weights = weekday_weights(ds, starts) if pace == "seasonal" else {}
    rows = []
    for objective in records:
        profile = weights.get(objective["period_start"])
        rows.append({**_owner(objective, teams), **_tracked(values, objective, as_of, profile)})
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))


def _owner(objective: Mapping, teams: Mapping[str, str]) -> dict:
    kind, owner = objective["owner_type"], objective["owner_id"]
    team = {"department": None, "team": owner}.get(kind, teams.get(owner, ""))
    return {**objective, "team": team, "agent_id": owner if kind == "agent" else None}


def _tracked(values: _Values, objective: Mapping, as_of: date, profile: list[float] | None) -> dict:
    k = KPIS_BY_ID[objective["kpi"]]
    start, end, target = objective["period_start"], objective["period_end"], objective["target"]
    nothing = {"actual": math.nan, "cases": 0, "attainment": math.nan, "forecast": math.nan,
               "forecast_low": math.nan, "forecast_high": math.nan}  # fmt: skip
    elapsed = method.elapsed_share(start, end, as_of, profile)
    if as_of < start:
        return {**nothing, "elapsed": elapsed, "status": "upcoming"}
    row = values.row(objective["owner_type"], objective["owner_id"], start, min(end, as_of))
    actual = _input(row, k.id)
    num, den, sq = (_input(row, f"{k.id}__{part}") for part in ("num", "den", "sq"))
    interval = method.forecast_interval(
        actual, *method.value_interval(k.kind, num, den, sq), 1.0 - elapsed
    )
    return {
        "actual": actual,
        "cases": _cases(k.kind, num, den),
        "attainment": method.attainment(actual, target, k.higher_is_better),
        "elapsed": elapsed,
        "forecast": actual,
        "forecast_low": interval[0],
        "forecast_high": interval[1],
        "status": method.status(actual, target, k.higher_is_better, interval, as_of >= end),
    }


def _cases(kind: str, num: float, den: float) -> int:
    """The cases a value is made of: a volume's tickets (its den is days), else its den."""
    count = num if kind == "per_day" else den
    return 0 if math.isnan(count) else int(count)


@shows_rows
def objective_rows(
    ds: Dataset,
    objectives: pd.DataFrame,
    as_of: date,
    visible: Visible,
    pace: str = "seasonal",
    repeat_days: int = 30,
    tables: KpiTables | None = None,
) -> pd.DataFrame:
    """`attainment_table` of the objectives this session may see (the department's are
    aggregates and shown to everyone on the page)."""
    return visible.keep(attainment_table(ds, _visible_objectives(ds, objectives, visible),
                                         as_of, pace, repeat_days, tables))  # fmt: skip


def _visible_objectives(ds: Dataset, objectives: pd.DataFrame, visible: Visible) -> pd.DataFrame:
    """The objectives whose owner the scope allows (before any KPI is computed)."""
    teams = teams_of(ds)
    owners = pd.DataFrame([_owner(o, teams) for o in objectives.to_dict("records")])
    if owners.empty:
        return objectives
    return objectives[visible.mask(owners)].reset_index(drop=True)


@shows_rows
def team_on_track(rows: pd.DataFrame, visible: Visible) -> pd.DataFrame:
    """Per team, of its agents with an objective that has data: how many reach every such
    objective (on track or attained) and the share."""
    agents = rows[(rows["owner_type"] == "agent") & ~rows["status"].isin(("upcoming", "no_data"))]
    reached = agents.assign(ok=agents["status"].isin(method.REACHED))
    per_agent = reached.groupby(["team", "agent_id"])["ok"].all().reset_index()
    table = per_agent.groupby("team")["ok"].agg(agents="count", on_track="sum").reset_index()
    table["share"] = table["on_track"] / table["agents"]
    return visible.keep(table)


# ---------------------------------------------------------------------------------------
# Cascade and consistency


def _past(start: date, end: date) -> Filters:
    """The period of the same length just before start … end."""
    return Filters(start=start, end=end).previous()


@for_statistics
def child_weights(
    ds: Dataset,
    children: pd.DataFrame,
    kpi: str,
    start: date,
    end: date,
    weigh: str,
    repeat_days: int = 30,
) -> pd.Series:
    """Per child (rows with owner_type and owner_id, of one type), its weight: 1 (even),
    its agents employed in the period (headcount; an agent: 1), or its cases of the KPI in
    the period of the same length just before (volume)."""
    if weigh not in METHODS:
        raise ValueError(f"weigh by one of {METHODS}, got {weigh!r}")
    ids = list(children["owner_id"])
    kind = children["owner_type"].iloc[0] if len(children) else "team"
    if weigh == "even" or (weigh == "headcount" and kind == "agent"):
        return pd.Series(1.0, index=ids)
    if weigh == "headcount":
        counts = _headcount(ds, start, end)
        return pd.Series([float(counts.get(i, 0)) for i in ids], index=ids)
    past = kpi_table(ds, _past(start, end), LEVELS[kind], repeat_days)
    column = f"{kpi}__{'num' if KPIS_BY_ID[kpi].kind == 'per_day' else 'den'}"
    if column not in past:  # the KPI is not in this dataset: no volume to weigh by
        return pd.Series(0.0, index=ids)
    cases = dict(zip(past[by_column(kind)], past[column].fillna(0), strict=True))
    return pd.Series([float(cases.get(i, 0.0)) for i in ids], index=ids)


def _headcount(ds: Dataset, start: date, end: date) -> dict[str, int]:
    conditions = ["true"]
    if ds.has("agents", "hire_date"):
        conditions.append("(hire_date IS NULL OR hire_date <= $end)")
    if ds.has("agents", "left_date"):
        conditions.append("(left_date IS NULL OR left_date >= $start)")
    rows = ds.query(
        f"SELECT team, count(*) AS agents FROM agents WHERE {' AND '.join(conditions)} "
        "GROUP BY team",
        {"start": start, "end": end} if len(conditions) > 1 else None,
    )
    return dict(zip(rows["team"], rows["agents"], strict=True))


@shows_rows
def cascade(
    ds: Dataset,
    parent: Mapping,
    to: str,
    weigh: str,
    existing: pd.DataFrame,
    visible: Visible,
    repeat_days: int = 30,
) -> pd.DataFrame:
    """The children (teams or agents this session may see) of a department or team
    objective, each with the parent's target — or the target of its own objective for the
    same KPI and period, which is kept (`kept`) — its weight in the consistency check
    (`share`, by `weigh`) and the parent's weight."""
    if to not in CHILDREN.get(parent["owner_type"], ()):
        raise ValueError(f"a {parent['owner_type']} objective cannot cascade to {to}s")
    teams = teams_of(ds)
    if to == "team":
        owners = sorted(set(teams.values()))
    else:
        owners = sorted(a for a, t in teams.items() if parent["owner_type"] == "department"
                        or t == parent["owner_id"])  # fmt: skip
    fields = {c: parent[c] for c in COLUMNS}
    children = pd.DataFrame(
        [_owner({**fields, "owner_type": to, "owner_id": o}, teams) for o in owners]
    )
    children = visible.keep(children) if len(children) else children
    if children.empty:
        return children
    own = {r["id"]: r["target"] for r in existing.to_dict("records")}
    ids = [objective_id(*key) for key in _keys(children)]
    children.insert(0, "id", ids)
    children["kept"] = [i in own for i in ids]
    children["target"] = [own.get(i, parent["target"]) for i in ids]
    weights = child_weights(ds, children, parent["kpi"], parent["period_start"],
                            parent["period_end"], weigh, repeat_days)  # fmt: skip
    total = weights.sum()
    children["share"] = (weights / total).to_numpy() if total > 0 else 0.0
    return children


def consistency_of(children: pd.DataFrame, parent: Mapping) -> tuple[bool, float]:
    """Whether the children's targets, weighted by `share`, reach the parent's target."""
    k = KPIS_BY_ID[parent["kpi"]]
    targets = dict(zip(children["owner_id"], children["target"], strict=True))
    shares = dict(zip(children["owner_id"], children["share"], strict=True))
    return method.consistent(targets, shares, parent["target"], k.higher_is_better)


@for_statistics
def consistency(ds: Dataset, objectives: pd.DataFrame, repeat_days: int = 30) -> pd.DataFrame:
    """Per department objective with team objectives of the same KPI and period: how many
    teams, the mean of their targets weighted by each team's past volume of the KPI, and
    whether it reaches the department's target (`consistent`)."""
    rows = []
    for parent in objectives[objectives["owner_type"] == "department"].to_dict("records"):
        same = (
            (objectives["owner_type"] == "team")
            & (objectives["kpi"] == parent["kpi"])
            & (objectives["period_start"] == parent["period_start"])
            & (objectives["period_end"] == parent["period_end"])
        )
        teams = objectives[same]
        if teams.empty:
            continue
        weights = child_weights(ds, teams, parent["kpi"], parent["period_start"],
                                parent["period_end"], "volume", repeat_days)  # fmt: skip
        shared = teams.assign(share=weights.to_numpy())
        ok, mean = consistency_of(shared, parent)
        rows.append({"id": parent["id"], "kpi": parent["kpi"], "target": parent["target"],
                     "teams": len(teams), "weighted_target": mean, "consistent": ok})  # fmt: skip
    return pd.DataFrame(
        rows, columns=["id", "kpi", "target", "teams", "weighted_target", "consistent"]
    )
