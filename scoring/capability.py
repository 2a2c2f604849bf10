"""Capability gaps (能力差距): who needs which training, with the evidence.

Everything here is a pure function of the dataset and a filter; the Capability page only
renders it. Statistics (peer references, priors, case-mix expected values and ranks, the
untrained control group) are computed over the population (`Filters.population()`), so a
supervisor sees the same numbers as leadership filtered to the supervisor's teams; what
is shown comes out through the visible scope (`scoring.scope`). The pieces:

- `skill_matrix`: an agent × skill table. Skills are ticket categories, channels, products
  (a KPI measured on the agent's tickets of that skill) and 360 competencies (the mean
  rating by others). Each cell is shrunk towards the skill's group of agents (empirical
  Bayes, METHODS.md "Small samples": a beta-binomial prior fitted per skill for rates, a
  Bayesian average for means) and carries a credible interval. The peer value is the
  pooled value of the *other* agents handling that skill. A gap is significant only when
  the interval excludes the peer value and the agent has at least `min_cases` cases.
- `case_mix`: observed versus expected KPI per agent by indirect standardisation: the
  expected value is what the agent's peers achieve on the same mix of tickets (category ×
  channel × priority × segment cells), so an agent who takes the hard tickets is not
  penalised (Breslow & Day, "Statistical Methods in Cancer Research II", IARC 1987, ch. 2;
  Iezzoni, "Risk Adjustment for Measuring Health Care Outcomes", 4th ed. 2013).
- `training_needs` / `team_needs`: significant weak gaps ranked by impact = tickets affected
  per month × gap size, with a suggested course from the training table.
- `training_effects`: KPI of the trained skill before vs after a completed course, next to
  how untrained peers moved over the same weeks: difference-in-differences (METHODS.md).
- `feedback_360` / `blind_spots`: mean rating per role and competency; self well above
  others flagged.
- `coaching_plan`: per agent and gap, the evidence, a suggested course and the owner.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import shrinkage, stats
from .dataset import Dataset
from .kpis import KPI, KPIS_BY_ID
from .metrics import TICKET_DIMENSIONS, Filters, available_kpis, data_range, ticket_rows_cte
from .scope import EVERYTHING, Visible, for_statistics, shows_rows
from .scorecard import KpiMatrix
from .sql import ident

# KPIs a skill can be measured by (ids of the registry).
SKILL_KPIS = ("fcr", "csat", "handle_minutes", "repeat_rate")
TICKET_SKILL_DIMENSIONS = ("category", "channel", "product")
COMPETENCY = "competency"  # the dimension of 360 competencies
SKILL_DIMENSION_IDS = (*TICKET_SKILL_DIMENSIONS, COMPETENCY)
EFFECT_WINDOW_DAYS = 120  # days before / after a course compared by training_effects
CASE_MIX_DIMENSIONS = ("category", "channel", "priority", "customer_segment")
ROLES = ("self", "supervisor", "peer", "subordinate", "customer")
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


MATRIX_COLUMNS = [
    "agent_id",
    "name",
    "team",
    "dimension",
    "skill",
    "cases",
    "raw",
    "shrunk",
    "lo",
    "hi",
    "peer",
    "gap",
    "enough",
    "significant",
    "weak",
    "strong",
]


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


# --- Shrinkage of one group of agents ---------------------------------------------------


def _shrink_group(
    kind: str, num: np.ndarray, den: np.ndarray, sq: np.ndarray | None, level: float
) -> dict[str, np.ndarray]:
    """Raw, shrunk, interval and leave-one-out peer value for the agents of one skill.

    kind "rate": beta prior fitted to the agents by stats.fit_beta_prior, posterior mean
    (stats.shrink_rate) and equal-tailed credible interval (stats.beta_credible_interval).
    kind "mean": Bayesian average with the prior weight of shrinkage.mean_prior_weight and
    the normal interval of stats.bayesian_average_interval.
    peer = (Σ num − num_i) / (Σ den − den_i): the pooled value of the other agents.
    """
    has = den > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(has, num / np.where(has, den, 1), np.nan)
        peer_den = den[has].sum() - den
        peer = np.where(peer_den > 0, (num[has].sum() - num) / peer_den, np.nan)
    if not has.any():
        nan = np.full(len(num), np.nan)
        return {"raw": raw, "shrunk": nan, "lo": nan, "hi": nan, "peer": peer}
    if kind == "rate":
        alpha, beta = stats.fit_beta_prior(num[has], den[has])
        shrunk = np.asarray(stats.shrink_rate(num, den, alpha, beta), dtype=float)
        lo, hi = stats.beta_credible_interval(num, den, alpha, beta, level)
    else:
        prior_mean = float(num[has].sum() / den[has].sum())
        weight = shrinkage.mean_prior_weight(num[has], sq[has], den[has])
        shrunk = np.asarray(stats.bayesian_average(num, den, prior_mean, weight), dtype=float)
        lo, hi = stats.bayesian_average_interval(num, sq, den, prior_mean, weight, level)
    keep = lambda v: np.where(has, np.asarray(v, dtype=float), np.nan)  # noqa: E731
    return {"raw": raw, "shrunk": keep(shrunk), "lo": keep(lo), "hi": keep(hi), "peer": peer}


def _kind(k: KPI) -> str:
    return "rate" if k.kind == "rate" else "mean"


BASELINES = ("specific", "peers")


def _cells(
    frame: pd.DataFrame,
    dimension: str,
    kind: str,
    higher_is_better: bool,
    min_cases: int,
    level: float,
    baseline: str,
    margin_fraction: float,
) -> pd.DataFrame:
    """Shrunk cells of one dimension from per (agent_id, skill) inputs num, den, sq, and
    `ref` (the "specific" reference of `_specific_refs`).

    baseline "peers": the reference is the pooled value of the other agents in the skill.
    baseline "specific": the reference is `ref`, what peers achieve on the agent's mix of
    cases in this skill, moved by the agent's own level on their other skills.
    """
    parts = []
    for skill, group in frame.groupby("skill", sort=True):
        num = group["num"].fillna(0).to_numpy(float)
        den = group["den"].fillna(0).to_numpy(float)
        sq = group["sq"].fillna(0).to_numpy(float) if "sq" in group else None
        values = _shrink_group(kind, num, den, sq, level)
        part = pd.DataFrame(
            {"agent_id": group["agent_id"].to_numpy(), "skill": skill, "cases": den, **values}
        )
        if baseline == "specific":
            part["peer"] = group["ref"].to_numpy(float)
        elif baseline != "peers":
            raise ValueError(f"unknown baseline {baseline!r} (known: {', '.join(BASELINES)})")
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    cells = pd.concat(parts, ignore_index=True)
    cells["dimension"] = dimension
    sign = 1.0 if higher_is_better else -1.0
    cells["gap"] = sign * (cells["shrunk"] - cells["peer"])  # < 0: worse than the reference
    cells["enough"] = cells["cases"] >= min_cases
    excludes = (cells["lo"] > cells["peer"]) | (cells["hi"] < cells["peer"])
    cells["significant"] = cells["enough"] & excludes.fillna(False)
    # Material: credibly worse by at least the margin (a minimum important difference,
    # as in non-inferiority testing): the whole interval lies beyond reference ∓ margin.
    margin = margin_fraction * cells["peer"].abs()
    if higher_is_better:
        material = cells["hi"] < cells["peer"] - margin
    else:
        material = cells["lo"] > cells["peer"] + margin
    cells["weak"] = cells["significant"] & (cells["gap"] < 0) & material.fillna(False)
    cells["strong"] = cells["significant"] & (cells["gap"] > 0)
    return cells


def _roster(ds: Dataset, filters: Filters) -> pd.DataFrame:
    """Agents in the filter's team/agent scope: agent_id, name, team."""
    return ds.query(
        "SELECT agent_id, name, team FROM agents "
        "WHERE (len($teams) = 0 OR list_contains($teams, team)) "
        "AND (len($agents) = 0 OR list_contains($agents, agent_id)) ORDER BY agent_id",
        {"teams": list(filters.teams), "agents": list(filters.agents)},
    )


