"""A folder of numbered versions (`v000001.json`, `v000002.json`, …) that several sessions
save into at once: the target sets and the objectives' edits of a dataset.

- a version is written once and never changed (`scoring/files.py`: a temporary file, flushed
  and renamed), then linked to its final name, which fails when another session took that
  number first: two people saving at once get two versions, nobody's is overwritten;
- the folder is read afresh each time, so a version saved by another session is seen at once;
  a file that cannot be read is the caller's to skip (`read` raises ValueError).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from scoring.files import write_atomically

_FILE = re.compile(r"^v(\d{6})\.json$")
_MAX_ATTEMPTS = 100


class VersionFolder:
    def __init__(self, folder: Path):
        self.folder = folder

    def files(self) -> list[tuple[int, Path]]:
        """(number, path) of every version file, oldest first."""
        if not self.folder.is_dir():
            return []
        numbered = ((_FILE.match(p.name), p) for p in self.folder.iterdir())
        return sorted((int(m.group(1)), p) for m, p in numbered if m)

    def fingerprint(self) -> tuple[tuple[str, int], ...]:
        """Every version file with its modification time: changes when one is saved."""
        return tuple((p.name, p.stat().st_mtime_ns) for _, p in self.files())

    def save(self, document_of: Callable[[int], dict]) -> int:
        """Store `document_of(number)` as the next free version; returns its number."""
        self.folder.mkdir(parents=True, exist_ok=True)
        pending = self.folder / f".pending-{uuid.uuid4().hex}"
        try:
            for _ in range(_MAX_ATTEMPTS):
                number = max((n for n, _ in self.files()), default=0) + 1
                write_atomically(pending, json.dumps(document_of(number), ensure_ascii=False))
                try:
                    os.link(pending, self.folder / f"v{number:06d}.json")
                except FileExistsError:  # another session saved this number first
                    continue
                return number
            raise RuntimeError(f"{self.folder}: no free version number after {_MAX_ATTEMPTS}")
        finally:
            with contextlib.suppress(FileNotFoundError):
                pending.unlink()


def read(path: Path) -> dict:
    """A version file's JSON object; ValueError when it cannot be read or is no object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data
