"""Open an export as a DuckDB view of raw text columns, and say what was detected.

`read_source(con, path)` reads CSV / TSV / semicolon text, Excel workbooks (.xlsx, and the
.xlsm / .xls / .ods calamine also reads), Parquet and JSON lines. Every column of the view
is VARCHAR holding the file's own text, with the original column names in order: typing,
date formats and value codes belong to the mapping step, which reads the `Source`.

Detection rules (each has an override argument):

- **format**: by file suffix; a .csv that is really a zip (an .xlsx renamed) or holds NUL
  bytes is refused as not text.
- **encoding** (text files): a UTF-8 BOM gives `utf-8-sig`, a UTF-16 BOM `utf-16`; otherwise
  the whole file is checked as UTF-8 (streamed), then as GBK, then as GB18030 (a superset of
  GBK: Chinese Excel's "CSV" saves GBK, newer tools GB18030). DuckDB reads UTF-8 natively;
  its `encodings` extension would read GB18030 but must be downloaded, and there is no
  network at run time, so any other encoding is transcoded with Python's codecs, in 1 MiB
  chunks, to a temporary UTF-8 file that lives as long as the `Source`.
- **delimiter, quote**: DuckDB's CSV sniffer (`sniff_csv`), re-run once the header row is
  known, so title lines above the header cannot mislead it.
- **header row**: the first of the top 30 rows holding at least 80% of the widest row's
  non-empty cells (all of them when the widest has two or fewer), and not only numbers or
  dates. This skips the title lines, export dates and blank lines Excel exports put above
  the header, also when Excel pads them with delimiters (`Report,,,`), which DuckDB's own
  skip detection takes for the header. `header_row` is 1-based, as a text editor or Excel
  numbers lines (blank lines count).
- **decimal and thousands separators**: from the text of up to 1,000 rows (the values are
  not changed): `1.234,50` or `2,25` vote for a decimal comma, `1,234.50` or `2.25` for a
  decimal point (a lone separator followed by exactly three digits is ambiguous and does
  not vote); the thousands separator is the other mark (or a space) seen grouping digits
  by three, else none.
- **sheet** (Excel): the first sheet with a non-empty cell; `sheet` takes a name or a
  0-based index.

Problems raise `ReadError`, naming the file and what was expected (codes in `PROBLEMS`,
worded in English here; the dashboard words each code from its own catalog later).
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import math
import os
import re
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from scoring.data.sql import ident, literal
from scoring.scope import for_statistics

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")

HEADER_SCAN_ROWS = 30  # rows looked at for the header
SEPARATOR_SAMPLE_ROWS = 1000  # rows looked at for decimal and thousands separators
CHUNK = 1 << 20  # bytes per step when checking or transcoding text
# Encodings DuckDB's CSV reader handles itself (the BOM is skipped by DuckDB).
NATIVE_ENCODINGS = ("utf-8", "utf-8-sig")
GUESSED_ENCODINGS = ("utf-8", "gbk", "gb18030")

PROBLEMS = {
    "file_missing": "{file}: file not found",
    "file_empty": "{file}: the file is empty (expected a header row and data rows)",
    "not_text": (
        "{file}: not a text file (expected CSV or TSV text; a workbook must be named .xlsx)"
    ),
    "unknown_format": (
        "{file}: unknown file type '{suffix}' (expected .csv, .tsv, .txt, .xlsx, .parquet "
        "or .jsonl)"
    ),
    "unknown_encoding": (
        "{file}: unknown encoding '{encoding}' (expected a name such as utf-8, gbk or gb18030)"
    ),
    "undecodable": (
        "{file}: cannot be read as {encoding} text (expected UTF-8, UTF-8 with BOM, GBK or "
        "GB18030; choose the encoding)"
    ),
    "unreadable": "{file}: unreadable {kind} file ({error})",
    "sheet_missing": "{file}: no sheet {sheet} (sheets: {sheets})",
    "sheet_empty": "{file}: sheet '{sheet}' is empty (expected a header row and data rows)",
    "no_header": (
        "{file}: no header row found (expected a row of column names above the data, not "
        "only numbers or dates; choose the header row)"
    ),
    "header_row_invalid": (
        "{file}: header row {header_row} is not in the file (expected 1 … {last})"
    ),
}


@dataclass(frozen=True)
class ReadProblem:
    """Why a file cannot be read (code: a key of PROBLEMS), in the style of quality.Problem."""

    code: str
    values: dict

    def text(self) -> str:
        return PROBLEMS[self.code].format(**self.values)


class ReadError(Exception):
    """The file cannot be opened; `problem` says why, naming the file."""

    def __init__(self, code: str, file: Path | str, **values):
        self.problem = ReadProblem(code, {"file": str(file), **values})
        super().__init__(self.problem.text())


@dataclass
class Source:
    """An opened export: a view of text columns and what was detected to read it."""

    con: duckdb.DuckDBPyConnection
    path: Path
    view: str
    columns: tuple[str, ...]
    format: str  # "csv", "excel", "parquet" or "jsonl"
    encoding: str | None = None  # text files: a Python codec name
    delimiter: str | None = None
    decimal: str = "."
    thousands: str | None = None
    header_row: int | None = None  # 1-based line (CSV) or sheet row (Excel)
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    _cleanup: list = field(default_factory=list, repr=False)

    @cached_property
    def row_count(self) -> int:
        """Data rows (counted on first use: a CSV view re-reads the file)."""
        return self.con.execute(f"SELECT count(*) FROM {ident(self.view)}").fetchall()[0][0]

    def sample(self, n: int = 20) -> pd.DataFrame:
        """The first `n` rows as text (None where a cell is empty)."""
        rows = self.con.execute(f"SELECT * FROM {ident(self.view)} LIMIT ?", [n]).fetchall()
        return pd.DataFrame(rows, columns=list(self.columns), dtype=object)

    def close(self) -> None:
        """Drop the view (and its table) and delete any transcoded copy."""
        for step in reversed(self._cleanup):
            step()
        self._cleanup.clear()


_views = itertools.count(1)


def read_source(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    delimiter: str | None = None,
    view: str | None = None,
) -> Source:
    """Open `path` as a temporary view `view` (default `import_<n>`) on `con`."""
    path = Path(path)
    if not path.is_file():
        raise ReadError("file_missing", path)
    if path.stat().st_size == 0:
        raise ReadError("file_empty", path)
    view = view or f"import_{next(_views)}"
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        source = _read_text(con, path, view, encoding, header_row, delimiter)
    elif suffix in EXCEL_SUFFIXES:
        source = _read_excel(con, path, view, sheet, header_row)
    elif suffix in PARQUET_SUFFIXES:
        source = _read_columnar(con, path, view, "parquet", "read_parquet({})")
    elif suffix in JSON_SUFFIXES:
        reader = "read_json({}, format = 'newline_delimited')"
        source = _read_columnar(con, path, view, "jsonl", reader)
    else:
        raise ReadError("unknown_format", path, suffix=suffix or "(none)")
    source.decimal, source.thousands = detect_separators(con, view)
    return source


@for_statistics
def read_table(
    path: str | os.PathLike, *, encoding: str | None = None, sheet: str | int | None = None
) -> pd.DataFrame:
    """A small file (a roster) read whole, every cell as text (None where empty). Input of an
    import, shown only on the Import page, which only grants of every team may open."""
    con = duckdb.connect()
    try:
        source = read_source(con, path, encoding=encoding, sheet=sheet)
        try:
            return source.sample(source.row_count)
        finally:
            source.close()
    finally:
        con.close()


# --- text: encoding -------------------------------------------------------------------


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes, read in chunks (a character may span two)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in _chunks(path):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _normalise_encoding(path: Path, name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ReadError("unknown_encoding", path, encoding=name) from None


def detect_encoding(path: Path) -> str:
    """The file's encoding by the rules of the module docstring (a Python codec name)."""
    with path.open("rb") as f:
        head = f.read(CHUNK)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head or head.startswith(b"PK\x03\x04"):
        raise ReadError("not_text", path)
    for encoding in GUESSED_ENCODINGS:
        if _decodes(path, encoding):
            return encoding
    raise ReadError("undecodable", path, encoding="UTF-8, GBK or GB18030")