@shows_rows
def agents(ds: Dataset, visible: Visible) -> pd.DataFrame:
    """The agents that may be shown: agent_id, name, team, supervisor (None if absent)."""
    supervisor = "supervisor" if ds.has("agents", "supervisor") else "NULL"
    params: dict = {}
    return ds.query(
        f"SELECT agent_id, name, team, {supervisor} AS supervisor FROM agents "
        f"WHERE {visible.sql(params)} ORDER BY agent_id",
        params,
    )


def mix_dimensions(ds: Dataset) -> tuple[str, ...]:
    """The case-mix dimensions the dataset has (category and channel are required)."""
    return tuple(d for d in CASE_MIX_DIMENSIONS if ds.has("tickets", d))


@for_statistics
def kpi_inputs(
    ds: Dataset, filters: Filters, k: KPI, by: tuple[str, ...], repeat_days: int = 30
) -> pd.DataFrame:
    """One KPI's inputs per group: the `by` columns, num, den, sq (rates and means only).

    The same aggregation as metrics.kpi_table (sum, count and sum of squares of the
    registry's per-row expression over the filtered ticket or survey rows), for one KPI
    instead of all: grouping by many dimensions at once stays cheap. Names in the SQL come
    from the contract and the registry, quoted; values travel as parameters.
    """
    unknown = [c for c in by if c not in TICKET_DIMENSIONS]
    if unknown or k.kind not in ("rate", "mean") or k.grain not in ("ticket", "survey"):
        raise ValueError(f"cannot aggregate {k.id} by {by}")
    params: dict = {}
    head = ticket_rows_cte(ds, filters, params, repeat_days)
    rows = (
        "SELECT * FROM ticket_rows"
        if k.grain == "ticket"
        else "SELECT s.*, r.* EXCLUDE (ticket_id, _source, _row) "
        "FROM surveys s JOIN ticket_rows r USING (ticket_id)"
    )
    keys = ", ".join(ident(c) for c in by)
    value = f"CAST(({k.expr}) AS DOUBLE)"
    sql = (
        f"WITH {head} SELECT {keys}, sum({value}) AS num, count({value}) AS den, "
        f"sum({value} * {value}) AS sq FROM ({rows}) GROUP BY {keys}"
    )
    result = ds.query(sql, params)
    for column in ("num", "den", "sq"):
        result[column] = result[column].fillna(0).astype(float)
    return result


