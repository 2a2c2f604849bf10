"""What a closed appraisal period freezes: every agent's KPIs, composite, grade, ranks, payout
and award under one scoring policy, for the period's days.

`score_period` runs the scoring the Scorecard runs (`scorecard.build_matrix` over the
population of the period, `scorecard.score` with the policy, `scorecard.with_payouts` for
the bonus pool; the objectives in force scored in where the policy blends them in), leaving
out the tickets of accepted appeals (`Filters.exclude_tickets`), and adds the awards
(`awards`). The result is plain data (`Frozen.to_dict`): the periods store writes it once
and never recomputes it, so a record reads the same after the data, the weights or the
targets change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.analyses import objective_scoring
from scoring.analyses.appraisal import awards
from scoring.analyses.appraisal.periods import Period
from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.engine import scorecard
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters
from scoring.scope import Visible, for_statistics, shows_rows

# Per agent, in this order: who, the scorecard's figures, the payout and the award code.
AGENT_COLUMNS = (
    "agent_id",
    "name",
    "team",
    "tickets",
    "composite",
    "grade",
    "dept_rank",
    "team_rank",
    "insufficient_data",
    "payout",
    "award",
    "exact",
)
# `exact`: the unrounded composite the ranks are counted on (NaN: not graded)
# Per agent and KPI: the raw value, the value judged (shrunk or raw), its cases and its
# normalised score (0–120; 100 at target), as columns `<kpi>__<part>`.
KPI_PARTS = ("value", "judged", "cases", "score")
TEAM_COLUMNS = ("team", "agents", "graded", "composite", "rank", "award")


def data_fingerprint(ds: Dataset) -> str:
    """The dataset's build fingerprint (`scoring.data.build`): its files, sizes and times
    and the rules that checked them — a different value means the data a record was made
    of has changed."""
    if ds.build_folder is not None:
        return ds.build_folder.name
    from scoring.registry.kpis import KPI_IDS
    from scoring.settings import setting

    settings = {"earliest_year": int(setting("earliest_year")), "kpi_ids": list(KPI_IDS)}
    return build.fingerprint(ds.path, settings)


@dataclass(frozen=True)
class Frozen:
    """One period's result: agents (AGENT_COLUMNS and `<kpi>__<part>`), teams, awards."""

    agents: pd.DataFrame
    teams: pd.DataFrame
    kpis: tuple[str, ...]
    awards: dict = field(default_factory=dict)
    tickets: int = 0
    fingerprint: str = ""
    as_of: str = ""

    def to_dict(self) -> dict:
        return {
            "kpis": list(self.kpis),
            "agents": _records(self.agents),
            "teams": _records(self.teams),
            "awards": self.awards,
            "tickets": int(self.tickets),
            "fingerprint": self.fingerprint,
            "as_of": self.as_of,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Frozen:
        kpis = tuple(data["kpis"])
        columns = [*AGENT_COLUMNS, *(f"{k}__{p}" for k in kpis for p in KPI_PARTS)]
        agents = pd.DataFrame(data["agents"], columns=columns)
        for column in ("composite", "payout", "exact", *columns[len(AGENT_COLUMNS) :]):
            agents[column] = agents[column].astype(float)
        for column in ("dept_rank", "team_rank"):
            agents[column] = agents[column].astype("Int64")
        agents["tickets"] = agents["tickets"].astype("int64")
        agents["insufficient_data"] = agents["insufficient_data"].astype(bool)
        teams = pd.DataFrame(data["teams"], columns=list(TEAM_COLUMNS))
        teams["composite"] = teams["composite"].astype(float)
        teams["rank"] = teams["rank"].astype("Int64")
        return cls(
            agents,
            teams,
            kpis,
            dict(data.get("awards") or {}),
            int(data["tickets"]),
            str(data["fingerprint"]),
            str(data.get("as_of", "")),
        )


def _plain(value):
    """A JSON value: None for NaN/NA, Python numbers for numpy ones."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


@for_statistics
def score_period(
    ds: Dataset,
    period: Period,
    policy: Policy,
    objectives: pd.DataFrame | None = None,
    excluded: tuple[str, ...] = (),
    repeat_days: int = 30,
    draws: int = awards.DRAWS,
    with_awards: bool = True,
) -> Frozen:
    """Every agent of the department scored over the period's days as the Scorecard scores
    them, the tickets `excluded` left out; with payouts and (unless not `with_awards`: an
    appeal's re-score keeps the awards of the version appealed) the awards."""
    filters = Filters(start=period.start, end=period.end, exclude_tickets=tuple(sorted(excluded)))
    matrix = scorecard.build_matrix(ds, filters, repeat_days)
    if policy.objective_share > 0:
        matrix = objective_scoring.with_objectives(matrix, objectives, period.start, period.end)
    card = scorecard.score(matrix, policy)
    frame, _ = scorecard.with_payouts(card)
    star = awards.service_star(card, draws) if with_awards else {}
    team = awards.excellent_team(card, draws) if with_awards else {}
    frame = frame.assign(
        award=np.where(frame["agent_id"] == star.get("winner"), "service_star", ""),
        exact=np.where(frame["insufficient_data"], np.nan, card.measured_composite),
    )
    parts = {}
    for j, k in enumerate(matrix.kpis):
        parts[f"{k.id}__value"] = matrix.frame[k.id].to_numpy(float)
        parts[f"{k.id}__judged"] = matrix.values(k, policy.use_shrunk)
        den = matrix.frame.get(f"{k.id}__den")
        parts[f"{k.id}__cases"] = (
            np.full(len(frame), np.nan) if den is None else den.to_numpy(float)
        )
        parts[f"{k.id}__score"] = card.normalised[:, j]
    agents = pd.concat(
        [frame[list(AGENT_COLUMNS)].reset_index(drop=True), pd.DataFrame(parts)], axis=1
    )
    agents["grade"] = agents["grade"].where(agents["grade"].notna(), None)
    teams = scorecard.team_summary(card)[["team", "agents", "graded", "composite", "rank"]]
    teams = teams.assign(award=np.where(teams["team"] == team.get("winner"), "excellent_team", ""))
    tickets = int(card.frame["tickets"].sum())
    as_of = ds.as_of.isoformat() if ds.as_of is not None else ""
    return Frozen(
        agents,
        teams.reset_index(drop=True),
        tuple(k.id for k in matrix.kpis),
        {"service_star": star, "excellent_team": team},
        tickets,
        data_fingerprint(ds),
        as_of,
    )


@for_statistics
def amend(previous: Frozen, rescored: Frozen, agent_id: str) -> Frozen:
    """An accepted appeal's version: the previous result with only the appellant's row taken
    from the period re-scored without the appeal's tickets — their KPIs, composite, grade
    and payout (their share of the pool as re-scored) — and the ranks counted again. The
    other agents' KPIs, composites, grades, payouts and the awards stay as they were: a
    re-score moves the shrinkage priors and the pool's shares of everyone a little, which
    an appeal of one agent should not do."""
    agents = previous.agents.copy()
    mine = agents["agent_id"] == agent_id
    new = rescored.agents[rescored.agents["agent_id"] == agent_id]
    if not mine.any() or new.empty:
        raise KeyError(f"agent {agent_id!r} is not in both results")
    columns = [c for c in agents.columns if c not in ("award",)]
    agents.loc[mine, columns] = new[columns].to_numpy()
    agents["dept_rank"] = scorecard.rank(agents["exact"].to_numpy(float)).array
    agents["team_rank"] = scorecard.rank(agents["exact"].to_numpy(float), agents["team"]).array
    teams = previous.teams.copy()
    graded = agents[~agents["insufficient_data"].astype(bool)]
    means = graded.groupby("team")["composite"].mean()
    teams["graded"] = teams["team"].map(graded.groupby("team").size()).fillna(0).astype(int)
    teams["composite"] = teams["team"].map(means).astype(float)
    teams["rank"] = scorecard.rank(teams["composite"].to_numpy(float)).array
    teams = teams.sort_values(["rank", "team"], na_position="last").reset_index(drop=True)
    return Frozen(
        agents,
        teams,
        previous.kpis,
        previous.awards,
        previous.tickets - (previous.agents.loc[mine, "tickets"].sum() - new["tickets"].sum()),
        rescored.fingerprint,
        rescored.as_of,
    )


@shows_rows
def visible_agents(frozen: Frozen, visible: Visible) -> pd.DataFrame:
    """The frozen agent rows a session may see (department ranks kept)."""
    return visible.keep(frozen.agents)


@shows_rows
def visible_teams(frozen: Frozen, visible: Visible) -> pd.DataFrame:
    """The frozen team rows of the visible teams (an aggregate per team, as the Scorecard's
    team table)."""
    return visible.keep(frozen.teams)
