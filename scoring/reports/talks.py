"""The feedback talks of appraisal periods (`scoring.stores.periods`) as the agent report's
feedback notes (`content.FeedbackSource`): the talk held with the agent on each *published*
period that overlaps the report's dates — a closed period not yet published is leadership's
draft, and the agent report may reach the agent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scoring.analyses.appraisal import periods
from scoring.reports.content import FeedbackNote
from scoring.stores.periods import PeriodStore, Talk


@dataclass(frozen=True)
class PeriodTalks:
    """The talks saved in one dataset's state folder."""

    state_dir: Path

    def notes_for(self, agent_id: str, start: date | None, end: date | None) -> list[FeedbackNote]:
        store = PeriodStore(self.state_dir)
        notes = []
        for period_id in store.period_ids():
            if not _overlaps(periods.parse(period_id), start, end):
                continue
            state = store.state(period_id)
            talk = state.talks.get(agent_id)
            if state.published is not None and talk is not None and talk.held_at:
                notes.append(note_of(talk))
        return sorted(notes, key=lambda n: n.held_on)


def _overlaps(period: periods.Period, start: date | None, end: date | None) -> bool:
    return (start is None or period.end >= start) and (end is None or period.start <= end)


def note_of(talk: Talk) -> FeedbackNote:
    """A talk as a note: the day it was held, by whom, its strengths and advice, and each
    line of the agreed actions as one action."""
    summary = " / ".join(part for part in (talk.strengths, talk.advice) if part.strip())
    return FeedbackNote(
        held_on=date.fromisoformat(talk.held_at[:10]),
        by=talk.held_by,
        summary=summary,
        agreed_actions=_lines(talk.actions),
    )


def _lines(text: str) -> Sequence[str]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())
