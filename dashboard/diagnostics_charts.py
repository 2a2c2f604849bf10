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

from scoring.kpis import KPI

from .charts import PALETTE, tidy

SCOPE_COLOUR = "#cf222e"
PEER_COLOUR = "#8c959f"
GREY = "#d0d7de"


def _axis_format(fig: go.Figure, k: KPI, axis: str = "y") -> None:
    if k.fmt.endswith("%"):
        (fig.update_yaxes if axis == "y" else fig.update_xaxes)(tickformat=".0%")


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
    """One bar per row: x = label, y = value; customdata = (key, tickets). Bars that miss the
    target (when a KPI is given) are red, the others blue."""
    colours = PALETTE[0]
    if k is not None and target is not None:
        colours = [PALETTE[0] if k.meets(v, target) else SCOPE_COLOUR for v in frame[value]]
    fig = go.Figure(
        go.Bar(
            x=frame[label].astype(str),
            y=frame[value],
            customdata=np.column_stack([frame[key].astype(str), frame["tickets"]]),
            marker_color=colours,
            text=frame["tickets"] if k is None else None,
            textposition="outside" if k is None else None,
            hovertemplate="%{x}<br>%{y}<br>n = %{customdata[1]}<extra></extra>",
        )
    )
    fig.update_layout(title=title, clickmode="event+select")
    if k is not None:
        _axis_format(fig, k)
        if target is not None:
            fig.add_hline(
                y=target, line_dash="dash", line_color="#888", annotation_text=target_label
            )
    fig.update_xaxes(title=None, type="category")
    fig.update_yaxes(title=None)
    return tidy(fig)


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
) -> go.Figure:
    """The KPI over time, the target dashed, the selected period shaded, and a vertical
    line with a label at each improvement action's start date."""
    fig = go.Figure(go.Scatter(x=frame[period], y=frame[k.id], mode="lines+markers", name=title))
    fig.add_hline(y=target, line_dash="dash", line_color="#888", annotation_text=target_label)
    start, end = highlight
    if start and end:
        fig.add_vrect(
            x0=pd.Timestamp(start),
            x1=pd.Timestamp(end),
            fillcolor="#4c9be8",
            opacity=0.12,
            line_width=0,
            annotation_text=highlight_label,
            annotation_position="top left",
        )
    for when, text in markers:
        fig.add_vline(x=pd.Timestamp(when).value / 1e6, line_color="#1a7f37", line_dash="dot")
        fig.add_annotation(
            x=pd.Timestamp(when),
            y=1,
            yref="paper",
            text=text,
            showarrow=False,
            xanchor="left",
            font={"color": "#1a7f37", "size": 11},
        )
    fig.update_layout(title=title, showlegend=False)
    _axis_format(fig, k)
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=None)
    return tidy(fig)


def stages(
    frame: pd.DataFrame,
    labels: dict[str, str],
    names: tuple[str, str],
    title: str,
    y_label: str,
    worst: str | None,
) -> go.Figure:
    """Median hours per stage, the scope against its peers (grouped bars); the bottleneck
    stage's bar outlined."""
    x = [labels.get(s, s) for s in frame["stage"]]
    widths = [3 if s == worst else 0 for s in frame["stage"]]
    fig = go.Figure(
        [
            go.Bar(
                x=x,
                y=frame["hours"],
                name=names[0],
                marker={"color": SCOPE_COLOUR, "line": {"width": widths, "color": "#000"}},
                customdata=frame["stage"],
            ),
        ]
    )
    if frame["peer_hours"].notna().any():
        fig.add_trace(go.Bar(x=x, y=frame["peer_hours"], name=names[1], marker_color=PEER_COLOUR))
    fig.update_layout(title=title, barmode="group")
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=y_label)
    return tidy(fig)


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
    custom = np.dstack(
        [
            np.array([[r] * len(column_values) for r in row_values], dtype=object),
            np.array([column_values] * len(row_values), dtype=object),
            counts.astype(object),
        ]
    )
    fmt = ".0%" if k.fmt.endswith("%") else ".2f" if k.fmt == ".2f" else ",.0f"
    text = np.array([[format(v, fmt) if v == v else "" for v in row] for row in values])
    colorscale = "RdYlGn" if k.higher_is_better else "RdYlGn_r"
    fig = go.Figure(
        [
            go.Heatmap(
                z=grey,
                x=column_values,
                y=row_values,
                colorscale=[[0, GREY], [1, GREY]],
                showscale=False,
                text=np.where(grey == 1.0, "n=" + counts.astype(str), ""),
                texttemplate="%{text}",
                textfont={"color": "#57606a"},
                hoverinfo="skip",
            ),
            go.Heatmap(
                z=values,
                x=column_values,
                y=row_values,
                colorscale=colorscale,
                text=text,
                texttemplate="%{text}",
                customdata=custom,
                hovertemplate="%{y} × %{x}<br>%{z}<br>n = %{customdata[2]}<extra></extra>",
                colorbar={"tickformat": ".0%" if k.fmt.endswith("%") else None},
            ),
        ]
    )
    fig.update_layout(title=title)
    fig.update_xaxes(title=column_label, type="category")
    fig.update_yaxes(title=row_label, type="category")
    return tidy(fig, height=max(320, 30 * len(row_values) + 140))


def _natural(text: str):
    return (0, int(text)) if text.lstrip("-").isdigit() else (1, text)
