"""Each agent's results across closed periods (历史): grades and composites, their trend and
consistency, and the non-monetary recommendations drawn from them (training, promotion).

Input: the records to count, oldest first, as (period id, `closing.Frozen`) — the pages
pass the published versions to an agent and the closed ones to leadership. Codes only; the
pages word them.

- trend: the least-squares slope of the composite per period (points per period), over
  the periods the agent was graded in (at least `MIN_PERIODS`);
- consistency: the standard deviation of those composites, and the share of the periods at
  the agent's most frequent grade;
- recommendations (`RECOMMENDATIONS`): ``promotion`` — excellent in at least `PROMOTION_OF`
  of the last `PROMOTION_IN` graded periods and never below good in them; ``training`` —
  satisfactory or unsatisfactory in the latest period, or a trend down by at least
  `DECLINE` points per period; with the KPIs furthest below target in the latest period
  (`weakest`), what the training should be about.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.analyses.appraisal.closing import Frozen
from scoring.scope import Visible, shows_rows

MIN_PERIODS = 2
PROMOTION_IN = 3
PROMOTION_OF = 2
DECLINE = 3.0
WEAKEST = 2
RECOMMENDATIONS = ("promotion", "training")
HISTORY_COLUMNS = ["agent_id", "name", "team", "period", "composite", "grade", "dept_rank", "award"]
SUMMARY_COLUMNS = [
    "agent_id",
    "name",
    "team",
    "periods",
    "mean",
    "trend",
    "spread",
    "steady_share",
    "latest_grade",
    "recommendation",
    "weakest",
]


@shows_rows
def history(records: list[tuple[str, Frozen]], visible: Visible) -> pd.DataFrame:
    """One row per visible agent and period (HISTORY_COLUMNS), oldest period first."""
    parts = []
    for period_id, frozen in records:
        rows = visible.keep(frozen.agents)[HISTORY_COLUMNS[:3] + HISTORY_COLUMNS[4:]]
        parts.append(rows.assign(period=period_id))
    if not parts:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    return pd.concat(parts, ignore_index=True)[HISTORY_COLUMNS]


def _slope(values: np.ndarray) -> float:
    if len(values) < MIN_PERIODS:
        return float("nan")
    x = np.arange(len(values), dtype=float)
    return float(np.polyfit(x, values, 1)[0])


def _weakest(frozen: Frozen, agent_id: str) -> str:
    """The KPIs of the agent furthest below target in the record (score < 100), worst first,
    comma-separated ids."""
    row = frozen.agents[frozen.agents["agent_id"] == agent_id]
    if row.empty:
        return ""
    scores = {k: row.iloc[0][f"{k}__score"] for k in frozen.kpis}
    below = sorted((s, k) for k, s in scores.items() if s == s and s < 100)
    return ", ".join(k for _, k in below[:WEAKEST])


def _recommendation(grades: list, trend: float) -> str:
    graded = [g for g in grades if isinstance(g, str)]
    if not graded:
        return ""
    recent = graded[-PROMOTION_IN:]
    if recent.count("excellent") >= PROMOTION_OF and set(recent) <= {"excellent", "good"}:
        return "promotion"
    if graded[-1] in ("satisfactory", "unsatisfactory") or trend <= -DECLINE:
        return "training"
    return ""


@shows_rows
def summary(records: list[tuple[str, Frozen]], visible: Visible) -> pd.DataFrame:
    """Per visible agent of the latest record: SUMMARY_COLUMNS."""
    rows = history(records, visible)
    if rows.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    latest = records[-1][1]
    found = []
    for agent_id, mine in rows.groupby("agent_id", sort=True):
        graded = mine["composite"].dropna().to_numpy(float)
        grades = mine["grade"].tolist()
        counted = [g for g in grades if isinstance(g, str)]
        steady = max(counted.count(g) for g in set(counted)) / len(counted) if counted else np.nan
        trend = _slope(graded)
        recommendation = _recommendation(grades, trend)
        last = mine.iloc[-1]
        found.append(
            {
                "agent_id": agent_id,
                "name": last["name"],
                "team": last["team"],
                "periods": int(len(graded)),
                "mean": float(graded.mean()) if len(graded) else np.nan,
                "trend": trend,
                "spread": float(graded.std(ddof=0)) if len(graded) >= MIN_PERIODS else np.nan,
                "steady_share": steady,
                "latest_grade": grades[-1] if isinstance(grades[-1], str) else None,
                "recommendation": recommendation,
                "weakest": _weakest(latest, agent_id) if recommendation == "training" else "",
            }
        )
    return pd.DataFrame(found, columns=SUMMARY_COLUMNS)
