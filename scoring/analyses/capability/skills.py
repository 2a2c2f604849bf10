"""The agent × skill matrix (shrunk cells against a reference, significant and material
gaps) and the training needs it gives, per agent and per team, with a suggested course."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.analyses.capability.case_mix import mix_dimensions, ticket_cells
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


def _pairs(fine: pd.DataFrame, dimension: str) -> tuple[np.ndarray, np.ndarray, pd.MultiIndex]:
    """Each row's (agent, skill of `dimension`) pair and its agent, as codes, and the pairs."""
    agents, agent_ids = pd.factorize(fine["agent_id"])
    skills, skill_ids = pd.factorize(fine[dimension])
    keys, pairs = np.unique(agents * len(skill_ids) + skills, return_inverse=True)
    index = pd.MultiIndex.from_arrays(
        [agent_ids[keys // len(skill_ids)], skill_ids[keys % len(skill_ids)]],
        names=["agent_id", dimension],
    )
    return pairs, agents, index


def _rest_entries(pairs: np.ndarray, agents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pair, row) for every pair of the row codes `pairs` and every row of the pair's agent
    (`agents`) outside the pair: the agent's *other* cases, whose level moves the reference."""
    n_pairs = pairs.max() + 1
    pair_agent = np.empty(n_pairs, dtype=np.int64)
    pair_agent[pairs] = agents
    by_agent = np.argsort(agents, kind="stable")
    rows_of_agent = np.bincount(agents)
    first_row = np.cumsum(rows_of_agent) - rows_of_agent
    counts = rows_of_agent[pair_agent]
    entry_pair = np.repeat(np.arange(n_pairs), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    entry_row = by_agent[np.repeat(first_row[pair_agent], counts) + offset]
    rest = pairs[entry_row] != entry_pair
    return entry_pair[rest], entry_row[rest]


def _logit_shifts(
    den: np.ndarray,
    logits: np.ndarray,
    pair: np.ndarray,
    prior: tuple[float, float],
    observed: np.ndarray,
) -> np.ndarray:
    """Per pair, δ with Σ den·σ(logit + δ) over the pair's entries + n·σ(ℓ + δ) of the prior
    (n, ℓ) = observed: Newton's method from 0 for every pair at once, each pair stopped as if
    alone (at a flat slope, or after a step under 1e-9; at most 50 steps; monotone in δ)."""
    n_pairs = len(observed)
    prior_den, prior_logit = prior
    delta = np.zeros(n_pairs)
    active = np.ones(n_pairs, dtype=bool)
    for _ in range(50):
        if np.count_nonzero(active[pair]) < len(pair) // 2:  # fewer entries to evaluate
            keep = active[pair]
            den, logits, pair = den[keep], logits[keep], pair[keep]
        p = _sigmoid(logits + delta[pair])
        p_prior = _sigmoid(prior_logit + delta)
        f = np.bincount(pair, den * p, n_pairs) + prior_den * p_prior - observed
        slope = np.bincount(pair, den * p * (1 - p), n_pairs) + prior_den * p_prior * (1 - p_prior)
        active &= slope > 1e-12
        step = np.clip(np.divide(f, slope, out=np.zeros(n_pairs), where=active), -5.0, 5.0)
        delta -= step
        active &= np.abs(step) >= 1e-9
        if not active.any():
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
    many more cases than the skill's) is not propagated to the interval. Every pair at once
    (the agent's other cases as entries of `_rest_entries`), in numpy.
    """
    overall = float(fine["num"].sum() / fine["den"].sum()) if fine["den"].sum() > 0 else 0.0
    if fine.empty:
        return pd.Series(dtype=float)
    den = fine["den"].to_numpy(float)
    num = fine["num"].to_numpy(float)
    peer = fine["peer_value"].to_numpy(float)
    pairs, agents, index = _pairs(fine, dimension)
    rest_pair, rest_row = _rest_entries(pairs, agents)
    n_pairs = len(index)
    rest_num = np.bincount(rest_pair, num[rest_row], n_pairs)
    if kind == "rate":
        logits = _logit(peer)
        observed = rest_num + min_cases * overall
        prior = (float(min_cases), float(_logit(np.array([overall]))[0]))
        delta = _logit_shifts(den[rest_row], logits[rest_row], rest_pair, prior, observed)
        value = np.bincount(pairs, den * _sigmoid(logits + delta[pairs]), n_pairs)
    else:
        c = min_cases * overall
        expected_rest = np.bincount(rest_pair, (den * peer)[rest_row], n_pairs)
        ratio = (rest_num + c) / (expected_rest + c)
        value = ratio * np.bincount(pairs, den * peer, n_pairs)
    return pd.Series(value / np.bincount(pairs, den, n_pairs), index=index, dtype=float)


def _mix_cells(fine: pd.DataFrame, mix: tuple[str, ...]) -> pd.DataFrame:
    """The fine cells summed per agent and case-mix cell (their peer value is the cell's):
    the same references for a skill of the case mix from fewer rows."""
    return fine.groupby(["agent_id", *mix], as_index=False, sort=False, observed=True).agg(
        num=("num", "sum"), den=("den", "sum"), peer_value=("peer_value", "first")
    )


@for_statistics
def skill_matrix(
    ds: Dataset,
    filters: Filters,
    kpi_id: str = "fcr",
    repeat_days: int = 30,
    config: CapabilityConfig = DEFAULT_CONFIG,
    baseline: str = "specific",
    cells: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Long agent × skill table (MATRIX_COLUMNS), one row per agent and skill they handled.

    Ticket skills are measured by `kpi_id`; competencies by the mean 360 rating from others
    (reviewer_role ≠ self). `peer` is the reference the cell is compared with (see `_cells`
    for the two baselines); gap is signed so that negative means worse, in the measure's
    units (rate points, rating points, minutes).

    Priors and references are fitted over the filter's agents: give it the population
    (`Filters.population()`), so that a team is compared with the department, and show its
    rows through the visible scope. `cells`: the filter's `ticket_cells` where the caller
    has them (the case mix reads the same), else they are read.
    """
    k = KPIS_BY_ID[kpi_id]
    if k.id not in SKILL_KPIS:
        raise ValueError(f"{kpi_id} is not a skill KPI (known: {', '.join(SKILL_KPIS)})")
    parts = []
    if k in skill_kpis(ds):
        fine = ticket_cells(ds, filters, k.id, repeat_days) if cells is None else cells
        mix = mix_dimensions(ds)
        per_mix = _mix_cells(fine, mix)
        for dimension in skill_dimensions(ds):
            if dimension == COMPETENCY:
                continue
            grouped = fine.groupby(["agent_id", dimension], as_index=False, observed=True)[
                ["num", "den", "sq", "exp"]
            ].sum()
            grouped = grouped[grouped[dimension] != "∅"]
            cells = per_mix if dimension in mix else fine
            refs = _specific_refs(cells, dimension, _kind(k), config.min_cases)
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


def _suggestions(catalogue: pd.DataFrame) -> dict[str, str]:
    """Skill → the courses covering it, most taken first (the catalogue's order), joined;
    a skill no course covers has none."""
    return {skill: "; ".join(group["course"]) for skill, group in catalogue.groupby("skill")}


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
    suggestions = _suggestions(catalogue)  # once, not once per weak cell (0.7 s at 10M)
    weak["course"] = [suggestions.get(s) for s in weak["skill"]]
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
