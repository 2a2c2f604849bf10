"""Figures of the Did it work? page: the treated and the control group per month around the
change, the event study (the effect per month with its interval), attrition per team."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.ui.charts import DATE_FORMATS, PALETTE, date_axis, kpi_axis, plain_figure, title_of
from scoring.registry.kpis import KPI

TREATED_COLOUR, CONTROL_COLOUR = PALETTE[0], PALETTE[1]


def _change_line(day: str) -> dict:
    """A dashed vertical line at the change."""
    return {
        "type": "line", "xref": "x", "x0": day, "x1": day, "yref": "y domain", "y0": 0,
        "y1": 1, "line": {"color": "#888", "dash": "dash"},
    }  # fmt: skip


def trends(
    frame: pd.DataFrame, kpi: KPI, names: dict[str, str], title: str, day: str, lang: str
) -> go.Figure:
    """The groups' values per month (`frame`: month, group, value), one line each, named
    by `names` (group → its label)."""
    when = DATE_FORMATS["month"][lang]
    colours = {"treated": TREATED_COLOUR, "control": CONTROL_COLOUR}
    lines = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": names[group],
            "x": rows["month"].tolist(),
            "y": rows["value"].astype(float).tolist(),
            "line": {"color": colours[group]},
            "hovertemplate": f"%{{x|{when}}}: %{{y:{kpi.fmt}}}<extra></extra>",
        }
        for group, rows in frame.groupby("group", sort=False)
    ]
    layout = {
        "title": title_of(title),
        "shapes": [_change_line(day)],
        "xaxis": date_axis("month", lang),
        "yaxis": kpi_axis(kpi),
    }
    return plain_figure(lines, layout)


def event_study(
    frame: pd.DataFrame, value_format: str, title: str, day: str, lang: str
) -> go.Figure:
    """The effect per month (`frame`: month, estimate, lo, hi) with its interval as error
    bars, and the zero line."""
    when = DATE_FORMATS["month"][lang]
    points = {
        "type": "scatter",
        "mode": "markers",
        "x": frame["month"].tolist(),
        "y": frame["estimate"].astype(float).tolist(),
        "error_y": {
            "type": "data",
            "array": (frame["hi"] - frame["estimate"]).astype(float).tolist(),
            "arrayminus": (frame["estimate"] - frame["lo"]).astype(float).tolist(),
        },
        "marker": {"color": TREATED_COLOUR},
        "showlegend": False,
        "hovertemplate": f"%{{x|{when}}}: %{{y:{value_format}}}<extra></extra>",
    }
    zero = {
        "type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": 0, "y1": 0,
        "line": {"color": "#888"},
    }  # fmt: skip
    layout = {
        "title": title_of(title),
        "shapes": [zero, _change_line(day)],
        "xaxis": date_axis("month", lang),
        "yaxis": {"tickformat": value_format.replace(".1", ".0")},
    }
    return plain_figure([points], layout)


def attrition(frame: pd.DataFrame, title: str, day: str, lang: str) -> go.Figure:
    """Monthly attrition per team (`frame`: team, month, rate), one line each."""
    when = DATE_FORMATS["month"][lang]
    lines = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": team,
            "x": rows["month"].tolist(),
            "y": rows["rate"].astype(float).tolist(),
            "hovertemplate": f"%{{x|{when}}}: %{{y:.1%}}<extra></extra>",
        }
        for team, rows in frame.groupby("team")
    ]
    layout = {
        "title": title_of(title),
        "shapes": [_change_line(day)],
        "xaxis": date_axis("month", lang),
        "yaxis": {"tickformat": ".0%", "rangemode": "tozero"},
    }
    return plain_figure(lines, layout)
