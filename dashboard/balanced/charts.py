"""The Balanced scorecard page's figures: the perspective scores month by month, and the
strategy map (four bands, financial on top, the KPIs as nodes coloured by attainment and the
declared cause → effect links as arrows). Pure functions of the analysis' frames; every text
is drawn plain (`plain_figure`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.ui.charts import DATE_FORMATS, PALETTE, date_axis, plain_figure, title_of
from scoring.analyses.balanced import PERSPECTIVE_ORDER
from scoring.methods.normalise import STRETCH_CAP
from scoring.registry.strategy_map import ORDER, Link

# A node's colour by its attainment: met (≥ 100), on the way (above the floor), at the floor,
# or not judged. The page's caption names them (`ATTAINMENT_BANDS`' text keys).
ATTAINMENT_COLOURS = {"met": "#1a7f37", "partial": "#d29922", "floor": "#cf222e",
                      "none": "#8c959f"}  # fmt: skip
ATTAINMENT_BANDS = tuple(ATTAINMENT_COLOURS)
NODE_SIZE = 22  # pixels
LABEL_SHIFT = 22  # pixels from a node's centre to its name's
PERSPECTIVE_ARROW_X = 0.98  # where the perspective-to-perspective arrows run (0–1 across)


def attainment_band(attainment: float) -> str:
    """Which of `ATTAINMENT_BANDS` an attainment falls in (NaN: "none")."""
    if attainment != attainment:
        return "none"
    if attainment >= 100:
        return "met"
    return "partial" if attainment > 0 else "floor"


def perspective_trends(
    months: pd.DataFrame, names: dict[str, str], y_title: str, lang: str
) -> go.Figure:
    """One line per perspective with a score: its score per month (100 = every KPI at its
    target), named by `names` (perspective → name)."""
    when = DATE_FORMATS["month"][lang]
    lines = []
    for i, perspective in enumerate(PERSPECTIVE_ORDER):
        rows = months[months["perspective"] == perspective]
        if rows.empty:
            continue
        lines.append(
            {"type": "scatter", "mode": "lines+markers", "name": names[perspective],
             "x": rows["month"].tolist(), "y": rows["score"].astype(float).round(1).tolist(),
             "line": {"color": PALETTE[i % len(PALETTE)]},
             "hovertemplate": f"%{{fullData.name}} · %{{x|{when}}}: %{{y:.1f}}<extra></extra>"}
        )  # fmt: skip
    layout = {
        "xaxis": date_axis("month", lang),
        "yaxis": {"title": title_of(y_title), "range": [0, STRETCH_CAP + 5]},
        "shapes": [
            {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": 100,
             "y1": 100, "line": {"color": "#888", "dash": "dash"}}
        ],
    }  # fmt: skip
    return plain_figure(lines, layout, height=360)


def node_positions(kpis: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """KPI id → (x, y): each perspective a band (y = its place in `ORDER`, learning at 0),
    its KPIs spread evenly across it (x from 0 to 1)."""
    places = {}
    for level, perspective in enumerate(ORDER):
        ids = kpis.loc[kpis["perspective"] == perspective, "kpi"].tolist()
        for i, kpi_id in enumerate(ids):
            places[kpi_id] = ((i + 1) / (len(ids) + 1), float(level))
    return places


def _place_in_band(places: dict[str, tuple[float, float]], kpi_id: str) -> int:
    """The KPI's position among the nodes of its band, counted from the left."""
    x, y = places[kpi_id]
    return sum(1 for other_x, other_y in places.values() if other_y == y and other_x < x)


def strategy_map(
    kpis: pd.DataFrame,
    kpi_names: dict[str, str],
    perspective_names: dict[str, str],
    links: tuple[Link, ...],
    perspective_links: tuple[Link, ...],
    hover: str,
) -> go.Figure:
    """The strategy map of the KPIs in `kpis` (the analysis' rows): four bands named by
    `perspective_names`, a node per KPI named by `kpi_names` and coloured by its attainment
    band, an arrow per link of `links` whose KPIs are both on the map, and the
    `perspective_links` as broad arrows from band to band at the right edge. `hover` is the node's
    hover template (the attainment is its `customdata`)."""
    places = node_positions(kpis)
    bands = [
        {"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": level - 0.45,
         "y1": level + 0.45, "fillcolor": PALETTE[level % len(PALETTE)], "opacity": 0.08,
         "line": {"width": 0}, "layer": "below"}
        for level in range(len(ORDER))
    ]  # fmt: skip
    band_names = [
        {"text": perspective_names[p], "xref": "paper", "x": 0, "xanchor": "left", "yref": "y",
         "y": level + 0.4, "yanchor": "top", "showarrow": False, "font": {"size": 13}}
        for level, p in enumerate(ORDER)
    ]  # fmt: skip
    # from node edge to node edge (`standoff`: pixels short of the centres)
    arrows = [
        {"text": "", "x": places[link.effect][0], "y": places[link.effect][1],
         "ax": places[link.cause][0], "ay": places[link.cause][1], "xref": "x", "yref": "y",
         "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 2, "arrowwidth": 1.5,
         "arrowcolor": "#6e7781", "standoff": NODE_SIZE / 2 + 2,
         "startstandoff": NODE_SIZE / 2 + 2}
        for link in links
        if link.cause in places and link.effect in places
    ]  # fmt: skip
    level = {p: i for i, p in enumerate(ORDER)}
    # the perspectives' own links, at the right edge from band to band
    arrows += [
        {"text": "", "x": PERSPECTIVE_ARROW_X, "y": level[link.effect] - 0.3,
         "ax": PERSPECTIVE_ARROW_X, "ay": level[link.cause] + 0.3, "xref": "x", "yref": "y",
         "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 2, "arrowwidth": 3,
         "arrowcolor": "#57606a"}
        for link in perspective_links
    ]  # fmt: skip
    ids = list(places)
    # names as annotations on a pale ground, drawn over the arrows; neighbours take turns
    # below and above their node, so long names do not overlap
    names = [
        {"text": kpi_names[i], "x": places[i][0], "y": places[i][1], "xref": "x", "yref": "y",
         "showarrow": False, "yshift": LABEL_SHIFT * (1 if _place_in_band(places, i) % 2 else -1),
         "bgcolor": "rgba(255, 255, 255, 0.85)", "font": {"size": 12}}
        for i in ids
    ]  # fmt: skip
    attained = kpis.set_index("kpi")["attainment"].astype(float)
    nodes = {
        "type": "scatter",
        "mode": "markers",
        "x": [places[i][0] for i in ids],
        "y": [places[i][1] for i in ids],
        "text": [kpi_names[i] for i in ids],
        "customdata": [None if np.isnan(attained[i]) else round(attained[i], 1) for i in ids],
        "marker": {
            "size": NODE_SIZE,
            "color": [ATTAINMENT_COLOURS[attainment_band(attained[i])] for i in ids],
            "line": {"width": 1, "color": "#ffffff"},
        },
        "showlegend": False,
        "hovertemplate": hover,
    }
    layout = {
        "xaxis": {"range": [-0.02, 1.02], "visible": False},
        "yaxis": {"range": [-0.55, len(ORDER) - 0.45], "visible": False},
        "shapes": bands,
        "annotations": band_names + arrows + names,
    }
    return plain_figure([nodes], layout, height=560)
