"""Scenario store (scoring.stores.scenarios): exact round trip, concurrent saves, damaged files."""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters
from scoring.scope import EVERYTHING, Visible
from scoring.stores import scenarios
from scoring.stores.scenarios import Scenario, ScenarioStore

AWKWARD = Scenario(
    name="CSAT 优先 =1+1",  # Chinese text and a spreadsheet-formula look-alike
    policy=Policy(
        weights={"csat": 33.4, "fcr": 0.1 + 0.2, "handle_minutes": 66.3},  # 0.30000000000000004
        grading="forced",
        thresholds=(91.5, 74.25, 60.0),
        quotas=(0.2, 0.3, 0.4, 0.1),
        pool=123_456.78,
        rule="threshold_linear",
    ),
    filters=Filters(
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        teams=("Team North", "Team 东"),
        segments=("enterprise",),
    ),
    author="王明",
    created_at="2026-11-23T10:00:00+00:00",
)
SEGMENTED = Scenario(
    name="segments",
    policy=Policy(
        weights={"csat": 100.0},
        segment_weights={"enterprise": {"sla_response": 70.0}, "individual": {"csat": 1 / 3}},
    ),
    created_at="2026-11-24T08:00:00+00:00",
)


@pytest.fixture
def store(tmp_path):
    return ScenarioStore(tmp_path)


def test_round_trip_is_exact(store):
    segmented = replace(SEGMENTED, created_at="")
    store.save(AWKWARD)
    saved = store.save(segmented)
    assert store.load(AWKWARD.name) == AWKWARD
    assert store.load("segments") == saved
    assert saved.created_at  # stamped on save
    assert store.load(AWKWARD.name).policy.weights["fcr"] == 0.1 + 0.2
    assert store.load(AWKWARD.name).filters.start == date(2026, 1, 1)
    # a second store object on the same folder reads the same
    assert ScenarioStore(store.path.parent).list() == [AWKWARD, saved]
    assert store.load(AWKWARD.name).policy.thresholds == (91.5, 74.25, 60.0)


# Bodies exactly as the store wrote them before the scoring policy record (format 1: the
# policy's fields next to the name), for AWKWARD (official, revision 7) and a segment scenario.
OLD_BODIES = {
    AWKWARD.name: (
        '{"_scenario": 1, "revision": 7, "official": true, "scenario": {"name": "CSAT 优先 =1+1", '
        '"weights": {"csat": 33.4, "fcr": 0.30000000000000004, "handle_minutes": 66.3}, '
        '"grading": "forced", "thresholds": [91.5, 74.25, 60.0], "quotas": [0.2, 0.3, 0.4, 0.1], '
        '"pool": 123456.78, "rule": "threshold_linear", "filters": {"start": "2026-01-01", '
        '"end": "2026-03-31", "teams": ["Team North", "Team 东"], "agents": [], "channels": [], '
        '"categories": [], "products": [], "priorities": [], "segments": ["enterprise"]}, '
        '"author": "王明", "created_at": "2026-11-23T10:00:00+00:00", "segment_weights": null}}'
    ),
    "segments": (
        '{"_scenario": 1, "revision": 0, "official": false, "scenario": {"name": "segments", '
        '"weights": {"csat": 100.0}, "grading": "absolute", "thresholds": [90.0, 75.0, 60.0], '
        '"quotas": [0.15, 0.35, 0.4, 0.1], "pool": 100000.0, "rule": "grade_multiplier", '
        '"filters": {"start": null, "end": null, "teams": [], "agents": [], "channels": [], '
        '"categories": [], "products": [], "priorities": [], "segments": []}, "author": "", '
        '"created_at": "2026-11-24T08:00:00+00:00", "segment_weights": {"enterprise": '
        '{"sla_response": 70.0}, "individual": {"csat": 0.3333333333333333}}}}'
    ),
}


def test_bodies_of_the_old_format_still_load(store):
    assert scenarios.from_json(OLD_BODIES[AWKWARD.name]) == (AWKWARD, True, 7)
    assert scenarios.from_json(OLD_BODIES["segments"]) == (SEGMENTED, False, 0)
    with sqlite3.connect(store.path) as connection:
        connection.executemany("INSERT INTO scenarios VALUES (?, ?)", OLD_BODIES.items())
    connection.close()
    assert store.list() == [AWKWARD, SEGMENTED] and store.skipped == []
    assert store.official() == AWKWARD
    # the policy fields the old format did not have take the defaults they had then
    policy = store.load("segments").policy
    assert (policy.method, policy.use_shrunk, policy.targets) == ("target", True, {})
    assert (policy.min_tickets, policy.min_coverage) == (20, 0.5)
    # rewriting (here: moving the official mark) stores the current format, same scenarios
    store.mark_official("segments")
    with sqlite3.connect(store.path) as connection:
        bodies = dict(connection.execute("SELECT name, body FROM scenarios"))
    connection.close()
    assert json.loads(bodies["segments"])["_scenario"] == scenarios.FORMAT == 2
    assert json.loads(bodies["segments"])["scenario"]["policy"] == SEGMENTED.policy.to_dict()
    assert store.list() == [AWKWARD, SEGMENTED] and store.official() == SEGMENTED


