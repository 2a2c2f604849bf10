"""Cached inputs of the Balanced scorecard page: the owners a session may pick (the visible
agents), the owner's objectives for the period and the owner's scorecard
(scoring.analyses.balanced), judged on the policy the other pages score with
(`cache.scheme_policy`: the weight scheme and the dataset's target set)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import cache
from dashboard.app.shell import Context
from dashboard.app.waiting import spinner
from scoring.analyses import balanced, diagnostics, objective_scoring
from scoring.analyses.diagnostics import Scope
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters
from scoring.scope import Visible


@st.cache_data(max_entries=4, show_spinner=False)
def agents(path: str, visible: Visible) -> pd.DataFrame:
    """The visible agents (agent_id, name, team)."""
    return diagnostics.agent_names(cache.dataset(path), visible)


def policy(ctx: Context) -> Policy:
    return cache.scheme_policy(ctx.view.scheme, ctx.targets)


def objectives(ctx: Context, scope: Scope) -> dict[str, float]:
    """KPI id → the target of the owner's objectives over the period shown: its own, else
    those of the unit above it, overlap-weighted (the rules agents are graded on with
    objectives, scoring/analyses/objective_scoring.py)."""
    first, last = cache.data_range(ctx.path)
    start, end = ctx.view.start or first, ctx.view.end or last
    if start is None or end is None:
        return {}
    in_force = cache.objectives_in_force(ctx.path, ctx.state_dir)
    return objective_scoring.owner_targets(in_force, scope.team, scope.agent, start, end)


def card(ctx: Context, scope: Scope, objectives: dict[str, float]) -> balanced.BalancedCard:
    """The scorecard of `scope` for the sidebar's period and ticket filters."""
    return _card(
        ctx.path, scope, ctx.view.filters(), ctx.visible, policy(ctx).to_dict(),
        tuple(objectives.items()), ctx.repeat_days,
    )  # fmt: skip


@spinner("spinner_balanced")
@st.cache_data(max_entries=32, show_spinner=False)
def _card(
    path: str,
    scope: Scope,
    base: Filters,
    visible: Visible,
    policy: dict,
    objectives: tuple,
    repeat_days: int,
) -> balanced.BalancedCard:
    return balanced.balanced_card(
        cache.dataset(path), scope, base, visible, Policy.from_dict(policy), dict(objectives),
        repeat_days,
    )  # fmt: skip
