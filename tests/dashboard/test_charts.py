"""The shared figure builders (dashboard/ui/charts.py): what each figure draws, read back from
the JSON that Streamlit sends to the browser."""

from __future__ import annotations

import json

import pandas as pd
import plotly.io as pio
import pytest

from dashboard.ui import charts
from scoring.registry.kpis import KPIS_BY_ID
from tests.builders import plotly_values as values


def spec(figure) -> dict:
    return json.loads(pio.to_json(figure, validate=False))


def test_grade_distribution_in_grade_order_coloured_by_grade():
    counts = pd.DataFrame(
        {
            "grade": ["insufficient_data", "good", "excellent", "unsatisfactory"],
            "label": ["n/a", "Good", "Excellent", "Unsatisfactory"],
            "agents": [3, 10, 2, 5],
        }
    )
    (bar,) = spec(charts.grade_distribution(counts, "Grades", "Agents"))["data"]
    assert bar["x"] == ["Excellent", "Good", "Unsatisfactory", "n/a"]
    assert values(bar["y"]) == [2, 10, 5, 3]
    assert bar["marker"]["color"] == [
        charts.GRADE_COLOURS[g]
        for g in ("excellent", "good", "unsatisfactory", "insufficient_data")
    ]


def test_contributions_stack_each_kpi_with_points_first_agent_on_top():
    points = pd.DataFrame(
        {"csat": [30.0, 0.0, 12.5], "fcr": [10.0, 20.0, 0.0], "nps": [0.0, 0.0, 0.0]},
        index=pd.Index(["Best (A1)", "Mid (A2)", "Last (A3)"], name="agent"),
    )
    figure = spec(charts.contributions(points, {"csat": "CSAT", "fcr": "FCR"}, "KPI"))
    by_name = {t["name"]: t for t in figure["data"]}
    assert list(by_name) == ["CSAT", "FCR"]  # nps has no points anywhere: no segment
    assert by_name["CSAT"]["y"] == ["Best (A1)", "Last (A3)"]
    assert values(by_name["CSAT"]["x"]) == [30.0, 12.5]
    assert by_name["FCR"]["y"] == ["Best (A1)", "Mid (A2)"]
    assert figure["layout"]["barmode"] == "relative"
    assert figure["layout"]["yaxis"]["categoryarray"] == ["Last (A3)", "Mid (A2)", "Best (A1)"]


def test_kpi_trend_draws_the_target_and_percent_ticks():
    frame = pd.DataFrame({"month": ["2026-01", "2026-02"], "fcr": [0.7, 0.72]})
    figure = spec(charts.kpi_trend(frame, "month", KPIS_BY_ID["fcr"], "FCR", 0.85, "target", "zh"))
    (line,) = figure["data"]
    assert line["x"] == ["2026-01", "2026-02"] and values(line["y"]) == [0.7, 0.72]
    (shape,) = figure["layout"]["shapes"]
    assert (shape["y0"], shape["y1"], shape["line"]["dash"]) == (0.85, 0.85, "dash")
    assert figure["layout"]["annotations"][0]["text"] == "target"
    assert figure["layout"]["yaxis"]["tickformat"] == ".0%"
    assert figure["layout"]["title"]["text"] == "FCR"


@pytest.mark.parametrize(
    ("lang", "period", "ticks", "hover"),
    [
        ("zh", "month", "%Y年%-m月", "%{x|%Y年%-m月}"),  # 2026年9月, not Plotly's "Sep 2026"
        ("en", "month", "%b %Y", "%{x|%b %Y}"),
        ("zh", "week", "%-m月%-d日", "%{x|%Y年%-m月%-d日起}"),
    ],
)
def test_a_trend_names_its_months_in_the_users_language(lang, period, ticks, hover):
    frame = pd.DataFrame({period: ["2026-09-01", "2026-10-01"], "csat": [3.9, 4.0]})
    k = KPIS_BY_ID["csat"]
    figure = spec(charts.kpi_trend(frame, period, k, "CSAT", 4.5, "target", lang))
    axis = figure["layout"]["xaxis"]
    assert (axis["type"], axis["tickformat"]) == ("date", ticks)
    assert axis.get("dtick") == ("M1" if period == "month" else None)
    assert figure["data"][0]["hovertemplate"].startswith(hover + ": ")


def test_team_ranking_dots_best_team_at_the_top_each_naming_its_team_for_a_click():
    frame = pd.DataFrame(
        {"team": ["North", "South", "East", "West"], "composite": [61.0, 70.5, 55.0, None]}
    )
    figure = spec(charts.team_ranking(frame, "Teams", "Mean score", [50.0, 75.0]))
    (dots,) = figure["data"]
    assert dots["type"] == "scatter" and dots["mode"] == "markers+text"  # dots, not bars
    assert dots["y"] == ["East", "North", "South"]  # drawn bottom to top; no score: left out
    assert values(dots["x"]) == [55.0, 61.0, 70.5]
    assert dots["customdata"] == [["East"], ["North"], ["South"]]
    assert figure["layout"]["xaxis"]["range"] == [50.0, 75.0]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([50.0, 61.0, 70.0], [47.0, 73.0]),  # 15% of the 20-point spread either side
        ([61.0, 62.0, 64.0], [58.6, 66.4]),  # close scores: at least 2.4 (2% of the 0-120 scale)
        ([1.0, 99.0], [0.0, 113.7]),  # never below 0; above 100 is a score (up to 120)
    ],
)
def test_the_team_axis_fits_the_scores_instead_of_starting_at_zero(scores, expected):
    assert charts.fitted_range(pd.Series(scores)) == pytest.approx(expected)
