"""Composite scores, ranks and grades from the per-agent KPI matrix.

The work splits in two so that live what-if stays fast:

1. `build_matrix` (SQL, once per filter): each agent's KPI inputs, raw values, shrunk
   values and intervals.
2. `score` (numpy, per weight change): normalise each KPI to 0–100, weight, composite,
   ranks, grades, as the scoring policy (`scoring.engine.policy.Policy`) says. `normalised` is
   cached per normalisation setting, so a weight change only redoes the weighted average
   and the grading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.data.dataset import Dataset
from scoring.engine.policy import DEFAULT_POLICY, Policy
from scoring.measures.metrics import (
    Filters,
    Unavailable,
    available_kpis,
    kpi_table,
    unavailable_kpis,
)
from scoring.measures.query import Query
from scoring.methods import grading, incentives, normalise, shrinkage
from scoring.methods.attainment import attainment
from scoring.registry.kpis import KPI, KPIS_BY_ID
from scoring.scope import Visible, for_statistics

AGENT_COLUMNS = ["agent_id", "name", "team"]
# A composite is a weighted mean of KPI scores, so it lies where they do: 0 to the stretch cap
# (Kano bonus points on top are capped there too).
SCORE_RANGE = (0.0, normalise.STRETCH_CAP)
# Decimals a composite is shown with everywhere (tables, exports, the score command); grades
# are given on the shown value, so "80.0" never carries the grade of 79.96.
COMPOSITE_DECIMALS = 1
# Kano-informed scoring: the best grade an agent below the floor of a must-be KPI can get.
GATE_GRADE = "satisfactory"
# Scoring with objectives: the columns of a matrix's objectives (the target of each KPI an
# agent has an objective on), and the attainment an objective counts for at most (120 %: the
# stretch cap, so an objective score lies where a composite does).
OBJECTIVE_COLUMNS = ["agent_id", "kpi", "target", "weight"]
ATTAINMENT_CAP = SCORE_RANGE[1] / 100


@dataclass
class KpiMatrix:
    """Per-agent KPI values for one filter: the input of every scoring run."""

    frame: pd.DataFrame  # one row per agent, by agent id: agent columns, tickets, KPI values
    kpis: tuple[KPI, ...]  # the KPIs this dataset supports, in registry order
    unavailable: dict[str, Unavailable]  # KPI id → why it cannot be computed
    priors: dict[str, dict] = field(default_factory=dict)
    # the targets of the agents' objectives (`OBJECTIVE_COLUMNS`: one row per agent and KPI),
    # None: the dataset sets none
    objectives: pd.DataFrame | None = None
    _normalised: dict = field(default_factory=dict, repr=False)
    # objective scores per use_shrunk (`objective_scores`): a slider move does not redo them;
    # not an init field, so a matrix made with other objectives (`dataclasses.replace`)
    # starts without them
    _objective_scores: dict = field(default_factory=dict, repr=False, init=False)

    def values(self, k: KPI, use_shrunk: bool) -> np.ndarray:
        column = f"{k.id}_shrunk" if use_shrunk and k.shrink else k.id
        return self.frame[column].to_numpy(float)

    def measurable(self, k: KPI) -> np.ndarray:
        """Whether each agent has enough cases of this KPI to be judged on it."""
        values = self.frame[k.id].to_numpy(float)
        den = self.frame.get(f"{k.id}__den")
        enough = np.ones(len(values), bool) if den is None else den.to_numpy(float) >= k.min_sample
        return ~np.isnan(values) & enough

    @cached_property
    def team_codes(self) -> np.ndarray:
        """Each agent's team as a number (NaN: no team): per-team ranks without hashing
        the team names on every re-score."""
        codes = pd.factorize(self.frame["team"])[0]
        return np.where(codes < 0, np.nan, codes)

    def normalised(self, policy: Policy) -> np.ndarray:
        """Agents × KPIs on 0–100 (NaN where not measurable); cached per setting."""
        key = (policy.method, policy.use_shrunk, tuple(sorted(policy.targets.items())))
        if key not in self._normalised:
            columns = []
            for k in self.kpis:
                floor, target, stretch = policy.target_of(k)
                scores = normalise.normalise(
                    self.values(k, policy.use_shrunk),
                    policy.method,
                    k.higher_is_better,
                    floor=floor,
                    target=target,
                    stretch=stretch,
                )
                columns.append(np.where(self.measurable(k), scores, np.nan))
            self._normalised[key] = np.column_stack(columns) if columns else np.empty((0, 0))
        return self._normalised[key]


def build_matrix(ds: Dataset, filters: Filters = Filters(), repeat_days: int = 30) -> KpiMatrix:
    """Per-agent KPIs for the filter, with shrunk values and intervals where they apply.

    Agents in the team/agent scope who handled no ticket in the period are kept (with
    zero tickets and unavailable ticket KPIs) so that nobody disappears from a scorecard.
    """
    table = kpi_table(ds, filters, ("agent_id",), repeat_days)
    agents = Query(ds, filters).roster().run(ds)
    return matrix_of(agents, table, available_kpis(ds), unavailable_kpis(ds))


def matrix_of(
    agents: pd.DataFrame,
    table: pd.DataFrame,
    kpis: tuple[KPI, ...],
    unavailable: dict[str, Unavailable],
    intervals: bool = True,
) -> KpiMatrix:
    """The matrix of a roster (agent columns) and a per-agent KPI table (`kpi_table`'s
    columns): every agent of the roster, shrunk values fitted over these agents (with their
    credible intervals, unless not `intervals`: scoring never reads them)."""
    frame = agents.merge(table, on="agent_id", how="left")
    frame["tickets"] = frame["tickets"].fillna(0).astype("int64")
    if "surveys" in frame:
        frame["surveys"] = frame["surveys"].fillna(0).astype("int64")
    priors = {}
    parts = [frame]
    for k in kpis:
        if k.shrink:
            shrunk = shrinkage.shrink(frame, k, intervals)
            priors[k.id] = shrunk.attrs["prior"]
            parts.append(shrunk)
    # copied: one block per dtype instead of ~90, which every page's narrowing to its
    # visible agents (`Scorecard.visible_to`) slices on every rerun
    return KpiMatrix(pd.concat(parts, axis=1).copy(), kpis, unavailable, priors)


@dataclass
class Scorecard:
    """The result of one scoring run: one row per agent."""

    frame: pd.DataFrame
    matrix: KpiMatrix
    policy: Policy
    normalised: np.ndarray  # agents × KPIs, 0–100
    effective_weights: np.ndarray  # agents × KPIs, each row sums to 1 over measurable KPIs
    left_out: np.ndarray  # agents × KPIs: weighted but not measurable, so re-weighted
    # Per agent the unrounded composite of what is measurable, graded or not (the frame's
    # `composite` is the shown one: rounded, and NaN for "insufficient data").
    measured_composite: np.ndarray
    department_teams: pd.DataFrame | None = None  # set by visible_to: every team, ranked
    # KPIs of the matrix no agent of the population can be measured on (their weight is
    # spread over the others: `weights_in_data`)
    unmeasured: tuple[str, ...] = ()
    # agents × KPIs: the bonus points of the policy's attractive KPIs (`bonus_points`)
    bonus: np.ndarray | None = None

    @cached_property
    def reweighted(self) -> list[str]:
        """Per agent, the weighted KPIs left out of the composite (comma-separated ids)."""
        ids = np.array([k.id for k in self.matrix.kpis])
        return [", ".join(ids[row]) for row in self.left_out]

    @cached_property
    def contributions(self) -> pd.DataFrame:
        """Points of composite each KPI contributes, bonus points included (rows sum to the
        composite, unless bonus points reach the cap)."""
        points = np.nan_to_num(self.normalised * self.effective_weights)
        if self.bonus is not None:
            points = points + self.bonus
        ids = [k.id for k in self.matrix.kpis]
        return pd.DataFrame(points, columns=ids, index=self.frame["agent_id"])

    @cached_property
    def teams(self) -> pd.DataFrame:
        """Every team of the scorecard, ranked (`team_summary`): what `visible_to` keeps as
        the department's teams, computed once per scorecard."""
        return team_summary(self)

    def visible_to(self, visible: Visible) -> Scorecard:
        """Only the agents `visible` allows, keeping department ranks, grades and priors
        (the scorecard was computed over the population)."""
        if visible.is_everything:
            return self
        keep = visible.mask(self.frame)
        matrix = KpiMatrix(
            self.matrix.frame[keep].reset_index(drop=True),
            self.matrix.kpis,
            self.matrix.unavailable,
            self.matrix.priors,
            self.matrix.objectives,
        )
        return Scorecard(
            self.frame[keep].reset_index(drop=True),
            matrix,
            self.policy,
            self.normalised[keep],
            self.effective_weights[keep],
            self.left_out[keep],
            self.measured_composite[keep],
            self.teams,
            self.unmeasured,
            None if self.bonus is None else self.bonus[keep],
        )


