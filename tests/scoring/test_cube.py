"""The pre-aggregated KPI tables (scoring/measures/cube.py): the same numbers as the tickets.

The oracle is the ticket-level statement over the same build (a second `Dataset` of the same
build without the cube): the hand-worked values of tests/scoring/test_kpis.py and
test_repeat_issues.py hold for both readings (their fixtures run each test on the cube too),
and here random filters and groupings of the bundled sample must give equal tables — counts
exactly, sums to 1e-12 relative (the same numbers added in another order).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoring.cli.main import main
from scoring.data.dataset import open_dataset
from scoring.measures import cube, metrics
from scoring.measures.metrics import Filters, attach_cube, explain_sql, kpi_table, ticket_counts
from scoring.measures.query import Query

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
FIRST, LAST = date(2025, 12, 1), date(2026, 11, 30)  # the sample's first and last ticket days
TEAMS = ("Team Central", "Team East", "Team North", "Team Online", "Team South", "Team West")
CHANNELS = ("chat", "email", "onsite", "phone", "web")
CATEGORIES = ("complaint", "consultation", "installation", "repair", "troubleshooting")
SEGMENTS = ("enterprise", "individual")
GROUPINGS = (
    (),
    ("agent_id",),
    ("team",),
    ("month",),
    ("quarter",),
    ("channel",),
    ("category",),
    ("customer_segment",),
    ("agent_id", "category"),
    ("team", "month"),
    ("category", "channel"),
)


@pytest.fixture(scope="module")
def readings(tmp_path_factory) -> tuple:
    """(the sample's build read from its tickets, the same build with its cube)."""
    builds = tmp_path_factory.mktemp("cube_builds")
    tickets = open_dataset(SAMPLE, builds=builds)
    cubed = open_dataset(SAMPLE, builds=builds)
    assert attach_cube(cubed, 30) is not None
    return tickets, cubed


def _sorted(table: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    return table.sort_values(list(by)).reset_index(drop=True) if by else table


def assert_same_tables(expected: pd.DataFrame, got: pd.DataFrame, by: tuple[str, ...]) -> None:
    assert sorted(got.columns) == sorted(expected.columns)
    expected, got = _sorted(expected, by), _sorted(got[expected.columns], by)
    counts = [c for c in expected if c in ("tickets", "surveys") or c.endswith("__den")]
    pd.testing.assert_frame_equal(expected[counts], got[counts], check_dtype=False)
    pd.testing.assert_frame_equal(
        expected, got, check_exact=False, rtol=1e-12, atol=1e-12, check_dtype=False
    )


def dates():
    day = st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + timedelta(days=n))
    return st.one_of(st.none(), day)


def subsets(values: tuple[str, ...]):
    return st.lists(st.sampled_from(values), max_size=2, unique=True).map(tuple)


@st.composite
def filters(draw) -> Filters:
    start, end = draw(dates()), draw(dates())
    if start and end and start > end:
        start, end = end, start
    return Filters(
        start=start,
        end=end,
        teams=draw(subsets(TEAMS)),
        channels=draw(subsets(CHANNELS)),
        categories=draw(subsets(CATEGORIES)),
        segments=draw(subsets(SEGMENTS)),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=filters(), by=st.sampled_from(GROUPINGS))
@example(chosen=Filters(start=date(2027, 1, 1), end=date(2027, 1, 2)), by=())  # no ticket
def test_the_cube_gives_the_tickets_kpi_table(readings, chosen, by):
    tickets, cubed = readings
    assert "cube_cells" in explain_sql(cubed, chosen, by)  # the cube answers it
    assert_same_tables(kpi_table(tickets, chosen, by), kpi_table(cubed, chosen, by), by)


@pytest.mark.parametrize(
    ("chosen", "by", "kpi_ids"),
    [
        (Filters(), ("category", "channel"), ("fcr",)),  # from the cells
        (Filters(start=date(2026, 3, 5)), ("category",), ("csat",)),  # a survey KPI, edges
        (Filters(), ("category", "channel"), ("first_response_median",)),  # a quantile
        (Filters(channels=("phone",)), ("week",), ("fcr", "workload")),  # from the tickets
        (Filters(), ("agent_id",), ("repeat_rate", "first_response_p90")),
    ],
)
def test_a_table_of_some_kpis_holds_their_columns_of_every_kpis_table(
    readings, chosen, by, kpi_ids
):
    tickets, cubed = readings
    every = kpi_table(tickets, chosen, by)
    asked = [c for c in every if c in by or c == "tickets" or c.split("__")[0] in kpi_ids]
    for ds in (tickets, cubed):
        some = kpi_table(ds, chosen, by, 30, kpi_ids)
        assert {c.split("__")[0] for c in some} - {*by, "tickets", "surveys"} == set(kpi_ids)
        assert_same_tables(every[asked], some.drop(columns=["surveys"], errors="ignore"), by)
    explained = explain_sql(cubed, chosen, by, 30, kpi_ids)
    assert all(f"{i}__den" in explained or f"-- {i}:" in explained for i in kpi_ids)
    assert "escalation_rate" not in explained  # asked for by none of the cases


@pytest.mark.parametrize(
    "chosen",
    [
        Filters(),  # every whole month from the cells
        Filters(start=date(2026, 3, 1), end=date(2026, 3, 31)),  # one whole month
        Filters(start=date(2026, 3, 5), end=date(2026, 5, 20)),  # April whole, edges from tickets
        Filters(start=date(2026, 3, 10), end=date(2026, 3, 20)),  # no whole month
        Filters(start=date(2026, 11, 1), end=date(2027, 1, 31)),  # the data's last month
    ],
)
@pytest.mark.parametrize("dimension", ["channel", "category", "month", "team"])
def test_the_cube_counts_tickets_as_the_tickets_do(readings, chosen, dimension):
    tickets, cubed = readings
    pd.testing.assert_frame_equal(
        ticket_counts(tickets, chosen, dimension), ticket_counts(cubed, chosen, dimension)
    )


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (None, None, ((2025, 12), (2026, 12))),  # all the data's months
        (date(2026, 3, 1), date(2026, 3, 31), ((2026, 3), (2026, 4))),
        (date(2026, 3, 5), date(2026, 5, 20), ((2026, 4), (2026, 5))),  # only April whole
        (date(2026, 3, 2), date(2026, 4, 30), ((2026, 4), (2026, 5))),
        (date(2026, 3, 10), date(2026, 3, 20), None),  # within one month
        (date(2025, 11, 15), date(2025, 12, 31), ((2025, 12), (2026, 1))),  # before the data
        (date(2026, 11, 1), date(2026, 11, 30), ((2026, 11), (2026, 12))),  # its last day
        (date(2026, 10, 1), date(2027, 2, 1), ((2026, 10), (2026, 12))),  # after the data
    ],
)
def test_whole_months_are_those_the_filter_takes_every_ticket_of(readings, start, end, months):
    _, cubed = readings
    found = cube.whole_months(Query(cubed, Filters(start=start, end=end)))
    if months is None:
        assert found is None
    else:
        assert [(d.year, d.month, d.day) for d in found] == [(*m, 1) for m in months]