@for_statistics
def ticket_cells(ds: Dataset, filters: Filters, kpi_id: str, repeat_days: int = 30) -> pd.DataFrame:
    """The KPI's inputs per agent and fine cell (case-mix dimensions and product), with
    `exp`: the cell's cases times the peers' value in the case-mix cell.

    Columns: agent_id, the dimensions, num, den, sq, peer_value, exp. Indirect
    standardisation (Breslow & Day 1987): the reference value of a case-mix cell (category
    × channel × priority × segment) is the pooled value of the *other* agents in that cell;
    where no other agent handled the cell, the agent's own value (no evidence either way).
    """
    k = KPIS_BY_ID[kpi_id]
    mix = mix_dimensions(ds)
    fine = mix + (("product",) if ds.has("tickets", "product") else ())
    cells = kpi_inputs(ds, filters, k, ("agent_id", *fine), repeat_days)
    cells = cells[cells["den"] > 0].reset_index(drop=True)
    keys = [c for c in mix]
    for c in fine:
        cells[c] = cells[c].astype(object).where(cells[c].notna(), "∅")
    cell_tot = cells.groupby(keys)[["num", "den"]].transform("sum")
    own = cells.groupby(["agent_id", *keys])[["num", "den"]].transform("sum")
    peer_den = cell_tot["den"] - own["den"]
    own_value = own["num"] / own["den"]
    peer_value = (cell_tot["num"] - own["num"]) / peer_den.where(peer_den > 0)
    cells["peer_value"] = peer_value.fillna(own_value)
    cells["exp"] = cells["den"] * cells["peer_value"]
    return cells


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _logit_shift(den: np.ndarray, logits: np.ndarray, observed: float) -> float:
    """δ with Σ den·σ(logit + δ) = observed (Newton's method; monotone in δ)."""
    delta = 0.0
    for _ in range(50):
        p = _sigmoid(logits + delta)
        f = float(np.sum(den * p)) - observed
        slope = float(np.sum(den * p * (1 - p)))
        if slope <= 1e-12:
            break
        step = max(min(f / slope, 5.0), -5.0)
        delta -= step
        if abs(step) < 1e-9:
            break
    return delta


