"""Exact per-agent quantiles from values sorted once (scoring/measures/ranked.py).

That they equal the tickets' quantiles is checked where the other readings are: the
hand-worked medians and P90s of tests/scoring/test_kpis.py (its "cube" reading attaches the
sorted values) and the random filters of tests/scoring/test_cube.py. Here: the interpolation
by hand, the arrays' shape, and which filters fall back to the tickets.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from scoring.data.dataset import open_dataset
from scoring.measures import ranked
from scoring.measures.metrics import Filters, attach_cube, available_kpis, explain_sql, kpi_table
from tests.builders import sample_missing_segments
from tests.scoring.test_cube import assert_same_tables

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_quantiles_interpolate_within_each_run_as_quantile_cont_does():
    # runs [1, 2, 3, 10], [5], []: median positions 1.5 → 2.5, 0 → 5; P90 positions
    # 0.9·3 = 2.7 → 3 + 0.7·(10 − 3) = 7.9, 0 → 5; an empty run has none
    values, counts = np.array([1.0, 2, 3, 10, 5]), np.array([4, 1, 0])
    median = ranked._quantiles(values, counts, 0.5)
    p90 = ranked._quantiles(values, counts, 0.9)
    assert median[:2].tolist() == [2.5, 5.0] and math.isnan(median[2])
    assert p90[:2] == pytest.approx([7.9, 5.0], abs=1e-12) and math.isnan(p90[2])


def test_quantiles_of_kept_values_read_them_where_they_lie():
    # runs [1, 2, 3, 10], [5], []; kept positions 0, 3 (run 0: [1, 10]) and 4 (run 1: [5])
    values, take = np.array([1.0, 2, 3, 10, 5]), np.array([0, 3, 4])
    median = ranked._quantiles(values, np.array([2, 1, 0]), 0.5, take)
    assert median[:2].tolist() == [5.5, 5.0] and math.isnan(median[2])


def test_kept_rows_are_counted_per_run_with_empty_runs_among_them():
    kept = np.flatnonzero([True, False, True, True, False])  # runs of 2, 0, 3
    assert ranked._kept_per_run(kept, np.array([2, 0, 3])).tolist() == [1, 0, 2]


@pytest.fixture(scope="module")
def sorted_sample(tmp_path_factory):
    ds = open_dataset(SAMPLE, builds=tmp_path_factory.mktemp("ranked_builds"))
    assert attach_cube(ds, 30) is not None and ds.ranked is not None
    return ds


def test_each_agents_run_holds_its_answered_tickets_sorted(sorted_sample):
    arrays = sorted_sample.ranked.exprs["frt_minutes"]
    per_agent = sorted_sample.query(
        "SELECT agent_id, count(first_response_at) AS n FROM tickets "
        "JOIN agents USING (agent_id) GROUP BY agent_id"
    ).set_index("agent_id")["n"]
    lengths = dict(zip(sorted_sample.ranked.agents, np.diff(arrays.starts), strict=True))
    assert {a: lengths[a] for a in per_agent.index} == per_agent.to_dict()
    for a in range(len(sorted_sample.ranked.agents)):
        run = arrays.values[arrays.starts[a] : arrays.starts[a + 1]]
        assert (np.diff(run) >= 0).all()


def test_the_matrix_reads_quantiles_from_the_sorted_values(sorted_sample):
    sql = explain_sql(sorted_sample, Filters(channels=("phone",)))
    statement, comments = sql.split("\n-- first_response_median:")
    assert "quantile_cont" not in statement and "ranked.py" in comments


@pytest.mark.parametrize(
    "filters, by",
    [
        (Filters(products=("Smart home",)), ("agent_id",)),
        (Filters(products=("Smart home",)), ("team",)),
        (Filters(), ("hour",)),  # no hour beside the values
        (Filters(), ("agent_id", "category")),
        (Filters(), ("product",)),
    ],
)
def test_other_filters_and_groupings_read_the_tickets(sorted_sample, filters, by):
    sql = explain_sql(sorted_sample, filters, by)
    assert "quantile_cont(frt_minutes" in sql and "ranked.py" not in sql


# The groupings the values sorted by value answer (tests/scoring/test_cube.py draws random
# filters for those the cube holds too); the oracle is the same build read from its tickets.
GROUPED = [
    ((), Filters()),
    ((), Filters(start=date(2027, 1, 1), end=date(2027, 1, 2))),  # no ticket
    (("week",), Filters(start=date(2026, 2, 3), end=date(2026, 4, 20))),
    (("weekday",), Filters(teams=("Team East",), channels=("phone", "chat"))),
    (("weekday", "customer_segment"), Filters(categories=("repair",))),
    (("team", "week"), Filters(start=date(2026, 10, 15), segments=("enterprise",))),
    (("quarter", "category"), Filters(agents=("A001", "A002", "A003"))),
    (("month", "channel", "team"), Filters(start=date(2026, 6, 1), end=date(2026, 6, 30))),
    (("team", "category"), Filters(agents=("A002",), start=date(2026, 9, 1))),
    (("channel",), Filters(teams=("Team North",), start=date(2027, 1, 1))),  # no ticket
    ((), Filters(teams=("Team West",), start=date(2026, 5, 1), end=date(2026, 8, 31))),
]


@pytest.mark.parametrize("small_scope_share", [0.0, 1.0])  # by value; a scope's runs
@pytest.mark.parametrize("by, filters", GROUPED)
def test_grouped_quantiles_are_the_tickets_quantiles(
    sorted_sample, by, filters, small_scope_share, monkeypatch
):
    monkeypatch.setattr(ranked, "SMALL_SCOPE_SHARE", small_scope_share)
    tickets = open_dataset(SAMPLE, builds=sorted_sample.build_folder.parent)
    assert tickets.ranked is None
    assert "ranked.py" in explain_sql(sorted_sample, filters, by)
    assert "ranked.py" not in explain_sql(tickets, filters, by)
    expected, got = kpi_table(tickets, filters, by), kpi_table(sorted_sample, filters, by)
    assert_same_tables(expected, got, by)


def test_each_group_s_values_are_sorted_by_value_alone(sorted_sample):
    arrays = sorted_sample.ranked.by_value["frt_minutes"]
    assert arrays.starts.tolist() == [0, len(arrays.values)]
    assert (np.diff(arrays.values) >= 0).all()
    by_agent = sorted_sample.ranked.exprs["frt_minutes"]
    assert np.array_equal(np.sort(by_agent.values), arrays.values)
    assert (
        np.bincount(arrays.agents, minlength=len(by_agent.starts) - 1).tolist()
        == np.diff(by_agent.starts).tolist()
    )


def test_the_arrays_are_written_once_per_build(sorted_sample):
    info = sorted_sample.ranked.folder / ranked.INFO
    written = info.stat().st_mtime_ns
    again = open_dataset(SAMPLE, builds=sorted_sample.build_folder.parent)
    assert ranked.attach(again, available_kpis(again)).folder == sorted_sample.ranked.folder
    assert info.stat().st_mtime_ns == written


def test_a_dataset_without_a_build_has_no_sorted_values():
    ds = open_dataset(SAMPLE)
    assert ranked.attach(ds, available_kpis(ds)) is None and ds.ranked is None


def test_the_group_of_a_missing_segment_is_a_group_of_its_own(tmp_path):
    # a tenth of the tickets without a segment: DuckDB groups NULL as one group, and so do
    # the sorted values
    data = sample_missing_segments(tmp_path)
    builds = tmp_path / "builds"
    tickets, sorted_values = open_dataset(data, builds=builds), open_dataset(data, builds=builds)
    attach_cube(sorted_values, 30)
    for by in (("customer_segment",), ("team", "customer_segment")):
        expected, got = kpi_table(tickets, Filters(), by), kpi_table(sorted_values, Filters(), by)
        missing = expected[expected["customer_segment"].isna()]
        # one group per team: its tickets and their surveys in one row, not a row each
        assert len(missing) == (1 if by == ("customer_segment",) else expected["team"].nunique())
        assert (missing["tickets"] > 0).all() and (missing["surveys"] > 0).all()
        assert_same_tables(expected, got, by)


@pytest.mark.parametrize(
    ("largest", "expected"),
    [(0, np.int8), (127, np.int8), (128, np.int16), (32_767, np.int16), (32_768, np.int32)],
)
def test_the_narrowest_type_holds_its_largest_value(largest, expected):
    assert ranked.narrowest(largest) is expected


def test_the_arrays_are_narrow_and_hold_the_last_day(sorted_sample):
    """The sample spans over a year and has a handful of levels and 60 agents: days in 16
    bits, codes and agents in 8; the last ticket's day is held, not wrapped around."""
    arrays = sorted_sample.ranked.by_value["frt_minutes"]
    assert len(sorted_sample.ranked.agents) == 60
    assert arrays.days.dtype == np.int16 and arrays.agents.dtype == np.int8
    assert {codes.dtype for codes in arrays.codes.values()} == {np.dtype(np.int8)}
    last = sorted_sample.scalar(
        "SELECT max(CAST(created_at AS DATE)) FROM tickets WHERE first_response_at IS NOT NULL"
    )
    assert int(arrays.days.max()) == (last - sorted_sample.ranked.first_day).days > 300
