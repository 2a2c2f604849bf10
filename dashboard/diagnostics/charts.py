"""Plotly figures of the diagnostics page. Pure functions of data frames, no streamlit.

Every clickable mark carries the id it drills to in `customdata[0]` (and its ticket count
in `customdata[1]` where it has one), so the page reads the clicked element from the
selection event without depending on labels or sort order.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from dashboard.ui.charts import (
    DATE_FORMATS,
    PALETTE,
    date_axis,
    kpi_axis,
    plain_figure,
    plot_values,
    target_marks,
    title_of,
)
from scoring.registry.kpis import KPI

SCOPE_COLOUR = "#cf222e"
PEER_COLOUR = "#8c959f"
GREY = "#d0d7de"
ACTION_COLOUR = "#1a7f37"


def _drill_bar(frame: pd.DataFrame, key: str, label: str, value: str, colours) -> dict:
    """One clickable bar per row: x = label, y = value; customdata = (key, tickets)."""
    return {
        "type": "bar",
        "x": frame[label].astype(str).tolist(),
        "y": plot_values(frame[value].astype(float)),
        "customdata": [[str(i), int(n)] for i, n in zip(frame[key], frame["tickets"], strict=True)],
        "marker": {"color": colours},
        "hovertemplate": "%{x}<br>%{y}<br>n = %{customdata[1]}<extra></extra>",
    }


def drill_bars(
    frame: pd.DataFrame,
    key: str,
    label: str,
    value: str,
    title: str,
    k: KPI | None = None,
    target: float | None = None,
    target_label: str = "",
) -> go.Figure:
    """One bar per row (see `_drill_bar`). Bars that miss the target (when a KPI is given)
    are red, the others blue; without a KPI the value is a count, written on each bar."""
    colours = PALETTE[0]
    if k is not None and target is not None:
        colours = [PALETTE[0] if k.meets(v, target) else SCOPE_COLOUR for v in frame[value]]
    bar = _drill_bar(frame, key, label, value, colours)
    if k is None:
        bar |= {"text": frame["tickets"].tolist(), "textposition": "outside"}
    layout = {"title": title_of(title), "clickmode": "event+select", "xaxis": {"type": "category"}}
    if k is not None:
        layout["yaxis"] = kpi_axis(k)
        if target is not None:
            line, text = target_marks(target, target_label)
            layout |= {"shapes": [line], "annotations": [text]}
    return plain_figure([bar], layout)


def score_bars(frame: pd.DataFrame, key: str, label: str, title: str, y_label: str) -> go.Figure:
    """The composite (0–100) per row as clickable bars (see `_drill_bar`), its score on each;
    a row without a composite (too little evidence) has no bar."""
    bar = _drill_bar(frame, key, label, "composite", PALETTE[0])
    bar |= {"texttemplate": "%{y:.1f}", "textposition": "outside"}
    layout = {
        "title": title_of(title),
        "clickmode": "event+select",
        "xaxis": {"type": "category"},
        "yaxis": {"title": title_of(y_label), "range": [0, 105]},
    }
    return plain_figure([bar], layout)


def trend(
    frame: pd.DataFrame,
    period: str,
    k: KPI,
    title: str,
    target: float,
    target_label: str,
    highlight: tuple[date | None, date | None],
    highlight_label: str,
    markers: list[tuple[date, str]],
    lang: str,
) -> go.Figure:
    """The KPI over time, the target dashed, the selected period shaded, and a vertical
    line with a label at each improvement action's start date."""
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": frame[period].tolist(),
        "y": plot_values(frame[k.id].astype(float)),
        "name": title,
        "hovertemplate": f"%{{x|{DATE_FORMATS[period][lang]}}}: %{{y:{k.fmt}}}<extra></extra>",
    }
    target_line, target_text = target_marks(target, target_label)
    shapes, annotations = [target_line], [target_text]
    start, end = highlight
    if start and end:
        x0, x1 = pd.Timestamp(start).isoformat(), pd.Timestamp(end).isoformat()
        shapes.append(
            {"type": "rect", "xref": "x", "x0": x0, "x1": x1, "yref": "y domain", "y0": 0,
             "y1": 1, "fillcolor": "#4c9be8", "opacity": 0.12, "line": {"width": 0}}
        )  # fmt: skip
        annotations.append(
            {"text": highlight_label, "showarrow": False, "xref": "x", "x": x0,
             "xanchor": "left", "yref": "y domain", "y": 1, "yanchor": "top"}
        )  # fmt: skip
    for when, text in markers:
        x = pd.Timestamp(when).isoformat()
        shapes.append(
            {"type": "line", "xref": "x", "x0": x, "x1": x, "yref": "y domain", "y0": 0,
             "y1": 1, "line": {"color": ACTION_COLOUR, "dash": "dot"}}
        )  # fmt: skip
        annotations.append(
            {"text": text, "showarrow": False, "x": x, "xanchor": "left", "yref": "paper",
             "y": 1, "font": {"color": ACTION_COLOUR, "size": 11}}
        )  # fmt: skip
    layout = {
        "title": title_of(title),
        "showlegend": False,
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": date_axis(period, lang),
        "yaxis": kpi_axis(k),
    }
    return plain_figure([line], layout)