@pytest.mark.parametrize(
    ("chosen", "by", "repeat_days"),
    [
        (Filters(), ("week",), 30),  # no cell has the week
        (Filters(), ("hour",), 30),
        (Filters(priorities=("high",)), ("agent_id",), 30),  # nor the priority
        (Filters(products=("P1",)), ("agent_id",), 30),
        (Filters(), ("agent_id",), 14),  # made for a 30-day repeat window
    ],
)
def test_what_no_cell_holds_is_read_from_the_tickets(readings, chosen, by, repeat_days):
    tickets, cubed = readings
    assert "cube_cells" not in explain_sql(cubed, chosen, by, repeat_days)
    assert_same_tables(
        kpi_table(tickets, chosen, by, repeat_days), kpi_table(cubed, chosen, by, repeat_days), by
    )


@pytest.mark.parametrize(
    "chosen, by, edges_from",
    [
        (Filters(start=date(2026, 3, 5), end=date(2026, 5, 20)), ("agent_id",), "days"),
        (Filters(start=date(2026, 3, 10), end=date(2026, 3, 20)), ("team",), "days"),
        (Filters(start=date(2026, 9, 2), segments=("enterprise",)), ("month",), "days"),
        (Filters(start=date(2026, 3, 5), channels=("phone",)), ("agent_id",), "tickets"),
        (Filters(start=date(2026, 3, 5)), ("category",), "tickets"),
    ],
)
def test_days_a_filter_takes_of_a_month_come_from_the_day_cells_where_they_can(
    readings, chosen, by, edges_from
):
    tickets, cubed = readings
    sql = explain_sql(cubed, chosen, by)
    assert (cube.DAYS in sql, "ticket_edges" in sql) == (edges_from == "days", edges_from != "days")
    assert_same_tables(kpi_table(tickets, chosen, by), kpi_table(cubed, chosen, by), by)