def normalised_weights(policy: Policy, kpis: tuple[KPI, ...]) -> np.ndarray:
    """The policy's weights of these KPIs, summing to 1 (zeros if all are zero)."""
    return _summing_to_one([policy.weights.get(k.id, 0.0) for k in kpis])


def linear_weights(policy: Policy, kpis: tuple[KPI, ...]) -> np.ndarray:
    """The weights of the weighted mean: the policy's without its bonus KPIs, summing to 1."""
    return _summing_to_one([0.0 if k.id in policy.bonus else policy.weights.get(k.id, 0.0)
                            for k in kpis])  # fmt: skip


def _summing_to_one(weights: list[float]) -> np.ndarray:
    raw = np.array(weights, dtype=float)
    total = raw.sum()
    return raw / total if total > 0 else raw


def bonus_points(matrix: KpiMatrix, policy: Policy) -> np.ndarray:
    """Agents × KPIs: the points each attractive (bonus) KPI adds to the composite.

    A bonus KPI's share of all the weight, times 100, times how far the agent has gone from
    its target towards its stretch (`normalise.beyond_target`): nothing at or short of the
    target, its whole share at the stretch (docs/METHODS.md, "Scoring built on what customers
    expect"). Not measurable: no points."""
    shares = normalised_weights(policy, matrix.kpis)
    points = np.zeros((len(matrix.frame), len(matrix.kpis)))
    for j, k in enumerate(matrix.kpis):
        if k.id in policy.bonus and shares[j] > 0:
            _, target, stretch = policy.target_of(k)
            values = matrix.values(k, policy.use_shrunk)
            progress = normalise.beyond_target(values, k.higher_is_better, target, stretch)
            points[:, j] = np.where(matrix.measurable(k), 100 * shares[j] * progress, 0.0)
    return np.nan_to_num(points)


