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


UP, DOWN, UNCHANGED = "#1a7f37", "#cf222e", "#6e7781"  # a change: green, red, neutral grey
_LABEL_PX = 18  # the height one label of the slope chart needs (a line of Chinese)
_PLOT_MARGIN_PX = 100  # title, x-axis labels and margins of a figure's height (measured ~95)


def dodged(positions: list[float], gap: float) -> list[float]:
    """Label positions at least `gap` apart, in the same order, each moved as little as it
    can be (least squares): overlapping labels are stacked around the mean of their own
    positions, and stacks that then overlap are merged (pool adjacent violators)."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    stacks: list[list[int]] = []  # runs of labels (indices into `order`), top to bottom
    tops: list[float] = []
    for rank, i in enumerate(order):
        stacks.append([rank])
        tops.append(positions[i])
        while len(stacks) > 1 and tops[-2] + len(stacks[-2]) * gap > tops[-1]:
            merged = stacks.pop(-2) + stacks.pop()
            tops[-2:] = []
            stacks.append(merged)
            tops.append(
                sum(positions[order[r]] - k * gap for k, r in enumerate(merged)) / len(merged)
            )
    placed = [0.0] * len(positions)
    for stack, top in zip(stacks, tops, strict=True):
        for k, r in enumerate(stack):
            placed[order[r]] = top + k * gap
    return placed


def _rank_range(ranks: list[int], label_y: list[float], gap: float) -> list[float]:
    """The rank axis (top, bottom): every rank and label, half a label's room either side."""
    top, bottom = min([*ranks, *label_y], default=1), max([*ranks, *label_y], default=1)
    return [top - 0.5 * gap - 0.5, bottom + 0.5 * gap + 0.5]


def _slope_labels(new_ranks: list[float], ranks: list[int], height: int):
    """The labels' positions and their gap in ranks: a label's height in pixels over the
    pixels a rank gets on the axis those labels then need (found by a few rounds)."""
    label_y, gap = new_ranks, 1.0
    for _ in range(8):
        low, high = _rank_range(ranks, label_y, gap)
        gap = _LABEL_PX * (high - low) / (height - _PLOT_MARGIN_PX)
        label_y = dodged(new_ranks, gap)
    return label_y, gap


def rank_slope(
    movers: pd.DataFrame, title: str, base_label: str, new_label: str, rank_label: str
) -> go.Figure:
    """A slope chart: each agent's baseline rank → new rank (1 at the top).

    One line per agent, drawn as two traces (moved up in green, down in red) whose lines
    are separated by gaps, so the figure stays small however many agents it shows. The
    labels (name and movement, in the line's colour) sit right of the new ranks, moved
    apart where ranks are too close to read them (`dodged`).
    """
    columns = ("name", "team", "base_rank", "new_rank", "movement")
    rows = list(zip(*(movers[c].tolist() for c in columns), strict=True))
    traces = []
    for up, colour in ((True, UP), (False, DOWN)):
        x, y, who = [], [], []
        for name, team, base_rank, new_rank, movement in rows:
            if (movement > 0) != up:
                continue
            x += [base_label, new_label, None]
            y += [int(base_rank), int(new_rank), None]
            who += [plot_text(f"{name} · {team}")] * 2 + [""]  # shown customdata: escape here
        if x:
            traces.append(
                {
                    "type": "scatter",
                    "x": x,
                    "y": y,
                    "customdata": who,
                    "mode": "lines+markers",
                    "line": {"color": colour, "width": 2},
                    "hovertemplate": "%{customdata}<br>%{x}: %{y}<extra></extra>",
                    "showlegend": False,
                }
            )
    height = max(360, 22 * len(movers))
    ranks = [r for row in rows for r in (int(row[2]), int(row[3]))]
    label_y, gap = _slope_labels([float(row[3]) for row in rows], ranks, height)
    if rows:
        traces.append(
            {
                "type": "scatter",
                "x": [new_label] * len(rows),
                "y": label_y,
                "text": [f"{row[0]} ({int(row[4]):+d})" for row in rows],
                "mode": "text",
                "textposition": "middle right",
                "textfont": {"color": [UP if row[4] > 0 else DOWN for row in rows]},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    layout = {
        "title": {"text": title},
        "yaxis": {"range": _rank_range(ranks, label_y, gap)[::-1], "title": {"text": rank_label}},
        "xaxis": {"range": [-0.2, 1.8]},
    }  # fmt: skip
    return _figure(traces, layout, height=height)


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
        # dtick 1: every agent's label (plotly would skip every other one to save room);
        # 20 px a row leave each label its line
        "yaxis": {"autorange": "reversed", "categoryorder": "array", "dtick": 1,
                  "automargin": True, "categoryarray": list(names.loc[shown.index])},
        "xaxis": {"title": {"text": rank_label}},
    }  # fmt: skip
    return _figure(traces, layout, height=max(360, 20 * len(shown) + 100))
