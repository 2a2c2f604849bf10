"""The KPI registry and the weight schemes speak both languages: a Chinese user reads each
KPI's description and formula, and each preset's description, in Chinese."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from scoring.engine import schemes
from scoring.registry.kpis import KPIS
from tests.conftest import ROOT, SAMPLE_DATASET

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("k", KPIS, ids=lambda k: k.id)
def test_every_kpi_is_described_in_chinese(k):
    assert CHINESE.search(k.describe("zh")) and CHINESE.search(k.formula_in("zh"))
    assert (k.describe("en"), k.formula_in("en")) == (k.description, k.formula)


def test_every_built_in_scheme_is_described_in_chinese_and_saved_ones_fall_back():
    for scheme in schemes.list_schemes(ROOT / "no-saved-schemes"):
        assert CHINESE.search(scheme.describe("zh")), scheme.name
    saved = schemes.Scheme("night", "Night", "夜班", "Night shift weights", {"csat": 1.0})
    assert saved.describe("zh") == "Night shift weights"


def test_the_data_page_shows_the_registry_in_chinese(monkeypatch):
    monkeypatch.setenv("SPD_DATA_DIR", str(SAMPLE_DATASET))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/data.py")
    at.run()
    assert not at.exception
    registry = next(d.value for d in at.dataframe if "formula" in d.value.columns)
    shown = registry.set_index("label")
    for k in KPIS:
        assert shown.at[k.label_zh, "description"] == k.description_zh
        assert shown.at[k.label_zh, "formula"] == k.formula_zh
    assert t("kpi_registry", "zh") in [h.value for h in at.subheader]