def must_be_gated(matrix: KpiMatrix, policy: Policy) -> np.ndarray:
    """Per agent: measured beyond the floor of one of the policy's must-be KPIs (its grade is
    then at most `GATE_GRADE`)."""
    gated = np.zeros(len(matrix.frame), bool)
    for k in matrix.kpis:
        if k.id in policy.must_be:
            floor, _, _ = policy.target_of(k)
            below = normalise.beyond_floor(matrix.values(k, policy.use_shrunk), k.higher_is_better,
                                           floor)  # fmt: skip
            gated |= matrix.measurable(k) & below
    return gated


def objective_scores(matrix: KpiMatrix, policy: Policy) -> np.ndarray:
    """Per agent the score of their objectives: 100 × the weighted mean attainment of their
    objectives' targets by the values the policy judges (shrunk or raw), each attainment
    capped at `ATTAINMENT_CAP` so that one far-exceeded objective cannot hide a missed one
    beyond that. An objective on a KPI the agent is not measurable on counts for nothing; NaN
    for an agent with no objective left (docs/METHODS.md, "Scoring with objectives")."""
    if policy.use_shrunk not in matrix._objective_scores:
        matrix._objective_scores[policy.use_shrunk] = _objective_scores(matrix, policy)
    return matrix._objective_scores[policy.use_shrunk].copy()


