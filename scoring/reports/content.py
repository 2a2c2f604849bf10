"""What a report says, as codes and values: the agent report (个人绩效报告) and the department
report (月度报告). No words here: `scoring.reports.render` words them from the report catalog
(`scoring.reports.texts`) in either language.

Both are gathered for one period and one visible scope (`Visible`): the statistics they
quote — priors, department ranks and grades, team medians, the bonus pool's shares, peer
references of the skill matrix, stage peers — are computed over the population
(`Filters.population()`), exactly as the Scorecard, Diagnostics and Capability pages compute
them, and enter a report only as the figures of the people and teams the scope allows. Every
frame a report holds is checked against the scope (`scope.check_frame`): a report cannot hold
a row outside the grant it was made for.

The agent report's "feedback and agreed actions" section is a seam: `FeedbackSource` is
what a store of feedback talks provides (appraisal periods, issue 19); without one the section
is left out (the report says nothing it does not have).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from scoring.analyses import capability, diagnostics
from scoring.analyses import objectives as objective_analysis
from scoring.data.dataset import Dataset
from scoring.engine import scorecard
from scoring.engine.policy import Policy
from scoring.engine.schemes import Scheme
from scoring.engine.scorecard import Scorecard, Standing
from scoring.measures.metrics import Filters, data_range, kpi_table
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import Visible, check_frame, shows_rows
from scoring.stores import actions as action_store
from scoring.stores import objectives as objective_store

# How many lines a list of the report holds at most (a printed page, not a table to scroll).
STRENGTHS = 3
GAPS = 3
TRAINING_NEEDS = 5
MOVERS = 5
OPEN_STATUSES = ("planned", "in_progress")
TREND_KPIS = 4  # KPIs with a trend chart: the most heavily weighted the data measures
TREND_MONTHS = 6  # months a trend shows, up to the period's end


@dataclass(frozen=True)
class Source:
    """What a report is made from: the dataset, the period (and ticket filters: teams and
    agents are the visible scope's business), the scoring policy in use and its scheme's
    name, and the folder of what users saved on the dataset (improvement actions, objective
    edits; None: nothing saved is read)."""

    ds: Dataset
    filters: Filters
    policy: Policy
    scheme: Scheme
    state_dir: Path | None = None
    repeat_days: int = 30

    @property
    def population(self) -> Filters:
        return self.filters.population()


@dataclass(frozen=True)
class FeedbackNote:
    """One feedback talk with an agent and what was agreed (the seam for issue 19)."""

    held_on: date
    by: str
    summary: str
    agreed_actions: tuple[str, ...] = ()


class FeedbackSource(Protocol):
    """A store of feedback talks: the notes about one agent within a period."""

    def notes_for(
        self, agent_id: str, start: date | None, end: date | None
    ) -> Sequence[FeedbackNote]: ...  # pragma: no cover


@dataclass(frozen=True)
class AgentReport:
    agent_id: str
    name: str
    team: str
    start: date | None
    end: date | None
    scheme: Scheme
    method: str  # the policy's normalisation ("target", ...)
    standing: Standing
    min_tickets: int  # the policy's gates of "insufficient data"
    min_coverage: float
    dept_rank: int | None
    team_rank: int | None
    graded_in_department: int  # agents graded over the population
    graded_in_team: int
    team_composite: float  # the team's mean composite (department ranks' team figure)
    # per KPI (`scorecard.EXPLAIN_COLUMNS` plus agent_id, team, team_median, meets_target)
    kpis: pd.DataFrame
    strengths: pd.DataFrame  # kpi, value, target, team_median, normalised, cases
    gaps: pd.DataFrame  # kpi, value, target, team_median, points_to_target, cases
    training: pd.DataFrame  # the agent's training needs (`capability.NEEDS_COLUMNS`)
    trend: pd.DataFrame  # agent_id, team, month and the trend KPIs' monthly values
    trend_kpis: tuple[str, ...]
    targets: dict[str, float]  # the target in use per KPI
    actions: tuple[action_store.Action, ...]  # the agent's and their team's (agent None)
    payout: float | None  # the agent's share of the policy's pool (None: not graded)
    pool: float
    rule: str
    feedback: tuple[FeedbackNote, ...] | None = None  # None: no store of feedback talks


@dataclass(frozen=True)
class DepartmentReport:
    teams: tuple[str, ...] | None  # the visible teams (None: the whole department)
    start: date | None
    end: date | None
    scheme: Scheme
    tickets: int
    overview: pd.DataFrame  # kpi, value, previous, target, meets_target (of the scope)
    trend: pd.DataFrame  # month and the trend KPIs' monthly values (of the scope)
    trend_kpis: tuple[str, ...]
    targets: dict[str, float]
    team_ranking: pd.DataFrame  # team_summary: team, agents, graded, composite, rank, tickets
    grades: pd.DataFrame  # grade, agents (the scope's agents)
    movers: pd.DataFrame  # agent_id, name, team, composite, previous, change (up, then down)
    bottlenecks: pd.DataFrame  # diagnostics.team_bottlenecks
    actions: tuple[action_store.Action, ...]  # open improvement actions of the scope
    training: pd.DataFrame  # capability.team_needs: group training the scope's agents share
    objectives: pd.DataFrame | None  # objective rows of the period (None: the data sets none)


def _check(report, visible: Visible) -> None:
    """Every frame of the report against the scope (ScopeLeak past it)."""
    for f in fields(report):
        value = getattr(report, f.name)
        if isinstance(value, pd.DataFrame):
            check_frame(value, visible, f"{type(report).__name__}.{f.name}")
    for action in getattr(report, "actions", ()):
        if not visible.allows_person(action.team, action.agent_id):
            raise PermissionError(f"action {action.id} is outside {visible}")


def population_card(source: Source) -> Scorecard:
    """The scorecard of the population under the source's policy (the Scorecard page's)."""
    matrix = scorecard.build_matrix(source.ds, source.population, source.repeat_days)
    return scorecard.score(matrix, source.policy)


def trend_kpis(card: Scorecard) -> tuple[str, ...]:
    """The most heavily weighted KPIs some agent is measured on (the trend charts')."""
    weights = scorecard.normalised_weights(card.policy, card.matrix.kpis)
    measured = ~np.isnan(card.normalised).all(axis=0) if card.normalised.size else []
    ranked = sorted(
        ((-w, j) for j, (w, m) in enumerate(zip(weights, measured, strict=True)) if w > 0 and m)
    )
    return tuple(card.matrix.kpis[j].id for _, j in ranked[:TREND_KPIS])


def _targets(card: Scorecard) -> dict[str, float]:
    return {k.id: card.policy.target_of(k)[1] for k in card.matrix.kpis}


def trend_window(source: Source) -> tuple[date | None, date | None]:
    """The TREND_MONTHS whole months up to the period's end (the data's last day where the
    period is open), the first of them from its first day."""
    end = source.filters.end or data_range(source.ds)[1]
    if end is None:
        return None, None
    first = pd.Timestamp(end).to_period("M") - (TREND_MONTHS - 1)
    return first.start_time.date(), end


def _monthly(source: Source, filters: Filters, kpi_ids: tuple[str, ...]) -> pd.DataFrame:
    """Month by month over the trend window: the KPIs' values of `filters`' scope."""
    start, end = trend_window(source)
    table = kpi_table(
        source.ds, filters.replace(start=start, end=end), ("month",), source.repeat_days
    )
    columns = ["month", *[k for k in kpi_ids if k in table]]
    return table[columns].sort_values("month").reset_index(drop=True)


def _actions(source: Source, visible: Visible) -> list[action_store.Action]:
    if source.state_dir is None:
        return []
    path = Path(source.state_dir) / action_store.FILE_NAME
    if not path.exists():
        return []
    return action_store.ActionStore(path).list(visible)


def _training_needs(source: Source, visible: Visible) -> pd.DataFrame:
    """The visible agents' training needs, judged on the first skill KPI the data measures
    (the Capability page's default)."""
    kpis = capability.skill_kpis(source.ds)
    if not kpis:
        return pd.DataFrame(columns=capability.NEEDS_COLUMNS)
    matrix = capability.skill_matrix(source.ds, source.population, kpis[0].id, source.repeat_days)
    months = capability.months_in(source.ds, source.filters)
    return capability.training_needs(matrix, capability.courses(source.ds), months, visible)


def _rank(value) -> int | None:
    return None if pd.isna(value) else int(value)


@shows_rows
def agent_report(
    source: Source,
    agent_id: str,
    visible: Visible,
    feedback: FeedbackSource | None = None,
) -> AgentReport:
    """One agent's report for the source's period. PermissionError when `visible` does not
    allow the agent; KeyError for an agent the dataset does not list."""
    team = diagnostics.agent_team(source.ds, agent_id)
    if team is None:
        raise KeyError(f"unknown agent '{agent_id}'")
    if not visible.allows_agent(agent_id, team):
        raise PermissionError(f"agent '{agent_id}' is outside {visible}")
    card = population_card(source)
    frame, _ = scorecard.with_payouts(card)  # the one pool shared over the population
    i = int(np.flatnonzero(frame["agent_id"].to_numpy() == agent_id)[0])
    row = frame.iloc[i]
    mates = frame[frame["team"] == team]
    teams = scorecard.team_summary(card).set_index("team")
    me = Visible(teams=(team,), agents=(agent_id,))

    explained = scorecard.explain(card, agent_id)
    peers = diagnostics.agent_peer_medians(card, agent_id)
    values, counts = diagnostics.agent_values(card, agent_id)
    kpis = explained.assign(
        agent_id=agent_id,
        team=team,
        team_median=explained["kpi"].map(peers),
        meets_target=[
            _meets(card, kpi_id, value)
            for kpi_id, value in zip(explained["kpi"], explained["scored"], strict=True)
        ],
    )
    scope = diagnostics.Scope("agent", team=team, agent=agent_id)
    gaps_all = diagnostics.kpi_gaps(card, scope, values, peers, counts)
    counted = set(explained.loc[explained["note"] == "", "kpi"])
    gaps = gaps_all[gaps_all["kpi"].isin(counted) & (gaps_all["points_to_target"] > 0)]
    strengths = kpis[kpis["kpi"].isin(counted) & kpis["meets_target"]].sort_values(
        "normalised", ascending=False
    )
    strengths = strengths.assign(value=strengths["scored"], cases=strengths["denominator"])
    chosen = trend_kpis(card)
    trend = _monthly(source, source.filters.replace(teams=(), agents=(agent_id,)), chosen)
    actions = [a for a in _actions(source, me) if a.agent_id in (agent_id, None)]
    notes = (
        None
        if feedback is None
        else tuple(feedback.notes_for(agent_id, source.filters.start, source.filters.end))
    )
    graded = ~frame["insufficient_data"]
    report = AgentReport(
        agent_id=agent_id,
        name=str(row["name"]),
        team=team,
        start=source.filters.start,
        end=source.filters.end,
        scheme=source.scheme,
        method=card.policy.method,
        standing=scorecard.standing(card, agent_id),
        min_tickets=int(card.policy.min_tickets),
        min_coverage=float(card.policy.min_coverage),
        dept_rank=_rank(row["dept_rank"]),
        team_rank=_rank(row["team_rank"]),
        graded_in_department=int(graded.sum()),
        graded_in_team=int((~mates["insufficient_data"]).sum()),
        team_composite=float(teams.loc[team, "composite"]) if team in teams.index else float("nan"),
        kpis=kpis.reset_index(drop=True),
        strengths=strengths[["kpi", "value", "target", "team_median", "normalised", "cases"]]
        .head(STRENGTHS)
        .reset_index(drop=True),
        gaps=gaps[["kpi", "value", "target", "peer_median", "points_to_target", "cases"]]
        .rename(columns={"peer_median": "team_median"})
        .head(GAPS)
        .reset_index(drop=True),
        training=_training_needs(source, me).head(TRAINING_NEEDS),
        trend=trend.assign(agent_id=agent_id, team=team),
        trend_kpis=chosen,
        targets=_targets(card),
        actions=tuple(actions),
        payout=None if pd.isna(row["payout"]) or not graded.iloc[i] else float(row["payout"]),
        pool=float(card.policy.pool),
        rule=card.policy.rule,
        feedback=notes,
    )
    _check(report, visible)
    return report


def _meets(card: Scorecard, kpi_id: str, value) -> bool:
    """Whether the value reaches the KPI's target in use (False for no value)."""
    k = KPIS_BY_ID[kpi_id]
    if value is None or pd.isna(value):
        return False
    return bool(k.meets(float(value), card.policy.target_of(k)[1]))


def _scope_filters(filters: Filters, visible: Visible) -> Filters:
    """The filter narrowed to the visible scope (its aggregates are the scope's)."""
    return filters.replace(teams=visible.teams or (), agents=visible.agents or ())


def _overview(source: Source, visible: Visible, card: Scorecard) -> tuple[pd.DataFrame, int]:
    scoped = _scope_filters(source.filters, visible)
    now = kpi_table(source.ds, scoped, (), source.repeat_days)
    before_filters = scoped.previous()
    before = (
        kpi_table(source.ds, before_filters, (), source.repeat_days) if before_filters else None
    )
    weights = dict(
        zip(
            [k.id for k in card.matrix.kpis],
            scorecard.normalised_weights(card.policy, card.matrix.kpis),
            strict=True,
        )
    )
    rows = []
    tickets = int(now["tickets"].iloc[0]) if not now.empty else 0
    for k in card.matrix.kpis:
        if weights.get(k.id, 0) <= 0 or now.empty or pd.isna(now[k.id].iloc[0]):
            continue
        value = float(now[k.id].iloc[0])
        previous = (
            float(before[k.id].iloc[0])
            if before is not None and not before.empty and pd.notna(before[k.id].iloc[0])
            else float("nan")
        )
        target = card.policy.target_of(k)[1]
        rows.append(
            {
                "kpi": k.id,
                "value": value,
                "previous": previous,
                "target": target,
                "meets_target": bool(k.meets(value, target)),
            }
        )
    return pd.DataFrame(
        rows, columns=["kpi", "value", "previous", "target", "meets_target"]
    ), tickets


@shows_rows
def movers(source: Source, card: Scorecard, visible: Visible) -> pd.DataFrame:
    """The visible agents whose composite moved most against the equally long period just
    before (both scored over the population under the same policy): the biggest rises,
    then the biggest falls, at most MOVERS of each."""
    columns = ["agent_id", "name", "team", "composite", "previous", "change"]
    before_filters = source.population.previous()
    if before_filters is None:
        return pd.DataFrame(columns=columns)
    matrix = scorecard.build_matrix(source.ds, before_filters, source.repeat_days)
    before = scorecard.score(matrix, source.policy).frame[["agent_id", "composite"]]
    now = visible.keep(card.frame)[["agent_id", "name", "team", "composite"]]
    both = now.merge(before.rename(columns={"composite": "previous"}), on="agent_id")
    both = both.assign(change=both["composite"] - both["previous"]).dropna(subset=["change"])
    up = both[both["change"] > 0].sort_values("change", ascending=False).head(MOVERS)
    down = both[both["change"] < 0].sort_values("change").head(MOVERS)
    return pd.concat([up, down])[columns].reset_index(drop=True)


def _objectives(source: Source, visible: Visible) -> pd.DataFrame | None:
    ds = source.ds
    if not ds.has(objective_analysis.TABLE):
        return None
    if source.state_dir is not None:
        found = objective_store.in_force(ds, objective_store.ObjectiveStore(Path(source.state_dir)))
        frame = objective_store.to_frame(found)
    else:
        frame = objective_analysis.dataset_objectives(ds)
    start, end = source.filters.start, source.filters.end
    if start is not None:
        frame = frame[frame["period_end"] >= start]
    if end is not None:
        frame = frame[frame["period_start"] <= end]
    if frame.empty:
        return objective_analysis.objective_rows(
            ds, frame.reset_index(drop=True), end or date.today(), visible
        ).iloc[0:0]
    last = data_range(ds)[1]
    as_of = min(d for d in (end, last) if d is not None) if (end or last) else date.today()
    rows = objective_analysis.objective_rows(
        ds, frame.reset_index(drop=True), as_of, visible, repeat_days=source.repeat_days
    )
    return rows


@shows_rows
def department_report(source: Source, visible: Visible) -> DepartmentReport:
    """The report of the visible teams (the whole department for an open scope)."""
    card = population_card(source)
    shown = card.visible_to(visible)
    overview, tickets = _overview(source, visible, card)
    chosen = trend_kpis(card)
    needs = _training_needs(source, visible)
    report = DepartmentReport(
        teams=visible.teams,
        start=source.filters.start,
        end=source.filters.end,
        scheme=source.scheme,
        tickets=tickets,
        overview=overview,
        trend=_monthly(source, _scope_filters(source.filters, visible), chosen),
        trend_kpis=chosen,
        targets=_targets(card),
        team_ranking=scorecard.team_summary(shown).reset_index(drop=True),
        grades=scorecard.grade_counts(shown),
        movers=movers(source, card, visible),
        bottlenecks=diagnostics.team_bottlenecks(source.ds, source.filters, visible),
        actions=tuple(a for a in _actions(source, visible) if a.status in OPEN_STATUSES),
        training=capability.team_needs(needs, visible),
        objectives=_objectives(source, visible),
    )
    _check(report, visible)
    return report
