"""Split-half reliability of a population, kept beside the build's halves (issue 23).

A period new to the server cost the What-if lab 4–7 s at 10M tickets on two cores: the
halves' cells summed (1.5–2.8 s), each half's median and P90 (0.7–2.7 s), 40 half matrices
fitted (0.8 s), the reliability (0.7 s). All of it is the same for every session and after
every restart, since it depends on the build, the population's filter, the repeat window
and the splits alone. So it is computed once, written under the build's halves folder
(`<halves>/reliability/<key>/`, the newest `KEPT` populations) and read back from then on; the
build writes the preset periods' (`scoring.measures.periods`) in advance (`attach_presets`).
A dataset without a build's halves computes it every time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scoring.analyses import reliability
from scoring.data.dataset import Dataset
from scoring.engine.scorecard import KpiMatrix
from scoring.measures import halves as halves_table
from scoring.measures import metrics
from scoring.measures.periods import preset_populations
from scoring.measures.query import Filters, Query
from scoring.registry.kpis import KPI
from scoring.scope import for_statistics

FORMAT = 1
KEPT = 16  # populations kept per build, newest first (a custom range is one each)
HALF = ["_split", "_half"]  # the columns saying which half matrix a row belongs to


@dataclass(frozen=True)
class PopulationReliability:
    """`kpis`: `reliability.kpi_reliability` of the population; `pairs`: per split, its two
    halves' KPI matrices (`reliability.half_matrices`, scored per weight scheme by
    `reliability.grade_stability`)."""

    kpis: pd.DataFrame
    pairs: list[tuple[KpiMatrix, KpiMatrix]]


@for_statistics
def of_population(ds: Dataset, population: Filters, repeat_days: int) -> PopulationReliability:
    """The population's split-half reliability: read back where it was kept, else computed
    (and kept, where the dataset has a build's halves)."""
    kpis = metrics.available_kpis(ds)
    folder = _folder(ds, population, repeat_days)
    if folder is not None and folder.is_dir():
        kept = _read(folder, kpis)
        if kept is not None:
            return kept
    found = _computed(ds, population, repeat_days, kpis)
    if folder is not None:
        _write(found, folder)
    return found


def attach_presets(ds: Dataset, repeat_days: int) -> None:
    """Keep each preset period's reliability over every team (the pages' first question),
    where the dataset has a build's halves and the data has days."""
    if ds.halves is None or ds.first_at is None:
        return
    kpis = metrics.available_kpis(ds)
    for population in preset_populations(ds.as_of.date()).values():
        folder = _folder(ds, population, repeat_days)
        if folder is not None and not folder.is_dir():  # one kept already is not even read
            _write(_computed(ds, population, repeat_days, kpis), folder)


def _computed(
    ds: Dataset, population: Filters, repeat_days: int, kpis: tuple[KPI, ...]
) -> PopulationReliability:
    halves = metrics.kpi_halves(
        ds, population, reliability.DEFAULT_SPLITS, reliability.DEFAULT_SEED, repeat_days
    )
    agents = Query(ds, population).roster().run(ds)
    pairs = reliability.half_matrices(halves, agents, kpis)
    return PopulationReliability(reliability.kpi_reliability(halves, kpis), pairs)


def _folder(ds: Dataset, population: Filters, repeat_days: int) -> Path | None:
    """Where this population's reliability is kept: under the build's halves, which are
    themselves keyed by the data, the KPIs, the splits and the repeat window."""
    halves = ds.halves
    if not isinstance(halves, halves_table.Halves) or halves.repeat_days != repeat_days:
        return None
    made_of = {
        "format": FORMAT,
        "filters": dataclasses.asdict(population),
        "splits": reliability.DEFAULT_SPLITS,
        "seed": reliability.DEFAULT_SEED,
    }
    key = hashlib.sha256(json.dumps(made_of, sort_keys=True, default=str).encode()).hexdigest()
    return halves.folder / "reliability" / key[:16]


def _write(found: PopulationReliability, folder: Path) -> None:
    """Write into a new folder beside `folder`, then rename it into place: a reader never
    sees half a result, and two sessions computing the same population keep one. A folder
    that cannot be written leaves the result unkept (it is computed again next time)."""
    partial = folder.with_name(f"{folder.name}.partial-{uuid.uuid4().hex}")
    try:
        partial.mkdir(parents=True)
        _write_frame(found.kpis, partial / "kpis.parquet")
        _write_frame(_stacked(found.pairs), partial / "halves.parquet")
        priors = [[m.priors for m in pair] for pair in found.pairs]
        (partial / "priors.json").write_text(json.dumps(priors))
        os.rename(partial, folder)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)  # kept by another session, or unwritable
        return
    _prune(folder.parent)


def _stacked(pairs: list[tuple[KpiMatrix, KpiMatrix]]) -> pd.DataFrame:
    """The half matrices' frames one under another, each row with its split and half."""
    frames = [
        m.frame.assign(_split=split, _half=half)
        for split, pair in enumerate(pairs)
        for half, m in enumerate(pair)
    ]
    return pd.concat(frames, ignore_index=True)


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def _prune(parent: Path) -> None:
    """Keep the newest `KEPT` populations (and leave other sessions' partial folders)."""
    kept = sorted(
        (p for p in parent.iterdir() if ".partial-" not in p.name),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in kept[KEPT:]:
        shutil.rmtree(old, ignore_errors=True)


def _read(folder: Path, kpis: tuple[KPI, ...]) -> PopulationReliability | None:
    """The kept result; None where it cannot be read (computed again instead)."""
    try:
        table = pq.read_table(folder / "kpis.parquet").to_pandas()
        frame = pq.read_table(folder / "halves.parquet").to_pandas()
        priors = json.loads((folder / "priors.json").read_text())
    except (OSError, ValueError, pa.ArrowException):
        return None
    kpis_frame = table.astype({"agents": "Int64"})
    halves = {key: rows for key, rows in frame.groupby(HALF, sort=True)}
    pairs = [
        tuple(
            KpiMatrix(
                halves[(split, half)].drop(columns=HALF).reset_index(drop=True),
                kpis,
                {},
                priors[split][half],
            )
            for half in (0, 1)
        )
        for split in range(len(priors))
    ]
    return PopulationReliability(kpis_frame, pairs)
