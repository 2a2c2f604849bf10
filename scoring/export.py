"""Downloads: CSV and Excel with spreadsheet formulas neutralised.

A cell whose text starts with =, +, -, @, tab or carriage return is run as a formula by
spreadsheet programs (CSV injection, OWASP). Such text is prefixed with a single quote,
which spreadsheets show as text. Numbers are left as numbers.
"""

from __future__ import annotations

import io

import pandas as pd

from scoring.scope import for_statistics

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
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
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per frame."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            neutralise(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()
