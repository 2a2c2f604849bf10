"""The what-if lab's figure helpers: which agents the slope chart shows."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.ui.charts import KPI_COLOURS
from dashboard.whatif.charts import biggest_movers, dodged, rank_intervals, rank_slope
from scoring.registry.kpis import KPIS

NA = pd.NA


@pytest.fixture
def agents() -> pd.DataFrame:
    # id: (base rank, new rank); movement = base − new (positive = moved up)
    ranks = {"f": (5, 6), "a": (1, 4), "d": (NA, 2), "b": (4, 1), "e": (3, 3), "c": (2, 3)}
    frame = pd.DataFrame(
        {
            "agent_id": list(ranks),
            "base_rank": pd.array([b for b, _ in ranks.values()], dtype="Int64"),
            "new_rank": pd.array([n for _, n in ranks.values()], dtype="Int64"),
        }
    )
    return frame.assign(movement=frame["base_rank"] - frame["new_rank"])


def test_largest_movements_first_ties_by_id(agents):
    # |movement|: a 3, b 3, c 1, f 1; e did not move; d was not ranked in the baseline
    assert biggest_movers(agents, limit=3)["agent_id"].tolist() == ["a", "b", "c"]
    assert biggest_movers(agents, limit=10)["agent_id"].tolist() == ["a", "b", "c", "f"]


def test_no_movers_shown_for_a_zero_limit_or_no_movement(agents):
    assert biggest_movers(agents, limit=0).empty
    still = agents.assign(new_rank=agents["base_rank"], movement=0)
    assert biggest_movers(still, limit=5).empty


def test_keeps_the_columns_the_chart_reads(agents):
    movers = biggest_movers(agents, limit=2)
    assert movers[["base_rank", "new_rank", "movement"]].values.tolist() == [[1, 4, -3], [4, 1, 3]]


def test_slope_chart_draws_one_line_per_mover_up_in_green_down_in_red(agents):
    movers = biggest_movers(agents.assign(name=agents["agent_id"].str.upper(), team="T1"), 3)
    figure = rank_slope(movers, "Movers", "Before", "After", "Rank").to_dict()
    up, down, labels = figure["data"]
    assert up["line"]["color"] == "#1a7f37" and down["line"]["color"] == "#cf222e"
    assert list(up["y"]) == [4, 1, None]  # b: 4 → 1
    assert list(down["y"]) == [1, 4, None, 2, 3, None]  # a: 1 → 4, c: 2 → 3
    assert list(down["x"]) == ["Before", "After", None] * 2
    assert list(up["customdata"]) == ["B · T1", "B · T1", ""]
    # the labels, by the new ranks, in their line's colour (movers: a, b, c)
    assert list(labels["text"]) == ["A (-3)", "B (+3)", "C (-1)"]
    assert list(labels["textfont"]["color"]) == ["#cf222e", "#1a7f37", "#cf222e"]
    assert set(labels["x"]) == {"After"}


def test_slope_labels_of_neighbouring_ranks_are_moved_apart():
    # ten agents each moved down by 30 to the neighbouring ranks 31–40: on a 360 px figure
    # those ranks are ~6 px apart, a label needs 18 px
    movers = pd.DataFrame(
        {"agent_id": [f"a{i}" for i in range(10)], "name": [f"N{i}" for i in range(10)],
         "team": "T", "base_rank": range(1, 11), "new_rank": range(31, 41), "movement": -30}
    )  # fmt: skip
    figure = rank_slope(movers, "t", "b", "n", "r").to_dict()
    labels = figure["data"][-1]
    y = list(labels["y"])
    height = figure["layout"]["height"]
    low, high = sorted(figure["layout"]["yaxis"]["range"])
    px_per_rank = (height - 100) / (high - low)
    assert y == sorted(y)  # order kept: rank 31's label on top
    assert min(b - a for a, b in zip(y, y[1:], strict=False)) * px_per_rank >= 17.9
    assert low <= min(y) and max(y) <= high  # inside the axis


@given(st.lists(st.floats(0, 500), max_size=30), st.floats(0.1, 20))
def test_dodged_labels_keep_their_order_and_gap_and_move_least(positions, gap):
    placed = dodged(positions, gap)
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    ys = [placed[i] for i in order]
    assert all(b - a >= gap - 1e-6 for a, b in zip(ys, ys[1:], strict=False))
    if all(
        abs(b - a) >= gap for a, b in zip(sorted(positions), sorted(positions)[1:], strict=False)
    ):
        assert placed == pytest.approx(positions)  # room enough: nothing moves
    # each stack is centred on its labels: the mean position never drifts
    assert sum(placed) == pytest.approx(sum(positions), abs=1e-6 * (1 + len(positions) * gap))


def test_every_agent_of_the_robustness_chart_is_labelled():
    robust = pd.DataFrame(
        {"rank": range(1, 41), "rank_low": range(1, 41), "rank_high": range(2, 42),
         "likely_grade": "good", "coin_toss": False}
    )  # fmt: skip
    names = pd.Series([f"Agent {i}" for i in range(40)])
    figure = rank_intervals(robust, names, "t", "Rank", {"good": "Good"}).to_dict()
    axis = figure["layout"]["yaxis"]
    assert axis["dtick"] == 1  # plotly would label every other category
    assert list(axis["categoryarray"]) == list(names)
    assert figure["layout"]["height"] >= 20 * 40


def test_every_kpi_has_its_own_colour():
    assert set(KPI_COLOURS) == {k.id for k in KPIS}
    assert len(set(KPI_COLOURS.values())) == len(KPIS)


def test_no_movers_no_lines(agents):
    still = agents.assign(name="x", team="T1", new_rank=agents["base_rank"], movement=0)
    assert rank_slope(biggest_movers(still, 5), "t", "b", "n", "r").to_dict()["data"] == []
