"""Cached inputs of the appraisal pages: the periods store of the dataset (read afresh on
every run: a step saved by another session shows at once), its records (cached by period
and version: a version never changes), the live draft of a period not closed yet, the
agents' tickets an appeal may name, their capability gaps (the talk's evidence) and the
history across closed periods."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.app import cache
from dashboard.app.shell import Context
from scoring.analyses import capability
from scoring.analyses.appraisal import closing, history, periods
from scoring.analyses.appraisal.closing import Frozen
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters
from scoring.scope import Visible
from scoring.stores import periods as period_store
from scoring.stores.objectives import ObjectiveStore
from scoring.stores.periods import PeriodState, PeriodStore, Record

LEADS_ALL = "leadership"


def store(ctx: Context) -> PeriodStore:
    return PeriodStore(ctx.state_dir)


def leads_all(ctx: Context) -> bool:
    """Whether the session closes, reopens and publishes periods and sees payouts."""
    return ctx.grant.role == LEADS_ALL and ctx.grant.teams is None


def period_choices(ctx: Context, own: PeriodStore) -> list[str]:
    """The periods of the dataset's kind with data and every period with a saved step,
    newest first."""
    first, last = cache.data_range(ctx.path)
    ids = {p.id for p in periods.between(own.kind(), first, last)} | set(own.period_ids())
    return sorted(ids, key=periods.parse, reverse=True)


@st.cache_data(max_entries=32, show_spinner=False)
def _record(state_dir: str, period_id: str, version: int, fingerprint: tuple) -> Record:
    return PeriodStore(state_dir).record(period_id, version)


def record(ctx: Context, period_id: str, version: int | None) -> Record | None:
    """A version of a period (None: no version); the same version is read once."""
    if version is None:
        return None
    stamp = store(ctx).version_stamp(period_id, version)
    try:
        return _record(str(ctx.state_dir), period_id, version, stamp)
    except KeyError:
        return None


def policy(ctx: Context) -> tuple[Policy, str]:
    return period_store.policy_in_force(ctx.state_dir, ctx.targets)


@st.cache_data(max_entries=8, show_spinner=False)
def _draft(
    path: str,
    state_dir: str,
    period_id: str,
    policy_json: str,
    excluded: tuple,
    repeat_days: int,
    saved: tuple,
) -> Frozen:
    """`saved`: the objectives store's fingerprint (a saved objective is a new draft)."""
    chosen = Policy.from_dict(json.loads(policy_json))
    objectives = cache.objectives_in_force(path, Path(state_dir))
    return closing.score_period(
        cache.dataset(path), periods.parse(period_id), chosen, objectives, excluded, repeat_days
    )


def draft(ctx: Context, state: PeriodState) -> Frozen:
    """The live, provisional result of a period not closed (or reopened): scored as closing
    would score it now, the accepted appeals' tickets left out."""
    chosen, _ = policy(ctx)
    excluded: tuple = ()
    if state.current is not None:
        current = record(ctx, state.period.id, state.current)
        excluded = () if current is None else current.excluded_tickets
    saved = ObjectiveStore(ctx.state_dir).fingerprint()
    return _draft(
        ctx.path,
        str(ctx.state_dir),
        state.period.id,
        json.dumps(chosen.to_dict()),
        excluded,
        ctx.repeat_days,
        saved,
    )


@dataclass(frozen=True)
class Shown:
    """What the page shows of a period: the frozen result (or the live draft), whether it
    is provisional, and the version (None for a draft)."""

    frozen: Frozen
    provisional: bool
    version: int | None
    record: Record | None


def shown(ctx: Context, state: PeriodState) -> Shown:
    """Leadership and supervisors: the latest closed version, or the live draft while the
    period is a draft or reopened."""
    if state.provisional:
        current = record(ctx, state.period.id, state.current)
        return Shown(draft(ctx, state), True, None, current)
    current = record(ctx, state.period.id, state.current)
    return Shown(current.frozen, False, current.version, current)


@st.cache_data(max_entries=32, show_spinner=False)
def _owned(path: str, agent_id: str, period_id: str) -> set[str]:
    return period_store.agent_tickets(cache.dataset(path), agent_id, periods.parse(period_id))


def owned_tickets(ctx: Context, agent_id: str, period_id: str) -> list[str]:
    """The agent's ticket ids created in the period, sorted (what an appeal may name)."""
    return sorted(_owned(ctx.path, agent_id, period_id))


@st.cache_data(max_entries=16, show_spinner=False)
def _needs(path: str, period_id: str, visible: Visible, repeat_days: int) -> pd.DataFrame:
    period = periods.parse(period_id)
    ds = cache.dataset(path)
    filters = Filters(start=period.start, end=period.end)
    matrix = capability.skill_matrix(ds, filters, "fcr", repeat_days)
    months = capability.months_in(ds, filters)
    return capability.training_needs(matrix, capability.courses(ds), months, visible)


def capability_needs(ctx: Context, agent_id: str, team: str, period_id: str) -> pd.DataFrame:
    """The agent's significant capability gaps over the period (first-contact resolution by
    skill, against the department; scoring.analyses.capability), the talk's evidence."""
    visible = Visible((team,), (agent_id,))
    try:
        return _needs(ctx.path, period_id, visible, ctx.repeat_days)
    except ValueError:  # the dataset cannot measure the skill KPI
        return pd.DataFrame(columns=capability.NEEDS_COLUMNS)


def closed_records(ctx: Context, own: PeriodStore, published_only: bool) -> list:
    """(period id, Frozen) of every period with a closed (or, `published_only`, published)
    version, oldest first: the history's input."""
    return cache.closed_results(ctx.state_dir, published_only)


def agent_history(ctx: Context, records: list, visible: Visible):
    return history.history(records, visible), history.summary(records, visible)


@st.cache_data(max_entries=8, show_spinner=False)
def _accepted(
    path: str, state_dir: str, period_id: str, appeal_id: str, current: int, repeat_days: int
) -> dict:
    """`current`: the version the appeal would amend (a new version is a new preview)."""
    frozen = period_store.rescored_for_appeal(
        PeriodStore(state_dir), cache.dataset(path), period_id, appeal_id, repeat_days
    )
    return frozen.agents.set_index("agent_id").to_dict("index")


def if_accepted(ctx: Context, state: PeriodState, appeal_id: str, agent_id: str) -> dict | None:
    """The appellant's row as accepting the appeal would make it (None: no preview)."""
    try:
        rows = _accepted(ctx.path, str(ctx.state_dir), state.period.id, appeal_id,
                         state.current, ctx.repeat_days)  # fmt: skip
    except KeyError:
        return None
    return rows.get(agent_id)
