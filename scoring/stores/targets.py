"""Target sets (目标值): floor, target and stretch per KPI for one dataset, kept as versions.

A target set is data, not code: who set it, when, how it was made (calibrated from a period
or edited by hand) and the values per KPI; KPIs it does not name keep the registry's
defaults. Each dataset keeps its sets in its own state folder, one file per version
(`scoring/stores/versioned.py`: written once, two sessions saving at once get two versions)::

    <state folder>/targets/v000001.json, v000002.json, …

- the current set is the highest version that can be read; a file that cannot be read (not
  JSON, not a target set, values that do not run the KPI's way) is left where it is and
  named in `skipped`, and an older version is used: a damaged file never stops the pages.

Where no set was saved: an imported dataset (one written by `scoring/ingest/write.py`) has
no after-sales defaults that fit it, so it is scored on targets calibrated over all its data
(`calibrated`); the sample and generated data keep the registry's targets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from scoring.engine.policy import Target, target_problems
from scoring.engine.scorecard import KpiMatrix
from scoring.ingest.write import VERSIONS
from scoring.methods import calibration
from scoring.registry.kpis import KPI
from scoring.stores import versioned

FOLDER = "targets"
FORMAT = 1
ORIGINS = ("registry", "calibrated", "edited")


@dataclass(frozen=True)
class TargetSet:
    """Floor, target and stretch by KPI id, with who made the set, when and how.

    version 0: not saved (the registry's defaults, or a calibration not yet saved).
    `note` says where the values came from (e.g. the reference period of a calibration).
    """

    targets: dict[str, Target] = field(default_factory=dict)
    author: str = ""
    created_at: str = ""  # ISO 8601, UTC; set when saved
    version: int = 0
    origin: str = "edited"  # one of ORIGINS
    note: str = ""

    def __post_init__(self) -> None:
        found = target_problems(self.targets)
        if self.origin not in ORIGINS:
            found.append(f"origin: one of {ORIGINS}, got {self.origin!r}")
        if found:
            raise ValueError("invalid target set: " + "; ".join(found))
        canonical = {k: _target(v) for k, v in self.targets.items()}
        object.__setattr__(self, "targets", canonical)

    def to_dict(self) -> dict:
        return {
            "_targets": FORMAT,
            "version": self.version,
            "author": self.author,
            "created_at": self.created_at,
            "origin": self.origin,
            "note": self.note,
            "targets": {k: list(v) for k, v in self.targets.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> TargetSet:
        """The set of a `to_dict` dict; ValueError naming what is wrong."""
        try:
            if data["_targets"] != FORMAT:
                raise ValueError(f"format {data['_targets']!r}, expected {FORMAT}")
            return cls(
                targets=dict(data["targets"]),
                author=str(data.get("author", "")),
                created_at=str(data.get("created_at", "")),
                version=int(data["version"]),
                origin=data.get("origin", "edited"),
                note=str(data.get("note", "")),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a target set ({exc!r})") from None


REGISTRY_SET = TargetSet(origin="registry")


def _target(values) -> Target:
    floor, target, stretch = values
    return float(floor), float(target), None if stretch is None else float(stretch)


class TargetStore:
    """The target sets of one dataset, in `<state_dir>/targets/`.

    `versions()` and `current()` read the folder afresh each time (a set saved by another
    session is seen at once); after either, `skipped` names the files that could not be read.
    """

    def __init__(self, state_dir: Path | str):
        self.folder = Path(state_dir) / FOLDER
        self._versions = versioned.VersionFolder(self.folder)
        self.skipped: list[str] = []

    def versions(self) -> list[TargetSet]:
        """Every readable version, oldest first."""
        found, self.skipped = [], []
        for number, path in self._versions.files():
            try:
                target_set = TargetSet.from_dict(versioned.read(path))
                if target_set.version != number:
                    raise ValueError(f"holds version {target_set.version}, not {number}")
            except ValueError as exc:
                self.skipped.append(f"{path.name}: {exc}")
                continue
            found.append(target_set)
        return found

    def current(self) -> TargetSet | None:
        """The latest readable version (None: nothing saved, or nothing readable)."""
        readable = self.versions()
        return readable[-1] if readable else None

    def fingerprint(self) -> tuple[tuple[str, int], ...]:
        """Every version file with its modification time: changes when a set is saved."""
        return self._versions.fingerprint()

    def save(self, target_set: TargetSet, now: datetime | None = None) -> TargetSet:
        """Store the set as the next version (stamped with the time); returns it as stored."""
        stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        number = self._versions.save(
            lambda n: replace(target_set, version=n, created_at=stamp).to_dict()
        )
        return replace(target_set, version=number, created_at=stamp)


# ---------------------------------------------------------------------------------------
# Calibration over a KPI matrix


def reference_values(matrix: KpiMatrix) -> dict[str, np.ndarray]:
    """Per KPI, the values calibration reads: each measurable agent's shrunk value where
    the KPI is shrunk, else the raw value (agents below the minimum sample left out)."""
    return {k.id: matrix.values(k, use_shrunk=True)[matrix.measurable(k)] for k in matrix.kpis}


def suggestions(matrix: KpiMatrix) -> dict[str, calibration.Suggestion]:
    return calibration.suggest_all(reference_values(matrix))


def calibrated(matrix: KpiMatrix, note: str = "") -> TargetSet:
    """A set (not saved) of every KPI a suggestion could be made for."""
    made = {kpi_id: s.values for kpi_id, s in suggestions(matrix).items() if s.values}
    return TargetSet(targets=made, origin="calibrated", note=note)


def origin_of(
    targets: Mapping[str, Target],
    suggested: Mapping[str, calibration.Suggestion],
    kpis: Iterable[KPI],
) -> str:
    """How a set of these KPIs' values was made: "registry" when every value is the
    registry's, "calibrated" when every KPI that has a suggestion holds it, else "edited"."""
    kpis = tuple(kpis)
    if all(tuple(targets[k.id]) == (k.floor, k.target, k.stretch) for k in kpis):
        return "registry"
    held = [tuple(targets[k.id]) == suggested[k.id].values for k in kpis if suggested[k.id].values]
    return "calibrated" if held and all(held) else "edited"


def in_use(
    store: TargetStore, dataset_path: Path | str, whole_data: Callable[[], KpiMatrix]
) -> TargetSet:
    """The set every page and the score command use: the latest version saved in the
    dataset's store; else, for an imported dataset, targets calibrated over all its data
    (`whole_data()`: the KPI matrix of every ticket); else the registry's."""
    saved = store.current()
    if saved is not None:
        return saved
    if is_imported(dataset_path):
        return calibrated(whole_data())
    return REGISTRY_SET


def is_imported(dataset_path: Path | str) -> bool:
    """Whether the dataset was written by the importer: it opens at `<target>/versions/<n>`."""
    return Path(dataset_path).resolve().parent.name == VERSIONS
