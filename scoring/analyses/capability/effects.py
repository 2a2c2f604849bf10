"""Training effect: a KPI of the trained skill before vs after a completed course, next to
how untrained peers moved over the same weeks (difference-in-differences)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scoring.analyses.capability.common import (
    TICKET_SKILL_DIMENSIONS,
    _kind,
    agents,
    kpi_inputs,
    skill_kpis,
)
from scoring.data.dataset import Dataset
from scoring.measures.metrics import Filters
from scoring.methods import stats
from scoring.registry.kpis import KPI, KPIS_BY_ID
from scoring.scope import Visible, shows_rows

EFFECT_WINDOW_DAYS = 120  # days before / after a course compared by training_effects

EFFECT_COLUMNS = [
    "agent_id",
    "name",
    "team",
    "skill",
    "course",
    "completed_on",
    "before",
    "before_half",
    "before_cases",
    "after",
    "after_half",
    "after_cases",
    "change",
    "change_lo",
    "change_hi",
    "peers_before",
    "peers_after",
    "peers_change",
    "did",
    "did_lo",
    "did_hi",
    "p_value",
]


# --- SQL: the completed courses and the KPI's weekly inputs -------------------------------


def _completions(ds: Dataset) -> pd.DataFrame:
    """Every completed course: agent_id, skill, course, completed_on."""
    return ds.query("SELECT agent_id, skill, course, completed_on FROM training")


def _weekly_inputs(
    ds: Dataset, filters: Filters, k: KPI, dimension: str, repeat_days: int
) -> pd.DataFrame:
    """The KPI's inputs per agent, skill of `dimension` and week (its Monday) over the
    population, whatever the filter's dates (the windows set them)."""
    undated = filters.population().replace(start=None, end=None)
    table = kpi_inputs(ds, undated, k, ("agent_id", dimension, "week"), repeat_days)
    table["week"] = pd.to_datetime(table["week"])
    return table


# --- Windows: the weeks before and after each course, the trained agent and the peers ----

MEASURES = ["num", "den", "sq"]
COHORTS = ("tb", "ta", "cb", "ca")


def _sides(weeks: pd.Series, done: pd.Series, window_days: int) -> pd.Series:
    """Per row, "b" for a week in the `window_days` before its course's completion week, "a"
    for one in as many after it (the completion week itself in neither), else "". `weeks`
    and `done` (the completion dates) are aligned datetime columns."""
    done_week = done - pd.to_timedelta(done.dt.day_of_week, unit="D")
    span = pd.Timedelta(days=window_days)
    before = (weeks < done_week) & (weeks >= done_week - span)
    after = (weeks > done_week) & (weeks <= done_week + span)
    return pd.Series(np.select([before, after], ["b", "a"], ""), index=weeks.index)


def _window_sums(rows: pd.DataFrame, who: str, window_days: int) -> pd.DataFrame:
    """num, den, sq of `rows` (course, completed_on, week and the measures) summed per course
    over each window: columns "<who><b|a>_<measure>", e.g. "tb_num"."""
    side = _sides(rows["week"], rows["completed_on"], window_days)
    inside = rows[side != ""]
    cohort = (who + side[side != ""]).rename("cohort")
    sums = inside.groupby([inside["course"], cohort])[MEASURES].sum().unstack("cohort")
    sums.columns = [f"{c}_{m}" for m, c in sums.columns]
    return sums


def _cohort_totals(
    table: pd.DataFrame,
    courses: pd.DataFrame,
    dimension: str,
    trained: pd.DataFrame,
    k: KPI,
    window_days: int,
) -> list[dict[str, tuple[float, float, float]]]:
    """Per course (a row of `courses`, in order): (num, den, sq) of the trained agent ("tb",
    "ta") and of the untrained peers ("cb", "ca") before and after; sq is 0 for a rate.
    Peers: the agents of `table` with no completed course on the course's skill.

    One pass for all courses: each course joined to its agent's weeks of the skill, and to
    the peers' totals per skill and week (summed once), then summed per window."""
    weekly = table.rename(columns={dimension: "skill"})[["agent_id", "skill", "week", *MEASURES]]
    done = pd.DataFrame(
        {
            "course": range(len(courses)),
            "agent_id": courses["agent_id"].to_numpy(),
            "skill": courses["skill"].to_numpy(),
            "completed_on": pd.to_datetime(courses["completed_on"]).to_numpy(),
        }
    )
    mine = done.merge(weekly, on=["agent_id", "skill"])
    trainees = trained[["agent_id", "skill"]].drop_duplicates().assign(trainee=True)
    untrained = weekly.merge(trainees, on=["agent_id", "skill"], how="left")
    untrained = untrained[untrained["trainee"].isna()]
    peer_weeks = untrained.groupby(["skill", "week"], as_index=False)[MEASURES].sum()
    peers = done.drop(columns="agent_id").merge(peer_weeks, on="skill")
    sums = pd.concat(
        [_window_sums(mine, "t", window_days), _window_sums(peers, "c", window_days)], axis=1
    )
    columns = [f"{c}_{m}" for c in COHORTS for m in MEASURES]
    sums = sums.reindex(index=range(len(courses)), columns=columns, fill_value=0.0).fillna(0.0)
    return [
        {
            c: (
                float(row[f"{c}_num"]),
                float(row[f"{c}_den"]),
                float(row[f"{c}_sq"]) if k.kind == "mean" else 0.0,
            )
            for c in COHORTS
        }
        for row in sums.to_dict("records")
    ]


