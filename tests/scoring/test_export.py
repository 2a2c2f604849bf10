"""Downloads cannot run formulas (OWASP CSV injection), read back the way a reader would:
Python's csv module (which starts a new row at a bare CR outside quotes) and openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from scoring.export import neutralise_cell, to_csv_bytes, to_excel_bytes

HOSTILE = ["Bob\r=1+1", "a\r\n+SUM(A1)", "x\n@cmd", "\t=1", '=HYPERLINK("x")', "-2", "plain"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def lines_of(cell: str) -> list[str]:
    return cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def assert_no_line_runs_a_formula(cell: str) -> None:
    assert not any(line.startswith(FORMULA_STARTS) for line in lines_of(cell)), repr(cell)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bob\r=1+1", "Bob\r'=1+1"),  # the bypass: a formula after a bare carriage return
        ("a\r\n+SUM(A1)", "a\r\n'+SUM(A1)"),
        ("x\n@cmd", "x\n'@cmd"),
        ("\r=1", "'\r'=1"),  # a CR first is a formula start itself, then a line break
        ("=1", "'=1"),
        ("a-b\nc", "a-b\nc"),
    ],
)
def test_every_line_that_starts_a_formula_is_prefixed(text, expected):
    assert neutralise_cell(text) == expected


def test_a_csv_read_back_with_pythons_csv_has_one_row_per_agent_and_no_formula():
    frame = pd.DataFrame({"name": HOSTILE, "score": range(len(HOSTILE))})
    text = to_csv_bytes(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(HOSTILE) + 1  # no line break escaped its cell
    names = [row[0] for row in rows[1:]]
    for name in names:
        assert not name.startswith(FORMULA_STARTS)
    # a reader splitting rows at every CR or LF still meets no cell starting a formula
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        assert not line.startswith(FORMULA_STARTS), repr(line)
    assert [row[1] for row in rows[1:]] == [str(i) for i in range(len(HOSTILE))]


def test_an_excel_cell_has_no_line_that_runs_a_formula():
    frame = pd.DataFrame({"name": HOSTILE})
    book = openpyxl.load_workbook(io.BytesIO(to_excel_bytes({"agents": frame})))
    cells = [row[0].value for row in book["agents"].iter_rows(min_row=2)]
    assert len(cells) == len(HOSTILE)
    for cell in cells:
        assert_no_line_runs_a_formula(cell)
    assert cells[-1] == "plain"


def test_an_excel_sheet_keeps_each_cells_type_and_leaves_missing_values_empty():
    frame = pd.DataFrame(
        {
            "agent": ["A1", None, "0042", "https://x.example"],
            "tickets": pd.array([3, None, 0, 7], dtype="Int64"),
            "score": [81.5, float("nan"), 0.0, -2.25],
            "on_leave": [True, False, True, False],
            "created": pd.to_datetime(
                ["2026-01-02 03:04:05", None, "2026-12-31 00:00:00", "2026-06-01 00:00:00"]
            ),
            "seen": pd.to_datetime(["2026-01-02 03:04:05"] * 4).tz_localize("Asia/Shanghai"),
            "closed": [date(2026, 3, 1), None, date(2026, 3, 2), date(2026, 3, 3)],
            "ratio": [float("inf"), 1.0, float("-inf"), 2.0],
        }
    )
    book = openpyxl.load_workbook(io.BytesIO(to_excel_bytes({"a" * 40: frame, "teams": frame})))
    assert book.sheetnames == ["a" * 31, "teams"]  # Excel's 31-character limit
    rows = list(book["teams"].iter_rows(values_only=True))
    assert rows[0] == (
        *("agent", "tickets", "score", "on_leave", "created", "seen", "closed", "ratio"),
    )
    assert rows[1][:4] == ("A1", 3, 81.5, True)
    assert rows[1][4] == datetime(2026, 1, 2, 3, 4, 5)
    assert rows[1][5] == datetime(2026, 1, 2, 3, 4, 5)  # the wall time of its zone
    assert rows[2][:5] == (None, None, None, False, None)  # missing: empty cells
    # text that looks like a number or a link stays text, as the CSV keeps it
    assert rows[3][0] == "0042" and rows[4][0] == "https://x.example"
    assert rows[3][1:3] == (0, 0.0) and rows[4][2] == -2.25
    assert rows[1][6] == datetime(2026, 3, 1) and rows[2][6] is None  # a date, shown as one
    assert book["teams"]["G2"].number_format == "yyyy-mm-dd"
    assert book["teams"]["E2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert [r[7] for r in rows[1:]] == ["inf", 1.0, "-inf", 2.0]  # Excel has no infinity
    assert book["teams"]["A1"].font.b  # the header in bold
