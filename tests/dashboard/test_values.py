"""The value-label catalog (dashboard/ui/values.py): every value the sample holds has a word
in both languages, the contract's tables too, and a value it does not know is shown as the
data has it. The sample's values are read here with pandas."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.ui.values import VALUE_LABELS, value_label, value_labels
from scoring.registry.contract import TABLES
from tests.conftest import SAMPLE_DATASET

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# field of the catalog → (table, column) of the sample holding such values
SAMPLE_COLUMNS = {
    "channel": ("tickets", "channel"),
    "category": ("tickets", "category"),
    "product": ("tickets", "product"),
    "priority": ("tickets", "priority"),
    "segment": ("tickets", "customer_segment"),
    "competency": ("feedback_360", "competency"),
    "reviewer_role": ("feedback_360", "reviewer_role"),
    "skill": ("training", "skill"),
}


def sample_values(table: str, column: str) -> set[str]:
    path = SAMPLE_DATASET / table
    frame = pd.read_parquet(path if path.is_dir() else path.with_suffix(".parquet"))
    return set(frame[column].dropna().astype(str))


@pytest.mark.parametrize("field", sorted(SAMPLE_COLUMNS))
def test_every_value_of_the_sample_has_a_chinese_and_an_english_word(field):
    values = sample_values(*SAMPLE_COLUMNS[field])
    assert values, field
    for value in values:
        assert value in VALUE_LABELS[field], (field, value)
        assert CHINESE.search(value_label(field, value, "zh")), (field, value)
        assert value_label(field, value, "en").strip(), (field, value)


def test_every_table_of_the_contract_is_named_in_both_languages():
    for table in TABLES:
        assert CHINESE.search(value_label("table", table.name, "zh")), table.name
        assert value_label("table", table.name, "en") != "", table.name


def test_the_words_of_a_field_are_distinct_in_each_language():
    for field, words in VALUE_LABELS.items():
        for index, lang in enumerate(("zh", "en")):
            shown = [pair[index] for pair in words.values()]
            assert len(shown) == len(set(shown)), (field, lang)


def test_known_values_in_each_language():
    assert value_label("channel", "phone", "zh") == "电话"
    assert value_label("channel", "phone", "en") == "Phone"
    assert value_label("category", "repair", "zh") == "维修"
    assert value_label("table", "tickets", "zh") == "工单"
    assert value_labels("segment", ["enterprise", "individual"], "zh") == {
        "enterprise": "企业客户",
        "individual": "个人客户",
    }


@pytest.mark.parametrize("missing", [None, math.nan, float("nan")])
def test_a_missing_value_is_empty_never_none_or_nan(missing):
    assert value_label("channel", missing, "zh") == ""


@given(st.text(min_size=1).filter(lambda v: v not in VALUE_LABELS["product"]))
def test_a_value_the_catalog_does_not_know_is_shown_as_the_data_has_it(value):
    assert value_label("product", value, "zh") == value
    assert value_label("no_such_field", value, "en") == value
