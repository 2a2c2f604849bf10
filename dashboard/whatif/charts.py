"""Plotly figures of the what-if lab. Pure functions of data frames, no streamlit.

The figures are plain dicts (`charts.plain_figure`): the lab redraws them on every slider
move, and plotly's validation cost ~20-50 ms per figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.ui.charts import GRADE_COLOURS, PALETTE, plain_figure, plot_values
from dashboard.ui.markup import plot_text


def _figure(data: list[dict], layout: dict, height: int = 360) -> go.Figure:
    return plain_figure(data, layout, height=height, legend_y=-0.15)


def biggest_movers(agents: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The agents ranked under both policies with the largest rank movement (ties by id)."""
    # Sort only the candidates: ranked both times, moved, and by at least the limit-th
    # largest movement (the rows the full sort would put first).
    movement = agents["movement"].to_numpy(float, na_value=np.nan)  # NaN: unranked once
    size = np.where(np.isnan(movement), 0.0, np.abs(movement))
    candidates = size > 0
    if candidates.sum() > limit > 0:
        candidates &= size >= np.partition(size[candidates], -limit)[-limit]
    rows = np.flatnonzero(candidates)
    ids = agents["agent_id"].to_numpy(object)[rows]
    order = np.lexsort((ids, -size[rows]))  # largest movement first, then by id
    return agents.iloc[rows[order][: max(limit, 0)]]


def rank_slope(
    movers: pd.DataFrame, title: str, base_label: str, new_label: str, rank_label: str
) -> go.Figure:
    """A slope chart: each agent's baseline rank → new rank (1 at the top).

    One line per agent, drawn as two traces (moved up in green, down in red) whose lines
    are separated by gaps, so the figure stays small however many agents it shows.
    """
    columns = ("name", "team", "base_rank", "new_rank", "movement")
    rows = list(zip(*(movers[c].tolist() for c in columns), strict=True))
    traces = []
    for up, colour in ((True, "#1a7f37"), (False, "#cf222e")):
        x, y, text, who = [], [], [], []
        for name, team, base_rank, new_rank, movement in rows:
            if (movement > 0) != up:
                continue
            x += [base_label, new_label, None]
            y += [int(base_rank), int(new_rank), None]
            text += ["", f"{name} ({int(movement):+d})", ""]
            who += [plot_text(f"{name} · {team}")] * 2 + [""]  # shown customdata: escape here
        if x:
            traces.append(
                {
                    "type": "scatter",
                    "x": x,
                    "y": y,
                    "text": text,
                    "customdata": who,
                    "mode": "lines+markers+text",
                    "line": {"color": colour, "width": 2},
                    "textposition": "middle right",
                    "hovertemplate": "%{customdata}<br>%{x}: %{y}<extra></extra>",
                    "showlegend": False,
                }
            )
    layout = {
        "title": {"text": title},
        "yaxis": {"autorange": "reversed", "title": {"text": rank_label}},
        "xaxis": {"range": [-0.2, 1.8]},
    }
    return _figure(traces, layout, height=max(360, 22 * len(movers)))


def team_payouts(
    teams: pd.DataFrame, title: str, base_label: str, new_label: str, y_label: str
) -> go.Figure:
    """Bonus per team, baseline next to new."""
    x = plot_values(teams["team"])
    bars = [
        {"type": "bar", "x": x, "y": plot_values(teams["base_payout"]), "name": base_label,
         "marker": {"color": "#afb8c1"}},
        {"type": "bar", "x": x, "y": plot_values(teams["new_payout"]), "name": new_label,
         "marker": {"color": PALETTE[0]}},
    ]  # fmt: skip
    layout = {"title": {"text": title}, "barmode": "group", "yaxis": {"title": {"text": y_label}}}
    return _figure(bars, layout)


def rank_intervals(
    robust: pd.DataFrame, names: pd.Series, title: str, rank_label: str, labels: dict[str, str]
) -> go.Figure:
    """Each ranked agent's 95% rank interval under weight variations, coloured by likely grade.

    `robust` carries rank_low, rank_high, likely_grade, coin_toss and a `rank` column (the
    rank under the chosen weights) to order by.
    """
    shown = robust.dropna(subset=["rank"]).sort_values("rank")
    traces = []
    for grade, group in shown.groupby("likely_grade", sort=False):
        colour = GRADE_COLOURS.get(grade, "#888")
        traces.append(
            {
                "type": "scatter",
                "x": plot_values(group["rank"].astype(float)),
                "y": plot_values(names.loc[group.index]),
                "mode": "markers",
                "marker": {
                    "color": colour,
                    "symbol": ["diamond-open" if c else "circle" for c in group["coin_toss"]],
                    "size": 9,
                },
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": plot_values((group["rank_high"] - group["rank"]).astype(float)),
                    "arrayminus": plot_values((group["rank"] - group["rank_low"]).astype(float)),
                    "color": colour,
                },
                "name": labels.get(grade, grade),
            }
        )
    layout = {
        "title": {"text": title},
        "yaxis": {"autorange": "reversed", "categoryorder": "array",
                  "categoryarray": list(names.loc[shown.index])},
        "xaxis": {"title": {"text": rank_label}},
    }  # fmt: skip
    return _figure(traces, layout, height=max(360, 16 * len(shown) + 80))