def _objective_scores(matrix: KpiMatrix, policy: Policy) -> np.ndarray:
    ids = matrix.frame["agent_id"]
    objectives = matrix.objectives
    if objectives is None or objectives.empty:
        return np.full(len(ids), np.nan)
    rows = objectives[objectives["weight"] > 0].merge(judged_values(matrix, policy))
    higher = rows["kpi"].map({k.id: k.higher_is_better for k in matrix.kpis})
    reached = [attainment(*row) for row in zip(rows["actual"], rows["target"], higher, strict=True)]
    weighted = rows["weight"] * 100 * np.minimum(reached, ATTAINMENT_CAP)
    sums = rows.assign(points=weighted).groupby("agent_id")[["points", "weight"]].sum()
    return (sums["points"] / sums["weight"]).reindex(ids).to_numpy(float)


def agents_with_objectives(matrix: KpiMatrix) -> int:
    """How many of the matrix's agents have an objective on one of its KPIs."""
    objectives = matrix.objectives
    if objectives is None:
        return 0
    kpi_ids = [k.id for k in matrix.kpis]
    mine = objectives[objectives["kpi"].isin(kpi_ids) & (objectives["weight"] > 0)]
    return int(matrix.frame["agent_id"].isin(mine["agent_id"]).sum())


@for_statistics
def judged_values(matrix: KpiMatrix, policy: Policy) -> pd.DataFrame:
    """agent_id, kpi, actual: each value the policy judges (shrunk or raw) where the agent is
    measurable on the KPI."""
    values = pd.DataFrame(
        {
            k.id: np.where(matrix.measurable(k), matrix.values(k, policy.use_shrunk), np.nan)
            for k in matrix.kpis
        }  # fmt: skip
    ).assign(agent_id=matrix.frame["agent_id"].to_numpy())
    long = values.melt(id_vars="agent_id", var_name="kpi", value_name="actual")
    return long.dropna(subset=["actual"])


def objective_column(matrix: KpiMatrix, objective: np.ndarray) -> dict[str, np.ndarray]:
    """The frame's `objective_score`, where the matrix carries objectives (the what-if lab's);
    nothing otherwise, so pages that never grade on objectives show no empty column."""
    return {} if matrix.objectives is None else {"objective_score": objective}


def blended(composite: np.ndarray, objective: np.ndarray, share: float) -> np.ndarray:
    """(1 − share) × the KPI composite + share × the objective score, where the agent has
    both; the KPI composite alone where the agent has no objectives (or share is 0)."""
    if share == 0:
        return composite
    mixed = (1 - share) * composite + share * objective
    return np.where(np.isnan(objective), composite, mixed)


def score(matrix: KpiMatrix, policy: Policy = DEFAULT_POLICY) -> Scorecard:
    """Composite 0–100, coverage, grades and ranks for every agent of the matrix.

    A KPI that cannot be measured for an agent (no data, or below its minimum sample)
    is left out and the remaining weights are scaled up; `Scorecard.reweighted` lists
    what was left out. Agents below the minimum tickets or weight coverage are "insufficient
    data": no composite (NaN), grade or rank. A policy's bonus KPIs add their `bonus_points`
    to the weighted mean of the others (capped at the stretch cap), its must-be KPIs gate the
    grade (`must_be_gated`, the frame's `gated`); its `objective_share` blends in each agent's
    `objective_scores` (the frame's `objective_score` where the matrix carries objectives).
    """
    c = _composite(matrix, policy)
    normalised_scores, weights, measurable = c.normalised, c.weights, c.measurable
    composite, coverage, objective, gated = c.composite, c.coverage, c.objective, c.gated
    tickets, not_graded, bonus = c.tickets, c.not_graded, c.bonus
    with np.errstate(invalid="ignore", divide="ignore"):
        effective = measurable * weights_in_data(weights[None, :], measurable) / coverage[:, None]
    frame = pd.DataFrame(
        {
            **{c: matrix.frame[c].array for c in AGENT_COLUMNS},
            "tickets": tickets,
            "coverage": coverage,
            "insufficient_data": not_graded,
            "gated": gated,
            **objective_column(matrix, objective),
            **graded_columns(composite, not_graded, policy, matrix.team_codes, gated),
        }
    )
    left_out = (weights > 0) & ~measurable
    measured = measurable.any(axis=0)
    unmeasured = tuple(k.id for k, some in zip(matrix.kpis, measured, strict=True) if not some)
    return Scorecard(
        frame, matrix, policy, normalised_scores, np.nan_to_num(effective), left_out, composite,
        unmeasured=unmeasured, bonus=bonus,
    )  # fmt: skip


