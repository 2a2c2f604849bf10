"""Plotly figures of the targets page: pure functions of counts and values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard.ui.charts import PALETTE, kpi_axis, plain_figure, title_of
from scoring.registry.kpis import KPI

LINE_STYLES = {"current": ("#57606a", "solid"), "suggested": (PALETTE[1], "dash")}


@dataclass(frozen=True)
class Mark:
    """A vertical line over the distribution: a floor, target or stretch value."""

    value: float
    kind: str  # "current" or "suggested" (LINE_STYLES)
    label: str


def distribution(
    counts: np.ndarray,
    edges: np.ndarray,
    marks: list[Mark],
    kpi: KPI,
    title: str,
    x_label: str,
    y_label: str,
) -> go.Figure:
    """Agents per bin of the KPI's values as bars, the floor, target and stretch in use
    (solid) and suggested (dashed) as labelled vertical lines."""
    centres = (edges[:-1] + edges[1:]) / 2
    bars = {
        "type": "bar",
        "x": centres.tolist(),
        "y": counts.tolist(),
        "width": float(edges[1] - edges[0]) if len(edges) > 1 else None,
        "marker": {"color": PALETTE[0], "opacity": 0.6},
        "showlegend": False,
        "hovertemplate": f"%{{x:{kpi.fmt}}}: %{{y}}<extra></extra>",
    }
    shapes, annotations = [], []
    for row, mark in enumerate(marks):
        colour, dash = LINE_STYLES[mark.kind]
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "x0": mark.value,
                "x1": mark.value,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": colour, "dash": dash},
            }  # fmt: skip
        )
        annotations.append(
            {
                "text": mark.label,
                "showarrow": False,
                "xref": "x",
                "x": mark.value,
                "yref": "paper",
                "y": 1 - 0.07 * (row % 6),
                "xanchor": "left",
                "font": {"color": colour, "size": 11},
            }  # fmt: skip
        )
    layout = {
        "title": title_of(title),
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {"title": title_of(x_label), **kpi_axis(kpi)},
        "yaxis": {"title": title_of(y_label)},
        "bargap": 0.05,
    }
    return plain_figure([bars], layout, height=360)
