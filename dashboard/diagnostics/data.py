"""Cached calls of the diagnostics page (bounded caches around scoring.analyses.diagnostics)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import cache as data
from scoring.analyses import diagnostics
from scoring.engine.scorecard import team_summary
from scoring.measures.metrics import Filters, has_stage_times
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import Visible
from scoring.stores import actions
from scoring.stores.targets import TargetSet

Scope = diagnostics.Scope


def department_card(
    path: str, filters: Filters, repeat_days: int, scheme: str | None, targets: TargetSet
):
    """The population's scorecard (all teams): ranks, priors and peers come from all agents.
    Only aggregates of it leave this module (the KPI gaps of one scope)."""
    return data.scorecard_for(path, filters.population(), repeat_days, scheme, targets=targets)


@st.cache_data(max_entries=32, show_spinner=False)
def gaps(
    path: str,
    filters: Filters,
    repeat_days: int,
    scheme: str | None,
    scope: Scope,
    targets: TargetSet,
) -> pd.DataFrame:
    card = department_card(path, filters, repeat_days, scheme, targets)
    if scope.level == "agent":
        values, counts = diagnostics.agent_values(card, scope.agent)
        peers = diagnostics.agent_peer_medians(card, scope.agent)
    elif scope.level == "team":
        table = data.kpi_table(path, filters.population(), ("team",), repeat_days)
        values, counts, peers = diagnostics.group_values(
            table, "team", scope.team, card.matrix.kpis
        )
    else:
        table = data.kpi_table(path, filters.replace(agents=()), (), repeat_days)
        table = table.assign(_all="all")
        values, counts, _ = diagnostics.group_values(table, "_all", "all", card.matrix.kpis)
        peers = {}
    return diagnostics.kpi_gaps(card, scope, values, peers, counts)


def composite_table(
    path: str,
    filters: Filters,
    by: str,
    visible: Visible,
    repeat_days: int,
    scheme: str | None,
    targets: TargetSet,
) -> pd.DataFrame:
    """The composite per visible team (`by` "team") or agent (`by` "agent_id") of the filter,
    as Overview and the Scorecard show it (scored over the population; a team's is its
    graded agents' mean; an agent below the evidence rules has none): the key, `label`
    (teams by name, agents "name (id)"), composite and tickets."""
    card = data.scorecard_for(path, filters, repeat_days, scheme, targets=targets)
    if by == "team":
        teams = team_summary(card)
        teams = teams[[visible.allows_team(t) for t in teams["team"]]].sort_values("team")
        return teams.assign(label=teams["team"])[["team", "label", "composite", "tickets"]]
    agents = visible.keep(card.frame)
    agents = agents[agents["tickets"] > 0].sort_values("agent_id")
    return agents.assign(
        composite=agents["composite"].where(~agents["insufficient_data"]),
        label=diagnostics.agent_labels(agents["name"], agents["agent_id"]),
    )[["agent_id", "label", "composite", "tickets"]]


@st.cache_data(max_entries=32, show_spinner=False)
def drill_table(
    path: str, filters: Filters, by: str, visible: Visible, repeat_days: int
) -> pd.DataFrame:
    """KPIs per visible team or agent (with names) in the filter."""
    return diagnostics.drill_table(data.dataset(path), filters, by, visible, repeat_days)


@st.cache_data(max_entries=16, show_spinner=False)
def names(path: str, visible: Visible) -> dict[str, str]:
    """Each visible agent's name by id."""
    roster = diagnostics.agent_names(data.dataset(path), visible)
    return dict(zip(roster["agent_id"], roster["name"].fillna(""), strict=True))


@st.cache_data(max_entries=32, show_spinner=False)
def trend(path: str, filters: Filters, repeat_days: int) -> pd.DataFrame:
    return data.kpi_table(path, filters, ("month",), repeat_days).sort_values("month")


def stages(path: str, filters: Filters, scope: Scope) -> pd.DataFrame:
    """Cached by what the scope's stage excess reads (a sidebar team change finds it)."""
    return _stages(path, diagnostics.stage_filters(filters, scope), scope)


@st.cache_data(max_entries=32, show_spinner=False)
def _stages(path: str, filters: Filters, scope: Scope) -> pd.DataFrame:
    return diagnostics.scope_stages(data.dataset(path), filters, scope)


def team_bottlenecks(path: str, filters: Filters, visible: Visible) -> pd.DataFrame:
    """Cached per population (every team is compared with every other)."""
    return _team_bottlenecks(path, filters.population(), visible)


@st.cache_data(max_entries=16, show_spinner=False)
def _team_bottlenecks(path: str, population: Filters, visible: Visible) -> pd.DataFrame:
    return diagnostics.team_bottlenecks(data.dataset(path), population, visible)


@st.cache_data(max_entries=16, show_spinner=False)
def has_stages(path: str) -> bool:
    return has_stage_times(data.dataset(path))


def breakdowns(path: str) -> list[tuple[str, str]]:
    return diagnostics.available_breakdowns(data.dataset(path))


@st.cache_data(max_entries=32, show_spinner=False)
def breakdown(
    path: str, filters: Filters, kpi_id: str, by: tuple[str, ...], min_cell: int, repeat_days: int
) -> pd.DataFrame:
    """The KPI per cell of `by`, from the cached table of that KPI by `by` (which every
    minimum shares)."""
    table = data.kpi_table(path, filters, by, repeat_days, (kpi_id,))
    return diagnostics.breakdown_cells(table, KPIS_BY_ID[kpi_id], by, min_cell)


@st.cache_data(max_entries=32, show_spinner=False)
def weakest(
    path: str, scope_filters: Filters, peer_filters: Filters, kpi_id: str, min_cell: int, days: int
) -> pd.DataFrame:
    """The scope's weakest categories against the peers' (whose breakdown stays cached while
    the scope changes)."""
    mine = breakdown(path, scope_filters, kpi_id, ("category",), min_cell, days)
    peers = breakdown(path, peer_filters, kpi_id, ("category",), 1, days)
    return diagnostics.weakest_of(mine, peers, KPIS_BY_ID[kpi_id], "category")


@st.cache_data(max_entries=16, show_spinner=False)
def repeat_sources(
    path: str, filters: Filters, scope: Scope, visible: Visible, repeat_days: int
) -> pd.DataFrame:
    return diagnostics.repeat_sources(data.dataset(path), filters, scope, visible, repeat_days)


@st.cache_data(max_entries=16, show_spinner=False)
def repeat_chains(
    path: str, filters: Filters, scope: Scope, visible: Visible, repeat_days: int
) -> pd.DataFrame:
    return diagnostics.repeat_chains(
        data.dataset(path), filters, scope, visible, repeat_days, limit=20
    )


@st.cache_data(max_entries=16, show_spinner=False)
def tickets(
    path: str,
    filters: Filters,
    visible: Visible,
    cell: tuple[tuple[str, str], ...],
    repeat_days: int,
) -> pd.DataFrame:
    return diagnostics.ticket_list(
        data.dataset(path), filters, visible, dict(cell), None, repeat_days
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def action_store(state_dir: str) -> actions.ActionStore:
    return actions.ActionStore(f"{state_dir}/{actions.FILE_NAME}")
