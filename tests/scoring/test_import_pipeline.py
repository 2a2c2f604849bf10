"""The import pipeline's steps the Import page uses: inspect, preview, the values that did
not convert, and a roster joined onto the agents. Files are written here by hand; the
expected values are read off them."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from scoring.data.dataset import open_dataset
from scoring.ingest import pipeline
from scoring.ingest.pipeline import ImportProblem
from scoring.ingest.write import current_path, current_version

HEADER = ["Ticket_ID", "Created_Date", "Resolved_Date", "Agent", "Team", "Satisfaction",
          "Channel", "Category"]  # fmt: skip
ROWS = [
    ["T-1", "2026-04-03 09:00", "2026-04-04 09:00", "A01", "North", "5", "Email", "Billing"],
    ["T-2", "2026-04-13 10:30", "", "A02", "South", "Very good", "Phone", "Billing"],
    ["T-3", "2026-04-20 08:15", "yesterday", "A01", "North", "4", "Email", "Repair"],
    ["T-4", "2026-04-21 11:00", "2026-04-22 16:00", "A03", "", "not asked", "Chat", "Repair"],
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def export(tmp_path) -> Path:
    return write_csv(tmp_path / "export.csv", ROWS)


def agents(out: Path) -> pd.DataFrame:
    return pd.read_parquet(current_path(out) / "agents.parquet").set_index("agent_id")


def test_inspect_reads_columns_rows_and_suggests_without_writing(export, tmp_path):
    seen = pipeline.inspect([export])
    assert seen.columns == tuple(HEADER)
    assert seen.rows == 4
    assert seen.sample["Ticket_ID"].tolist() == ["T-1", "T-2", "T-3", "T-4"]
    chosen = seen.suggestion.mapping
    assert chosen["tickets.ticket_id"].column == "Ticket_ID"
    assert chosen["tickets.agent_id"].column == "Agent"
    assert chosen["agents.team"].column == "Team"
    assert list(tmp_path.iterdir()) == [export]  # nothing written


def test_values_that_do_not_convert_are_counted_with_examples(export, tmp_path):
    outcome = pipeline.import_files([export], tmp_path / "out")
    unread = {u.target: u for u in outcome.unread}
    # "yesterday" is no timestamp; "Very good" and "not asked" are no rating (1 to 5).
    assert unread["tickets.resolved_at"].rows == 1
    assert unread["tickets.resolved_at"].examples == ("yesterday",)
    assert unread["surveys.csat"].rows == 2
    assert unread["surveys.csat"].column == "Satisfaction"
    assert set(unread["surveys.csat"].examples) == {"Very good", "not asked"}
    assert set(unread) == {"tickets.resolved_at", "surveys.csat"}


def test_a_clean_export_has_nothing_unread(tmp_path):
    rows = [r[:5] + ["5"] + r[6:] for r in ROWS]
    rows[2][2] = "2026-04-21 08:15"
    outcome = pipeline.import_files([write_csv(tmp_path / "e.csv", rows)], tmp_path / "out")
    assert outcome.unread == ()


def test_a_roster_fills_teams_names_and_hire_dates_of_the_ticket_agents(export, tmp_path):
    roster = pd.DataFrame(
        {
            "工号": ["A01", "A03", "A99"],
            "姓名": ["Wang Fang", "Li Lei", "Nobody"],
            "班组": ["North", "East", "West"],
            "入职日期": ["2025-01-06", "", "2024-03-01"],
        }
    )
    outcome = pipeline.import_files([export], tmp_path / "out", agents=roster)
    got = agents(tmp_path / "out")
    assert got.index.tolist() == ["A01", "A02", "A03"]  # A99 has no tickets: not added
    assert got["name"].tolist() == ["Wang Fang", "A02", "Li Lei"]
    assert got["team"].tolist() == ["North", "South", "East"]  # A02 keeps the export's team
    assert str(got.loc["A01", "hire_date"])[:10] == "2025-01-06"
    assert pd.isna(got.loc["A03", "hire_date"])
    assert (outcome.roster.matched, outcome.roster.without_tickets) == (2, 1)


def test_a_roster_with_a_bad_date_or_a_repeated_agent_is_refused_and_nothing_written(
    export, tmp_path
):
    roster = pd.DataFrame({"agent id": ["A01", "A01"], "hire date": ["2025-13-45", "2025-01-01"]})
    with pytest.raises(ImportProblem) as refused:
        pipeline.import_files([export], tmp_path / "out", agents=roster)
    text = " ".join(refused.value.problems)
    assert "listed more than once" in text and "'A01'" in text
    assert "'hire date'" in text and "'2025-13-45'" in text
    assert current_version(tmp_path / "out") is None


def test_a_roster_without_an_agent_column_is_refused(export, tmp_path):
    with pytest.raises(ImportProblem, match="no agent column"):
        pipeline.import_files([export], tmp_path / "out", agents=pd.DataFrame({"x": ["1"]}))


def test_preview_writes_only_the_scratch_folder(export, tmp_path):
    seen = pipeline.inspect([export])
    scratch, target = tmp_path / "scratch", tmp_path / "dataset"
    outcome = pipeline.preview([export], scratch, mapping=seen.suggestion.mapping)
    assert outcome.result.counts["tickets"].rows == 4
    assert open_dataset(current_path(scratch)).report.usable
    assert not target.exists()


def test_a_stray_value_does_not_hide_a_columns_date_format(tmp_path):
    rows = [
        [f"T-{i}", f"{1 + i % 28:02d}/04/2026 09:00", "", "A01", "North", "5", "Email", "X"]
        for i in range(60)
    ]
    rows[7][1] = "unknown"  # 1 value in 60 (under 5 %): the format stands, the value is unread
    export = write_csv(tmp_path / "e.csv", rows)
    seen = pipeline.inspect([export])
    created = seen.suggestion.formats["tickets.created_at"]
    assert (created.status, created.format, created.unparsed) == ("ok", "%d/%m/%Y %H:%M", 1)
    outcome = pipeline.import_files([export], tmp_path / "out")
    (unread,) = [u for u in outcome.unread if u.target == "tickets.created_at"]
    assert (unread.rows, unread.examples) == (1, ("unknown",))


def test_a_column_chosen_by_hand_gets_its_date_format_and_the_rest_is_kept(tmp_path):
    header = [*HEADER, "Closed_On"]
    rows = [[*r, f"0{i + 4}/05/2026 10:00"] for i, r in enumerate(ROWS)]
    rows[0][2] = "2026-04-04 09:00"
    export = write_csv(tmp_path / "e.csv", rows, header)
    suggested = pipeline.inspect([export]).suggestion.mapping
    changed = pipeline.change_sources(
        [export], suggested, {"tickets.resolved_at": "Closed_On", "agents.team": None}
    )
    chosen = changed.mapping
    assert chosen["tickets.resolved_at"].column == "Closed_On"
    # 04/05 … 07/05 read both ways; the day-month reading is listed first and offered
    assert changed.formats["tickets.resolved_at"].status == "ambiguous"
    assert chosen["tickets.resolved_at"].format in changed.formats["tickets.resolved_at"].options
    assert chosen["agents.team"].kind == "none"
    assert changed.reasons["agents.team"] == "none"
    assert chosen["tickets.ticket_id"] == suggested["tickets.ticket_id"]
    assert chosen["tickets.created_at"] == suggested["tickets.created_at"]
