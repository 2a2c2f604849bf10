"""The labels every page shares (dashboard/ui/labels.py), against the catalog's own words."""

from __future__ import annotations

import pytest

from dashboard.ui.i18n import CATALOG
from dashboard.ui.labels import grade_badge, grade_label, kpi_label
from scoring.methods.grading import GRADES


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_grade_and_no_grade_read_as_the_catalog_says(lang):
    assert [grade_label(g, lang) for g in GRADES] == [CATALOG[f"grade_{g}"][lang] for g in GRADES]
    missing = CATALOG["insufficient_data"][lang]
    assert grade_label(None, lang) == grade_label("insufficient_data", lang) == missing
    assert grade_badge("excellent", lang) == f"🟢 {CATALOG['grade_excellent'][lang]}"
    assert grade_badge(None, lang) == f"⚪ {missing}"


def test_a_kpi_label_is_the_registry_label():
    assert kpi_label("csat", "zh") == "客户满意度" and kpi_label("csat", "en") != "csat"
