"""Appraisal periods (scoring/stores/periods.py, scoring/analyses/appraisal/): a closed
period reads the same after the data, weights and targets change; reopening makes the next
version; an accepted appeal re-scores only the appellant (hand-worked); concurrent steps
lose nothing; an agent reads only their own published results; the payroll export reads
back with formulas neutralised; awards are withheld on a near-tie.

The hand-worked dataset: one KPI counts (resolution rate, scored 100 × rate: floor 0,
target 1), raw values (no shrinkage), payouts shared in proportion to the composite.

    agent  team  March tickets  resolved  rate     composite  grade         rank
    A1     T1    22             16        16/22    72.7       satisfactory  3
    A2     T1    20             19        19/20    95.0       excellent     1
    A3     T2    20             15        15/20    75.0       good          2

A1 has one more, unresolved ticket in April (outside the period). Pool 2427, proportional:
950, 750 and 727 (2427 × 72.7 / 242.7). A1 appeals two unresolved tickets (X1, X2); accepted,
A1 has 16/20 = 80.0 (good), rank 2, and the pool as re-scored would give A1
2427 × 80 / 250 = 776.64; A2 and A3 keep 950 and 750, A3 moves to rank 3.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date

import openpyxl
import pandas as pd
import pytest

from scoring import export
from scoring.access import OPEN, Grant
from scoring.analyses.appraisal import awards, closing, periods
from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters, attach_cube, kpi_table
from scoring.reports.talks import PeriodTalks
from scoring.scope import Visible
from scoring.stores import periods as ps
from scoring.stores.periods import PeriodError, PeriodStore
from scoring.stores.scenarios import Scenario, ScenarioStore
from scoring.stores.targets import REGISTRY_SET, TargetSet, TargetStore
from tests.builders import agent, ticket, write_dataset

MARCH = "2026-03"
POLICY = Policy(
    weights={"resolution_rate": 1.0},
    use_shrunk=False,
    targets={"resolution_rate": (0.0, 1.0, None)},
    min_tickets=1,
    pool=2427.0,
    rule="proportional",
)
A1 = Grant("a1@example.com", "agent", agent_id="A1")
A3 = Grant("a3@example.com", "agent", agent_id="A3")
SUPERVISOR_T1 = Grant("s1@example.com", "supervisor", teams=("T1",))
SUPERVISOR_T2 = Grant("s2@example.com", "supervisor", teams=("T2",))


def _tickets(agent_id: str, total: int, resolved: int, prefix: str, start: float = 0) -> list:
    rows = []
    for i in range(total):
        extra = {"resolved_at": 60} if i < resolved else {}
        rows.append(ticket(f"{prefix}{i}", agent_id, start + 30 * i, **extra))
    return rows


def _rows(a1_resolved_too: bool = False) -> dict:
    a1 = _tickets("A1", 20, 16, "A1-")
    # unresolved, answered after 600 and 610 minutes: appealed
    a1 += [ticket("X1", "A1", 700, first_response_at=600),
           ticket("X2", "A1", 710, first_response_at=610)]  # fmt: skip
    if a1_resolved_too:  # a later correction of the data (for the re-read test)
        a1 = [{**t, "resolved_at": t["created_at"]} for t in a1]
    april = ticket("A1-april", "A1", 60 * 24 * 31)  # 2 April
    return {
        "agents": [agent("A1", "T1"), agent("A2", "T1"), agent("A3", "T2", name="=HYPERLINK(1)")],
        "tickets": [*a1, april, *_tickets("A2", 20, 19, "A2-"), *_tickets("A3", 20, 15, "A3-")],
    }


@pytest.fixture
def world(tmp_path):
    data = write_dataset(tmp_path / "data", **_rows())
    ds = open_dataset(data)
    store = PeriodStore(tmp_path / "state")
    return ds, store, tmp_path


def _close(ds, store, policy=POLICY, grant=OPEN, reason=""):
    return ps.close_period(
        store, ds, MARCH, policy=policy, policy_source="test", targets=REGISTRY_SET,
        objectives=None, grant=grant, author="lead", reason=reason, draws=200,
    )  # fmt: skip


def _agents(record) -> pd.DataFrame:
    return record.frozen.agents.set_index("agent_id")


def test_period_ids_name_their_own_dates():
    assert periods.parse("2026-02").end == date(2026, 2, 28)
    assert (periods.parse("2026-Q4").start, periods.parse("2026-Q4").end) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert periods.parse("2026").kind == "year"
    assert [p.id for p in periods.between("quarter", date(2026, 3, 30), date(2026, 4, 2))] == [
        "2026-Q2",
        "2026-Q1",
    ]
    for bad in ("2026-13", "../x", "2026-Q5", ""):
        with pytest.raises(ValueError):
            periods.parse(bad)


def test_closing_freezes_the_hand_worked_result(world):
    ds, store, _ = world
    assert store.state(MARCH).status == "draft"
    version = _close(ds, store)
    assert version == 1
    state = store.state(MARCH)
    assert (state.status, state.current, state.published) == ("closed", 1, None)
    rows = _agents(store.record(MARCH, 1))
    assert rows["tickets"].to_dict() == {"A1": 22, "A2": 20, "A3": 20}  # April left out
    assert rows["composite"].to_dict() == {"A1": 72.7, "A2": 95.0, "A3": 75.0}
    assert rows["grade"].to_dict() == {"A1": "satisfactory", "A2": "excellent", "A3": "good"}
    assert rows["dept_rank"].tolist() == [3, 1, 2]
    assert rows["payout"].to_dict() == {"A1": 727.0, "A2": 950.0, "A3": 750.0}
    assert rows.loc["A1", "resolution_rate__cases"] == 22
    assert rows.loc["A2", "award"] == "service_star"  # one KPI: first in every draw
    assert store.record(MARCH, 1).policy == POLICY.to_dict()


def test_a_closed_period_reads_the_same_after_data_weights_and_targets_change(world):
    ds, store, tmp = world
    _close(ds, store)
    before = store.record(MARCH, 1).to_dict()
    # the data corrected (every A1 ticket resolved), an official scenario with other
    # weights, and a new target set
    write_dataset(tmp / "data", **_rows(a1_resolved_too=True))
    ScenarioStore(tmp / "state").save(Scenario("new", Policy(weights={"fcr": 1.0})))
    ScenarioStore(tmp / "state").mark_official("new")
    TargetStore(tmp / "state").save(TargetSet({"resolution_rate": (0.5, 0.9, None)}))
    again = open_dataset(tmp / "data")
    live = closing.score_period(again, periods.parse(MARCH), POLICY, draws=50)
    assert live.agents.set_index("agent_id").loc["A1", "composite"] == 100.0  # the data moved
    assert PeriodStore(tmp / "state").record(MARCH, 1).to_dict() == before
    assert ps.policy_in_force(tmp / "state", REGISTRY_SET)[1] == "scenario:new"


def test_reopening_needs_a_reason_and_closing_again_makes_the_next_version(world):
    ds, store, _ = world
    _close(ds, store)
    store.publish(MARCH, OPEN, "lead")
    with pytest.raises(PeriodError) as refused:
        store.reopen(MARCH, OPEN, "lead", reason="  ")
    assert refused.value.problems == [("reason", "reason")]
    with pytest.raises(PeriodError):
        _close(ds, store)  # a published period is not closed twice
    store.reopen(MARCH, OPEN, "lead", reason="survey import was late")
    state = store.state(MARCH)
    assert (state.status, state.provisional, state.published) == ("reopened", True, 1)
    assert _close(ds, store, reason="re-run") == 2
    state = store.state(MARCH)
    assert (state.status, state.current, state.published, state.versions) == (
        "closed",
        2,
        1,
        (1, 2),
    )
    assert store.record(MARCH, 2).based_on == 1
    assert store.record(MARCH, 1).version == 1  # version 1 is still there, unchanged
    assert ps.shown_version(state, A1) == 1  # the agent still reads the published one


def test_only_leadership_over_every_team_closes_and_publishes(world):
    ds, store, _ = world
    for grant in (SUPERVISOR_T1, A1, Grant("x", "leadership", teams=("T1",))):
        with pytest.raises(PeriodError) as refused:
            _close(ds, store, grant=grant)
        assert refused.value.problems[0][0] == "grant"
    _close(ds, store)
    with pytest.raises(PeriodError):
        store.publish(MARCH, SUPERVISOR_T1)
    assert not list((store.folder / MARCH / "events").glob("v*.json"))[1:]  # only "closed"


def _published_appeal(ds, store, grant=A1, tickets=("X1", "X2")):
    _close(ds, store)
    store.publish(MARCH, OPEN, "lead")
    owned = ps.agent_tickets(ds, "A1", periods.parse(MARCH))
    return store.file_appeal(MARCH, "A1", "resolution_rate", tickets, "customer never replied",
                             grant, owned, author=grant.user or "")  # fmt: skip


def test_an_accepted_appeal_rescores_only_the_appellant(world):
    ds, store, _ = world
    appeal = _published_appeal(ds, store)
    before = _agents(store.record(MARCH, 1))
    version = ps.resolve_appeal(store, ds, MARCH, appeal, "accepted", "no reply was logged",
                                SUPERVISOR_T1, "s1")  # fmt: skip
    assert version == 2
    state = store.state(MARCH)
    assert (state.status, state.current, state.published) == ("published", 2, 2)
    assert state.appeals[appeal].status == "accepted"
    after = _agents(store.record(MARCH, 2))
    assert after.loc["A1", ["tickets", "composite", "grade"]].tolist() == [20, 80.0, "good"]
    assert after.loc["A1", "resolution_rate__value"] == 0.8
    assert after.loc["A1", "payout"] == 776.64
    assert after["dept_rank"].tolist() == [2, 1, 3]
    kept = ["tickets", "composite", "grade", "payout", "resolution_rate__value", "award"]
    pd.testing.assert_frame_equal(after.loc[["A2", "A3"], kept], before.loc[["A2", "A3"], kept])
    teams = store.record(MARCH, 2).frozen.teams.set_index("team")
    assert teams.loc["T1", "composite"] == 87.5  # (95 + 80) / 2
    assert [e["ticket_id"] for e in store.record(MARCH, 2).excluded] == ["X1", "X2"]
    # closing again after a reopen keeps the accepted appeal's tickets out
    store.reopen(MARCH, OPEN, "lead", reason="check")
    _close(ds, store)
    assert _agents(store.record(MARCH, 3)).loc["A1", "composite"] == 80.0


def test_a_rejected_appeal_changes_nothing_and_appeals_are_checked(world):
    ds, store, _ = world
    with pytest.raises(PeriodError):  # nothing published yet
        store.file_appeal(MARCH, "A1", "resolution_rate", ["X1"], "r", A1, {"X1"})
    appeal = _published_appeal(ds, store)
    owned = ps.agent_tickets(ds, "A1", periods.parse(MARCH))
    assert "A1-april" not in owned and "A2-0" not in owned and "X1" in owned
    for grant, tickets, kpi, code in (
        (A3, ["X1"], "resolution_rate", "grant"),  # another agent's result
        (A1, ["A2-0"], "resolution_rate", "tickets"),  # not their ticket
        (A1, ["X1"], "nope", "kpi"),
    ):
        with pytest.raises(PeriodError) as refused:
            store.file_appeal(MARCH, "A1", kpi, tickets, "r", grant, owned)
        assert refused.value.problems[0][0] == code
    with pytest.raises(PeriodError) as refused:
        ps.resolve_appeal(store, ds, MARCH, appeal, "rejected", "x", SUPERVISOR_T2)
    assert refused.value.problems[0][0] == "grant"
    assert ps.resolve_appeal(store, ds, MARCH, appeal, "rejected", "logged", SUPERVISOR_T1) is None
    state = store.state(MARCH)
    assert (state.current, state.appeals[appeal].status) == (1, "rejected")
    assert state.appeals[appeal].resolution == "logged"
    with pytest.raises(PeriodError):  # resolved once
        ps.resolve_appeal(store, ds, MARCH, appeal, "accepted", "x", OPEN)
    assert [e.type for e in state.events] == [
        "closed", "published", "appeal_filed", "appeal_resolved",
    ]  # fmt: skip


def test_concurrent_steps_lose_nothing(world):
    ds, store, tmp = world
    _close(ds, store)
    store.publish(MARCH, OPEN, "lead")
    owned = ps.agent_tickets(ds, "A1", periods.parse(MARCH))
    barrier = threading.Barrier(8)
    errors = []

    def step(i: int) -> None:
        try:
            mine = PeriodStore(tmp / "state")  # each session its own store object
            barrier.wait()
            if i % 2:
                mine.file_appeal(MARCH, "A1", "resolution_rate", ["X1"], f"appeal {i}", A1, owned)
            else:
                mine.save_talk(MARCH, "A1", SUPERVISOR_T1, strengths=f"talk {i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=step, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    state = store.state(MARCH)
    assert sorted(a.reason for a in state.appeals.values()) == [f"appeal {i}" for i in (1, 3, 5, 7)]
    saved = [e.get("strengths") for e in state.events if e.type == "talk_saved"]
    assert sorted(saved) == [f"talk {i}" for i in (0, 2, 4, 6)]
    assert len(state.events) == 2 + 8


def test_an_agent_reads_only_their_own_published_result(world):
    ds, store, _ = world
    _close(ds, store)
    state = store.state(MARCH)
    assert ps.shown_version(state, A1) is None  # closed, not published: nothing
    assert ps.shown_version(state, SUPERVISOR_T1) == 1
    store.publish(MARCH, OPEN, "lead")
    state = store.state(MARCH)
    record = store.record(MARCH, ps.shown_version(state, A1))
    mine = closing.visible_agents(record.frozen, Visible(("T1",), ("A1",)))
    assert mine["agent_id"].tolist() == ["A1"]
    assert closing.visible_agents(record.frozen, Visible(("T1",)))["agent_id"].tolist() == [
        "A1",
        "A2",
    ]
    appeal = store.file_appeal(MARCH, "A1", "resolution_rate", ["X1"], "r", A1, {"X1"})
    assert ps.appeals_table(state := store.state(MARCH), record, Visible(("T2",))).empty
    assert ps.appeals_table(state, record, Visible(("T1",), ("A1",)))["id"].tolist() == [appeal]


def test_feedback_talks_are_held_by_the_supervisor_and_answered_by_the_agent(world):
    ds, store, _ = world
    _close(ds, store)
    with pytest.raises(PeriodError):
        store.save_talk(MARCH, "A1", SUPERVISOR_T2, strengths="x")
    with pytest.raises(PeriodError):
        store.answer_talk(MARCH, "A1", A1, acknowledged=True)  # no talk yet
    store.save_talk(MARCH, "A1", SUPERVISOR_T1, strengths="calm", advice="close tickets",
                    actions="review open tickets daily", next_review=date(2026, 5, 1))  # fmt: skip
    with pytest.raises(PeriodError):
        store.answer_talk(MARCH, "A1", A3, acknowledged=True)
    store.answer_talk(MARCH, "A1", A1, acknowledged=True, comment="agreed")
    talk = store.state(MARCH).talks["A1"]
    assert (talk.advice, talk.next_review, talk.acknowledged, talk.comment) == (
        "close tickets",
        "2026-05-01",
        True,
        "agreed",
    )


def test_a_damaged_event_file_is_named_and_skipped(world):
    ds, store, _ = world
    _close(ds, store)
    (store.folder / MARCH / "events" / "v000002.json").write_text("{not json", encoding="utf-8")
    state = store.state(MARCH)
    assert state.status == "closed" and len(state.skipped) == 1
    assert "v000002.json" in state.skipped[0]


def test_the_payroll_export_reads_back_with_formulas_neutralised(world):
    ds, store, _ = world
    _close(ds, store)
    table = ps.payroll(store.record(MARCH, 1))
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(table).decode("utf-8-sig"))))
    by_id = {r["agent_id"]: r for r in rows}
    assert by_id["A3"]["name"] == "'=HYPERLINK(1)"
    assert (by_id["A1"]["grade"], float(by_id["A1"]["payout"])) == ("satisfactory", 727.0)
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes({"p": table}))).active
    values = list(sheet.values)
    header = list(values[0])
    cells = {row[header.index("agent_id")]: row for row in values[1:]}
    assert cells["A3"][header.index("name")] == "'=HYPERLINK(1)"
    assert cells["A2"][header.index("payout")] == 950.0
    assert cells["A2"][header.index("award")] == "service_star"


def _tie_dataset(root):
    """X and Y both 80 under 50/50 weights, each ahead under one KPI: X resolves all 20
    tickets, 12 at the first contact; Y resolves 21 of 35, all at the first contact."""
    x = [
        ticket(f"X{i}", "X", 10 * i, resolved_at=30, contacts=1 if i < 12 else 2) for i in range(20)
    ]
    y = [ticket(f"Y{i}", "Y", 10 * i, **({"resolved_at": 30, "contacts": 1} if i < 21 else {}))
         for i in range(35)]  # fmt: skip
    z = [ticket(f"Z{i}", "Z", 10 * i, resolved_at=30, contacts=2) for i in range(20)]
    return write_dataset(root, agents=[agent("X"), agent("Y"), agent("Z")], tickets=x + y + z)


def test_a_near_tie_crowns_nobody(tmp_path):
    ds = open_dataset(_tie_dataset(tmp_path / "tie"))
    policy = Policy(
        weights={"resolution_rate": 1.0, "fcr": 1.0}, use_shrunk=False, min_tickets=1,
        targets={"resolution_rate": (0.0, 1.0, None), "fcr": (0.0, 1.0, None)},
    )  # fmt: skip
    frozen = closing.score_period(ds, periods.parse(MARCH), policy, draws=400)
    composites = frozen.agents.set_index("agent_id")["composite"]
    assert (composites["X"], composites["Y"]) == (80.0, 80.0)
    star = frozen.awards["service_star"]
    assert star["code"] == "near_tie" and star["winner"] is None
    shares = {c["id"]: c["p_first"] for c in star["candidates"]}
    assert set(shares) == {"X", "Y"}  # symmetric weights: each first in about half
    assert all(0.35 < p < 0.65 for p in shares.values())
    assert "service_star" not in set(frozen.agents["award"])
    assert frozen.awards["excellent_team"]["code"] == "too_few"  # one team
    assert max(shares.values()) < awards.CONFIDENCE


def test_a_state_folder_that_cannot_be_written_is_named_and_nothing_changes(world):
    ds, _, tmp = world
    blocked = tmp / "not_a_folder"
    blocked.write_text("a file where the state folder should be", encoding="utf-8")
    store = PeriodStore(blocked)
    with pytest.raises(ps.sqlite_files.Unavailable) as refused:
        _close(ds, store)
    assert refused.value.problem == "read_only"
    assert blocked.read_text(encoding="utf-8").startswith("a file")


def test_left_out_tickets_are_left_out_of_a_built_dataset_too(world, tmp_path):
    """The dashboard reads a build with its pre-aggregated tables and sorted values; an
    appeal's tickets must leave those readings too. A1's first response median: (600 + 610)
    / 2 = 605 minutes with X1 and X2, none without; resolution rate 16/22, then 16/20."""
    ds, _, tmp = world
    built = open_dataset(tmp / "data", builds=tmp_path / "builds")
    assert attach_cube(built, 30) is not None and built.ranked is not None
    period = periods.parse(MARCH)
    every = Filters(start=period.start, end=period.end)
    for reading in (built, ds):
        rows = kpi_table(reading, every, ("agent_id",), 30).set_index("agent_id")
        assert rows.loc["A1", "first_response_median"] == 605.0
        assert rows.loc["A1", "resolution_rate"] == 16 / 22
        left = kpi_table(reading, every.replace(exclude_tickets=("X1", "X2")), ("agent_id",), 30)
        left = left.set_index("agent_id")
        assert pd.isna(left.loc["A1", "first_response_median"])
        assert left.loc["A1", "resolution_rate"] == 0.8
        assert left.loc["A2", "resolution_rate"] == 19 / 20


def test_the_agent_report_reads_the_talks_of_published_periods_only(world):
    ds, store, _ = world
    _close(ds, store)
    store.save_talk(MARCH, "A1", SUPERVISOR_T1, strengths="calm", advice="close tickets",
                    actions="shadow A2\n\nread the FCR guide", author="s1")  # fmt: skip
    notes = PeriodTalks(store.folder.parent)
    assert notes.notes_for("A1", date(2026, 3, 1), date(2026, 3, 31)) == []  # closed, unpublished
    store.publish(MARCH, OPEN, "lead")
    (note,) = notes.notes_for("A1", date(2026, 3, 15), date(2026, 4, 30))
    assert (note.by, note.summary) == ("s1", "calm / close tickets")
    assert note.agreed_actions == ("shadow A2", "read the FCR guide")
    assert notes.notes_for("A1", date(2026, 4, 1), date(2026, 4, 30)) == []  # April: no talk
    assert notes.notes_for("A3", None, None) == []
