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
from scoring.analyses import balanced, diagnostics
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
    """The owner's objectives for the period shown (KPI id → target)."""
    return dict(_objectives(ctx.path, scope, ctx.view.start, ctx.view.end))


@st.cache_data(max_entries=32, show_spinner=False)
def _objectives(path: str, scope: Scope, start, end) -> tuple:
    found = balanced.objective_targets(cache.dataset(path), scope, start, end)
    return tuple(found.items())


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