def _specific_refs(fine: pd.DataFrame, dimension: str, kind: str, min_cases: int) -> pd.Series:
    """The "specific" reference of each (agent, skill of `dimension`), indexed like that.

    What the agent's peers achieve on the agent's own cases of the skill (the case-mix cells'
    peer values), moved by the agent's level on their *other* skills of the dimension:
    - rates: a shift δ on the log-odds scale, fitted so that the agent's other cases'
      expected successes Σ den·σ(logit(peer) + δ) equal the observed ones (the logistic
      form of indirect standardisation); reference = Σ den·σ(logit(peer) + δ) / Σ den over
      the skill's cases;
    - means: a ratio R = O_rest / E_rest; reference = R · E_skill / cases.
    `min_cases` pseudo-cases at the peers' value (δ = 0, R = 1) are added to the rest, so a
    thin rest pulls the agent's level towards the peers'. The uncertainty of δ or R (from
    many more cases than the skill's) is not propagated to the interval.
    """
    overall = float(fine["num"].sum() / fine["den"].sum()) if fine["den"].sum() > 0 else 0.0
    refs = {}
    for agent_id, rows in fine.groupby("agent_id", sort=False):
        den = rows["den"].to_numpy(float)
        num = rows["num"].to_numpy(float)
        peer = rows["peer_value"].to_numpy(float)
        skills = rows[dimension].to_numpy()
        for skill in np.unique(skills):
            inside = skills == skill
            rest = ~inside
            if kind == "rate":
                logits = _logit(peer)
                rest_den = np.append(den[rest], min_cases)
                rest_logits = np.append(logits[rest], _logit(np.array([overall]))[0])
                observed = float(num[rest].sum()) + min_cases * overall
                delta = _logit_shift(rest_den, rest_logits, observed)
                value = np.sum(den[inside] * _sigmoid(logits[inside] + delta))
            else:
                c = min_cases * overall
                ratio = (num[rest].sum() + c) / (np.sum(den[rest] * peer[rest]) + c)
                value = ratio * np.sum(den[inside] * peer[inside])
            refs[(agent_id, skill)] = float(value / den[inside].sum())
    return pd.Series(refs, dtype=float)


@for_statistics
def skill_matrix(
    ds: Dataset,
    filters: Filters,
    kpi_id: str = "fcr",
    repeat_days: int = 30,
    config: CapabilityConfig = CapabilityConfig(),
    baseline: str = "specific",
) -> pd.DataFrame:
    """Long agent × skill table (MATRIX_COLUMNS), one row per agent and skill they handled.

    Ticket skills are measured by `kpi_id`; competencies by the mean 360 rating from others
    (reviewer_role ≠ self). `peer` is the reference the cell is compared with (see `_cells`
    for the two baselines); gap is signed so that negative means worse, in the measure's
    units (rate points, rating points, minutes).

    Priors and references are fitted over the filter's agents: give it the population
    (`Filters.population()`), so that a team is compared with the department, and show its
    rows through the visible scope.
    """
    k = KPIS_BY_ID[kpi_id]
    if k.id not in SKILL_KPIS:
        raise ValueError(f"{kpi_id} is not a skill KPI (known: {', '.join(SKILL_KPIS)})")
    parts = []
    if k in skill_kpis(ds):
        fine = ticket_cells(ds, filters, k.id, repeat_days)
        for dimension in skill_dimensions(ds):
            if dimension == COMPETENCY:
                continue
            grouped = fine.groupby(["agent_id", dimension], as_index=False)[
                ["num", "den", "sq", "exp"]
            ].sum()
            grouped = grouped[grouped[dimension] != "∅"]
            refs = _specific_refs(fine, dimension, _kind(k), config.min_cases)
            index = pd.MultiIndex.from_frame(grouped[["agent_id", dimension]])
            grouped["ref"] = refs.reindex(index).to_numpy()
            grouped = grouped.rename(columns={dimension: "skill"})
            if k.kind != "mean":
                grouped = grouped.drop(columns=["sq"])
            parts.append(
                _cells(
                    grouped,
                    dimension,
                    _kind(k),
                    k.higher_is_better,
                    config.min_cases,
                    config.level,
                    baseline,
                    config.margin(k.id),
                )
            )
    if ds.has("feedback_360"):
        ratings = _competency_inputs(ds, filters)
        if not ratings.empty:
            totals = ratings.groupby("skill")[["num", "den"]].transform("sum")
            peer_den = totals["den"] - ratings["den"]
            ratings["peer_value"] = (
                (totals["num"] - ratings["num"]) / peer_den.where(peer_den > 0)
            ).fillna(ratings["num"] / ratings["den"])
            refs = _specific_refs(ratings, "skill", "mean", config.min_ratings)
            index = pd.MultiIndex.from_frame(ratings[["agent_id", "skill"]])
            ratings["ref"] = refs.reindex(index).to_numpy()
            parts.append(
                _cells(
                    ratings,
                    COMPETENCY,
                    "mean",
                    True,
                    config.min_ratings,
                    config.level,
                    baseline,
                    config.margin(COMPETENCY),
                )
            )
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    cells = pd.concat(parts, ignore_index=True)
    cells = _roster(ds, filters).merge(cells, on="agent_id", how="inner")
    return cells[MATRIX_COLUMNS].sort_values(["agent_id", "dimension", "skill"], ignore_index=True)


