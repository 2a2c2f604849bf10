"""The agent × skill matrix (shrunk cells against a reference, significant and material
gaps) and the training needs it gives, per agent and per team, with a suggested course."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.analyses.capability.case_mix import ticket_cells
from scoring.analyses.capability.common import (
    COMPETENCY,
    DEFAULT_CONFIG,
    SKILL_KPIS,
    CapabilityConfig,
    _kind,
    _roster,
    skill_dimensions,
    skill_kpis,
)
from scoring.analyses.capability.feedback import competency_inputs
from scoring.analyses.diagnostics import agent_labels
from scoring.data.dataset import Dataset
from scoring.measures.metrics import Filters
from scoring.methods import shrinkage, stats
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import Visible, for_statistics, shows_rows

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

BASELINES = ("specific", "peers")


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
    config: CapabilityConfig = DEFAULT_CONFIG,
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
        ratings = competency_inputs(ds, filters)
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


# --- Training needs and courses ----------------------------------------------------------


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


# A group session needs at least this many agents of a team with the same need; a need of
# one agent is individual coaching (the needs table and the coaching plan list it).
MIN_GROUP_SIZE = 2


@shows_rows
def team_needs(needs: pd.DataFrame, visible: Visible) -> pd.DataFrame:
    """Needs shared by at least MIN_GROUP_SIZE visible agents of a team (group training):
    team, skill, agents, their ids (`agent_ids`) and "name (id)" (`members`), impact,
    course. Only visible agents are counted and listed (texts the scope check cannot read,
    so they are kept before grouping)."""
    columns = ["team", "dimension", "skill", "agents", "agent_ids", "members", "impact", "course"]
    needs = visible.keep(needs)
    if needs.empty:
        return pd.DataFrame(columns=columns)
    needs = needs.sort_values("agent_id")
    needs = needs.assign(member=agent_labels(needs["name"], needs["agent_id"]))
    grouped = needs.groupby(["team", "dimension", "skill"], as_index=False, dropna=False).agg(
        agents=("agent_id", "count"),
        agent_ids=("agent_id", ", ".join),
        members=("member", ", ".join),
        impact=("impact", lambda v: v.sum(min_count=1)),
        course=("course", "first"),
    )
    grouped = grouped[grouped["agents"] >= MIN_GROUP_SIZE]
    return grouped.sort_values(
        ["agents", "impact"], ascending=[False, False], na_position="last"
    ).reset_index(drop=True)[columns]
