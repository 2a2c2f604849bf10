"""Appraisal periods of one dataset (考核周期): closed records, their versions, publishing,
appeals (申诉) and feedback talks (绩效面谈), kept in the dataset's state folder::

    <state folder>/periods/kind/v000001.json, …           the period kind, as last set
    <state folder>/periods/<period>/records/v000001.json, …  a closed result per version
    <state folder>/periods/<period>/events/v000001.json, …   every step, in order

Both are folders of numbered files written once (`scoring/stores/versioned.py`): nothing is
ever changed or deleted, two sessions saving at once both keep what they saved, and a file
that cannot be read is named in `skipped` and left out.

- A **record** (version n of a period) freezes what `scoring.analyses.appraisal.closing`
  computed — every agent's KPIs, composite, grade, ranks, payout and award, the teams and
  the awards — with the policy (`Policy.to_dict`), the targets and objectives in force,
  the tickets left out by accepted appeals and the data's fingerprint. Reading a record
  never scores again.
- The **events** say what happened to the period, with who and when: `closed` (version n
  written), `published` (a version made visible to its agents), `reopened` (with a
  reason: the period is a draft again until it is closed as the next version),
  `appeal_filed`, `appeal_resolved` (accepted: the period re-scored without the appeal's
  tickets as the next version, published at once when the period was; rejected: a reason),
  `talk_saved` and `talk_answered`. The period's state is read from them (`PeriodState`).

A period without a record is a **draft**: its figures are live and provisional. Every step
checks the session's grant first and writes nothing when it may not, or when the period is
not in a state for it (`PeriodError` lists codes, `PROBLEMS`): leadership over every team
sets the kind, closes, reopens and publishes; leadership and a supervisor of the agent's
team resolve appeals and hold feedback talks; an agent files appeals on, and answers the
talks of, their own published results (leadership and supervisors may file for an agent
of their teams). A folder that cannot be written raises `sqlite_files.Unavailable`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from scoring.access import Grant
from scoring.analyses.appraisal import awards, closing, periods
from scoring.analyses.appraisal.closing import Frozen
from scoring.analyses.appraisal.periods import Period
from scoring.data.dataset import Dataset
from scoring.engine import schemes
from scoring.engine.policy import Policy
from scoring.scope import Visible, for_statistics, shows_rows
from scoring.stores import sqlite_files, versioned
from scoring.stores.scenarios import ScenarioStore
from scoring.stores.targets import TargetSet

FOLDER = "periods"
RECORD_FORMAT = 1
EVENT_FORMAT = 1
STATES = ("draft", "closed", "published", "reopened")
EVENTS = (
    "closed",
    "published",
    "reopened",
    "appeal_filed",
    "appeal_resolved",
    "talk_saved",
    "talk_answered",
)
DECISIONS = ("accepted", "rejected")
# what can stop a step: the session's grant, a missing reason, the period's state (e.g.
# publishing a draft), an agent not in the record, a KPI not in the record, tickets that are
# not the agent's in the period, an unknown appeal (or one already resolved), a kind, a text
# too long, a date that is not one
PROBLEMS = ("grant", "reason", "state", "agent", "kpi", "tickets", "appeal", "kind", "text", "date")
MAX_TEXT = 2000
MAX_TICKETS = 50


class PeriodError(ValueError):
    """A step that cannot be taken: `problems` lists (code of PROBLEMS, what it names)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{code}: {what}" for code, what in problems))


