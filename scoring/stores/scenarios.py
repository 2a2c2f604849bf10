"""Named what-if scenarios (方案): save, list, load, compare, delete, mark the official baseline.

A scenario holds what leadership tuned (a scoring policy, `scoring.engine.policy.Policy`:
weights — or per-segment weights —, grading thresholds or quotas, bonus pool and rule),
the filters it was made for, its author and the time it was saved. Scenarios are kept in
one SQLite file, `<state_dir>/scenarios.sqlite`:

- every change is one transaction (`BEGIN IMMEDIATE`), so a crash never leaves half a
  scenario and two people saving at once both keep their scenario (WAL journal, busy timeout);
- `secure_delete` zeroes deleted rows, so nothing deleted can come back in a recovery;
- a damaged file (not a database, empty, or failing SQLite's integrity check — found when
  opening or later) is moved aside to `scenarios.sqlite.damaged-<time>`, every scenario
  still readable in it is copied into a new store, and `ScenarioStore.repair` names both
  files and the count (scoring/stores/sqlite_files.py). A scenario is stored as one JSON
  text that starts with `{"_scenario"`, so it can also be found in the raw bytes of the file
  when SQLite cannot read its page any more;
- a store that cannot be read or written now (read-only folder, full disk) raises
  `sqlite_files.Unavailable` and changes nothing.

Bodies of format 2 hold the policy as `Policy.to_dict()` under "policy"; bodies of format 1
(written before the policy record) carry the policy's fields next to the name and still load.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TypeVar

import pandas as pd

from scoring import export
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters
from scoring.scope import Visible, shows_rows
from scoring.settings import setting
from scoring.stores import sqlite_files

STORE_FILE = "scenarios.sqlite"
BUSY_TIMEOUT_S = 30
FORMAT = 2  # of the stored body; 1: the policy's fields next to the name
_MARKER = '{"_scenario"'
T = TypeVar("T")
_SCHEMA = "CREATE TABLE IF NOT EXISTS scenarios (name TEXT PRIMARY KEY, body TEXT NOT NULL)"


@dataclass(frozen=True)
class Scenario:
    """A named scoring policy with the filters it was made for, its author and save time."""

    name: str
    policy: Policy
    filters: Filters = field(default_factory=Filters)
    author: str = ""
    created_at: str = ""  # ISO 8601, UTC; set when saved


def check(scenario: Scenario) -> None:
    """Raise ValueError when the name is not usable (the policy checked itself when made)."""
    if not scenario.name.strip() or len(scenario.name) > 80:
        raise ValueError("scenario name: 1–80 characters, not only spaces")


# ---------------------------------------------------------------------------------------
# JSON (exact round trip: floats as Python's shortest repr, tuples restored)


def _filters_json(filters: Filters) -> dict:
    out = {}
    for f in fields(filters):
        value = getattr(filters, f.name)
        if isinstance(value, date):
            out[f.name] = value.isoformat()
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        else:
            out[f.name] = value
    return out


def _filters_of(data: dict) -> Filters:
    values = {}
    for f in fields(Filters):
        value = data.get(f.name)
        if f.name in ("start", "end"):
            values[f.name] = date.fromisoformat(value) if value else None
        else:
            values[f.name] = tuple(value or ())
    return Filters(**values)


def to_json(scenario: Scenario, official: bool = False, revision: int = 0) -> str:
    body = {
        "name": scenario.name,
        "policy": scenario.policy.to_dict(),
        "filters": _filters_json(scenario.filters),
        "author": scenario.author,
        "created_at": scenario.created_at,
    }
    envelope = {"_scenario": FORMAT, "revision": revision, "official": official, "scenario": body}
    return json.dumps(envelope, ensure_ascii=False, allow_nan=False)


_SCENARIO_KEYS = ("name", "filters", "author", "created_at")


def from_json(text: str) -> tuple[Scenario, bool, int]:
    """(scenario, official, revision) from a stored body of either format; ValueError when
    it is not one."""
    try:
        envelope = json.loads(text)
        body = dict(envelope["scenario"])
        if envelope["_scenario"] == 1:  # the policy's fields were the body's other keys
            body["policy"] = {k: v for k, v in body.items() if k not in _SCENARIO_KEYS}
        scenario = Scenario(
            name=body["name"],
            policy=Policy.from_dict(body["policy"]),
            filters=_filters_of(body.get("filters") or {}),
            author=body.get("author", ""),
            created_at=body.get("created_at", ""),
        )
        check(scenario)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a readable scenario ({exc})") from None
    return scenario, bool(envelope.get("official")), int(envelope.get("revision", 0))


# ---------------------------------------------------------------------------------------
# The store


class ScenarioStore:
    """Scenarios in `<state_dir>/scenarios.sqlite` (default state folder: the setting).

    `repair` is None, or the damaged file this store replaced (what was moved where, how
    many scenarios were kept). `skipped` lists stored rows that could not be read as
    scenarios (left in place, not shown).
    """

    def __init__(self, state_dir: Path | str | None = None):
        self.skipped: list[str] = []
        self._file = sqlite_files.StoreFile(
            Path(state_dir or setting("state_dir")) / STORE_FILE,
            BUSY_TIMEOUT_S,
            schema=lambda connection: connection.execute(_SCHEMA),
            restore=_restore,
            configure=lambda connection: connection.execute("PRAGMA secure_delete = ON"),
        )
        self.path = self._file.path

    @property
    def repair(self) -> sqlite_files.Repair | None:
        return self._file.repair

    # -- connections -------------------------------------------------------------------

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(connection)` in one transaction (BEGIN IMMEDIATE … COMMIT)."""
        return self._file.run(lambda connection: sqlite_files.in_transaction(connection, work))

    def _rows(self) -> list[tuple[str, str]]:
        sql = "SELECT name, body FROM scenarios ORDER BY name"
        return self._file.run(lambda connection: connection.execute(sql).fetchall())

    # -- reading -----------------------------------------------------------------------

    def _read_all(self) -> list[tuple[Scenario, bool]]:
        found, self.skipped = [], []
        for name, body in self._rows():
            try:
                scenario, official, _ = from_json(body)
            except ValueError as exc:
                self.skipped.append(f"{name}: {exc}")
                continue
            found.append((scenario, official))
        return found

    def catalogue(self) -> tuple[list[Scenario], Scenario | None]:
        """Every readable scenario by name, and the official one (one read of the store)."""
        found = self._read_all()
        return [s for s, _ in found], next((s for s, official in found if official), None)

    def list(self) -> list[Scenario]:
        """Every readable scenario, by name."""
        return self.catalogue()[0]

    def names(self) -> list[str]:
        return [s.name for s in self.list()]

    def load(self, name: str) -> Scenario:
        for scenario, _ in self._read_all():
            if scenario.name == name:
                return scenario
        raise KeyError(f"no scenario named '{name}' in {self.path}")

    def official(self) -> Scenario | None:
        """The scenario marked as the official baseline, if any."""
        return self.catalogue()[1]

    # -- writing -----------------------------------------------------------------------

    def save(self, scenario: Scenario, overwrite: bool = True) -> Scenario:
        """Store the scenario (stamped with the current time if it has none); returns it.

        Saving under an existing name replaces that scenario (keeping its official mark)
        unless overwrite is False, then ValueError.
        """
        check(scenario)
        if not scenario.created_at:
            stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")  # noqa: UP017
            scenario = replace(scenario, created_at=stamp)

        def store(connection: sqlite3.Connection) -> None:
            row = connection.execute(
                "SELECT body FROM scenarios WHERE name = ?", (scenario.name,)
            ).fetchone()
            if row and not overwrite:
                raise ValueError(f"a scenario named '{scenario.name}' exists already")
            official = bool(row) and _official_of(row[0])
            _insert(connection, scenario, official)

        self._transaction(store)
        return scenario

    def delete(self, name: str) -> None:

        def remove(connection: sqlite3.Connection) -> None:
            deleted = connection.execute("DELETE FROM scenarios WHERE name = ?", (name,))
            if deleted.rowcount == 0:
                raise KeyError(f"no scenario named '{name}' in {self.path}")

        self._transaction(remove)

    def mark_official(self, name: str | None) -> None:
        """Make this scenario the official baseline (None: no official scenario)."""

        def mark(connection: sqlite3.Connection) -> None:
            rows = connection.execute("SELECT name, body FROM scenarios").fetchall()
            if name is not None and name not in {n for n, _ in rows}:
                raise KeyError(f"no scenario named '{name}' in {self.path}")
            for row_name, body in rows:
                want = row_name == name
                try:
                    scenario, official, _ = from_json(body)
                except ValueError:
                    continue
                if official != want:
                    connection.execute(
                        "UPDATE scenarios SET body = ? WHERE name = ?",
                        (to_json(scenario, want, time.time_ns()), row_name),
                    )

        self._transaction(mark)


