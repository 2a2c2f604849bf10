"""Cached inputs of the Customer expectations page: the questionnaire classified (of everyone,
of one segment, of each segment), the department's values of the KPIs linked to the
factors, and the scoring built on them (scoring.analyses.kano_scoring) against the current
scheme; a filled questionnaire imported (scoring.ingest.kano_answers).

The answers are customers', not the department's people, so no team or agent is in them; the
KPI values are those of the sidebar's filter, which the shell has clamped to the session's
grant (the visible scope, as on the Overview).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import cache
from dashboard.app.app_settings import app_setting
from dashboard.app.shell import Context
from dashboard.kano import questionnaire
from scoring.analyses import kano, kano_scoring
from scoring.data import catalog
from scoring.engine import scorecard, whatif
from scoring.engine.policy import Policy
from scoring.ingest import kano_answers
from scoring.measures.metrics import Filters
from scoring.stores import scenarios
from scoring.stores.sqlite_files import Unavailable


def minimum_respondents() -> int:
    """The setting kano_min_respondents (a bad value is an error naming the setting)."""
    return kano.minimum_respondents(app_setting(kano.MINIMUM_SETTING))


def has_answers(path: str) -> bool:
    return cache.dataset(path).has(kano.TABLE)


@st.cache_data(max_entries=4, show_spinner=False)
def segments(path: str) -> list[str]:
    return kano.segments(cache.dataset(path))


@st.cache_data(max_entries=16, show_spinner=False)
def analysis(path: str, minimum: int, segment: str | None) -> kano.KanoAnalysis:
    return kano.analyse(cache.dataset(path), minimum, segment)


def by_segment(path: str, minimum: int) -> dict[str, kano.KanoAnalysis]:
    return {s: analysis(path, minimum, s) for s in segments(path)}


def kpi_links(
    path: str, filters: Filters, repeat_days: int, factors: pd.DataFrame, targets: dict
) -> pd.DataFrame:
    """The factors' KPIs with their value over `filters` (the visible scope) and target."""
    current = cache.kpi_table(path, filters, (), repeat_days)
    values = current.iloc[0].to_dict() if not current.empty else {}
    return kano.kpi_links(factors, values, targets)


@st.cache_data(max_entries=1, show_spinner=False)
def questionnaire_template() -> bytes:
    """The bilingual questionnaire workbook (the same for every dataset and session)."""
    return questionnaire.template_bytes()


def may_import(ctx: Context) -> bool:
    """Whoever may import the department's data may import its questionnaire."""
    return ctx.grant.allows_page("import_data")


def import_answers(ctx: Context, data: bytes, file_name: str) -> kano_answers.Imported:
    """The filled questionnaire as a new version of the open imported dataset. A new
    version is a new `ctx.path` (symlinks resolved), so every cache keyed by it is fresh."""
    target = catalog.imported_path(app_setting("state_dir"), ctx.dataset.name)
    return kano_answers.import_answers(data, target, source_name=file_name, user=ctx.grant.user)


def current_policy(ctx: Context) -> Policy:
    """The scheme the What-if lab compares with: the official scenario, else the balanced
    scheme with the dataset's targets (a store that cannot be read now: the latter)."""
    try:
        official = scenarios.ScenarioStore(ctx.state_dir).catalogue()[1]
    except Unavailable:
        official = None
    return official.policy if official else cache.scheme_policy(None, ctx.targets)


def _department_matrix(ctx: Context) -> scorecard.KpiMatrix:
    return cache.kpi_matrix(ctx.path, ctx.view.filters().population(), ctx.repeat_days)


def suggestion(ctx: Context, analysis: kano.KanoAnalysis, base: Policy) -> kano_scoring.Suggestion:
    """The Kano-informed policy from `base` for the KPIs the data measures, with the
    department's values (the sidebar's period over everyone: the weights are the
    department's)."""
    matrix = _department_matrix(ctx)
    unmeasured = scorecard.score(matrix, base).unmeasured
    measured = [k.id for k in matrix.kpis if k.id not in unmeasured]
    table = cache.kpi_table(ctx.path, ctx.view.filters().population(), (), ctx.repeat_days)
    values = table.iloc[0].to_dict() if not table.empty else {}
    return kano_scoring.suggest(analysis.factors, base, values, measured)


def comparison(ctx: Context, base: Policy, suggested: Policy) -> tuple[whatif.Comparison, dict]:
    """The suggestion against `base` over the department, and both bonus bills."""
    matrices = whatif.Matrices(_department_matrix(ctx))
    current = whatif.evaluate(matrices, base, explain=False)
    kano_based = whatif.evaluate(matrices, suggested, explain=False)
    bills = {"current": whatif.payout_summary(current)["total"],
             "kano": whatif.payout_summary(kano_based)["total"],
             "gated": int(kano_based["gated"].sum())}  # fmt: skip
    return whatif.compare(current, kano_based, base, suggested), bills
