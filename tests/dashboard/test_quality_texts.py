"""The data-quality report speaks both languages: every rule has a Chinese description and
every notice a catalog entry in both languages taking the same values as its English text."""

from __future__ import annotations

import json
import string

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import CATALOG, t
from scoring.data import quality
from scoring.registry.contract import TABLES
from scoring.registry.kpis import KPI_IDS
from tests.conftest import ROOT, SAMPLE_DATASET


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_rule_has_a_chinese_description():
    missing = [r.id for r in quality.rules(KPI_IDS) if not r.description_zh]
    assert missing == []


@pytest.mark.parametrize("code", sorted(quality.NOTICES))
def test_every_notice_is_in_the_catalog_with_the_same_values(code):
    entry = CATALOG[f"notice_{code}"]
    for lang in ("en", "zh"):
        assert fields(entry[lang]) == fields(quality.NOTICES[code])


@pytest.mark.parametrize("code", sorted(quality.PROBLEMS))
def test_every_problem_is_in_the_catalog_naming_where_it_is(code):
    entry = CATALOG[f"problem_{code}"]
    where = fields(quality.PROBLEMS[code]) & {"path", "table", "file", "column"}
    assert where and where <= fields(entry["zh"]) <= fields(entry["en"])


def test_every_contract_type_is_worded_in_both_languages():
    for type_code in quality.TYPE_WORDS:
        assert CATALOG[f"type_{type_code}"]["zh"]
    assert {c.type for t in TABLES for c in t.columns} <= set(quality.TYPE_WORDS)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_page_words_rules_and_notices_in_the_users_language(monkeypatch, lang):
    monkeypatch.setenv("SPD_DATA_DIR", str(SAMPLE_DATASET))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page("app_pages/data.py")
    at.run()
    assert not at.exception
    by_id = {r.id: r for r in quality.rules(KPI_IDS)}
    rules = at.dataframe[1].value.set_index(t("rule", lang))[t("description", lang)]
    for rule_id, shown in rules.items():
        rule = by_id[rule_id]
        assert shown == (rule.description_zh if lang == "zh" else rule.description)
    planted = json.loads((SAMPLE_DATASET / "truth.json").read_text())["bad_rows"]
    tickets = sum(n for rule, n in planted.items() if rule.startswith("tickets."))
    read = json.loads((SAMPLE_DATASET / "truth.json").read_text())["counts"]["tickets"] + tickets
    table = {"zh": "工单", "en": "Tickets"}[lang]  # the table named in the user's language
    expected = t("notice_rows_excluded", lang, table=table, excluded=tickets, read=read)
    assert f"- {expected}" in [m.value for m in at.markdown]