# --- Statistics: before/after change, difference-in-differences, the test -----------------


def _mean_var(num: float, den: float, sq: float, kind: str) -> tuple[float, float]:
    """Value and the variance of its estimate: p(1 − p)/n for rates, s²/n for means."""
    if den <= 0:
        return math.nan, math.nan
    value = num / den
    if kind == "rate":
        return value, value * (1 - value) / den
    spread = max(sq / den - value * value, 0.0) * den / max(den - 1, 1)
    return value, spread / den


def _effect(totals: dict[str, tuple[float, float, float]], kind: str, z: float) -> dict | None:
    """The effect columns of one course from the cohort totals (None when the trained agent
    has no case before or none after): values with their half-widths, change with its
    normal interval, peers' change, did = stats.difference_in_differences with the interval
    of the four independent estimates, and the trained agent's before/after p-value."""
    (tb, vtb), (ta, vta) = _mean_var(*totals["tb"], kind), _mean_var(*totals["ta"], kind)
    (cb, vcb), (ca, vca) = _mean_var(*totals["cb"], kind), _mean_var(*totals["ca"], kind)
    before_cases, after_cases = totals["tb"][1], totals["ta"][1]
    if not (before_cases > 0 and after_cases > 0):
        return None
    change, se_change = ta - tb, math.sqrt(vta + vtb)
    did = stats.difference_in_differences(tb, ta, cb, ca)
    se_did = math.sqrt(vta + vtb + vca + vcb)
    if kind == "rate":
        (after_num, _, _), (before_num, _, _) = totals["ta"], totals["tb"]
        p_value = stats.two_proportion_z_test(
            after_num, after_cases, before_num, before_cases
        ).p_value
    else:
        p_value = 2 * stats.normal_tail(abs(change) / se_change) if se_change else 1.0
    return {
        "before": tb,
        "before_half": z * math.sqrt(vtb),
        "before_cases": before_cases,
        "after": ta,
        "after_half": z * math.sqrt(vta),
        "after_cases": after_cases,
        "change": change,
        "change_lo": change - z * se_change,
        "change_hi": change + z * se_change,
        "peers_before": cb,
        "peers_after": ca,
        "peers_change": ca - cb,
        "did": did,
        "did_lo": did - z * se_did,
        "did_hi": did + z * se_did,
        "p_value": p_value,
    }


@shows_rows
def training_effects(
    ds: Dataset,
    filters: Filters,
    visible: Visible,
    kpi_id: str = "fcr",
    repeat_days: int = 30,
    window_days: int = EFFECT_WINDOW_DAYS,
    level: float = 0.95,
) -> pd.DataFrame:
    """Before vs after each course a visible agent completed on a ticket skill (category,
    channel, product).

    The trained agent's KPI on tickets of the course's skill in the `window_days` before
    the completion week versus the same span after it, next to untrained peers (the
    population's agents with no course on that skill) over the same weeks. change = after −
    before with a normal interval (variances p(1 − p)/n or s²/n; before_half / after_half
    are the half-widths of the before and after values' own intervals);
    did = stats.difference_in_differences (docs/METHODS.md) with the interval of the four
    independent estimates; p_value: the trained agent's before/after test
    (stats.two_proportion_z_test for rates; for means a z-test on the change, the
    large-sample form of Welch's test, as only sums are at hand).
    The date filter is ignored (the windows set the dates); other filters apply.
    """
    k = KPIS_BY_ID[kpi_id]
    if not ds.has("training") or k not in skill_kpis(ds):
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    trained = _completions(ds)
    z = stats.normal_quantile((1 + level) / 2)
    roster = agents(ds, visible).set_index("agent_id")
    rows = []
    for dimension in [d for d in TICKET_SKILL_DIMENSIONS if ds.has("tickets", d)]:
        table = _weekly_inputs(ds, filters, k, dimension, repeat_days)
        skills = set(table[dimension].dropna().astype(str).unique())
        courses = trained[trained["skill"].isin(skills) & trained["agent_id"].isin(roster.index)]
        totals = _cohort_totals(table, courses, dimension, trained, k, window_days)
        for course, total in zip(courses.itertuples(index=False), totals, strict=True):
            effect = _effect(total, _kind(k), z)
            if effect is None:
                continue
            agent = roster.loc[course.agent_id]
            rows.append(
                {
                    "agent_id": course.agent_id,
                    "name": agent["name"],
                    "team": agent["team"],
                    "skill": course.skill,
                    "course": course.course,
                    "completed_on": pd.Timestamp(course.completed_on).date(),
                    **effect,
                }
            )
    frame = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    return frame.sort_values(["completed_on", "agent_id"], ignore_index=True)
