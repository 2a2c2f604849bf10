"""Which datasets a deployment lists, and where each keeps what users save."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scoring.data import catalog
from scoring.settings import SAMPLE_DATA_DIR
from scoring.stores import legacy


def imported(state: Path, name: str) -> Path:
    """A versioned folder as the writer leaves it: versions/1 and current -> versions/1."""
    folder = catalog.imported_root(state) / name
    (folder / "versions" / "1").mkdir(parents=True)
    os.symlink("versions/1", folder / "current")
    return folder


def test_the_sample_alone_when_nothing_else_is_configured_or_imported(tmp_path):
    entries = catalog.list_datasets(tmp_path, SAMPLE_DATA_DIR)
    assert [(e.key, e.kind) for e in entries] == [("sample", "sample")]
    assert catalog.default_entry(entries, SAMPLE_DATA_DIR).key == "sample"


def test_sample_configured_and_imported_datasets_in_that_order(tmp_path):
    configured = tmp_path / "exports" / "ours"
    configured.mkdir(parents=True)
    imported(tmp_path, "二月")
    imported(tmp_path, "march")
    (catalog.imported_root(tmp_path) / "half-written").mkdir()  # no current: not listed
    entries = catalog.list_datasets(tmp_path, configured)
    assert [(e.kind, e.name) for e in entries] == [
        ("sample", "sample"),
        ("configured", "ours"),
        ("imported", "march"),
        ("imported", "二月"),
    ]
    assert catalog.default_entry(entries, configured).name == "ours"
    assert entries[2].opened_path() == str(catalog.imported_root(tmp_path) / "march/versions/1")


def test_a_configured_folder_that_is_an_imported_dataset_is_listed_once(tmp_path):
    folder = imported(tmp_path, "march")
    entries = catalog.list_datasets(tmp_path, folder / "current")
    assert [e.kind for e in entries] == ["sample", "imported"]
    assert catalog.default_entry(entries, folder / "current").kind == "imported"


def test_keys_are_looked_up_never_turned_into_paths(tmp_path):
    imported(tmp_path, "march")
    entries = catalog.list_datasets(tmp_path, SAMPLE_DATA_DIR)
    assert catalog.find(entries, "imported-march").name == "march"
    assert catalog.find(entries, "imported-../../etc") is None
    assert catalog.find(entries, None) is None


@pytest.mark.parametrize(
    ("typed", "name"),
    [("March 2026", "March-2026"), ("../../etc", "etc"), ("二月 导出", "二月-导出"), ("///", "")],
)
def test_dataset_names_keep_letters_digits_and_dashes(typed, name):
    assert catalog.dataset_name(typed) == name


def test_an_imported_path_refuses_a_name_that_could_leave_the_folder(tmp_path):
    assert catalog.imported_path(tmp_path, "march") == tmp_path / "datasets" / "march"
    for bad in ("../x", "a/b", "", "."):
        with pytest.raises(ValueError):
            catalog.imported_path(tmp_path, bad)


def test_each_dataset_has_its_own_state_folder(tmp_path):
    imported(tmp_path, "march")
    entries = catalog.list_datasets(tmp_path, SAMPLE_DATA_DIR)
    folders = {catalog.state_folder(tmp_path, e) for e in entries}
    assert folders == {tmp_path / "saved" / "sample", tmp_path / "saved" / "imported-march"}


def test_older_saves_move_once_into_the_default_datasets_folder(tmp_path):
    for name in ("actions.sqlite", "actions.sqlite-wal", "scenarios.sqlite"):
        (tmp_path / name).write_text(name)
    sample = catalog.list_datasets(tmp_path, SAMPLE_DATA_DIR)[0]
    moved = legacy.adopt_legacy_state(tmp_path, sample)
    folder = tmp_path / "saved" / "sample"
    assert sorted(p.name for p in moved) == [
        "actions.sqlite",
        "actions.sqlite-wal",
        "scenarios.sqlite",
    ]
    assert (folder / "actions.sqlite-wal").read_text() == "actions.sqlite-wal"
    assert not (tmp_path / "actions.sqlite").exists()
    (tmp_path / "actions.sqlite").write_text("made later by something else")
    assert legacy.adopt_legacy_state(tmp_path, sample) == []  # the folder exists: once only
    assert (folder / "actions.sqlite").read_text() == "actions.sqlite"
