"""Results kept with the build (issue 23): what a page costs most to compute afresh for a
population, computed once and read back by every session and after every restart.

The slowest first answers at 10M tickets on two cores depend on the build and on what the
caller names alone — the population's filter, the KPI declarations, the settings that
shape them: a period's split-half reliability (2–3 s, `scoring.analyses.reliability_store`),
Capability's skill matrix, case mix and training effects (2–5 s,
`scoring.analyses.capability.kept`). A result kept is a set of named frames and a JSON
document under `<build>/kept/<name>/<key>/`, the key a hash of `made_of`; the newest `KEPT`
of each name stay. A dataset without a build keeps nothing (each result is computed every
time); a result that cannot be written or read is computed again, never shown half-read.

A build's folder is keyed by its data and settings, not by this code: a caller puts its own
`FORMAT` in `made_of` and bumps it whenever what it computes changes, as the build's tables
do; otherwise results of the old code are read back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scoring.data.dataset import Dataset

KEPT = 16  # results kept per name, newest first (a custom date range is one each)
INFO = "info.json"


@dataclass(frozen=True)
class Kept:
    """A result: named frames (their index kept) and a JSON-able document."""

    frames: dict[str, pd.DataFrame]
    info: Any = field(default=None)


def declared(items: Iterable) -> list[str]:
    """What declarations (KPIs, configurations: frozen dataclasses) say, for `made_of`: a
    changed field makes another key."""
    return [repr(item) for item in items]


def of_population(format_: int, population: Any, repeat_days: int, kpis: Iterable, **more) -> dict:
    """The `made_of` of a population's result: the caller's FORMAT, the population's filter
    (a `Filters`), the repeat window, the KPI declarations and what else shapes it (`more`)."""
    return {
        "format": format_,
        "filters": dataclasses.asdict(population),
        "repeat_days": repeat_days,
        "kpis": declared(kpis),
        **more,
    }


def kept(ds: Dataset, name: str, made_of: dict, compute: Callable[[], Kept]) -> Kept:
    """The result `made_of` names, read back where it was kept, else computed (and kept,
    where the dataset has a build)."""
    folder = _folder(ds, name, made_of)
    if folder is not None and folder.is_dir():
        found = _read(folder)
        if found is not None:
            return found
    found = compute()
    if folder is not None:
        _write(found, folder)
    return found


def keep(ds: Dataset, name: str, made_of: dict, compute: Callable[[], Kept]) -> None:
    """Compute and keep the result where it is not kept yet (a build keeps its presets so,
    reading none of those it has)."""
    folder = _folder(ds, name, made_of)
    if folder is not None and not folder.is_dir():
        _write(compute(), folder)


def _folder(ds: Dataset, name: str, made_of: dict) -> Path | None:
    if ds.build_folder is None:
        return None
    text = json.dumps(made_of, sort_keys=True, default=str)
    return ds.build_folder / "kept" / name / hashlib.sha256(text.encode()).hexdigest()[:16]


def _write(found: Kept, folder: Path) -> None:
    """Write into a new folder beside `folder`, then rename it into place: a reader never
    sees half a result, and two sessions computing the same one keep one. A folder that
    cannot be written leaves the result unkept."""
    partial = folder.with_name(f"{folder.name}.partial-{uuid.uuid4().hex}")
    try:
        partial.mkdir(parents=True)
        for frame_name, frame in found.frames.items():
            pq.write_table(pa.Table.from_pandas(frame), partial / f"{frame_name}.parquet")
        (partial / INFO).write_text(json.dumps({"frames": list(found.frames), "info": found.info}))
        os.rename(partial, folder)
    except (OSError, ValueError, TypeError, pa.ArrowException):  # kept by another session,
        shutil.rmtree(partial, ignore_errors=True)  # unwritable, or not Parquet or JSON
        return
    _prune(folder.parent)


def _prune(parent: Path) -> None:
    """Keep the newest `KEPT` results of a name (other sessions' partial folders stay)."""
    done = [p for p in parent.iterdir() if ".partial-" not in p.name]
    for old in sorted(done, key=lambda p: p.stat().st_mtime, reverse=True)[KEPT:]:
        shutil.rmtree(old, ignore_errors=True)


def _read(folder: Path) -> Kept | None:
    """The kept result; None where it cannot be read."""
    try:
        written = json.loads((folder / INFO).read_text())
        frames = {
            name: pq.read_table(folder / f"{name}.parquet").to_pandas()
            for name in written["frames"]
        }
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
    return Kept(frames, written["info"])
