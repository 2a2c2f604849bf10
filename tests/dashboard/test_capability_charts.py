"""The Capability page's figures (dashboard/capability/charts.py): what each one draws, read
back from the JSON that Streamlit sends to the browser."""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.io as pio
import pytest
from plotly.colors import get_colorscale

from dashboard.capability import charts
from tests.builders import plotly_values as values

HOVER = {"value": "V", "interval": "I", "reference": "R", "cases": "N", "low": "thin"}


def spec(figure) -> dict:
    return json.loads(pio.to_json(figure, validate=False))


def grid(z) -> list[list]:
    """A heatmap's z as rows of numbers (None for gaps), from a list or a typed array."""
    if isinstance(z, dict):
        flat = values(z)
        rows, columns = (int(n) for n in str(z["shape"]).split(","))
        z = [flat[r * columns : (r + 1) * columns] for r in range(rows)]
    return [[None if v is None or math.isnan(v) else v for v in row] for row in z]


def skill_cells() -> pd.DataFrame:
    # A001 weak at repair (significant, a training need), thin evidence on install;
    # A002 fine at repair and never handled install.
    return pd.DataFrame(
        {
            "agent_id": ["A001", "A001", "A002"],
            "name": ["Li", "Li", "Wang"],
            "skill": ["repair", "install", "repair"],
            "shrunk": [0.6, 0.7, 0.85],
            "lo": [0.5, 0.4, 0.8],
            "hi": [0.7, 0.9, 0.9],
            "peer": [0.8, 0.75, 0.8],
            "gap": [-0.2, -0.05, 0.05],
            "cases": [120.0, 4.0, 90.0],
            "enough": [True, False, True],
            "significant": [True, False, False],
            "weak": [True, False, False],
        }
    )


def test_skill_heatmap_colours_gaps_greys_thin_cells_and_marks_needs():
    figure = spec(charts.skill_heatmap(skill_cells(), "FCR", "gap", "{:.0%}".format, HOVER))
    grey, coloured = figure["data"]
    rows = ["A002 Wang", "A001 Li"]  # first agent on top: rows are drawn bottom-up
    assert coloured["y"] == rows and coloured["x"] == ["install", "repair"]
    assert grid(coloured["z"]) == [[None, 0.05 / 0.8], [None, -0.2 / 0.8]]
    assert grid(grey["z"]) == [[None, None], [0.0, None]]  # only A001's thin install cell
    assert coloured["text"] == [["", ""], ["", "◆"]]
    assert (coloured["zmin"], coloured["zmax"]) == (-0.25, 0.25)  # symmetric: largest gap
    red_to_blue = get_colorscale("RdBu")  # negative gaps red, positive blue
    assert [c for _, c in coloured["colorscale"]] == [c for _, c in red_to_blue]
    assert [p for p, _ in coloured["colorscale"]] == pytest.approx([p for p, _ in red_to_blue])
    assert coloured["colorbar"]["title"]["text"] == "gap"
    hover = coloured["customdata"][1][1]
    assert hover.startswith("V: 60%<br>I: 50% – 70%<br>R: 80%<br>N: 120")
    assert "thin" in coloured["customdata"][1][0] and coloured["customdata"][0][0] == ""
    assert figure["layout"]["xaxis"]["side"] == "top"
    assert figure["layout"]["title"]["text"] == "FCR"


def test_case_mix_scatter_draws_agents_against_the_line_observed_equals_expected():
    mix = pd.DataFrame(
        {
            "agent_id": ["A1", "A2"],
            "name": ["Li", "Wang"],
            "observed": [0.9, 0.6],
            "expected": [0.7, 0.8],
        }
    )
    figure = spec(charts.case_mix_scatter(mix, "Mix", "expected", "observed", percent=True))
    line, agents = figure["data"]
    assert values(line["x"]) == [0.6, 0.9] and values(line["y"]) == [0.6, 0.9]
    assert values(agents["x"]) == [0.7, 0.8] and values(agents["y"]) == [0.9, 0.6]
    assert agents["text"] == ["A1 Li", "A2 Wang"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "expected"
    assert figure["layout"]["yaxis"]["tickformat"] == ".0%"


def test_before_after_draws_the_trained_agent_with_intervals_and_the_peers():
    effect = pd.Series(
        {
            "before": 0.6, "after": 0.8, "before_half": 0.05, "after_half": 0.04,
            "peers_before": 0.7, "peers_after": 0.72,
        }
    )  # fmt: skip
    labels = {"before": "Before", "after": "After", "trained": "Li", "untrained": "Peers"}
    trained, peers = spec(charts.before_after(effect, labels, "Effect", percent=True))["data"]
    assert trained["x"] == ["Before", "After"] and values(trained["y"]) == [0.6, 0.8]
    assert values(trained["error_y"]["array"]) == [0.05, 0.04]
    assert peers["name"] == "Peers" and values(peers["y"]) == [0.7, 0.72]


def test_radar_closes_each_role_line_and_skips_roles_without_ratings():
    table = pd.DataFrame(
        {
            "competency": ["empathy", "product"],
            "self": [5.0, 4.0],
            "peer": [3.0, 3.5],
            "customer": [None, None],
        }
    )
    roles = {"self": "Self", "peer": "Peer", "customer": "Customer", "supervisor": "Boss"}
    figure = spec(charts.radar(table, roles, "A1"))
    assert [t["name"] for t in figure["data"]] == ["Self", "Peer"]
    self_line = figure["data"][0]
    assert values(self_line["r"]) == [5.0, 4.0, 5.0]
    assert self_line["theta"] == ["empathy", "product", "empathy"]
    assert figure["layout"]["polar"]["radialaxis"]["range"] == [1, 5]
