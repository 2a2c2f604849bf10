"""Readers of exports: each file is written here byte by byte (or with openpyxl / pyarrow),
and every test asserts what was detected and the exact cell texts read back."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scoring.ingest.readers import ReadError, cell_text, read_source

HEADER_ZH = ["工单编号", "处理人", "创建时间", "满意度"]
ROWS_ZH = [
    ["GD-001", "张三", "2026-01-02 09:00", "5"],
    ["GD-002", "李四", "2026-01-03 10:30", "4"],
    ["GD-003", "王小明", "2026-01-04 17:45", "3"],
]


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def write_text(path: Path, lines: list[str], encoding: str, newline: str = "\r\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode(encoding))  # one BOM at most
    return path


def csv_lines(header, rows, sep=","):
    return [sep.join(header), *(sep.join(r) for r in rows)]


def cells(source, n=20):
    return source.sample(n).values.tolist()


def problem_of(excinfo) -> str:
    return excinfo.value.problem.code


# --- encodings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk")],
)
def test_chinese_csv_in_each_encoding(con, tmp_path, encoding, detected):
    path = write_text(tmp_path / "工单.csv", csv_lines(HEADER_ZH, ROWS_ZH), encoding)
    source = read_source(con, path)
    assert (source.format, source.encoding, source.delimiter) == ("csv", detected, ",")
    assert (source.header_row, source.decimal, source.thousands) == (1, ".", None)
    assert source.columns == tuple(HEADER_ZH)  # no BOM left on the first name
    assert cells(source) == ROWS_ZH
    assert source.row_count == 3


def test_gb18030_characters_outside_gbk(con, tmp_path):
    rows = [["GD-001", "𠮷野", "2026-01-02 09:00", "5"], ["GD-002", "㐂田", "2026-01-03", "4"]]
    path = write_text(tmp_path / "t.csv", csv_lines(HEADER_ZH, rows), "gb18030")
    with pytest.raises(UnicodeEncodeError):
        "𠮷".encode("gbk")  # the file really needs GB18030
    source = read_source(con, path)
    assert source.encoding == "gb18030"
    assert source.columns == tuple(HEADER_ZH)
    assert cells(source) == rows


def test_transcoded_copy_is_removed_on_close(con, tmp_path):
    path = write_text(tmp_path / "t.csv", csv_lines(HEADER_ZH, ROWS_ZH), "gbk")
    source = read_source(con, path, view="gbk_rows")
    copy = Path(
        con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'gbk_rows'")
        .fetchone()[0]
        .split("read_csv('")[1]
        .split("'")[0]
    )
    assert copy.exists() and copy != path
    source.close()
    assert not copy.exists()
    assert (
        con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'gbk_rows'").fetchone()[
            0
        ]
        == 0
    )


def test_encoding_override(con, tmp_path):
    gbk = write_text(tmp_path / "gbk.csv", csv_lines(HEADER_ZH, ROWS_ZH), "gbk")
    source = read_source(con, gbk, encoding="GB18030")
    assert source.encoding == "gb18030" and cells(source) == ROWS_ZH

    latin = write_text(tmp_path / "l.csv", ["name,city", "Zoë,Café"], "latin-1")
    assert cells(read_source(con, latin, encoding="latin-1")) == [["Zoë", "Café"]]
    assert read_source(con, latin, encoding="latin-1").encoding == "iso8859-1"

    with pytest.raises(ReadError) as wrong:
        read_source(con, gbk, encoding="utf-8")
    assert problem_of(wrong) == "undecodable" and "gbk.csv" in str(wrong.value)
    with pytest.raises(ReadError) as unknown:
        read_source(con, gbk, encoding="klingon-8")
    assert problem_of(unknown) == "unknown_encoding" and "klingon-8" in str(unknown.value)


# --- delimiters, separators, header rows -------------------------------------------


def test_tab_file_with_decimal_comma_and_space_thousands(con, tmp_path):
    rows = [["T1", "1 234,5", "0,25"], ["T2", "12 000,75", "3,5"], ["T3", "7,1", "10"]]
    path = write_text(tmp_path / "t.tsv", csv_lines(["id", "成本", "时长"], rows, "\t"), "utf-8")
    source = read_source(con, path)
    assert (source.delimiter, source.decimal, source.thousands) == ("\t", ",", " ")
    assert source.columns == ("id", "成本", "时长")
    assert cells(source) == rows


def test_semicolon_file_with_decimal_comma_and_dot_thousands(con, tmp_path):
    rows = [["T1", "1.234,50", "2,25"], ["T2", "12.000,00", "0,5"], ["T3", "999,10", "1"]]
    path = write_text(
        tmp_path / "s.csv", csv_lines(["Ticket", "Cost", "Hours"], rows, ";"), "utf-8"
    )
    source = read_source(con, path)
    assert (source.delimiter, source.decimal, source.thousands) == (";", ",", ".")
    assert cells(source) == rows


def test_comma_file_with_quoted_thousands(con, tmp_path):
    lines = ["id,cost", 'T1,"1,234.50"', 'T2,"12,000.00"', "T3,9.99"]
    source = read_source(con, write_text(tmp_path / "c.csv", lines, "utf-8"))
    assert (source.delimiter, source.decimal, source.thousands) == (",", ".", ",")
    assert cells(source) == [["T1", "1,234.50"], ["T2", "12,000.00"], ["T3", "9.99"]]


def test_two_title_lines_above_the_header(con, tmp_path):
    lines = ["售后服务工单导出", "导出时间: 2026-02-01", *csv_lines(HEADER_ZH, ROWS_ZH)]
    source = read_source(con, write_text(tmp_path / "t.csv", lines, "utf-8-sig"))
    assert (source.header_row, source.columns) == (3, tuple(HEADER_ZH))
    assert cells(source) == ROWS_ZH


def test_padded_title_lines_and_a_blank_line(con, tmp_path):
    """As Excel saves a sheet with a title: padded with delimiters, then an empty line."""
    lines = ["Ticket report,,,", "Exported,2026-02-01,,", "", *csv_lines(HEADER_ZH, ROWS_ZH)]
    source = read_source(con, write_text(tmp_path / "t.csv", lines, "gbk"))
    assert (source.encoding, source.header_row) == ("gbk", 4)
    assert source.columns == tuple(HEADER_ZH)
    assert cells(source) == ROWS_ZH


def test_header_row_and_delimiter_overrides(con, tmp_path):
    lines = ["a|b", "note|x", "id|name", "1|Ann"]
    path = write_text(tmp_path / "p.txt", lines, "utf-8")
    source = read_source(con, path, header_row=3, delimiter="|")
    assert (source.header_row, source.delimiter, source.columns) == (3, "|", ("id", "name"))
    assert cells(source) == [["1", "Ann"]]
    with pytest.raises(ReadError) as outside:
        read_source(con, path, header_row=9)
    assert problem_of(outside) == "header_row_invalid"


def test_no_header_found(con, tmp_path):
    path = write_text(tmp_path / "n.csv", ["1,2026-01-01,3.5", "2,2026-01-02,4.5"], "utf-8")
    with pytest.raises(ReadError) as excinfo:
        read_source(con, path)
    assert problem_of(excinfo) == "no_header" and "n.csv" in str(excinfo.value)


# --- broken files ------------------------------------------------------------------


def test_empty_files(con, tmp_path):
    for name, content in (("empty.csv", b""), ("blank.csv", b"\r\n\r\n")):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ReadError) as excinfo:
            read_source(con, tmp_path / name)
        assert problem_of(excinfo) == "file_empty" and name in str(excinfo.value)


def test_binary_files_are_not_csv(con, tmp_path):
    png = tmp_path / "image.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    workbook = tmp_path / "book.csv"
    with zipfile.ZipFile(workbook, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    for path in (png, workbook):
        with pytest.raises(ReadError) as excinfo:
            read_source(con, path)
        assert problem_of(excinfo) == "not_text"
        assert path.name in str(excinfo.value) and "expected CSV" in str(excinfo.value)


def test_missing_and_unknown_files(con, tmp_path):
    with pytest.raises(ReadError) as missing:
        read_source(con, tmp_path / "nope.csv")
    assert problem_of(missing) == "file_missing"
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(ReadError) as unknown:
        read_source(con, tmp_path / "x.pdf")
    assert problem_of(unknown) == "unknown_format" and ".pdf" in str(unknown.value)
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(ReadError) as bad:
        read_source(con, tmp_path / "bad.parquet")
    assert problem_of(bad) == "unreadable" and "bad.parquet" in str(bad.value)


# --- Excel -------------------------------------------------------------------------


def write_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"  # an empty first sheet
    tickets = book.create_sheet("工单")
    tickets.append(["呼叫中心工单导出"])
    tickets.append([])
    tickets.append(["Call Id", "坐席", "Date", "Time", "AvgTalkDuration", "满意度", "Cost"])
    tickets.append(
        [
            "C-1",
            "张三",
            dt.date(2026, 3, 4),
            dt.time(9, 41, 5),
            dt.timedelta(minutes=2, seconds=23),
            5,
            1234.5,
        ]
    )
    tickets.append(
        [
            "C-2",
            "李四",
            dt.datetime(2026, 3, 5, 14, 0),
            dt.time(0, 0, 30),
            dt.timedelta(hours=25, minutes=1),
            4.0,
            0.1,
        ]
    )
    tickets.append([None] * 7)  # a trailing empty row
    summary = book.create_sheet("汇总")
    summary.append(["team", "tickets", "resolved"])
    summary.append(["North", 12, True])
    book.save(path)
    return path


def test_excel_default_sheet_header_and_typed_cells(con, tmp_path):
    source = read_source(con, write_workbook(tmp_path / "calls.xlsx"))
    assert (source.format, source.sheet, source.sheets) == (
        "excel",
        "工单",
        ("说明", "工单", "汇总"),
    )
    assert (source.header_row, source.encoding, source.decimal) == (3, None, ".")
    assert source.columns == (
        "Call Id",
        "坐席",
        "Date",
        "Time",
        "AvgTalkDuration",
        "满意度",
        "Cost",
    )
    assert cells(source) == [
        ["C-1", "张三", "2026-03-04", "09:41:05", "0:02:23", "5", "1234.5"],
        ["C-2", "李四", "2026-03-05 14:00:00", "00:00:30", "25:01:00", "4", "0.1"],
    ]
    assert source.row_count == 2


def test_excel_chosen_sheet_by_name_and_index(con, tmp_path):
    path = write_workbook(tmp_path / "calls.xlsx")
    for choice in ("汇总", 2):
        source = read_source(con, path, sheet=choice)
        assert (source.sheet, source.header_row) == ("汇总", 1)
        assert source.columns == ("team", "tickets", "resolved")
        assert cells(source) == [["North", "12", "true"]]
    with pytest.raises(ReadError) as empty:
        read_source(con, path, sheet="说明")
    assert problem_of(empty) == "sheet_empty" and "说明" in str(empty.value)
    with pytest.raises(ReadError) as missing:
        read_source(con, path, sheet="Sheet9")
    assert problem_of(missing) == "sheet_missing" and "汇总" in str(missing.value)


def test_cell_texts():
    assert cell_text(dt.timedelta(seconds=-90)) == "-0:01:30"
    assert cell_text(dt.timedelta(seconds=1.5)) == "0:00:01.500000"
    assert cell_text(dt.datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04:05"
    assert [cell_text(v) for v in (3.0, 2.5, 1e20, "", None, False)] == [
        "3",
        "2.5",
        "1e+20",
        None,
        None,
        "false",
    ]


# --- Parquet and JSON lines --------------------------------------------------------


def test_parquet_columns_as_text(con, tmp_path):
    table = pa.table(
        {
            "工单编号": ["GD-1", "GD-2"],
            "created_at": pa.array([dt.datetime(2026, 1, 2, 9, 0), None], pa.timestamp("us")),
            "csat": pa.array([5, 4], pa.int64()),
            "cost": [12.5, 0.25],
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    source = read_source(con, tmp_path / "t.parquet")
    assert (source.format, source.header_row, source.encoding) == ("parquet", None, None)
    assert source.columns == ("工单编号", "created_at", "csat", "cost")
    assert cells(source) == [
        ["GD-1", "2026-01-02 09:00:00", "5", "12.5"],
        ["GD-2", None, "4", "0.25"],
    ]


def test_json_lines_as_text(con, tmp_path):
    records = [
        {"id": "A", "处理人": "张三", "score": 5, "ok": True},
        {"id": "B", "处理人": "李四", "score": None, "ok": False},
    ]
    path = tmp_path / "t.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
    )
    source = read_source(con, path)
    assert (source.format, source.columns) == ("jsonl", ("id", "处理人", "score", "ok"))
    assert cells(source) == [["A", "张三", "5", "true"], ["B", "李四", None, "false"]]
