"""Scoring built on what customers expect (客户期望评分): the Kano classification turned into
a scoring policy.

Each KPI linked to a factor (scoring/registry/kano.py) takes the category of the first of its
factors in the ranking (must-be before one-dimensional before attractive): a must-be KPI is a
gate (`Policy.must_be`), a one-dimensional one is weighted linearly, an attractive one earns
bonus points above its target (`Policy.bonus`); a KPI of no factor, or of indifferent,
reverse or questionable ones only, stays weighted linearly. The weights are the current
scheme's adjusted by Tan & Shen (2000): w · IR^(1/k), IR the improvement ratio of the
department's value to its target and k = 0.5 / 1 / 2 for must-be / one-dimensional /
attractive (docs/METHODS.md, "Scoring built on what customers expect"). Codes and numbers
only: the page words them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from scoring.engine.policy import Policy
from scoring.engine.whatif import to_percentages
from scoring.registry.kano import FACTORS_BY_ID
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import for_statistics

# Tan & Shen's exponent k per Kano category (IR^(1/k)); other categories: no adjustment.
TAN_SHEN_K = {"M": 0.5, "O": 1.0, "A": 2.0}
ROLES = {"M": "gate", "A": "bonus"}  # every other KPI: "linear"
COLUMNS = ["kpi", "factor", "category", "role", "current", "value", "target", "ratio", "k",
           "weight"]  # fmt: skip


@dataclass(frozen=True)
class Suggestion:
    """The suggested policy and, per KPI (COLUMNS), how its weight and role were found:
    current weight (%), the department's value and target, the improvement ratio (NaN:
    undefined, no adjustment), k and the suggested weight (%)."""

    policy: Policy
    kpis: pd.DataFrame


def kpi_categories(factors: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """KPI id → (factor, category) of the first factor in the ranking that the KPI measures
    (`factors`: `analyses.kano.classify`'s rows, first to improve first)."""
    found: dict[str, tuple[str, str]] = {}
    for factor, category in zip(factors["factor"], factors["category"], strict=True):
        declared = FACTORS_BY_ID.get(factor)
        for kpi_id in declared.kpis if declared else ():
            found.setdefault(kpi_id, (factor, category))
    return found


def improvement_ratio(kpi_id: str, value: float, target: float) -> float:
    """Tan & Shen's improvement ratio: target / value, or value / target for a KPI where
    lower is better (above 1: the department is short of its target). NaN when it is not
    defined: no value, or a value or target not above zero (an NPS below zero)."""
    if not (value > 0 and target > 0):  # False for NaN too
        return math.nan
    return target / value if KPIS_BY_ID[kpi_id].higher_is_better else value / target


@for_statistics
def suggest(
    factors: pd.DataFrame, base: Policy, values: Mapping[str, float], kpi_ids: Iterable[str]
) -> Suggestion:
    """The Kano-informed policy built on `base` (the current scheme) for the KPIs `kpi_ids`
    (those the dataset measures), from the department's current `values`: the weights
    adjusted, the gates and the bonus KPIs set; everything else of `base` kept."""
    ids = list(kpi_ids)
    current = to_percentages(base.weights, ids)
    categories = kpi_categories(factors)
    rows, adjusted = [], {}
    for kpi_id in ids:
        factor, category = categories.get(kpi_id, (None, None))
        target = base.target_of(KPIS_BY_ID[kpi_id])[1]
        value = float(values.get(kpi_id, math.nan))
        ratio = improvement_ratio(kpi_id, value, target)
        k = TAN_SHEN_K.get(category, 1.0)
        adjusted[kpi_id] = current[kpi_id] * (1.0 if math.isnan(ratio) else ratio ** (1 / k))
        rows.append({"kpi": kpi_id, "factor": factor, "category": category,
                     "role": ROLES.get(category, "linear"), "current": current[kpi_id],
                     "value": value, "target": target, "ratio": ratio, "k": k})  # fmt: skip
    weights = to_percentages(adjusted, ids) if ids else {}
    table = pd.DataFrame(rows, columns=COLUMNS[:-1]).assign(weight=[weights[i] for i in ids])
    gates = tuple(table.loc[table["role"] == "gate", "kpi"])
    bonus = tuple(table.loc[(table["role"] == "bonus") & (table["weight"] > 0), "kpi"])
    policy = dataclasses.replace(base, weights=weights, must_be=gates, bonus=bonus)
    return Suggestion(policy, table[COLUMNS])
