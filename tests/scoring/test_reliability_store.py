"""A population's split-half reliability kept with the build
(scoring/analyses/reliability_store.py, on scoring/data/kept.py): read back, it is the result
computed afresh — the per-KPI table, every half matrix and its priors, and so every grade
stability; the build keeps each preset period's, and opening a build that has them reads
none."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from scoring.analyses import reliability, reliability_store
from scoring.data import kept
from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters, attach_cube, available_kpis
from scoring.measures.periods import PRESETS, preset_populations
from tests.scoring.test_cube import SAMPLE
from tests.scoring.test_kept import is_kept, keeping_nothing

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
    return keeping_nothing(build)


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    """The quarter's reliability computed afresh from the same halves (not through the
    store: nothing is kept or read)."""
    ds = open_dataset(SAMPLE, builds=tmp_path_factory.mktemp("fresh_build"))
    attach_cube(ds, 30)
    return reliability_store._computed(ds, QUARTER, 30, available_kpis(ds))


def kept_folders(ds) -> list:
    folder = ds.build_folder / "kept" / reliability_store.NAME
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


def test_another_population_or_repeat_window_is_another_result(built):
    reliability_store.of_population(built, QUARTER, 30)
    other = reliability_store.of_population(built, Filters(segments=("enterprise",)), 30)
    assert len(kept_folders(built)) == 2
    assert not other.kpis.equals(reliability_store.of_population(built, QUARTER, 30).kpis)
    reliability_store.of_population(built, QUARTER, 7)
    assert len(kept_folders(built)) == 3


def test_the_build_keeps_every_preset_period(built):
    reliability_store.attach_presets(built, 30)
    populations = preset_populations(built.as_of.date())
    assert set(populations) == set(PRESETS) - {"custom"}
    assert len(kept_folders(built)) == len(populations)
    for population in populations.values():
        made_of, _ = reliability_store._plan(built, population, 30, available_kpis(built))
        assert is_kept(built, reliability_store.NAME, made_of)


def test_opening_a_build_whose_presets_are_kept_computes_and_reads_nothing(built, monkeypatch):
    reliability_store.attach_presets(built, 30)

    def nothing(*args):
        raise AssertionError("computed or read on opening")

    monkeypatch.setattr(reliability_store, "_computed", nothing)
    monkeypatch.setattr(kept, "_read", nothing)
    reliability_store.attach_presets(built, 30)
