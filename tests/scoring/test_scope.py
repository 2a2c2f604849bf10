"""The two scopes (scoring/scope.py): what a visible scope lets through, the check on every
display function, and the rule that every frame-returning function of scoring/ declares
which kind it is."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pandas as pd
import pytest

import scoring
from scoring import scope
from scoring.measures.metrics import Filters
from scoring.scope import EVERYTHING, ScopeLeak, Visible

ROWS = pd.DataFrame(
    {
        "team": ["North", "North", "South", None],
        "agent_id": ["A1", "A2", "B1", None],  # the last row: an anonymous step
    }
)


def test_a_team_scope_keeps_its_teams_and_anonymous_rows():
    kept = Visible(teams=("North",)).keep(ROWS)
    assert kept["agent_id"].tolist()[:2] == ["A1", "A2"] and kept["agent_id"].isna().tolist() == [
        False,
        False,
        True,
    ]


def test_an_agents_scope_keeps_only_that_agent():
    kept = Visible(teams=("North",), agents=("A2",)).keep(ROWS)
    assert kept["agent_id"].dropna().tolist() == ["A2"]


def test_the_visible_scope_of_a_filter_and_the_population():
    filters = Filters(teams=("North",), agents=("A2",), channels=("phone",))
    assert Visible.of(filters) == Visible(("North",), ("A2",))
    assert Visible.of(Filters()) == EVERYTHING and EVERYTHING.is_everything
    assert filters.population() == Filters(channels=("phone",))


def test_the_sql_condition_lets_through_what_keep_lets_through():
    import duckdb

    visible = Visible(teams=("North",), agents=("A1", "B1"))
    params: dict = {}
    where = visible.sql(params, "r.")
    con = duckdb.connect()
    con.register("rows_", ROWS.dropna())
    shown = con.execute(f"SELECT agent_id FROM rows_ r WHERE {where}", params).fetchall()
    assert shown == [("A1",)]
    assert EVERYTHING.sql({}) == "true"


@scope.shows_rows
def _leaky(visible: Visible) -> tuple[pd.DataFrame, str]:
    return ROWS, "a label"  # ignores the scope, as a bug would


def test_a_display_function_returning_a_row_outside_the_scope_raises():
    with pytest.raises(ScopeLeak, match="South"):
        _leaky(Visible(teams=("North",)))
    assert _leaky(EVERYTHING)[1] == "a label"  # the open scope lets everything through
    with pytest.raises(TypeError, match="needs a Visible scope"):
        _leaky(None)


def test_a_display_function_without_a_visible_parameter_is_refused():
    with pytest.raises(TypeError, match="takes no `visible` scope"):

        @scope.shows_rows
        def no_scope(ds) -> pd.DataFrame:
            return ROWS


def test_an_agent_row_without_its_team_cannot_be_checked_and_is_refused():
    no_team = ROWS[["agent_id"]]
    assert Visible(agents=("A1",)).keep(no_team)["agent_id"].dropna().tolist() == ["A1"]
    assert Visible(teams=("North",)).mask(no_team).tolist() == [False, False, False, True]


def _public_functions():
    """Every public function of every module of scoring/, subpackages included; a name a
    package re-exports is counted once, in the module that defines it."""
    for info in pkgutil.walk_packages(scoring.__path__, prefix="scoring."):
        if info.name.rsplit(".", 1)[-1] == "__main__":  # importing it runs the command line
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and function.__module__ == module.__name__:
                yield f"{info.name.removeprefix('scoring.')}.{name}", function


def test_the_scope_check_walks_subpackages():
    names = {name for name, _ in _public_functions()}
    assert {
        "analyses.capability.skills.skill_matrix",
        "analyses.capability.effects.training_effects",
    } <= names
    assert (
        "analyses.capability.skill_matrix" not in names
    )  # a re-export, counted where it is defined


def _returns_frames(function) -> bool:
    annotation = str(inspect.signature(inspect.unwrap(function)).return_annotation)
    return "DataFrame" in annotation


def test_every_function_of_scoring_that_returns_frames_says_which_scope_it_serves():
    """A new function returning rows must be marked @shows_rows (it then takes `visible`)
    or @for_statistics; this fails for one that is neither."""
    functions = list(_public_functions())  # imports every module, so every mark is made
    display = {inspect.unwrap(f) for f in scope.DISPLAY_FUNCTIONS}
    statistics = set(scope.STATISTICS_FUNCTIONS)
    unmarked = [
        name
        for name, function in functions
        if _returns_frames(function)
        and inspect.unwrap(function) not in display
        and function not in statistics
    ]
    assert unmarked == []
    for function in scope.DISPLAY_FUNCTIONS:
        parameter = inspect.signature(function).parameters["visible"]
        assert parameter.annotation in (Visible, "Visible"), function.__qualname__
