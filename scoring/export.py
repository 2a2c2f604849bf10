"""Downloads: CSV and Excel with spreadsheet formulas neutralised.

A cell whose text starts with =, +, -, @, tab or carriage return is run as a formula by
spreadsheet programs (CSV injection, OWASP). Such text is prefixed with a single quote,
which spreadsheets show as text — and so is every line of a cell that starts so after a line
break (CR, LF or CRLF): a reader that splits rows on a bare CR (pandas does not quote one;
Python's csv splits on it) would otherwise start a row with `=1+1`. Every text cell of a CSV
is quoted, so a line break stays inside its cell. Numbers are left as numbers.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from scoring.scope import for_statistics

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# The start of the text, or of any line after a line break, followed by a formula start.
_FORMULA_LINE = re.compile(r"(^|\r\n|\r|\n)(?=[=+\-@\t\r])")


def neutralise_cell(value):
    if isinstance(value, str):
        return _FORMULA_LINE.sub(lambda m: m[1] + "'", value)
    return value


@for_statistics
def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot run as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    text = neutralise(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)
    return text.encode("utf-8-sig")


def to_excel_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per frame."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            neutralise(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()