def _transcode(path: Path, encoding: str) -> Path:
    """A temporary UTF-8 copy of `path`, decoded from `encoding` chunk by chunk."""
    fd, name = tempfile.mkstemp(prefix="spd-import-", suffix=".csv")
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(path):
                out.write(decoder.decode(chunk).encode("utf-8"))
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError:
        os.unlink(name)
        raise ReadError("undecodable", path, encoding=encoding) from None
    return Path(name)


def _utf8_copy(path: Path, encoding: str | None) -> tuple[str, Path | None]:
    """(encoding, temporary UTF-8 copy or None when DuckDB reads the file as it is)."""
    if encoding is None:
        encoding = detect_encoding(path)
        if encoding == "gbk" or encoding == "gb18030":
            return encoding, _transcode(path, encoding)
    else:
        encoding = _normalise_encoding(path, encoding)
    if encoding in NATIVE_ENCODINGS:
        if encoding == "utf-8" and not _decodes(path, "utf-8"):
            raise ReadError("undecodable", path, encoding=encoding)
        return encoding, None
    return encoding, _transcode(path, encoding)


# --- text: dialect and header ---------------------------------------------------------


def _sniff(con, file: Path, original: Path, **options) -> dict:
    """DuckDB's sniffer result as a dict (options: read_csv options, as parameters)."""
    named = "".join(f", {key} := ${key}" for key in options)
    try:
        cursor = con.execute(
            f"SELECT * FROM sniff_csv($file{named})", {"file": str(file), **options}
        )
    except duckdb.Error as error:
        raise ReadError("unreadable", original, kind="CSV", error=_short(error)) from None
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _short(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:200]


