"""Case-mix adjustment: observed versus expected KPI per agent by indirect
standardisation (Breslow & Day 1987, ch. 2; Iezzoni 2013), and a scorecard matrix with
the skill KPIs so adjusted."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scoring.analyses.capability.common import SKILL_KPIS, _roster, inputs_statement, skill_kpis
from scoring.data.dataset import Dataset
from scoring.data.sql import ident, literal
from scoring.engine.scorecard import KpiMatrix
from scoring.measures.metrics import Filters
from scoring.measures.query import Statement
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import for_statistics

CASE_MIX_DIMENSIONS = ("category", "channel", "priority", "customer_segment")
MISSING = "∅"  # a fine cell's missing dimension value


def mix_dimensions(ds: Dataset) -> tuple[str, ...]:
    """The case-mix dimensions the dataset has (category and channel are required)."""
    return tuple(d for d in CASE_MIX_DIMENSIONS if ds.has("tickets", d))


@for_statistics
def ticket_cells(ds: Dataset, filters: Filters, kpi_id: str, repeat_days: int = 30) -> pd.DataFrame:
    """The KPI's inputs per agent and fine cell (case-mix dimensions and product), with
    `exp`: the cell's cases times the peers' value in the case-mix cell.

    Columns: agent_id, the dimensions (pandas categories, a missing value as "∅": a tenth
    of the memory of text), num, den, sq, peer_value, exp; cells with cases only. Indirect
    standardisation (Breslow & Day 1987): the reference value of a case-mix cell (category
    × channel × priority × segment) is the pooled value of the *other* agents in that cell;
    where no other agent handled the cell, the agent's own value (no evidence either way).
    """
    k = KPIS_BY_ID[kpi_id]
    mix = mix_dimensions(ds)
    fine = mix + (("product",) if ds.has("tickets", "product") else ())
    inputs = inputs_statement(ds, filters, k, ("agent_id", *fine), repeat_days)
    labels = ", ".join(
        f"CAST(coalesce({ident(c)}, {literal(MISSING)}) AS {_enum(values)}) AS {ident(c)}"
        for c, values in _values(ds, fine).items()
    )
    numbers = ", ".join(f"CAST(coalesce({c}, 0) AS DOUBLE) AS {c}" for c in ("num", "den", "sq"))
    sql = f"SELECT agent_id, {labels}, {numbers} FROM ({inputs.sql}) WHERE den > 0"
    cells = Statement(sql, inputs.params).run(ds)
    keys = list(mix)
    cell_tot = cells.groupby(keys, observed=True)[["num", "den"]].transform("sum")
    own = cells.groupby(["agent_id", *keys], observed=True)[["num", "den"]].transform("sum")
    peer_den = cell_tot["den"] - own["den"]
    own_value = own["num"] / own["den"]
    peer_value = (cell_tot["num"] - own["num"]) / peer_den.where(peer_den > 0)
    cells["peer_value"] = peer_value.fillna(own_value)
    cells["exp"] = cells["den"] * cells["peer_value"]
    return cells


def _values(ds: Dataset, columns: tuple[str, ...]) -> dict[str, list]:
    """Each ticket column's values, with MISSING (one scan)."""
    lists = ", ".join(f"list(DISTINCT {ident(c)})" for c in columns)
    return {
        c: sorted({*found, MISSING})
        for c, found in zip(columns, ds.row(f"SELECT {lists} FROM tickets"), strict=True)
    }


def _enum(values: list) -> str:
    """SQL type of text taking `values`: DuckDB hands it to pandas as categories, about
    five times faster than text (at 10M tickets about a second of the fine cells' 2.5 s)."""
    return f"ENUM({', '.join(literal(str(v)) for v in values)})"


@for_statistics
def case_mix(
    ds: Dataset,
    filters: Filters,
    kpi_id: str,
    repeat_days: int = 30,
    cells: pd.DataFrame | None = None,
) -> pd.DataFrame:
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
    population and show its rows through the visible scope. `cells`: the filter's
    `ticket_cells` where the caller has them, else they are read.
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
    fine = ticket_cells(ds, filters, k.id, repeat_days) if cells is None else cells
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
