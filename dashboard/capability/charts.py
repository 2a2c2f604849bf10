"""Plotly figures of the Capability page: pure functions of data frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from dashboard.ui.charts import plain_figure, plot_values, title_of

GREY = "#d0d7de"
RED_TO_BLUE = get_colorscale("RdBu")  # resolved here: plotly.js's own "RdBu" runs blue to red
ROLE_COLOURS = {
    "self": "#cf222e",
    "supervisor": "#0969da",
    "peer": "#1a7f37",
    "subordinate": "#8250df",
    "customer": "#bf8700",
}


def skill_heatmap(
    cells: pd.DataFrame,
    title: str,
    gap_label: str,
    fmt,
    labels: dict[str, str],
) -> go.Figure:
    """Agents (rows) × skills (columns), coloured by the relative gap to the reference.

    cells: one dimension of capability.skill_matrix. Cells without enough evidence are NaN
    in the coloured layer and drawn by a separate grey layer below it; ● marks a
    significant gap and ◆ a training need. fmt(value) formats a value; labels holds the
    hover words (value, interval, reference, cases, low).
    """
    cells = cells.assign(row=cells["agent_id"] + " " + cells["name"].astype(str))
    rows = sorted(cells["row"].unique(), reverse=True)  # first agent on top
    skills = sorted(cells["skill"].astype(str).unique())
    grid = cells.set_index(["row", "skill"])
    index = pd.MultiIndex.from_product([rows, skills])
    cells_full = grid.reindex(index)
    shape = (len(rows), len(skills))
    relative = (cells_full["gap"] / cells_full["peer"].abs().replace(0, np.nan)).to_numpy(float)
    enough = cells_full["enough"].fillna(False).to_numpy(bool)
    handled = cells_full["cases"].notna().to_numpy(bool)
    coloured = np.where(enough, relative, np.nan).reshape(shape)
    grey = np.where(handled & ~enough, 0.0, np.nan).reshape(shape)
    marks = np.where(
        cells_full["weak"].fillna(False).to_numpy(bool),
        "◆",
        np.where(cells_full["significant"].fillna(False).to_numpy(bool), "●", ""),
    ).reshape(shape)
    hover = [
        (
            f"{labels['value']}: {fmt(c.shrunk)}<br>{labels['interval']}: {fmt(c.lo)} – "
            f"{fmt(c.hi)}<br>{labels['reference']}: {fmt(c.peer)}<br>{labels['cases']}: "
            f"{c.cases:.0f}" + ("" if c.enough else f"<br>{labels['low']}")
            if c.cases == c.cases
            else ""
        )
        for c in cells_full.itertuples()
    ]
    hover = np.array(hover, dtype=object).reshape(shape).tolist()
    limit = float(np.nanmax(np.abs(coloured))) if np.isfinite(coloured).any() else 0.1
    limit = max(min(limit, 1.0), 0.05)
    cell = {
        "type": "heatmap", "x": skills, "y": rows, "customdata": hover,
        "texttemplate": "%{text}", "hovertemplate": "%{y} · %{x}<br>%{customdata}<extra></extra>",
        "xgap": 2, "ygap": 2,
    }  # fmt: skip
    grey_layer = {
        **cell, "z": grey, "colorscale": [[0, GREY], [1, GREY]], "showscale": False,
        "text": np.where(np.isfinite(grey), "–", ""),
    }  # fmt: skip
    gap_layer = {
        **cell, "z": coloured, "zmin": -limit, "zmax": limit, "colorscale": RED_TO_BLUE,
        "colorbar": {"title": {"text": gap_label}, "tickformat": "+.0%"}, "text": marks,
    }  # fmt: skip
    layout = {"title": title_of(title), "xaxis": {"side": "top"}}
    return plain_figure([grey_layer, gap_layer], layout, max(320, 22 * len(rows) + 120), -0.15)


def case_mix_scatter(
    mix: pd.DataFrame, title: str, x_label: str, y_label: str, percent: bool
) -> go.Figure:
    """Observed vs expected per agent, with the line observed = expected."""
    low = float(np.nanmin(mix[["observed", "expected"]].to_numpy(float)))
    high = float(np.nanmax(mix[["observed", "expected"]].to_numpy(float)))
    diagonal = {
        "type": "scatter", "x": [low, high], "y": [low, high], "mode": "lines",
        "line": {"dash": "dash", "color": "#888"}, "showlegend": False, "hoverinfo": "skip",
    }  # fmt: skip
    agents = {
        "type": "scatter",
        "x": plot_values(mix["expected"].astype(float)),
        "y": plot_values(mix["observed"].astype(float)),
        "mode": "markers",
        "marker": {"size": 9, "color": "#0969da"},
        "text": (mix["agent_id"] + " " + mix["name"].astype(str)).tolist(),
        "hovertemplate": "%{text}<br>%{x:.3f} → %{y:.3f}<extra></extra>",
        "showlegend": False,
    }
    ticks = {"tickformat": ".0%"} if percent else {}
    layout = {
        "title": title_of(title),
        "xaxis": {"title": title_of(x_label), **ticks},
        "yaxis": {"title": title_of(y_label), **ticks},
    }
    return plain_figure([diagonal, agents], layout, 380, -0.15)


def _before_after_line(x: list[str], y: list, name: str, colour: str, **style) -> dict:
    points = [float(v) for v in y]
    marker = {"size": 11, "color": colour}
    return {"type": "scatter", "x": x, "y": points, "mode": "lines+markers", "name": name,
            "marker": marker, **style}  # fmt: skip


def before_after(effect: pd.Series, labels: dict[str, str], title: str, percent: bool) -> go.Figure:
    """Trained agent and untrained peers, before → after; the trained agent's values with
    their 95% intervals (before_half, after_half of capability.training_effects)."""
    x = [labels["before"], labels["after"]]
    halves = [float(effect["before_half"]), float(effect["after_half"])]
    trained = _before_after_line(
        x, [effect["before"], effect["after"]], labels["trained"], "#cf222e",
        error_y={"type": "data", "array": halves, "visible": True},
    )  # fmt: skip
    peers = _before_after_line(
        x, [effect["peers_before"], effect["peers_after"]], labels["untrained"], "#6e7781",
        line={"dash": "dot"},
    )  # fmt: skip
    axis = {"tickformat": ".0%", "range": [-0.02, 1.02]} if percent else {}
    layout = {"title": title_of(title), "yaxis": axis}
    return plain_figure([trained, peers], layout, 360, -0.15)


def radar(table: pd.DataFrame, roles: dict[str, str], title: str) -> go.Figure:
    """360 ratings of one agent: one closed polar line per reviewer role."""
    competencies = table["competency"].astype(str).tolist()
    lines = []
    for role, label in roles.items():
        if role not in table or table[role].isna().all():
            continue
        values = table[role].astype(float).tolist()
        lines.append(
            {
                "type": "scatterpolar",
                "r": values + values[:1],
                "theta": competencies + competencies[:1],
                "mode": "lines+markers",
                "name": label,
                "line": {"color": ROLE_COLOURS.get(role), "width": 3 if role == "self" else 2},
            }
        )
    layout = {
        "title": title_of(title),
        "polar": {"radialaxis": {"range": [1, 5], "dtick": 1, "angle": 90}},
    }
    return plain_figure(lines, layout, 420, -0.15)
