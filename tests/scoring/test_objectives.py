"""Objectives (scoring/methods/attainment.py, scoring/analyses/objectives.py,
scoring/stores/objectives.py): attainment, pace, forecast interval and status against
hand-worked numbers; actuals, cascade and consistency on a hand-made dataset; the store's
edits across restarts and sessions, within the editor's grant."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from scoring.access import OPEN, Grant
from scoring.analyses import objectives as analysis
from scoring.data.dataset import open_dataset
from scoring.methods import attainment as m
from scoring.scope import Visible
from scoring.stores.objectives import (
    ObjectiveError,
    ObjectiveStore,
    from_frame,
    in_force,
    make,
    may_edit,
    to_frame,
)
from tests.builders import agent, ticket, write_dataset

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
DAY = 24 * 60  # minutes


# ---------------------------------------------------------------------------------------
# The methods, by hand


def test_attainment_runs_the_kpi_way_and_is_bounded():
    assert m.attainment(4.2, 4.5, True) == pytest.approx(4.2 / 4.5)  # 93.3 %
    assert m.attainment(8.0, 6.0, False) == pytest.approx(0.75)  # 6 min target, 8 taken
    assert m.attainment(3.0, 6.0, False) == pytest.approx(2.0)  # twice as fast: the cap
    assert m.attainment(9.9, 4.5, True) == 2.0  # 220 % bounded
    assert m.attainment(0.0, 6.0, False) == 2.0
    assert m.attainment(-10.0, 40.0, True) == 0.0  # an NPS below zero
    assert math.isnan(m.attainment(math.nan, 4.5, True))
    with pytest.raises(ValueError):
        m.attainment(1.0, 0.0, True)


def test_elapsed_share_linear_and_seasonal():
    # 1 Oct … 31 Dec is 92 days; by the end of 30 Nov 31 + 30 = 61 have passed
    assert m.elapsed_share(date(2026, 10, 1), date(2026, 12, 31), date(2026, 11, 30)) == (
        pytest.approx(61 / 92)
    )
    # Monday 2 … Sunday 8 March; weekdays bring 1 each, weekends nothing: by Wednesday 3 of 5
    weekdays = [1, 1, 1, 1, 1, 0, 0]
    assert m.elapsed_share(date(2026, 3, 2), date(2026, 3, 8), date(2026, 3, 4), weekdays) == (
        pytest.approx(3 / 5)
    )
    assert m.elapsed_share(*MARCH, date(2026, 2, 1)) == 0.0
    assert m.elapsed_share(*MARCH, date(2026, 4, 9)) == 1.0


def test_intervals_of_the_value_so_far():
    # Wilson, 80 of 100: the published (0.7112, 0.8666)
    low, high = m.value_interval("rate", 80, 100)
    assert (round(low, 4), round(high, 4)) == (0.7112, 0.8666)
    # ratings 4, 5, 3, 4: mean 4, s² = (66 − 4·16)/3 = 2/3, half = 1.96·√(2/3 / 4) = 0.8002
    low, high = m.value_interval("mean", 16, 4, 66)
    assert (low, high) == (pytest.approx(3.1998, abs=1e-4), pytest.approx(4.8002, abs=1e-4))
    # 120 tickets in 10 days: (120 ± 1.96·√120) / 10 = 12 ± 2.147
    low, high = m.value_interval("per_day", 120, 10)
    assert (low, high) == (pytest.approx(9.853, abs=1e-3), pytest.approx(14.147, abs=1e-3))
    assert all(math.isnan(v) for v in m.value_interval("quantile", math.nan, 50))


def test_forecast_interval_narrows_with_the_share_still_to_come():
    # a quarter of the cases to come: √0.25 = half the width on each side
    assert m.forecast_interval(0.8, 0.7, 0.9, 0.25) == (pytest.approx(0.75), pytest.approx(0.85))
    assert m.forecast_interval(0.8, 0.7, 0.9, 0.0) == (pytest.approx(0.8), pytest.approx(0.8))


@pytest.mark.parametrize(
    ("value", "target", "higher", "interval", "ended", "expected"),
    [
        (0.80, 0.70, True, (0.75, 0.85), False, "on_track"),
        (0.80, 0.78, True, (0.75, 0.85), False, "at_risk"),  # the interval straddles
        (0.60, 0.70, True, (0.50, 0.72), False, "at_risk"),  # the forecast misses
        (5.0, 6.0, False, (4.0, 5.5), False, "on_track"),  # minutes: lower is better
        (5.0, 6.0, False, (4.0, 6.5), False, "at_risk"),
        (7.0, 6.0, False, (math.nan, math.nan), False, "at_risk"),  # a quantile
        (0.69, 0.70, True, (0.69, 0.69), True, "missed"),
        (0.70, 0.70, True, (0.70, 0.70), True, "attained"),
        (math.nan, 0.70, True, (math.nan, math.nan), False, "no_data"),
    ],
)
def test_status(value, target, higher, interval, ended, expected):
    assert m.status(value, target, higher, interval, ended) == expected


def test_consistency_of_weighted_children():
    # team targets 4.0 (100 surveys) and 4.6 (300): (400 + 1380) / 400 = 4.45
    ok, mean = m.consistent({"a": 4.0, "b": 4.6}, {"a": 100, "b": 300}, 4.5, True)
    assert (ok, mean) == (False, pytest.approx(4.45))
    assert m.consistent({"a": 4.0, "b": 4.6}, {"a": 100, "b": 300}, 4.4, True)[0]
    # minutes: 8 (weight 1) and 4 (weight 3) → 5, within a 6-minute target
    assert m.consistent({"a": 8.0, "b": 4.0}, {"a": 1, "b": 3}, 6.0, False) == (True, 5.0)


# ---------------------------------------------------------------------------------------
# On a hand-made dataset: A1, A2 in T1, A3 in T2; March tickets resolved on first contact
# or not: A1 3 of 4, A2 2 of 3, A3 1 of 4 → T1 5/7, T2 1/4, the department 6/11.
# February (the month before): A1 3 resolved tickets, A3 1 (the past volume).


def _tickets() -> list[dict]:
    firsts = {"A1": [1, 1, 1, 2], "A2": [1, 1, 2], "A3": [1, 2, 3, 2]}
    rows = [
        ticket(f"{a}-{i}", a, i * 60, resolved_at=30, contacts=c)
        for a, contacts in firsts.items()
        for i, c in enumerate(contacts)
    ]
    past = [("A1", 3), ("A3", 1)]
    rows += [
        ticket(f"P{a}-{i}", a, -10 * DAY + i * 60, resolved_at=30, contacts=1)
        for a, n in past
        for i in range(n)
    ]
    return rows


def objective(owner_type, owner_id, target, kpi="fcr", period=MARCH, weight=None) -> dict:
    return {"owner_type": owner_type, "owner_id": owner_id, "kpi": kpi,
            "period_start": period[0], "period_end": period[1], "target": target,
            "weight": weight}  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("objectives") / "data"
    write_dataset(
        root,
        agents=[agent("A1", "T1"), agent("A2", "T1"), agent("A3", "T2")],
        tickets=_tickets(),
        objectives=[
            objective("team", "T1", 0.8),
            objective("department", "Service", 0.7, weight=2.0),
            objective("agent", "A1", 0.7),
            objective("agent", "A2", 0.9),
            objective("agent", "A3", 0.5),
            objective("team", "T2", 0.4),
        ],
    )
    return open_dataset(root)


def _by_owner(table: pd.DataFrame) -> dict:
    return {r["owner_id"]: r for r in table.to_dict("records")}


def test_attainment_of_an_ended_period(tiny):
    table = analysis.attainment_table(
        tiny, analysis.dataset_objectives(tiny), date(2026, 4, 30), "linear"
    )
    rows = _by_owner(table)
    assert rows["T1"]["actual"] == pytest.approx(5 / 7) and rows["T1"]["cases"] == 7
    assert rows["T1"]["attainment"] == pytest.approx((5 / 7) / 0.8)
    assert rows["T1"]["status"] == "missed"
    assert rows["A1"]["status"] == "attained"  # 0.75 ≥ 0.7
    assert rows["Service"]["actual"] == pytest.approx(6 / 11) and rows["Service"]["weight"] == 2
    assert rows["Service"]["status"] == "missed" and pd.isna(rows["Service"]["team"])
    assert rows["A3"]["actual"] == pytest.approx(0.25) and rows["A3"]["team"] == "T2"
    assert rows["A3"]["attainment"] == pytest.approx(0.5) and rows["A3"]["status"] == "missed"
    assert (table["elapsed"] == 1.0).all()


def test_a_running_period_is_tracked_to_the_as_of_day(tiny):
    frame = analysis.dataset_objectives(tiny)
    table = analysis.attainment_table(tiny, frame, date(2026, 3, 10), "linear")
    row = _by_owner(table)["T1"]
    assert row["elapsed"] == pytest.approx(10 / 31)  # 1 … 10 March of 31 days
    low, high = m.value_interval("rate", 5, 7)
    factor = math.sqrt(21 / 31)
    assert row["forecast_low"] == pytest.approx(5 / 7 - (5 / 7 - low) * factor)
    assert row["forecast_high"] == pytest.approx(5 / 7 + (high - 5 / 7) * factor)
    assert row["status"] == "at_risk"  # 5/7 so far: the forecast misses 0.8
    upcoming = analysis.attainment_table(tiny, frame, date(2026, 2, 27), "linear")
    assert set(upcoming["status"]) == {"upcoming"}


def test_rows_shown_stay_in_the_visible_scope(tiny):
    frame = analysis.dataset_objectives(tiny)
    rows = analysis.objective_rows(tiny, frame, date(2026, 4, 30), Visible(teams=("T1",)))
    assert set(rows["owner_id"]) == {"T1", "A1", "A2", "Service"}
    on_track = analysis.team_on_track(rows, Visible(teams=("T1",)))
    # A1 reached 0.75 ≥ 0.7, A2 missed 0.9 with 2/3: one of two agents
    assert on_track.to_dict("records") == [{"team": "T1", "agents": 2, "on_track": 1,
                                            "share": 0.5}]  # fmt: skip


def test_cascade_keeps_own_targets_and_weighs_the_children(tiny):
    parent = objective("department", "Service", 0.7)
    none = analysis.dataset_objectives(tiny).iloc[:0]
    teams = analysis.cascade(tiny, parent, "team", "headcount", none, Visible())
    assert teams[["owner_id", "target", "kept"]].to_dict("records") == [
        {"owner_id": "T1", "target": 0.7, "kept": False},
        {"owner_id": "T2", "target": 0.7, "kept": False},
    ]
    assert teams["share"].tolist() == pytest.approx([2 / 3, 1 / 3])  # 2 agents and 1
    existing = analysis.dataset_objectives(tiny)
    kept = analysis.cascade(tiny, parent, "team", "headcount", existing, Visible())
    assert kept["target"].tolist() == [0.8, 0.4] and kept["kept"].all()
    # (0.8·2 + 0.4·1) / 3 = 0.667 < 0.7
    assert analysis.consistency_of(kept, parent) == (False, pytest.approx(2 / 3))
    by_volume = analysis.cascade(tiny, parent, "team", "volume", existing, Visible())
    assert by_volume["share"].tolist() == pytest.approx([0.75, 0.25])  # February: 3 and 1
    # (0.8·3 + 0.4·1) / 4 = 0.7: reaches the department's 0.7
    assert analysis.consistency_of(by_volume, parent) == (True, pytest.approx(0.7))
    agents = analysis.cascade(tiny, parent, "agent", "even", none, Visible(teams=("T2",)))
    assert agents["owner_id"].tolist() == ["A3"] and agents["share"].tolist() == [1.0]


def test_stored_team_targets_are_checked_against_the_department(tiny):
    checked = analysis.consistency(tiny, analysis.dataset_objectives(tiny))
    row = checked.iloc[0]
    assert (row["teams"], row["consistent"]) == (2, True)
    assert row["weighted_target"] == pytest.approx(0.7)  # by February's volume, as above


# ---------------------------------------------------------------------------------------
# The store


SUPERVISOR = Grant("li.na", "supervisor", teams=("T1",))


def test_edits_survive_a_restart_and_two_sessions(tiny, tmp_path):
    teams = analysis.teams_of(tiny)
    base = from_frame(analysis.dataset_objectives(tiny))
    first, second = ObjectiveStore(tmp_path), ObjectiveStore(tmp_path)
    added = make("agent", "A1", "csat", *MARCH, "4,6")  # a decimal comma
    saved = first.save(base, SUPERVISOR, teams, puts=[added], author="li.na", note="coaching")
    changed = make("team", "T2", "fcr", *MARCH, 0.5)
    second.save(base, OPEN, teams, puts=[changed], deletes=[base[2].id])  # both sessions
    again = {o.id: o for o in ObjectiveStore(tmp_path).current(base)}  # after a restart
    assert again[added.id].target == 4.6 and again[changed.id].target == 0.5
    assert base[2].id not in again and len(again) == len(base)
    history = ObjectiveStore(tmp_path).versions()
    assert [(e.version, e.author, e.note) for e in history] == [
        (1, "li.na", "coaching"),
        (2, "", ""),
    ]
    assert saved.created_at and history[1].deletes == (base[2].id,)


def test_saving_outside_the_grant_or_with_bad_values_saves_nothing(tiny, tmp_path):
    teams = analysis.teams_of(tiny)
    base = from_frame(analysis.dataset_objectives(tiny))
    store = ObjectiveStore(tmp_path)
    outside = [make("team", "T2", "fcr", *MARCH, 0.5), make("agent", "A1", "fcr", *MARCH, 0.9)]
    department = next(o for o in base if o.owner_type == "department")
    with pytest.raises(ObjectiveError) as caught:
        store.save(base, SUPERVISOR, teams, puts=outside, deletes=[department.id, "nothing"])
    assert [code for code, _ in caught.value.problems] == ["grant", "grant", "unknown"]
    assert store.versions() == []
    with pytest.raises(ObjectiveError) as caught:
        make("team", "T1", "fcr", MARCH[1], MARCH[0], "abc", weight="-1")
    assert [code for code, _ in caught.value.problems] == ["target", "weight", "period"]
    unknown = make("agent", "A9", "fcr", *MARCH, 0.9)
    with pytest.raises(ObjectiveError, match="owner: A9"):
        store.save(base, OPEN, teams, puts=[unknown])
    assert not may_edit(Grant("x", "analyst"), "team", "T1", teams)
    assert may_edit(OPEN, "department", "Service", teams)
    assert not may_edit(Grant("x", "leadership", teams=("T1",)), "department", "Service", teams)


def test_a_damaged_version_is_skipped_and_named(tiny, tmp_path):
    store = ObjectiveStore(tmp_path)
    (tmp_path / "objectives").mkdir()
    (tmp_path / "objectives" / "v000001.json").write_text("{not json", encoding="utf-8")
    objectives = in_force(tiny, store)
    assert len(objectives) == 6 and store.skipped[0].startswith("v000001.json: cannot be read")
    stored = store.save(from_frame(analysis.dataset_objectives(tiny)), OPEN, {})
    assert stored.version == 2
    assert to_frame(objectives)["weight"].isna().sum() == 5


def test_weekday_weights_count_each_weekday_s_tickets_before_each_start(tmp_path):
    # T0's Monday first: tickets on Mon 2, Mon 2, Tue 3 and Mon 9 March 2026. Before Mon 9:
    # one of each weekday in 2…8 March, so Mon 2, Tue 1, the rest 0; before Tue 10: two
    # Mondays (2 and 9) with 3 tickets, one Tuesday with 1 → Mon 1.5, Tue 1; before 2 March:
    # no history
    day = 24 * 60
    tickets = [ticket("t1", "A1", 0), ticket("t2", "A1", 60), ticket("t3", "A1", day)]
    tickets.append(ticket("t4", "A1", 7 * day))
    ds = open_dataset(write_dataset(tmp_path, agents=[agent("A1")], tickets=tickets))
    assert ds.first_at.date() == date(2026, 3, 2)
    weights = analysis.weekday_weights(ds, [date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 2)])
    assert weights[date(2026, 3, 9)] == [2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert weights[date(2026, 3, 10)] == [1.5, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert weights[date(2026, 3, 2)] is None
