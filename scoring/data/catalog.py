"""The datasets a deployment can open, and the folder where each keeps what users save.

Three kinds, listed in this order by `list_datasets`:

- `sample`: the bundled sample (`data/sample`);
- `configured`: the folder of the `data_dir` setting (`SPD_DATA_DIR`, `--data`), when it is
  not the sample;
- `imported`: every dataset the Import page or `python -m scoring import --out` wrote under
  `<state_dir>/datasets/<name>/` (a versioned folder, `scoring/ingest/write.py`); it opens
  at its `current` version.

Each dataset has its own state folder, `<state_dir>/saved/<key>/`, for what users make on it
(improvement actions, scenarios, targets, the access log): an action saved on the sample
never appears under another dataset (saves from before, in `<state_dir>` itself, move to
the configured dataset's folder: `scoring/stores/legacy.py`). Weight schemes and column
mappings are not tied to one dataset and stay in `<state_dir>` itself.

A dataset is chosen by its `key` (a URL value): keys are looked up in the listing, never
turned into paths, so no value of a link reaches the file system.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from scoring.settings import SAMPLE_DATA_DIR

IMPORTED_DIR = "datasets"
SAVED_DIR = "saved"
CURRENT = "current"  # the symlink a versioned dataset opens (scoring/ingest/write.py)
SAMPLE_KEY = "sample"
_NAME = re.compile(r"[^\w-]+")
NAME_LENGTH = 60


@dataclass(frozen=True)
class Entry:
    """One dataset: `key` names it in links and state folders, `kind` is sample, configured
    or imported, `name` is what the chooser shows (imported: its folder name), `path` the
    folder to open."""

    key: str
    kind: str
    name: str
    path: Path

    def opened_path(self) -> str:
        """The folder opened, symlinks resolved: a new import's version is a new path, so a
        cache keyed by it is fresh after every import."""
        return os.path.realpath(self.path)


def dataset_name(text: str) -> str:
    """A folder name for an imported dataset from what the user typed: letters (Chinese
    too), digits, `_` and `-`; anything else becomes `-`. Empty when nothing usable is left."""
    return _NAME.sub("-", text.strip()).strip("-_")[:NAME_LENGTH]


def imported_root(state_dir: str | Path) -> Path:
    return Path(state_dir) / IMPORTED_DIR


def imported_path(state_dir: str | Path, name: str) -> Path:
    """The versioned folder an import named `name` writes to; ValueError for a name that
    `dataset_name` would change (it could leave the folder)."""
    if not name or dataset_name(name) != name:
        raise ValueError(f"dataset name: letters, digits, _ and - only, got {name!r}")
    return imported_root(state_dir) / name


def imported_key(name: str) -> str:
    """The key of the imported dataset `name`."""
    return f"imported-{name}"


def _configured_key(path: Path) -> str:
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:10]
    return f"folder-{digest}"


def _imported(state_dir: str | Path) -> list[Entry]:
    root = imported_root(state_dir)
    if not root.is_dir():
        return []
    return [
        Entry(imported_key(folder.name), "imported", folder.name, folder / CURRENT)
        for folder in sorted(root.iterdir())
        if (folder / CURRENT).is_dir() and dataset_name(folder.name) == folder.name
    ]


def list_datasets(state_dir: str | Path, configured: str | Path) -> list[Entry]:
    """The sample, the configured folder (unless it is the sample or an imported dataset)
    and the imported datasets."""
    sample = Entry(SAMPLE_KEY, "sample", SAMPLE_KEY, SAMPLE_DATA_DIR)
    imported = _imported(state_dir)
    configured = Path(configured)
    known = {e.opened_path() for e in (sample, *imported)}
    entries = [sample]
    if os.path.realpath(configured) not in known:
        entries.append(
            Entry(_configured_key(configured), "configured", configured.name, configured)
        )
    return entries + imported


def default_entry(entries: list[Entry], configured: str | Path) -> Entry:
    """The dataset opened when no link names one: the configured folder."""
    wanted = os.path.realpath(configured)
    return next((e for e in entries if e.opened_path() == wanted), entries[0])


def find(entries: list[Entry], key: str | None) -> Entry | None:
    return next((e for e in entries if e.key == key), None)


def state_folder(state_dir: str | Path, entry: Entry) -> Path:
    """Where what users save on this dataset is kept."""
    return Path(state_dir) / SAVED_DIR / entry.key
