"""Cached inputs of the Did it work? page (效果评估): the evaluation of a change over the
population (the control group is chosen among every untreated team; only aggregates of it
leave: `sections.control_label`), the people side, and what a change can be filled from
(improvement actions, completed courses, the official scheme) within the visible scope.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.app.cache import dataset
from dashboard.app.shell import Context
from dashboard.app.waiting import spinner
from scoring.analyses.capability import agents as roster
from scoring.analyses.effect import design, people, sources
from scoring.measures.metrics import Filters, data_range
from scoring.scope import Visible, shows_rows
from scoring.stores.actions import Action, ActionStore
from scoring.stores.scenarios import ScenarioStore
from scoring.stores.sqlite_files import Unavailable


@spinner("spinner_effect")
@st.cache_data(max_entries=16, show_spinner=False)
def evaluation(
    path: str, population: Filters, change: design.Change, kpi_ids: tuple[str, ...],
    repeat_days: int,
) -> design.Evaluation:  # fmt: skip
    return design.evaluate(dataset(path), population, change, kpi_ids, repeat_days)


def evaluate(ctx: Context, change: design.Change, kpi_ids: tuple[str, ...]) -> design.Evaluation:
    """The change judged over the population with the sidebar's ticket filters (its dates
    and teams do not apply: the windows and the groups set them)."""
    population = ctx.view.filters().population().replace(start=None, end=None)
    return evaluation(ctx.path, population, change, kpi_ids, ctx.repeat_days)


@st.cache_data(max_entries=4, show_spinner=False)
def effect_kpis(path: str) -> list[str]:
    return [k.id for k in design.effect_kpis(dataset(path))]


@st.cache_data(max_entries=8, show_spinner=False)
def default_months(path: str, day: date) -> int:
    return design.default_months(dataset(path), day)


@st.cache_data(max_entries=4, show_spinner=False)
def span(path: str) -> tuple[date | None, date | None]:
    return data_range(dataset(path))


@st.cache_data(max_entries=8, show_spinner=False)
def agents(path: str, visible: Visible) -> pd.DataFrame:
    return roster(dataset(path), visible)


@st.cache_data(max_entries=8, show_spinner=False)
def courses(path: str, visible: Visible) -> pd.DataFrame:
    return sources.completed_courses(dataset(path), visible)


def actions(ctx: Context) -> list[Action]:
    """The visible improvement actions (none when the store cannot be read now)."""
    try:
        return ActionStore(ctx.state_dir).list(ctx.visible)
    except Unavailable:
        return []


def official_scheme(ctx: Context) -> tuple[str, date] | None:
    """The official scenario's name and the day it was saved, if there is one."""
    try:
        official = ScenarioStore(ctx.state_dir).official()
    except Unavailable:
        return None
    if official is None or not official.created_at:
        return None
    return official.name, date.fromisoformat(official.created_at[:10])


@shows_rows
@st.cache_data(max_entries=8, show_spinner=False)
def attrition(path: str, visible: Visible, first: date, last: date) -> pd.DataFrame:
    return people.attrition(dataset(path), visible, first, last)


@st.cache_data(max_entries=8, show_spinner=False)
def attrition_sides(path: str, change: design.Change, months: int) -> pd.DataFrame:
    ds = dataset(path)
    return people.attrition_sides(ds, change, people.untreated_teams(ds, change), months)


@shows_rows
@st.cache_data(max_entries=8, show_spinner=False)
def satisfaction(path: str, visible: Visible) -> pd.DataFrame:
    return people.satisfaction(dataset(path), visible)


@st.cache_data(max_entries=8, show_spinner=False)
def satisfaction_sides(path: str, change: design.Change, months: int):
    ds = dataset(path)
    return people.satisfaction_sides(ds, change, people.untreated_teams(ds, change), months)


def has_people(path: str) -> tuple[bool, bool]:
    """(agents have left dates, the employee survey is there)."""
    ds = dataset(path)
    return people.has_dates(ds), ds.has("employee_survey")
