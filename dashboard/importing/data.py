"""The Import page's work, without widgets: stage uploads, inspect, preview, import, undo.

Uploaded files are written once under `<state_dir>/uploads/<digest>/` (the readers take
paths; a digest of the bytes names the folder, so the same upload is not written twice and
no file name from the browser chooses a folder). A preview writes the import into a scratch
folder next to them, reads what it needs and removes it. An import writes an imported
dataset of the catalog (`scoring/data/catalog.py`), which the sidebar then lists.
"""

from __future__ import annotations

import hashlib
import math
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.ui.labels import kpi_value
from scoring.data import catalog
from scoring.data.dataset import open_dataset
from scoring.data.quality import QualityReport
from scoring.ingest import pipeline, presets, write
from scoring.ingest.mapping import Mapping
from scoring.ingest.roster import RosterOutcome
from scoring.measures import metrics
from scoring.measures.metrics import Filters
from scoring.registry.kpis import KPIS_BY_ID

UPLOADS = "uploads"
AGENT_EDIT_COLUMNS = ("agent_id", "name", "team", "supervisor", "site", "hire_date", "left_date")


@dataclass(frozen=True)
class Upload:
    name: str  # as the browser sent it (shown, never used as a path)
    data: bytes


@dataclass(frozen=True)
class Preview:
    counts: dict[str, write.TableCounts]
    report: QualityReport
    unread: tuple[pipeline.Unread, ...]
    roster: RosterOutcome | None
    kpis: dict[str, float]  # KPI id → the department's value (KPIs with a value only)
    unavailable: dict[str, metrics.Unavailable]  # KPI id → why not (the columns it needs)
    agents: pd.DataFrame  # the agents as they would be written (AGENT_EDIT_COLUMNS)


def _safe_file_name(name: str) -> str:
    """The browser's file name reduced to letters, digits, - and _ plus its suffix."""
    path = Path(name)
    stem = catalog.dataset_name(path.stem) or "export"
    suffix = "".join(ch for ch in path.suffix.lower() if ch.isalnum() or ch == ".")
    return stem + suffix


def stage(state_dir: Path, uploads: Sequence[Upload]) -> list[Path]:
    """Each upload as a file the readers can open (written once per content)."""
    paths = []
    for upload in uploads:
        digest = hashlib.sha256(upload.data).hexdigest()[:20]
        path = Path(state_dir) / UPLOADS / digest / _safe_file_name(upload.name)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
            partial.write_bytes(upload.data)
            partial.replace(path)
        paths.append(path)
    return paths


@st.cache_resource(max_entries=8, show_spinner=False)
def inspect(
    paths: tuple[str, ...], encoding: str | None, sheet: str | None, preset: str | None
) -> pipeline.Inspection:
    """The exports read and a mapping suggested (cached per file content and options:
    the paths name their content)."""
    return pipeline.inspect(list(paths), encoding=encoding, sheet=sheet, preset=preset)


def change_sources(
    paths: tuple[str, ...],
    mapping: Mapping,
    choices: dict[str, str | None],
    encoding: str | None,
    sheet: str | None,
) -> pipeline.Suggestion:
    return pipeline.change_sources(list(paths), mapping, choices, encoding=encoding, sheet=sheet)


def preview(
    state_dir: Path,
    paths: tuple[str, ...],
    mapping: Mapping,
    agents: pd.DataFrame | None,
    encoding: str | None,
    sheet: str | None,
    repeat_days: int,
) -> Preview:
    """The import written to a scratch folder, measured, and removed."""
    scratch = Path(state_dir) / UPLOADS / f"preview-{uuid.uuid4().hex}"
    try:
        outcome = pipeline.preview(
            list(paths), scratch, mapping=mapping, encoding=encoding, sheet=sheet, agents=agents
        )
        ds = open_dataset(write.current_path(scratch))
        table = metrics.kpi_table(ds, Filters(), (), repeat_days)
        values = {k.id: float(table[k.id].iloc[0]) for k in metrics.available_kpis(ds)}
        kpis = {kpi_id: v for kpi_id, v in values.items() if math.isfinite(v)}
        unavailable = metrics.unavailable_kpis(ds)
        unavailable.update({kpi_id: metrics.NO_DATA for kpi_id in values if kpi_id not in kpis})
        written = pd.read_parquet(outcome.result.path / "agents.parquet")
        agents_now = written[[c for c in AGENT_EDIT_COLUMNS if c in written]]
        return Preview(
            outcome.result.counts,
            outcome.result.report,
            outcome.unread,
            outcome.roster,
            kpis,
            unavailable,
            agents_now,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def kpi_rows(found: Preview, lang: str) -> pd.DataFrame:
    """The department's KPIs as label and formatted value, in registry order."""
    rows = [
        {"kpi": KPIS_BY_ID[kpi_id].label(lang), "value": kpi_value(KPIS_BY_ID[kpi_id], value, lang)}
        for kpi_id, value in found.kpis.items()
    ]
    return pd.DataFrame(rows, columns=["kpi", "value"])


def existing(state_dir: Path, name: str) -> bool:
    return write.current_version(catalog.imported_path(state_dir, name)) is not None


def import_into(
    state_dir: Path,
    name: str,
    paths: tuple[str, ...],
    mapping: Mapping,
    agents: pd.DataFrame | None,
    *,
    append: bool,
    user: str | None,
    encoding: str | None,
    sheet: str | None,
    source_names: Sequence[str],
) -> pipeline.ImportOutcome:
    """Import into the imported dataset `name`; the history records the uploaded names."""
    target = catalog.imported_path(state_dir, name)
    outcome = pipeline.import_files(
        list(paths),
        target,
        mapping=mapping,
        append=append,
        user=user,
        encoding=encoding,
        sheet=sheet,
        agents=agents,
        source_names=source_names,
    )
    return outcome


def history(state_dir: Path, name: str) -> list[dict]:
    return write.read_history(catalog.imported_path(state_dir, name))


def undo(state_dir: Path, name: str, user: str | None) -> int:
    return write.undo_last(catalog.imported_path(state_dir, name), user=user)


def mapping_store(state_dir: Path) -> presets.MappingStore:
    return presets.MappingStore(state_dir)
