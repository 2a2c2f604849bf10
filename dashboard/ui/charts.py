"""Plotly figure builders. Pure functions of data frames: easy to test, no streamlit."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from dashboard.ui.markup import plot_text
from scoring.engine.scorecard import SCORE_RANGE
from scoring.methods.grading import GRADES
from scoring.registry.kpis import KPI, KPIS

GRADE_COLOURS = {
    "excellent": "#1a7f37",
    "good": "#4c9be8",
    "satisfactory": "#d4a72c",
    "unsatisfactory": "#cf222e",
    "insufficient_data": "#afb8c1",
}
PALETTE = qualitative.Safe
# One colour per KPI, the same on every chart and whichever KPIs a chart shows: 24 distinct
# colours for the registry's KPIs (tests/dashboard/test_whatif_charts.py checks there are enough).
KPI_COLOURS = dict(zip((k.id for k in KPIS), qualitative.Dark24, strict=False))


def plain_figure(
    data: list[dict], layout: dict, height: int = 320, legend_y: float = -0.2
) -> go.Figure:
    """A figure assembled from plain dicts, without plotly's per-property validation.

    Plotly Express and validated graph objects cost 20–60 ms per figure on every rerun
    (the Overview draws five); plain dicts give the same JSON in well under a millisecond.
    Titles are written as {"text": ...}, as plotly would coerce them. Height, tight margins
    and a legend below the plot; no template is set: figures keep the default one, which
    Streamlit makes its own theme (setting "plotly_white" cost ~10 ms of validation per
    figure on every rerun, and its colours did not match the app). Every text plotly draws
    is made plain here (`plain_texts`), so no builder can forget it; templates are the
    app's own.
    """
    layout = {
        **layout,
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "legend": {"orientation": "h", "y": legend_y, **layout.get("legend", {})},
    }
    figure = {"data": plain_texts(data), "layout": plain_texts(layout)}
    return go.Figure(figure, _validate=False)


# Keys whose strings plotly draws as (HTML-subset) text: data and category labels, trace
# names, titles, annotations, ticks. Not templates (hovertemplate, texttemplate: the app's
# own, with their <br>), not customdata (the ids a click drills to; a builder that shows a
# customdata text escapes it with `plot_text`), not colours or modes.
_DRAWN_TEXT_KEYS = frozenset(
    {"x", "y", "z", "text", "name", "theta", "labels", "hovertext", "title", "ticktext",
     "categoryarray"}
)  # fmt: skip


def plain_texts(value, key: str | None = None):
    """A figure part with every drawn text escaped (dashboard.ui.markup.plot_text); numbers,
    typed arrays and everything else unchanged."""
    if isinstance(value, dict):
        return {k: plain_texts(v, k) for k, v in value.items()}
    if key not in _DRAWN_TEXT_KEYS and not isinstance(value, list | tuple):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [plain_texts(v, key) for v in value]
    return plot_text(value) if key in _DRAWN_TEXT_KEYS else value


def plot_values(column: pd.Series):
    """As plotly's validators pass data on: floats as a typed array ({"dtype": "f8",
    "bdata": base64}, what plotly makes of a float64 array), other numbers as numpy, text
    and dates as a list."""
    if column.dtype == np.float64 and len(column):
        data = np.ascontiguousarray(column.to_numpy())
        return {"dtype": "f8", "bdata": base64.b64encode(data).decode("ascii")}
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy()
    return column.tolist()


def title_of(text: str | None) -> dict:
    return {"text": text}


# How a month or week on a time axis reads (d3 time formats; Plotly's own ticks would name
# English months on a Chinese page).
DATE_FORMATS = {
    "month": {"zh": "%Y年%-m月", "en": "%b %Y"},
    "week": {"zh": "%Y年%-m月%-d日起", "en": "week of %d %b %Y"},
}
TICK_FORMATS = {
    "month": {"zh": "%Y年%-m月", "en": "%b %Y"},
    "week": {"zh": "%-m月%-d日", "en": "%d %b"},
}


def date_axis(period: str, lang: str) -> dict:
    """The x axis of a trend by `period` ("month" or "week"): ticks in the user's language,
    one a month for months."""
    axis = {"type": "date", "tickformat": TICK_FORMATS[period][lang]}
    return axis | ({"dtick": "M1"} if period == "month" else {})


def kpi_trend(
    frame: pd.DataFrame,
    period: str,
    kpi: KPI,
    label: str,
    target: float,
    target_label: str,
    lang: str,
) -> go.Figure:
    """A KPI over time with its target as a dashed line."""
    when = DATE_FORMATS[period][lang]
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": frame[period].tolist(),
        "y": plot_values(frame[kpi.id].astype(float)),
        "showlegend": False,
        "hovertemplate": f"%{{x|{when}}}: %{{y:{kpi.fmt}}}<extra></extra>",
    }
    target_line, target_text = target_marks(target, target_label)
    layout = {
        "title": title_of(label),
        "shapes": [target_line],
        "annotations": [target_text],
        "xaxis": date_axis(period, lang),
        "yaxis": kpi_axis(kpi),
    }
    return plain_figure([line], layout)


def target_marks(target: float, label: str) -> tuple[dict, dict]:
    """A dashed horizontal line across the plot at the target, and its label at the right
    end (what plotly's `add_hline` makes)."""
    line = {
        "type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": target,
        "y1": target, "line": {"color": "#888", "dash": "dash"},
    }  # fmt: skip
    text = {
        "text": label, "showarrow": False, "xref": "x domain", "x": 1, "xanchor": "right",
        "yref": "y", "y": target, "yanchor": "bottom",
    }  # fmt: skip
    return line, text


def kpi_axis(kpi: KPI) -> dict:
    """Percent ticks for a KPI shown as a percentage (a hover shows a value in the KPI's
    format, `kpi.fmt`, which d3 reads as Python does: ".1%", ",.0f")."""
    return {"tickformat": ".0%"} if kpi.fmt.endswith("%") else {}


def volume_bar(frame: pd.DataFrame, dimension: str, title: str, y_label: str) -> go.Figure:
    """Tickets per value of `dimension`, each bar named by the frame's "label" (the value in
    the user's language) where it has one."""
    names = frame["label"] if "label" in frame else frame[dimension]
    bar = {
        "type": "bar",
        "x": names.tolist(),
        "y": plot_values(frame["tickets"]),
        "marker": {"color": PALETTE[0]},
        "hovertemplate": "%{x}: %{y}<extra></extra>",
    }
    return plain_figure([bar], {"title": title_of(title), "yaxis": {"title": title_of(y_label)}})


def grade_distribution(counts: pd.DataFrame, title: str, y_label: str) -> go.Figure:
    """Counts per grade in the grade order, coloured by grade."""
    order = [*GRADES, "insufficient_data"]
    ordered = counts.iloc[np.argsort([order.index(g) for g in counts["grade"]], kind="stable")]
    bar = {
        "type": "bar",
        "x": ordered["label"].tolist(),
        "y": plot_values(ordered["agents"]),
        "marker": {"color": [GRADE_COLOURS.get(g, "#888") for g in ordered["grade"]]},
        "hovertemplate": "%{x}: %{y}<extra></extra>",
    }
    layout = {"title": title_of(title), "yaxis": {"title": title_of(y_label)}, "showlegend": False}
    return plain_figure([bar], layout)


def fitted_range(values: pd.Series, bounds: tuple[float, float] = SCORE_RANGE) -> list[float]:
    """An axis range around the values, with room either side, inside `bounds`: team means
    of 3.8 to 4.05 (or scores of 61 to 64) are told apart, which a zero-based axis hides."""
    low, high = float(values.min()), float(values.max())
    pad = max((high - low) * 0.15, (bounds[1] - bounds[0]) * 0.02)
    return [max(bounds[0], low - pad), min(bounds[1], high + pad)]


def team_ranking(frame: pd.DataFrame, title: str, x_label: str, x_range: list[float]) -> go.Figure:
    """Each team's mean score as a dot (a dot, not a bar: the axis need not start at zero),
    the best team at the top; the team is each dot's customdata, for a click."""
    ordered = frame.dropna(subset=["composite"]).sort_values("composite")
    dots = {
        "type": "scatter",
        "mode": "markers+text",
        "x": plot_values(ordered["composite"].astype(float)),
        "y": ordered["team"].tolist(),
        "customdata": [[team] for team in ordered["team"]],  # not drawn: the click's value
        "marker": {"size": 14, "color": PALETTE[0]},
        "texttemplate": "%{x:.1f}",
        "textposition": "middle right",
        "hovertemplate": "%{y}: %{x:.1f}<extra></extra>",
    }
    layout = {
        "title": title_of(title),
        "xaxis": {"range": x_range, "title": title_of(x_label)},
        "clickmode": "event+select",
    }
    return plain_figure([dots], layout)


def contributions(points: pd.DataFrame, labels: dict[str, str], legend: str) -> go.Figure:
    """Stacked horizontal bars: each agent's composite split into weighted KPI points
    (one bar segment per KPI with points; the first agent of `points` at the top)."""
    agents = np.asarray(points.index, dtype=object)
    bars = []
    for kpi_id in points.columns:
        values = points[kpi_id].to_numpy(float)
        shown = values > 0
        if not shown.any():
            continue
        label = labels.get(kpi_id, kpi_id)
        bars.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": label,
                "x": plot_values(pd.Series(values[shown])),
                "y": agents[shown].tolist(),
                "marker": {"color": KPI_COLOURS.get(kpi_id, "#888")},
                "hovertemplate": f"%{{y}}<br>{label}: %{{x:.1f}}<extra></extra>",
            }
        )
    layout = {
        "barmode": "relative",
        "xaxis": {"range": [0, max(100.0, float(points.clip(lower=0).sum(axis=1).max()))]},
        "yaxis": {"categoryorder": "array", "categoryarray": agents[::-1].tolist()},
        "legend": {"title": title_of(legend)},
    }
    return plain_figure(bars, layout, height=max(320, 28 * len(points) + 120))