@dataclass(frozen=True)
class _Composite:
    """What a grade is made of (`score`): each agent's normalised scores and the policy's
    weights, the composite with bonus points and objectives, its coverage, the must-be gate
    and whether the agent is graded at all."""

    normalised: np.ndarray
    weights: np.ndarray
    measurable: np.ndarray
    composite: np.ndarray
    coverage: np.ndarray
    bonus: np.ndarray
    objective: np.ndarray
    gated: np.ndarray
    tickets: np.ndarray
    not_graded: np.ndarray


def _composite(matrix: KpiMatrix, policy: Policy) -> _Composite:
    normalised_scores = matrix.normalised(policy)
    weights = linear_weights(policy, matrix.kpis)
    composite, coverage = (row[0] for row in composites(normalised_scores, weights[None, :]))
    bonus = bonus_points(matrix, policy)
    composite = np.minimum(composite + bonus.sum(axis=1), SCORE_RANGE[1])
    objective = objective_scores(matrix, policy)
    composite = blended(composite, objective, policy.objective_share)
    tickets = matrix.frame["tickets"].to_numpy()
    few_tickets, low_coverage = grading_gates(tickets, coverage, policy)
    return _Composite(
        normalised_scores, weights, ~np.isnan(normalised_scores), composite, coverage, bonus,
        objective, must_be_gated(matrix, policy), tickets, few_tickets | low_coverage,
    )  # fmt: skip


def grades_of(matrix: KpiMatrix, policy: Policy) -> np.ndarray:
    """The `grade` column of `score(matrix, policy)` alone (no ranks, no frame): what grade
    stability compares, 40 scorings per weight scheme."""
    c = _composite(matrix, policy)
    return grade_column(c.composite, c.not_graded, policy, c.gated)


def grade_column(
    composite: np.ndarray, insufficient: np.ndarray, policy: Policy, gated: np.ndarray
) -> np.ndarray:
    """Grades of the shown composite (None where not graded), at most `GATE_GRADE` where
    `gated`."""
    return capped(grades(np.where(insufficient, np.nan, composite), policy), gated)


def grading_gates(tickets, coverage, policy: Policy) -> tuple:
    """The two gates of "insufficient data": fewer tickets than the policy's minimum, and less
    of the weight measurable than its minimum coverage (arrays or single values)."""
    return tickets < policy.min_tickets, coverage < policy.min_coverage


def shown(composite: npt.ArrayLike) -> np.ndarray:
    """The composite as it is displayed: rounded to `COMPOSITE_DECIMALS`."""
    return np.round(np.asarray(composite, dtype=float), COMPOSITE_DECIMALS)