def _now(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------
# What is read back


@dataclass(frozen=True)
class Record:
    """One closed version of a period (see the module)."""

    version: int
    period: str
    author: str
    created_at: str
    reason: str
    based_on: int | None
    appeal: str | None
    policy: dict
    policy_source: str
    targets: dict
    objectives: list
    excluded: list  # {"ticket_id", "agent_id", "kpi", "appeal", "reason"}
    frozen: Frozen

    def to_dict(self) -> dict:
        return {
            "_period_record": RECORD_FORMAT,
            "version": self.version,
            "period": self.period,
            "author": self.author,
            "created_at": self.created_at,
            "reason": self.reason,
            "based_on": self.based_on,
            "appeal": self.appeal,
            "policy": self.policy,
            "policy_source": self.policy_source,
            "targets": self.targets,
            "objectives": self.objectives,
            "excluded": self.excluded,
            "frozen": self.frozen.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Record:
        try:
            if data["_period_record"] != RECORD_FORMAT:
                raise ValueError(f"format {data['_period_record']!r}, expected {RECORD_FORMAT}")
            Policy.from_dict(data["policy"])  # a record whose policy does not load is damaged
            return cls(
                int(data["version"]),
                str(data["period"]),
                str(data["author"]),
                str(data["created_at"]),
                str(data["reason"]),
                None if data["based_on"] is None else int(data["based_on"]),
                None if data["appeal"] is None else str(data["appeal"]),
                dict(data["policy"]),
                str(data["policy_source"]),
                dict(data["targets"]),
                list(data["objectives"]),
                list(data["excluded"]),
                Frozen.from_dict(data["frozen"]),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a period record ({exc!r})") from None

    @property
    def excluded_tickets(self) -> tuple[str, ...]:
        return tuple(sorted({e["ticket_id"] for e in self.excluded}))

    def team_of(self, agent_id: str) -> str | None:
        rows = self.frozen.agents[self.frozen.agents["agent_id"] == agent_id]
        return None if rows.empty else rows.iloc[0]["team"]


@dataclass(frozen=True)
class Event:
    number: int
    type: str
    author: str
    created_at: str
    values: dict

    def get(self, key: str, default=None):
        return self.values.get(key, default)


@dataclass
class Appeal:
    id: str
    agent_id: str
    kpi: str
    tickets: tuple[str, ...]
    reason: str
    filed_by: str
    filed_at: str
    against: int  # the version appealed
    status: str = "filed"  # filed, accepted, rejected
    resolved_by: str = ""
    resolved_at: str = ""
    resolution: str = ""
    version: int | None = None  # the version an accepted appeal made


@dataclass
class Talk:
    agent_id: str
    strengths: str = ""
    advice: str = ""
    actions: str = ""
    next_review: str = ""
    held_by: str = ""
    held_at: str = ""
    acknowledged: bool = False
    comment: str = ""
    answered_at: str = ""


@dataclass
class PeriodState:
    """A period as its events tell it."""

    period: Period
    status: str = "draft"
    current: int | None = None  # the latest closed version
    published: int | None = None  # the latest published version
    reopen_reason: str = ""
    versions: tuple[int, ...] = ()
    appeals: dict[str, Appeal] = field(default_factory=dict)
    talks: dict[str, Talk] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return self.status in ("draft", "reopened")


# ---------------------------------------------------------------------------------------
# The store


def _check_text(name: str, value: str, problems: list, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        problems.append(("reason", name))
    if len(text) > MAX_TEXT:
        problems.append(("text", name))
    return text


def _leads_all(grant: Grant) -> bool:
    return grant.role == "leadership" and grant.teams is None


def _oversees(grant: Grant, team: str | None) -> bool:
    return (
        grant.role in ("leadership", "supervisor") and team is not None and grant.allows_team(team)
    )


def _is_self(grant: Grant, agent_id: str) -> bool:
    return grant.role == "agent" and grant.agent_id == agent_id


class PeriodStore:
    """The appraisal periods of one dataset, in `<state_dir>/periods/`, read afresh."""

    def __init__(self, state_dir: Path | str):
        self.folder = Path(state_dir) / FOLDER
        self.skipped: list[str] = []

    # --- files ------------------------------------------------------------------------

    def _records(self, period_id: str) -> versioned.VersionFolder:
        return versioned.VersionFolder(self.folder / periods.parse(period_id).id / "records")

    def _events(self, period_id: str) -> versioned.VersionFolder:
        return versioned.VersionFolder(self.folder / periods.parse(period_id).id / "events")

    def _save(self, folder: versioned.VersionFolder, document_of) -> int:
        try:
            return folder.save(document_of)
        except OSError as exc:
            problem = sqlite_files.problem_of(exc) or "io_error"
            raise sqlite_files.Unavailable(folder.folder, problem, str(exc)) from exc

    def fingerprint(self) -> tuple:
        """Changes whenever anything is saved under the store (a cache key)."""
        if not self.folder.is_dir():
            return ()
        return tuple(
            (str(p.relative_to(self.folder)), p.stat().st_mtime_ns)
            for p in sorted(self.folder.glob("*/*/v*.json"))
        )

    def period_ids(self) -> list[str]:
        """Every period with a saved step, newest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for child in self.folder.iterdir():
            try:
                found.append(periods.parse(child.name))
            except ValueError:
                continue
        return [p.id for p in sorted(found, reverse=True)]

    # --- the kind -----------------------------------------------------------------------

    def kind(self) -> str:
        """The dataset's period kind: the last one set, else `periods.DEFAULT_KIND`."""
        folder = versioned.VersionFolder(self.folder / "kind")
        for _, path in reversed(folder.files()):
            try:
                kind = versioned.read(path).get("kind")
            except ValueError:
                continue
            if kind in periods.KINDS:
                return kind
        return periods.DEFAULT_KIND

    def set_kind(self, kind: str, grant: Grant, author: str = "", now=None) -> None:
        problems = [] if _leads_all(grant) else [("grant", kind)]
        if kind not in periods.KINDS:
            problems.append(("kind", str(kind)))
        if problems:
            raise PeriodError(problems)
        folder = versioned.VersionFolder(self.folder / "kind")
        self._save(folder, lambda n: {"kind": kind, "author": author, "created_at": _now(now)})

    # --- reading ------------------------------------------------------------------------

    def version_stamp(self, period_id: str, version: int) -> tuple:
        """The version's file and modification time (a cache key: a version is written once,
        so only a file put there by hand changes it)."""
        return tuple(
            (p.name, p.stat().st_mtime_ns)
            for n, p in self._records(period_id).files()
            if n == version
        )

    def record(self, period_id: str, version: int) -> Record:
        """One version of a period; KeyError when it is not there or cannot be read."""
        for number, path in self._records(period_id).files():
            if number != version:
                continue
            try:
                found = Record.from_dict(versioned.read(path))
            except ValueError as exc:
                raise KeyError(f"{period_id} v{version}: {exc}") from None
            if found.version != number or found.period != period_id:
                raise KeyError(f"{period_id} v{version}: holds another record")
            return found
        raise KeyError(f"{period_id} v{version}: no such version")

    def state(self, period_id: str) -> PeriodState:
        period = periods.parse(period_id)
        state = PeriodState(period)
        state.versions = tuple(n for n, _ in self._records(period_id).files())
        for number, path in self._events(period_id).files():
            try:
                data = versioned.read(path)
                if data.get("_period_event") != EVENT_FORMAT or data.get("type") not in EVENTS:
                    raise ValueError("not a period event")
                event = Event(
                    number,
                    data["type"],
                    str(data.get("author", "")),
                    str(data.get("created_at", "")),
                    dict(data.get("values") or {}),
                )
                _apply(state, event)
            except (ValueError, KeyError, TypeError) as exc:
                state.skipped.append(f"{period_id}/events/{path.name}: {exc}")
                continue
            state.events.append(event)
        self.skipped = list(state.skipped)
        return state

    # --- writing ------------------------------------------------------------------------

    def _event(self, period_id: str, kind: str, author: str, now, **values) -> int:
        document = {
            "_period_event": EVENT_FORMAT,
            "type": kind,
            "author": author,
            "created_at": _now(now),
            "values": values,
        }
        return self._save(self._events(period_id), lambda n: document)

    def _write_record(self, period_id: str, record_of) -> int:
        return self._save(self._records(period_id), lambda n: record_of(n).to_dict())

    def close(
        self,
        period_id,
        frozen: Frozen,
        *,
        policy: Policy,
        policy_source: str,
        targets: TargetSet,
        objectives: pd.DataFrame | None,
        grant: Grant,
        author: str = "",
        reason: str = "",
        excluded: list | None = None,
        now=None,
    ) -> int:
        """Freeze a draft (or reopened) period as its next version; returns the version."""
        state = self.state(period_id)
        problems = [] if _leads_all(grant) else [("grant", period_id)]
        reason = _check_text("reason", reason, problems)
        if state.status not in ("draft", "reopened"):
            problems.append(("state", state.status))
        if problems:
            raise PeriodError(problems)
        stamp = _now(now)
        previous = state.current
        if excluded is None:
            excluded = [] if previous is None else self.record(period_id, previous).excluded
        version = self._write_record(
            period_id,
            lambda n: Record(
                n,
                period_id,
                author,
                stamp,
                reason,
                previous,
                None,
                policy.to_dict(),
                policy_source,
                _targets_of(targets),
                _objectives_of(objectives, state.period),
                list(excluded),
                frozen,
            ),
        )
        self._event(period_id, "closed", author, now, version=version, reason=reason)
        return version

    def publish(self, period_id, grant: Grant, author: str = "", now=None) -> int:
        state = self.state(period_id)
        problems = [] if _leads_all(grant) else [("grant", period_id)]
        if state.status != "closed":
            problems.append(("state", state.status))
        if problems:
            raise PeriodError(problems)
        self._event(period_id, "published", author, now, version=state.current)
        return state.current

    def reopen(self, period_id, grant: Grant, author: str = "", reason: str = "", now=None) -> None:
        state = self.state(period_id)
        problems = [] if _leads_all(grant) else [("grant", period_id)]
        reason = _check_text("reason", reason, problems, required=True)
        if state.status not in ("closed", "published"):
            problems.append(("state", state.status))
        if problems:
            raise PeriodError(problems)
        self._event(period_id, "reopened", author, now, of_version=state.current, reason=reason)

    def file_appeal(
        self,
        period_id,
        agent_id: str,
        kpi: str,
        tickets: Iterable[str],
        reason: str,
        grant: Grant,
        owned: set[str],
        author: str = "",
        now=None,
    ) -> str:
        """An appeal against the agent's published result; `owned`: the agent's ticket ids
        in the period (`agent_tickets`). Returns its id."""
        state = self.state(period_id)
        problems: list = []
        if state.published is None:
            raise PeriodError([("state", state.status)])
        record = self.record(period_id, state.published)
        team = record.team_of(agent_id)
        if team is None:
            problems.append(("agent", agent_id))
        elif not (_is_self(grant, agent_id) or _oversees(grant, team)):
            problems.append(("grant", agent_id))
        if kpi not in record.frozen.kpis:
            problems.append(("kpi", str(kpi)))
        chosen = tuple(dict.fromkeys(str(t).strip() for t in tickets if str(t).strip()))
        unknown = [t for t in chosen if t not in owned]
        if not chosen or unknown or len(chosen) > MAX_TICKETS:
            problems.append(("tickets", ", ".join(unknown[:5])))
        reason = _check_text("reason", reason, problems, required=True)
        if problems:
            raise PeriodError(problems)
        appeal_id = uuid.uuid4().hex[:12]
        self._event(
            period_id,
            "appeal_filed",
            author,
            now,
            appeal=appeal_id,
            agent_id=agent_id,
            kpi=kpi,
            tickets=list(chosen),
            reason=reason,
            against=state.published,
        )
        return appeal_id

    def resolve_appeal(
        self,
        period_id,
        appeal_id: str,
        decision: str,
        reason: str,
        grant: Grant,
        author: str = "",
        rescored: Frozen | None = None,
        now=None,
    ) -> int | None:
        """Accept (with the period re-scored without the appeal's tickets, `rescored`) or
        reject an appeal, with a reason. An accepted appeal writes the next version,
        published at once when the period was; returns it (None when rejected)."""
        state = self.state(period_id)
        appeal = state.appeals.get(appeal_id)
        problems: list = []
        if appeal is None or appeal.status != "filed":
            raise PeriodError([("appeal", appeal_id)])
        current = self.record(period_id, state.current)
        if not _oversees(grant, current.team_of(appeal.agent_id)):
            problems.append(("grant", appeal_id))
        if decision not in DECISIONS:
            problems.append(("state", str(decision)))
        reason = _check_text("reason", reason, problems, required=True)
        if state.status not in ("closed", "published"):
            problems.append(("state", state.status))
        if decision == "accepted" and rescored is None:
            problems.append(("state", "not re-scored"))
        if problems:
            raise PeriodError(problems)
        version = None
        if decision == "accepted":
            stamp = _now(now)
            excluded = current.excluded + [
                {
                    "ticket_id": t,
                    "agent_id": appeal.agent_id,
                    "kpi": appeal.kpi,
                    "appeal": appeal_id,
                    "reason": reason,
                }
                for t in appeal.tickets
            ]
            version = self._write_record(
                period_id,
                lambda n: Record(
                    n,
                    period_id,
                    author,
                    stamp,
                    reason,
                    current.version,
                    appeal_id,
                    current.policy,
                    current.policy_source,
                    current.targets,
                    current.objectives,
                    excluded,
                    rescored,
                ),
            )
        self._event(
            period_id,
            "appeal_resolved",
            author,
            now,
            appeal=appeal_id,
            decision=decision,
            reason=reason,
            version=version,
            published=state.status == "published",
        )
        return version

    def save_talk(
        self,
        period_id,
        agent_id: str,
        grant: Grant,
        *,
        strengths: str = "",
        advice: str = "",
        actions: str = "",
        next_review: date | None = None,
        author: str = "",
        now=None,
    ) -> None:
        """The supervisor's record of the feedback talk on a closed period."""
        state = self.state(period_id)
        problems: list = []
        if state.current is None:
            raise PeriodError([("state", state.status)])
        team = self.record(period_id, state.current).team_of(agent_id)
        if team is None:
            problems.append(("agent", agent_id))
        elif not _oversees(grant, team):
            problems.append(("grant", agent_id))
        texts = {
            name: _check_text(name, value, problems)
            for name, value in (("strengths", strengths), ("advice", advice), ("actions", actions))
        }
        if next_review is not None and not isinstance(next_review, date):
            problems.append(("date", str(next_review)))
        if problems:
            raise PeriodError(problems)
        review = next_review.isoformat() if next_review else ""
        self._event(
            period_id, "talk_saved", author, now, agent_id=agent_id, next_review=review, **texts
        )

    def answer_talk(
        self,
        period_id,
        agent_id: str,
        grant: Grant,
        *,
        acknowledged: bool,
        comment: str = "",
        author: str = "",
        now=None,
    ) -> None:
        """The agent acknowledges the talk or comments on it (their own, once held)."""
        state = self.state(period_id)
        problems: list = [] if _is_self(grant, agent_id) else [("grant", agent_id)]
        if agent_id not in state.talks:
            problems.append(("state", "no talk"))
        comment = _check_text("comment", comment, problems)
        if problems:
            raise PeriodError(problems)
        self._event(
            period_id,
            "talk_answered",
            author,
            now,
            agent_id=agent_id,
            acknowledged=bool(acknowledged),
            comment=comment,
        )


def _apply(state: PeriodState, e: Event) -> None:
    """One event's effect on the period's state (events in order)."""
    if e.type == "closed":
        state.current, state.status = int(e.get("version")), "closed"
    elif e.type == "published":
        version = int(e.get("version"))
        state.published = version
        if version == state.current and state.status == "closed":
            state.status = "published"
    elif e.type == "reopened":
        state.status, state.reopen_reason = "reopened", str(e.get("reason", ""))
    elif e.type == "appeal_filed":
        appeal_id = str(e.get("appeal"))
        state.appeals.setdefault(
            appeal_id,
            Appeal(
                appeal_id,
                str(e.get("agent_id")),
                str(e.get("kpi")),
                tuple(str(t) for t in e.get("tickets", [])),
                str(e.get("reason", "")),
                e.author,
                e.created_at,
                int(e.get("against")),
            ),
        )
    elif e.type == "appeal_resolved":
        appeal = state.appeals.get(str(e.get("appeal")))
        if appeal is None or appeal.status != "filed":
            return  # resolved twice at once: the first one stands
        appeal.status, appeal.resolution = str(e.get("decision")), str(e.get("reason", ""))
        appeal.resolved_by, appeal.resolved_at = e.author, e.created_at
        if appeal.status == "accepted" and e.get("version") is not None:
            appeal.version = state.current = int(e.get("version"))
            if e.get("published"):
                state.published, state.status = state.current, "published"
            else:
                state.status = "closed"
    elif e.type == "talk_saved":
        agent_id = str(e.get("agent_id"))
        state.talks[agent_id] = Talk(
            agent_id,
            str(e.get("strengths", "")),
            str(e.get("advice", "")),
            str(e.get("actions", "")),
            str(e.get("next_review", "")),
            e.author,
            e.created_at,
        )
    elif e.type == "talk_answered":
        talk = state.talks.get(str(e.get("agent_id")))
        if talk is not None:
            talk.acknowledged = bool(e.get("acknowledged"))
            talk.comment, talk.answered_at = str(e.get("comment", "")), e.created_at


def _targets_of(targets: TargetSet) -> dict:
    return {
        "version": targets.version,
        "origin": targets.origin,
        "note": targets.note,
        "targets": {k: list(v) for k, v in targets.targets.items()},
    }


def _objectives_of(objectives: pd.DataFrame | None, period: Period) -> list:
    """The objectives in force whose period overlaps the appraisal period, as plain rows."""
    if objectives is None or objectives.empty:
        return []
    rows = objectives[
        (objectives["period_end"] >= period.start) & (objectives["period_start"] <= period.end)
    ]
    return [
        {
            k: (v.isoformat() if isinstance(v, date) else (None if v != v else v))
            for k, v in row.items()
        }
        for row in rows.to_dict("records")
    ]


# ---------------------------------------------------------------------------------------
# The workflow: the page and the `period` command call these


def policy_in_force(state_dir: Path | str, targets: TargetSet) -> tuple[Policy, str]:
    """The policy a period is closed with, and where it came from: the official what-if
    scenario of the dataset (its own targets, else the dataset's), else the Scorecard's
    default scheme with the dataset's targets."""
    try:
        official = ScenarioStore(Path(state_dir)).official()
    except sqlite_files.Unavailable:
        official = None
    if official is not None:
        policy = official.policy
        if not policy.targets:
            policy = Policy.from_dict({**policy.to_dict(), "targets": targets.targets})
        return policy, f"scenario:{official.name}"
    scheme = schemes.load(schemes.DEFAULT_SCHEME)
    policy = Policy(weights=scheme.weights, method=scheme.method, targets=targets.targets)
    return policy, f"scheme:{scheme.name}"


def close_period(
    store: PeriodStore,
    ds: Dataset,
    period_id: str,
    *,
    policy: Policy,
    policy_source: str,
    targets: TargetSet,
    objectives: pd.DataFrame | None,
    grant: Grant,
    author: str = "",
    reason: str = "",
    repeat_days: int = 30,
    draws: int = awards.DRAWS,
    now=None,
) -> int:
    """Score the period (the tickets of appeals accepted in earlier versions still left
    out) and freeze it as its next version."""
    state = store.state(period_id)
    if not _leads_all(grant):
        raise PeriodError([("grant", period_id)])
    if state.status not in ("draft", "reopened"):
        raise PeriodError([("state", state.status)])
    excluded = [] if state.current is None else store.record(period_id, state.current).excluded
    tickets = tuple(e["ticket_id"] for e in excluded)
    frozen = closing.score_period(ds, state.period, policy, objectives, tickets, repeat_days, draws)
    return store.close(
        period_id,
        frozen,
        policy=policy,
        policy_source=policy_source,
        targets=targets,
        objectives=objectives,
        grant=grant,
        author=author,
        reason=reason,
        excluded=excluded,
        now=now,
    )


def rescored_for_appeal(
    store: PeriodStore, ds: Dataset, period_id: str, appeal_id: str, repeat_days: int = 30
) -> Frozen:
    """What accepting the appeal would make the period: the current version with the
    appellant re-scored (its policy and objectives) without the tickets of every accepted
    appeal and this one's (`closing.amend`). KeyError for an unknown appeal or a period
    without a version."""
    state = store.state(period_id)
    appeal = state.appeals[appeal_id]
    if state.current is None:
        raise KeyError(f"{period_id}: no closed version")
    current = store.record(period_id, state.current)
    objectives = pd.DataFrame(current.objectives) if current.objectives else None
    if objectives is not None:
        for column in ("period_start", "period_end"):
            objectives[column] = pd.to_datetime(objectives[column]).dt.date
    tickets = tuple(sorted({*current.excluded_tickets, *appeal.tickets}))
    policy = Policy.from_dict(current.policy)
    again = closing.score_period(
        ds, state.period, policy, objectives, tickets, repeat_days, with_awards=False
    )
    return closing.amend(current.frozen, again, appeal.agent_id)


def resolve_appeal(
    store: PeriodStore,
    ds: Dataset,
    period_id: str,
    appeal_id: str,
    decision: str,
    reason: str,
    grant: Grant,
    author: str = "",
    repeat_days: int = 30,
    now=None,
) -> int | None:
    """Resolve an appeal; accepted, the period is re-scored (`rescored_for_appeal`)."""
    rescored = None
    state = store.state(period_id)
    if decision == "accepted" and appeal_id in state.appeals and state.current is not None:
        rescored = rescored_for_appeal(store, ds, period_id, appeal_id, repeat_days)
    return store.resolve_appeal(
        period_id, appeal_id, decision, reason, grant, author, rescored, now
    )


def agent_tickets(ds: Dataset, agent_id: str, period: Period) -> set[str]:
    """The ids of the agent's tickets created in the period (what an appeal may name)."""
    frame = ds.query(
        "SELECT ticket_id FROM tickets WHERE agent_id = $agent AND created_at >= $start "
        "AND created_at < $end + INTERVAL 1 DAY",
        {"agent": agent_id, "start": period.start, "end": period.end},
    )
    return set(frame["ticket_id"].astype(str))


# ---------------------------------------------------------------------------------------
# What a session may read


def closed_records(store: PeriodStore, published_only: bool) -> list[tuple[str, Frozen]]:
    """(period id, result) of every period's latest closed version — or, `published_only`,
    its latest published one (what an agent may read) — oldest first: the input of
    `scoring.analyses.appraisal.history`. A version that cannot be read is left out."""
    found = []
    for period_id in sorted(store.period_ids(), key=periods.parse):
        state = store.state(period_id)
        version = state.published if published_only else state.current
        if version is None:
            continue
        try:
            found.append((period_id, store.record(period_id, version).frozen))
        except KeyError:
            continue
    return found


def shown_version(state: PeriodState, grant: Grant) -> int | None:
    """The version this grant reads: an agent the latest published one only (never a
    draft nor a closed, unpublished version); everyone else the latest closed one."""
    if grant.role == "agent":
        return state.published
    return state.current


@shows_rows
def appeals_table(state: PeriodState, record: Record | None, visible: Visible) -> pd.DataFrame:
    """The period's appeals of visible agents: id, agent, team, kpi, tickets, reason, status,
    who filed and resolved them, when, the resolution and the version it made."""
    teams = (
        {}
        if record is None
        else dict(zip(record.frozen.agents["agent_id"], record.frozen.agents["team"], strict=True))
    )
    rows = [
        {
            "id": a.id,
            "agent_id": a.agent_id,
            "team": teams.get(a.agent_id),
            "kpi": a.kpi,
            "tickets": ", ".join(a.tickets),
            "reason": a.reason,
            "status": a.status,
            "filed_by": a.filed_by,
            "filed_at": a.filed_at,
            "resolved_by": a.resolved_by,
            "resolved_at": a.resolved_at,
            "resolution": a.resolution,
            "version": a.version,
        }
        for a in state.appeals.values()
    ]
    columns = [
        "id",
        "agent_id",
        "team",
        "kpi",
        "tickets",
        "reason",
        "status",
        "filed_by",
        "filed_at",
        "resolved_by",
        "resolved_at",
        "resolution",
        "version",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame[frame["team"].notna()] if not frame.empty else frame
    return visible.keep(frame)


@for_statistics
def payroll(record: Record) -> pd.DataFrame:
    """The HR export of a version: agent, team, grade, composite, payout and award, with the
    period and version (leadership's download; every agent of the department)."""
    frame = record.frozen.agents
    return pd.DataFrame(
        {
            "period": record.period,
            "version": record.version,
            "agent_id": frame["agent_id"],
            "name": frame["name"],
            "team": frame["team"],
            "grade": frame["grade"].fillna("insufficient_data"),
            "composite": frame["composite"],
            "dept_rank": frame["dept_rank"],
            "payout": frame["payout"].round(2),
            "award": frame["award"],
        }
    )
