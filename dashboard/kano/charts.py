"""The Better–Worse diagram of the Customer expectations page: a pure function of the
classified factors."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.ui.charts import plain_figure, plot_values, title_of

# One colour per category, the same in the diagram and wherever a category is coloured.
CATEGORY_COLOURS = {
    "M": "#cf222e", "O": "#4c9be8", "A": "#1a7f37", "I": "#8c959f", "R": "#9a6700",
    "Q": "#6e40c9",
}  # fmt: skip
SPLIT = 0.5  # where the quadrants meet, on both axes (docs/METHODS.md, "What to improve first")
# Each quadrant's category and where its label sits (x, y in data units, anchors).
QUADRANTS = {
    "O": (1.0, 1.0, "right", "top"),
    "M": (0.0, 1.0, "left", "top"),
    "A": (1.0, 0.0, "right", "bottom"),
    "I": (0.0, 0.0, "left", "bottom"),
}
# Factors of one category sit close together: their labels take turns above, below and
# beside their dots, so that three neighbours do not write over each other.
LABEL_POSITIONS = ("top center", "bottom center", "middle right")


def better_worse(
    factors: pd.DataFrame,
    labels: dict[str, str],
    quadrant_labels: dict[str, str],
    axis_titles: tuple[str, str],
    hover: str,
) -> go.Figure:
    """Each factor at (Better, |Worse|), coloured by its category and labelled by `labels`
    (factor id → name); a non-significant classification as an open marker. The quadrants
    meet at SPLIT and are named by `quadrant_labels` (category → name). No title: the page's
    heading names it."""
    shown = factors.dropna(subset=["better", "worse"]).sort_values(["category", "better"])
    turn = shown.groupby("category").cumcount() % len(LABEL_POSITIONS)
    points = {
        "type": "scatter",
        "mode": "markers+text",
        "x": plot_values(shown["better"].astype(float)),
        "y": plot_values(shown["worse"].abs().astype(float)),
        "text": [labels.get(f, f) for f in shown["factor"]],
        "textposition": [LABEL_POSITIONS[i] for i in turn],
        "marker": {
            "size": 13,
            "color": [CATEGORY_COLOURS[c] for c in shown["category"]],
            "symbol": ["circle" if s else "circle-open" for s in shown["significant"]],
            "line": {"width": 2, "color": [CATEGORY_COLOURS[c] for c in shown["category"]]},
        },
        "showlegend": False,
        "hovertemplate": f"%{{text}}<br>{hover}<extra></extra>",
    }
    lines = [
        {"type": "line", "x0": SPLIT, "x1": SPLIT, "y0": 0, "y1": 1, "xref": "x", "yref": "y",
         "line": {"color": "#888", "dash": "dash"}},
        {"type": "line", "x0": 0, "x1": 1, "y0": SPLIT, "y1": SPLIT, "xref": "x", "yref": "y",
         "line": {"color": "#888", "dash": "dash"}},
    ]  # fmt: skip
    notes = [
        {"text": quadrant_labels[c], "x": x, "y": y, "xref": "x", "yref": "y",
         "xanchor": xa, "yanchor": ya, "showarrow": False,
         "font": {"color": CATEGORY_COLOURS[c], "size": 14}}
        for c, (x, y, xa, ya) in QUADRANTS.items()
    ]  # fmt: skip
    layout = {
        "xaxis": {"range": [-0.02, 1.02], "title": title_of(axis_titles[0]), "zeroline": False},
        "yaxis": {"range": [-0.02, 1.02], "title": title_of(axis_titles[1]), "zeroline": False},
        "shapes": lines,
        "annotations": notes,
    }
    return plain_figure([points], layout, height=520)
