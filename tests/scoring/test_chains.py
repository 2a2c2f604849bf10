"""Repeat chains and their sources from the table of repeats found once per build
(scoring/measures/chains.py): the same rows as the window over the period's tickets.

The oracle is `repeat_chains` / `repeat_sources` over the same build without the table (a
second `Dataset` of the build, its `repeats` not attached), which the hand-worked chains of
tests/scoring/test_diagnostics.py check: random periods (cutting months and chains), categories,
scopes (department, a team, an agent) and visible scopes must give equal frames.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoring.analyses import diagnostics as d
from scoring.data.dataset import open_dataset
from scoring.measures import chains
from scoring.measures.metrics import Filters
from scoring.scope import EVERYTHING, Visible
from tests.builders import T0, agent, ticket, write_dataset
from tests.scoring.conftest import SAMPLE
from tests.scoring.test_cube import dates  # random days of the sample (hypothesis)

TEAMS = ("Team Central", "Team East", "Team North", "Team South")
CATEGORIES = ("complaint", "repair", "troubleshooting")


@pytest.fixture(scope="module")
def readings(sample_readings) -> tuple:
    """(the sample's build read from its tickets, the same build with its table of repeats)."""
    tickets, with_repeats = sample_readings
    assert with_repeats.repeats is not None and tickets.repeats is None
    return tickets, with_repeats


def an_agent(ds, team: str) -> str:
    return ds.scalar("SELECT min(agent_id) FROM agents WHERE team = $team", {"team": team})


@st.composite
def cases(draw) -> tuple:
    start, end = draw(dates()), draw(dates())
    if start and end and start > end:
        start, end = end, start
    categories = tuple(draw(st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True)))
    team = draw(st.sampled_from(TEAMS))
    level = draw(st.sampled_from(d.LEVELS))
    shown = draw(st.sampled_from(("everything", "team")))
    return Filters(start=start, end=end, categories=categories), level, team, shown


def scope_of(ds, level: str, team: str) -> d.Scope:
    if level == "agent":
        return d.Scope("agent", team, an_agent(ds, team))
    return d.Scope("team", team) if level == "team" else d.Scope("department")


def visible_of(shown: str, team: str) -> Visible:
    return EVERYTHING if shown == "everything" else Visible(teams=(team,))


def assert_same(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(expected, got, check_dtype=False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
@example(case=(Filters(start=date(2026, 3, 5), end=date(2026, 5, 20)), "team", TEAMS[1], "team"))
@example(case=(Filters(), "department", TEAMS[0], "everything"))
@example(case=(Filters(start=date(2027, 1, 1), end=date(2027, 1, 9)), "agent", TEAMS[2], "team"))
def test_the_table_of_repeats_gives_the_tickets_chains_and_sources(readings, case):
    tickets, with_repeats = readings
    base, level, team, shown = case
    scope, visible = scope_of(tickets, level, team), visible_of(shown, team)
    assert chains.answers(with_repeats, base.population(), 30)
    for listed in (d.repeat_chains, d.repeat_sources):
        expected = listed(tickets, base, scope, visible, 30)
        assert_same(expected, listed(with_repeats, base, scope, visible, 30))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), limit=st.sampled_from((1, 3, 8)))
@example(case=(Filters(start=date(2026, 4, 10), end=date(2026, 4, 30)), "", "", ""), limit=3)
def test_the_department_s_longest_chains_are_found_from_the_whole_chains(readings, case, limit):
    """Every chain touches the whole department: the longest are found from the table of
    chains, those a period cuts measured on their repeats — the same as the window's."""
    tickets, with_repeats = readings
    base, department = case[0], d.Scope("department")
    expected = d.repeat_chains(tickets, base, department, EVERYTHING, 30, limit)
    assert_same(expected, d.repeat_chains(with_repeats, base, department, EVERYTHING, 30, limit))