def _quote_options(dialect: dict) -> dict:
    """Quote and escape as sniffed; when the sample had no quotes, the standard `"`."""
    quote = dialect["Quote"] if dialect["Quote"] != "(empty)" else '"'
    escape = dialect["Escape"] if dialect["Escape"] != "(empty)" else quote
    return {"quote": quote, "escape": escape}


def _rows_from(con, file: Path, dialect: dict, skip: int, limit: int) -> list[list]:
    """Up to `limit` rows after `skip` lines, as lists of text, no header assumed."""
    width = max(len(dialect["Columns"]), 1)
    columns = "{" + ", ".join(f"{literal(f'c{i}')}: 'VARCHAR'" for i in range(width)) + "}"
    sql = (
        "SELECT * FROM read_csv($file, header = false, skip = $skip, delim = $delim, "
        "quote = $quote, escape = $escape, auto_detect = false, null_padding = true, "
        f"strict_mode = false, columns = {columns}) LIMIT $limit"
    )
    params = {"file": str(file), "skip": skip, "delim": dialect["Delimiter"], "limit": limit}
    return [list(r) for r in con.execute(sql, params | _quote_options(dialect)).fetchall()]


_VALUE_LIKE = re.compile(r"[\d\s.,:/+\-%]+")


def _filled(row: Sequence) -> list[str]:
    return [c for c in row if c is not None and str(c).strip() != ""]


def header_index(rows: Sequence[Sequence], file: Path) -> int:
    """Index in `rows` of the header row (rule in the module docstring)."""
    widths = [len(_filled(r)) for r in rows]
    widest = max(widths, default=0)
    if widest == 0:
        raise ReadError("file_empty", file)
    need = widest if widest <= 2 else math.ceil(0.8 * widest)
    index = next(i for i, w in enumerate(widths) if w >= need)
    if all(_VALUE_LIKE.fullmatch(str(c)) for c in _filled(rows[index])):
        raise ReadError("no_header", file)
    return index


def _header_skip(con, file: Path, dialect: dict, index: int, header: list) -> int:
    """Lines above the header. DuckDB's row reader drops blank lines while `skip` counts
    them, so the row index is only a lower bound: probe upwards for the last skip that
    still starts at the header (the header's own line)."""
    found = index
    for skip in range(index, index + 200):
        first = _rows_from(con, file, dialect, skip, 1)
        if first and first[0] == header:
            found = skip
        elif skip > found or not first:
            break
    return found


def _read_text(con, path, view, encoding, header_row, delimiter) -> Source:
    encoding, copy = _utf8_copy(path, encoding)
    file = copy or path
    remove_copy = _Closer([lambda: file.unlink(missing_ok=True)] if copy else [])
    try:
        given = {"delim": delimiter} if delimiter else {}
        dialect = _sniff(con, file, path, **given)
        if header_row is None:
            rows = _rows_from(con, file, dialect, 0, HEADER_SCAN_ROWS)
            index = header_index(rows, path)
            skip = _header_skip(con, file, dialect, index, rows[index])
        else:
            skip = _checked_header_row(con, file, path, dialect, header_row)
        dialect = _sniff(con, file, path, skip=skip, header=True, **given)
        _create_csv_view(con, view, file, path, dialect, skip)
    except BaseException:
        remove_copy()
        raise
    columns = _view_columns(con, view)
    source = Source(
        con, path, view, columns, "csv", encoding, dialect["Delimiter"], header_row=skip + 1
    )
    source._cleanup = [remove_copy, lambda: con.execute(f"DROP VIEW IF EXISTS {ident(view)}")]
    weakref.finalize(source, remove_copy)
    return source