# --- 360 feedback ---------------------------------------------------------------------------

# A rating period (2026-Q3 or 2026-07) as its first and last day.
_PERIOD_START = (
    "CASE WHEN period LIKE '%Q%' THEN make_date(CAST(left(period, 4) AS INT), "
    "(CAST(right(period, 1) AS INT) - 1) * 3 + 1, 1) "
    "ELSE make_date(CAST(left(period, 4) AS INT), CAST(right(period, 2) AS INT), 1) END"
)
_PERIOD_MONTHS = "CASE WHEN period LIKE '%Q%' THEN 3 ELSE 1 END"


def _ratings(ds: Dataset, filters: Filters, visible: Visible) -> pd.DataFrame:
    """360 ratings of the agents in the filter's team/agent scope that `visible` allows,
    whose period overlaps the date range: agent_id, team, role, competency, score. Never
    the reviewer: who gave a rating is not shown to anyone."""
    params: dict = {"teams": list(filters.teams), "agents": list(filters.agents)}
    clauses = []
    if filters.start:
        params["start_date"] = filters.start
        clauses.append("period_end >= $start_date")
    if filters.end:
        params["end_date"] = filters.end
        clauses.append("period_start <= $end_date")
    where = " AND ".join(clauses) or "true"
    sql = f"""
        SELECT reviewee_id AS agent_id, team, reviewer_role AS role, competency, score FROM (
            SELECT f.*, a.team, {_PERIOD_START} AS period_start,
                CAST({_PERIOD_START} + to_months({_PERIOD_MONTHS}) - INTERVAL 1 DAY AS DATE)
                    AS period_end
            FROM feedback_360 f JOIN agents a ON f.reviewee_id = a.agent_id
            WHERE (len($teams) = 0 OR list_contains($teams, a.team))
              AND (len($agents) = 0 OR list_contains($agents, a.agent_id))
              AND {visible.sql(params, "a.")})
        WHERE {where}"""
    return ds.query(sql, params)


def _competency_inputs(ds: Dataset, filters: Filters) -> pd.DataFrame:
    """Per agent and competency: sum, sum of squares and count of others' ratings."""
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
    ds: Dataset, filters: Filters, visible: Visible, config: CapabilityConfig = CapabilityConfig()
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


# --- Case-mix adjustment ------------------------------------------------------------------


