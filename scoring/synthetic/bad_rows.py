"""Rows that break the contract's rules, planted in a generated dataset on request.

Real exports are never clean. `generate(..., bad_rows=True)` (CLI: `--bad-rows`) adds a few
broken tickets and surveys, so that the Data page's quality report and the sidebar's
excluded-rows link show what happens to such rows: each is left out of scoring, counted under
the one rule it breaks, and listed as an example. They go into one extra file per table in
the last month's folder, named to sort after the generated files (so the copies, not the
originals, are the repeated ids), and are copies of real rows with one thing broken.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

BAD_FILE = "zz_bad_rows.parquet"
UNKNOWN_AGENT = "A-UNKNOWN"
UNKNOWN_TICKET = "T-UNKNOWN"


def plant(out: Path) -> dict[str, int]:
    """Write the broken rows into the dataset at `out`; how many break each rule (rule id)."""
    tickets_file = _last_file(out / "tickets")
    tickets = pq.read_table(tickets_file)
    bad_tickets, planted = _bad_tickets(tickets)
    pq.write_table(bad_tickets, tickets_file.parent / BAD_FILE)
    surveys_file = _last_file(out / "surveys")
    surveys = pq.read_table(surveys_file)
    unknown_agent_ticket = _ids_of(bad_tickets, "B-UNKNOWN-AGENT-")[0]
    bad_surveys, survey_counts = _bad_surveys(surveys, unknown_agent_ticket)
    pq.write_table(bad_surveys, surveys_file.parent / BAD_FILE)
    return planted | survey_counts


def _last_file(folder: Path) -> Path:
    return sorted(f for f in folder.rglob("*.parquet") if f.name != BAD_FILE)[-1]


def _ids_of(table: pa.Table, prefix: str) -> list[str]:
    ids = table.column(0).to_pylist()
    return [i for i in ids if i and i.startswith(prefix)]


def _renumbered(rows: pa.Table, prefix: str) -> pa.Table:
    """The rows under new ids (first column): `prefix` 1, 2, …"""
    ids = pa.array([f"{prefix}{i + 1}" for i in range(rows.num_rows)])
    return rows.set_column(0, rows.schema.field(0), ids)


def _with(rows: pa.Table, column: str, values: list) -> pa.Table:
    field = rows.schema.field(column)
    return rows.set_column(
        rows.schema.get_field_index(column), field, pa.array(values, type=field.type)
    )


def _bad_tickets(tickets: pa.Table) -> tuple[pa.Table, dict[str, int]]:
    """Copies of the month's first tickets, each with one thing broken."""
    first = tickets.slice(0, 9)
    duplicates = first.slice(0, 3)  # exported twice: same id, same content
    unknown_agent = _with(
        _renumbered(first.slice(3, 2), "B-UNKNOWN-AGENT-"), "agent_id", [UNKNOWN_AGENT] * 2
    )
    no_agent = _with(_renumbered(first.slice(5, 1), "B-NO-AGENT-"), "agent_id", [None])
    backwards = _renumbered(_resolved_before_creation(first.slice(6, 2)), "B-BACKWARDS-")
    negative_cost = _with(
        _renumbered(first.slice(8, 1), "B-NEGATIVE-COST-"), "parts_cost", [-120.0]
    )
    planted = {
        "tickets.duplicate_id": duplicates,
        "tickets.unknown_agent": unknown_agent,
        "tickets.null_agent_id": no_agent,
        "tickets.stages_backwards": backwards,
        "tickets.range_parts_cost": negative_cost,
    }
    return pa.concat_tables(planted.values()), {k: t.num_rows for k, t in planted.items()}


def _resolved_before_creation(rows: pa.Table) -> pa.Table:
    """Resolved an hour before they were created; later stages cleared, so that only the
    stage order is broken."""
    created = rows.column("created_at")
    resolved = pc.subtract(created, pa.scalar(timedelta(hours=1), type=pa.duration("us")))
    rows = _with(rows, "resolved_at", resolved.cast(created.type).to_pylist())
    rows = _with(rows, "followed_up_at", [None] * rows.num_rows)
    for column in ("accepted_at", "work_started_at", "first_response_at"):
        rows = _with(rows, column, created.to_pylist())
    return rows


def _bad_surveys(surveys: pa.Table, excluded_ticket: str) -> tuple[pa.Table, dict[str, int]]:
    """Copies of the month's first surveys under new ids, each with one thing broken."""
    copies = _renumbered(surveys.slice(0, 4), "B-SURVEY-")
    planted = {
        "surveys.range_csat": _with(copies.slice(0, 2), "csat", [7, 0]),
        "surveys.unknown_ticket": _with(copies.slice(2, 1), "ticket_id", [UNKNOWN_TICKET]),
        "surveys.ticket_excluded": _with(copies.slice(3, 1), "ticket_id", [excluded_ticket]),
    }
    return pa.concat_tables(planted.values()), {k: t.num_rows for k, t in planted.items()}
