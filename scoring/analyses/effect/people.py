"""The people side of a change: staff attrition (人员流失率) from the agents' hire and left
dates, and employee satisfaction (员工满意度) from `employee_survey`, per team and month or
period, and for the treated and the untreated group before and after the change.

docs/METHODS.md, "Attrition" (in "Evaluating a change (效果评估)"). An agent is on the headcount on
a day when hired on or before it (no hire date: from the start) and not yet left (left_date
after the day, or none) — the convention of `Query.working_days`. The monthly rate is the
month's leavers over its average daily headcount; a window's monthly rate is its leavers
over its average headcount, divided by its months; annualised = 1 − (1 − monthly)^12 (the
compound form: a constant monthly rate r leaves (1 − r)^12 of the staff after a year).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from scoring.analyses.effect.design import Change, shift_months
from scoring.data.dataset import Dataset
from scoring.measures.query import period_end, period_start
from scoring.methods import evaluation, stats
from scoring.scope import Visible, for_statistics, shows_rows

ATTRITION_COLUMNS = ["team", "month", "headcount", "leavers", "rate"]
SATISFACTION_COLUMNS = ["team", "period", "score", "responses", "agents"]
SIDE_COLUMNS = ["group", "side", "leavers", "headcount", "monthly", "annualised"]
GROUPS = ("treated", "untreated")


def has_dates(ds: Dataset) -> bool:
    return ds.has("agents", "left_date")


def _staff(ds: Dataset) -> pd.DataFrame:
    """agent_id, team, hire (NaT: from the start), left (NaT: still employed)."""
    hire = "hire_date" if ds.has("agents", "hire_date") else "NULL"
    frame = ds.query(f"SELECT agent_id, team, {hire} AS hire, left_date AS left FROM agents")
    return frame.assign(hire=pd.to_datetime(frame["hire"]), left=pd.to_datetime(frame["left"]))


def _employed_days(staff: pd.DataFrame, first: date, after: date) -> np.ndarray:
    """Per agent, the days from `first` to the day before `after` on the headcount."""
    start = staff["hire"].fillna(pd.Timestamp(first)).clip(lower=pd.Timestamp(first))
    end = staff["left"].fillna(pd.Timestamp(after)).clip(upper=pd.Timestamp(after))
    return np.maximum((end - start).dt.days.to_numpy(), 0)


def _left_within(staff: pd.DataFrame, first: date, after: date) -> np.ndarray:
    left = staff["left"]
    return ((left >= pd.Timestamp(first)) & (left < pd.Timestamp(after))).to_numpy()


def window_attrition(
    staff: pd.DataFrame, first: date, after: date, months: int = 1
) -> tuple[int, float, float]:
    """(leavers, average daily headcount, monthly rate) of `staff` from `first` to the day
    before `after`, a window of `months` months."""
    headcount = _headcount(float(_employed_days(staff, first, after).sum()), first, after)
    leavers = int(_left_within(staff, first, after).sum())
    return leavers, headcount, _monthly(leavers, headcount, months)


def _headcount(employed_days: float, first: date, after: date) -> float:
    """The average daily headcount of a window from its agents' days on the headcount."""
    days = (after - first).days
    return employed_days / days if days > 0 else 0.0


def _monthly(leavers: int, headcount: float, months: int) -> float:
    return leavers / headcount / months if headcount > 0 else math.nan


def annualised(monthly: float) -> float:
    return 1 - (1 - monthly) ** 12


@shows_rows
def attrition(ds: Dataset, visible: Visible, first: date, last: date) -> pd.DataFrame:
    """Per visible team and calendar month ("2026-03") from `first`'s month to `last`'s: the
    average daily headcount, the leavers and the monthly rate (leavers / average headcount)."""
    if not has_dates(ds):
        return pd.DataFrame(columns=ATTRITION_COLUMNS)
    staff = visible.keep(_staff(ds))
    codes, teams = pd.factorize(staff["team"], sort=True)  # each team's agents summed at once
    known = codes >= 0

    def per_team(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes[known], weights=values[known], minlength=len(teams))

    rows = []
    for month in pd.period_range(first, last, freq="M"):
        start, after = month.start_time.date(), (month + 1).start_time.date()
        employed = per_team(_employed_days(staff, start, after).astype(float))
        left = per_team(_left_within(staff, start, after).astype(float))
        for team, days, count in zip(teams, employed, left.astype(int), strict=True):
            leavers, headcount = int(count), _headcount(float(days), start, after)
            rows.append([team, str(month), headcount, leavers, _monthly(leavers, headcount, 1)])
    return pd.DataFrame(rows, columns=ATTRITION_COLUMNS)


def _groups(frame: pd.DataFrame, change: Change, untreated: tuple[str, ...]) -> pd.Series:
    """Per row "treated", "untreated" (of the `untreated` teams) or ""."""
    treated = frame["team"].isin(change.teams) | frame["agent_id"].isin(change.agents)
    others = frame["team"].isin(untreated) & ~treated
    return pd.Series(np.select([treated, others], GROUPS, ""), index=frame.index)


