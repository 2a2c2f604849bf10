"""Filled questionnaires read back (scoring/ingest/kano_answers.py): the page's template filled
here with hand-chosen answers, imported into an imported dataset, classified as the answers
dictate (docs/METHODS.md's evaluation table: functional 1 / dysfunctional 5 is O, 3 / 5 is
M, 1 / 3 is A, 3 / 3 is I); a file with bad cells names each problem by sheet, Excel row and
column, refuses those rows only, and a file not fitting the template writes nothing.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from dashboard.kano.questionnaire import template_bytes
from scoring.analyses import kano
from scoring.cli.main import main
from scoring.data.dataset import open_dataset
from scoring.ingest import write
from scoring.ingest.kano_answers import Problem, import_answers, read_answers
from scoring.registry.kano import FACTORS
from tests.scoring.test_import_cli import HELPDESK_ROWS, write_csv

SHEET = "回答 Answers"  # the template's answer sheet
O_FACTOR, M_FACTOR, A_FACTOR = FACTORS[0].id, FACTORS[1].id, FACTORS[2].id
CHOSEN = {O_FACTOR: (1, 5), M_FACTOR: (3, 5), A_FACTOR: (1, 3)}  # the rest: 3 / 3 (I)


def answers_of(respondent: str, segment: str | None = "enterprise", **changed) -> list:
    """A template row: every factor answered as CHOSEN (else 3 / 3), `changed` by column id."""
    row = {"respondent_id": respondent, "segment": segment}
    for factor in FACTORS:
        row[f"{factor.id}.functional"], row[f"{factor.id}.dysfunctional"] = CHOSEN.get(
            factor.id, (3, 3)
        )
    row |= changed
    return list(row.values())


def filled(rows: list[list], header: dict[int, str] | None = None) -> bytes:
    """The page's template with `rows` from Excel row 3 on (`header`: column → new id)."""
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    sheet = book[SHEET]
    for column, name in (header or {}).items():
        sheet.cell(1, column, name)
    for number, row in enumerate(rows, start=3):
        for column, value in enumerate(row, start=1):
            sheet.cell(number, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def imported(tmp_path) -> Path:
    """An imported dataset without a questionnaire (version 1)."""
    target = tmp_path / "ds"
    csv = write_csv(tmp_path / "helpdesk.csv", HELPDESK_ROWS)
    assert main(["import", str(csv), "--out", str(target)]) == 0
    return target


def test_the_filled_template_is_classified_as_its_answers_dictate(imported):
    rows = [answers_of(f"R{i}", ("enterprise", "individual")[i % 2]) for i in range(6)]
    done = import_answers(filled(rows), imported, source_name="answers.xlsx", user="ana")
    assert done.answers.problems == ()
    assert (done.answers.accepted, done.answers.refused) == (6, 0)
    assert done.result.version == 2 and write.current_version(imported) == 2
    ds = open_dataset(write.current_path(imported))
    assert ds.has("tickets")  # carried over from version 1
    result = kano.analyse(ds, 1)
    categories = dict(zip(result.factors["factor"], result.factors["category"], strict=True))
    hand = {f.id: "I" for f in FACTORS} | {O_FACTOR: "O", M_FACTOR: "M", A_FACTOR: "A"}
    assert categories == hand
    assert result.respondents == 6
    assert kano.segments(ds) == ["enterprise", "individual"]
    assert write.read_history(imported)[-1]["files"] == ["answers.xlsx"]


def test_each_bad_cell_is_named_and_only_its_row_is_refused(imported):
    functional = f"{O_FACTOR}.functional"  # column C of the template
    dysfunctional = f"{M_FACTOR}.dysfunctional"  # column F
    rows = [
        answers_of("R1"),
        answers_of("R2", **{functional: 7, dysfunctional: "maybe"}),
        answers_of("R3", segment="government"),
        answers_of(None),
        answers_of("R1"),
        answers_of("R6", **{functional: None}),
        answers_of("R7", segment=None),
    ]
    done = import_answers(filled(rows), imported, source_name="answers.xlsx")
    assert set(done.answers.problems) == {
        Problem("answer_not_1_to_5", SHEET, 4, functional, "C", "7"),
        Problem("answer_not_1_to_5", SHEET, 4, dysfunctional, "F", "maybe"),
        Problem("unknown_segment", SHEET, 5, "segment", "B", "government"),
        Problem("respondent_missing", SHEET, 6, "respondent_id", "A", None),
        Problem("respondent_repeated", SHEET, 7, "respondent_id", "A", "R1", first_row=3),
        Problem("answer_missing", SHEET, 8, functional, "C", None),
    }
    assert len(done.answers.problems) == 6
    assert (done.answers.accepted, done.answers.refused) == (2, 5)
    ds = open_dataset(write.current_path(imported))
    written = ds.query("SELECT DISTINCT respondent_id, segment FROM kano_responses")
    assert sorted(map(tuple, written.fillna("-").values.tolist())) == [
        ("R1", "enterprise"),
        ("R7", "-"),
    ]


def test_a_column_not_of_the_template_writes_nothing(imported):
    rows = [answers_of("R1"), answers_of("R2")]
    data = filled(rows, header={3: "speed_of_light.functional"})  # C: was the O factor's
    done = import_answers(data, imported, source_name="answers.xlsx")
    assert done.result is None and write.current_version(imported) == 1
    assert set(done.answers.problems) == {
        Problem("unknown_column", SHEET, 1, "speed_of_light.functional", "C",
                "speed_of_light.functional"),
        Problem("half_factor", SHEET, 1, f"{O_FACTOR}.functional"),
    }  # fmt: skip


def test_a_file_without_the_answer_sheet_or_not_a_workbook_is_one_problem(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    out = io.BytesIO()
    book.save(out)
    assert read_answers(out.getvalue()).problems == (Problem("no_answers_sheet", value="Sheet1"),)
    assert read_answers(b"respondent_id,segment\n").problems == (Problem("not_a_workbook"),)
    empty = read_answers(filled([]))
    assert empty.problems == (Problem("no_respondents", SHEET),) and not empty.writable