class _Closer:
    """Runs clean-up steps once (also when a Source is garbage-collected unclosed)."""

    def __init__(self, steps: list):
        self.steps = list(steps)

    def __call__(self) -> None:
        while self.steps:
            self.steps.pop()()


def _checked_header_row(con, file: Path, path: Path, dialect: dict, header_row: int) -> int:
    if header_row < 1 or not _rows_from(con, file, dialect, header_row - 1, 1):
        raise ReadError("header_row_invalid", path, header_row=header_row, last="the last line")
    return header_row - 1


def _create_csv_view(con, view: str, file: Path, path: Path, dialect: dict, skip: int):
    """The view re-reads the file on each query; a view cannot hold parameters, so the
    options enter as quoted literals."""
    quotes = _quote_options(dialect)
    options = (
        f"header = true, all_varchar = true, skip = {int(skip)}, "
        f"delim = {literal(dialect['Delimiter'])}, quote = {literal(quotes['quote'])}, "
        f"escape = {literal(quotes['escape'])}, null_padding = true"
    )
    sql = (
        f"CREATE OR REPLACE TEMP VIEW {ident(view)} AS "
        f"SELECT * FROM read_csv({literal(str(file))}, {options})"
    )
    try:
        con.execute(sql)
        con.execute(f"SELECT * FROM {ident(view)} LIMIT 1").fetchall()
    except duckdb.Error as error:
        con.execute(f"DROP VIEW IF EXISTS {ident(view)}")
        raise ReadError("unreadable", path, kind="CSV", error=_short(error)) from None


def _view_columns(con, view: str) -> tuple[str, ...]:
    return tuple(r[0] for r in con.execute(f"DESCRIBE {ident(view)}").fetchall())


# --- Parquet and JSON lines -----------------------------------------------------------


def _read_columnar(con, path: Path, view: str, kind: str, reader: str) -> Source:
    """Every column cast to VARCHAR (timestamps as `YYYY-MM-DD HH:MM:SS`)."""
    sql = (
        f"CREATE OR REPLACE TEMP VIEW {ident(view)} AS "
        f"SELECT COLUMNS(*)::VARCHAR FROM {reader.format(literal(str(path)))}"
    )
    try:
        con.execute(sql)
    except duckdb.Error as error:
        raise ReadError("unreadable", path, kind=kind, error=_short(error)) from None
    source = Source(con, path, view, _view_columns(con, view), kind)
    source._cleanup = [lambda: con.execute(f"DROP VIEW IF EXISTS {ident(view)}")]
    return source


# --- Excel ----------------------------------------------------------------------------


def cell_text(value) -> str | None:
    """An Excel cell as text, as calamine types it from the cell's number format.

    Dates `YYYY-MM-DD`, date-times `YYYY-MM-DD HH:MM:SS`, times `HH:MM:SS` (ISO 8601, as
    DuckDB writes them); durations (`[h]:mm:ss` cells) as `H:MM:SS`, hours past 24 kept,
    which is also how they appear in CSV exports, so the mapping sees one form; whole
    numbers without `.0`, other numbers in Python's shortest round-trip form; booleans
    `true` / `false`; empty cells None.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _duration_text(value)
    return str(value)


def _duration_text(value: dt.timedelta) -> str:
    micros = round(value / dt.timedelta(microseconds=1))
    sign, micros = ("-", -micros) if micros < 0 else ("", micros)
    seconds, fraction = divmod(micros, 1_000_000)
    hours, rest = divmod(seconds, 3600)
    text = f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return text + (f".{fraction:06d}" if fraction else "")


def _open_workbook(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types per format
        raise ReadError("unreadable", path, kind="Excel", error=_short(error)) from None


def _sheet_rows(workbook, name: str) -> list[list[str | None]]:
    rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return [[cell_text(v) for v in row] for row in rows]


def _pick_sheet(workbook, path: Path, sheet: str | int | None) -> tuple[str, list]:
    names = list(workbook.sheet_names)
    if sheet is None:
        for name in names:
            rows = _sheet_rows(workbook, name)
            if any(_filled(r) for r in rows):
                return name, rows
        raise ReadError("sheet_empty", path, sheet=", ".join(names))
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        sheet = names[sheet]
    if sheet not in names:
        raise ReadError("sheet_missing", path, sheet=repr(sheet), sheets=", ".join(names))
    rows = _sheet_rows(workbook, sheet)
    if not any(_filled(r) for r in rows):
        raise ReadError("sheet_empty", path, sheet=sheet)
    return sheet, rows


def _unique_names(header: Sequence[str | None]) -> list[str]:
    """Header texts kept as they are; empty ones `column<i>` and repeats `<name>_<n>`, as
    DuckDB's CSV reader names them."""
    seen: dict[str, int] = {}
    names = []
    for i, text in enumerate(header):
        name = text if text not in (None, "") else f"column{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 0)
        names.append(name)
    return names