def stage_ratios(
    frame: pd.DataFrame,
    labels: dict[str, str],
    texts: list[str],
    title: str,
    y_label: str,
    worst: str | None,
    rule: tuple[float, str],
) -> go.Figure:
    """Per stage the scope's median time ÷ its peers' — the quantity the bottleneck rule
    ranks — with "hours vs peer hours" on each bar: the named bottleneck red, the others
    grey; 1× (as fast as the peers) solid, the rule's ratio dashed. `rule` = (ratio, label)."""
    known = frame["ratio"].notna().to_numpy()
    shown = frame[known]
    bar = {
        "type": "bar",
        "x": [labels.get(s, s) for s in shown["stage"]],
        "y": plot_values(shown["ratio"].astype(float)),
        "text": [text for text, keep in zip(texts, known, strict=True) if keep],
        "textposition": "outside",
        "marker": {"color": [SCOPE_COLOUR if s == worst else PEER_COLOUR for s in shown["stage"]]},
        "customdata": shown["stage"].tolist(),
        "hovertemplate": "%{x}<br>%{y:.2f}×<br>%{text}<extra></extra>",
    }
    ratio, rule_label = rule
    line, note = target_marks(ratio, rule_label)
    parity = {**line, "y0": 1, "y1": 1, "line": {"color": "#57606a", "width": 1}}
    top = max([ratio, *shown["ratio"].astype(float).tolist()]) * 1.2
    layout = {
        "title": title_of(title),
        "xaxis": {"type": "category"},
        "yaxis": {"title": title_of(y_label), "range": [0, top], "ticksuffix": "×"},
        "shapes": [parity, line],
        "annotations": [note],
        "showlegend": False,
    }
    return plain_figure([bar], layout)


def stage_hours(
    frame: pd.DataFrame, labels: dict[str, str], texts: list[str], title: str, y_label: str
) -> go.Figure:
    """Median hours per stage of one scope without peers (the department), one series."""
    bar = {
        "type": "bar",
        "x": [labels.get(s, s) for s in frame["stage"]],
        "y": plot_values(frame["hours"].astype(float)),
        "text": texts,
        "textposition": "outside",
        "marker": {"color": PEER_COLOUR},
        "hovertemplate": "%{x}<br>%{text}<extra></extra>",
    }
    layout = {
        "title": title_of(title),
        "xaxis": {"type": "category"},
        "yaxis": {"title": title_of(y_label)},
        "showlegend": False,
    }
    return plain_figure([bar], layout)


def heatmap(
    cells: pd.DataFrame,
    rows: str,
    columns: str,
    k: KPI,
    title: str,
    row_label: str,
    column_label: str,
) -> go.Figure:
    """KPI per cell; cells with too few cases drawn grey (their count still shown), not
    coloured by a value that is mostly noise. customdata = (row value, column value, n)."""
    row_values = sorted(cells[rows].astype(str).unique(), key=_natural)
    column_values = sorted(cells[columns].astype(str).unique(), key=_natural)
    index = {
        (str(r), str(c)): i
        for i, (r, c) in enumerate(zip(cells[rows], cells[columns], strict=True))
    }

    def grid(column: str, fill=np.nan):
        out = np.full((len(row_values), len(column_values)), fill, dtype=object)
        for i, r in enumerate(row_values):
            for j, c in enumerate(column_values):
                at = index.get((r, c))
                if at is not None:
                    out[i, j] = cells[column].iloc[at]
        return out

    values = grid("value").astype(float)
    counts = grid("cases", 0).astype(int)
    enough = grid("enough", False).astype(bool)
    grey = np.where(~enough & (counts > 0), 1.0, np.nan)
    custom = [
        [[r, c, int(n)] for c, n in zip(column_values, row_counts, strict=True)]
        for r, row_counts in zip(row_values, counts, strict=True)
    ]
    fmt = ".0%" if k.fmt.endswith("%") else ".2f" if k.fmt == ".2f" else ",.0f"
    text = [[format(v, fmt) if v == v else "" for v in row] for row in values]
    colorscale = get_colorscale("RdYlGn" if k.higher_is_better else "RdYlGn_r")
    layers = [
        {
            "type": "heatmap",
            "z": _cells(grey),
            "x": column_values,
            "y": row_values,
            "colorscale": [[0, GREY], [1, GREY]],
            "showscale": False,
            "text": np.where(grey == 1.0, "n=" + counts.astype(str), "").tolist(),
            "texttemplate": "%{text}",
            "textfont": {"color": "#57606a"},
            "hoverinfo": "skip",
        },
        {
            "type": "heatmap",
            "z": _cells(values),
            "x": column_values,
            "y": row_values,
            "colorscale": colorscale,
            "text": text,
            "texttemplate": "%{text}",
            "customdata": custom,
            "hovertemplate": "%{y} × %{x}<br>%{z}<br>n = %{customdata[2]}<extra></extra>",
            "colorbar": {"tickformat": ".0%"} if k.fmt.endswith("%") else {},
        },
    ]
    layout = {
        "title": title_of(title),
        "xaxis": {"title": title_of(column_label), "type": "category"},
        "yaxis": {"title": title_of(row_label), "type": "category"},
    }
    return plain_figure(layers, layout, height=max(320, 30 * len(row_values) + 140))


def _cells(grid: np.ndarray) -> list[list[float | None]]:
    """A grid of floats as nested lists, NaN as None (a gap in the heatmap)."""
    return [[None if v != v else float(v) for v in row] for row in grid]


def _natural(text: str):
    return (0, int(text)) if text.lstrip("-").isdigit() else (1, text)