@for_statistics
def case_mix(ds: Dataset, filters: Filters, kpi_id: str, repeat_days: int = 30) -> pd.DataFrame:
    """Observed versus expected KPI per agent, by indirect standardisation.

    expected = Σ over the agent's cases of the peers' value in the case's cell (category ×
    channel × priority × segment, those present) / cases: what the agent's peers would
    have achieved on the same mix of work (Breslow & Day 1987, ch. 2; Iezzoni 2013).
    ratio = observed / expected (the standardised ratio, like an SMR) and difference =
    observed − expected, in the KPI's direction as stored (lower is better for handle time
    and repeat rate). adjusted = ratio × the department's value: the indirectly
    standardised value, comparable across agents who take different work (clipped to
    [0, 1] for rates). Ranks: 1 = best, raw and adjusted.
    Peers, the department value and the ranks are those of the filter's agents: give it the
    population and show its rows through the visible scope.
    """
    k = KPIS_BY_ID[kpi_id]
    columns = [
        "agent_id",
        "name",
        "team",
        "cases",
        "observed",
        "expected",
        "ratio",
        "difference",
        "adjusted",
        "raw_rank",
        "adjusted_rank",
    ]
    if k not in skill_kpis(ds):
        return pd.DataFrame(columns=columns)
    fine = ticket_cells(ds, filters, k.id, repeat_days)
    per_agent = fine.groupby("agent_id")[["num", "den", "exp"]].sum()
    roster = _roster(ds, filters).set_index("agent_id")
    per_agent = per_agent[per_agent["den"] > 0].join(roster[["name", "team"]], how="inner")
    total_den = per_agent["den"].sum()
    department = per_agent["num"].sum() / total_den if total_den > 0 else math.nan
    out = pd.DataFrame(
        {
            "agent_id": per_agent.index,
            "name": per_agent["name"].to_numpy(),
            "team": per_agent["team"].to_numpy(),
            "cases": per_agent["den"].to_numpy(),
            "observed": (per_agent["num"] / per_agent["den"]).to_numpy(),
            "expected": (per_agent["exp"] / per_agent["den"]).to_numpy(),
        }
    )
    out["ratio"] = out["observed"] / out["expected"].where(out["expected"] > 0)
    out["difference"] = out["observed"] - out["expected"]
    out["adjusted"] = out["ratio"] * department
    if k.kind == "rate":
        out["adjusted"] = out["adjusted"].clip(0, 1)
    ascending = not k.higher_is_better
    out["raw_rank"] = out["observed"].rank(ascending=ascending, method="min").astype("Int64")
    out["adjusted_rank"] = out["adjusted"].rank(ascending=ascending, method="min").astype("Int64")
    return out[columns].reset_index(drop=True)


@for_statistics
def case_mix_matrix(
    matrix: KpiMatrix, ds: Dataset, filters: Filters, repeat_days: int = 30
) -> KpiMatrix:
    """A copy of a scorecard KpiMatrix with the skill KPIs case-mix adjusted.

    For each KPI of SKILL_KPIS in the matrix, each agent's raw value `<id>` becomes the
    indirectly standardised value of `case_mix` (observed/expected × department), and the
    shrunk value and interval `<id>_shrunk`, `<id>_lo`, `<id>_hi` are scaled by the same
    factor department/expected (rates clipped to [0, 1]). Numerators, denominators and
    every other KPI are unchanged, so `scorecard.score` scores it like any other matrix and
    `explain` still shows the cases behind each value. The matrix's agents are matched by
    agent_id; an agent without cases keeps NaN.
    """
    frame = matrix.frame.copy()
    for k in matrix.kpis:
        if k.id not in SKILL_KPIS:
            continue
        mix = case_mix(ds, filters, k.id, repeat_days).set_index("agent_id")
        if mix.empty:
            continue
        total = mix["cases"].sum()
        department = float((mix["observed"] * mix["cases"]).sum() / total) if total else math.nan
        factor = (department / mix["expected"].where(mix["expected"] > 0)).reindex(
            frame["agent_id"]
        )
        factor = factor.to_numpy(float)
        for column in (k.id, f"{k.id}_shrunk", f"{k.id}_lo", f"{k.id}_hi"):
            if column in frame:
                values = frame[column].to_numpy(float) * factor
                frame[column] = np.clip(values, 0, 1) if k.kind == "rate" else values
    return KpiMatrix(frame, matrix.kpis, matrix.unavailable, matrix.priors)


# --- Training needs, courses and the coaching plan -----------------------------------------


@for_statistics
def courses(ds: Dataset) -> pd.DataFrame:
    """Courses per skill from the training table: skill, course, completions."""
    if not ds.has("training"):
        return pd.DataFrame(columns=["skill", "course", "completions"])
    return ds.query(
        "SELECT skill, course, count(*) AS completions FROM training "
        "GROUP BY skill, course ORDER BY skill, completions DESC, course"
    )


def _suggested(catalogue: pd.DataFrame, skill: str) -> str | None:
    """The courses covering a skill, most taken first (None when no course covers it)."""
    names = catalogue.loc[catalogue["skill"] == skill, "course"].tolist()
    return "; ".join(names) if names else None


