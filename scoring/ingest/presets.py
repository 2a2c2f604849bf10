"""Import presets for common helpdesk exports, and the saved mappings.

A preset is one declaration per product (field names and value codes of each product's
ticket export in its English UI, as the product documents it): for each target a list of
options, best first — a header
(the raw field name and the list-view display label are both listed where they differ) or a
full `Source` — plus value maps. `suggest(..., preset=...)` takes the first option whose
columns the export has and fills the rest from the generic synonyms; date formats are still
detected from the data unless the preset fixes one.

Saved mappings ("our monthly export") are JSON files `<state>/mappings/<name>.json`:

```json
{"name": "monthly", "revision": 3, "saved_at": "2026-04-01T09:00:00",
 "mapping": {…Mapping.to_dict()…},
 "previous": [{"revision": 2, "saved_at": "…", "mapping": {…}}, {"revision": 1, …}]}
```

Saving a name again keeps the former current mapping in `previous` (newest first). Files
are written atomically: a temporary file in the same folder, then `os.replace`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scoring.files import write_atomically
from scoring.ingest.mapping import (
    FRESHDESK_CSAT,
    ZENDESK_CSAT,
    KeepLast,
    Mapping,
    MappingError,
    Source,
)


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    sources: dict[str, tuple[str | Source, ...]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    keep_last: KeepLast | None = None
    note: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header the preset knows (for recognising an export)."""
        out = [
            c
            for options in self.sources.values()
            for o in options
            for c in ((o,) if isinstance(o, str) else o.raw_columns)
        ]
        return tuple(dict.fromkeys(out))


def _after(col: str, unit: str, base: str = "tickets.created_at") -> Source:
    return Source(kind="derive", derive="after", column=col, unit=unit, base=base)


def _positive(col: str) -> Source:
    return Source(kind="derive", derive="positive", column=col)


def _col(col: str, **kw: Any) -> Source:
    return Source(kind="column", column=col, **kw)


SERVICENOW_PRIORITY = {
    "1 - Critical": "urgent",
    "2 - High": "high",
    "3 - Moderate": "medium",
    "4 - Low": "low",
    "5 - Planning": "low",
}
SERVICENOW_CHANNEL = {"self-service": "web", "walk-in": "onsite", "Self-service": "web"}
JIRA_PRIORITY = {
    "Highest": "urgent",
    "High": "high",
    "Medium": "medium",
    "Low": "low",
    "Lowest": "low",
}
# Chosen from the data by detection; fixed only where the product is known to write one.
JIRA_DATE = "%d/%b/%y %I:%M %p"

ZENDESK = Preset(
    "zendesk",
    "Zendesk",
    {
        "tickets.ticket_id": ("Id",),
        "tickets.agent_id": ("Assignee",),
        "tickets.created_at": ("Created at",),
        "tickets.accepted_at": ("Initially assigned at", "Assigned at"),
        "tickets.first_response_at": (_after("First reply time in minutes", "minutes"),),
        "tickets.resolved_at": ("Solved at",),
        "tickets.channel": ("Via",),
        "tickets.category": ("Ticket type",),
        "tickets.priority": ("Priority",),
        "tickets.customer_id": ("Requester id", "Requester"),
        "tickets.reopened": (_positive("Reopens"),),
        "surveys.csat": ("Satisfaction Score",),
        "agents.team": ("Group",),
    },
    values={
        "surveys.csat": ZENDESK_CSAT,
        "tickets.priority": {"Normal": "medium"},
        "tickets.channel": {"Web form": "web", "Mail": "email", "Web service": "web"},
    },
    note="Satisfaction is two-point: Good = 5, Bad = 1, Offered/Unoffered = no survey.",
)

FRESHDESK = Preset(
    "freshdesk",
    "Freshdesk",
    {
        "tickets.ticket_id": ("Ticket ID",),
        "tickets.agent_id": ("Agent",),
        "tickets.created_at": ("Created time",),
        "tickets.first_response_at": ("Initial response time",),
        "tickets.resolved_at": ("Resolved time", "Closed time"),
        "tickets.channel": ("Source",),
        "tickets.category": ("Type",),
        "tickets.product": ("Product",),
        "tickets.priority": ("Priority",),
        "tickets.customer_id": ("Contact ID",),
        "tickets.contacts": ("Customer interactions",),
        "tickets.handle_minutes": (_col("Time tracked", unit="duration"),),
        "surveys.csat": ("Survey results",),
        "agents.team": ("Group",),
    },
    values={
        "surveys.csat": FRESHDESK_CSAT,
        "tickets.channel": {"Portal": "web", "Feedback Widget": "web"},
    },
    note="Classic satisfaction codes 103 … -103 rescaled linearly onto 1–5.",
)

