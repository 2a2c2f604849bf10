"""What-if incentive lab (权重模拟): change the weights, see who gains, who loses, what it costs.

Everything here works on KPI matrices that are already built (`scorecard.build_matrix`, cached
by the dashboard), so a weight change never re-reads tickets:

- `rebalance`: weights as percentages that always add up to 100, with locked weights;
- `evaluate`: composite, grade, ranks and payout of every agent under a scoring policy
  (`scoring.engine.policy.Policy`: weights, grading, bonus pool and rule), optionally
  segment-aware (`segment_mix`);
- `compare`: a new policy against a baseline — rank movement, grade-transition matrix with
  the agents in each cell, bonus-boundary crossings, team ranking change, Kendall's tau;
- `monte_carlo`: how robust each agent's grade and rank are to small changes of the weights
  (Dirichlet draws around the chosen weights).

Agents are scored, ranked and paid over the population (the department: one pool for
everyone); `Comparison.visible_to`, `Robustness.visible_to` and `visible_results` give what
a session may be shown (scoring.scope).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from scoring.engine import scorecard
from scoring.engine.policy import SEGMENTS, Policy
from scoring.methods import grading as grading_rules
from scoring.methods import incentives, stats
from scoring.registry.kpis import KPI, PERSPECTIVES
from scoring.scope import Visible, for_statistics, shows_rows

TOTAL = 100.0  # weights are shown as percentages that add up to this
_UNITS = 10  # percentages are kept to one decimal: exact sums in integer tenths
GRADE_STATES = (*grading_rules.GRADES, "insufficient_data")
CROSSINGS = ("", "up", "down")  # no bonus boundary crossed, crossed upwards, downwards
DEFAULT_CONCENTRATION = 100.0
COIN_TOSS = 0.8


# ---------------------------------------------------------------------------------------
# Weights as percentages


def to_percentages(weights: Mapping[str, float], kpi_ids: Iterable[str]) -> dict[str, float]:
    """The weights of these KPIs as percentages (one decimal) adding up to exactly 100.

    Weights of other KPIs are dropped (e.g. KPIs the dataset cannot compute). All zero:
    equal shares. Rounding uses the largest-remainder method, so the sum stays exact.
    """
    ids = list(kpi_ids)
    if not ids:
        return {}
    raw = np.array([max(float(weights.get(k, 0.0)), 0.0) for k in ids])
    if raw.sum() <= 0:
        raw = np.ones(len(ids))
    units = _largest_remainder(raw / raw.sum() * TOTAL * _UNITS, int(TOTAL * _UNITS))
    return {k: u / _UNITS for k, u in zip(ids, units, strict=True)}


def rebalance(
    weights: Mapping[str, float], changed: str, value: float, locked: Iterable[str] = ()
) -> dict[str, float]:
    """Set one weight and let the unlocked others absorb the difference (sum stays 100).

    Pure function. `weights` are percentages adding up to 100 (see `to_percentages`);
    `changed` gets `value`, clipped to what the locked weights leave over. The other
    unlocked weights share the remainder in proportion to their current values (equally
    when they are all zero). With no other unlocked weight the change cannot be absorbed
    and `changed` keeps what is left (100 − locked). Locked weights never move.

    Example: {a: 50, b: 30, c: 20}, a → 60, nothing locked: b and c share 40 as 30:20 →
    {a: 60, b: 24, c: 16}; with c locked: {a: 60, b: 20, c: 20}.
    """
    ids = list(weights)
    if changed not in weights:
        raise KeyError(f"unknown weight '{changed}' (known: {', '.join(ids)})")
    locked_ids = {k for k in locked if k in weights and k != changed}
    free = [k for k in ids if k != changed and k not in locked_ids]
    total_units = int(TOTAL * _UNITS)
    locked_units = sum(round(weights[k] * _UNITS) for k in locked_ids)
    available = max(total_units - locked_units, 0)
    new_units = min(max(round(value * _UNITS), 0), available) if free else available
    result = {k: round(weights[k] * _UNITS) for k in locked_ids}
    result[changed] = new_units
    if free:
        current = np.array([max(weights[k], 0.0) for k in free], dtype=float)
        if current.sum() <= 0:
            current = np.ones(len(free))
        shares = current / current.sum() * (available - new_units)
        result.update(zip(free, _largest_remainder(shares, available - new_units), strict=True))
    return {k: result[k] / _UNITS for k in ids}


def _largest_remainder(shares: np.ndarray, total: int) -> list[int]:
    """Integers adding up to `total`, each the floor of its share plus one for the largest
    remainders (Hamilton's method)."""
    floors = np.floor(shares + 1e-9).astype(int)
    missing = total - int(floors.sum())
    order = np.argsort(-(shares - floors), kind="stable")
    floors[order[:missing]] += 1
    return floors.tolist()


def by_perspective(kpis: Iterable[KPI]) -> dict[str, list[KPI]]:
    """KPIs grouped by balanced-scorecard perspective, in PERSPECTIVES order (empty dropped)."""
    groups: dict[str, list[KPI]] = {p: [] for p in PERSPECTIVES}
    for k in kpis:
        groups[k.perspective].append(k)
    return {p: ks for p, ks in groups.items() if ks}


# ---------------------------------------------------------------------------------------
# One policy → per-agent results


@dataclass(frozen=True)
class Matrices:
    """The cached KPI matrices a policy is scored on: all tickets, and per segment (optional)."""

    all: scorecard.KpiMatrix
    segments: dict[str, scorecard.KpiMatrix] = field(default_factory=dict)


@for_statistics
def evaluate(matrices: Matrices, policy: Policy, explain: bool = True) -> pd.DataFrame:
    """Per agent: composite, coverage, grade, ranks and payout under the policy.

    Plain weights: exactly `scorecard.score` plus `scorecard.allocation`. Segment weights:
    `segment_mix`, then the same grading, ranking and allocation. `payout_explanation`
    holds each agent's payout steps (`incentives.PayoutStep`s: codes and numbers the
    dashboard words); `explain=False` leaves it out (costly to make) for callers that do
    not show it.
    """
    if policy.segment_weights:
        frame = segment_mix(matrices, policy)
    else:
        frame = scorecard.score(matrices.all, policy).frame
    return with_payouts(frame, policy, explain)


@shows_rows
def visible_results(
    matrices: Matrices, policy: Policy, visible: Visible, explain: bool = True
) -> pd.DataFrame:
    """`evaluate` over the department, only the agents `visible` may see: each with their
    department ranks, grade and share of the one pool (what a scenario export holds)."""
    return visible.keep(evaluate(matrices, policy, explain))


@for_statistics
def with_payouts(frame: pd.DataFrame, policy: Policy, explain: bool = True) -> pd.DataFrame:
    """The frame plus `payout` and its steps (insufficient data → no payout)."""
    allocation = scorecard.allocation(frame, policy)
    if not explain:
        return frame.assign(payout=allocation.payouts)
    return frame.assign(payout=allocation.payouts, payout_explanation=allocation.explanations)


@for_statistics
def segment_mix(matrices: Matrices, policy: Policy) -> pd.DataFrame:
    """Segment-aware composite: each segment's tickets scored with that segment's weights.

    Method. Enterprise customers (企业客户) value contract and SLA terms, individual consumers
    (个体消费者) the service experience (docs/METHODS.md, "Segment weights"), so each agent is
    scored twice: on the KPI matrix of their enterprise tickets (built with
    `Filters(segments=("enterprise",))`, shrinkage priors fitted within that segment) using
    the enterprise weights, and on the matrix of their individual tickets using the
    individual weights; each composite follows `scorecard.score` (normalise, re-weight over
    the measurable KPIs). The agent's composite is the ticket-share-weighted mix

        composite = Σ_s  n_s / Σ n  · composite_s,   s ∈ {enterprise, individual},

    n_s the agent's tickets in segment s, over the segments where the agent has a composite
    (a segment without any measurable KPI drops out and the shares are re-normalised).
    Coverage is mixed the same way. The agent is "insufficient data" when their tickets in
    both segments add up to fewer than `min_tickets` or the mixed coverage is below
    `min_coverage`; grades and ranks are then made exactly as in `scorecard.score`, gated
    (Kano's must-be gate) where the agent is gated in either segment.
    """
    parts = []
    for segment in SEGMENTS:
        weights = policy.segment_weights.get(segment, {})
        segment_policy = replace(policy, weights=weights, segment_weights=None)
        card = scorecard.score(matrices.segments[segment], segment_policy)
        parts.append(card.frame.assign(composite=card.measured_composite).set_index("agent_id"))
    agents = matrices.all.frame[scorecard.AGENT_COLUMNS].set_index("agent_id")
    tickets = np.column_stack(
        [p["tickets"].reindex(agents.index).fillna(0).to_numpy(float) for p in parts]
    )
    composite = np.column_stack([p["composite"].reindex(agents.index).to_numpy() for p in parts])
    coverage = np.column_stack([p["coverage"].reindex(agents.index).to_numpy() for p in parts])
    share = np.where(np.isnan(composite), 0.0, tickets)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = share / share.sum(axis=1, keepdims=True)
        mixed = np.nansum(share * np.nan_to_num(composite), axis=1)
        mixed_coverage = np.nansum(share * np.nan_to_num(coverage), axis=1)
    gated = np.column_stack(
        [p["gated"].reindex(agents.index, fill_value=False).to_numpy(bool) for p in parts]
    ).any(axis=1)
    has_score = share.sum(axis=1) > 0
    mixed = np.where(has_score, mixed, np.nan)
    objective = scorecard.objective_scores(matrices.all, policy)
    mixed = scorecard.blended(mixed, objective, policy.objective_share)
    objective = scorecard.objective_column(matrices.all, objective)
    total_tickets = tickets.sum(axis=1).astype("int64")
    insufficient = (total_tickets < policy.min_tickets) | (mixed_coverage < policy.min_coverage)
    return ranked_frame(
        agents.reset_index(), total_tickets, mixed, mixed_coverage, insufficient, gated,
        objective, policy,
    )  # fmt: skip


@for_statistics
def ranked_frame(
    agents: pd.DataFrame,
    tickets: np.ndarray,
    composite: np.ndarray,
    coverage: np.ndarray,
    insufficient: np.ndarray,
    gated: np.ndarray,
    objective: dict[str, np.ndarray],
    policy: Policy,
) -> pd.DataFrame:
    """The columns of `scorecard.score`'s frame, graded and ranked by its own helpers."""
    teams = agents["team"].to_numpy()
    return pd.DataFrame(
        {
            **{c: agents[c].array for c in scorecard.AGENT_COLUMNS},
            "tickets": tickets,
            "coverage": coverage,
            "insufficient_data": insufficient,
            "gated": gated,
            **objective,
            **scorecard.graded_columns(composite, insufficient, policy, teams, gated),
        }
    )


# ---------------------------------------------------------------------------------------
# Baseline → new


class Comparison(NamedTuple):
    """A new policy against the baseline (a tuple, so that `shows_rows` checks its frames).

    agents: one row per agent with base_/new_ composite, the new policy's objective score
    (NaN: no objective), grade (categorical, GRADE_STATES),
    rank, payout, the rank movement (positive = moved up), payout change and `crossed`
    (categorical, CROSSINGS: "up", "down" or "").
    transitions: counts, baseline grade (rows) → new grade (columns), GRADE_STATES order.
    cells: (baseline grade, new grade) → agent ids in that cell.
    teams: team, base_rank, new_rank, movement, base/new mean score and payouts.
    tau, tau_p: Kendall's tau-b between the two composites of agents graded under both.
    """

    agents: pd.DataFrame
    transitions: pd.DataFrame
    cells: dict[tuple[str, str], list[str]]
    teams: pd.DataFrame
    tau: float
    tau_p: float

    @property
    def grade_changes(self) -> int:
        return int((self.agents["base_grade"] != self.agents["new_grade"]).sum())

    @property
    def crossings(self) -> pd.DataFrame:
        return self.agents[self.agents["crossed"] != ""]

    @property
    def crossing_count(self) -> int:
        return int((self.agents["crossed"] != "").sum())

    @shows_rows
    def visible_to(self, visible: Visible) -> Comparison:
        """What `visible` may see: its agents (department ranks, grades and payouts kept),
        the grade transitions and their cells counted over those agents only, and its teams
        (department team ranks kept). tau and tau_p stay those of the whole department, an
        aggregate the page labels as such."""
        if visible.is_everything:
            return self
        agents = visible.keep(self.agents)
        transitions, cells = _transitions(
            agents["base_grade"].cat.codes.to_numpy(np.intp),
            agents["new_grade"].cat.codes.to_numpy(np.intp),
            agents["agent_id"].to_numpy(),
        )
        return self._replace(
            agents=agents, transitions=transitions, cells=cells, teams=visible.keep(self.teams)
        )


_INSUFFICIENT = GRADE_STATES.index("insufficient_data")
_STATES = pd.CategoricalDtype(GRADE_STATES)
_CROSSINGS = pd.CategoricalDtype(CROSSINGS)


def grade_codes(frame: pd.DataFrame) -> np.ndarray:
    """Each agent's grade state as its index in GRADE_STATES: the grade, or
    "insufficient_data" for agents without one (insufficient data, or not graded)."""
    grades = frame["grade"].to_numpy(object)
    codes = np.full(len(grades), _INSUFFICIENT, dtype=np.intp)
    for i, grade in enumerate(grading_rules.GRADES):
        codes[grades == grade] = i
    unknown = (codes == _INSUFFICIENT) & ~pd.isna(grades)
    if unknown.any():
        found = sorted(set(grades[unknown]))
        raise ValueError(f"unknown grade(s) {found}: expected one of {list(GRADE_STATES)}")
    return np.where(frame["insufficient_data"].to_numpy(bool), _INSUFFICIENT, codes)


def bonus_tier(frame: pd.DataFrame, policy: Policy, codes: np.ndarray) -> np.ndarray:
    """Which side of the bonus boundaries each agent is on, comparable between policies.

    grade_multiplier: the multiplier of the agent's grade (a change of grade between grades
    with the same multiplier crosses nothing); threshold_linear: whether the score reaches
    the threshold (incentives.DEFAULT_THRESHOLD); proportional: whether the agent is
    paid at all. No payout for insufficient data: tier −1. `codes`: `grade_codes(frame)`.
    """
    if policy.rule == "grade_multiplier":
        multipliers = incentives.DEFAULT_GRADE_MULTIPLIERS
        tier = np.array([multipliers.get(s, math.nan) for s in GRADE_STATES], dtype=float)[codes]
    elif policy.rule == "threshold_linear":
        tier = (frame["composite"].to_numpy(float) >= incentives.DEFAULT_THRESHOLD).astype(float)
    else:
        tier = np.ones(len(frame))
    return np.where(codes == _INSUFFICIENT, -1.0, tier)


@for_statistics
def compare(
    baseline: pd.DataFrame, new: pd.DataFrame, base_policy: Policy, new_policy: Policy
) -> Comparison:
    """Rank movement, grade transitions, bonus-boundary crossings, teams and Kendall's tau.

    `baseline` and `new` are `evaluate` frames of the same agents (same order).
    """
    base_ids, new_ids = baseline["agent_id"], new["agent_id"]
    if not base_ids.equals(new_ids) and list(base_ids) != list(new_ids):  # fast check first
        raise ValueError("the two results must list the same agents in the same order")
    base_code, new_code = grade_codes(baseline), grade_codes(new)
    base_tier = bonus_tier(baseline, base_policy, base_code)
    new_tier = bonus_tier(new, new_policy, new_code)
    crossed = pd.Categorical.from_codes(
        np.where(new_tier > base_tier, 1, np.where(new_tier < base_tier, 2, 0)), dtype=_CROSSINGS
    )
    base_composite = baseline["composite"].to_numpy(float)
    new_composite = new["composite"].to_numpy(float)
    base_rank, new_rank = baseline["dept_rank"].array, new["dept_rank"].array
    base_payout, new_payout = baseline["payout"].to_numpy(float), new["payout"].to_numpy(float)
    agents = pd.DataFrame(
        {
            **{c: new[c].array for c in scorecard.AGENT_COLUMNS},
            "tickets": new["tickets"].to_numpy(),
            "base_composite": base_composite,
            "new_composite": new_composite,
            "objective_score": _objective_scores(new),
            "base_grade": pd.Categorical.from_codes(base_code, dtype=_STATES),
            "new_grade": pd.Categorical.from_codes(new_code, dtype=_STATES),
            "base_rank": base_rank,
            "new_rank": new_rank,
            "base_payout": base_payout,
            "new_payout": new_payout,
            "movement": base_rank - new_rank,
            "payout_change": _change(new_payout - base_payout),
            "crossed": crossed,
        }
    )
    transitions, cells = _transitions(base_code, new_code, agents["agent_id"].to_numpy())
    both = ~(baseline["insufficient_data"].to_numpy() | new["insufficient_data"].to_numpy())
    tau, p = (math.nan, math.nan)
    if both.sum() >= 2:
        tau, p = stats.kendall_tau(base_composite[both], new_composite[both])
    return Comparison(agents, transitions, cells, team_change(baseline, new), tau, p)


def _objective_scores(frame: pd.DataFrame) -> np.ndarray:
    """The frame's objective scores (NaN: none, or no objectives in the matrix)."""
    if "objective_score" not in frame:
        return np.full(len(frame), np.nan)
    return frame["objective_score"].to_numpy(float)


def _change(amounts: np.ndarray) -> np.ndarray:
    """Amounts rounded to the cent, a change that rounds to nothing as 0 (not −0.00)."""
    return np.round(amounts, 2) + 0.0


def _transitions(
    base_code: np.ndarray, new_code: np.ndarray, ids: np.ndarray
) -> tuple[pd.DataFrame, dict[tuple[str, str], list[str]]]:
    """The grade-transition counts (GRADE_STATES × GRADE_STATES, baseline in the rows) and
    the agents of each non-empty cell, cells in order of their first agent."""
    size = len(GRADE_STATES)
    pair_code = base_code * size + new_code
    counts = np.bincount(pair_code, minlength=size * size)
    transitions = pd.DataFrame(
        counts.reshape(size, size).astype(int),
        index=pd.Index(list(GRADE_STATES), name="base_grade"),
        columns=pd.Index(list(GRADE_STATES), name="new_grade"),
    )
    order = np.argsort(pair_code, kind="stable")
    bounds = np.flatnonzero(np.diff(pair_code[order])) + 1
    groups = sorted(np.split(order, bounds), key=lambda g: g[0]) if len(order) else []
    cells = {
        (GRADE_STATES[pair_code[g[0]] // size], GRADE_STATES[pair_code[g[0]] % size]): ids[
            g
        ].tolist()
        for g in groups
    }
    return transitions, cells


@for_statistics
def team_change(baseline: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Per team: mean score and rank (graded agents) and payouts, baseline and new; by new
    rank (unranked teams last), then name.

    `baseline` and `new` list the same agents (see `compare`), so their teams are the same.
    """
    codes, names = pd.factorize(new["team"], sort=True)
    base = _team_summary(baseline, codes, len(names))
    now = _team_summary(new, codes, len(names))
    new_rank = now["rank"].to_numpy(float, na_value=np.inf)
    order = np.lexsort((np.arange(len(names)), new_rank))
    columns = {
        "team": np.asarray(names, dtype=object),
        **{f"base_{name}": values for name, values in base.items()},
        **{f"new_{name}": values for name, values in now.items()},
        "movement": base["rank"] - now["rank"],
        "payout_change": _change(now["payout"] - base["payout"]),
    }
    return pd.DataFrame({name: values[order] for name, values in columns.items()})


def _team_summary(frame: pd.DataFrame, codes: np.ndarray, teams: int) -> dict[str, np.ndarray]:
    """Mean composite of the graded agents, payout total and rank of each team code
    (numpy sums over integer team codes: no hashing of names on every slider move)."""
    composite = frame["composite"].to_numpy(float)
    payout = frame["payout"].to_numpy(float)
    every = codes >= 0
    graded = every & ~frame["insufficient_data"].to_numpy(bool) & ~np.isnan(composite)
    counts = np.bincount(codes[graded], minlength=teams)
    sums = np.bincount(codes[graded], weights=composite[graded], minlength=teams)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / counts, np.nan)
    paid = every & ~np.isnan(payout)
    total = np.bincount(codes[paid], weights=payout[paid], minlength=teams)
    return {"composite": mean, "payout": total, "rank": scorecard.rank(mean).array}


def kano_scoring(policy: Policy) -> bool:
    """Whether the policy gates grades on must-be KPIs or pays bonus points on attractive ones
    (what `monte_carlo` does not model)."""
    return bool(policy.must_be or policy.bonus)


def payout_summary(frame: pd.DataFrame) -> dict[str, float]:
    """Total paid, number paid, and the spread of the payouts among eligible agents."""
    payouts = frame["payout"].to_numpy(float)
    paid = payouts[~frame["insufficient_data"].to_numpy(bool)]
    if paid.size == 0:
        return {"total": 0.0, "paid": 0, "min": math.nan, "median": math.nan, "max": math.nan,
                "spread": math.nan}  # fmt: skip
    return {
        "total": math.fsum(payouts.tolist()),
        "paid": int((paid > 0).sum()),
        "min": float(paid.min()),
        "median": float(np.median(paid)),
        "max": float(paid.max()),
        "spread": float(paid.max() - paid.min()),
    }


# ---------------------------------------------------------------------------------------
# Robustness: Monte Carlo over the weights


class Robustness(NamedTuple):
    """Per agent, over the draws: probability of each grade state, rank interval, coin toss.

    probabilities: agents × GRADE_STATES (rows sum to 1); rank_low/rank_high: the 2.5% and
    97.5% percentiles of the department rank over the draws where the agent is ranked
    (rank_interval: the same as text, "3–7");
    likely_grade: the most probable state; coin_toss: its probability is below the limit.
    """

    frame: pd.DataFrame
    draws: int
    concentration: float

    @shows_rows
    def visible_to(self, visible: Visible) -> Robustness:
        """Only the agents `visible` may see (their department rank intervals)."""
        return self._replace(frame=visible.keep(self.frame))


def dirichlet_weights(
    weights: np.ndarray, draws: int, concentration: float, rng: np.random.Generator
) -> np.ndarray:
    """Weight vectors drawn around `weights` (summing to 1): Dirichlet(concentration · w).

    Each draw has mean w and, per KPI, variance w(1 − w)/(concentration + 1): with the
    default concentration 100 a 20% weight varies by about ±4 points (one sd), a 5% weight
    by about ±2. KPIs with zero weight stay at zero.
    """
    w = np.asarray(weights, float)
    drawn = np.zeros((draws, w.size))
    positive = w > 0
    if positive.any():
        drawn[:, positive] = rng.dirichlet(concentration * w[positive] / w[positive].sum(), draws)
    return drawn


@for_statistics
def monte_carlo(
    matrix: scorecard.KpiMatrix,
    policy: Policy,
    draws: int = 1000,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int = 0,
    coin_toss: float = COIN_TOSS,
) -> Robustness:
    """Perturb the weights (Dirichlet around them) and re-grade and re-rank every agent.

    Vectorised in numpy over the cached normalised matrix (`KpiMatrix.normalised`); grading
    follows the policy (absolute bands vectorised; forced distribution per draw with
    `grading_rules.grade_forced`). Plain weights only (segment weights: use the segment
    matrices), and no Kano gates or bonus KPIs (`kano_scoring`).
    """
    graded = drawn_composites(matrix, policy, draws, concentration, seed)
    states = _grade_codes(graded, policy)  # draws × agents, index into GRADE_STATES
    probabilities = np.stack([(states == i).mean(axis=0) for i in range(len(GRADE_STATES))], axis=1)
    ranks = _ranks(graded)
    low, high = _rank_interval(ranks)
    likely = probabilities.argmax(axis=1)
    top = probabilities.max(axis=1)
    frame = pd.DataFrame(
        {
            **{c: matrix.frame[c].array for c in scorecard.AGENT_COLUMNS},
            **{f"p_{g}": probabilities[:, i] for i, g in enumerate(GRADE_STATES)},
            "likely_grade": np.array(GRADE_STATES, dtype=object)[likely],
            "likely_probability": top,
            "rank_low": pd.array(np.floor(low), dtype="Int64"),
            "rank_high": pd.array(np.ceil(high), dtype="Int64"),
            "coin_toss": top < coin_toss,
        }
    )
    frame["rank_interval"] = [
        "" if pd.isna(lo) else f"{lo}–{hi}"
        for lo, hi in zip(frame["rank_low"], frame["rank_high"], strict=True)
    ]
    return Robustness(frame, draws, concentration)


def drawn_composites(
    matrix: scorecard.KpiMatrix,
    policy: Policy,
    draws: int = 1000,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int = 0,
) -> np.ndarray:
    """Draws × agents: each agent's composite under weights drawn around the policy's
    (`dirichlet_weights`), NaN where the draw leaves the agent with insufficient data. The
    draws `monte_carlo` grades and ranks (plain weights only: ValueError for Kano scoring)."""
    if kano_scoring(policy):
        raise ValueError("monte_carlo models plain weights only, not Kano gates or bonus KPIs")
    normalised = matrix.normalised(policy)
    centre = scorecard.normalised_weights(policy, matrix.kpis)
    rng = np.random.default_rng(seed)
    weights = dirichlet_weights(centre, draws, concentration, rng)
    composite, coverage = scorecard.composites(normalised, weights)
    objective = scorecard.objective_scores(matrix, policy)[None, :]
    composite = scorecard.blended(composite, objective, policy.objective_share)
    tickets = matrix.frame["tickets"].to_numpy()
    insufficient = (tickets[None, :] < policy.min_tickets) | (coverage < policy.min_coverage)
    return np.where(insufficient, np.nan, composite)


def first_place(scores: np.ndarray) -> np.ndarray:
    """Per column (agent or team), the share of the draws (rows) in which it ranks first
    (`_ranks`: a tie for first counts for each of the tied)."""
    if scores.size == 0:
        return np.zeros(scores.shape[1] if scores.ndim == 2 else 0)
    return (_ranks(scores) == 1).mean(axis=0)


def _grade_codes(graded: np.ndarray, policy: Policy) -> np.ndarray:
    missing = len(GRADE_STATES) - 1
    if policy.grading == "absolute":
        bands = np.asarray(policy.thresholds, float)
        reached = np.zeros(graded.shape, dtype=np.intp)  # how many bands the score reaches
        for band in bands:
            reached += graded >= band
        codes = len(bands) - reached
    else:
        index = {g: i for i, g in enumerate(grading_rules.GRADES)}
        codes = np.array(
            [
                [index.get(g, missing) for g in grading_rules.grade_forced(row, policy.quotas)]
                for row in graded
            ]
        )
    return np.where(np.isnan(graded), missing, codes)


def _ranks(graded: np.ndarray) -> np.ndarray:
    """Department rank per draw (1 = best, ties share the best rank, NaN unranked)."""
    descending = -np.where(np.isnan(graded), -np.inf, graded)
    # Not a stable sort: tied scores share the best rank, so their order does not matter.
    order = np.argsort(descending, axis=1)
    ordered = np.take_along_axis(descending, order, axis=1)
    positions = np.broadcast_to(np.arange(graded.shape[1]), graded.shape)
    new_value = np.ones(graded.shape, bool)
    new_value[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first_of_tie = np.maximum.accumulate(np.where(new_value, positions, 0), axis=1)
    ranks = np.empty(graded.shape)
    np.put_along_axis(ranks, order, first_of_tie + 1.0, axis=1)
    return np.where(np.isnan(graded), np.nan, ranks)


def _rank_interval(ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per agent, the 2.5% and 97.5% order statistics of its ranks over the draws where it
    is ranked (rounded outwards: floor and ceil of the positions); NaN if never ranked."""
    valid = (~np.isnan(ranks)).sum(axis=0)
    ordered = np.sort(np.where(np.isnan(ranks), np.inf, ranks), axis=0)
    last = np.maximum(valid - 1, 0)
    columns = np.arange(ranks.shape[1])
    low = ordered[np.floor(0.025 * last).astype(int), columns]
    high = ordered[np.ceil(0.975 * last).astype(int), columns]
    return np.where(valid > 0, low, np.nan), np.where(valid > 0, high, np.nan)