NEEDS_COLUMNS = [
    "agent_id",
    "name",
    "team",
    "dimension",
    "skill",
    "cases",
    "per_month",
    "value",
    "lo",
    "hi",
    "reference",
    "gap",
    "impact",
    "course",
]


@shows_rows
def training_needs(
    matrix: pd.DataFrame, catalogue: pd.DataFrame, months: float, visible: Visible
) -> pd.DataFrame:
    """The weak cells of the visible agents in a skill matrix (of the population: gaps
    are against the department) ranked by impact, with a suggested course.

    impact = cases per month in the skill × |gap|: for a rate, the cases per month that go
    wrong because of the gap (e.g. tickets not solved at first contact); for a mean, the
    rating points or minutes lost per month. 360 competencies have no cases per month and
    are listed after the ticket skills, by gap. Evidence: cases, the shrunk value and its
    interval, and the reference it is compared with.
    """
    weak = visible.keep(matrix[matrix["weak"]])
    if weak.empty:
        return pd.DataFrame(columns=NEEDS_COLUMNS)
    ticket = weak["dimension"] != COMPETENCY
    weak["per_month"] = np.where(ticket, weak["cases"] / months, np.nan)
    weak["impact"] = weak["per_month"] * weak["gap"].abs()
    weak["course"] = [_suggested(catalogue, s) for s in weak["skill"]]
    weak = weak.rename(columns={"shrunk": "value", "peer": "reference"})
    weak["_ticket"] = ticket
    weak = weak.sort_values(
        ["_ticket", "impact", "gap"], ascending=[False, False, True], na_position="last"
    )
    return weak[NEEDS_COLUMNS].reset_index(drop=True)


@shows_rows
def team_needs(needs: pd.DataFrame, visible: Visible) -> pd.DataFrame:
    """Needs shared within a visible team (group training): team, skill, agents, impact,
    course. Only visible agents are counted and listed in `agent_ids` (a text the scope
    check cannot read, so they are kept before grouping)."""
    columns = ["team", "dimension", "skill", "agents", "agent_ids", "impact", "course"]
    needs = visible.keep(needs)
    if needs.empty:
        return pd.DataFrame(columns=columns)
    grouped = needs.groupby(["team", "dimension", "skill"], as_index=False, dropna=False).agg(
        agents=("agent_id", "count"),
        agent_ids=("agent_id", lambda ids: ", ".join(sorted(ids))),
        impact=("impact", lambda v: v.sum(min_count=1)),
        course=("course", "first"),
    )
    return grouped.sort_values(
        ["agents", "impact"], ascending=[False, False], na_position="last"
    ).reset_index(drop=True)[columns]


PLAN_COLUMNS = ["agent_id", "name", "team", "owner", "gap", "evidence", "training", "kind"]
PLAN_KINDS = ("training_need", "blind_spot")


@shows_rows
def coaching_plan(
    roster: pd.DataFrame,
    needs: pd.DataFrame,
    spots: pd.DataFrame,
    describe,
    visible: Visible,
) -> pd.DataFrame:
    """One row per visible agent and gap: owner (the agent's supervisor, else the team),
    the gap, its evidence, the suggested training and the kind of gap (PLAN_KINDS: a
    training need, or a 360 blind spot, added as a gap of its own). `roster` is
    `agents(ds, visible)`; `describe(row) -> (gap, evidence)` words either (the page passes
    a translated one)."""
    people = {row.agent_id: row for row in visible.keep(roster).itertuples(index=False)}
    rows = []
    for need in needs.itertuples(index=False):
        gap, evidence = describe(need)
        rows.append((need.agent_id, gap, evidence, need.course, "training_need"))
    for spot in spots[spots["blind_spot"]].itertuples(index=False) if len(spots) else []:
        gap, evidence = describe(spot)
        rows.append((spot.agent_id, gap, evidence, None, "blind_spot"))
    plan = []
    for agent_id, gap, evidence, course, kind in rows:
        agent = people.get(agent_id)
        if agent is None:
            continue
        owner = agent.supervisor if isinstance(agent.supervisor, str) else agent.team
        plan.append((agent_id, agent.name, agent.team, owner, gap, evidence, course, kind))
    frame = pd.DataFrame(plan, columns=PLAN_COLUMNS)
    return frame.sort_values(["team", "agent_id"], kind="stable").reset_index(drop=True)


