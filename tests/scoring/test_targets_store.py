"""Target sets kept as versions per dataset (scoring/stores/targets.py)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.engine.scorecard import KpiMatrix
from scoring.registry.kpis import kpi
from scoring.stores.targets import (
    FOLDER,
    TargetSet,
    TargetStore,
    calibrated,
    is_imported,
    reference_values,
)

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FCR = {"fcr": (0.5, 0.8, 0.9)}


def test_a_new_store_has_no_current_set(tmp_path):
    store = TargetStore(tmp_path)
    assert (store.current(), store.versions(), store.skipped) == (None, [], [])


def test_saved_sets_are_numbered_and_the_latest_is_current(tmp_path):
    store = TargetStore(tmp_path)
    first = store.save(TargetSet(FCR, author="Li Na"), now=NOON)
    second = store.save(TargetSet({"csat": (3.0, 4.0, None)}, author="Zhang Wei"))
    assert (first.version, second.version) == (1, 2)
    assert first.created_at == "2026-03-01T12:00:00+00:00"
    assert store.current() == second
    assert [s.author for s in TargetStore(tmp_path).versions()] == ["Li Na", "Zhang Wei"]
    assert TargetStore(tmp_path).versions()[0] == first  # the old version is kept, unchanged


def test_a_set_reads_back_exactly(tmp_path):
    made = TargetSet(
        {"fcr": (0.5, 0.8, 0.9), "handle_minutes": (90, 60, None)},
        author="李娜",
        origin="calibrated",
        note="2026-01-01 – 2026-03-31",
    )
    stored = TargetStore(tmp_path).save(made, now=NOON)
    back = TargetStore(tmp_path).current()
    assert back == stored
    assert back.targets == {"fcr": (0.5, 0.8, 0.9), "handle_minutes": (90.0, 60.0, None)}
    assert (back.author, back.origin, back.note) == ("李娜", "calibrated", made.note)


@pytest.mark.parametrize(
    ("targets", "origin", "problem"),
    [
        ({"fcr": (0.8, 0.5, None)}, "edited", "fcr.floor"),  # wrong way round
        ({"repeat_rate": (0.1, 0.2, None)}, "edited", "repeat_rate.floor"),  # lower is better
        ({"fcr": (0.5, 0.8, 1.5)}, "edited", "outside the possible range"),
        ({"nothing": (0, 1, None)}, "edited", "unknown KPI"),
        (FCR, "guessed", "origin"),
    ],
)
def test_a_set_that_would_not_score_is_refused(targets, origin, problem):
    with pytest.raises(ValueError, match=problem):
        TargetSet(targets, origin=origin)


def test_a_damaged_latest_version_is_named_and_the_one_before_is_used(tmp_path):
    store = TargetStore(tmp_path)
    first = store.save(TargetSet(FCR))
    folder = tmp_path / FOLDER
    (folder / "v000002.json").write_bytes(b"\x00\x01 not json")
    wrong_way = first.to_dict() | {"version": 3, "targets": {"fcr": [0.9, 0.5, None]}}
    (folder / "v000003.json").write_text(json.dumps(wrong_way), encoding="utf-8")
    (folder / "v000004.json").write_text(json.dumps([1, 2]), encoding="utf-8")
    assert store.current() == first
    assert [line.split(":")[0] for line in store.skipped] == [
        "v000002.json",
        "v000003.json",
        "v000004.json",
    ]
    assert "fcr.floor" in store.skipped[1]
    assert store.save(TargetSet(FCR)).version == 5  # damaged files keep their numbers
    assert (folder / "v000002.json").read_bytes() == b"\x00\x01 not json"


def test_a_file_holding_another_version_number_is_not_trusted(tmp_path):
    store = TargetStore(tmp_path)
    store.save(TargetSet(FCR))
    (tmp_path / FOLDER / "v000001.json").rename(tmp_path / FOLDER / "v000007.json")
    assert store.current() is None
    assert "holds version 1, not 7" in store.skipped[0]


def test_two_sessions_saving_at_once_both_keep_their_set(tmp_path):
    barrier = threading.Barrier(8)
    saved = []

    def save(author: str) -> None:
        barrier.wait()
        saved.append(TargetStore(tmp_path).save(TargetSet(FCR, author=author)))

    threads = [threading.Thread(target=save, args=(f"user{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    versions = TargetStore(tmp_path).versions()
    assert sorted(s.version for s in saved) == list(range(1, 9))
    assert sorted(s.author for s in versions) == sorted(f"user{i}" for i in range(8))
    assert not [p for p in (tmp_path / FOLDER).iterdir() if p.name.startswith(".")]


def _matrix(fcr: list[float], shrunk: list[float], dens: list[float]) -> KpiMatrix:
    frame = pd.DataFrame(
        {
            "agent_id": [f"A{i}" for i in range(len(fcr))],
            "fcr": fcr,
            "fcr_shrunk": shrunk,
            "fcr__den": dens,
        }
    )
    return KpiMatrix(frame, (kpi("fcr"),), {})


def test_calibration_reads_the_shrunk_values_of_measurable_agents():
    raw = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.99]
    shrunk = [0.50, 0.52, 0.54, 0.56, 0.58, 0.60, 0.90]
    dens = [50, 50, 50, 50, 50, 50, 2]  # the last agent is below FCR's minimum sample
    matrix = _matrix(raw, shrunk, dens)
    np.testing.assert_array_equal(reference_values(matrix)["fcr"], shrunk[:6])
    # 0.50 … 0.60: positions 0.5, 2.5 and 4.5 → 0.51, 0.55, 0.59
    made = calibrated(matrix, note="whole period")
    assert made == TargetSet({"fcr": (0.51, 0.55, 0.59)}, origin="calibrated", note="whole period")


def test_calibration_leaves_out_kpis_it_cannot_suggest_for():
    matrix = _matrix([0.5] * 6, [0.7] * 6, [50] * 6)
    assert calibrated(matrix).targets == {}


def test_an_imported_dataset_opens_at_a_version_folder(tmp_path: Path):
    version = tmp_path / "helpdesk" / "versions" / "3"
    version.mkdir(parents=True)
    (tmp_path / "helpdesk" / "current").symlink_to("versions/3")
    assert is_imported(tmp_path / "helpdesk" / "current")
    assert not is_imported(tmp_path / "helpdesk")