def _excel_table(header: list, body: list[list]) -> pa.Table:
    """Columns that are empty in the header and every row are left out."""
    keep = [j for j in range(len(header)) if header[j] is not None or any(r[j] for r in body)]
    names = _unique_names([header[j] for j in keep])
    return pa.table(
        {
            name: pa.array([r[j] for r in body], pa.string())
            for name, j in zip(names, keep, strict=True)
        }
    )


def _read_excel(con, path: Path, view: str, sheet, header_row: int | None) -> Source:
    workbook = _open_workbook(path)
    chosen, rows = _pick_sheet(workbook, path, sheet)
    if header_row is None:
        index = header_index(rows[:HEADER_SCAN_ROWS], path)
    elif 1 <= header_row <= len(rows):
        index = header_row - 1
    else:
        raise ReadError("header_row_invalid", path, header_row=header_row, last=len(rows))
    body = [r for r in rows[index + 1 :] if _filled(r)]
    table = _excel_table(rows[index], body)
    cells = f"{view}__cells"
    con.register("__spd_excel_import", table)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {ident(cells)} AS SELECT * FROM __spd_excel_import"
        )
    finally:
        con.unregister("__spd_excel_import")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(view)} AS SELECT * FROM {ident(cells)}")
    source = Source(
        con,
        path,
        view,
        tuple(table.column_names),
        "excel",
        header_row=index + 1,
        sheet=chosen,
        sheets=tuple(workbook.sheet_names),
    )
    source._cleanup = [
        lambda: con.execute(f"DROP TABLE IF EXISTS {ident(cells)}"),
        lambda: con.execute(f"DROP VIEW IF EXISTS {ident(view)}"),
    ]
    return source


# --- separators -----------------------------------------------------------------------

_SEPARATOR_PATTERNS = {
    "comma_decimal": r"[+-]?(\d{1,3}([. ]\d{3})+,\d+|\d+,(\d{1,2}|\d{4,}))",
    "point_decimal": r"[+-]?(\d{1,3}(,\d{3})+\.\d+|\d+\.(\d{1,2}|\d{4,}))",
    ".": r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?",
    ",": r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?",
    " ": "[+-]?\\d{1,3}([ \u00a0\u202f]\\d{3})+([.,]\\d+)?",
}


def detect_separators(con, view: str) -> tuple[str, str | None]:
    """(decimal, thousands) voted by the text of the view's first rows (module docstring)."""
    counts = ", ".join(
        f"count(*) FILTER (WHERE regexp_full_match(t, ${i})) AS {ident(k)}"
        for i, k in enumerate(_SEPARATOR_PATTERNS, start=1)
    )
    sql = (
        f"SELECT {counts} FROM (SELECT trim(v) AS t FROM (UNPIVOT (SELECT * FROM "
        f"{ident(view)} LIMIT {SEPARATOR_SAMPLE_ROWS}) ON COLUMNS(*) INTO NAME c VALUE v))"
    )
    found = con.execute(sql, list(_SEPARATOR_PATTERNS.values())).fetchone()
    votes = dict(zip(_SEPARATOR_PATTERNS, found, strict=True))
    decimal = "," if votes["comma_decimal"] > votes["point_decimal"] else "."
    marks = [m for m in (".", ",", " ") if m != decimal and votes[m] > 0]
    thousands = max(marks, key=lambda m: votes[m]) if marks else None
    return decimal, thousands