# --- Training effect ------------------------------------------------------------------------

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


def _mean_var(num: float, den: float, sq: float, kind: str) -> tuple[float, float]:
    """Value and the variance of its estimate: p(1 − p)/n for rates, s²/n for means."""
    if den <= 0:
        return math.nan, math.nan
    value = num / den
    if kind == "rate":
        return value, value * (1 - value) / den
    spread = max(sq / den - value * value, 0.0) * den / max(den - 1, 1)
    return value, spread / den


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
    did = stats.difference_in_differences (METHODS.md) with the interval of the four
    independent estimates; p_value: the trained agent's before/after test
    (stats.two_proportion_z_test for rates; for means a z-test on the change, the
    large-sample form of Welch's test, as only sums are at hand).
    The date filter is ignored (the windows set the dates); other filters apply.
    """
    k = KPIS_BY_ID[kpi_id]
    if not ds.has("training") or k not in skill_kpis(ds):
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    trained = ds.query("SELECT agent_id, skill, course, completed_on FROM training")
    dims = [d for d in TICKET_SKILL_DIMENSIONS if ds.has("tickets", d)]
    undated = filters.population().replace(start=None, end=None)
    z = sps.norm.ppf((1 + level) / 2)
    roster = agents(ds, visible).set_index("agent_id")
    rows = []
    for dimension in dims:
        table = kpi_inputs(ds, undated, k, ("agent_id", dimension, "week"), repeat_days)
        skills = set(table[dimension].dropna().astype(str))
        courses_here = trained[trained["skill"].isin(skills)]
        if courses_here.empty:
            continue
        table["week"] = pd.to_datetime(table["week"]).dt.date
        num, den, sq = "num", "den", ("sq" if k.kind == "mean" else None)
        for course in courses_here.itertuples(index=False):
            if course.agent_id not in roster.index:
                continue
            done = pd.Timestamp(course.completed_on).date()
            done_week = done - timedelta(days=done.weekday())
            same = table[table[dimension] == course.skill]
            before_w = (same["week"] < done_week) & (
                same["week"] >= done_week - timedelta(days=window_days)
            )
            after_w = (same["week"] > done_week) & (
                same["week"] <= done_week + timedelta(days=window_days)
            )
            skill_trainees = set(trained.loc[trained["skill"] == course.skill, "agent_id"])
            mine = same["agent_id"] == course.agent_id
            peers = ~same["agent_id"].isin(skill_trainees)
            estimates = {}
            for name, mask in (
                ("tb", mine & before_w),
                ("ta", mine & after_w),
                ("cb", peers & before_w),
                ("ca", peers & after_w),
            ):
                part = same[mask]
                totals = (
                    float(part[num].sum()),
                    float(part[den].sum()),
                    float(part[sq].sum()) if sq else 0.0,
                )
                estimates[name] = (*_mean_var(*totals, _kind(k)), totals)
            (tb, vtb, tbt), (ta, vta, tat) = estimates["tb"], estimates["ta"]
            (cb, vcb, _), (ca, vca, _) = estimates["cb"], estimates["ca"]
            if not (tbt[1] > 0 and tat[1] > 0):
                continue
            change, se_change = ta - tb, math.sqrt(vta + vtb)
            did = stats.difference_in_differences(tb, ta, cb, ca)
            se_did = math.sqrt(vta + vtb + vca + vcb)
            if _kind(k) == "rate":
                p_value = stats.two_proportion_z_test(tat[0], tat[1], tbt[0], tbt[1]).p_value
            else:
                p_value = float(2 * sps.norm.sf(abs(change) / se_change)) if se_change else 1.0
            rows.append(
                {
                    "agent_id": course.agent_id,
                    "name": roster.loc[course.agent_id, "name"],
                    "team": roster.loc[course.agent_id, "team"],
                    "skill": course.skill,
                    "course": course.course,
                    "completed_on": done,
                    "before": tb,
                    "before_half": z * math.sqrt(vtb),
                    "before_cases": tbt[1],
                    "after": ta,
                    "after_half": z * math.sqrt(vta),
                    "after_cases": tat[1],
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
            )
    frame = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    return frame.sort_values(["completed_on", "agent_id"], ignore_index=True)
