"""Exact per-agent quantiles from values sorted once (scoring/measures/ranked.py).

That they equal the tickets' quantiles is checked where the other readings are: the
hand-worked medians and P90s of tests/scoring/test_kpis.py (its "cube" reading attaches the
sorted values) and the random filters of tests/scoring/test_cube.py. Here: the interpolation
by hand, the arrays' shape, and which filters fall back to the tickets.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from scoring.data.dataset import open_dataset
from scoring.measures import ranked
from scoring.measures.metrics import Filters, attach_cube, available_kpis, explain_sql

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
    [(Filters(products=("Smart home",)), ("agent_id",)), (Filters(), ("team",))],
)
def test_other_filters_and_groupings_read_the_tickets(sorted_sample, filters, by):
    sql = explain_sql(sorted_sample, filters, by)
    assert "quantile_cont(frt_minutes" in sql and "ranked.py" not in sql


def test_the_arrays_are_written_once_per_build(sorted_sample):
    info = sorted_sample.ranked.folder / ranked.INFO
    written = info.stat().st_mtime_ns
    again = open_dataset(SAMPLE, builds=sorted_sample.build_folder.parent)
    assert ranked.attach(again, available_kpis(again)).folder == sorted_sample.ranked.folder
    assert info.stat().st_mtime_ns == written


def test_a_dataset_without_a_build_has_no_sorted_values():
    ds = open_dataset(SAMPLE)
    assert ranked.attach(ds, available_kpis(ds)) is None and ds.ranked is None
