"""Customer expectations (客户期望): the Kano questionnaire of `kano_responses`, per service
factor, and what to improve first.

Each factor is classified by `scoring.methods.stats.kano_summary` (docs/METHODS.md, "Kano
questionnaire"); the ranking and its reason codes are described in docs/METHODS.md, "What to
improve first". Results are codes and numbers; the page and the command line word them.

The answers are customers', not agents' or teams': every frame here is an aggregate over
respondents and carries no person of the department.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from scoring.data.dataset import Dataset
from scoring.data.sql import ident
from scoring.methods.stats import KANO_CATEGORIES, KANO_TIE_BREAK, kano_summary
from scoring.registry.kano import FACTORS_BY_ID
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import for_statistics

TABLE = "kano_responses"
SEGMENT = "segment"
MINIMUM_SETTING = "kano_min_respondents"  # scoring/settings.py
# Why a factor stands where it does in the ranking, one code per category.
REASONS = {
    "M": "must_be_missing_dissatisfies",
    "O": "one_dimensional_more_is_better",
    "A": "attractive_delights",
    "I": "indifferent_low_priority",
    "R": "reverse_unwanted_by_some",
    "Q": "questionable_check_questions",
}
# Categories worth improving, in the order they are improved (Kano's rule: must-be first).
IMPROVE = ("M", "O", "A")
COLUMNS = [
    "rank",
    "factor",
    "n",
    *KANO_CATEGORIES,
    "category",
    "strength",
    "total_strength",
    "significant",
    "better",
    "worse",
    "sensitivity",
    "improve",
    "reason",
]


class KanoError(ValueError):
    """The questionnaire cannot be analysed as asked (no table, an unknown segment)."""


@dataclass(frozen=True)
class KanoAnalysis:
    """The factors (COLUMNS, best first to improve), how many respondents answered, the
    fewest the classification is trusted on, and the segment analysed (None: everyone)."""

    factors: pd.DataFrame
    respondents: int
    minimum: int
    segment: str | None = None

    @property
    def enough(self) -> bool:
        return self.respondents >= self.minimum


def minimum_respondents(text: str) -> int:
    """The value of the setting `kano_min_respondents`; KanoError unless a whole number ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise KanoError(f"setting {MINIMUM_SETTING} must be a whole number ≥ 1, got '{text}'")
    return value


def has_segments(ds: Dataset) -> bool:
    return ds.has(TABLE, SEGMENT)


def segments(ds: Dataset) -> list[str]:
    """The respondent segments the answers name (none when the column is absent)."""
    if not has_segments(ds):
        return []
    column = ident(SEGMENT)
    sql = f"SELECT DISTINCT {column} AS s FROM {ident(TABLE)} WHERE {column} IS NOT NULL"
    return sorted(ds.query(sql)["s"].tolist())


@for_statistics
def answers(ds: Dataset, segment: str | None = None) -> pd.DataFrame:
    """respondent_id, factor, functional, dysfunctional of every accepted answer pair, of
    one segment's respondents when `segment` is given."""
    if not ds.has(TABLE):
        raise KanoError(f"the dataset has no {TABLE} table (the Kano questionnaire)")
    params: dict = {}
    where = "true"
    if segment is not None:
        known = segments(ds)
        if segment not in known:
            listed = ", ".join(known) or f"none: {TABLE} has no {SEGMENT} column"
            raise KanoError(f"unknown segment '{segment}' in {TABLE} (known: {listed})")
        params["segment"] = segment
        where = f"{ident(SEGMENT)} = $segment"
    columns = ", ".join(
        ident(c) for c in ("respondent_id", "factor", "functional", "dysfunctional")
    )
    return ds.query(f"SELECT {columns} FROM {ident(TABLE)} WHERE {where}", params)


@for_statistics
def classify(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per factor (COLUMNS), ranked: what to improve first at the top.

    Ranking (docs/METHODS.md, "What to improve first"): must-be, then one-dimensional, then
    attractive factors (`improve`), then indifferent, reverse and questionable ones; within a
    category the larger satisfaction sensitivity √(Better² + Worse²) first, then the factor
    id. A non-significant classification (Fong) keeps its place and its flag."""
    rows = []
    for factor, pairs in answers.groupby("factor", sort=True):
        result = kano_summary(pairs["functional"], pairs["dysfunctional"])
        rows.append(
            {
                "factor": factor,
                "n": result.n,
                **result.counts,
                "category": result.category,
                "strength": result.strength,
                "total_strength": result.total_strength,
                "significant": result.significant,
                "better": result.better,
                "worse": result.worse,
                "sensitivity": math.hypot(result.better, result.worse),
                "improve": result.category in IMPROVE,
                "reason": REASONS[result.category],
            }
        )
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"])
    if table.empty:
        return table.assign(rank=pd.Series(dtype="int64"))[COLUMNS]
    order = table["category"].map(KANO_TIE_BREAK.index)  # M > O > A > I > R > Q, as in a tie
    table = (
        table.assign(_order=order, _sensitivity=table["sensitivity"].fillna(-1.0))
        .sort_values(["_order", "_sensitivity", "factor"], ascending=[True, False, True])
        .drop(columns=["_order", "_sensitivity"])
        .reset_index(drop=True)
    )
    table["rank"] = range(1, len(table) + 1)
    return table[COLUMNS]


def analyse(ds: Dataset, minimum: int, segment: str | None = None) -> KanoAnalysis:
    """The questionnaire of everyone (or of one segment), classified and ranked."""
    found = answers(ds, segment)
    return KanoAnalysis(
        factors=classify(found),
        respondents=int(found["respondent_id"].nunique()),
        minimum=minimum,
        segment=segment,
    )


def by_segment(ds: Dataset, minimum: int) -> dict[str, KanoAnalysis]:
    """The analysis of each segment the answers name (empty without a segment column)."""
    return {s: analyse(ds, minimum, s) for s in segments(ds)}


LINK_COLUMNS = ["rank", "factor", "category", "significant", "kpi", "value", "target", "met"]


@for_statistics
def kpi_links(
    factors: pd.DataFrame, values: Mapping[str, float], targets: Mapping[str, float]
) -> pd.DataFrame:
    """Each ranked factor beside the KPIs that measure it (scoring/registry/kano.py), in the
    ranking's order: the KPI's value in `values` (NaN where the dataset cannot compute it or
    the scope has no case), its `target`, and `met` (None without a value). A factor the
    registry does not declare has no row."""
    rows = []
    for factor in factors.to_dict("records"):
        declared = FACTORS_BY_ID.get(factor["factor"])
        for kpi_id in declared.kpis if declared else ():
            value, target = float(values.get(kpi_id, math.nan)), targets[kpi_id]
            met = None if math.isnan(value) else KPIS_BY_ID[kpi_id].meets(value, target)
            rows.append({**{c: factor[c] for c in LINK_COLUMNS[:4]}, "kpi": kpi_id,
                         "value": value, "target": target, "met": met})  # fmt: skip
    return pd.DataFrame(rows, columns=LINK_COLUMNS)
