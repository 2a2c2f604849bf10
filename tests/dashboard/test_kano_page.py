"""The Customer expectations page under streamlit's AppTest: both languages, the planted
categories, the Better–Worse diagram, the segment widget, the minimum, the linked KPIs in
the visible scope, the questionnaire template, and a dataset without the questionnaire.

Expected values come from the sample's Parquet files read here with pandas (the Kano
evaluation table written out below from docs/METHODS.md, "Kano questionnaire"), its
truth.json and the UI catalog.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.app import audit
from dashboard.ui.i18n import t
from dashboard.ui.labels import kpi_label
from scoring.registry.kano import FACTORS
from scoring.stores.scenarios import Scenario, ScenarioStore
from tests import kano_example
from tests.builders import plotly_values
from tests.conftest import ROOT, SAMPLE_DATASET, saved_state
from tests.kano_example import FRM, NPS, P90, PARTS

APP = str(ROOT / "app.py")
PAGE = "app_pages/kano.py"
ANSWERS = pd.read_parquet(SAMPLE_DATASET / "kano_responses.parquet")
PLANTED = json.loads((SAMPLE_DATASET / "truth.json").read_text(encoding="utf-8"))["kano"]
CATEGORY_WORDS = {"M": ("必备", "Must-be"), "O": ("单向", "One-dimensional"),
                  "A": ("吸引", "Attractive")}  # fmt: skip
# Rows: functional answer 1..5; columns: dysfunctional answer 1..5.
TABLE = ("QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ")


def open_page(monkeypatch, lang: str = "zh", data=SAMPLE_DATASET, params=None) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": lang, **(params or {})})
    at.switch_page(PAGE)
    return at.run()


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error


def metric(at: AppTest, key: str, lang: str = "en") -> str:
    return next(m.value for m in at.metric if m.label == t(key, lang))


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one table of the page that has this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, column
    return found[0]


def expected_better_worse() -> pd.DataFrame:
    """Better and |Worse| per factor, counted here from the answers."""
    category = [
        TABLE[f - 1][d - 1]
        for f, d in zip(ANSWERS["functional"], ANSWERS["dysfunctional"], strict=True)
    ]
    counts = pd.crosstab(ANSWERS["factor"], pd.Series(category, name="c", index=ANSWERS.index))
    relevant = counts[["A", "O", "M", "I"]].sum(axis=1)
    return pd.DataFrame(
        {
            "better": (counts["A"] + counts["O"]) / relevant,
            "worse": (counts["O"] + counts["M"]) / relevant,
        }
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_classifies_every_planted_factor_in_both_languages(monkeypatch, lang):
    at = open_page(monkeypatch, lang)
    ok(at)
    assert at.title[0].value == t("page_kano", lang)
    factors = table_with(at, "strength")
    word = 0 if lang == "zh" else 1
    labels = {f.label(lang): f.id for f in FACTORS}
    shown = dict(zip(factors["factor"].map(labels), factors["category"], strict=True))
    assert shown == {f: CATEGORY_WORDS[c][word] for f, c in PLANTED.items()}
    assert at.metric[0].value == str(ANSWERS["respondent_id"].nunique())
    assert not at.warning
    # the ranked list: the three must-be factors first, one sentence each
    lines = next(m.value for m in at.markdown if m.value.startswith("1.")).splitlines()
    assert len(lines) == 9
    must_be = {f.label(lang).replace("-", "\\-") for f in FACTORS if PLANTED[f.id] == "M"}
    assert {name for name in must_be for line in lines[:3] if f"**{name}**" in line} == must_be


def test_the_better_worse_diagram_places_each_factor_by_its_coefficients(monkeypatch):
    at = open_page(monkeypatch, "en")
    ok(at)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(charts) == 1
    points = charts[0]["data"][0]
    names = {f.label("en"): f.id for f in FACTORS}
    placed = pd.DataFrame(
        {"better": plotly_values(points["x"]), "worse": plotly_values(points["y"])},
        index=[names[n] for n in points["text"]],
    ).sort_index()
    expected = expected_better_worse().sort_index()
    pd.testing.assert_frame_equal(placed, expected, check_names=False, atol=1e-9)
    quadrants = [a["text"] for a in charts[0]["layout"]["annotations"]]
    assert sorted(quadrants) == sorted(["Must-be", "One-dimensional", "Attractive", "Indifferent"])
    assert len(charts[0]["layout"]["shapes"]) == 2  # the lines at 0.5


def test_the_segment_widget_analyses_that_segments_respondents(monkeypatch):
    at = open_page(monkeypatch, "zh")
    ok(at)
    at.selectbox("kano_segment").set_value("enterprise").run()
    ok(at)
    enterprise = ANSWERS.loc[ANSWERS["segment"] == "enterprise", "respondent_id"].nunique()
    assert at.metric[0].value == str(enterprise)
    split = table_with(at, "全部受访者")
    assert list(split.columns) == [
        "服务要素",
        "全部受访者",
        f"企业客户（{enterprise} 人）",
        f"个人客户（{ANSWERS['respondent_id'].nunique() - enterprise} 人）",
    ]


def test_fewer_respondents_than_the_minimum_is_warned(monkeypatch):
    monkeypatch.setenv("SPD_KANO_MIN_RESPONDENTS", "100")
    at = open_page(monkeypatch, "en")
    ok(at)
    assert not at.warning  # all 200 respondents
    at.selectbox("kano_segment").set_value("enterprise").run()
    enterprise = ANSWERS.loc[ANSWERS["segment"] == "enterprise", "respondent_id"].nunique()
    assert enterprise < 100
    assert [w.value for w in at.warning] == [
        t("kano_below_minimum", "en", n=enterprise, minimum=100)
    ]


def test_the_linked_kpis_follow_the_team_filter(monkeypatch):
    everyone = table_with(open_page(monkeypatch, "en"), "met")
    team = sorted(pd.read_parquet(SAMPLE_DATASET / "agents.parquet")["team"].unique())[0]
    one_team = table_with(open_page(monkeypatch, "en", params={"team": team}), "met")
    declared = sum(len(f.kpis) for f in FACTORS)
    assert len(everyone) == len(one_team) == declared
    assert everyone["kpi"].tolist() == one_team["kpi"].tolist()
    assert everyone["target"].tolist() == one_team["target"].tolist()
    assert everyone["value"].tolist() != one_team["value"].tolist()  # the team's own values


def test_the_questionnaire_template_asks_both_questions_of_every_factor(monkeypatch):
    delivered: dict[str, bytes] = {}
    original = audit.st.download_button

    def spy(label, data, file_name=None, *args, **kwargs):
        delivered[file_name] = data
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(audit.st, "download_button", spy)
    ok(open_page(monkeypatch, "zh"))
    book = openpyxl.load_workbook(io.BytesIO(delivered["kano_questionnaire.xlsx"]))
    questions, answers = book.worksheets
    text = "\n".join(str(c.value) for row in questions.iter_rows() for c in row if c.value)
    for factor in FACTORS:
        for question in (factor.functional_zh, factor.functional_en, factor.dysfunctional_zh,
                         factor.dysfunctional_en):  # fmt: skip
            assert question in text
    for number in range(1, 6):
        assert t(f"kano_answer_{number}", "zh") in text and t(f"kano_answer_{number}", "en") in text
    header = [c.value for c in answers[1]]
    assert header[:2] == ["respondent_id", "segment"]
    assert header[2:] == [f"{f.id}.{q}" for f in FACTORS for q in ("functional", "dysfunctional")]
    rules = {(v.type, v.formula1, v.formula2) for v in answers.data_validations.dataValidation}
    assert ("whole", "1", "5") in rules


def test_a_dataset_without_the_questionnaire_offers_the_template(monkeypatch, core_only_dataset):
    at = open_page(monkeypatch, "en", data=core_only_dataset)
    ok(at)
    # a configured folder: answers are imported into an imported dataset only
    assert [i.value for i in at.info] == [
        t("kano_no_table", "en"),
        t("kano_import_imported_only", "en"),
    ]
    assert not at.get("plotly_chart")
    assert [b.label for b in at.get("download_button")] == [t("kano_download_template", "en")]


# ---------------------------------------------------------------------------------------
# Scoring built on what customers expect: the hand-made example of tests/kano_example.py,
# worked out by hand in tests/scoring/test_kano_scoring.py


@pytest.fixture(scope="module")
def expectations(tmp_path_factory):
    return kano_example.write(tmp_path_factory.mktemp("kano_scoring") / "data")


def test_the_suggestion_opens_in_the_lab_with_its_weights_and_gates(
    monkeypatch, expectations, tmp_path
):
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("SPD_DATA_DIR", str(expectations))
    store = ScenarioStore(saved_state())
    store.save(Scenario(name="current", policy=kano_example.CURRENT))
    store.mark_official("current")
    at = open_page(monkeypatch, "en", data=expectations)
    ok(at)
    shown = table_with(at, "ratio").set_index("kpi")
    frm, parts, nps = (kpi_label(k, "en") for k in (FRM, PARTS, NPS))
    # 50·1² = 50, 30·1.5 = 45, 20·√4 = 40 of 135 → 37.1, 33.3, 29.6 %
    assert shown.loc[[frm, parts, nps], "weight"].tolist() == [37.1, 33.3, 29.6]
    assert shown.loc[[frm, parts, nps], "current"].tolist() == [50.0, 30.0, 20.0]
    roles = [t(f"kano_role_{role}", "en") for role in ("gate", "linear", "bonus")]
    assert shown.loc[[frm, parts, nps], "role"].tolist() == roles
    # B satisfactory → excellent, D unsatisfactory → satisfactory; C held at satisfactory
    assert metric(at, "whatif_grade_changes") == "2"
    assert metric(at, "kano_gated_agents") == "1"
    assert metric(at, "whatif_payout_total") == "1,000.00"  # 875 now, scaled to the pool

    at.button(key="kano_open_lab").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == t("page_whatif", "en")
    weights = at.session_state["whatif_weights_main"]
    assert {k: weights[k] for k in (FRM, PARTS, NPS)} == {FRM: 37.1, PARTS: 33.3, NPS: 29.6}
    assert at.session_state["whatif_must_be"] == [FRM, P90]
    assert at.session_state["whatif_bonus"] == [NPS]
    table = next(d.value for d in at.dataframe if "new_rank" in d.value.columns)
    grades = dict(zip(table["agent_id"], zip(table["base_grade"], table["new_grade"],
                                             strict=True), strict=True))  # fmt: skip
    assert grades == {
        "A": ("Excellent", "Excellent"),
        "B": ("Satisfactory", "Excellent"),  # 74.5 → 91.4: NPS below target costs nothing
        "C": ("Satisfactory", "Satisfactory"),  # 60 → 86.4, good, capped by the gate
        "D": ("Unsatisfactory", "Satisfactory"),  # 58.2 → 65.6
    }
    assert t("whatif_gated", "en", count=1) in [c.value for c in at.caption]
    assert at.query_params["must_be"] == [FRM, P90] and at.query_params["bonus"] == NPS


def test_without_the_lab_the_suggestion_is_shown_without_the_button(monkeypatch, expectations):
    access = expectations.parent / "access.json"
    access.write_text(json.dumps({"users": {"t@x": {"role": "trainer"}}}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(access))
    monkeypatch.setattr(app_access, "session_user", lambda: "t@x")
    at = open_page(monkeypatch, "zh", data=expectations)
    ok(at)
    assert len(table_with(at, "ratio")) == 4  # first response ×2, parts, NPS
    assert not [b for b in at.button if b.key == "kano_open_lab"]
    assert t("kano_scoring_lab_leadership", "zh") in [c.value for c in at.caption]