def kpi_intervals(
    frame: pd.DataFrame, kpi: KPI, title: str, words: tuple[str, str, str]
) -> go.Figure:
    """Each agent's shrunk KPI with its 95% interval, sorted; hover shows raw and n, named by
    `words` (estimate, measured, cases) in the user's language, values in the KPI's format."""
    ordered = frame.dropna(subset=[f"{kpi.id}_shrunk"]).sort_values(f"{kpi.id}_shrunk")
    shrunk = ordered[f"{kpi.id}_shrunk"].astype(float)
    evidence = ordered[[kpi.id, f"{kpi.id}__den", f"{kpi.id}_lo", f"{kpi.id}_hi"]]
    points = {
        "type": "scatter",
        "mode": "markers",
        "x": plot_values(shrunk),
        "y": (ordered["name"] + " (" + ordered["agent_id"] + ")").tolist(),
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": plot_values((ordered[f"{kpi.id}_hi"] - shrunk).astype(float)),
            "arrayminus": plot_values((shrunk - ordered[f"{kpi.id}_lo"]).astype(float)),
            "color": "#999",
        },
        "customdata": evidence.astype(float).to_numpy().tolist(),
        "hovertemplate": (
            f"%{{y}}<br>{words[0]} %{{x:{kpi.fmt}}}<br>{words[1]} %{{customdata[0]:{kpi.fmt}}} "
            f"({words[2]} %{{customdata[1]:,.0f}})<br>95%: %{{customdata[2]:{kpi.fmt}}} – "
            f"%{{customdata[3]:{kpi.fmt}}}<extra></extra>"
        ),
    }
    layout = {"title": title_of(title), "xaxis": kpi_axis(kpi)}
    return plain_figure([points], layout, height=max(360, 16 * len(ordered) + 100))
