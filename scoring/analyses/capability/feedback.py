"""360 feedback: mean rating per role and competency, and blind spots (self well above
others)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scoring.analyses.capability.common import DEFAULT_CONFIG, CapabilityConfig
from scoring.data.dataset import Dataset
from scoring.measures.metrics import Filters
from scoring.measures.query import Query
from scoring.methods import stats
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
    sums = _role_sums(ds, filters.population(), visible)
    if sums.empty:
        return pd.DataFrame(columns=columns)
    keys = ["agent_id", "team", "competency"]
    table = _means(sums.groupby([*keys, "role"])).unstack("role").reindex(columns=list(ROLES))
    table["others"] = _means(sums[sums["role"] != "self"].groupby(keys))
    table["gap"] = table["self"] - table["others"]
    table["ratings"] = sums.groupby(keys)["n"].sum()
    table.columns.name = None
    return table.reset_index()[columns]


def _role_sums(ds: Dataset, filters: Filters, visible: Visible) -> pd.DataFrame:
    """`_ratings` summed per agent, team, competency and role: agent_id, team, competency,
    role, total and n (the count) of the scores — summed by DuckDB: a department's year of
    ratings read a row at a time and grouped in pandas took 0.3–0.6 s of the page."""
    q = Query(ds, filters)
    return q.select(
        "SELECT reviewee_id AS agent_id, team, competency, reviewer_role AS role, "
        "sum(score) AS total, count(score) AS n "
        f"FROM {q.feedback_rows(visible)} GROUP BY ALL"
    ).run(ds)


def _means(groups) -> pd.Series:
    """The mean score of each group of `_role_sums` rows (NaN without a score)."""
    sums = groups[["total", "n"]].sum()
    return sums["total"] / sums["n"].where(sums["n"] > 0)


@shows_rows
def blind_spots(
    ds: Dataset, filters: Filters, visible: Visible, config: CapabilityConfig = DEFAULT_CONFIG
) -> pd.DataFrame:
    """Per visible agent: mean self − others gap over competencies, its 95% interval, the
    worst competency, and `blind_spot` when the gap ≥ config.blind_spot_points and the
    interval's lower bound is above 0 (BLIND_SPOT_POINTS documents the threshold)."""
    return blind_spots_of(feedback_360(ds, filters, visible), visible, config)


@shows_rows
def blind_spots_of(
    feedback: pd.DataFrame, visible: Visible, config: CapabilityConfig = DEFAULT_CONFIG
) -> pd.DataFrame:
    """`blind_spots` from the `feedback_360` table of the same filter and `visible` scope
    (a page that shows both reads the ratings once)."""
    columns = [
        *("agent_id", "team", "gap", "lo", "hi"),
        *("competencies", "worst", "worst_gap", "blind_spot"),
    ]
    table = feedback.dropna(subset=["gap"])
    if table.empty:
        return pd.DataFrame(columns=columns)
    # per agent at once (a loop over 2,000 agents' groups took 1.2–3.4 s)
    gaps = table.groupby(["agent_id", "team"], sort=True)["gap"]
    found = gaps.agg(["mean", "std", "count"])
    z = stats.normal_quantile((1 + config.level) / 2)
    half = (z * found["std"] / np.sqrt(found["count"])).where(found["count"] > 1, math.inf)
    worst = table.loc[gaps.idxmax().to_numpy()]
    out = pd.DataFrame(
        {
            "gap": found["mean"],
            "lo": found["mean"] - half,
            "hi": found["mean"] + half,
            "competencies": found["count"],
            "worst": worst["competency"].to_numpy(),
            "worst_gap": worst["gap"].to_numpy(float),
        },
        index=found.index,
    )
    out["blind_spot"] = (out["gap"] >= config.blind_spot_points) & (out["lo"] > 0)
    return out.reset_index()[columns]