def graded_columns(
    composite: np.ndarray,
    insufficient: np.ndarray,
    policy: Policy,
    teams: npt.ArrayLike,
    gated: np.ndarray,
) -> dict[str, object]:
    """`composite` (shown; NaN for insufficient data, so no number stands for "not graded"),
    `grade` (of the shown composite, at most `GATE_GRADE` where `gated`), `dept_rank` and
    `team_rank` (of the unrounded composite, so agents apart by less than the rounding are
    not tied)."""
    graded = np.where(insufficient, np.nan, composite)
    return {
        "composite": shown(graded),
        "grade": grade_column(composite, insufficient, policy, gated),
        "dept_rank": rank(graded),
        "team_rank": rank(graded, teams),
    }


def composites(normalised: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Composite and coverage for many weight vectors at once: (vectors × agents) each.

    `weights` has one row per weight vector, each summing to 1. A KPI an agent cannot be
    measured on (NaN) is left out and the remaining weights are scaled up: composite =
    Σ w·score / coverage; NaN where nothing is measurable. Coverage counts only the KPIs this
    data measures for someone (`weights_in_data`). A weighted mean of 0–120 scores, so within
    `SCORE_RANGE`; not clipped at 100: clipped, the best agents of an imported export scored
    on its own calibrated targets tied at 100 although their KPIs differ.
    """
    measurable = ~np.isnan(normalised)
    weights = weights_in_data(weights, measurable)
    coverage = weights @ measurable.T.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        composite = (weights @ np.nan_to_num(normalised).T) / coverage
    return np.where(coverage > 0, composite, np.nan), coverage


def weights_in_data(weights: np.ndarray, measurable: np.ndarray) -> np.ndarray:
    """Weight vectors (rows) with the KPIs no agent can be measured on left out, each row
    summing to 1 again (unchanged when the data measures none of its KPIs).

    A KPI nobody is measured on — an export without survey ratings, a period without any —
    tells no agent apart. Keeping its weight would only cut everyone's coverage, until every
    agent is "insufficient data"; spread over the KPIs the data measures, it changes nobody's
    standing against anybody else. The pages name the KPIs without data."""
    kept = weights * measurable.any(axis=0)
    total = kept.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, kept / total, weights)


def grades(composite: np.ndarray, policy: Policy) -> np.ndarray:
    """Grades by the policy's rule of the shown (rounded) composite; None where it is NaN
    (not graded)."""
    if policy.grading == "forced":
        return grading.grade_forced(shown(composite), policy.quotas)
    return grading.grade_absolute(shown(composite), policy.thresholds)


def capped(grade: np.ndarray, gated: np.ndarray) -> np.ndarray:
    """The grades with every gated agent's better than `GATE_GRADE` brought down to it."""
    if not gated.any():  # no must-be KPI, or nobody beyond its floor
        return np.asarray(grade, dtype=object)
    above = set(grading.GRADES[: grading.GRADES.index(GATE_GRADE)])
    return np.array(
        [GATE_GRADE if g in above and gate else g for g, gate in zip(grade, gated, strict=True)],
        dtype=object,
    )


def rank(values: npt.ArrayLike, groups: npt.ArrayLike | None = None) -> pd.Series:
    """1 = best; ties share the best rank of the tie ("1, 2, 2, 4"); NaN stays unranked.

    With `groups`, ranks within each group (names, or numbers with NaN for none); an agent
    without a group is unranked. A Series keeps its index. In numpy: one sort by group and
    descending value, then each value's rank is where its tie starts, counted from where its
    group starts.
    """
    scores = np.asarray(values, dtype=float)
    codes = np.zeros(scores.size, dtype=np.intp) if groups is None else _group_codes(groups)
    ranked = np.flatnonzero(~np.isnan(scores) & (codes >= 0))
    order = ranked[np.lexsort((-scores[ranked], codes[ranked]))]
    group, score = codes[order], scores[order]
    new_group = np.ones(order.size, bool)
    new_group[1:] = group[1:] != group[:-1]
    new_score = new_group.copy()
    new_score[1:] |= score[1:] != score[:-1]
    positions = np.arange(order.size)
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0))
    tie_start = np.maximum.accumulate(np.where(new_score, positions, 0))
    result = np.zeros(scores.size, dtype=np.int64)
    result[order] = tie_start - group_start + 1
    unranked = np.ones(scores.size, bool)
    unranked[order] = False
    index = values.index if isinstance(values, pd.Series) else None
    return pd.Series(pd.arrays.IntegerArray(result, unranked), index=index)