def _insert(connection: sqlite3.Connection, scenario: Scenario, official: bool) -> None:
    connection.execute(
        "INSERT OR REPLACE INTO scenarios (name, body) VALUES (?, ?)",
        (scenario.name, to_json(scenario, official, time.time_ns())),
    )


def _restore(moved_to: Path, connection: sqlite3.Connection) -> int:
    """Every scenario readable in the damaged file, into the new store; how many."""
    kept = salvage(moved_to)
    sqlite_files.in_transaction(
        connection, lambda c: [_insert(c, scenario, official) for scenario, official in kept]
    )
    return len(kept)


def _official_of(body: str) -> bool:
    try:
        return from_json(body)[1]
    except ValueError:
        return False


def salvage(path: Path) -> list[tuple[Scenario, bool]]:
    """Every scenario readable in a damaged store: the rows SQLite can still read
    (`sqlite_files.readable_rows`), then the raw bytes.

    The raw scan looks for the `{"_scenario"` marker in the file and its WAL journal and
    decodes the JSON text that follows; of several versions of one name the latest
    revision wins. Deleted rows were zeroed (secure_delete), so they do not come back.
    """
    best: dict[str, tuple[int, Scenario, bool]] = {}

    def consider(text: str) -> None:
        try:
            scenario, official, revision = from_json(text)
        except ValueError:
            return
        if scenario.name not in best or revision > best[scenario.name][0]:
            best[scenario.name] = (revision, scenario, official)

    for _, body in sqlite_files.readable_rows(path, "scenarios"):
        consider(body)
    decoder = json.JSONDecoder()
    for file in (path, path.with_name(path.name + "-wal")):
        if not file.exists():
            continue
        text = file.read_bytes().decode("utf-8", errors="replace")
        for match in re.finditer(re.escape(_MARKER), text):
            with contextlib.suppress(ValueError):
                obj, _ = decoder.raw_decode(text, match.start())
                consider(json.dumps(obj, ensure_ascii=False))
    return [(scenario, official) for _, scenario, official in sorted(best.values(),
            key=lambda item: item[1].name)]  # fmt: skip


