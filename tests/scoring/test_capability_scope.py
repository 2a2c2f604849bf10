"""The two scopes of the capability results (scoring/capability/): statistics over the
population, display rows only of the visible scope.

Each display function is called with one team visible and must return rows of that team
only (the roster read here from the Parquet file), and exactly the rows it returns for that
team when everything is visible: peers, references and the untrained control group are the
department's whatever is shown.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scoring.analyses import capability
from scoring.data.dataset import open_dataset
from scoring.measures.metrics import Filters
from scoring.scope import EVERYTHING, Visible

TEAMS = ("Team North", "Team South", "Team East", "Team West")


@pytest.fixture(scope="module")
def ds(small_dataset: Path):
    return open_dataset(small_dataset)


@pytest.fixture(scope="module")
def roster(small_dataset: Path) -> pd.DataFrame:
    return pd.read_parquet(small_dataset / "agents.parquet")


@pytest.fixture(scope="module")
def matrix(ds) -> pd.DataFrame:
    return capability.skill_matrix(ds, Filters(), "fcr")


def team_of(frame: pd.DataFrame) -> str:
    """A team with rows in `frame` (the one with most rows): the narrowed result is then
    never empty, so the checks below can fail."""
    return frame["team"].value_counts().index[0]


def only(frame: pd.DataFrame, team: str) -> pd.DataFrame:
    return frame[frame["team"] == team].reset_index(drop=True)


def assert_only_team(frame: pd.DataFrame, team: str, roster: pd.DataFrame) -> None:
    members = set(roster.loc[roster["team"] == team, "agent_id"])
    assert len(frame) > 0
    assert set(frame["team"]) == {team}
    assert set(frame["agent_id"]) <= members


def narrowed(team: str) -> tuple[Filters, Visible]:
    """The filter and visible scope of a session that sees one team."""
    return Filters(teams=(team,)), Visible(teams=(team,))


def test_the_roster_holds_only_visible_agents(ds, roster):
    for team in TEAMS:
        shown = capability.agents(ds, Visible(teams=(team,)))
        assert_only_team(shown, team, roster)
        assert set(shown["agent_id"]) == set(roster.loc[roster["team"] == team, "agent_id"])
    one = roster["agent_id"].iloc[0]
    mine = capability.agents(ds, Visible(teams=(roster["team"].iloc[0],), agents=(one,)))
    assert mine["agent_id"].tolist() == [one]


def test_training_needs_and_team_needs_of_a_team_are_the_departments(ds, roster, matrix):
    catalogue = capability.courses(ds)
    every = capability.training_needs(matrix, catalogue, 6.0, EVERYTHING)
    team = team_of(every)
    _, visible = narrowed(team)
    needs = capability.training_needs(matrix, catalogue, 6.0, visible)
    assert_only_team(needs, team, roster)
    pd.testing.assert_frame_equal(needs, only(every, team))
    per_team = capability.team_needs(needs, visible)
    assert set(per_team["team"]) == {team}
    # listed ids are a text the scope check cannot read: only the team's agents in it
    listed = {i for ids in per_team["agent_ids"] for i in ids.split(", ")}
    assert listed <= set(roster.loc[roster["team"] == team, "agent_id"])
    # the department's needs given with a narrow scope are narrowed all the same
    assert set(capability.team_needs(every, visible)["team"]) == {team}


def test_the_coaching_plan_lists_only_visible_agents(ds, roster, matrix):
    needs = capability.training_needs(matrix, capability.courses(ds), 6.0, EVERYTHING)
    spots = capability.blind_spots(ds, Filters(), EVERYTHING)
    team = team_of(needs)
    _, visible = narrowed(team)
    everyone = capability.agents(ds, EVERYTHING)  # a roster wider than the scope
    describe = lambda row: ("gap", "evidence")  # noqa: E731
    plan = capability.coaching_plan(everyone, needs, spots, describe, visible)
    assert_only_team(plan, team, roster)
    expected = int((needs["team"] == team).sum())
    expected += int(spots.loc[spots["team"] == team, "blind_spot"].sum())
    assert len(plan) == expected


def test_training_effects_compare_with_the_untrained_of_the_department(ds, roster):
    every = capability.training_effects(ds, Filters(), EVERYTHING, "fcr")
    team = team_of(every)
    filters, visible = narrowed(team)
    effects = capability.training_effects(ds, filters, visible, "fcr")
    assert_only_team(effects, team, roster)
    # the control group (peers_before, peers_after, did) is not the team's own agents
    pd.testing.assert_frame_equal(effects, only(every, team))


def test_360_feedback_and_blind_spots_of_visible_agents_without_reviewers(
    ds, roster, small_dataset
):
    feedback = capability.feedback_360(ds, Filters(), EVERYTHING)
    team = team_of(feedback)
    filters, visible = narrowed(team)
    mine = capability.feedback_360(ds, filters, visible)
    assert_only_team(mine, team, roster)
    pd.testing.assert_frame_equal(mine, only(feedback, team))
    spots = capability.blind_spots(ds, filters, visible)
    assert_only_team(spots, team, roster)
    pd.testing.assert_frame_equal(
        spots, only(capability.blind_spots(ds, Filters(), EVERYTHING), team)
    )
    # who rated whom never reaches a table: no reviewer column, no reviewer's id as a value
    ratings = pd.read_parquet(small_dataset / "feedback_360.parquet")
    others = ratings[ratings["reviewer_role"] != "self"]
    reviewers = set(others["reviewer_id"].dropna()) - set(mine["agent_id"])
    assert reviewers
    for frame in (mine, spots):
        assert "reviewer_id" not in frame
        values = {v for column in frame.columns if frame[column].dtype == object
                  for v in frame[column]}  # fmt: skip
        assert not values & reviewers
