"""Plotly figure builders. Pure functions of data frames: easy to test, no streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from scoring.grading import GRADES
from scoring.kpis import KPI

GRADE_COLOURS = {
    "excellent": "#1a7f37",
    "good": "#4c9be8",
    "satisfactory": "#d4a72c",
    "unsatisfactory": "#cf222e",
    "insufficient_data": "#afb8c1",
}
PALETTE = px.colors.qualitative.Safe


def tidy(fig: go.Figure, height: int = 320, title: str | None = None) -> go.Figure:
    """Height, tight margins and a legend below the plot.

    No template is set: figures keep the default one, which Streamlit makes its own theme
    (the app's colours and fonts). Setting "plotly_white" here cost ~10 ms of validation
    per figure on every rerun, and its colours did not match the app.
    """
    titled = {} if title is None else {"title": title}
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40 if title is None else 50, "b": 10},
        legend={"orientation": "h", "y": -0.2 if title is None else -0.15},
        **titled,
    )
    return fig


def kpi_trend(
    frame: pd.DataFrame, period: str, kpi: KPI, label: str, target: float, target_label: str
) -> go.Figure:
    """A KPI over time with its target as a dashed line."""
    fig = px.line(frame, x=period, y=kpi.id, markers=True, title=label)
    fig.add_hline(y=target, line_dash="dash", line_color="#888", annotation_text=target_label)
    if kpi.fmt.endswith("%"):
        fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=None)
    return tidy(fig)


def volume_bar(frame: pd.DataFrame, dimension: str, title: str, y_label: str) -> go.Figure:
    fig = px.bar(frame, x=dimension, y="tickets", title=title, color_discrete_sequence=PALETTE)
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=y_label)
    return tidy(fig)


def grade_distribution(counts: pd.DataFrame, title: str, y_label: str) -> go.Figure:
    """Counts per grade in the grade order, coloured by grade."""
    fig = px.bar(
        counts,
        x="label",
        y="agents",
        color="grade",
        color_discrete_map=GRADE_COLOURS,
        category_orders={"grade": list(GRADES)},
        title=title,
    )
    fig.update_layout(showlegend=False)
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=y_label)
    return tidy(fig)


def team_ranking(frame: pd.DataFrame, title: str, x_label: str) -> go.Figure:
    ordered = frame.sort_values("composite")
    fig = px.bar(ordered, x="composite", y="team", orientation="h", title=title, text_auto=".1f")
    fig.update_xaxes(range=[0, 100], title=x_label)
    fig.update_yaxes(title=None)
    return tidy(fig)


def contributions(points: pd.DataFrame, labels: dict[str, str], legend: str) -> go.Figure:
    """Stacked horizontal bars: each agent's composite split into weighted KPI points."""
    long = points.reset_index().melt(id_vars="agent", var_name="kpi", value_name="points")
    long = long[long["points"] > 0]
    long["kpi"] = long["kpi"].map(labels)
    fig = px.bar(
        long,
        x="points",
        y="agent",
        color="kpi",
        orientation="h",
        category_orders={"agent": list(points.index)},
        color_discrete_sequence=px.colors.qualitative.Set3,
    )
    fig.update_xaxes(range=[0, 100], title=None)
    fig.update_yaxes(title=None)
    fig.update_layout(legend_title_text=legend)
    return tidy(fig, height=max(320, 28 * len(points) + 120))


def kpi_intervals(frame: pd.DataFrame, kpi: KPI, title: str) -> go.Figure:
    """Each agent's shrunk KPI with its 95% interval, sorted; hover shows raw and n."""
    ordered = frame.dropna(subset=[f"{kpi.id}_shrunk"]).sort_values(f"{kpi.id}_shrunk")
    shrunk = ordered[f"{kpi.id}_shrunk"]
    fig = go.Figure(
        go.Scatter(
            x=shrunk,
            y=ordered["name"] + " (" + ordered["agent_id"] + ")",
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": ordered[f"{kpi.id}_hi"] - shrunk,
                "arrayminus": shrunk - ordered[f"{kpi.id}_lo"],
                "color": "#999",
            },
            customdata=ordered[[kpi.id, f"{kpi.id}__den", f"{kpi.id}_lo", f"{kpi.id}_hi"]],
            hovertemplate=(
                "%{y}<br>estimate %{x:.3f}<br>raw %{customdata[0]:.3f} "
                "(n = %{customdata[1]})<br>95%: %{customdata[2]:.3f} – %{customdata[3]:.3f}"
                "<extra></extra>"
            ),
        )
    )
    fig.update_layout(title=title)
    if kpi.fmt.endswith("%"):
        fig.update_xaxes(tickformat=".0%")
    return tidy(fig, height=max(360, 16 * len(ordered) + 100))
