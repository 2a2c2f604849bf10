"""Diagnosis (问题诊断): what drags a score, where time is lost, which cells are weak.

For a scope — the department, one team or one agent — this module answers "why is this
number bad?" from the same data the scorecard uses:

- `kpi_gaps`: every KPI against its target and against peers (other teams for a team,
  the team's other agents for an agent), with the points of composite score each gap
  costs, made with the scorecard's own normalisation and effective weights.
- `stage_excess` / `bottleneck`: time in each workflow stage against peers; a stage is
  named only where it is meaningfully slower (`BOTTLENECK_RULE`).
- `breakdown`: a KPI by two dimensions (category × channel, weekday × hour, ...) with
  cells below a minimum count masked; `weakest_cell` compares a scope with its peers
  cell by cell (e.g. an agent's FCR per category against the department's).
- `repeat_chains` / `repeat_sources`: tickets of the same customer and category that
  followed each other within the repeat window, and whose resolutions they followed.
- `ticket_list`: the tickets behind a bar or cell, worst first.

Rows, scopes and joins come from the query builder (`scoring.measures.query`); values travel as
SQL parameters; names only via `ident`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.data.dataset import Dataset
from scoring.data.sql import ident
from scoring.engine.scorecard import Scorecard
from scoring.measures import chains
from scoring.measures.metrics import TICKET_DIMENSIONS, Filters, kpi_table, stage_durations
from scoring.measures.query import Query, where
from scoring.methods import normalise
from scoring.registry.contract import STAGE_INTERVALS
from scoring.registry.kpis import KPI
from scoring.scope import Visible, for_statistics, shows_rows

LEVELS = ("department", "team", "agent")
STAGE_IDS = tuple(stage for stage, _, _ in STAGE_INTERVALS)
# Two-way breakdowns offered, in order; each is kept only when the data has both columns.
BREAKDOWNS = (
    ("category", "channel"),
    ("product", "category"),
    ("priority", "category"),
    ("customer_segment", "category"),
    ("weekday", "hour"),
)
_DERIVED = {"weekday": "created_at", "hour": "created_at", "team": None}


@dataclass(frozen=True)
class Scope:
    """What is diagnosed: the department, a team or an agent (with the agent's team)."""

    level: str = "department"
    team: str | None = None
    agent: str | None = None

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r} (known: {', '.join(LEVELS)})")
        if self.level == "team" and not self.team:
            raise ValueError("a team scope needs a team")
        if self.level == "agent" and not self.agent:
            raise ValueError("an agent scope needs an agent")

    def filters(self, base: Filters) -> Filters:
        """The base filter narrowed to this scope (the department keeps the base teams)."""
        if self.level == "agent":
            return base.replace(teams=(), agents=(self.agent,))
        if self.level == "team":
            return base.replace(teams=(self.team,), agents=())
        return base.replace(agents=())


@shows_rows
def drill_table(
    ds: Dataset, filters: Filters, by: str, visible: Visible, repeat_days: int = 30
) -> pd.DataFrame:
    """KPIs per visible team or agent of the filter (agents labelled "name (id)", with
    their team), for drilling."""
    table = kpi_table(ds, filters, (by,), repeat_days)
    table = table[table["tickets"] > 0].copy()  # agents with only training/360 rows
    if by == "agent_id":
        names = Query(ds).roster().run(ds)
        table = table.merge(names, on="agent_id", how="left")
        table["label"] = agent_labels(table["name"], table["agent_id"])
    else:
        table["label"] = table[by]
    return visible.keep(table.sort_values(by))


def agent_labels(names: pd.Series, ids: pd.Series) -> pd.Series:
    """Agents as "name (id)", the id alone where the name is missing: how the pages name an
    agent beside its id."""
    return (names + " (" + ids + ")").where(names.notna() & (names != ""), ids)


@shows_rows
def agent_names(ds: Dataset, visible: Visible) -> pd.DataFrame:
    """The visible agents' names (agent_id, name, team), to show a name beside each id."""
    return Query(ds).roster(visible).run(ds)


