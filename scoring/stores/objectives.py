"""Objectives (目标管理) of one dataset as edited in the app: the dataset's `objectives` table is
the starting set, and every save is a version of changes over it, kept in the dataset's
state folder (`scoring/stores/versioned.py`)::

    <state folder>/objectives/v000001.json, v000002.json, …

A version holds the objectives it puts (added or changed; an objective is one owner, KPI
and period: `scoring.analyses.objectives.objective_id`) and the ids it deletes, with who saved
it, when and why. The objectives in force are the table with every readable version applied
in order, so two sessions saving at once both keep their changes (the later one wins only on
an objective both changed). A file that cannot be read is named in `skipped` and left out; it
never stops the page.

Saving checks every change first and writes nothing when one is wrong (`ObjectiveError`
lists them as codes, `PROBLEMS`): the owner, KPI, period, target and weight, and the editor's
grant — leadership over every team edits everything, the department's objectives included;
leadership over some teams and a supervisor edit only their teams' and their teams' agents'
objectives; other roles edit nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from scoring.access import Grant
from scoring.analyses.objectives import COLUMNS, dataset_objectives, objective_id
from scoring.data.dataset import Dataset
from scoring.registry.contract import OWNER_TYPES
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import for_statistics
from scoring.stores import versioned

FOLDER = "objectives"
FORMAT = 1
EDITOR_ROLES = ("leadership", "supervisor")
# what can be wrong with a change: its owner type, owner (not in the dataset), KPI, target
# (not a positive number), weight (not a number ≥ 0), period (not dates, or backwards),
# grant (the editor may not change this owner's objectives), unknown (deletes no objective)
PROBLEMS = ("owner_type", "owner", "kpi", "target", "weight", "period", "grant", "unknown")


@dataclass(frozen=True)
class Objective:
    owner_type: str
    owner_id: str
    kpi: str
    period_start: date
    period_end: date
    target: float
    weight: float | None = None

    @property
    def id(self) -> str:
        return objective_id(*(getattr(self, c) for c in COLUMNS[:5]))

    def to_dict(self) -> dict:
        values = {c: getattr(self, c) for c in COLUMNS}
        return {**values, "period_start": self.period_start.isoformat(),
                "period_end": self.period_end.isoformat()}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping) -> Objective:
        try:
            weight = data.get("weight")
            return cls(
                str(data["owner_type"]),
                str(data["owner_id"]),
                str(data["kpi"]),
                date.fromisoformat(str(data["period_start"])),
                date.fromisoformat(str(data["period_end"])),
                float(data["target"]),
                None if weight is None else float(weight),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not an objective ({exc!r})") from None


class ObjectiveError(ValueError):
    """Changes that cannot be saved: `problems` lists (code of PROBLEMS, what it names)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{code}: {what}" for code, what in problems))


def _number(value) -> float | None:
    """A finite number from a number or a text (a decimal comma allowed); None otherwise."""
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def make(
    owner_type: str,
    owner_id: str,
    kpi: str,
    period_start,
    period_end,
    target,
    weight=None,
) -> Objective:
    """An objective of raw values (a target or weight may be text); ObjectiveError naming
    each value that is wrong (the owner is checked against the data on saving)."""
    problems = []
    if owner_type not in OWNER_TYPES:
        problems.append(("owner_type", str(owner_type)))
    if not str(owner_id or "").strip():
        problems.append(("owner", ""))
    if kpi not in KPIS_BY_ID:
        problems.append(("kpi", str(kpi)))
    number = _number(target)
    if number is None or number <= 0:
        problems.append(("target", str(target)))
    empty_weight = weight is None or (isinstance(weight, str) and not weight.strip())
    weight_number = None if empty_weight else _number(weight)
    if not empty_weight and (weight_number is None or weight_number < 0):
        problems.append(("weight", str(weight)))
    dates = all(isinstance(d, date) for d in (period_start, period_end))
    if not dates or period_end < period_start:
        problems.append(("period", f"{period_start} … {period_end}"))
    if problems:
        raise ObjectiveError(problems)
    return Objective(owner_type, str(owner_id).strip(), kpi, period_start, period_end,
                     number, weight_number)  # fmt: skip


def may_edit(grant: Grant, owner_type: str, owner_id: str, teams: Mapping[str, str]) -> bool:
    """Whether this grant may change the objectives of this owner (`teams`: agent → team)."""
    if grant.role not in EDITOR_ROLES:
        return False
    if owner_type == "department":
        return grant.role == "leadership" and grant.teams is None
    team = owner_id if owner_type == "team" else teams.get(owner_id)
    return team is not None and grant.allows_team(team)


def _owner_known(o: Objective, teams: Mapping[str, str]) -> bool:
    if o.owner_type == "agent":
        return o.owner_id in teams
    return o.owner_type == "department" or o.owner_id in set(teams.values())


