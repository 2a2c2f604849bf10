"""Stage durations from the stage hours sorted once (scoring/measures/stage_times.py): the
same table as the ticket-level statement.

The oracle is `metrics.stage_durations` over the same build without the sorted hours (a
second `Dataset` of the build, its `stage_times` not attached): random filters — periods
that cut months, teams, agents, channels, categories, segments — and each grouping the
Diagnostics page asks must give equal frames: counts exactly, quantiles to 1e-12 relative.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoring.data.dataset import open_dataset
from scoring.measures import stage_times
from scoring.measures.metrics import Filters, has_stage_times, stage_durations
from tests.scoring.conftest import SAMPLE
from tests.scoring.test_cube import filters  # random filters of the sample (hypothesis)


@pytest.fixture(scope="module")
def readings(sample_readings) -> tuple:
    """(the sample's build read from its tickets, the same build with its sorted hours)."""
    tickets, sorted_hours = sample_readings
    assert sorted_hours.stage_times is not None and tickets.stage_times is None
    return tickets, sorted_hours


def some_agents(ds, count: int) -> tuple[str, ...]:
    return tuple(ds.query("SELECT agent_id FROM agents ORDER BY agent_id")["agent_id"][:count])


def assert_same(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    """Equal frames: groups, stages and counts exactly, the quantiles to 1e-12 relative (the
    same two values interpolated; DuckDB rounds its interpolation in the last bits its own
    way, as for `scoring.measures.ranked`)."""
    assert list(got.columns) == list(expected.columns)
    expected, got = expected.reset_index(drop=True), got.reset_index(drop=True)
    exact = [c for c in expected if c not in ("median_hours", "p90_hours")]
    pd.testing.assert_frame_equal(expected[exact], got[exact], check_dtype=False, check_exact=True)
    pd.testing.assert_frame_equal(expected, got, check_dtype=False, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=filters(), by=st.sampled_from(stage_times.GROUPINGS))
@example(chosen=Filters(start=date(2026, 3, 5), end=date(2026, 5, 20)), by=("team",))
@example(chosen=Filters(teams=("Team North",)), by=("agent_id",))
@example(chosen=Filters(start=date(2027, 1, 1), end=date(2027, 1, 2)), by=())  # no ticket
def test_sorted_hours_give_the_tickets_stage_durations(readings, chosen, by):
    tickets, sorted_hours = readings
    assert stage_times.answers(sorted_hours, chosen, by)
    assert_same(stage_durations(tickets, chosen, by), stage_durations(sorted_hours, chosen, by))


@pytest.mark.parametrize("by", stage_times.GROUPINGS)
def test_an_agent_scope_keeps_only_those_agents(readings, by):
    tickets, sorted_hours = readings
    chosen = Filters(start=date(2026, 2, 10), end=date(2026, 6, 3), agents=some_agents(tickets, 3))
    expected = stage_durations(tickets, chosen, by)
    assert len(expected) and expected["tickets"].sum() > 0
    assert_same(expected, stage_durations(sorted_hours, chosen, by))


@pytest.mark.parametrize(
    ("chosen", "by"),
    [
        (Filters(products=("Smart home",)), ("team",)),  # the arrays carry no product
        (Filters(priorities=("high",)), ()),
        (Filters(), ("channel",)),  # nor this grouping
    ],
)
def test_what_the_arrays_do_not_hold_reads_the_tickets(readings, chosen, by):
    tickets, sorted_hours = readings
    assert not stage_times.answers(sorted_hours, chosen, by)
    assert_same(stage_durations(tickets, chosen, by), stage_durations(sorted_hours, chosen, by))


def test_each_teams_run_is_sorted_and_holds_its_tickets(readings):
    tickets, sorted_hours = readings
    times = sorted_hours.stage_times
    runs = times.stages["received"]  # from created_at to accepted_at
    per_team = tickets.query(
        "SELECT team, count(*) AS n FROM tickets JOIN agents USING (agent_id) "
        "WHERE created_at IS NOT NULL AND accepted_at IS NOT NULL GROUP BY team"
    ).set_index("team")["n"]
    lengths = dict(zip(times.teams, np.diff(runs.starts), strict=True))
    assert {t: lengths[t] for t in per_team.index} == per_team.to_dict()
    for t in range(len(times.teams)):
        assert (np.diff(runs.values[runs.starts[t] : runs.starts[t + 1]]) >= 0).all()


def test_the_partial_sort_interpolates_as_quantile_cont():
    # sorted 1, 2, 4, 10: median position 1.5 → 2 + 0.5·2 = 3; P90 position 2.7 → 4 + 0.7·6
    values = np.array([10.0, 2, 4, 1])
    median, p90 = stage_times._quantile(values, [0.5, 0.9])
    assert median == 3.0 and p90 == pytest.approx(8.2, abs=1e-12)
    assert stage_times._quantile(np.array([7.0]), [0.5, 0.9]) == [7.0, 7.0]


def test_the_arrays_are_written_once_per_build(readings):
    _, sorted_hours = readings
    info = sorted_hours.stage_times.folder / stage_times.INFO
    written = info.stat().st_mtime_ns
    again = open_dataset(SAMPLE, builds=sorted_hours.build_folder.parent)
    assert stage_times.attach(again).folder == sorted_hours.stage_times.folder
    assert info.stat().st_mtime_ns == written


def test_without_a_build_stage_durations_read_the_tickets(readings):
    tickets, _ = readings
    ds = open_dataset(SAMPLE)
    assert stage_times.attach(ds) is None and ds.stage_times is None
    chosen = Filters(start=date(2026, 3, 5), end=date(2026, 5, 20), teams=("Team East",))
    assert_same(stage_durations(tickets, chosen, ("team",)), stage_durations(ds, chosen, ("team",)))
    assert has_stage_times(ds)


def test_the_runs_hold_whole_seconds_in_a_narrow_type(readings):
    """The sample's received stage lasts minutes to days: int32 seconds, each the ticket's
    own (the longest one checked against the tickets)."""
    tickets, sorted_hours = readings
    runs = sorted_hours.stage_times.stages["received"]
    assert runs.values.dtype == np.int32
    longest = tickets.scalar(
        "SELECT max(date_diff('second', created_at, accepted_at)) FROM tickets "
        "WHERE accepted_at IS NOT NULL"
    )
    assert int(runs.values.max()) == longest > 3600
