"""Results kept with the build (scoring/data/kept.py): read back as they were written —
frames with their index and dtypes, and the document; one key per `made_of`; a result that
cannot be read or written is computed again, never shown half-read; the newest `KEPT`
stay."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pandas as pd
import pytest

from scoring.analyses.capability import CapabilityConfig
from scoring.data import kept
from scoring.data.dataset import open_dataset
from tests.scoring.test_cube import SAMPLE


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    return open_dataset(SAMPLE, builds=tmp_path_factory.mktemp("kept_build"))


def keeping_nothing(ds):
    """The build `ds` with every kept result removed (a module's build serves each test)."""
    shutil.rmtree(ds.build_folder / "kept", ignore_errors=True)
    return ds


@pytest.fixture
def built(build):
    return keeping_nothing(build)


def a_result(seed: int = 0) -> kept.Kept:
    rng = np.random.default_rng(seed)
    index = pd.MultiIndex.from_product(
        [["A001", "A002"], ["repair", "billing"]], names=["agent_id", "category"]
    )
    frame = pd.DataFrame(
        {
            "value": rng.normal(size=4),
            "cases": pd.array([3, None, 5, 8], dtype="Int64"),
            "team": pd.Series(["East", None, "West", "East"], dtype="str"),
            "significant": [True, False, True, False],
        },
        index=index,
    )
    return kept.Kept({"cells": frame, "empty": frame.iloc[:0]}, {"priors": [[{"alpha": 1.5}]]})


def is_kept(ds, name: str, made_of: dict) -> bool:
    folder = kept._folder(ds, name, made_of)
    return folder is not None and folder.is_dir()


class Computing:
    """A `compute` that counts its calls."""

    def __init__(self, result: kept.Kept):
        self.result, self.calls = result, 0

    def __call__(self) -> kept.Kept:
        self.calls += 1
        return self.result


def assert_same(found: kept.Kept, expected: kept.Kept) -> None:
    assert list(found.frames) == list(expected.frames)
    for name, frame in expected.frames.items():
        pd.testing.assert_frame_equal(found.frames[name], frame)
    assert found.info == expected.info


def test_a_kept_result_reads_back_as_written_and_is_not_computed_again(built):
    compute = Computing(a_result())
    first = kept.kept(built, "demo", {"period": "2026-Q3"}, compute)
    second = kept.kept(built, "demo", {"period": "2026-Q3"}, compute)
    assert compute.calls == 1
    assert_same(first, a_result())
    assert_same(second, a_result())
    assert is_kept(built, "demo", {"period": "2026-Q3"})


def test_another_made_of_or_name_is_another_result(built):
    kept.kept(built, "demo", {"period": "2026-Q3"}, Computing(a_result(1)))
    other = Computing(a_result(2))
    assert_same(kept.kept(built, "demo", {"period": "2026-Q4"}, other), a_result(2))
    assert_same(kept.kept(built, "other", {"period": "2026-Q3"}, other), a_result(2))
    assert other.calls == 2
    assert not is_kept(built, "demo", {"period": "2026-Q2"})


def test_a_dataset_without_a_build_keeps_nothing(tmp_path):
    unbuilt = open_dataset(SAMPLE)
    assert unbuilt.build_folder is None
    compute = Computing(a_result())
    for _ in range(2):
        assert_same(kept.kept(unbuilt, "demo", {}, compute), a_result())
    assert compute.calls == 2 and not is_kept(unbuilt, "demo", {})


def test_an_unreadable_kept_result_is_computed_again(built):
    kept.kept(built, "demo", {}, Computing(a_result(1)))
    (folder,) = (built.build_folder / "kept" / "demo").iterdir()
    (folder / "cells.parquet").write_bytes(b"not parquet")
    compute = Computing(a_result(1))
    assert_same(kept.kept(built, "demo", {}, compute), a_result(1))
    assert compute.calls == 1


def test_a_result_that_cannot_be_kept_is_still_given(built):
    (built.build_folder / "kept").mkdir()
    (built.build_folder / "kept" / "demo").write_text("a file where the folder would be")
    compute = Computing(a_result())
    for _ in range(2):
        assert_same(kept.kept(built, "demo", {}, compute), a_result())
    assert compute.calls == 2


def test_only_the_newest_results_of_a_name_are_kept(built, monkeypatch):
    monkeypatch.setattr(kept, "KEPT", 2)
    for month in (3, 4, 5):
        kept.kept(built, "demo", {"month": month}, Computing(a_result(month)))
        for folder in (built.build_folder / "kept" / "demo").iterdir():  # older by a minute
            os.utime(folder, (folder.stat().st_mtime - 60,) * 2)
    assert [is_kept(built, "demo", {"month": m}) for m in (3, 4, 5)] == [False, True, True]


def test_declared_tells_apart_declarations_differing_in_any_field():
    assert kept.declared([CapabilityConfig()]) == kept.declared([CapabilityConfig()])
    assert kept.declared([CapabilityConfig()]) != kept.declared([CapabilityConfig(min_cases=25)])


def test_a_result_parquet_cannot_hold_is_given_and_not_kept(built):
    mixed = kept.Kept({"cells": pd.DataFrame({"value": ["a", 1.5, None]})})  # text and number
    compute = Computing(mixed)
    for _ in range(2):
        assert kept.kept(built, "demo", {}, compute).frames["cells"].equals(mixed.frames["cells"])
    assert compute.calls == 2 and not is_kept(built, "demo", {})
    assert not any((built.build_folder / "kept" / "demo").iterdir())  # no partial folder left
