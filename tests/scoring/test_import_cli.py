"""`python -m scoring import` end to end (in-process): the two real export shapes of the
issue, written here by hand, become datasets that open and score; appending next month's
export, reusing a saved mapping, undo, and a refused file that changes nothing. Expected
rows are worked out by hand from the files written below."""

from __future__ import annotations

import csv
from datetime import datetime as T
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scoring.cli.main import main
from scoring.data.dataset import open_dataset
from scoring.engine.scorecard import build_matrix
from scoring.ingest.write import current_path, current_version

HELPDESK_HEADER = ["Ticket_ID", "Channel", "Category", "Priority", "Created_Date",
                   "Resolved_Date", "Status", "Agent"]  # fmt: skip
HELPDESK_ROWS = [
    ["T-1", "Email", "Billing", "High", "03-04-2026 09:00", "04-04-2026 09:00", "Resolved", "A01"],
    ["T-2", "Phone", "Technical", "Low", "13-04-2026 10:30", "", "Open", "A02"],
    ["T-3", "Chat", "Billing", "Medium", "20-04-2026 08:15", "21-04-2026 08:15", "Closed", "A01"],
    ["T-4", "Email", "Technical", "High", "21-04-2026 11:00", "22-04-2026 16:00", "Closed", "A03"],
]


CALL_HEADER = ["Call Id", "Agent", "Date", "Time", "Topic", "Answered (Y/N)", "Resolved",
               "Speed of answer in seconds", "AvgTalkDuration", "Satisfaction rating"]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], header=HELPDESK_HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def tickets(out: Path) -> pd.DataFrame:
    frame = pd.read_parquet(current_path(out) / "tickets")
    return frame.sort_values("ticket_id").reset_index(drop=True)


def run(*args) -> int:
    return main(["import", *map(str, args)])


def test_a_helpdesk_csv_becomes_a_dataset_that_opens_and_scores(tmp_path, capsys):
    source = write_csv(tmp_path / "helpdesk.csv", HELPDESK_ROWS)
    out = tmp_path / "dataset"
    assert run(source, "--out", out) == 0
    assert "version 1 is current" in capsys.readouterr().out
    ds = open_dataset(current_path(out))
    assert ds.report.usable
    got = tickets(out)
    assert got["ticket_id"].tolist() == ["T-1", "T-2", "T-3", "T-4"]
    assert got.loc[1, "created_at"] == T(2026, 4, 13, 10, 30)  # day first: 13-04 says so
    assert pd.isna(got.loc[1, "resolved_at"])
    assert got["channel"].tolist() == ["email", "phone", "chat", "email"]
    agents = pd.read_parquet(current_path(out) / "agents.parquet")
    assert sorted(agents["agent_id"]) == ["A01", "A02", "A03"]
    assert set(agents["team"]) == {"Unassigned"}  # no team column in the export
    assert len(pd.read_parquet(current_path(out) / "surveys.parquet")) == 0
    matrix = build_matrix(ds)
    assert matrix.frame.set_index("agent_id").loc["A01", "tickets"] == 2


def test_a_call_centre_workbook_derives_response_resolution_and_surveys(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CALL_HEADER)
    sheet.append(["ID0001", "Diane", "2021-01-01", "9:12:58", "Contract related", "Y", "Y",
                  109, "0:02:23", 3])  # fmt: skip
    sheet.append(["ID0002", "Becky", "2021-01-01", "9:20:00", "Technical Support", "Y", "N",
                  70, "0:04:02", 4])  # fmt: skip
    sheet.append(["ID0003", "Diane", "2021-01-02", "10:05:00", "Payment related", "N", "",
                  None, None, None])  # fmt: skip
    source = tmp_path / "calls.xlsx"
    book.save(source)
    out = tmp_path / "calls"
    assert run(source, "--out", out) == 0
    got = tickets(out)
    first = got.iloc[0]
    assert first["created_at"] == T(2021, 1, 1, 9, 12, 58)
    assert first["first_response_at"] == T(2021, 1, 1, 9, 14, 47)  # + 109 s
    assert first["resolved_at"] == T(2021, 1, 1, 9, 15, 21)  # resolved: + talk 0:02:23
    assert pd.isna(got.iloc[1]["resolved_at"])  # "N": not resolved
    surveys = pd.read_parquet(current_path(out) / "surveys.parquet").sort_values("ticket_id")
    assert surveys[["ticket_id", "csat"]].values.tolist() == [["ID0001", 3], ["ID0002", 4]]


