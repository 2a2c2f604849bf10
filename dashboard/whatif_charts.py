"""Plotly figures of the what-if lab. Pure functions of data frames, no streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .charts import GRADE_COLOURS, PALETTE


def _tidy(fig: go.Figure, height: int = 360) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        template="plotly_white",
    )
    return fig


def biggest_movers(agents: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The agents ranked under both setups with the largest rank movement (ties by id)."""
    ranked = agents.dropna(subset=["base_rank", "new_rank"])
    order = ranked.assign(size=ranked["movement"].abs().astype(float)).sort_values(
        ["size", "agent_id"], ascending=[False, True]
    )
    return order[order["size"] > 0].head(limit)


def rank_slope(
    movers: pd.DataFrame, title: str, base_label: str, new_label: str, rank_label: str
) -> go.Figure:
    """A slope chart: each agent's baseline rank → new rank (1 at the top)."""
    fig = go.Figure()
    for _, row in movers.iterrows():
        colour = "#1a7f37" if row["movement"] > 0 else "#cf222e"
        fig.add_trace(
            go.Scatter(
                x=[base_label, new_label],
                y=[int(row["base_rank"]), int(row["new_rank"])],
                mode="lines+markers+text",
                line={"color": colour, "width": 2},
                text=["", f"{row['name']} ({int(row['movement']):+d})"],
                textposition="middle right",
                name=str(row["name"]),
                hovertemplate=f"{row['name']} · {row['team']}<br>%{{x}}: %{{y}}<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_yaxes(autorange="reversed", title=rank_label)
    fig.update_xaxes(range=[-0.2, 1.8])
    fig.update_layout(title=title)
    return _tidy(fig, height=max(360, 22 * len(movers)))


def team_payouts(
    teams: pd.DataFrame, title: str, base_label: str, new_label: str, y_label: str
) -> go.Figure:
    """Bonus per team, baseline next to new."""
    fig = go.Figure(
        [
            go.Bar(x=teams["team"], y=teams["base_payout"], name=base_label,
                   marker_color="#afb8c1"),
            go.Bar(x=teams["team"], y=teams["new_payout"], name=new_label,
                   marker_color=PALETTE[0]),
        ]
    )  # fmt: skip
    fig.update_layout(title=title, barmode="group")
    fig.update_yaxes(title=y_label)
    return _tidy(fig)


def rank_intervals(
    robust: pd.DataFrame, names: pd.Series, title: str, rank_label: str, labels: dict[str, str]
) -> go.Figure:
    """Each ranked agent's 95% rank interval under weight variations, coloured by likely grade.

    `robust` carries rank_low, rank_high, likely_grade, coin_toss and a `rank` column (the
    rank under the chosen weights) to order by.
    """
    shown = robust.dropna(subset=["rank"]).sort_values("rank")
    fig = go.Figure()
    for grade, group in shown.groupby("likely_grade", sort=False):
        fig.add_trace(
            go.Scatter(
                x=group["rank"].astype(float),
                y=names.loc[group.index],
                mode="markers",
                marker={
                    "color": GRADE_COLOURS.get(grade, "#888"),
                    "symbol": ["diamond-open" if c else "circle" for c in group["coin_toss"]],
                    "size": 9,
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (group["rank_high"] - group["rank"]).astype(float),
                    "arrayminus": (group["rank"] - group["rank_low"]).astype(float),
                    "color": GRADE_COLOURS.get(grade, "#888"),
                },
                name=labels.get(grade, grade),
            )
        )
    fig.update_yaxes(autorange="reversed", categoryorder="array",
                     categoryarray=list(names.loc[shown.index]))  # fmt: skip
    fig.update_xaxes(title=rank_label)
    fig.update_layout(title=title)
    return _tidy(fig, height=max(360, 16 * len(shown) + 80))
