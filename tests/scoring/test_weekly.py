"""The weekly KPI inputs (scoring/measures/weekly.py): the same numbers as the tickets.

The oracle is the ticket-level statement over the same build (a second `Dataset` of the same
build without the weekly tables), as in tests/scoring/test_cube.py: a KPI's inputs per agent,
skill and week for every skill KPI and skill dimension under the filters the tables answer
must be equal — counts exactly, sums to 1e-12 relative (the same numbers added in another
order) — and so must the training effects built on them; what they cannot answer is read
from the tickets.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scoring.analyses import capability
from scoring.data.dataset import open_dataset
from scoring.measures import cube, metrics, weekly
from scoring.measures.metrics import Filters
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import EVERYTHING

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
SKILL_KPIS = capability.SKILL_KPIS  # a rate, a survey mean, a ticket mean and the
# segment-relative repeat rate
ANSWERED = (
    (Filters(), "category"),
    (Filters(), "channel"),
    (Filters(), "product"),
    (Filters(segments=("enterprise",)), "category"),
    (Filters(categories=("repair", "installation")), "category"),
    (Filters(channels=("phone",), segments=("individual",)), "channel"),
    (Filters(products=("Refrigerators",)), "product"),
)
NOT_ANSWERED = (
    (Filters(start=date(2026, 3, 10), end=date(2026, 5, 20)), "category"),  # cuts months
    (Filters(teams=("Team North",)), "category"),
    (Filters(categories=("repair",)), "channel"),  # the channel table has no category
    (Filters(priorities=("high",)), "category"),
)


@pytest.fixture(scope="module")
def readings(tmp_path_factory) -> tuple:
    """(the sample's build read from its tickets, the same build with its weekly tables)."""
    builds = tmp_path_factory.mktemp("weekly_builds")
    tickets = open_dataset(SAMPLE, builds=builds)
    tabled = open_dataset(SAMPLE, builds=builds)
    assert weekly.attach(tabled, metrics.available_kpis(tabled), 30) is not None
    return tickets, tabled


def inputs(ds, filters: Filters, kpi_id: str, dimension: str, repeat_days: int = 30):
    by = ("agent_id", dimension, "week")
    table = capability.kpi_inputs(ds, filters, KPIS_BY_ID[kpi_id], by, repeat_days)
    return table.sort_values(list(by), na_position="first").reset_index(drop=True)


def assert_same_inputs(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    """The same groups and counts exactly, the sums to 1e-12 relative."""
    assert len(expected) > 0
    got = got[expected.columns]
    exact = [c for c in expected if c not in ("num", "sq")]
    pd.testing.assert_frame_equal(expected[exact], got[exact], check_dtype=False)
    pd.testing.assert_frame_equal(expected, got, check_exact=False, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kpi_id", SKILL_KPIS)
@pytest.mark.parametrize(("chosen", "dimension"), ANSWERED)
def test_the_weekly_tables_give_the_tickets_inputs(readings, kpi_id, chosen, dimension):
    tickets, tabled = readings
    by = ("agent_id", dimension, "week")
    assert weekly.answer(tabled, chosen, KPIS_BY_ID[kpi_id], by, 30) is not None
    assert_same_inputs(
        inputs(tickets, chosen, kpi_id, dimension), inputs(tabled, chosen, kpi_id, dimension)
    )


@pytest.mark.parametrize(("chosen", "dimension"), NOT_ANSWERED)
def test_what_the_weekly_tables_do_not_hold_is_read_from_the_tickets(readings, chosen, dimension):
    tickets, tabled = readings
    by = ("agent_id", dimension, "week")
    assert weekly.answer(tabled, chosen, KPIS_BY_ID["fcr"], by, 30) is None
    assert_same_inputs(
        inputs(tickets, chosen, "fcr", dimension), inputs(tabled, chosen, "fcr", dimension)
    )


def test_other_groupings_and_repeat_windows_are_not_answered(readings):
    _, tabled = readings
    fcr = KPIS_BY_ID["fcr"]
    assert weekly.answer(tabled, Filters(), fcr, ("agent_id", "category", "month"), 30) is None
    assert weekly.answer(tabled, Filters(), fcr, ("agent_id", "team", "week"), 30) is None
    assert weekly.answer(tabled, Filters(), fcr, ("agent_id", "category", "week"), 14) is None
    workload = KPIS_BY_ID["workload"]  # not a skill KPI
    assert weekly.answer(tabled, Filters(), workload, ("agent_id", "category", "week"), 30) is None


@pytest.mark.parametrize("kpi_id", SKILL_KPIS)
def test_training_effects_are_the_same_from_the_weekly_tables(readings, kpi_id):
    tickets, tabled = readings
    expected = capability.training_effects(tickets, Filters(), EVERYTHING, kpi_id)
    got = capability.training_effects(tabled, Filters(), EVERYTHING, kpi_id)
    assert len(expected) > 0
    counts = ["agent_id", "skill", "course", "completed_on", "before_cases", "after_cases"]
    pd.testing.assert_frame_equal(expected[counts], got[counts])
    pd.testing.assert_frame_equal(expected, got, check_exact=False, rtol=1e-9, atol=1e-12)


def test_every_weekly_table_holds_every_ticket(readings):
    _, tabled = readings
    accepted = tabled.scalar("SELECT count(*) FROM tickets JOIN agents USING (agent_id)")
    surveys = tabled.scalar(
        "SELECT count(*) FROM surveys JOIN tickets USING (ticket_id) JOIN agents USING (agent_id)"
    )
    for keys in tabled.weekly.key_sets:
        cells = tabled.weekly.cells(keys)
        assert tabled.scalar(f"SELECT sum(_rows_ticket) FROM {cells}") == accepted, keys
        assert tabled.scalar(f"SELECT sum(_rows_survey) FROM {cells}") == surveys, keys
        assert tabled.scalar(f"SELECT count(*) FROM {cells}") < accepted, keys


def test_weekly_tables_are_written_once_per_build_and_repeat_window(tmp_path):
    ds = open_dataset(SAMPLE, builds=tmp_path)
    first = weekly.attach(ds, metrics.available_kpis(ds), 30)
    written = (first.folder / cube.INFO).stat().st_mtime_ns
    again = open_dataset(SAMPLE, builds=tmp_path)
    metrics.attach_cube(again, 30)  # the dashboard's and the build command's way in
    assert again.weekly == first
    assert (first.folder / cube.INFO).stat().st_mtime_ns == written
    other = weekly.attach(ds, metrics.available_kpis(ds), 14)
    assert other.folder != first.folder and other.repeat_days == 14


def test_a_dataset_without_a_build_has_no_weekly_tables():
    ds = open_dataset(SAMPLE)
    assert weekly.attach(ds, metrics.available_kpis(ds), 30) is None and ds.weekly is None
    fcr = KPIS_BY_ID["fcr"]
    assert weekly.answer(ds, Filters(), fcr, ("agent_id", "category", "week"), 30) is None


def test_the_weekly_tables_hold_the_capability_pages_skill_kpis():
    assert weekly.KPI_IDS == capability.SKILL_KPIS
