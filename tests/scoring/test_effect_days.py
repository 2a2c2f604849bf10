"""The daily inputs of "Did it work?" found once per build (scoring/analyses/effect/design.py,
`attach_days`): the same rows as grouping the window's tickets per agent and day.

The oracle is `daily_inputs` over the same build without the written table (a second build
folder of the sample, never attached), for windows that cut months and each KPI the table
holds; a KPI over a segment-relative column, a ticket filter and a dataset without a build
read the tickets.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scoring.analyses.effect import design
from scoring.data.dataset import open_dataset
from scoring.measures.metrics import Filters
from scoring.registry.kpis import KPIS_BY_ID

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
WINDOWS = [
    (date(2025, 12, 1), date(2026, 11, 30)),  # all the data
    (date(2026, 2, 13), date(2026, 7, 2)),  # cutting months
    (date(2026, 5, 9), date(2026, 5, 9)),  # one day
]


@pytest.fixture(scope="module")
def readings(tmp_path_factory) -> tuple:
    """(the sample's build read from its tickets, another build with the daily inputs)."""
    tickets = open_dataset(SAMPLE, builds=tmp_path_factory.mktemp("plain_builds"))
    with_days = open_dataset(SAMPLE, builds=tmp_path_factory.mktemp("day_builds"))
    assert design.attach_days(with_days, 30) is not None
    return tickets, with_days


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["agent_id", "day"]).reset_index(drop=True)


@pytest.mark.parametrize(("first", "last"), WINDOWS)
def test_the_built_days_give_the_tickets_daily_inputs(readings, first, last):
    tickets, with_days = readings
    kept = design.day_kpis(with_days)
    assert {"fcr", "csat", "first_response_median"} <= {k.id for k in kept}
    for k in kept:
        assert design._built_days(with_days, k, 30) is not None
        assert design._built_days(tickets, k, 30) is None  # the oracle groups the tickets
        expected = _sorted(design.daily_inputs(tickets, Filters(), k, first, last))
        got = _sorted(design.daily_inputs(with_days, Filters(), k, first, last))
        assert len(expected) and list(got.columns) == list(expected.columns), k.id
        pd.testing.assert_frame_equal(expected, got, check_dtype=False, rtol=1e-12, atol=1e-12)


def test_what_the_table_does_not_hold_reads_the_tickets(readings):
    tickets, with_days = readings
    repeat = KPIS_BY_ID["repeat_rate"]  # over the segments' repeat rates of the window
    assert repeat not in design.day_kpis(with_days)
    assert design._built_days(with_days, repeat, 30) is None
    first, last = WINDOWS[1]
    for k, chosen in ((repeat, Filters()), (KPIS_BY_ID["fcr"], Filters(channels=("phone",)))):
        expected = _sorted(design.daily_inputs(tickets, chosen, k, first, last))
        got = _sorted(design.daily_inputs(with_days, chosen, k, first, last))
        pd.testing.assert_frame_equal(expected, got)


def test_a_dataset_without_a_build_has_no_daily_inputs_table():
    ds = open_dataset(SAMPLE)
    assert design.attach_days(ds, 30) is None
    assert design._built_days(ds, KPIS_BY_ID["fcr"], 30) is None


def _months_by_hand(days: pd.DataFrame, day: date, months: int) -> pd.DataFrame:
    """The oracle of `agent_months`: the daily inputs summed per agent and month relative
    to `day` in pandas, month by month as the docstring of `relative_months` reads."""
    stamps = days["day"]
    k = (stamps.dt.year - day.year) * 12 + (stamps.dt.month - day.month)
    k = k - (stamps.dt.day < day.day)
    inside = days.assign(k=k)[(k >= -months) & (k < months)]
    rows = inside.groupby(["agent_id", "team", "k"], as_index=False)[design.DAY_MEASURES].sum()
    rows = rows[rows["den"] > 0].reset_index(drop=True)
    return rows.assign(y=rows["num"] / rows["den"])


# (change day, months): mid-month, the 31st (shorter months clamp), the first of a month
CHANGES = [(date(2026, 6, 17), 5), (date(2026, 5, 31), 3), (date(2026, 3, 1), 2)]


@pytest.mark.parametrize(("day", "months"), CHANGES)
def test_agent_months_sum_the_daily_inputs_per_relative_month(readings, day, months):
    tickets, with_days = readings
    window = (design.shift_months(day, -months), design.shift_months(day, months))
    window = (window[0], window[1] - pd.Timedelta(days=1))
    for ds in (tickets, with_days):
        for k in (KPIS_BY_ID["fcr"], KPIS_BY_ID["first_response_median"]):
            days = design.daily_inputs(ds, Filters(), k, *window)
            for on, span in ((day, months), (design.shift_months(day, -1), 1)):  # and a placebo
                expected = _months_by_hand(days, on, span)
                got = design.agent_months(ds, Filters(), k, window, on, span)
                assert len(expected) and set(got["k"]) == set(range(-span, span)), k.id
                pd.testing.assert_frame_equal(expected, got, check_dtype=False, rtol=1e-12)
