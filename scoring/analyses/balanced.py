"""Balanced scorecard (平衡计分卡, Kaplan & Norton 1992) for the department, a team or an agent.

The four perspectives with their KPIs — the KPIs the scoring policy weights, and any KPI an
objective is set on — each with its actual, the target it is judged against and where that
target comes from (the owner's objective for the period, `objective_scoring.owner_targets`,
else the policy's KPI target),
its attainment and, per perspective, a score; the perspective scores month by month.

- **Attainment** of a KPI is its target-based score (`normalise`, "target"): 0 at or beyond
  the floor, 100 at the target, on to 120 at the stretch. With an objective the objective's
  value is the target and the policy's floor and stretch are kept where they still lie on
  either side of it (`scale`).
- **Perspective score**: the plain mean of the attainment of the perspective's KPIs that
  can be judged (a value from at least the KPI's minimum sample); none: no score.
- Actuals are the owner's measured values (`kpi_table` over the owner's tickets), never
  shrunk: the scorecard states what happened, the Scorecard page ranks agents.

docs/METHODS.md, "Balanced scorecard view", words the rules. Codes and numbers only: the
page words them in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from scoring.analyses.diagnostics import Scope
from scoring.data.dataset import Dataset
from scoring.engine.policy import Policy
from scoring.engine.scorecard import NOTE_NO_DATA, NOTE_TOO_FEW_CASES
from scoring.measures.metrics import Filters, available_kpis, kpi_table
from scoring.methods import normalise
from scoring.registry.kpis import KPI
from scoring.registry.strategy_map import ORDER
from scoring.scope import ScopeLeak, Visible, for_statistics, shows_rows

SOURCE_OBJECTIVE = "objective"
SOURCE_KPI_TARGET = "kpi_target"
# Perspectives top to bottom, as a scorecard reads (financial first).
PERSPECTIVE_ORDER = tuple(reversed(ORDER))
KPI_COLUMNS = (
    "team", "agent_id", "perspective", "kpi", "actual", "cases", "floor", "target", "stretch",
    "source", "attainment", "met", "note",
)  # fmt: skip
PERSPECTIVE_COLUMNS = ("team", "agent_id", "perspective", "kpis", "judged", "score")
MONTH_COLUMNS = ("team", "agent_id", "month", "perspective", "judged", "score")


class BalancedCard(NamedTuple):
    """The scorecard of one owner (a tuple, so `@shows_rows` checks each frame)."""

    kpis: pd.DataFrame  # KPI_COLUMNS, one row per KPI shown, perspectives in order
    perspectives: pd.DataFrame  # PERSPECTIVE_COLUMNS, one row per perspective
    months: pd.DataFrame  # MONTH_COLUMNS, one row per month and perspective with a score


def scale(
    k: KPI, policy: Policy, objective: float | None
) -> tuple[float, float, float | None, str]:
    """The floor, target, stretch and source a KPI is judged on.

    Without an objective: the policy's (the dataset's target set, else the registry's). With
    one: the objective is the target; the policy's floor is kept where it lies on the worse
    side of the objective, else the floor moves to keep the policy's floor-to-target distance
    behind it; the policy's stretch is kept where it lies beyond the objective, else there is
    no stretch (attainment stops at 100)."""
    floor, target, stretch = policy.target_of(k)
    if objective is None:
        return floor, target, stretch, SOURCE_KPI_TARGET
    better = 1.0 if k.higher_is_better else -1.0
    if better * (objective - floor) <= 0:
        floor = objective - (target - floor)
    if stretch is not None and better * (stretch - objective) <= 0:
        stretch = None
    return floor, objective, stretch, SOURCE_OBJECTIVE


def shown_kpis(
    kpis: tuple[KPI, ...], policy: Policy, objective_targets: Mapping[str, float]
) -> tuple[KPI, ...]:
    """The KPIs of the scorecard, in registry order: those the policy weights and those an
    objective is set on."""
    return tuple(k for k in kpis if policy.weights.get(k.id, 0) > 0 or k.id in objective_targets)


def _judged(k: KPI, value: float, cases: float) -> str:
    """ "" when the KPI can be judged, else why not (the scorecard's note codes)."""
    if value is None or pd.isna(value) or not cases or pd.isna(cases):
        return NOTE_NO_DATA
    return NOTE_TOO_FEW_CASES if cases < k.min_sample else ""


def _attainment(k: KPI, value: float, floor: float, target: float, stretch) -> float:
    scores = normalise.normalise(
        [value], "target", k.higher_is_better, floor=floor, target=target, stretch=stretch
    )
    return float(scores[0])


@for_statistics
def kpi_rows(
    row: Mapping[str, float],
    kpis: tuple[KPI, ...],
    policy: Policy,
    objective_targets: Mapping[str, float],
) -> pd.DataFrame:
    """One row per KPI: actual (`row[kpi]`), cases (`row[kpi__den]`), floor, target,
    stretch, source, attainment (NaN when it cannot be judged), met, note (`_judged`)."""
    records = []
    for k in kpis:
        value, cases = row.get(k.id), row.get(f"{k.id}__den")
        floor, target, stretch, source = scale(k, policy, objective_targets.get(k.id))
        note = _judged(k, value, cases)
        attained = np.nan if note else _attainment(k, value, floor, target, stretch)
        records.append(
            {"perspective": k.perspective, "kpi": k.id, "actual": value, "cases": cases,
             "floor": floor, "target": target, "stretch": stretch, "source": source,
             "attainment": attained, "met": bool(attained >= 100), "note": note}
        )  # fmt: skip
    frame = pd.DataFrame.from_records(records, columns=list(KPI_COLUMNS)[2:])
    order = {p: i for i, p in enumerate(PERSPECTIVE_ORDER)}
    frame = frame.sort_values("perspective", key=lambda s: s.map(order), kind="stable")
    return frame.reset_index(drop=True)


@for_statistics
def perspective_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Per perspective (all four, in order): KPIs shown, KPIs judged, and the score — the
    mean attainment of the judged ones (NaN when none is)."""
    records = []
    for perspective in PERSPECTIVE_ORDER:
        attained = rows.loc[rows["perspective"] == perspective, "attainment"].astype(float)
        judged = int(attained.notna().sum())
        records.append(
            {"perspective": perspective, "kpis": len(attained), "judged": judged,
             "score": float(attained.mean()) if judged else np.nan}
        )  # fmt: skip
    return pd.DataFrame.from_records(records, columns=list(PERSPECTIVE_COLUMNS)[2:])


@for_statistics
def monthly_scores(
    table: pd.DataFrame,
    kpis: tuple[KPI, ...],
    policy: Policy,
    objective_targets: Mapping[str, float],
) -> pd.DataFrame:
    """Per month of a `kpi_table` by month and perspective: the perspective score of that
    month's values against the same targets; only months and perspectives with a score."""
    frames = []
    for _, row in table.sort_values("month").iterrows():
        scores = perspective_scores(kpi_rows(row, kpis, policy, objective_targets))
        frames.append(scores.assign(month=row["month"]))
    if not frames:
        return pd.DataFrame(columns=list(MONTH_COLUMNS)[2:])
    months = pd.concat(frames, ignore_index=True).dropna(subset=["score"])
    return months[list(MONTH_COLUMNS)[2:]].reset_index(drop=True)


def check_scope(scope: Scope, visible: Visible) -> None:
    """Raise ScopeLeak unless `visible` may see the owner: the department only with every
    team, a team only when it is visible (not to an agent's own view), an agent only when
    they are visible."""
    allowed = {
        "department": visible.is_everything,
        "team": visible.agents is None and visible.allows_team(scope.team),
        "agent": visible.allows_agent(scope.agent, scope.team),
    }[scope.level]
    if not allowed:
        raise ScopeLeak(f"a balanced scorecard of {scope} is outside {visible}")


@shows_rows
def balanced_card(
    ds: Dataset,
    scope: Scope,
    base: Filters,
    visible: Visible,
    policy: Policy,
    objectives: Mapping[str, float],
    repeat_days: int = 30,
) -> BalancedCard:
    """The balanced scorecard of `scope` over the period and ticket filters of `base`,
    judged on `policy`'s targets and the owner's `objectives` (KPI id → target). Refused
    (ScopeLeak) for an owner `visible` does not allow (`check_scope`)."""
    check_scope(scope, visible)
    filters = scope.filters(base)
    kpis = shown_kpis(available_kpis(ds), policy, objectives)
    total = kpi_table(ds, filters, (), repeat_days)
    rows = kpi_rows(total.iloc[0] if len(total) else {}, kpis, policy, objectives)
    months = kpi_table(ds, filters, ("month",), repeat_days)
    owner = {"team": scope.team, "agent_id": scope.agent}
    return BalancedCard(
        rows.assign(**owner)[list(KPI_COLUMNS)],
        perspective_scores(rows).assign(**owner)[list(PERSPECTIVE_COLUMNS)],
        monthly_scores(months, kpis, policy, objectives).assign(**owner)[list(MONTH_COLUMNS)],
    )
