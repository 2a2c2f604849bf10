"""Labels every page shares, in the user's language: grades (with or without their badge)
and KPIs. One place, so a grade or KPI reads the same on every page and in every download."""

from __future__ import annotations

from dashboard.ui.i18n import t
from dashboard.ui.values import value_label
from scoring.measures.metrics import Unavailable
from scoring.registry.kpis import KPI, KPIS_BY_ID
from scoring.registry.values import (  # noqa: F401 (shared with the reports)
    UNIT_WORDS,
    grade_label,
    kpi_change,
    kpi_value,
    shown_as_zero,
    unit_word,
)

GRADE_BADGES = {"excellent": "🟢", "good": "🔵", "satisfactory": "🟡", "unsatisfactory": "🔴"}
NO_GRADE_BADGE = "⚪"


def grade_badge(grade: str | None, lang: str) -> str:
    """The grade's name after its coloured badge."""
    return f"{GRADE_BADGES.get(grade, NO_GRADE_BADGE)} {grade_label(grade, lang)}"


def kpi_label(kpi_id: str, lang: str) -> str:
    return KPIS_BY_ID[kpi_id].label(lang)


def metric_delta(k: KPI, change: float | None, lang: str) -> dict:
    """`st.metric` keywords for a change: green when it is better, red when worse (the
    KPI's direction), grey and without an arrow when it rounds to zero."""
    text = kpi_change(k, change, lang)
    if text is None:
        return {"delta": None}
    if shown_as_zero(k, change):
        return {"delta": text, "delta_color": "off", "delta_arrow": "off"}
    return {"delta": text, "delta_color": "normal" if k.higher_is_better else "inverse"}


def target_mark(met: bool, lang: str) -> str:
    """Whether a target is met, as its mark and a word: the word carries it where the
    emoji font is missing."""
    return f"✅ {t('target_met', lang)}" if met else f"🔻 {t('target_missed', lang)}"


def unavailable_reason(reason: Unavailable, lang: str) -> str:
    """Why a KPI cannot be computed, as a phrase naming the columns the data lacks."""
    columns = [_column_name(table, column, lang) for table, column in reason.columns]
    return t(f"unavailable_{reason.code}", lang, columns=t("list_separator", lang).join(columns))


def _column_name(table: str, column: str, lang: str) -> str:
    """A column of the contract with its table's label ("工单表的 contacts 列")."""
    label = value_label("table", table, lang)
    return t("unavailable_column", lang, table=label, table_id=table, column=column)
