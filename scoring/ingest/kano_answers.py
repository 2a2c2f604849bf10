"""Filled Kano questionnaires (the template of dashboard/kano/questionnaire.py) read back into
`kano_responses` rows, and written as a new version of an imported dataset.

The answer sheet is the one whose name has the word "Answers" (the template names it
"回答 Answers"). Its first row holds the column ids: `respondent_id`, `segment` (optional),
and `<factor>.functional` / `<factor>.dysfunctional` per factor of scoring/registry/kano.py
(a factor may be left out, never half of one). The template's second row says in words what
each column asks; it is skipped when every cell of it is text that is not a number. Rows
without any value are skipped (the template offers 500); every other row is a respondent.

Every problem is collected, none stops the reading, each naming the sheet, the Excel row and
column (header id and letter) and the value as read (`Problem`, codes in `CODES`):

- a file problem (not a workbook, no answer sheet, no column ids or no respondents): the one
  problem there is;
- a column problem (a column id that is not the template's, half a factor, a column twice):
  the file does not fit the template, so nothing is written, as a ticket export whose columns
  do not fit its mapping is refused (scoring/ingest/pipeline.py);
- a row problem (an answer not a whole number 1–5 or missing, an unknown segment, no
  respondent id, a respondent already given on an earlier row): the respondent's row is
  refused and counted, the other rows are written, as the ticket import writes an export's
  good rows and counts the ones the data-quality rules exclude; a repeated respondent keeps
  the first row, as the rules keep the first copy of a repeated ticket.

`import_answers` writes the accepted rows as the `kano_responses` of a new version of the
target (`write.write_dataset` with `append=True`: every other table carried over, the table
replaced; validated and atomic, so a refused import leaves the previous version current).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from scoring.ingest import write
from scoring.registry.contract import KANO_RESPONSES, SEGMENTS, VALID_RANGES
from scoring.registry.kano import FACTORS_BY_ID

TABLE = KANO_RESPONSES.name
SHEET_WORD = "answers"
RESPONDENT, SEGMENT = "respondent_id", "segment"
SIDES = ("functional", "dysfunctional")
LOWEST, HIGHEST = (int(v) for v in VALID_RANGES[(TABLE, "functional")])
FIRST_DATA_ROW = 2  # Excel row numbers: ids in row 1
# Problem codes (the page words them), by reach: the file, a column, a row.
FILE_CODES = ("not_a_workbook", "no_answers_sheet", "no_header", "no_respondents")
COLUMN_CODES = ("unknown_column", "half_factor", "repeated_column")
ROW_CODES = (
    "answer_not_1_to_5",
    "answer_missing",
    "unknown_segment",
    "respondent_missing",
    "respondent_repeated",
)
CODES = FILE_CODES + COLUMN_CODES + ROW_CODES


@dataclass(frozen=True)
class Problem:
    """One problem: `row` is the Excel row number (None: the file), `column` the header id
    and `letter` the column letter (None: the row or file), `value` the cell as read;
    `first_row` is the earlier row of a repeated respondent."""

    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    letter: str | None = None
    value: str | None = None
    first_row: int | None = None


@dataclass(frozen=True)
class Answers:
    """The answer sheet read: `rows` in the contract's columns (accepted respondents only),
    the respondents accepted and refused, and every problem."""

    sheet: str | None
    rows: pd.DataFrame
    accepted: int
    refused: int
    problems: tuple[Problem, ...]

    @property
    def writable(self) -> bool:
        """Whether the accepted rows may be written: no file or column problem, some rows."""
        return self.accepted > 0 and not any(p.code not in ROW_CODES for p in self.problems)


@dataclass(frozen=True)
class Imported:
    answers: Answers
    result: write.WriteResult | None  # None: nothing written (answers.writable is false)


def read_answers(source: str | Path | bytes) -> Answers:
    """The answer sheet of a filled questionnaire (a path or the file's bytes)."""
    try:
        book = load_workbook(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            read_only=True,
            data_only=True,
        )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return _refused(Problem("not_a_workbook"))
    try:
        sheet = next((s for s in book.worksheets if _is_answer_sheet(s.title)), None)
        if sheet is None:
            return _refused(Problem("no_answers_sheet", value=", ".join(book.sheetnames)))
        return _read_sheet(sheet.title, [list(r) for r in sheet.iter_rows(values_only=True)])
    finally:
        book.close()


def import_answers(
    source: str | Path | bytes,
    target: str | Path,
    *,
    source_name: str,
    user: str | None = None,
) -> Imported:
    """Read `source` and, when its rows may be written, write them as the `kano_responses`
    of a new version of the imported dataset `target` (its other tables carried over).
    Raises what `write.write_dataset` raises (ImportRejected, ImportBusy)."""
    answers = read_answers(source)
    if not answers.writable:
        return Imported(answers, None)
    con = duckdb.connect()
    try:
        result = write.write_dataset(
            con, {TABLE: answers.rows}, target, append=True, sources=[source_name], user=user
        )
    finally:
        con.close()
    return Imported(answers, result)


def _is_answer_sheet(title: str) -> bool:
    return SHEET_WORD in title.lower().split()


def _refused(problem: Problem, sheet: str | None = None) -> Answers:
    return Answers(sheet, _frame([]), 0, 0, (problem,))


def _frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=[c.name for c in KANO_RESPONSES.columns])
    return frame.astype({"functional": "Int64", "dysfunctional": "Int64"})