def test_a_body_with_a_field_no_policy_has_is_skipped(store):
    body = json.loads(scenarios.to_json(AWKWARD))
    body["scenario"]["policy"]["bonus_cap"] = 5
    with sqlite3.connect(store.path) as connection:
        connection.execute("INSERT INTO scenarios VALUES ('odd', ?)", (json.dumps(body),))
    connection.close()
    assert store.list() == []
    assert "bonus_cap" in store.skipped[0]


def test_list_delete_official(store):
    for name in ("b", "a", "c"):
        store.save(Scenario(name=name, policy=Policy({"csat": 1.0})))
    assert store.names() == ["a", "b", "c"]
    assert store.official() is None
    store.mark_official("b")
    assert store.official().name == "b"
    store.mark_official("c")  # only one official scenario at a time
    assert store.official().name == "c"
    store.save(Scenario(name="c", policy=Policy({"fcr": 2.0})))  # replacing keeps the mark
    assert store.official().policy.weights == {"fcr": 2.0}
    with pytest.raises(ValueError, match="exists already"):
        store.save(Scenario(name="c", policy=Policy({"fcr": 3.0})), overwrite=False)
    store.delete("c")
    assert store.names() == ["a", "b"] and store.official() is None
    with pytest.raises(KeyError, match="no scenario named 'c'"):
        store.delete("c")
    with pytest.raises(KeyError, match="no scenario named 'zz'"):
        store.mark_official("zz")
    store.mark_official("a")
    store.mark_official(None)
    assert store.official() is None


def test_invalid_scenarios_are_refused(store):
    with pytest.raises(ValueError, match="name"):
        store.save(Scenario(name="  ", policy=Policy({"csat": 1.0})))
    with pytest.raises(ValueError, match="nope"):
        store.save(Scenario(name="x", policy=Policy({"nope": 1.0})))
    with pytest.raises(ValueError, match="weight of csat"):
        store.save(Scenario(name="x", policy=Policy({"csat": -1.0})))
    with pytest.raises(ValueError, match="allocation rule"):
        store.save(Scenario(name="x", policy=Policy({"csat": 1.0}, rule="lottery")))
    assert store.list() == []


def test_two_concurrent_saves_lose_nothing(tmp_path):
    # Two threads, each with its own store object (its own connections), save 25 scenarios
    # each at the same time; a barrier makes them start together.
    barrier = threading.Barrier(2, timeout=30)
    errors = []

    def writer(prefix: str) -> None:
        try:
            own = ScenarioStore(tmp_path)
            barrier.wait()
            for i in range(25):
                own.save(Scenario(name=f"{prefix}{i:02d}", policy=Policy({"csat": float(i)})))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("x", "y")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a writer did not finish"
    assert errors == []
    names = ScenarioStore(tmp_path).names()
    assert names == [f"x{i:02d}" for i in range(25)] + [f"y{i:02d}" for i in range(25)]
    assert ScenarioStore(tmp_path).load("y24").policy.weights == {"csat": 24.0}


