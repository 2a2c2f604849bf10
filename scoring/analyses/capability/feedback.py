"""360 feedback: mean rating per role and competency, and blind spots (self well above
others)."""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats as sps

from scoring.analyses.capability.common import DEFAULT_CONFIG, CapabilityConfig
from scoring.data.dataset import Dataset
from scoring.measures.metrics import Filters
from scoring.measures.query import Query
from scoring.scope import EVERYTHING, Visible, for_statistics, shows_rows

ROLES = ("self", "supervisor", "peer", "subordinate", "customer")


def _ratings(ds: Dataset, filters: Filters, visible: Visible) -> pd.DataFrame:
    """360 ratings of the agents in the filter's team/agent scope that `visible` allows,
    whose period overlaps the date range: agent_id, team, role, competency, score. Never
    the reviewer: who gave a rating is not shown to anyone."""
    q = Query(ds, filters)
    return q.select(
        "SELECT reviewee_id AS agent_id, team, reviewer_role AS role, competency, score "
        f"FROM {q.feedback_rows(visible)}"
    ).run(ds)


@for_statistics
def competency_inputs(ds: Dataset, filters: Filters) -> pd.DataFrame:
    """Per agent and competency (`skill`): sum, sum of squares and count of others' ratings."""
    ratings = _ratings(ds, filters, EVERYTHING)
    others = ratings[ratings["role"] != "self"].assign(sq=lambda r: r["score"] ** 2)
    grouped = others.groupby(["agent_id", "competency"], as_index=False).agg(
        num=("score", "sum"), sq=("sq", "sum"), den=("score", "count")
    )
    return grouped.rename(columns={"competency": "skill"})


@shows_rows
def feedback_360(ds: Dataset, filters: Filters, visible: Visible) -> pd.DataFrame:
    """Mean rating per visible agent, competency and reviewer role (columns: ROLES present)
    over the filter's period, plus `others` (mean of every non-self rating), `gap` = self −
    others and `ratings` (count). No reviewer ids: only means per role."""
    columns = ["agent_id", "team", "competency", *ROLES, "others", "gap", "ratings"]
    if not ds.has("feedback_360"):
        return pd.DataFrame(columns=columns)
    ratings = _ratings(ds, filters.population(), visible)
    if ratings.empty:
        return pd.DataFrame(columns=columns)
    keys = ["agent_id", "team", "competency"]
    by_role = ratings.pivot_table(index=keys, columns="role", values="score", aggfunc="mean")
    others = ratings[ratings["role"] != "self"].groupby(keys)["score"]
    table = by_role.reindex(columns=list(ROLES))
    table["others"] = others.mean()
    table["gap"] = table["self"] - table["others"]
    table["ratings"] = ratings.groupby(keys)["score"].count()
    table.columns.name = None
    return table.reset_index()[columns]


@shows_rows
def blind_spots(
    ds: Dataset, filters: Filters, visible: Visible, config: CapabilityConfig = DEFAULT_CONFIG
) -> pd.DataFrame:
    """Per visible agent: mean self − others gap over competencies, its 95% interval, the
    worst competency, and `blind_spot` when the gap ≥ config.blind_spot_points and the
    interval's lower bound is above 0 (BLIND_SPOT_POINTS documents the threshold)."""
    columns = [
        *("agent_id", "team", "gap", "lo", "hi"),
        *("competencies", "worst", "worst_gap", "blind_spot"),
    ]
    table = feedback_360(ds, filters, visible).dropna(subset=["gap"])
    if table.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    z = sps.norm.ppf((1 + config.level) / 2)
    for (agent_id, team), group in table.groupby(["agent_id", "team"], sort=True):
        gaps = group["gap"].to_numpy(float)
        mean = float(gaps.mean())
        half = z * float(gaps.std(ddof=1)) / math.sqrt(len(gaps)) if len(gaps) > 1 else math.inf
        worst = group.loc[group["gap"].idxmax()]
        rows.append(
            {
                "agent_id": agent_id,
                "team": team,
                "gap": mean,
                "lo": mean - half,
                "hi": mean + half,
                "competencies": len(gaps),
                "worst": worst["competency"],
                "worst_gap": float(worst["gap"]),
                "blind_spot": bool(mean >= config.blind_spot_points and mean - half > 0),
            }
        )
    return pd.DataFrame(rows, columns=columns)