SERVICENOW = Preset(
    "servicenow",
    "ServiceNow incident",
    {
        "tickets.ticket_id": ("number", "Number"),
        "tickets.agent_id": ("assigned_to", "Assigned to", "resolved_by", "Resolved by"),
        "tickets.created_at": ("opened_at", "Opened", "sys_created_on", "Created"),
        "tickets.resolved_at": ("resolved_at", "Resolved", "closed_at", "Closed"),
        "tickets.channel": ("contact_type", "Channel", "Contact type"),
        "tickets.category": ("category", "Category"),
        "tickets.priority": ("priority", "Priority"),
        "tickets.customer_id": ("caller_id", "Caller"),
        "tickets.reopened": (_positive("reopen_count"), _positive("Reopen count")),
        "agents.team": ("assignment_group", "Assignment group"),
    },
    values={"tickets.priority": SERVICENOW_PRIORITY, "tickets.channel": SERVICENOW_CHANNEL},
    keep_last=KeepLast("sys_updated_on"),
    note="Unknown values are '?'. An event-log export has one row per update: the mapping "
    "keeps the last row per number by sys_updated_on (keep_last).",
)

JIRA = Preset(
    "jira",
    "Jira Service Management",
    {
        "tickets.ticket_id": ("Issue key", "Issue id"),
        "tickets.agent_id": ("Assignee",),
        "tickets.created_at": (_col("Created", format=JIRA_DATE),),
        "tickets.resolved_at": (_col("Resolved", format=JIRA_DATE),),
        "tickets.category": ("Custom field (Request Type)", "Issue Type"),
        "tickets.priority": ("Priority",),
        "tickets.customer_id": ("Reporter",),
        "surveys.csat": ("Satisfaction rating",),
        "surveys.submitted_at": (_col("Custom field (Satisfaction date)", format=JIRA_DATE),),
    },
    values={"tickets.priority": JIRA_PRIORITY},
    note="Dates like 12/Mar/26 9:41 AM; no channel field (give a constant).",
)

GENERIC = Preset(
    "generic",
    "Generic helpdesk",
    {
        "tickets.ticket_id": ("Ticket_ID", "Ticket ID", "工单编号", "工单号"),
        "tickets.agent_id": ("Agent", "处理人", "受理人"),
        "tickets.created_at": ("Created_Date", "Created Date", "创建时间"),
        "tickets.resolved_at": ("Resolved_Date", "Resolved Date", "解决时间"),
        "tickets.channel": ("Channel", "渠道"),
        "tickets.category": ("Category", "类别"),
        "tickets.priority": ("Priority", "优先级"),
    },
    note="A ticket list with id, agent, created and resolved dates, channel and category.",
)

PRESETS: dict[str, Preset] = {p.name: p for p in (ZENDESK, FRESHDESK, SERVICENOW, JIRA, GENERIC)}


def get(name: str | None) -> Preset | None:
    if name is None:
        return None
    if name not in PRESETS:
        raise KeyError(f"preset: {name!r} is not one of {', '.join(PRESETS)}")
    return PRESETS[name]


def recognise(columns: list[str] | tuple[str, ...]) -> str | None:
    """The preset whose headers the export has most of (at least 4 and half its own)."""
    have = set(columns)
    best, best_hits = None, 0
    for preset in PRESETS.values():
        hits = len(have & set(preset.headers))
        enough = hits >= 4 and hits * 2 >= len(preset.sources)
        if enough and hits > best_hits:
            best, best_hits = preset.name, hits
    return best


# --------------------------------------------------------------------------------------
# Saved mappings

_NAME = re.compile(r"^[\w\- ]{1,80}$")


class MappingStore:
    """Named mappings in `<state>/mappings/`, each file keeping its previous versions."""

    def __init__(self, state_dir: Path | str):
        self.folder = Path(state_dir) / "mappings"

    def path(self, name: str) -> Path:
        if not _NAME.match(name) or name.strip() != name:
            raise ValueError(f"name: {name!r} — letters, digits, spaces, _ and - only")
        return self.folder / f"{name}.json"

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.json")) if self.folder.exists() else []

    def listing(self) -> list[dict[str, Any]]:
        """Name, current revision and save time of every saved mapping."""
        out = []
        for name in self.names():
            doc = self._read(name)
            out.append({"name": name, "revision": doc["revision"], "saved_at": doc["saved_at"]})
        return out

    def save(self, name: str, mapping: Mapping, now: datetime | None = None) -> int:
        """Save as the new current version; returns its revision number."""
        path = self.path(name)
        previous: list[dict[str, Any]] = []
        revision = 1
        if path.exists():
            old = self._read(name)
            previous = [
                {k: old[k] for k in ("revision", "saved_at", "mapping")},
                *old.get("previous", []),
            ]
            revision = old["revision"] + 1
        doc = {
            "name": name,
            "revision": revision,
            "saved_at": (now or datetime.now()).isoformat(timespec="seconds"),
            "mapping": mapping.to_dict(),
            "previous": previous,
        }
        write_atomically(path, json.dumps(doc, ensure_ascii=False, indent=2))
        return revision

    def load(self, name: str, revision: int | None = None) -> Mapping:
        doc = self._read(name)
        if revision is None or revision == doc["revision"]:
            return Mapping.from_dict(doc["mapping"])
        for old in doc.get("previous", []):
            if old["revision"] == revision:
                return Mapping.from_dict(old["mapping"])
        raise KeyError(f"{name}: no revision {revision}")

    def revisions(self, name: str) -> list[int]:
        doc = self._read(name)
        return [doc["revision"], *(old["revision"] for old in doc.get("previous", []))]

    def _read(self, name: str) -> dict[str, Any]:
        path = self.path(name)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise MappingError([f"{path}: not valid JSON ({exc})"]) from exc