# ---------------------------------------------------------------------------------------
# Compare and export


def _shown_names(field: str, names: list[str], visible: Visible) -> str:
    """A filter's team or agent names as shown: the visible ones, and how many others.

    Agent ids are shown only to a scope naming them or seeing everything (the team of an
    agent id in a saved filter is not at hand to check)."""
    if field == "teams":
        shown = [n for n in names if visible.allows_team(n)]
    elif field == "agents" and not visible.is_everything:
        shown = [n for n in names if visible.agents is not None and n in visible.agents]
    else:
        shown = names
    hidden = len(names) - len(shown)
    return ", ".join(shown + ([f"+{hidden} not shown"] if hidden else []))


@shows_rows
def settings_table(scenario: Scenario, visible: Visible) -> pd.DataFrame:
    """The scenario as setting → value rows (weights in %, one row per KPI). The teams and
    agents of its filters that `visible` does not allow are only counted: a scenario saved
    by someone who sees other teams does not name them."""
    policy = scenario.policy
    rows = [
        ("name", scenario.name),
        ("author", scenario.author),
        ("created_at", scenario.created_at),
        ("method", policy.method),
        ("grading", policy.grading),
        ("thresholds", " / ".join(f"{x:g}" for x in policy.thresholds)),
        ("quotas", " / ".join(f"{x:.0%}" for x in policy.quotas)),
        ("pool", policy.pool),
        ("rule", policy.rule),
        ("objective_share", f"{policy.objective_share:.0%}"),
        ("must_be", ", ".join(policy.must_be)),
        ("bonus", ", ".join(policy.bonus)),
    ]
    for name, value in _filters_json(scenario.filters).items():
        if value:
            shown = _shown_names(name, value, visible) if isinstance(value, list) else value
            rows.append((f"filter {name}", shown))
    weight_sets = policy.segment_weights or {"": policy.weights}
    for segment, weights in weight_sets.items():
        total = sum(weights.values()) or 1.0
        for kpi_id, weight in weights.items():
            if weight > 0:
                label = f"weight {segment + ' ' if segment else ''}{kpi_id}"
                rows.append((label, round(weight / total * 100, 2)))
    for kpi_id, values in policy.targets.items():
        shown = " / ".join("—" if v is None else f"{v:g}" for v in values)
        rows.append((f"targets {kpi_id}", shown))
    return pd.DataFrame(rows, columns=["setting", "value"])


@shows_rows
def compare(a: Scenario, b: Scenario, visible: Visible) -> pd.DataFrame:
    """Two scenarios side by side: setting, value in a, value in b, whether they differ
    (filters as `visible` may see them, see `settings_table`)."""
    left = settings_table(a, visible).set_index("setting")["value"].rename(a.name)
    right = settings_table(b, visible).set_index("setting")["value"].rename(b.name + " ")
    table = pd.concat([left, right], axis=1).reset_index()
    table.columns = ["setting", "a", "b"]
    table["differs"] = [
        not (pd.isna(x) and pd.isna(y)) and x != y
        for x, y in zip(table["a"], table["b"], strict=True)
    ]
    return table


def to_excel(scenario: Scenario, payouts: pd.DataFrame) -> bytes:
    """The scenario's settings and its per-agent payouts, one sheet each (formulas neutralised).

    For the scenario of the session exporting it: its filters are the session's own, so they
    are shown whole, and `payouts` holds only the agents the session may see
    (`whatif.visible_results`)."""
    settings = settings_table(scenario, Visible.of(scenario.filters))
    return export.to_excel_bytes({"scenario": settings, "payouts": payouts})