def _group_codes(groups: npt.ArrayLike) -> np.ndarray:
    """A non-negative integer per group, −1 for none (NaN or None)."""
    array = np.asarray(groups)
    if array.dtype.kind == "f":
        return np.where(np.isnan(array), -1, array).astype(np.intp)
    return pd.factorize(array)[0].astype(np.intp)


def allocation(
    frame: pd.DataFrame,
    policy: Policy,
    options: incentives.PayoutOptions = incentives.DEFAULT_OPTIONS,
) -> incentives.Allocation:
    """The policy's bonus pool shared by its rule over a scored frame (`score(...).frame`
    columns): agents with insufficient data get nothing."""
    insufficient = frame["insufficient_data"].to_numpy(bool)
    return incentives.allocate(
        np.where(insufficient, np.nan, frame["composite"].to_numpy(float)),
        frame["grade"].to_numpy(object),
        policy.pool,
        policy.rule,
        options,
    )


@for_statistics
def with_payouts(
    card: Scorecard, options: incentives.PayoutOptions = incentives.DEFAULT_OPTIONS
) -> tuple[pd.DataFrame, incentives.Allocation]:
    """The scorecard with `payout` and `payout_explanation` from the policy's bonus pool."""
    shared = allocation(card.frame, card.policy, options)
    frame = card.frame.assign(payout=shared.payouts, payout_explanation=shared.explanations)
    return frame, shared


# Why a KPI does not count in an agent's composite (`explain`'s `note`; "" when it counts).
# Codes with the numbers beside them: the pages word them in the user's language.
NOTE_TOO_FEW_CASES = "too_few_cases"  # `denominator` cases, `min_sample` needed
NOTE_NO_DATA = "no_data"  # no case in the period
NOTE_UNWEIGHTED = "unweighted"  # measured, but the policy gives it no weight
# and an unavailable KPI's `Unavailable.code` ("missing_columns": the columns in `missing`)
EXPLAIN_COLUMNS = (
    "kpi", "numerator", "denominator", "min_sample", "raw", "shrunk", "scored", "interval_low",
    "interval_high", "floor", "target", "stretch", "normalised", "weight", "effective_weight",
    "points", "note", "reweighted", "missing",
)  # fmt: skip


@dataclass(frozen=True)
class Standing:
    """One agent's composite as the points of `explain` add up to it, and why it is not
    graded when it is not (the `grading_gates`)."""

    composite: float  # as shown (rounded); NaN when not graded
    grade: str | None  # of the shown composite; None when not graded
    measured: float  # the composite of what is measurable, unrounded, graded or not
    tickets: int
    coverage: float  # share of the weight measurable
    few_tickets: bool  # fewer tickets than the policy's `min_tickets`
    low_coverage: bool  # less coverage than the policy's `min_coverage`


def _agent_index(card: Scorecard, agent_id: str) -> int:
    rows = card.frame.index[card.frame["agent_id"] == agent_id]
    if len(rows) == 0:
        raise KeyError(f"unknown agent '{agent_id}'")
    return card.frame.index.get_loc(rows[0])


