"""A population's split-half reliability kept beside the build's halves
(scoring/analyses/reliability_store.py): read back, it is the result computed afresh — the
per-KPI table, every half matrix and its priors, and so every grade stability; a result
that cannot be read or kept is computed again, never shown wrong."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from scoring.analyses import reliability, reliability_store
from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters, attach_cube, available_kpis
from scoring.measures.periods import PRESETS, preset_populations
from tests.scoring.test_cube import SAMPLE

QUARTER = Filters(start=date(2026, 9, 2), end=date(2026, 11, 30))
POLICIES = {"default": Policy(), "service": Policy(weights={"csat": 0.6, "fcr": 0.4})}


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    ds = open_dataset(SAMPLE, builds=tmp_path_factory.mktemp("kept_build"))
    attach_cube(ds, 30)
    assert ds.halves is not None
    return ds


@pytest.fixture
def built(build):
    """The sample's build with its halves, keeping nothing yet."""
    kept = build.halves.folder / "reliability"
    if kept.is_dir():
        shutil.rmtree(kept)
    kept.unlink(missing_ok=True)
    return build


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    """The quarter's reliability computed afresh from the same halves (not through the
    store: nothing is kept or read)."""
    ds = open_dataset(SAMPLE, builds=tmp_path_factory.mktemp("fresh_build"))
    attach_cube(ds, 30)
    return reliability_store._computed(ds, QUARTER, 30, available_kpis(ds))


def kept_folders(ds) -> list:
    folder = ds.halves.folder / "reliability"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def assert_same(found, expected) -> None:
    pd.testing.assert_frame_equal(found.kpis, expected.kpis)
    assert len(found.pairs) == len(expected.pairs) == reliability.DEFAULT_SPLITS
    for pair, expected_pair in zip(found.pairs, expected.pairs, strict=True):
        for m, e in zip(pair, expected_pair, strict=True):
            pd.testing.assert_frame_equal(m.frame, e.frame)
            assert m.priors == e.priors
            assert [k.id for k in m.kpis] == [k.id for k in e.kpis]
    pd.testing.assert_frame_equal(
        reliability.grade_stability(found.pairs, POLICIES),
        reliability.grade_stability(expected.pairs, POLICIES),
    )


def test_a_kept_result_reads_back_as_the_computed_one(built, computed, monkeypatch):
    first = reliability_store.of_population(built, QUARTER, 30)
    assert len(kept_folders(built)) == 1
    assert_same(first, computed)

    def no_computing(*args):
        raise AssertionError("computed again although kept")

    monkeypatch.setattr(reliability_store, "_computed", no_computing)
    assert_same(reliability_store.of_population(built, QUARTER, 30), computed)


def test_another_population_or_repeat_window_is_not_read_from_a_kept_one(built):
    reliability_store.of_population(built, QUARTER, 30)
    other = reliability_store.of_population(built, Filters(segments=("enterprise",)), 30)
    assert len(kept_folders(built)) == 2
    assert not other.kpis.equals(reliability_store.of_population(built, QUARTER, 30).kpis)
    assert reliability_store._folder(built, QUARTER, 7) is None  # the halves are for 30 days


def test_an_unreadable_kept_result_is_computed_again(built, computed):
    reliability_store.of_population(built, QUARTER, 30)
    (folder,) = (built.halves.folder / "reliability").iterdir()
    (folder / "halves.parquet").write_bytes(b"not parquet")
    assert_same(reliability_store.of_population(built, QUARTER, 30), computed)


def test_a_result_that_cannot_be_kept_is_still_given(built, computed):
    (built.halves.folder / "reliability").write_text("a file where the folder would be")
    assert_same(reliability_store.of_population(built, QUARTER, 30), computed)


def test_only_the_newest_populations_are_kept(built, monkeypatch):
    monkeypatch.setattr(reliability_store, "KEPT", 2)
    months = [Filters(start=date(2026, m, 1), end=date(2026, m, 28)) for m in (3, 4, 5)]
    folders = []
    for month in months:
        reliability_store.of_population(built, month, 30)
        folders.append(reliability_store._folder(built, month, 30).name)
    assert kept_folders(built) == sorted(folders[1:])


def test_the_build_keeps_every_preset_period(built):
    reliability_store.attach_presets(built, 30)
    populations = preset_populations(built.as_of.date())
    assert set(populations) == set(PRESETS) - {"custom"}
    expected = sorted(reliability_store._folder(built, p, 30).name for p in populations.values())
    assert kept_folders(built) == expected


def test_opening_a_build_whose_presets_are_kept_computes_and_reads_nothing(built, monkeypatch):
    reliability_store.attach_presets(built, 30)

    def nothing(*args):
        raise AssertionError("computed or read on opening")

    monkeypatch.setattr(reliability_store, "_computed", nothing)
    monkeypatch.setattr(reliability_store, "_read", nothing)
    reliability_store.attach_presets(built, 30)