def test_every_cell_table_holds_every_ticket(readings):
    _, cubed = readings
    accepted = cubed.scalar("SELECT count(*) FROM tickets JOIN agents USING (agent_id)")
    for keys in cubed.cube.key_sets:
        held = cubed.scalar(f"SELECT sum(_rows_ticket) FROM {cubed.cube.cells(keys)}")
        assert held == accepted, keys
    assert cubed.scalar(f"SELECT sum(_rows_ticket) FROM {cubed.cube.days()}") == accepted
    days = cubed.scalar(f"SELECT count(DISTINCT day) FROM {cubed.cube.days()}")
    assert days == cubed.scalar("SELECT count(DISTINCT CAST(created_at AS DATE)) FROM tickets")
    smallest, largest = (
        cubed.scalar(f"SELECT count(*) FROM {cubed.cube.cells(k)}")
        for k in (
            cubed.cube.key_sets[0],
            cubed.cube.key_sets[-1],
        )
    )
    assert smallest < largest < accepted


def test_each_cell_table_is_sorted_by_the_dimensions_a_filter_skips_on(readings):
    _, cubed = readings
    c = cubed.cube
    assert c.order(c.key_sets[0]) == ("month",) and c.order(c.day_keys) == ("day",)
    assert c.order(c.key_sets[-1]) == ("channel", "category", "month")
    for keys in (*c.key_sets, c.day_keys):
        table = cubed.query(f"SELECT * FROM {c.cells(keys)}")
        order = list(c.order(keys))
        assert table[order].equals(table[order].sort_values(order).reset_index(drop=True))


def test_a_cube_is_written_once_per_build_and_repeat_window(tmp_path):
    ds = open_dataset(SAMPLE, builds=tmp_path)
    first = attach_cube(ds, 30)
    written = (first.folder / cube.INFO).stat().st_mtime_ns
    again = attach_cube(open_dataset(SAMPLE, builds=tmp_path), 30)
    assert again.folder == first.folder
    assert (again.folder / cube.INFO).stat().st_mtime_ns == written
    other = attach_cube(ds, 14)
    assert other.folder != first.folder and other.repeat_days == 14


def test_a_cube_without_its_info_is_written_again(tmp_path):
    made = attach_cube(open_dataset(SAMPLE, builds=tmp_path), 30)
    (made.folder / cube.INFO).unlink()  # as a write cut short would leave it
    (made.folder / "cells_0.parquet").write_bytes(b"damaged")
    ds = open_dataset(SAMPLE, builds=tmp_path)
    remade = attach_cube(ds, 30)
    assert (remade.folder / cube.INFO).is_file()
    accepted = ds.scalar("SELECT count(*) FROM tickets JOIN agents USING (agent_id)")
    assert (
        ds.scalar(f"SELECT sum(_rows_ticket) FROM {remade.cells(remade.key_sets[0])}") == accepted
    )


def test_a_dataset_without_a_build_has_no_cube():
    ds = open_dataset(SAMPLE)
    assert attach_cube(ds, 30) is None and ds.cube is None


def test_an_unwritable_build_keeps_reading_the_tickets(tmp_path):
    ds = open_dataset(SAMPLE, builds=tmp_path)
    kept = cube.held(metrics.available_kpis(ds))
    folder = ds.build_folder / f"cube-{cube.fingerprint(ds, kept, 30)}"
    folder.with_name(f".{folder.name}.{os.getpid()}.partial").write_text("in the way")
    assert attach_cube(ds, 30) is None
    assert ds.cube is None and not folder.exists()
    assert "cube_cells" not in explain_sql(ds)


def test_the_build_command_writes_the_cube(tmp_path, capsys):
    assert main(["build", str(SAMPLE), "--builds", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob(f"*/cube-*/{cube.INFO}"))) == 1


def test_the_cube_is_written_in_bounded_memory_and_leaves_the_limit_as_it_was(
    tmp_path, monkeypatch
):
    ds = open_dataset(SAMPLE, builds=tmp_path)
    limit = "SELECT current_setting('memory_limit')"
    before, seen = ds.scalar(limit), []
    monkeypatch.setattr(cube, "_write_tables", lambda *_: seen.append(ds.scalar(limit)))
    cube._write(ds, cube.Cube(tmp_path / "c", (), 30, ()), [])
    assert seen == ["953.6 MiB"]  # DuckDB's words for 1GB (10^9 bytes)
    assert ds.scalar(limit) == before != "953.6 MiB"
    spill = ds.scalar("SELECT current_setting('temp_directory')")
    assert Path(spill) == ds.build_folder / ".spill"
