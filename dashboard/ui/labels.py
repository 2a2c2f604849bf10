"""Labels every page shares, in the user's language: grades (with or without their badge)
and KPIs. One place, so a grade or KPI reads the same on every page and in every download."""

from __future__ import annotations

from dashboard.ui.i18n import t
from scoring.methods.grading import GRADES
from scoring.registry.kpis import KPIS_BY_ID

GRADE_BADGES = {"excellent": "🟢", "good": "🔵", "satisfactory": "🟡", "unsatisfactory": "🔴"}
NO_GRADE_BADGE = "⚪"


def grade_label(grade: str | None, lang: str) -> str:
    """A grade's name; anything that is not a grade (None, "insufficient_data") reads as
    insufficient data."""
    return t(f"grade_{grade}", lang) if grade in GRADES else t("insufficient_data", lang)


def grade_badge(grade: str | None, lang: str) -> str:
    """The grade's name after its coloured badge."""
    return f"{GRADE_BADGES.get(grade, NO_GRADE_BADGE)} {grade_label(grade, lang)}"


def kpi_label(kpi_id: str, lang: str) -> str:
    return KPIS_BY_ID[kpi_id].label(lang)
