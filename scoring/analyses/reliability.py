"""How far the scores can be trusted to tell agents apart: split-half reliability per KPI,
grade stability per weight scheme, and the KPIs that do not discriminate.

Split-half reliability (classical test theory; docs/METHODS.md, "Reliability"): each split
deals the customers into two random halves (so repeat chains stay whole), each agent's KPI is
measured on each half, the two are correlated across agents (Spearman's rank correlation of
the values the policy scores), and the correlation of half-length measures is corrected to
the full length by Spearman–Brown, r = 2·r_half / (1 + r_half). The split is repeated
(seeded) and the median reported, with the range. Grade stability: the share of agents graded
on both halves whose grade is the same on both, and Cohen's kappa of the two grades.

A KPI does not discriminate (`discrimination`) when most agents sit at its cap or at its
floor, or when the spread of agents' values is no larger than the sampling noise of each
agent's value (the between-agent variance at most the mean within-agent sampling variance).

Everything returns codes and values; the dashboard's text catalog words them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.data.dataset import Dataset
from scoring.engine.policy import Policy
from scoring.engine.scorecard import KpiMatrix, Scorecard, grades_of, matrix_of
from scoring.measures import halves
from scoring.measures.metrics import SPLIT_GRAINS, Filters, available_kpis, kpi_halves
from scoring.measures.query import Query
from scoring.methods import normalise, stats
from scoring.registry.kpis import KPI
from scoring.scope import for_statistics

DEFAULT_SPLITS = halves.SPLITS  # what the pre-aggregated halves are made with
DEFAULT_SEED = halves.SEED
# Below this a KPI is "unreliable": the conventional minimum of a reliability coefficient
# for comparing people (Nunnally 1978, Psychometric Theory, ch. 7: 0.7 for group comparisons;
# decisions about individuals want 0.9).
RELIABLE = 0.7
MIN_AGENTS = 5  # fewer agents measured on both halves give no correlation worth reporting
# A KPI on which at least this share of the measured agents sits at the cap (or at the
# floor) tells almost nobody apart.
PILED_UP = 0.8


def spearman_brown(r_half: float | np.ndarray) -> float | np.ndarray:
    """The reliability of the full-length measure from the correlation of its two halves:
    2·r / (1 + r) (r_half 0.6 → 0.75). NaN where r is NaN or −1."""
    r = np.asarray(r_half, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        full = np.where(r > -1, 2 * r / (1 + r), np.nan)
    return float(full) if full.ndim == 0 else full


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's correlation of two value arrays over the entries where both are known
    (ties get their mean rank); NaN with fewer than `MIN_AGENTS` or without any spread."""
    both = ~np.isnan(a) & ~np.isnan(b)
    if both.sum() < MIN_AGENTS:
        return float("nan")
    ranks_a, ranks_b = stats.mean_ranks(a[both]), stats.mean_ranks(b[both])  # ties: their mean rank
    if ranks_a.std() == 0 or ranks_b.std() == 0:
        return float("nan")
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1])


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Agreement of two gradings of the same agents beyond chance: (p_o − p_e) / (1 − p_e)
    (Cohen 1960); NaN for no agents or when chance alone agrees fully."""
    if len(a) == 0:
        return float("nan")
    labels = sorted(set(a) | set(b))
    observed = float(np.mean(a == b))
    expected = sum(float(np.mean(a == g)) * float(np.mean(b == g)) for g in labels)
    return float("nan") if expected >= 1 else (observed - expected) / (1 - expected)


def _splits(table: pd.DataFrame) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """The two halves of each split of `kpi_halves` (by split), each indexed by agent: the
    table grouped once (a pair of filters per split took 40 passes over it)."""
    halves = {key: rows.set_index("agent_id") for key, rows in table.groupby(["split", "half"])}
    empty = table.iloc[:0].set_index("agent_id")
    return [
        (halves.get((split, 0), empty), halves.get((split, 1), empty))
        for split in sorted(table["split"].unique())
    ]


# Decimals a KPI value is ranked at: values equal in exact arithmetic but summed in another
# order (DuckDB adds in parallel, the halves' cells add months) differ in the last bits; at
# full precision that broke their tie at random, and the reliability moved by up to 1e-4
# from one run to the next.
RANKED_DECIMALS = 9


def _measured(half: pd.DataFrame, k: KPI) -> np.ndarray:
    """The KPI's raw value per agent of one half (at `RANKED_DECIMALS`); NaN below its
    minimum sample."""
    values = np.round(half[k.id].to_numpy(float), RANKED_DECIMALS)
    den = half[f"{k.id}__den"].to_numpy(float)
    return np.where(den >= k.min_sample, values, np.nan)


@for_statistics
def kpi_reliability(halves: pd.DataFrame, kpis: tuple[KPI, ...]) -> pd.DataFrame:
    """Per KPI of a `kpi_halves` table: `r_half` and `reliability` (Spearman–Brown), medians
    over the splits of the rank correlation of the agents' raw values on the two halves, the
    reliability's `low` and `high` over the splits, `agents` (median measured on both halves,
    each half at the KPI's minimum sample) and `status`: "reliable", "unreliable" (below
    `RELIABLE`), "not_split" (an agent-level KPI such as training hours: not measured per
    customer) or "too_few_agents"."""
    agents = pd.Index(sorted(halves["agent_id"].unique()))
    splits = [tuple(h.reindex(agents) for h in pair) for pair in _splits(halves)]  # aligned once
    records = []
    for k in kpis:
        if k.grain not in SPLIT_GRAINS:
            records.append({"kpi": k.id, "status": "not_split"})
            continue
        r_half, measured = [], []
        for first, second in splits:
            a, b = _measured(first, k), _measured(second, k)
            r_half.append(rank_correlation(a, b))
            measured.append(int((~np.isnan(a) & ~np.isnan(b)).sum()))
        full = spearman_brown(np.array(r_half, dtype=float))
        record = {"kpi": k.id, "agents": int(np.median(measured)) if measured else 0}
        if np.isnan(full).all():
            records.append({**record, "status": "too_few_agents"})
            continue
        median = float(np.nanmedian(full))
        records.append(
            {
                **record,
                "r_half": float(np.nanmedian(r_half)),
                "reliability": median,
                "low": float(np.nanmin(full)),
                "high": float(np.nanmax(full)),
                "status": "reliable" if median >= RELIABLE else "unreliable",
            }
        )
    columns = ["kpi", "r_half", "reliability", "low", "high", "agents", "status"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.astype({"agents": "Int64"})


def _weighted(kpis: tuple[KPI, ...], policies: Mapping[str, Policy]) -> tuple[KPI, ...]:
    """The KPIs some policy weights: the only ones a composite depends on."""
    return tuple(k for k in kpis if any(p.weights.get(k.id, 0) > 0 for p in policies.values()))


def half_matrices(
    halves: pd.DataFrame, agents: pd.DataFrame, kpis: tuple[KPI, ...]
) -> list[tuple[KpiMatrix, KpiMatrix]]:
    """Per split of a `kpi_halves` table, the KPI matrices of its two halves over the roster
    `agents` (shrinkage fitted within each half, without credible intervals: only grades
    are read), for these KPIs."""
    return [
        tuple(matrix_of(agents, h.reset_index(), kpis, {}, intervals=False) for h in pair)
        for pair in _splits(halves)
    ]


@for_statistics
def grade_stability(
    pairs: list[tuple[KpiMatrix, KpiMatrix]], policies: Mapping[str, Policy]
) -> pd.DataFrame:
    """Per named policy (a weight scheme), over the splits' half matrices (`half_matrices`):
    `same_grade`, the median share of the agents graded on both halves who get the same grade
    on both; `kappa`, the median Cohen's kappa of the two halves' grades; `agents`, the median
    graded on both."""
    records = []
    for name, policy in policies.items():
        same, kappa, agents = [], [], []
        for pair in pairs:
            a, b = (grades_of(m, policy) for m in pair)
            both = pd.notna(a) & pd.notna(b)
            same.append(float(np.mean(a[both] == b[both])) if both.any() else np.nan)
            kappa.append(cohen_kappa(a[both], b[both]))
            agents.append(int(both.sum()))
        records.append(
            {
                "scheme": name,
                "same_grade": _median(same),
                "kappa": _median(kappa),
                "agents": int(np.median(agents)) if agents else 0,
            }
        )
    return pd.DataFrame.from_records(records, columns=["scheme", "same_grade", "kappa", "agents"])


def _median(values: list[float]) -> float:
    known = [v for v in values if not np.isnan(v)]
    return float(np.median(known)) if known else float("nan")


@dataclass(frozen=True)
class Reliability:
    """Split-half reliability of one filter: per KPI (`kpi_reliability`) and per policy
    (`grade_stability`), over `splits` seeded splits."""

    kpis: pd.DataFrame
    schemes: pd.DataFrame
    splits: int


def reliability(
    ds: Dataset,
    filters: Filters,
    policies: Mapping[str, Policy],
    splits: int = DEFAULT_SPLITS,
    seed: int = DEFAULT_SEED,
    repeat_days: int = 30,
) -> Reliability:
    """Per KPI reliability and per policy grade stability over the filter's agents (pass
    the population: this is a statistic). One SQL pass for every split and half."""
    halves = kpi_halves(ds, filters, splits, seed, repeat_days)
    agents = Query(ds, filters).roster().run(ds)
    kpis = available_kpis(ds)
    pairs = half_matrices(halves, agents, _weighted(kpis, policies))
    return Reliability(kpi_reliability(halves, kpis), grade_stability(pairs, policies), splits)


# --------------------------------------------------------------------------------------
# Discrimination


def _sampling_variance(matrix: KpiMatrix, k: KPI) -> np.ndarray:
    """Each agent's sampling variance of the KPI's raw value (NaN where it has no formula:
    quantiles): rates p(1 − p)/n, means s²/n, volumes per day (Poisson) x/days²."""
    frame = matrix.frame
    den = frame.get(f"{k.id}__den", pd.Series(np.nan, index=frame.index)).to_numpy(float)
    value = frame[k.id].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if k.kind == "rate":
            return value * (1 - value) / den
        if k.kind == "mean":
            squares = frame[f"{k.id}__sq"].to_numpy(float) / den
            return np.maximum(squares - value**2, 0) / den
        if k.kind == "per_day":
            return value / den
    return np.full(len(value), np.nan)


@for_statistics
def discrimination(card: Scorecard) -> pd.DataFrame:
    """Per KPI of the scorecard: `agents` measured, the shares `at_cap` (scoring the most the
    normalisation gives) and `at_floor` (scoring 0), `spread` (variance of the agents' raw
    values) and `noise` (their mean sampling variance), and `flag`: "at_cap", "at_floor",
    "within_noise" or None. Weighted or not: the caller shows the ones that carry weight."""
    records = []
    for j, k in enumerate(card.matrix.kpis):
        scores = card.normalised[:, j]
        measured = ~np.isnan(scores)
        n = int(measured.sum())
        cap = _best_score(card.policy, k)
        raw = card.matrix.frame[k.id].to_numpy(float)[measured]
        noise = _sampling_variance(card.matrix, k)[measured]
        record = {
            "kpi": k.id,
            "agents": n,
            "at_cap": float(np.mean(scores[measured] >= cap - 1e-9)) if n else np.nan,
            "at_floor": float(np.mean(scores[measured] <= 1e-9)) if n else np.nan,
            "spread": float(np.var(raw, ddof=1)) if n > 1 else np.nan,
            "noise": float(np.nanmean(noise)) if n and not np.isnan(noise).all() else np.nan,
        }
        record["flag"] = _flag(record)
        records.append(record)
    columns = ["kpi", "agents", "at_cap", "at_floor", "spread", "noise", "flag"]
    return pd.DataFrame.from_records(records, columns=columns)


def _best_score(policy: Policy, k: KPI) -> float:
    """The most a KPI can score: with target-based normalisation the score of its stretch
    value (or of its target without one); 100 for the group-relative methods."""
    if policy.method != "target":
        return 100.0
    floor, target, stretch = policy.target_of(k)
    best = np.array([target if stretch is None else stretch], dtype=float)
    return float(normalise.normalise(best, "target", k.higher_is_better, floor, target, stretch)[0])


def _flag(record: dict) -> str | None:
    if record["agents"] < 2:
        return None
    if record["at_cap"] >= PILED_UP:
        return "at_cap"
    if record["at_floor"] >= PILED_UP:
        return "at_floor"
    if not np.isnan(record["noise"]) and record["spread"] <= record["noise"]:
        return "within_noise"
    return None
