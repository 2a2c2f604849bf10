"""The pre-aggregated halves of split-half reliability (scoring/measures/halves.py): the same
table as the tickets give.

The oracle is the ticket-level statement of `kpi_halves` over the same build (a second
`Dataset` of the build without the halves), whose split of the customers
tests/scoring/test_reliability.py works out by hand: counts exactly, sums to 1e-12 relative
(the same numbers added in another order), the quantiles (median and P90 response, from the
sorted values) to 1e-12 too — they are the same tickets' values, interpolated alike.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.analyses import reliability
from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.measures import halves, metrics
from scoring.measures.metrics import Filters, attach_cube, kpi_halves
from scoring.measures.query import Query
from tests.builders import sample_missing_segments
from tests.scoring.test_cube import SAMPLE, assert_same_tables

KEYS = ("split", "half", "agent_id")


@pytest.fixture(scope="module")
def readings(tmp_path_factory) -> tuple:
    """(the sample's build read from its tickets, the same build with its halves)."""
    builds = tmp_path_factory.mktemp("halves_builds")
    tickets = open_dataset(SAMPLE, builds=builds)
    halved = open_dataset(SAMPLE, builds=builds)
    attach_cube(halved, 30)
    assert halved.halves is not None and tickets.halves is None
    return tickets, halved


def answered(ds, chosen: Filters, splits: int = halves.SPLITS, seed: int = halves.SEED) -> bool:
    """Whether the statement of `kpi_halves` reads the halves' cells."""
    return "halves_cells" in metrics._halves_query(ds, chosen, splits, seed, 30).sql


@pytest.mark.parametrize(
    "chosen",
    [
        Filters(),  # every whole month from the cells
        Filters(start=date(2026, 3, 1), end=date(2026, 3, 31)),  # one whole month
        Filters(start=date(2026, 3, 5), end=date(2026, 5, 20)),  # April whole, edges from tickets
        Filters(start=date(2026, 3, 10), end=date(2026, 3, 20)),  # no whole month
        Filters(start=date(2026, 9, 2), end=date(2026, 11, 30)),  # the last quarter, cut
        Filters(teams=("Team East",), start=date(2026, 2, 14)),  # a team scope, a cut month
        Filters(teams=("Team North", "Team West"), agents=("A001", "A010", "A020")),
        Filters(segments=("enterprise",), start=date(2026, 1, 20), end=date(2026, 6, 30)),
        Filters(start=date(2027, 1, 1), end=date(2027, 1, 2)),  # no ticket
    ],
)
def test_the_halves_give_the_tickets_halves(readings, chosen):
    tickets, halved = readings
    assert answered(halved, chosen) and not answered(tickets, chosen)
    expected, got = kpi_halves(tickets, chosen), kpi_halves(halved, chosen)
    assert len(expected) == len(got)
    assert_same_tables(expected, got, KEYS)


@pytest.mark.parametrize(
    "chosen, splits, seed",
    [
        (Filters(channels=("chat",)), halves.SPLITS, halves.SEED),  # no channel in the cells
        (Filters(categories=("repair",)), halves.SPLITS, halves.SEED),
        (Filters(products=("Smart home",)), halves.SPLITS, halves.SEED),
        (Filters(), 5, halves.SEED),  # other splits than the halves were made with
        (Filters(), halves.SPLITS, 3),  # another seed
    ],
)
def test_what_the_halves_do_not_hold_is_read_from_the_tickets(readings, chosen, splits, seed):
    tickets, halved = readings
    assert not answered(halved, chosen, splits, seed)
    assert_same_tables(
        kpi_halves(tickets, chosen, splits, seed), kpi_halves(halved, chosen, splits, seed), KEYS
    )


def test_another_repeat_window_is_read_from_the_tickets(readings):
    tickets, halved = readings
    assert "halves_cells" not in metrics._halves_query(halved, Filters(), 20, 0, 14).sql
    assert_same_tables(
        kpi_halves(tickets, Filters(), repeat_days=14),
        kpi_halves(halved, Filters(), repeat_days=14),
        KEYS,
    )


def test_without_a_build_there_are_no_halves(tmp_path):
    ds = open_dataset(SAMPLE)
    assert halves.attach(ds, metrics.available_kpis(ds), 30) is None and ds.halves is None
    assert not answered(ds, Filters())


def test_the_halves_are_written_once_and_read_again(readings, tmp_path):
    _, halved = readings
    folder = halved.halves.folder
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    again = open_dataset(SAMPLE, builds=Path(folder).parent.parent)
    assert halves.attach(again, metrics.available_kpis(again), 30).folder == folder
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == written


@pytest.mark.parametrize(
    "chosen", [Filters(), Filters(start=date(2026, 2, 10), end=date(2026, 6, 20))]
)
def test_the_lab_reads_the_same_reliability_from_the_halves(readings, chosen):
    """The figures the lab shows — per KPI reliability, per scheme grade stability — are the
    same to the last digit from the halves as from the tickets (values are ranked at
    `RANKED_DECIMALS`, so sums added in another order tie as they should)."""
    policies = {"default": Policy(), "csat only": Policy(weights={"csat": 1})}
    found = []
    for ds in readings:
        table = kpi_halves(ds, chosen)
        agents = Query(ds, chosen).roster().run(ds)
        kpis = metrics.available_kpis(ds)
        pairs = reliability.half_matrices(table, agents, kpis)
        found.append(
            (reliability.kpi_reliability(table, kpis), reliability.grade_stability(pairs, policies))
        )
    (kpis_t, schemes_t), (kpis_h, schemes_h) = found
    assert kpis_t["reliability"].notna().sum() > 10
    pd.testing.assert_frame_equal(kpis_t, kpis_h)
    pd.testing.assert_frame_equal(schemes_t, schemes_h)


def test_the_split_sums_add_each_run_s_rows_in_each_half_of_each_split():
    """`_split_sums` against sums added one row at a time: row (run · SPLITS + split) · 2 +
    half holds the sums over the run's rows whose bit `split` of their halves is `half`."""
    rng = np.random.default_rng(5)
    starts = np.array([0, 3, 4, 9])  # runs of 3, 1, 5 and 2 rows
    halves_bits = rng.integers(0, 1 << halves.SPLITS, 11)
    values = rng.normal(size=(11, 3))
    got = halves._split_sums(starts, halves_bits, np.asfortranarray(values))
    expected = np.zeros((4 * halves.SPLITS * 2, 3))
    ends = [3, 4, 9, 11]
    for run, (start, end) in enumerate(zip(starts, ends, strict=True)):
        for row in range(start, end):
            for split in range(halves.SPLITS):
                half = (int(halves_bits[row]) >> split) & 1
                expected[(run * halves.SPLITS + split) * 2 + half] += values[row]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_cells_of_a_missing_segment_keep_their_surveys(tmp_path):
    # a tenth of the tickets without a customer segment: their cells' survey parts are those
    # the tickets give (a join on the segment would not match a missing one)
    data = sample_missing_segments(tmp_path)
    builds = tmp_path / "builds"
    from_tickets, halved = open_dataset(data, builds=builds), open_dataset(data, builds=builds)
    attach_cube(halved, 30)
    assert answered(halved, Filters()) and not answered(from_tickets, Filters())
    expected, got = kpi_halves(from_tickets, Filters()), kpi_halves(halved, Filters())
    assert expected["surveys"].sum() > 0
    assert_same_tables(expected, got, KEYS)
