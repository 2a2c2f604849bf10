"""Plotly figures of the Capability page: pure functions of data frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .charts import tidy

GREY = "#d0d7de"
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
    hover = np.array(hover, dtype=object).reshape(shape)
    limit = float(np.nanmax(np.abs(coloured))) if np.isfinite(coloured).any() else 0.1
    limit = max(min(limit, 1.0), 0.05)
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=grey,
            x=skills,
            y=rows,
            colorscale=[[0, GREY], [1, GREY]],
            showscale=False,
            text=np.where(np.isfinite(grey), "–", ""),
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.add_trace(
        go.Heatmap(
            z=coloured,
            x=skills,
            y=rows,
            zmin=-limit,
            zmax=limit,
            colorscale="RdBu",
            colorbar={"title": gap_label, "tickformat": "+.0%"},
            text=marks,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_xaxes(side="top")
    return tidy(fig, max(320, 22 * len(rows) + 120), title)


def case_mix_scatter(
    mix: pd.DataFrame, title: str, x_label: str, y_label: str, percent: bool
) -> go.Figure:
    """Observed vs expected per agent, with the line observed = expected."""
    fig = go.Figure()
    low = float(np.nanmin(mix[["observed", "expected"]].to_numpy(float)))
    high = float(np.nanmax(mix[["observed", "expected"]].to_numpy(float)))
    fig.add_trace(
        go.Scatter(
            x=[low, high], y=[low, high], mode="lines", line={"dash": "dash", "color": "#888"},
            showlegend=False, hoverinfo="skip",
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=mix["expected"],
            y=mix["observed"],
            mode="markers",
            marker={"size": 9, "color": "#0969da"},
            text=mix["agent_id"] + " " + mix["name"].astype(str),
            hovertemplate="%{text}<br>%{x:.3f} → %{y:.3f}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(title=x_label, tickformat=".0%" if percent else None)
    fig.update_yaxes(title=y_label, tickformat=".0%" if percent else None)
    return tidy(fig, 380, title)


def before_after(effect: pd.Series, labels: dict[str, str], title: str, percent: bool) -> go.Figure:
    """Trained agent and untrained peers, before → after; the trained agent's values with
    their 95% intervals (before_half, after_half of capability.training_effects)."""
    x = [labels["before"], labels["after"]]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[effect["before"], effect["after"]],
            mode="lines+markers",
            name=labels["trained"],
            marker={"size": 11, "color": "#cf222e"},
            error_y={
                "type": "data",
                "array": [effect["before_half"], effect["after_half"]],
                "visible": True,
            },
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[effect["peers_before"], effect["peers_after"]],
            mode="lines+markers",
            name=labels["untrained"],
            marker={"size": 11, "color": "#6e7781"},
            line={"dash": "dot"},
        )
    )
    if percent:
        fig.update_yaxes(tickformat=".0%", range=[-0.02, 1.02])
    return tidy(fig, 360, title)


def radar(table: pd.DataFrame, roles: dict[str, str], title: str) -> go.Figure:
    """360 ratings of one agent: one closed Scatterpolar line per reviewer role."""
    fig = go.Figure()
    competencies = table["competency"].astype(str).tolist()
    for role, label in roles.items():
        if role not in table or table[role].isna().all():
            continue
        values = table[role].tolist()
        fig.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=competencies + competencies[:1],
                mode="lines+markers",
                name=label,
                line={"color": ROLE_COLOURS.get(role), "width": 3 if role == "self" else 2},
            )
        )
    fig.update_layout(polar={"radialaxis": {"range": [1, 5], "dtick": 1, "angle": 90}})
    return tidy(fig, 420, title)