def agent_team(ds: Dataset, agent_id: str) -> str | None:
    row = Query(ds, Filters(agents=(agent_id,))).roster().run(ds)
    return None if row.empty else str(row["team"].iloc[0])


# ---------------------------------------------------------------------------------------
# KPI gaps and the points they cost


def score_of_value(card: Scorecard, k: KPI, value: float, replace: int | None = None) -> float:
    """The 0–100 score `value` would get under the scorecard's normalisation.

    Target-based scores do not depend on the group; the group methods (percentile,
    min-max, z-score) place the value among the department's agents — in the row
    `replace` (that agent's own value swapped) or as one more member.
    """
    if value is None or not np.isfinite(value):
        return float("nan")
    floor, target, stretch = card.policy.target_of(k)
    if card.policy.method == "target":
        values = np.array([value], dtype=float)
        index = 0
    else:
        group = card.matrix.values(k, card.policy.use_shrunk).astype(float)
        if replace is None:
            values, index = np.append(group, value), len(group)
        else:
            values, index = group.copy(), replace
            values[index] = value
    scores = normalise.normalise(
        values,
        card.policy.method,
        k.higher_is_better,
        floor=floor,
        target=target,
        stretch=stretch,
    )
    return float(scores[index])


def _better_of(k: KPI, a: float, b: float) -> float:
    return max(a, b) if k.higher_is_better else min(a, b)


