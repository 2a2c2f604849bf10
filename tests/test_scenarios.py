"""Scenario store (scoring.scenarios): exact round trip, concurrent saves, damaged files."""

from __future__ import annotations

import io
import sqlite3
import threading
from datetime import date

import pandas as pd
import pytest

from scoring import scenarios
from scoring.metrics import Filters
from scoring.scenarios import Scenario, ScenarioStore
from scoring.scope import EVERYTHING, Visible

AWKWARD = Scenario(
    name="CSAT 优先 =1+1",  # Chinese text and a spreadsheet-formula look-alike
    weights={"csat": 33.4, "fcr": 0.1 + 0.2, "handle_minutes": 66.3},  # 0.30000000000000004
    grading="forced",
    thresholds=(91.5, 74.25, 60.0),
    quotas=(0.2, 0.3, 0.4, 0.1),
    pool=123_456.78,
    rule="threshold_linear",
    filters=Filters(
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        teams=("Team North", "Team 东"),
        segments=("enterprise",),
    ),
    author="王明",
    created_at="2026-11-23T10:00:00+00:00",
)


@pytest.fixture
def store(tmp_path):
    return ScenarioStore(tmp_path)


def test_round_trip_is_exact(store):
    segmented = Scenario(
        name="segments",
        weights={"csat": 100.0},
        segment_weights={"enterprise": {"sla_response": 70.0}, "individual": {"csat": 1 / 3}},
    )
    store.save(AWKWARD)
    saved = store.save(segmented)
    assert store.load(AWKWARD.name) == AWKWARD
    assert store.load("segments") == saved
    assert saved.created_at  # stamped on save
    assert store.load(AWKWARD.name).weights["fcr"] == 0.1 + 0.2
    assert store.load(AWKWARD.name).filters.start == date(2026, 1, 1)
    # a second store object on the same folder reads the same
    assert ScenarioStore(store.path.parent).list() == [AWKWARD, saved]
    assert store.load(AWKWARD.name).setup().thresholds == (91.5, 74.25, 60.0)


def test_list_delete_official(store):
    for name in ("b", "a", "c"):
        store.save(Scenario(name=name, weights={"csat": 1.0}))
    assert store.names() == ["a", "b", "c"]
    assert store.official() is None
    store.mark_official("b")
    assert store.official().name == "b"
    store.mark_official("c")  # only one official scenario at a time
    assert store.official().name == "c"
    store.save(Scenario(name="c", weights={"fcr": 2.0}))  # replacing keeps the mark
    assert store.official().weights == {"fcr": 2.0}
    with pytest.raises(ValueError, match="exists already"):
        store.save(Scenario(name="c", weights={"fcr": 3.0}), overwrite=False)
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
        store.save(Scenario(name="  ", weights={"csat": 1.0}))
    with pytest.raises(KeyError, match="nope"):
        store.save(Scenario(name="x", weights={"nope": 1.0}))
    with pytest.raises(ValueError, match="weight of csat"):
        store.save(Scenario(name="x", weights={"csat": -1.0}))
    with pytest.raises(ValueError, match="allocation rule"):
        store.save(Scenario(name="x", weights={"csat": 1.0}, rule="lottery"))
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
                own.save(Scenario(name=f"{prefix}{i:02d}", weights={"csat": float(i)}))
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
    assert ScenarioStore(tmp_path).load("y24").weights == {"csat": 24.0}


def test_a_damaged_store_is_moved_aside_and_what_can_be_read_is_kept(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(AWKWARD)
    store.save(Scenario(name="kept", weights={"fcr": 1.0}))
    store.mark_official("kept")
    store.save(Scenario(name="gone", weights={"csat": 1.0}))
    store.delete("gone")  # deleted rows are zeroed: they must not come back
    path = store.path
    # garbage over the SQLite header (the first 100 bytes): SQLite cannot open the file
    raw = bytearray(path.read_bytes())
    raw[:100] = b"\x8f garbage " * 10
    path.write_bytes(bytes(raw))

    reopened = ScenarioStore(tmp_path)
    assert reopened.notice is not None
    assert str(path) in reopened.notice  # names the file
    backups = list(tmp_path.glob("scenarios.sqlite.damaged-*"))
    assert len(backups) == 1 and str(backups[0]) in reopened.notice
    assert backups[0].read_bytes()[:100] == bytes(raw[:100])  # the damaged file is kept as is
    assert "2 scenario(s)" in reopened.notice
    # what could be read is kept, exactly, with the official mark
    assert reopened.names() == [AWKWARD.name, "kept"]
    assert reopened.load(AWKWARD.name) == AWKWARD
    assert reopened.official().name == "kept"
    # the new store works
    reopened.save(Scenario(name="new", weights={"csat": 1.0}))
    assert ScenarioStore(tmp_path).notice is None
    assert ScenarioStore(tmp_path).names() == [AWKWARD.name, "kept", "new"]


def test_a_store_of_pure_garbage_starts_afresh_with_a_message(tmp_path):
    (tmp_path / scenarios.STORE_FILE).write_bytes(b"\x00\xffnot a database at all" * 50)
    store = ScenarioStore(tmp_path)
    assert "damaged" in store.notice and "0 scenario(s)" in store.notice
    assert str(tmp_path / scenarios.STORE_FILE) in store.notice
    assert store.list() == []
    store.save(Scenario(name="fresh", weights={"csat": 1.0}))
    assert store.names() == ["fresh"]


def test_an_unreadable_row_is_skipped_and_reported(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(Scenario(name="good", weights={"csat": 1.0}))
    with sqlite3.connect(store.path) as connection:
        connection.execute("INSERT INTO scenarios VALUES ('bad', '{\"_scenario\": 1}')")
    connection.close()
    assert store.names() == ["good"]
    assert len(store.skipped) == 1 and store.skipped[0].startswith("bad:")


def test_compare_and_export():
    other = Scenario(name="other", weights={"csat": 50.0, "fcr": 50.0}, pool=1000.0)
    table = scenarios.compare(AWKWARD, other, EVERYTHING).set_index("setting")
    assert table.loc["pool", "a"] == 123_456.78 and table.loc["pool", "b"] == 1000.0
    assert bool(table.loc["pool", "differs"])
    assert bool(table.loc["grading", "differs"])  # forced vs absolute
    assert not scenarios.compare(AWKWARD, AWKWARD, EVERYTHING)["differs"].any()
    # weights as percentages of their total: csat 33.4 / (33.4 + 0.3 + 66.3) = 33.4%
    assert table.loc["weight csat", "a"] == pytest.approx(33.4)
    assert table.loc["weight csat", "b"] == pytest.approx(50.0)
    assert pd.isna(table.loc["weight handle_minutes", "b"])

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
        weights={"csat": 100.0},
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
