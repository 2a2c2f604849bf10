"""The what-if lab's figure helpers: which agents the slope chart shows."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.whatif_charts import biggest_movers

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