@dataclass(frozen=True)
class Edit:
    """One saved version: the objectives put and the ids deleted, who saved it, when, why."""

    puts: tuple[Objective, ...] = ()
    deletes: tuple[str, ...] = ()
    author: str = ""
    note: str = ""
    created_at: str = ""  # ISO 8601, UTC
    version: int = 0

    def to_dict(self) -> dict:
        return {
            "_objectives": FORMAT,
            "version": self.version,
            "author": self.author,
            "note": self.note,
            "created_at": self.created_at,
            "puts": [o.to_dict() for o in self.puts],
            "deletes": list(self.deletes),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Edit:
        try:
            if data["_objectives"] != FORMAT:
                raise ValueError(f"format {data['_objectives']!r}, expected {FORMAT}")
            return cls(
                tuple(Objective.from_dict(o) for o in data["puts"]),
                tuple(str(i) for i in data["deletes"]),
                str(data.get("author", "")),
                str(data.get("note", "")),
                str(data.get("created_at", "")),
                int(data["version"]),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not an objectives version ({exc!r})") from None


def from_frame(frame: pd.DataFrame) -> list[Objective]:
    """The objectives of a frame of `COLUMNS` (the dataset's table)."""
    return [Objective.from_dict(_plain(row)) for row in frame[list(COLUMNS)].to_dict("records")]


def _plain(row: Mapping) -> dict:
    weight = row.get("weight")
    return {**row, "weight": None if weight is None or pd.isna(weight) else weight}


@for_statistics
def to_frame(objectives: Iterable[Objective]) -> pd.DataFrame:
    """`id` and `COLUMNS` of each objective (the input of the attainment analysis)."""
    rows = [{"id": o.id, **{c: getattr(o, c) for c in COLUMNS}} for o in objectives]
    frame = pd.DataFrame(rows, columns=["id", *COLUMNS])
    frame["weight"] = frame["weight"].astype(float)
    return frame


class ObjectiveStore:
    """The edited objectives of one dataset, in `<state_dir>/objectives/`, read afresh on
    every call; after `versions()` or `current()`, `skipped` names unreadable files."""

    def __init__(self, state_dir: Path | str):
        self.folder = Path(state_dir) / FOLDER
        self._versions = versioned.VersionFolder(self.folder)
        self.skipped: list[str] = []

    def versions(self) -> list[Edit]:
        """Every readable version, oldest first."""
        found, self.skipped = [], []
        for number, path in self._versions.files():
            try:
                edit = Edit.from_dict(versioned.read(path))
                if edit.version != number:
                    raise ValueError(f"holds version {edit.version}, not {number}")
            except ValueError as exc:
                self.skipped.append(f"{path.name}: {exc}")
                continue
            found.append(edit)
        return found

    def fingerprint(self) -> tuple[tuple[str, int], ...]:
        return self._versions.fingerprint()

    def current(self, base: Iterable[Objective]) -> list[Objective]:
        """The objectives in force: `base` (the dataset's table) with every version applied."""
        objectives = {o.id: o for o in base}
        for edit in self.versions():
            for removed in edit.deletes:
                objectives.pop(removed, None)
            objectives.update({o.id: o for o in edit.puts})
        return sorted(objectives.values(), key=lambda o: (o.period_start, o.owner_type, o.id))

    def save(
        self,
        base: Iterable[Objective],
        grant: Grant,
        teams: Mapping[str, str],
        puts: Iterable[Objective] = (),
        deletes: Iterable[str] = (),
        author: str = "",
        note: str = "",
        now: datetime | None = None,
    ) -> Edit:
        """Check every change (`ObjectiveError`, nothing written) and store them as the next
        version; returns it as stored."""
        puts, deletes = tuple(puts), tuple(deletes)
        in_force = {o.id: o for o in self.current(base)}
        problems = [p for o in puts for p in _put_problems(o, grant, teams)]
        for removed in deletes:
            if removed not in in_force:
                problems.append(("unknown", removed))
            elif not _may_edit_objective(grant, in_force[removed], teams):
                problems.append(("grant", removed))
        if problems:
            raise ObjectiveError(problems)
        stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        edit = Edit(puts, deletes, author.strip(), note.strip(), stamp)
        number = self._versions.save(lambda n: replace(edit, version=n).to_dict())
        return replace(edit, version=number)


def _may_edit_objective(grant: Grant, o: Objective, teams: Mapping[str, str]) -> bool:
    return may_edit(grant, o.owner_type, o.owner_id, teams)


def _put_problems(o: Objective, grant: Grant, teams: Mapping[str, str]) -> list[tuple[str, str]]:
    if not _owner_known(o, teams):
        return [("owner", o.owner_id)]
    return [] if _may_edit_objective(grant, o, teams) else [("grant", o.id)]


def in_force(ds: Dataset, store: ObjectiveStore) -> list[Objective]:
    """The dataset's objectives with the store's edits applied: what the page and the
    objectives command track."""
    return store.current(from_frame(dataset_objectives(ds)))
