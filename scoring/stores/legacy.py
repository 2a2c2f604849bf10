"""Saves from before each dataset had its own state folder (`scoring/data/catalog.py`).

An older version wrote the improvement actions, scenarios and access log straight into
`<state_dir>`. They were made on the dataset configured then, so they move into the
configured dataset's folder, once, the first time it is opened.
"""

from __future__ import annotations

import os
from pathlib import Path

from scoring.data import catalog
from scoring.stores import access_log, actions, scenarios

STORE_FILES = (actions.FILE_NAME, scenarios.STORE_FILE, access_log.FILE_NAME)
SQLITE_SIDECARS = ("", "-wal", "-shm")  # an SQLite file in WAL mode is up to three files


def adopt_legacy_state(state_dir: str | Path, entry: catalog.Entry) -> list[Path]:
    """Move the saves in `<state_dir>` itself into this dataset's folder, only while the
    dataset has no folder yet. Renames within one file system: nothing is copied, nothing
    lost. Returns the files moved (their new paths)."""
    folder = catalog.state_folder(state_dir, entry)
    found = [
        Path(state_dir) / (name + sidecar)
        for name in STORE_FILES
        for sidecar in SQLITE_SIDECARS
        if (Path(state_dir) / (name + sidecar)).is_file()
    ]
    if folder.exists() or not found:
        return []
    folder.mkdir(parents=True)
    for path in found:
        os.replace(path, folder / path.name)
    return [folder / path.name for path in found]