def test_a_damaged_store_is_moved_aside_and_what_can_be_read_is_kept(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(AWKWARD)
    store.save(Scenario(name="kept", policy=Policy({"fcr": 1.0})))
    store.mark_official("kept")
    store.save(Scenario(name="gone", policy=Policy({"csat": 1.0})))
    store.delete("gone")  # deleted rows are zeroed: they must not come back
    path = store.path
    # garbage over the SQLite header (the first 100 bytes): SQLite cannot open the file
    raw = bytearray(path.read_bytes())
    raw[:100] = b"\x8f garbage " * 10
    path.write_bytes(bytes(raw))

    reopened = ScenarioStore(tmp_path)
    assert reopened.repair is not None
    assert reopened.repair.path == path  # names the file
    backups = list(tmp_path.glob("scenarios.sqlite.damaged-*"))
    assert len(backups) == 1 and reopened.repair.moved_to == backups[0]
    assert backups[0].read_bytes()[:100] == bytes(raw[:100])  # the damaged file is kept as is
    assert reopened.repair.salvaged == 2
    # what could be read is kept, exactly, with the official mark
    assert reopened.names() == [AWKWARD.name, "kept"]
    assert reopened.load(AWKWARD.name) == AWKWARD
    assert reopened.official().name == "kept"
    # the new store works
    reopened.save(Scenario(name="new", policy=Policy({"csat": 1.0})))
    assert ScenarioStore(tmp_path).repair is None
    assert ScenarioStore(tmp_path).names() == [AWKWARD.name, "kept", "new"]


def test_a_store_of_pure_garbage_starts_afresh_with_a_message(tmp_path):
    (tmp_path / scenarios.STORE_FILE).write_bytes(b"\x00\xffnot a database at all" * 50)
    store = ScenarioStore(tmp_path)
    assert store.repair.salvaged == 0
    assert store.repair.path == tmp_path / scenarios.STORE_FILE
    assert store.list() == []
    store.save(Scenario(name="fresh", policy=Policy({"csat": 1.0})))
    assert store.names() == ["fresh"]


def test_an_unreadable_row_is_skipped_and_reported(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(Scenario(name="good", policy=Policy({"csat": 1.0})))
    with sqlite3.connect(store.path) as connection:
        connection.execute("INSERT INTO scenarios VALUES ('bad', '{\"_scenario\": 1}')")
    connection.close()
    assert store.names() == ["good"]
    assert len(store.skipped) == 1 and store.skipped[0].startswith("bad:")


def test_compare_and_export():
    other = Scenario(name="other", policy=Policy({"csat": 50.0, "fcr": 50.0}, pool=1000.0))
    table = scenarios.compare(AWKWARD, other, EVERYTHING).set_index("setting")
    assert table.loc["pool", "a"] == 123_456.78 and table.loc["pool", "b"] == 1000.0
    assert bool(table.loc["pool", "differs"])
    assert bool(table.loc["grading", "differs"])  # forced vs absolute
    assert not scenarios.compare(AWKWARD, AWKWARD, EVERYTHING)["differs"].any()
    # weights as percentages of their total: csat 33.4 / (33.4 + 0.3 + 66.3) = 33.4%
    assert table.loc["weight csat", "a"] == pytest.approx(33.4)
    assert table.loc["weight csat", "b"] == pytest.approx(50.0)
    assert pd.isna(table.loc["weight handle_minutes", "b"])
    mbo = Scenario(name="mbo", policy=Policy({"csat": 1.0}, objective_share=0.35, must_be=("fcr",)))
    table = scenarios.compare(other, mbo, EVERYTHING).set_index("setting")
    assert table.loc["objective_share", "a"] == "0%" and table.loc["objective_share", "b"] == "35%"
    assert table.loc["must_be", "b"] == "fcr" and bool(table.loc["must_be", "differs"])

    payouts = pd.DataFrame({"agent_id": ["A1", "A2"], "name": ["=cmd()", "Li"], "payout": [1, 2]})
    workbook = pd.read_excel(io.BytesIO(scenarios.to_excel(AWKWARD, payouts)), sheet_name=None)
    assert set(workbook) == {"scenario", "payouts"}
    assert workbook["payouts"]["payout"].tolist() == [1, 2]
    assert workbook["payouts"]["name"].tolist() == ["'=cmd()", "Li"]  # formula neutralised
    settings = dict(
        zip(workbook["scenario"]["setting"], workbook["scenario"]["value"], strict=True)
    )
    assert settings["name"] == AWKWARD.name and settings["author"] == "王明"


def test_saved_filters_name_only_the_teams_and_agents_in_view():
    """A scenario saved by someone who saw other teams names only the viewer's teams."""
    saved = Scenario(
        name="north and south",
        policy=Policy({"csat": 100.0}),
        filters=Filters(teams=("Team North", "Team South", "Team East"), agents=("A007",)),
    )
    north = Visible(teams=("Team North",))
    rows = scenarios.settings_table(saved, north).set_index("setting")["value"]
    assert rows["filter teams"] == "Team North, +2 not shown"
    assert rows["filter agents"] == "+1 not shown"  # an agent id's team is not at hand
    everything = scenarios.settings_table(saved, EVERYTHING).set_index("setting")["value"]
    assert everything["filter teams"] == "Team North, Team South, Team East"
    assert everything["filter agents"] == "A007"
    table = scenarios.compare(saved, AWKWARD, north).set_index("setting")
    assert table.loc["filter teams", "a"] == "Team North, +2 not shown"