@for_statistics
def explain(card: Scorecard, agent_id: str) -> pd.DataFrame:
    """Every KPI of one agent (`EXPLAIN_COLUMNS`): its cases, raw, shrunk and scored value
    with the interval, the floor, target and stretch in use, normalised score, weight as the
    policy gives it and as used, points, and a `note` code when it does not count; then the
    KPIs the dataset cannot compute. Codes and numbers only: the pages word them."""
    i = _agent_index(card, agent_id)
    source = card.matrix.frame.iloc[i]
    weights = normalised_weights(card.policy, card.matrix.kpis)
    records = []
    for j, k in enumerate(card.matrix.kpis):
        floor, target, stretch = card.policy.target_of(k)
        records.append(
            {
                "kpi": k.id,
                "numerator": source.get(f"{k.id}__num"),
                "denominator": source.get(f"{k.id}__den"),
                "min_sample": k.min_sample,
                "raw": source.get(k.id),
                "shrunk": source.get(f"{k.id}_shrunk"),
                "scored": card.matrix.values(k, card.policy.use_shrunk)[i],
                "interval_low": source.get(f"{k.id}_lo"),
                "interval_high": source.get(f"{k.id}_hi"),
                "floor": floor,
                "target": target,
                "stretch": stretch,
                "normalised": card.normalised[i, j],
                "weight": weights[j],
                "effective_weight": card.effective_weights[i, j],
                "points": card.contributions.iloc[i, j],
                "note": _note(card, k, i, weights[j]),
                "reweighted": bool(card.left_out[i, j]),
                "missing": (),
            }
        )
    for kpi_id, reason in card.matrix.unavailable.items():
        weighted = card.policy.weights.get(kpi_id, 0) > 0
        records.append(
            {"kpi": kpi_id, "min_sample": KPIS_BY_ID[kpi_id].min_sample, "note": reason.code,
             "reweighted": weighted, "missing": reason.columns}
        )  # fmt: skip
    return pd.DataFrame.from_records(records, columns=list(EXPLAIN_COLUMNS))


def _note(card: Scorecard, k: KPI, i: int, weight: float) -> str:
    """Why the KPI does not count for agent `i` (a NOTE_ code), "" when it does."""
    if not np.isnan(card.normalised[i, card.matrix.kpis.index(k)]):
        return NOTE_UNWEIGHTED if weight == 0 else ""
    den = card.matrix.frame.iloc[i].get(f"{k.id}__den")
    if den is None or pd.isna(den) or not den > 0:  # NA: an agent without a ticket
        return NOTE_NO_DATA
    return NOTE_TOO_FEW_CASES


def standing(card: Scorecard, agent_id: str) -> Standing:
    """The total `explain`'s points make for one agent, and the gates it passes."""
    i = _agent_index(card, agent_id)
    row = card.frame.iloc[i]
    few_tickets, low_coverage = grading_gates(row["tickets"], row["coverage"], card.policy)
    return Standing(
        composite=float(row["composite"]),
        grade=None if pd.isna(row["grade"]) else row["grade"],
        measured=float(card.measured_composite[i]),
        tickets=int(row["tickets"]),
        coverage=float(row["coverage"]),
        few_tickets=bool(few_tickets),
        low_coverage=bool(low_coverage),
    )


@for_statistics
def team_summary(card: Scorecard) -> pd.DataFrame:
    """Per team: agents, graded agents, mean composite of graded agents, rank, tickets.

    For a scorecard narrowed to some teams, those teams with their department rank.
    """
    if card.department_teams is not None:
        shown = card.department_teams["team"].isin(card.frame["team"])
        return card.department_teams[shown]
    frame = card.frame.assign(graded=~card.frame["insufficient_data"])
    graded = frame[frame["graded"]]
    summary = frame.groupby("team").agg(agents=("agent_id", "size"), tickets=("tickets", "sum"))
    summary["graded"] = graded.groupby("team").size().reindex(summary.index, fill_value=0)
    summary["composite"] = graded.groupby("team")["composite"].mean().reindex(summary.index)
    summary["rank"] = rank(summary["composite"])
    return summary.reset_index().sort_values(["rank", "team"], na_position="last")


@for_statistics
def grade_counts(card: Scorecard) -> pd.DataFrame:
    """Agents per grade, every grade listed (zero included), plus insufficient data."""
    counts = card.frame["grade"].value_counts()
    rows = [{"grade": g, "agents": int(counts.get(g, 0))} for g in grading.GRADES]
    insufficient = int(card.frame["insufficient_data"].sum())
    rows.append({"grade": "insufficient_data", "agents": insufficient})
    return pd.DataFrame(rows)
