"""Cached inputs of the Objectives page: the objectives in force (the dataset's table with the
edits saved in its state folder, re-read when a version is saved:
`cache.objectives_in_force`), their attainment for the visible scope, the consistency of
team targets with the department's and a cascade's preview (scoring.analyses.objectives)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.app import cache
from dashboard.app.shell import Context
from scoring.analyses import objectives as analysis
from scoring.measures.query import Filters
from scoring.scope import Visible
from scoring.stores.objectives import ObjectiveStore


def store(ctx: Context) -> ObjectiveStore:
    return ObjectiveStore(ctx.state_dir)


def in_force(ctx: Context) -> pd.DataFrame:
    """Every objective in force (`id` and the contract's columns)."""
    return cache.objectives_in_force(ctx.path, ctx.state_dir)


def in_period(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The objectives whose period overlaps the filter's dates (no dates: all)."""
    keep = pd.Series(True, index=frame.index)
    if filters.start:
        keep &= frame["period_end"] >= filters.start
    if filters.end:
        keep &= frame["period_start"] <= filters.end
    return frame[keep].reset_index(drop=True)


def as_of(ctx: Context) -> date:
    """Objectives are tracked up to the data's last day."""
    return cache.data_range(ctx.path)[1] or date.today()


@st.cache_data(max_entries=4, show_spinner=False)
def teams_of(path: str) -> dict[str, str]:
    return analysis.teams_of(cache.dataset(path))


@st.cache_data(max_entries=16, show_spinner=False)
def tracked(
    path: str, frame: pd.DataFrame, day: date, pace: str, visible: Visible, repeat_days: int
) -> pd.DataFrame:
    def tables(filters: Filters, by: tuple[str, ...]) -> pd.DataFrame:
        return cache.kpi_table(path, filters, by, repeat_days)  # shared while the team changes

    ds = cache.dataset(path)
    return analysis.objective_rows(ds, frame, day, visible, pace, repeat_days, tables)


@st.cache_data(max_entries=16, show_spinner=False)
def consistency(path: str, frame: pd.DataFrame, repeat_days: int) -> pd.DataFrame:
    return analysis.consistency(cache.dataset(path), frame, repeat_days)


@st.cache_data(max_entries=16, show_spinner=False)
def cascade_preview(
    path: str,
    parent: dict,
    to: str,
    weigh: str,
    existing: pd.DataFrame,
    visible: Visible,
    repeat_days: int,
) -> pd.DataFrame:
    ds = cache.dataset(path)
    return analysis.cascade(ds, parent, to, weigh, existing, visible, repeat_days)