def test_the_longest_chains_are_found_and_listed_in_full(readings):
    tickets, with_repeats = readings
    base = Filters(start=date(2026, 2, 14), end=date(2026, 9, 3))
    expected = d.repeat_chains(tickets, base, d.Scope("department"), EVERYTHING, 30, limit=5)
    assert expected["chain"].nunique() == 5 and (expected["length"] >= 2).all()
    got = d.repeat_chains(with_repeats, base, d.Scope("department"), EVERYTHING, 30, limit=5)
    assert_same(expected, got)


@pytest.mark.parametrize(
    ("base", "repeat_days"),
    [
        (Filters(channels=("phone",)), 30),  # a channel cuts a customer's tickets apart
        (Filters(segments=("enterprise",)), 30),
        (Filters(), 14),  # written for a 30-day window
    ],
)
def test_what_the_table_does_not_answer_reads_the_tickets(readings, base, repeat_days):
    tickets, with_repeats = readings
    assert not chains.answers(with_repeats, base, repeat_days)
    scope = d.Scope("team", TEAMS[0])
    for listed in (d.repeat_chains, d.repeat_sources):
        expected = listed(tickets, base, scope, EVERYTHING, repeat_days)
        assert_same(expected, listed(with_repeats, base, scope, EVERYTHING, repeat_days))


def test_the_table_holds_every_repeat_once_and_is_written_once(readings):
    tickets, with_repeats = readings
    q = chains.chained(tickets, Filters(), 30)
    repeats = q.select("SELECT count(*) AS n FROM marked WHERE is_repeat").run(tickets)["n"][0]
    table = with_repeats.repeats.relation()
    assert with_repeats.scalar(f"SELECT count(DISTINCT ticket_id) FROM {table}") == repeats > 0
    info = with_repeats.repeats.folder / chains.INFO
    written = info.stat().st_mtime_ns
    again = open_dataset(SAMPLE, builds=with_repeats.build_folder.parent)
    assert chains.attach(again, 30).folder == with_repeats.repeats.folder
    assert info.stat().st_mtime_ns == written


def test_a_dataset_without_a_build_has_no_table_of_repeats():
    ds = open_dataset(SAMPLE)
    assert chains.attach(ds, 30) is None and ds.repeats is None
    assert not chains.answers(ds, Filters(), 30)


def test_a_chain_is_numbered_among_its_customers_chains_of_the_period(tmp_path):
    """Customer C9, repair: u1 alone; u2 → u3; u4 → u5 → u6 (each 5 days after the one
    before was resolved). Over all the data the chains with a repeat are u2–u3 (1) and
    u4–u6 (2), u1 not counted; from day 42 u3 stands alone, u4–u6 is the period's first."""
    day = 24 * 60
    resolved = {"resolved_at": 60, "customer_id": "C9"}
    opened = {"u1": 0, "u2": 40, "u3": 45, "u4": 90, "u5": 95, "u6": 100}
    rows = [
        ticket(t, "A" if t in ("u2", "u5") else "B", d * day, **resolved) for t, d in opened.items()
    ]
    root = write_dataset(
        tmp_path / "data", agents=[agent("A", "T1"), agent("B", "T2")], tickets=rows
    )
    builds = tmp_path / "builds"
    tickets, with_repeats = open_dataset(root, builds=builds), open_dataset(root, builds=builds)
    assert chains.attach(with_repeats, 30) is not None
    for ds in (tickets, with_repeats):
        whole = d.repeat_chains(ds, Filters(), d.Scope("department"), EVERYTHING, 30)
        assert whole["chain"].tolist() == ["C9 · repair · 2"] * 3 + ["C9 · repair · 1"] * 2
        assert whole["ticket_id"].tolist() == ["u4", "u5", "u6", "u2", "u3"]
        assert whole["is_repeat"].tolist() == [False, True, True, False, True]
        assert whole["resolved_at"].notna().all()
        late = Filters(start=T0.date() + timedelta(days=42))
        assert chains.answers(with_repeats, late, 30)
        cut = d.repeat_chains(ds, late, d.Scope("team", "T1"), EVERYTHING, 30)
        assert cut["chain"].tolist() == ["C9 · repair · 1"] * 3  # u5 is T1's
        assert cut["agent_id"].tolist() == ["B", "A", "B"]
