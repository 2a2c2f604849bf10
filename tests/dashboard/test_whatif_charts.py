"""The what-if lab's figure helpers: which agents the slope chart shows."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.whatif.charts import biggest_movers, rank_slope

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
    up, down = figure["data"]
    assert up["line"]["color"] == "#1a7f37" and down["line"]["color"] == "#cf222e"
    assert list(up["y"]) == [4, 1, None]  # b: 4 → 1
    assert list(down["y"]) == [1, 4, None, 2, 3, None]  # a: 1 → 4, c: 2 → 3
    assert list(down["x"]) == ["Before", "After", None] * 2
    assert list(down["text"]) == ["", "A (-3)", "", "", "C (-1)", ""]
    assert list(up["customdata"]) == ["B · T1", "B · T1", ""]


def test_no_movers_no_lines(agents):
    still = agents.assign(name="x", team="T1", new_rank=agents["base_rank"], movement=0)
    assert rank_slope(biggest_movers(still, 5), "t", "b", "n", "r").to_dict()["data"] == []
