"""Improvement actions (改进措施): a measure against a diagnosed gap, with an owner (责任人),
a target KPI, a start and a due date and a status, for a team (optionally one agent).

Kept in an SQLite file under the state folder (setting "state_dir"): every write is one
transaction, so a crash leaves either the old or the new state; WAL mode and a busy
timeout let two sessions write at once without losing either write. Input is checked
before anything is written; a bad value raises ValueError naming the field. Actions are
read and written within a visible scope (scoring.scope): a session sees, adds and changes
only actions of teams (and agents) it may see, whatever a form sent; anything else raises
PermissionError. A damaged file is moved aside and every action still readable in it is
copied, id and all, into a new store (`ActionStore.repair` names both files and the count);
a store that cannot be read or written now raises `sqlite_files.Unavailable`
(scoring/stores/sqlite_files.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from scoring.registry.kpis import KPI_IDS
from scoring.scope import Visible
from scoring.settings import setting
from scoring.stores import sqlite_files

STATUSES = ("planned", "in_progress", "done", "cancelled")
FILE_NAME = "actions.sqlite"
BUSY_TIMEOUT_S = 10
MAX_TEXT = 2000

_SCHEMA = """CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team TEXT NOT NULL,
    agent_id TEXT,
    kpi TEXT NOT NULL,
    measure TEXT NOT NULL,
    owner TEXT NOT NULL,
    start_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
)"""


@dataclass(frozen=True)
class Action:
    id: int
    team: str
    agent_id: str | None
    kpi: str
    measure: str
    owner: str
    start_date: date
    due_date: date
    status: str
    created_at: datetime

    def as_dict(self) -> dict:
        return asdict(self)


def _text(name: str, value, required: bool = True) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise ValueError(f"{name} must not be empty")
        return None
    if len(text) > MAX_TEXT:
        raise ValueError(f"{name} is too long ({len(text)} characters, at most {MAX_TEXT})")
    return text


def _date(name: str, value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None


def _status(value) -> str:
    if value not in STATUSES:
        raise ValueError(f"unknown status {value!r} (known: {', '.join(STATUSES)})")
    return value


def validate(
    team, kpi, measure, owner, start_date, due_date, status="planned", agent_id=None
) -> dict:
    """The cleaned fields of a new action, or ValueError naming the first bad field."""
    fields = {
        "team": _text("team", team),
        "agent_id": _text("agent", agent_id, required=False),
        "measure": _text("measure", measure),
        "owner": _text("owner", owner),
    }
    if kpi not in KPI_IDS:
        raise ValueError(f"unknown KPI {kpi!r} (known: {', '.join(KPI_IDS)})")
    start, due = _date("start date", start_date), _date("due date", due_date)
    if due < start:
        raise ValueError(f"due date {due} is before the start date {start}")
    return fields | {"kpi": kpi, "start_date": start, "due_date": due, "status": _status(status)}


def _row(row: sqlite3.Row) -> Action:
    return Action(
        id=row["id"],
        team=row["team"],
        agent_id=row["agent_id"],
        kpi=row["kpi"],
        measure=row["measure"],
        owner=row["owner"],
        start_date=date.fromisoformat(row["start_date"]),
        due_date=date.fromisoformat(row["due_date"]),
        status=row["status"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


class ActionStore:
    """Improvement actions in one SQLite file; safe to use from several threads/processes."""

    def __init__(self, path: str | Path | None = None):
        folder = Path(setting("state_dir")) if path is None else None
        self._file = sqlite_files.StoreFile(
            Path(path) if path is not None else folder / FILE_NAME,
            BUSY_TIMEOUT_S,
            schema=lambda con: con.execute(_SCHEMA),
            restore=lambda moved_to, con: sqlite_files.copy_rows(moved_to, con, "actions"),
            configure=_rows_by_name,
        )
        self.path = self._file.path

    @property
    def repair(self) -> sqlite_files.Repair | None:
        """The damaged file this store replaced, if any (see sqlite_files.StoreFile)."""
        return self._file.repair

    def add(
        self,
        visible: Visible,
        team: str,
        kpi: str,
        measure: str,
        owner: str,
        start_date,
        due_date,
        status: str = "planned",
        agent_id: str | None = None,
    ) -> Action:
        """Check and save a new action in one transaction; returns it with its id.
        PermissionError when its team (or agent) is outside `visible`."""
        fields = validate(team, kpi, measure, owner, start_date, due_date, status, agent_id)
        _check_visible(visible, fields["team"], fields["agent_id"])
        created = datetime.now(UTC).replace(microsecond=0)
        values = (
            fields["team"],
            fields["agent_id"],
            fields["kpi"],
            fields["measure"],
            fields["owner"],
            fields["start_date"].isoformat(),
            fields["due_date"].isoformat(),
            fields["status"],
            created.isoformat(),
        )
        return self._get(self._file.run(lambda con: _insert(con, values)))

    def _get(self, action_id: int) -> Action:
        row = self._file.run(
            lambda con: con.execute("SELECT * FROM actions WHERE id = ?", (action_id,)).fetchone()
        )
        if row is None:
            raise KeyError(f"no improvement action with id {action_id}")
        return _row(row)

    def set_status(self, visible: Visible, action_id: int, status: str) -> Action:
        """Change an action's status; KeyError for an unknown id, PermissionError for an
        action outside `visible` (told apart only after the scope check passes)."""
        _status(status)
        current = self._get(action_id)
        _check_visible(visible, current.team, current.agent_id)
        changed = self._file.run(
            lambda con: (
                con.execute(
                    "UPDATE actions SET status = ? WHERE id = ?", (status, action_id)
                ).rowcount
            )
        )
        if not changed:
            raise KeyError(f"no improvement action with id {action_id}")
        return self._get(action_id)

    def list(
        self, visible: Visible, team: str | None = None, kpi: str | None = None
    ) -> list[Action]:
        """The actions `visible` allows (of one team / KPI when given), by start date, id."""
        sql = (
            "SELECT * FROM actions WHERE (? IS NULL OR team = ?) AND (? IS NULL OR kpi = ?)"
            " ORDER BY start_date, id"
        )
        rows = self._file.run(lambda con: con.execute(sql, (team, team, kpi, kpi)).fetchall())
        listed = (_row(r) for r in rows)
        return [a for a in listed if visible.allows_person(a.team, a.agent_id)]


def _rows_by_name(connection: sqlite3.Connection) -> None:
    connection.row_factory = sqlite3.Row


def _insert(con: sqlite3.Connection, values: tuple) -> int:
    """Insert one action in one transaction; its new id."""
    cursor = sqlite_files.in_transaction(
        con,
        lambda con: con.execute(
            "INSERT INTO actions (team, agent_id, kpi, measure, owner, start_date, due_date,"
            " status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        ),
    )
    return cursor.lastrowid


def _check_visible(visible: Visible, team: str, agent_id: str | None) -> None:
    if not visible.allows_person(team, agent_id):
        who = f"team {team!r}" + (f", agent {agent_id!r}" if agent_id else "")
        raise PermissionError(f"an action of {who} is outside what this session may see")