def _text(value) -> str | None:
    """A cell as text (None: empty); 3.0 as '3'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_sheet(sheet: str, cells: list[list]) -> Answers:
    header = [_text(v) for v in (cells[0] if cells else [])]
    if not any(header):
        return _refused(Problem("no_header", sheet, 1), sheet)
    rows = cells[FIRST_DATA_ROW - 1 :]
    first = FIRST_DATA_ROW + (1 if rows and _is_description(rows[0]) else 0)
    numbered = [
        (first + i, row) for i, row in enumerate(rows[first - FIRST_DATA_ROW :]) if _has_value(row)
    ]
    columns, problems = _columns(sheet, header, numbered)
    if not numbered:
        problems.append(Problem("no_respondents", sheet))
    records, refused = [], 0
    seen: dict[str, int] = {}
    for number, row in numbered:
        found = _row_problems(sheet, number, row, columns, seen)
        problems += found
        if found:
            refused += 1
        else:
            records += _records(row, columns)
    accepted = len(numbered) - refused
    return Answers(sheet, _frame(records), accepted, refused, tuple(problems))


def _is_description(row: list) -> bool:
    """The template's second row: every cell text, none a number."""
    values = [v for v in row if _text(v) is not None]
    return bool(values) and all(isinstance(v, str) and not _is_number(v) for v in values)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _has_value(row: list) -> bool:
    return any(_text(v) is not None for v in row)


@dataclass(frozen=True)
class _Columns:
    respondent: int | None
    segment: int | None
    answers: dict[str, dict[str, int]]  # factor → side → index


def _columns(sheet: str, header: list, numbered: list) -> tuple[_Columns, list[Problem]]:
    """Where each id stands; a problem per column that is not the template's."""
    problems: list[Problem] = []
    where: dict[str, int] = {}
    answers: dict[str, dict[str, int]] = {}
    for index, name in enumerate(header):
        letter = get_column_letter(index + 1)
        if name is None:
            if any(_text(row[index]) is not None for _, row in numbered if index < len(row)):
                problems.append(Problem("unknown_column", sheet, 1, "", letter, ""))
            continue
        if name in where:
            problems.append(Problem("repeated_column", sheet, 1, name, letter, name))
            continue
        where[name] = index
        factor, _, side = name.rpartition(".")
        if name in (RESPONDENT, SEGMENT):
            continue
        if factor in FACTORS_BY_ID and side in SIDES:
            answers.setdefault(factor, {})[side] = index
        else:
            problems.append(Problem("unknown_column", sheet, 1, name, letter, name))
    for factor, sides in list(answers.items()):
        for side in set(SIDES) - set(sides):
            problems.append(Problem("half_factor", sheet, 1, f"{factor}.{side}"))
        if len(sides) < len(SIDES):
            del answers[factor]  # its answers cannot be classified; the file is refused
    return _Columns(where.get(RESPONDENT), where.get(SEGMENT), answers), problems


def _cell(row: list, index: int | None) -> str | None:
    return _text(row[index]) if index is not None and index < len(row) else None


def _row_problems(sheet, number: int, row: list, columns: _Columns, seen: dict) -> list[Problem]:
    """Every problem of one respondent's row (`seen`: respondent → first row, updated)."""

    def problem(code: str, index: int | None, name: str, **more) -> Problem:
        letter = get_column_letter(index + 1) if index is not None else None
        return Problem(code, sheet, number, name, letter, _cell(row, index), **more)

    found = []
    respondent = _cell(row, columns.respondent)
    if respondent is None:
        found.append(problem("respondent_missing", columns.respondent, RESPONDENT))
    elif respondent in seen:
        found.append(
            problem("respondent_repeated", columns.respondent, RESPONDENT,
                    first_row=seen[respondent])
        )  # fmt: skip
    else:
        seen[respondent] = number
    segment = _cell(row, columns.segment)
    if segment is not None and segment not in SEGMENTS:
        found.append(problem("unknown_segment", columns.segment, SEGMENT))
    for factor, sides in columns.answers.items():
        for side, index in sides.items():
            value = _cell(row, index)
            if value is None:
                found.append(problem("answer_missing", index, f"{factor}.{side}"))
            elif _answer(value) is None:
                found.append(problem("answer_not_1_to_5", index, f"{factor}.{side}"))
    return found


def _answer(text: str) -> int | None:
    """A whole number LOWEST..HIGHEST, else None."""
    try:
        number = float(text)
    except ValueError:
        return None
    if not number.is_integer() or not LOWEST <= number <= HIGHEST:
        return None
    return int(number)


def _records(row: list, columns: _Columns) -> list[dict]:
    """One contract row per factor the sheet asks about."""
    respondent, segment = _cell(row, columns.respondent), _cell(row, columns.segment)
    return [
        {
            RESPONDENT: respondent,
            "factor": factor,
            "functional": _answer(_cell(row, sides["functional"])),
            "dysfunctional": _answer(_cell(row, sides["dysfunctional"])),
            SEGMENT: segment,
        }
        for factor, sides in columns.answers.items()
    ]
