"""Scoring with objectives (目标管理): which objective targets each agent is scored against.

An appraisal period rarely matches the objectives' periods (a year of quarterly targets, a
month inside a quarter), and most objectives are set for teams or the department, not for
each agent. So, for a scoring period and each agent and KPI (docs/METHODS.md, "Scoring with
objectives"):

- only objectives whose period overlaps the scoring period count, each by the days it
  overlaps: the target (and weight) is the overlap-weighted mean of theirs;
- the agent's own objectives come first; a KPI they have none on takes their team's, then the
  department's — the post inherits the target of the unit it belongs to ("decomposed to each
  post"). A `per_day` KPI (tickets per working day) is not inherited: a team's volume is not
  each agent's; cascading it (the Objectives page) gives each agent their own.

The result is `scorecard.OBJECTIVE_COLUMNS`, which the engine judges against the same values
as the KPI composite.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from scoring.engine.scorecard import OBJECTIVE_COLUMNS, KpiMatrix
from scoring.scope import for_statistics

# The owners an agent's target can come from, nearest first, with the roster column that
# names the owner (the department: every agent).
OWNER_KEYS = {"agent": "agent_id", "team": "team", "department": None}
_ONE_DAY = np.timedelta64(1, "D")


def overlap_days(objectives: pd.DataFrame, start: date, end: date) -> np.ndarray:
    """Days each objective's period (inclusive) shares with start … end (inclusive)."""
    first = np.maximum(pd.to_datetime(objectives["period_start"]).to_numpy(), np.datetime64(start))
    last = np.minimum(pd.to_datetime(objectives["period_end"]).to_numpy(), np.datetime64(end))
    return np.maximum((last - first) / _ONE_DAY + 1, 0)


@for_statistics
def agent_objectives(
    objectives: pd.DataFrame, roster: pd.DataFrame, start: date, end: date
) -> pd.DataFrame:
    """Per agent of the roster (agent_id, team) and KPI: the target and weight they are
    scored against over start … end (`OBJECTIVE_COLUMNS`). `objectives` has the contract's
    columns (owner_type, owner_id, kpi, period_start, period_end, target; weight optional,
    default 1)."""
    rows = objectives.assign(days=overlap_days(objectives, start, end))
    rows = rows[rows["days"] > 0]
    weight = rows["weight"].fillna(1.0) if "weight" in rows else pd.Series(1.0, rows.index)
    rows = rows.assign(weight=weight.astype(float), target=rows["target"].astype(float))
    merged = (
        rows.assign(target=rows["target"] * rows["days"], weight=rows["weight"] * rows["days"])
        .groupby(["owner_type", "owner_id", "kpi"], as_index=False)[["target", "weight", "days"]]
        .sum()
    )
    merged["target"] /= merged["days"]
    merged["weight"] /= merged["days"]
    return _nearest_owner(merged, roster)


def _nearest_owner(merged: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """Each agent's target per KPI from the nearest owner that sets one (`OWNER_KEYS`)."""
    candidates = []
    for rank, (owner, key) in enumerate(OWNER_KEYS.items()):
        mine = merged[merged["owner_type"] == owner]
        people = (
            roster.merge(mine, left_on=key, right_on="owner_id")
            if key
            else roster.merge(mine, how="cross")
        )
        candidates.append(people.assign(rank=rank))
    found = pd.concat(candidates, ignore_index=True)
    nearest = found.sort_values("rank", kind="stable").drop_duplicates(["agent_id", "kpi"])
    return nearest[OBJECTIVE_COLUMNS].sort_values(["agent_id", "kpi"], ignore_index=True)


def owner_targets(
    objectives: pd.DataFrame, team: str | None, agent: str | None, start: date, end: date
) -> dict[str, float]:
    """KPI id → the target an owner is judged on over start … end, by the same rules as an
    agent's: the department (no team, no agent), a team (its own, else the department's) or
    an agent (their own, else their team's, else the department's)."""
    roster = pd.DataFrame({"agent_id": [agent or ""], "team": [team or ""]})
    found = agent_objectives(objectives, roster, start, end)
    return dict(zip(found["kpi"], found["target"].astype(float), strict=True))


def with_objectives(
    matrix: KpiMatrix, objectives: pd.DataFrame | None, start: date | None, end: date | None
) -> KpiMatrix:
    """The matrix with the targets its agents are scored against over start … end (no
    objectives, or no period: the matrix as it is)."""
    if objectives is None or objectives.empty or start is None or end is None:
        return matrix
    roster = matrix.frame[["agent_id", "team"]]
    return replace(matrix, objectives=agent_objectives(objectives, roster, start, end))
