"""What the capability analyses share: the skills, the evidence rules, the roster and the
one query of a KPI's inputs by any grouping."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from scoring.data.dataset import Dataset
from scoring.measures import weekly
from scoring.measures.metrics import TICKET_DIMENSIONS, Filters, available_kpis, data_range
from scoring.measures.query import SEGMENT_RELATIVE, Query, Statement, moments
from scoring.registry.kpis import KPI, KPIS_BY_ID
from scoring.scope import Visible, for_statistics, shows_rows

# KPIs a skill can be measured by (ids of the registry).
# KPIs a skill can be measured by (ids of the registry).
SKILL_KPIS = ("fcr", "csat", "handle_minutes", "repeat_rate")
TICKET_SKILL_DIMENSIONS = ("category", "channel", "product")
COMPETENCY = "competency"  # the dimension of 360 competencies
SKILL_DIMENSION_IDS = (*TICKET_SKILL_DIMENSIONS, COMPETENCY)
DAYS_PER_MONTH = 365.25 / 12

# A self-rating this many points (1–5 scale) above the mean of others' ratings, with the
# lower bound of its 95% interval above 0, is a blind spot. One point is two to three times
# the typical within-rater noise of a single rating and about half the scale's usual spread
# of agent means: following Atwater & Yammarino (1992, Personnel Psychology 45:141–164),
# who call "over-estimators" agents whose self-rating exceeds others' by clearly more than
# the spread of self–other differences, we use a fixed, explainable threshold.
BLIND_SPOT_POINTS = 1.0


# A training need is a gap that is significant *and* material: the interval lies entirely
# beyond the reference moved by this fraction of it (a minimum important difference, as
# in non-inferiority testing). E.g. first-contact resolution 15% below peers' 70% is 10.5
# points. Chosen as the smallest gap a trainer would act on; on generated data with
# planted weak skills they keep chance findings among ~300 agent × category cells out of
# the list (tests/test_capability.py measures precision and recall).
MATERIAL_GAP = {
    "fcr": 0.15,
    "csat": 0.08,
    "handle_minutes": 0.25,
    "repeat_rate": 0.25,
    COMPETENCY: 0.12,
}


@dataclass(frozen=True)
class CapabilityConfig:
    """Evidence rules. min_cases: KPI cases (tickets or surveys) an agent needs in a skill
    before a gap can be flagged; min_ratings: others' 360 ratings of a competency;
    level: credible level of the intervals."""

    min_cases: int = 20
    min_ratings: int = 4
    level: float = 0.95
    blind_spot_points: float = BLIND_SPOT_POINTS
    margins: tuple[tuple[str, float], ...] = tuple(MATERIAL_GAP.items())

    def margin(self, measure: str) -> float:
        return dict(self.margins).get(measure, 0.0)

    def __post_init__(self):
        if self.min_cases < 1 or self.min_ratings < 1:
            raise ValueError("min_cases and min_ratings must be at least 1")
        if not 0 < self.level < 1:
            raise ValueError(f"level must be between 0 and 1, got {self.level}")


DEFAULT_CONFIG = CapabilityConfig()


def skill_kpis(ds: Dataset) -> tuple[KPI, ...]:
    """The skill KPIs this dataset can compute, in SKILL_KPIS order."""
    present = {k.id for k in available_kpis(ds)}
    return tuple(KPIS_BY_ID[k] for k in SKILL_KPIS if k in present)


def skill_dimensions(ds: Dataset) -> tuple[str, ...]:
    dims = tuple(d for d in TICKET_SKILL_DIMENSIONS if ds.has("tickets", d))
    return dims + ((COMPETENCY,) if ds.has("feedback_360") else ())


def months_in(ds: Dataset, filters: Filters) -> float:
    """Length of the filter's period in months (the data's range where a date is open)."""
    first, last = data_range(ds)
    start = filters.start or first
    end = filters.end or last
    if start is None or end is None:
        return math.nan
    return max((end - start).days + 1, 1) / DAYS_PER_MONTH


def _kind(k: KPI) -> str:
    return "rate" if k.kind == "rate" else "mean"


def _roster(ds: Dataset, filters: Filters) -> pd.DataFrame:
    """Agents in the filter's team/agent scope: agent_id, name, team."""
    return Query(ds, filters).roster().run(ds)


@shows_rows
def agents(ds: Dataset, visible: Visible) -> pd.DataFrame:
    """The agents that may be shown: agent_id, name, team, supervisor (None if absent)."""
    return Query(ds).roster(visible, ("supervisor",)).run(ds)


@for_statistics
def kpi_inputs(
    ds: Dataset, filters: Filters, k: KPI, by: tuple[str, ...], repeat_days: int = 30
) -> pd.DataFrame:
    """One KPI's inputs per group: the `by` columns, num, den, sq (rates and means only).

    The same aggregation as metrics.kpi_table (sum, count and sum of squares of the
    registry's per-row expression over the filtered ticket or survey rows), for one KPI
    instead of all: grouping by many dimensions at once stays cheap. Per agent, skill and
    week over all the data it reads the weekly tables (`scoring.measures.weekly`) where a
    build has them. Names in the SQL come from the contract and the registry, quoted;
    values travel as parameters.
    """
    result = inputs_statement(ds, filters, k, by, repeat_days).run(ds)
    for column in ("num", "den", "sq"):
        result[column] = result[column].fillna(0).astype(float)
    return result


def inputs_statement(
    ds: Dataset, filters: Filters, k: KPI, by: tuple[str, ...], repeat_days: int = 30
) -> Statement:
    """The statement of `kpi_inputs` (num, den and sq may be NULL where den is 0)."""
    unknown = [c for c in by if c not in TICKET_DIMENSIONS]
    if unknown or k.kind not in ("rate", "mean") or k.grain not in ("ticket", "survey"):
        raise ValueError(f"cannot aggregate {k.id} by {by}")
    statement = weekly.answer(ds, filters, k, by, repeat_days)
    if statement is None:
        q = Query(ds, filters, repeat_days)
        measures = moments(k.expr, "num", "den", "sq")
        statement = q.select(q.grouped(_rows(q, k), by, measures))
    return statement


def _rows(q: Query, k: KPI) -> str:
    """The rows `k` aggregates: its grain's, without the columns over every row of the
    filter (`Query.ticket_rows`, materialised) where its expression needs none of them (a
    third less time for the fine cells at 10M tickets)."""
    if k.expr in SEGMENT_RELATIVE:
        return q.grain_rows(k.grain)
    return q.ticket_base() if k.grain == "ticket" else q.survey_rows(q.ticket_base())
