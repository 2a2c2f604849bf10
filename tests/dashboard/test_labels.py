"""The labels every page shares (dashboard/ui/labels.py), against the catalog's own words."""

from __future__ import annotations

import pytest

from dashboard.ui.i18n import CATALOG
from dashboard.ui.labels import (
    grade_badge,
    grade_label,
    kpi_change,
    kpi_label,
    kpi_value,
    metric_delta,
    target_mark,
)
from scoring.methods.grading import GRADES
from scoring.registry.kpis import KPIS_BY_ID


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_grade_and_no_grade_read_as_the_catalog_says(lang):
    assert [grade_label(g, lang) for g in GRADES] == [CATALOG[f"grade_{g}"][lang] for g in GRADES]
    missing = CATALOG["insufficient_data"][lang]
    assert grade_label(None, lang) == grade_label("insufficient_data", lang) == missing
    assert grade_badge("excellent", lang) == f"🟢 {CATALOG['grade_excellent'][lang]}"
    assert grade_badge(None, lang) == f"⚪ {missing}"


def test_a_kpi_label_is_the_registry_label():
    assert kpi_label("csat", "zh") == "客户满意度" and kpi_label("csat", "en") != "csat"


# ---------------------------------------------------------------------------------------
# Values, changes and targets in the KPI's unit, in the user's language (issue 15)

FCR, HANDLE, CSAT = KPIS_BY_ID["fcr"], KPIS_BY_ID["handle_minutes"], KPIS_BY_ID["csat"]


@pytest.mark.parametrize(
    ("k", "value", "zh", "en"),
    [
        (FCR, 0.8234, "82.3%", "82.3%"),  # a rate as %, never 0.8234
        (HANDLE, 39.6, "40 分钟", "40 min"),
        (CSAT, 4.123, "4.12 /5", "4.12 /5"),
        (FCR, None, "", ""),  # no value: empty, never "nan" or "None"
        (FCR, float("nan"), "", ""),
    ],
)
def test_a_kpi_value_in_its_unit_and_the_users_language(k, value, zh, en):
    assert kpi_value(k, value, "zh") == zh
    assert kpi_value(k, value, "en") == en


@pytest.mark.parametrize(
    ("k", "change", "zh", "en"),
    [
        (FCR, 0.012, "+1.2 个百分点", "+1.2 pts"),  # a rate changes in percentage points
        (FCR, -0.0304, "-3.0 个百分点", "-3.0 pts"),
        (FCR, -0.0004, "0.0 个百分点", "0.0 pts"),  # rounds to zero: no sign, never "-0.0"
        (HANDLE, -0.3, "0 分钟", "0 min"),  # never "-0 min"
        (HANDLE, 2.6, "+3 分钟", "+3 min"),
        (HANDLE, None, None, None),
    ],
)
def test_a_change_is_signed_in_the_kpis_unit_and_zero_has_no_sign(k, change, zh, en):
    assert kpi_change(k, change, "zh") == zh
    assert kpi_change(k, change, "en") == en


@pytest.mark.parametrize(
    ("k", "change", "colour", "arrow"),
    [
        (FCR, 0.012, "normal", None),  # higher is better: up is green
        (FCR, -0.012, "normal", None),  # down is red
        (HANDLE, 2.6, "inverse", None),  # lower is better: up (longer) is red
        (FCR, -0.0004, "off", "off"),  # no change: grey, no arrow (was red "-0.0 pts")
        (HANDLE, 0.4, "off", "off"),  # was green "+0 min"
    ],
)
def test_a_change_is_green_when_better_red_when_worse_grey_when_none(k, change, colour, arrow):
    delta = metric_delta(k, change, "zh")
    assert delta["delta_color"] == colour
    assert delta.get("delta_arrow") == arrow


def test_no_previous_value_gives_no_delta():
    assert metric_delta(FCR, None, "zh") == {"delta": None}


@pytest.mark.parametrize(
    ("lang", "met", "missed"), [("zh", "达标", "未达标"), ("en", "met", "missed")]
)
def test_a_target_mark_has_its_word_beside_it(lang, met, missed):
    assert target_mark(True, lang) == f"✅ {met}"
    assert target_mark(False, lang) == f"🔻 {missed}"