@for_statistics
def kpi_gaps(
    card: Scorecard,
    scope: Scope,
    values: dict[str, float],
    peers: dict[str, float],
    counts: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Each scored KPI of the scope: value, target, peer median, gaps, points they cost.

    `card` is the department scorecard (all agents, the scheme's weights); `values` the
    scope's KPI values (for an agent, use `agent_values` so its shrunk values are used);
    `peers` the peer medians (empty for the department). Points a gap costs = (score at
    the target or the peer median − score now) × the effective weight, never below zero:
    the composite points the scope would gain if the KPI reached that level. For a team
    or the department the weight is the mean effective weight of its agents (a team's
    score is its agents' mean composite).
    """
    frame = card.frame
    if scope.level == "agent":
        rows = np.flatnonzero(frame["agent_id"].to_numpy() == scope.agent)
    elif scope.level == "team":
        rows = np.flatnonzero(frame["team"].to_numpy() == scope.team)
    else:
        rows = np.arange(len(frame))
    graded = rows[~frame["insufficient_data"].to_numpy()[rows]] if len(rows) else rows
    weight_rows = graded if len(graded) else rows
    records = []
    for j, k in enumerate(card.matrix.kpis):
        weight = float(card.effective_weights[weight_rows, j].mean()) if len(weight_rows) else 0.0
        value = values.get(k.id, np.nan)
        peer = peers.get(k.id, np.nan)
        floor, target, _stretch = card.policy.target_of(k)
        replace = int(rows[0]) if scope.level == "agent" and len(rows) else None
        now = score_of_value(card, k, value, replace)
        at_target = score_of_value(card, k, _better_of(k, value, target), replace)
        at_peer = (
            score_of_value(card, k, _better_of(k, value, peer), replace)
            if np.isfinite(peer)
            else np.nan
        )
        sign = 1.0 if k.higher_is_better else -1.0
        records.append(
            {
                "kpi": k.id,
                "value": value,
                "target": target,
                "peer_median": peer,
                "meets_target": k.meets(value, target),
                "gap_to_target": sign * (value - target),
                "gap_to_peers": sign * (value - peer),
                "score": now,
                "effective_weight": weight,
                "points_to_target": _points(at_target, now, weight),
                "points_to_peers": _points(at_peer, now, weight),
                "cases": (counts or {}).get(k.id, np.nan),
            }
        )
    out = pd.DataFrame.from_records(records)
    out["points_to_target"] = out["points_to_target"].fillna(0.0)
    out["points_to_peers"] = out["points_to_peers"].fillna(0.0)
    return out.sort_values(["points_to_target", "points_to_peers"], ascending=False).reset_index(
        drop=True
    )


def _points(better: float, now: float, weight: float) -> float:
    """Composite points gained by moving from score `now` to `better` (0 when unknown)."""
    if not (np.isfinite(better) and np.isfinite(now)) or weight <= 0:
        return 0.0
    return max(0.0, (better - now) * weight)


def agent_values(card: Scorecard, agent_id: str) -> tuple[dict, dict]:
    """An agent's KPI values as scored (shrunk where the scorecard shrinks) and case counts."""
    i = int(np.flatnonzero(card.frame["agent_id"].to_numpy() == agent_id)[0])
    values, counts = {}, {}
    for k in card.matrix.kpis:
        values[k.id] = float(card.matrix.values(k, card.policy.use_shrunk)[i])
        den = card.matrix.frame.get(f"{k.id}__den")
        known = den is not None and pd.notna(den.iloc[i])  # no case at all: a missing count
        counts[k.id] = float(den.iloc[i]) if known else np.nan
    return values, counts


def agent_peer_medians(card: Scorecard, agent_id: str) -> dict[str, float]:
    """Median of the other measurable agents of the agent's team, per KPI (as scored)."""
    frame = card.frame
    i = int(np.flatnonzero(frame["agent_id"].to_numpy() == agent_id)[0])
    mates = (frame["team"].to_numpy() == frame["team"].iloc[i]) & (np.arange(len(frame)) != i)
    medians = {}
    for k in card.matrix.kpis:
        ok = mates & card.matrix.measurable(k)
        values = card.matrix.values(k, card.policy.use_shrunk)[ok]
        medians[k.id] = float(np.median(values)) if len(values) else float("nan")
    return medians


def _first_number(column: pd.Series) -> float:
    """The first value as a float; NaN when there is none or it is missing (a nullable
    count is NA for a group without a case in a short period)."""
    return float(column.iloc[0]) if len(column) and pd.notna(column.iloc[0]) else np.nan


def group_values(table: pd.DataFrame, key: str, value: str, kpis) -> tuple[dict, dict, dict]:
    """From a kpi_table by `key`: this group's values and counts, and the other groups' median."""
    mine = table[table[key] == value]
    others = table[table[key] != value]
    values = {k.id: _first_number(mine[k.id]) for k in kpis}
    counts = {
        k.id: _first_number(mine[f"{k.id}__den"]) if f"{k.id}__den" in mine else np.nan
        for k in kpis
    }
    peers = {
        k.id: float(others[k.id].median())
        if k.id in others and others[k.id].notna().any()
        else np.nan
        for k in kpis
    }
    return values, counts, peers


# ---------------------------------------------------------------------------------------
# Workflow bottlenecks


@dataclass(frozen=True)
class BottleneckRule:
    """When a stage is meaningfully slower than its peers (docs/METHODS.md, "Stage
    bottleneck"): its median at least `min_ratio` × the peers', at least `min_excess_hours`
    longer per ticket, measured on at least `min_tickets` tickets of the scope.

    The ratio keeps a long stage (resolution, a day) from winning on hours alone; the extra
    time keeps a short one (acceptance, minutes) from winning on a ratio of seconds; the
    ticket count keeps a median of a handful of tickets from being named.
    """

    min_ratio: float = 1.25
    min_excess_hours: float = 0.2  # 12 minutes per ticket
    min_tickets: int = 30


BOTTLENECK_RULE = BottleneckRule()


@for_statistics
def stage_excess(
    durations: pd.DataFrame, key: str, value: str, rule: BottleneckRule = BOTTLENECK_RULE
) -> pd.DataFrame:
    """Per stage: the scope's median hours, its peers' (median of the other groups' medians),
    the hours lost per ticket, the ratio and whether the stage stands out under `rule`.
    `durations` from metrics.stage_durations by key."""
    excess = excess_by_group(durations, key, rule)
    return excess[excess[key] == value].drop(columns=key).reset_index(drop=True)


@for_statistics
def excess_by_group(
    durations: pd.DataFrame, key: str, rule: BottleneckRule = BOTTLENECK_RULE
) -> pd.DataFrame:
    """`stage_excess` of every group of `durations` by `key` at once (its `key` column
    added): each group's peers are the other rows of the stage, a group without a `key`
    among them. One pass per stage instead of a frame per group (100 teams: 0.3 s)."""
    rows = durations[durations["stage"].isin(STAGE_IDS)]
    hours = rows["median_hours"].to_numpy(float)
    peers = np.full(len(rows), np.nan)
    for at in rows.groupby("stage", sort=False).indices.values():
        peers[at] = [_median_of_known(np.delete(hours[at], i)) for i in range(len(at))]
    out = pd.DataFrame(
        {
            key: rows[key].to_numpy(),
            "stage": rows["stage"].to_numpy(),
            "hours": hours,
            "peer_hours": peers,
            "tickets": rows["tickets"].to_numpy(int),
        }
    )
    out["excess_hours"] = out["hours"] - out["peer_hours"]
    out["ratio"] = out["hours"] / out["peer_hours"].where(out["peer_hours"] > 0)
    out["stands_out"] = stands_out(out, rule)
    order = out["stage"].map({s: i for i, s in enumerate(STAGE_IDS)})
    return out.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def _median_of_known(values: np.ndarray) -> float:
    """The median of the values that are not NaN (NaN without one), as pandas takes it."""
    known = values[~np.isnan(values)]
    return float(np.median(known)) if len(known) else float("nan")


def stands_out(excess: pd.DataFrame, rule: BottleneckRule = BOTTLENECK_RULE) -> pd.Series:
    """Per stage row: slower than the peers by the rule's ratio and hours, on enough tickets
    (False where the peers are unknown)."""
    return (
        (
            (excess["ratio"] >= rule.min_ratio)
            & (excess["excess_hours"] >= rule.min_excess_hours)
            & (excess["tickets"] >= rule.min_tickets)
        )
        .fillna(False)
        .astype(bool)
    )


def bottleneck(excess: pd.DataFrame, rule: BottleneckRule = BOTTLENECK_RULE) -> dict | None:
    """Of the stages that stand out under `rule`, the one slowest relative to its peers
    (largest ratio); None when no stage stands out."""
    slower = excess[stands_out(excess, rule)]
    if slower.empty:
        return None
    return slower.loc[slower["ratio"].idxmax()].to_dict()


@shows_rows
def team_bottlenecks(ds: Dataset, filters: Filters, visible: Visible) -> pd.DataFrame:
    """For each visible team with a stage that stands out against every other team of the
    population, that stage (its slowest relative to its peers); the team slowest relative
    to its peers first."""
    durations = stage_durations(ds, filters.population(), ("team",))
    excess = excess_by_group(durations, "team")
    shown = excess["team"].map(lambda t: pd.notna(t) and visible.allows_team(t)).astype(bool)
    slower = excess[excess["stands_out"] & shown]
    # each team's largest ratio, the first stage among equals (as idxmax takes it)
    worst = slower.sort_values("ratio", ascending=False, kind="stable").drop_duplicates("team")
    columns = ["team", "stage", "hours", "peer_hours", "tickets", "excess_hours", "ratio"]
    out = worst.sort_values("team")[columns]
    return out.sort_values("ratio", ascending=False).reset_index(drop=True)


def stage_filters(base: Filters, scope: Scope) -> Filters:
    """What of `base` a scope's stage excess reads (`scope_stages`): for a team or an agent
    its population (every team: the peers), for the department the filter's teams. A team
    picked in the sidebar leaves a team's or agent's stage excess as it was."""
    return base.population() if scope.level in ("team", "agent") else base.replace(agents=())


@for_statistics
def scope_stages(ds: Dataset, base: Filters, scope: Scope) -> pd.DataFrame:
    """Stage excess of a team (peers: the other teams) or an agent (peers: team-mates)."""
    base = stage_filters(base, scope)
    if scope.level == "agent":
        team = agent_team(ds, scope.agent)
        durations = stage_durations(ds, base.replace(teams=(team,)), ("agent_id",))
        return stage_excess(durations, "agent_id", scope.agent)
    if scope.level == "team":
        durations = stage_durations(ds, base, ("team",))
        return stage_excess(durations, "team", scope.team)
    overall = stage_durations(ds, base, ())
    out = overall.rename(columns={"median_hours": "hours"})[["stage", "hours", "tickets"]]
    out["peer_hours"] = np.nan
    out["excess_hours"] = np.nan
    out["ratio"] = np.nan
    out["stands_out"] = False
    order = {s: i for i, s in enumerate(STAGE_IDS)}
    return out.sort_values("stage", key=lambda s: s.map(order)).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Breakdowns


def available_breakdowns(ds: Dataset) -> list[tuple[str, str]]:
    def present(column: str) -> bool:
        return column in _DERIVED or ds.has("tickets", column)

    return [pair for pair in BREAKDOWNS if all(present(c) for c in pair)]


@for_statistics
def breakdown(
    ds: Dataset,
    filters: Filters,
    k: KPI,
    by: tuple[str, ...],
    min_cell: int,
    repeat_days: int = 30,
) -> pd.DataFrame:
    """The KPI per cell of `by` (one or two dimensions): value, cases, tickets, `enough`.

    A cell with fewer than `min_cell` cases (the KPI's denominator; tickets for a quantile)
    keeps its count but its value is NaN and `enough` is False: greyed out, not coloured.
    """
    for column in by:
        if column not in TICKET_DIMENSIONS:
            raise ValueError(f"cannot break down by {column}")
    return breakdown_cells(kpi_table(ds, filters, by, repeat_days), k, by, min_cell)


@for_statistics
def breakdown_cells(
    table: pd.DataFrame, k: KPI, by: tuple[str, ...], min_cell: int
) -> pd.DataFrame:
    """`breakdown` from the filter's KPI table by `by` (`metrics.kpi_table`; the dashboard
    passes its cached one, which serves every KPI and minimum)."""
    if table.empty or k.id not in table:
        return pd.DataFrame(columns=[*by, "value", "cases", "tickets", "enough", "raw_value"])
    den = table.get(f"{k.id}__den", table["tickets"]).fillna(0)
    out = table[list(by)].copy()
    out["cases"] = den.astype("int64")
    out["tickets"] = table["tickets"].astype("int64")
    out["enough"] = out["cases"] >= min_cell
    out["value"] = table[k.id].where(out["enough"])
    out["raw_value"] = table[k.id]
    return out.sort_values(list(by)).reset_index(drop=True)


@for_statistics
def weakest_cell(
    ds: Dataset,
    scope_filters: Filters,
    peer_filters: Filters,
    k: KPI,
    dimension: str,
    min_cell: int,
    repeat_days: int = 30,
) -> pd.DataFrame:
    """The scope's KPI per value of `dimension` against its peers' in the same value.

    Comparing within each value keeps base rates (repair is harder than consultation) from
    masking a gap. `gap` is oriented: negative = worse than peers. Rows worst first; cells
    below `min_cell` cases in the scope are left out.
    """
    mine = breakdown(ds, scope_filters, k, (dimension,), min_cell, repeat_days)
    peers = breakdown(ds, peer_filters, k, (dimension,), 1, repeat_days)
    return weakest_of(mine, peers, k, dimension)


@for_statistics
def weakest_of(mine: pd.DataFrame, peers: pd.DataFrame, k: KPI, dimension: str) -> pd.DataFrame:
    """`weakest_cell` from the scope's and the peers' breakdowns by `dimension` (the peers'
    with a minimum of 1)."""
    if mine.empty:  # an empty frame's "enough" is not boolean: it would select columns
        return mine.assign(peer_value=np.nan, gap=np.nan)
    merged = mine[mine["enough"]].merge(
        peers[[dimension, "raw_value"]].rename(columns={"raw_value": "peer_value"}),
        on=dimension,
        how="left",
    )
    sign = 1.0 if k.higher_is_better else -1.0
    merged["gap"] = sign * (merged["value"] - merged["peer_value"])
    return merged.sort_values("gap").reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Repeat issues


def _scope_clause(scope: Scope, q: Query, alias: str = "") -> str:
    if scope.level == "agent":
        return f"{alias}agent_id = {q.param('scope_agent', scope.agent)}"
    if scope.level == "team":
        return f"{alias}team = {q.param('scope_team', scope.team)}"
    return "true"


@shows_rows
def repeat_chains(
    ds: Dataset,
    base: Filters,
    scope: Scope,
    visible: Visible,
    repeat_days: int = 30,
    limit: int = 50,
) -> pd.DataFrame:
    """Chains of ≥ 2 tickets of one customer and category, each opened within the repeat
    window after the previous one was resolved, that touch the scope; longest first.

    Chains are found over the population (a customer's chain may cross teams) and shown
    within `visible`: a step handled outside it is an anonymous step, its position, timing
    and category kept, its ticket, agent and team null (`visible_step` false).

    One row per ticket: chain (customer · category · number: the chain's place among the
    period's chains of that customer and category, first 1), its three parts as
    customer_id, category and chain_no, length, position, ticket, agent, team, created and
    resolved time.
    """
    population = base.population()
    if chains.answers(ds, population, repeat_days):
        q = _steps_from_repeats(ds, population, scope, visible, repeat_days, limit)
    else:
        q = _steps_from_tickets(ds, population, scope, visible, repeat_days, limit)
    shown = q.visible(visible, "s.")
    sql = f"""
    SELECT s.customer_id || ' · ' || s.category || ' · ' || s.number AS chain,
        s.customer_id, s.category, s.number AS chain_no, s.length,
        row_number() OVER (PARTITION BY s.customer_id, s.category, s.number
            ORDER BY s.created_at, s.ticket_id) AS position,
        CASE WHEN {shown} THEN s.ticket_id END AS ticket_id,
        CASE WHEN {shown} THEN s.agent_id END AS agent_id,
        CASE WHEN {shown} THEN s.team END AS team,
        s.created_at, s.resolved_at, s.is_repeat, {shown} AS visible_step
    FROM steps s
    ORDER BY s.length DESC, s.last_at DESC, chain, position"""
    return q.select(sql).run(ds)


def _steps_from_tickets(
    ds: Dataset, population: Filters, scope: Scope, visible: Visible, repeat_days: int, limit: int
) -> Query:
    """CTE `steps` of `repeat_chains` from a window over the period's tickets: each ticket of
    the `limit` longest chains that touch the scope and `visible`, with the chain's `number`
    (its place among the customer and category's chains of ≥ 2), length and last time."""
    q = chains.chained(ds, population, repeat_days)
    touches = f"({_scope_clause(scope, q)}) AND ({q.visible(visible)})"
    q.define(
        "pieces",
        f"""
        SELECT customer_id, category, chain_no, count(*) AS length, max(created_at) AS last_at,
            bool_or({touches}) AS touching,
            row_number() OVER (PARTITION BY customer_id, category ORDER BY chain_no) AS number
        FROM numbered GROUP BY customer_id, category, chain_no HAVING count(*) >= 2""",
    )
    q.define("chains", f"SELECT * FROM pieces WHERE touching {chains.longest_first(q, limit)}")
    q.define(
        "steps",
        """
        SELECT c.number, c.length, c.last_at, n.customer_id, n.category, n.ticket_id,
            n.agent_id, n.team, n.created_at, n.resolved_at, n.is_repeat
        FROM numbered n JOIN chains c USING (customer_id, category, chain_no)""",
    )
    return q


def _steps_from_repeats(
    ds: Dataset, population: Filters, scope: Scope, visible: Visible, repeat_days: int, limit: int
) -> Query:
    """CTE `steps` of `repeat_chains` from the table of repeats (`chains.answers` holds), no
    ticket read: a chain of the period is its repeats and the ticket before the first (its
    length their count + 1); its number counts the chains of its customer and category in
    the period, as the window does. Agents' teams are joined to the listed steps alone."""
    q = Query(ds, population, repeat_days)
    key = "customer_id, category, chain_no"
    if scope.level == "department" and visible.is_everything:  # every chain touches it
        q.define("chains", f"SELECT * FROM {chains.longest_pieces(q, limit)}")
        _customer_repeats(q, "chains")
    else:
        _touching_chains(q, scope, visible, limit)
    q.define(
        "numbers",
        f"""
        SELECT {key}, row_number() OVER (PARTITION BY customer_id, category ORDER BY chain_no)
            AS number
        FROM (SELECT DISTINCT {key} FROM customer_repeats)""",
    )
    q.define("chain_repeats", f"SELECT r.* FROM customer_repeats r JOIN chains USING ({key})")
    q.define(
        "firsts",
        """
        SELECT * FROM chain_repeats QUALIFY row_number() OVER (
            PARTITION BY customer_id, category, chain_no ORDER BY created_at, ticket_id) = 1""",
    )
    q.define(
        "chain_steps",
        f"""
        SELECT {key}, ticket_id, agent_id, created_at, resolved_at, true AS is_repeat
        FROM chain_repeats
        UNION ALL
        SELECT {key}, previous_ticket, previous_agent, previous_created_at, previous_resolved,
            false FROM firsts""",
    )
    q.define(
        "steps",
        f"""
        SELECT n.number, c.length, c.last_at, s.customer_id, s.category, s.ticket_id,
            s.agent_id, a.team, s.created_at, s.resolved_at, s.is_repeat
        FROM chain_steps s JOIN chains c USING ({key}) JOIN numbers n USING ({key})
        JOIN agents a USING (agent_id)""",
    )
    return q


def _customer_repeats(q: Query, keys: str) -> None:
    """CTE `customer_repeats`: the period's repeats of the customers and categories of the
    relation `keys` — every chain of theirs in the period, to number them — kept."""
    q.define(
        "customer_repeats",
        f"SELECT r.* FROM {chains.period_repeats(q)} r "
        f"JOIN (SELECT DISTINCT customer_id, category FROM {keys}) USING (customer_id, category)",
        materialized=True,
    )


def _touching_chains(q: Query, scope: Scope, visible: Visible, limit: int) -> None:
    """CTEs `customer_repeats` and `chains`: the `limit` longest chains of the period
    (`chains.longest_first`) with a repeat, or the ticket before one, handled by an agent
    of the scope and `visible`, measured on the repeats of their customers and categories
    (the period's repeats are read twice: for the touched chains and for those)."""
    repeats = chains.period_repeats(q)
    q.define(
        "touching_agents",
        f"SELECT agent_id FROM agents a WHERE ({_scope_clause(scope, q, 'a.')}) "
        f"AND ({q.visible(visible, 'a.')})",
    )
    key = "customer_id, category, chain_no"
    q.define(
        "touched",
        f"""
        SELECT DISTINCT {key} FROM {repeats}
        WHERE agent_id IN (SELECT agent_id FROM touching_agents)
            OR previous_agent IN (SELECT agent_id FROM touching_agents)""",
    )
    _customer_repeats(q, "touched")
    q.define(
        "chains",
        f"""
        SELECT {key}, count(*) + 1 AS length, max(created_at) AS last_at
        FROM customer_repeats JOIN touched USING ({key}) GROUP BY ALL
        {chains.longest_first(q, limit)}""",
    )


@shows_rows
def repeat_sources(
    ds: Dataset, base: Filters, scope: Scope, visible: Visible, repeat_days: int = 30
) -> pd.DataFrame:
    """Per visible agent of the scope: resolutions, repeats that followed them (whoever
    handled the repeat), the agent's share of the listed agents' repeats and the repeat
    rate (repeats ÷ resolutions); most repeats first.
    """
    population = base.population()
    if chains.answers(ds, population, repeat_days):
        out = _sources_from_repeats(ds, population, scope, visible, repeat_days)
    else:
        q = chains.chained(ds, population, repeat_days)
        where = f"({_scope_clause(scope, q, 'r.')}) AND ({q.visible(visible, 'r.')})"
        sql = f"""
        SELECT r.agent_id, r.team, count(r.resolved_at) AS resolutions,
            count(m.ticket_id) AS repeats_after
        FROM numbered r
        LEFT JOIN marked m ON m.is_repeat AND m.previous_ticket = r.ticket_id
        WHERE r.resolved_at IS NOT NULL AND {where}
        GROUP BY ALL"""
        out = q.select(sql).run(ds)
    total = out["repeats_after"].sum()
    out["share_of_repeats"] = out["repeats_after"] / total if total else 0.0
    out["repeat_share_of_resolutions"] = out["repeats_after"] / out["resolutions"].where(
        out["resolutions"] > 0
    )
    return out.sort_values(["repeats_after", "agent_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def _sources_from_repeats(
    ds: Dataset, population: Filters, scope: Scope, visible: Visible, repeat_days: int
) -> pd.DataFrame:
    """`repeat_sources`' counts per visible agent of the scope, the repeats from the table
    of repeats (`chains.answers` holds): each repeat of the period counts for the agent of
    the ticket before it. The resolutions are counted per agent before the agents' teams
    are joined (joining the year's 5M tickets first took 0.42 s instead of 0.13 s)."""
    q = Query(ds, scope.filters(population), repeat_days)
    repeats = chains.period_repeats(q)
    resolved = where(
        *q.ticket_conditions(), "t.customer_id IS NOT NULL", "t.resolved_at IS NOT NULL"
    )
    shown = f"({_scope_clause(scope, q, 'a.')}) AND ({q.visible(visible, 'a.')})"
    sql = f"""
    SELECT a.agent_id, a.team, r.resolutions, coalesce(p.repeats_after, 0) AS repeats_after
    FROM (SELECT agent_id, count(*) AS resolutions FROM tickets t {resolved} GROUP BY 1) r
    JOIN {q.agents()} a USING (agent_id)
    LEFT JOIN (SELECT previous_agent AS agent_id, count(*) AS repeats_after FROM {repeats}
        GROUP BY 1) p USING (agent_id)
    WHERE {shown}"""
    return q.select(sql).run(ds)


# ---------------------------------------------------------------------------------------
# Tickets behind a number

TICKET_COLUMNS = (
    "ticket_id",
    "agent_id",
    "team",
    "created_at",
    "channel",
    "category",
    "csat",
    "first_response_minutes",
    "resolution_hours",
    "contacts",
    "comment",
)


@shows_rows
def ticket_list(
    ds: Dataset,
    filters: Filters,
    visible: Visible,
    cell: dict[str, str] | None = None,
    limit: int | None = None,
    repeat_days: int = 30,
) -> pd.DataFrame:
    """The visible tickets in the filter and the cell (dimension → value), worst first: lowest CSAT,
    then longest first response; tickets without a survey after those with one.

    Every matching ticket is returned unless `limit` is given (the count equals the bar or
    cell it came from). Survey score and comment are joined when present.
    """
    q = Query(ds, filters, repeat_days)
    clauses = []
    for i, (column, value) in enumerate(sorted((cell or {}).items())):
        if column not in TICKET_DIMENSIONS:
            raise ValueError(f"cannot select tickets by {column}")
        clauses.append(f"CAST(r.{ident(column)} AS VARCHAR) = {q.param(f'cell{i}', str(value))}")
    clauses.append(q.visible(visible, "r."))
    where = " AND ".join(clauses)
    survey_cols = ["csat"] + (["comment"] if ds.has("surveys", "comment") else [])
    rows = q.surveyed_tickets(survey_cols)
    extra = []
    for column in ("contacts", "priority", "product", "customer_id"):
        if ds.has("tickets", column):
            extra.append(f"r.{ident(column)}")
    resolution = (
        "date_diff('second', r.created_at, r.resolved_at) / 3600.0"
        if ds.has("tickets", "resolved_at")
        else "CAST(NULL AS DOUBLE)"
    )
    frt = "r.frt_minutes" if ds.has("tickets", "first_response_at") else "CAST(NULL AS DOUBLE)"
    comment = "r.comment" if "comment" in survey_cols else "CAST(NULL AS VARCHAR)"
    limit_sql = f"LIMIT {q.param('limit', int(limit))}" if limit is not None else ""
    sql = f"""
    SELECT r.ticket_id, r.agent_id, r.team, r.created_at, r.channel, r.category,
        r.csat, {frt} AS first_response_minutes, {resolution} AS resolution_hours,
        {comment} AS comment{"".join(", " + e for e in extra)}
    FROM {rows} r
    WHERE {where}
    ORDER BY r.csat ASC NULLS LAST, first_response_minutes DESC NULLS LAST, r.ticket_id
    {limit_sql}"""
    return q.select(sql).run(ds)