def test_next_months_export_appends_with_the_saved_mapping_and_undo_restores(tmp_path, capsys):
    out = tmp_path / "dataset"
    mapping = tmp_path / "our-export.json"
    first = write_csv(tmp_path / "april.csv", HELPDESK_ROWS)
    assert run(first, "--out", out, "--save-mapping", mapping) == 0
    updated = ["T-2", "Phone", "Technical", "Low", "13-04-2026 10:30", "02-05-2026 12:00",
               "Resolved", "A02"]  # fmt: skip
    new = ["T-5", "Chat", "Billing", "Low", "02-05-2026 09:00", "02-05-2026 09:30", "Closed",
           "A01"]  # fmt: skip
    second = write_csv(tmp_path / "may.csv", [updated, new])
    capsys.readouterr()
    assert run(second, "--out", out, "--append", "--mapping", mapping) == 0
    printed = capsys.readouterr().out
    assert "version 2 is current" in printed and "+1 added  1 updated" in printed
    got = tickets(out)
    assert got["ticket_id"].tolist() == ["T-1", "T-2", "T-3", "T-4", "T-5"]
    assert got.loc[1, "resolved_at"] == T(2026, 5, 2, 12)
    assert run("--out", out, "--undo") == 0
    assert current_version(out) == 1
    assert tickets(out)["ticket_id"].tolist() == ["T-1", "T-2", "T-3", "T-4"]


def test_a_file_without_an_agent_column_is_refused_and_changes_nothing(tmp_path, capsys):
    out = tmp_path / "dataset"
    assert run(write_csv(tmp_path / "good.csv", HELPDESK_ROWS), "--out", out) == 0
    header = [h for h in HELPDESK_HEADER if h != "Agent"]
    rows = [r[:-1] for r in HELPDESK_ROWS]
    capsys.readouterr()
    assert run(write_csv(tmp_path / "bad.csv", rows, header), "--out", out) == 2
    error = capsys.readouterr().err
    assert "tickets.agent_id" in error and "required" in error
    assert current_version(out) == 1
    assert sorted(p.name for p in (out / "versions").iterdir()) == ["1"]


@pytest.mark.parametrize("args", [("--out", "x"), ("--out", "x", "--mapping", "missing.json")])
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, args, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = write_csv(tmp_path / "a.csv", HELPDESK_ROWS)
    given = args if "--mapping" not in args else (source, *args)
    assert run(*given) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_name_imports_into_the_state_folder_with_a_roster_and_warns_of_unread_values(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    rows = [row[:] for row in HELPDESK_ROWS]
    rows[3][5] = "next Tuesday"  # T-4's resolution time is no date
    source = write_csv(tmp_path / "helpdesk.csv", rows)
    roster = write_csv(
        tmp_path / "roster.csv", [["A01", "North"], ["A02", "South"]], header=["工号", "班组"]
    )
    assert run(source, "--name", "april", "--agents", roster) == 0
    printed = capsys.readouterr().out
    # one value in three is no date: too many to tell the column's format, so none of its
    # three values is read, and the import says so
    assert "3 value(s) of column 'Resolved_Date'" in printed and "'next Tuesday'" in printed
    assert "roster: 2 agent(s) matched, 0 without tickets" in printed
    folder = tmp_path / "state" / "datasets" / "april"
    teams = pd.read_parquet(current_path(folder) / "agents.parquet").set_index("agent_id")
    assert teams["team"].to_dict() == {"A01": "North", "A02": "South", "A03": "Unassigned"}


def test_a_name_that_could_leave_the_state_folder_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    source = write_csv(tmp_path / "helpdesk.csv", HELPDESK_ROWS)
    assert run(source, "--name", "../elsewhere") == 2
    assert "--name" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere").exists() and not (tmp_path / "state").exists()