@for_statistics
def attrition_sides(
    ds: Dataset, change: Change, untreated: tuple[str, ...], months: int
) -> pd.DataFrame:
    """The treated group's and the `untreated` teams' attrition over the `months` before
    and after the change (aggregates: no team or agent): group, side, leavers, headcount,
    monthly, annualised."""
    if not has_dates(ds):
        return pd.DataFrame(columns=SIDE_COLUMNS)
    staff = _staff(ds)
    groups = _groups(staff, change, untreated)
    windows = {
        "before": (shift_months(change.date, -months), change.date),
        "after": (change.date, shift_months(change.date, months)),
    }
    rows = []
    for group in GROUPS:
        for side, (first, after) in windows.items():
            members = staff[groups == group]
            leavers, headcount, monthly = window_attrition(members, first, after, months)
            rows.append([group, side, leavers, headcount, monthly, annualised(monthly)])
    return pd.DataFrame(rows, columns=SIDE_COLUMNS)


def attrition_did(sides: pd.DataFrame) -> float:
    """stats.difference_in_differences of the monthly rates (NaN when a cell is missing)."""
    rate = sides.set_index(["group", "side"])["monthly"]
    if len(rate) < 4:
        return math.nan
    return stats.difference_in_differences(
        rate["treated", "before"],
        rate["treated", "after"],
        rate["untreated", "before"],
        rate["untreated", "after"],
    )


# --- Employee satisfaction -------------------------------------------------------------------


def _survey_rows(ds: Dataset) -> pd.DataFrame:
    """Each employee_survey answer: agent_id, team, period, score, first and last day."""
    return ds.query(
        "SELECT e.agent_id, a.team, e.period, e.score, "
        f"{period_start(alias='e.')} AS first, {period_end(alias='e.')} AS last "
        "FROM employee_survey e JOIN agents a USING (agent_id)"
    )


@shows_rows
def satisfaction(ds: Dataset, visible: Visible) -> pd.DataFrame:
    """Per visible team and survey period: the mean score, responses and agents answering."""
    if not ds.has("employee_survey"):
        return pd.DataFrame(columns=SATISFACTION_COLUMNS)
    rows = visible.keep(_survey_rows(ds))
    table = rows.groupby(["team", "period"], as_index=False).agg(
        score=("score", "mean"), responses=("score", "size"), agents=("agent_id", "nunique")
    )
    return table[SATISFACTION_COLUMNS]


def survey_side(first: pd.Series, last: pd.Series, day: date, months: int) -> np.ndarray:
    """Per survey period, "before" or "after" the change by the period's middle day (a
    quarter straddling the change counts where most of it lies), "" outside the windows."""
    middle = pd.to_datetime(first) + (pd.to_datetime(last) - pd.to_datetime(first)) / 2
    change = pd.Timestamp(day)
    before = (middle >= pd.Timestamp(shift_months(day, -months))) & (middle < change)
    after = (middle >= change) & (middle < pd.Timestamp(shift_months(day, months)))
    return np.select([before, after], ["before", "after"], "")


def _in_order(column: pd.Series) -> pd.Series:
    """Sort key: treated before untreated, before before after."""
    order = {"treated": 0, "untreated": 1, "before": 0, "after": 1}
    return column.map(order)


@for_statistics
def satisfaction_sides(
    ds: Dataset, change: Change, untreated: tuple[str, ...], months: int
) -> tuple[pd.DataFrame, evaluation.Estimate]:
    """The treated group's and the `untreated` teams' mean score before and after (group,
    side, score, responses, agents) and the DiD of the scores, clustered by agent."""
    columns = ["group", "side", "score", "responses", "agents"]
    if not ds.has("employee_survey"):
        return pd.DataFrame(columns=columns), evaluation.Estimate.unavailable()
    rows = _survey_rows(ds)
    rows = rows.assign(
        group=_groups(rows, change, untreated),
        side=survey_side(rows["first"], rows["last"], change.date, months),
    )
    rows = rows[(rows["group"] != "") & (rows["side"] != "")]
    table = rows.groupby(["group", "side"], as_index=False).agg(
        score=("score", "mean"), responses=("score", "size"), agents=("agent_id", "nunique")
    )
    table = table.sort_values(["group", "side"], key=_in_order, ignore_index=True)
    did = evaluation.did_regression(
        rows["score"], rows["group"] == "treated", rows["side"] == "after", rows["agent_id"]
    )
    return table[columns], did


def untreated_teams(ds: Dataset, change: Change) -> tuple[str, ...]:
    """The named control teams, else every team with no treated agent."""
    if change.controls:
        return change.controls
    staff = ds.query("SELECT agent_id, team FROM agents")
    treated = staff["team"].isin(change.teams) | staff["agent_id"].isin(change.agents)
    touched = set(staff.loc[treated, "team"])
    return tuple(sorted(set(staff["team"].dropna()) - touched))
