"""Importing filled questionnaires on the Customer expectations page (AppTest): the page's
template filled with hand-chosen answers (tests/scoring/test_kano_answers.py) is uploaded
into an imported dataset and the page then classifies as the answers dictate; bad cells are
listed by sheet, Excel row and column in both languages; on the sample nothing is offered
but the way to an imported dataset; a supervisor (who may not import) sees neither.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.kano.sections import UPLOAD_KEY
from dashboard.ui.i18n import t
from scoring.cli.main import main
from scoring.ingest import write
from scoring.registry.kano import FACTORS
from tests.conftest import ROOT
from tests.scoring.test_import_cli import HELPDESK_ROWS, write_csv
from tests.scoring.test_kano_answers import A_FACTOR, M_FACTOR, O_FACTOR, SHEET, answers_of, filled

APP = str(ROOT / "app.py")
PAGE = "app_pages/kano.py"
NAME = "helpdesk"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def state(tmp_path, monkeypatch):
    """A state folder holding one imported dataset without a questionnaire (version 1)."""
    folder = tmp_path / "state"
    csv = write_csv(tmp_path / "helpdesk.csv", HELPDESK_ROWS)
    assert main(["import", str(csv), "--out", str(folder / "datasets" / NAME)]) == 0
    monkeypatch.setenv("SPD_STATE_DIR", str(folder))
    monkeypatch.delenv("SPD_DATA_DIR", raising=False)
    return folder


def open_page(lang: str, dataset: str = f"imported-{NAME}") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": lang, "dataset": dataset})
    at.run()
    at.switch_page(PAGE)
    return at.run()


def upload(at: AppTest, data: bytes) -> AppTest:
    at.file_uploader(key=UPLOAD_KEY).set_value(("answers.xlsx", data, XLSX))
    at.run()
    at.button(key="kano_import_go").click()
    return at.run()


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def test_the_uploaded_answers_are_imported_and_classified_as_they_dictate(state):
    at = open_page("en")
    ok(at)
    assert t("kano_no_table", "en") in [i.value for i in at.info]
    at = upload(at, filled([answers_of(f"R{i}") for i in range(4)]))
    ok(at)
    done = t("kano_import_done", "en", version=2, accepted=4, refused=0)
    assert [s.value for s in at.success] == [done]
    assert write.current_version(state / "datasets" / NAME) == 2
    factors = next(d.value for d in at.dataframe if "category" in d.value.columns)
    shown = dict(zip(factors["factor"], factors["category"], strict=True))
    hand = {f.label_en: "Indifferent" for f in FACTORS}
    by_id = {f.id: f.label_en for f in FACTORS}
    hand |= {by_id[O_FACTOR]: "One-dimensional", by_id[M_FACTOR]: "Must-be",
             by_id[A_FACTOR]: "Attractive"}  # fmt: skip
    assert shown == hand
    assert next(m.value for m in at.metric if m.label == t("kano_respondents", "en")) == "4"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_cells_are_listed_by_sheet_row_and_column(state, lang):
    functional = f"{O_FACTOR}.functional"  # column C
    rows = [answers_of("R1"), answers_of("R2", **{functional: 9}), answers_of("R1")]
    at = upload(open_page(lang), filled(rows))
    ok(at)
    done = t("kano_import_done", lang, version=2, accepted=1, refused=2)
    assert [s.value for s in at.success] == [done]
    problems = next(d.value for d in at.dataframe if t("kano_problem_row", lang) in d.value)
    columns = [t(f"kano_problem_{c}", lang) for c in ("sheet", "row", "column", "value", "text")]
    assert problems.columns.tolist() == columns
    assert problems.values.tolist() == [
        [SHEET, "4", f"{functional} (C)", "9", t("kano_problem_answer_not_1_to_5", lang)],
        [SHEET, "5", "respondent_id (A)", "R1",
         t("kano_problem_respondent_repeated", lang, first_row=3)],
    ]  # fmt: skip


def test_a_file_not_of_the_template_writes_nothing(state):
    at = upload(open_page("zh"), b"not a workbook")
    ok(at)
    assert [e.value for e in at.error] == [t("kano_import_nothing", "zh", accepted=0, refused=0)]
    problems = next(d.value for d in at.dataframe if t("kano_problem_row", "zh") in d.value)
    assert problems[t("kano_problem_text", "zh")].tolist() == [
        t("kano_problem_not_a_workbook", "zh")
    ]
    assert write.current_version(state / "datasets" / NAME) == 1


def test_the_sample_offers_no_upload_but_the_way_to_an_imported_dataset(state):
    at = open_page("en", dataset="sample")
    ok(at)
    assert t("kano_import_imported_only", "en") in [i.value for i in at.info]
    assert not at.get("file_uploader")


def test_a_supervisor_sees_no_upload(state, tmp_path, monkeypatch):
    users = {"sup@x": {"role": "supervisor", "teams": ["Team North"]}}
    path = tmp_path / "access.json"
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(path))
    monkeypatch.setattr(app_access, "session_user", lambda: "sup@x")
    at = open_page("en", dataset="sample")  # the imported one has no Team North
    ok(at)
    assert t("kano_questionnaire_header", "en") in [s.value for s in at.subheader]
    assert t("kano_import_header", "en") not in [s.value for s in at.subheader]
    assert t("kano_import_imported_only", "en") not in [i.value for i in at.info]
    assert not at.get("file_uploader")
