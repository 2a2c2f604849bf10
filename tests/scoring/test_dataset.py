"""Loading and validating datasets: row rules, fatal errors, file layouts, types, the CLI.

Every dataset here is written by hand into tmp_path; expected counts, examples and row
numbers are worked out from the rows written (rows are numbered from 0 within a file).
"""

from __future__ import annotations

import json
import threading
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scoring.cli import main as cli
from scoring.data import quality
from scoring.data.dataset import Dataset, DatasetError, open_dataset
from scoring.registry.contract import TABLES, TABLES_BY_NAME, VALID_RANGES
from scoring.registry.kpis import KPI_IDS
from tests.builders import T0, agent, survey, ticket, write_dataset, write_table

# ---------------------------------------------------------------------------------------
# Rows of the optional tables, valid unless told otherwise.


def training(agent_id: str | None, hours: float | None = 2.0, **extra) -> dict:
    row = {
        "agent_id": agent_id,
        "skill": "repair",
        "course": "Basics",
        "completed_on": date(2026, 3, 1),
        "hours": hours,
    }
    return {**row, **extra}


def rating(reviewee_id: str | None, score: float | None = 4.0, **extra) -> dict:
    row = {
        "reviewee_id": reviewee_id,
        "reviewer_role": "peer",
        "competency": "teamwork",
        "score": score,
        "period": "2026-Q1",
    }
    return {**row, **extra}


def objective(owner_id: str = "A1", owner_type: str = "agent", **extra) -> dict:
    row = {
        "owner_type": owner_type,
        "owner_id": owner_id,
        "kpi": "csat",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 3, 31),
        "target": 4.5,
    }
    return {**row, **extra}


def kano(respondent_id: str, functional: int | None = 1, dysfunctional: int | None = 5) -> dict:
    return {
        "respondent_id": respondent_id,
        "factor": "speed",
        "functional": functional,
        "dysfunctional": dysfunctional,
    }


def staff_survey(agent_id: str | None, period: str = "2026-Q1", score: float = 4.0) -> dict:
    return {"agent_id": agent_id, "period": period, "score": score}


def with_(row: dict, **changes) -> dict:
    return {**row, **changes}


# A valid base dataset: every crafted case appends its rows to these.
BASE: dict[str, list[dict]] = {
    "agents": [agent("A1", team="T1"), agent("A2", team="T2")],
    "tickets": [ticket("K1", "A1"), ticket("K2", "A2", 60)],
    "surveys": [survey("S1", "K1", 5)],
}
# One more valid row per table, referenced by nothing else (safe to break).
GOOD_ROW: dict[str, dict] = {
    "agents": agent("A3", team="T3"),
    "tickets": ticket("K3", "A1", 120),
    "surveys": survey("S2", "K2", 4),
    "training": training("A1"),
    "feedback_360": rating("A1"),
    "objectives": objective(),
    "kano_responses": kano("R1"),
    "employee_survey": staff_survey("A1"),
}


def tables_with(extra: dict[str, list[dict]]) -> dict[str, list[dict]]:
    tables = {name: list(rows) for name, rows in BASE.items()}
    for name, rows in extra.items():
        tables.setdefault(name, []).extend(rows)
    return tables


def open_with(root: Path, extra: dict[str, list[dict]]) -> tuple[Dataset, dict[str, list[dict]]]:
    tables = tables_with(extra)
    return open_dataset(write_dataset(root, **tables)), tables


def broken_rules(ds: Dataset) -> dict[str, tuple[int, list[str]]]:
    return {r.rule: (r.count, r.examples) for r in ds.report.rules if r.count}


def row_numbers(ds: Dataset, view: str) -> set[int]:
    return set(ds.query(f'SELECT _row FROM "{view}"')["_row"].tolist())


def count(ds: Dataset, view: str) -> int:
    return ds.scalar(f'SELECT count(*) FROM "{view}"')


def assert_excluded(ds: Dataset, tables: dict[str, list[dict]], excluded: dict[str, set[int]]):
    """Raw views hold every row written; accepted views all but the excluded row numbers."""
    for name, rows in tables.items():
        everything = set(range(len(rows)))
        assert row_numbers(ds, "raw_" + name) == everything, name
        assert row_numbers(ds, name) == everything - excluded.get(name, set()), name


# ---------------------------------------------------------------------------------------
# Row rules: each crafted dataset breaks exactly the rules listed, on exactly these rows.


@dataclass
class Case:
    id: str
    extra: dict[str, list[dict]]  # rows appended to BASE
    broken: dict[str, tuple[int, list[str]]]  # rule → (count, examples); all others 0
    excluded: dict[str, set[int]] = field(default_factory=dict)  # table → extra row indices


ROLES = ["self", "supervisor", "peer", "subordinate", "customer"]

CASES = [
    # null required values (every required column is covered by test_null_rules)
    Case(
        "ticket-null-channel-and-category",
        {"tickets": [ticket("K3", "A1", channel=None), ticket("K4", "A1", category=None)]},
        {"tickets.null_channel": (1, ["K3"]), "tickets.null_category": (1, ["K4"])},
        {"tickets": {0, 1}},
    ),
    # duplicate ids: the first copy (by file and row) is kept
    Case(
        "ticket-duplicates",
        {"tickets": [ticket("K1", "A2", 30), ticket("K3", "A1"), ticket("K1", "A1", 90)]},
        {"tickets.duplicate_id": (2, ["K1", "K1"])},
        {"tickets": {0, 2}},
    ),
    Case(
        "survey-duplicate",
        {"surveys": [survey("S2", "K2", 4), survey("S1", "K2", 3)]},
        {"surveys.duplicate_id": (1, ["S1"])},
        {"surveys": {1}},
    ),
    Case(
        "agent-duplicate",
        {"agents": [agent("A1", team="T9")]},
        {"agents.duplicate_id": (1, ["A1"])},
        {"agents": {0}},
    ),
    # unknown agent
    Case(
        "ticket-unknown-agent",
        {"tickets": [ticket("K3", "A9"), ticket("K4", "A2")]},
        {"tickets.unknown_agent": (1, ["K3"])},
        {"tickets": {0}},
    ),
    Case(
        "ticket-of-excluded-agent",
        {"agents": [agent("A3", team=None)], "tickets": [ticket("K3", "A3")]},
        {"agents.null_team": (1, ["A3"]), "tickets.unknown_agent": (1, ["K3"])},
        {"agents": {0}, "tickets": {0}},
    ),
    Case(
        "training-unknown-agent",
        {"training": [training("A1"), training("A9"), training("A2")]},
        {"training.unknown_agent": (1, ["training.parquet:1"])},
        {"training": {1}},
    ),
    Case(
        "feedback-unknown-agent",
        {"feedback_360": [rating("A9"), rating("A2")]},
        {"feedback_360.unknown_agent": (1, ["feedback_360.parquet:0"])},
        {"feedback_360": {0}},
    ),
    Case(
        "employee-survey-unknown-agent",
        {"employee_survey": [staff_survey("A1"), staff_survey("A7")]},
        {"employee_survey.unknown_agent": (1, ["employee_survey.parquet:1"])},
        {"employee_survey": {1}},
    ),
    # surveys and their tickets
    Case(
        "survey-unknown-ticket",
        {"surveys": [survey("S2", "K9", 4), survey("S3", "K2", 4)]},
        {"surveys.unknown_ticket": (1, ["S2"])},
        {"surveys": {0}},
    ),
    Case(
        "survey-of-excluded-ticket",
        {"tickets": [ticket("K3", "A9")], "surveys": [survey("S2", "K3", 4)]},
        {"tickets.unknown_agent": (1, ["K3"]), "surveys.ticket_excluded": (1, ["S2"])},
        {"tickets": {0}, "surveys": {0}},
    ),
    Case(
        "survey-of-duplicated-ticket-is-kept",
        {"tickets": [ticket("K2", "A1", 5)], "surveys": [survey("S2", "K2", 4)]},
        {"tickets.duplicate_id": (1, ["K2"])},
        {"tickets": {0}},
    ),
    # out-of-range values (bounds inclusive; S1 has csat 5)
    Case(
        "csat-0-and-6",
        {"surveys": [survey("S2", "K2", 0), survey("S3", "K2", 6), survey("S4", "K2", 1)]},
        {"surveys.range_csat": (2, ["S2", "S3"])},
        {"surveys": {0, 1}},
    ),
    Case(
        "nps-11",
        {
            "surveys": [
                survey("S2", "K2", 4, nps=11),
                survey("S3", "K2", 4, nps=0),
                survey("S4", "K2", 4, nps=10),
            ]
        },
        {"surveys.range_nps": (1, ["S2"])},
        {"surveys": {0}},
    ),
    Case(
        "feedback-score-out-of-range",
        {"feedback_360": [rating("A1", 1.0), rating("A1", 0.5), rating("A2", 5.5), rating("A2")]},
        {"feedback_360.range_score": (2, ["feedback_360.parquet:1", "feedback_360.parquet:2"])},
        {"feedback_360": {1, 2}},
    ),
    Case(
        "kano-answers-out-of-range",
        {
            "kano_responses": [
                kano("R1", 1, 5),
                kano("R2", 6, 5),
                kano("R3", 3, 0),
                kano("R4", 5, 1),
            ]
        },
        {
            "kano_responses.range_functional": (1, ["kano_responses.parquet:1"]),
            "kano_responses.range_dysfunctional": (1, ["kano_responses.parquet:2"]),
        },
        {"kano_responses": {1, 2}},
    ),
    # stage timestamps (minutes after creation) running backwards
    Case(
        "accepted-before-created",
        {"tickets": [ticket("K3", "A1", accepted_at=-5), ticket("K4", "A1", accepted_at=0)]},
        {"tickets.stages_backwards": (1, ["K3"])},
        {"tickets": {0}},
    ),
    Case(
        "resolved-before-created-accepted-null",
        {
            "tickets": [
                ticket("K3", "A1", accepted_at=None, resolved_at=-10),
                ticket("K4", "A1", accepted_at=None, resolved_at=10),
            ]
        },
        {"tickets.stages_backwards": (1, ["K3"])},
        {"tickets": {0}},
    ),
    Case(
        "followed-up-before-work-started-resolved-null",
        {
            "tickets": [
                ticket("K3", "A1", work_started_at=30, resolved_at=None, followed_up_at=20),
                ticket("K4", "A1", work_started_at=30, resolved_at=None, followed_up_at=40),
            ]
        },
        {"tickets.stages_backwards": (1, ["K3"])},
        {"tickets": {0}},
    ),
    Case(
        "first-response-before-created",
        {
            "tickets": [
                ticket("K3", "A1", first_response_at=-1),
                # a first response before acceptance is allowed; only created ≤ response
                ticket("K4", "A1", accepted_at=5, first_response_at=2),
                ticket(
                    "K5",
                    "A1",
                    accepted_at=1,
                    work_started_at=2,
                    resolved_at=3,
                    followed_up_at=4,
                    first_response_at=0,
                ),
            ]
        },
        {"tickets.stages_backwards": (1, ["K3"])},
        {"tickets": {0}},
    ),
    # allowed values and periods
    Case(
        "bad-reviewer-role",
        {"feedback_360": [rating("A1", reviewer_role=r) for r in [*ROLES, "boss", ""]]},
        {"feedback_360.bad_role": (2, ["feedback_360.parquet:5", "feedback_360.parquet:6"])},
        {"feedback_360": {5, 6}},
    ),
    Case(
        "feedback-bad-period",
        {
            "feedback_360": [
                rating("A1", period=p)
                for p in ["2026-Q3", "2026-07", "2026-Q5", "2026-13", "Q3-2026"]
            ]
        },
        {
            "feedback_360.bad_period": (
                3,
                [f"feedback_360.parquet:{i}" for i in (2, 3, 4)],
            )
        },
        {"feedback_360": {2, 3, 4}},
    ),
    Case(
        "employee-survey-bad-period",
        {"employee_survey": [staff_survey("A1", "2026-7"), staff_survey("A1", "2026-12")]},
        {"employee_survey.bad_period": (1, ["employee_survey.parquet:0"])},
        {"employee_survey": {0}},
    ),
    # objectives
    Case(
        "objective-unknown-kpi",
        {"objectives": [objective(), objective(kpi="happiness")]},
        {"objectives.unknown_kpi": (1, ["objectives.parquet:1"])},
        {"objectives": {1}},
    ),
    Case(
        "objective-unknown-owner",
        {
            "objectives": [
                objective("A9", "agent"),
                objective("T9", "team"),
                objective("T2", "team"),
                objective("A2", "agent"),
            ]
        },
        {"objectives.unknown_owner": (2, ["objectives.parquet:0", "objectives.parquet:1"])},
        {"objectives": {0, 1}},
    ),
    Case(
        "objective-bad-owner-type",
        {"objectives": [objective("A1", "site")]},
        {"objectives.bad_owner_type": (1, ["objectives.parquet:0"])},
        {"objectives": {0}},
    ),
    Case(
        "objective-period-backwards",
        {
            "objectives": [
                objective(period_start=date(2026, 3, 31), period_end=date(2026, 1, 1)),
                objective(period_start=date(2026, 2, 1), period_end=date(2026, 2, 1)),
            ]
        },
        {"objectives.period_backwards": (1, ["objectives.parquet:0"])},
        {"objectives": {0}},
    ),
    Case(
        "objective-target-not-positive",
        {
            "objectives": [
                objective(target=0.0),
                objective(kpi="fcr", target=-1.0),
                objective(kpi="nps", target=0.5),
            ]
        },
        {"objectives.target_not_positive": (2, ["objectives.parquet:0", "objectives.parquet:1"])},
        {"objectives": {0, 1}},
    ),
    Case(
        "objective-duplicate",
        {
            "objectives": [
                objective(),
                objective(target=4.0),
                objective("Service department", "department"),
                objective("T1", "team", weight=2.0),
            ]
        },
        {"objectives.duplicate": (1, ["objectives.parquet:1"])},
        {"objectives": {1}},
    ),
]


def test_base_dataset_breaks_no_rule(tmp_path):
    ds, _ = open_with(tmp_path, {})
    assert broken_rules(ds) == {}
    assert count(ds, "tickets") == 2


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(tmp_path, case: Case):
    ds, tables = open_with(tmp_path, case.extra)
    assert broken_rules(ds) == case.broken
    excluded = {
        name: {len(BASE.get(name, [])) + i for i in rows} for name, rows in case.excluded.items()
    }
    assert_excluded(ds, tables, excluded)


def test_first_copy_of_a_duplicate_is_the_one_kept(tmp_path):
    ds, _ = open_with(tmp_path, {"agents": [agent("A1", team="T9"), agent("A1", team="T8")]})
    assert ds.query("SELECT team FROM agents WHERE agent_id = 'A1'")["team"].tolist() == ["T1"]


def numbered(table: str, rows: list[dict]) -> list[dict]:
    """Keep ids unique: suffix each row's id with its index (objectives: end on later days)."""
    key = TABLES_BY_NAME[table].key
    if table == "objectives":  # one objective per owner, KPI and period: later days
        later = [date(2026, 4, 1) + timedelta(days=i) for i in range(len(rows))]
        return [r if r.get("period_end") is None else with_(r, period_end=day)
                for r, day in zip(rows, later, strict=True)]  # fmt: skip
    return [with_(r, **{key: f"{r[key]}-{i}"}) for i, r in enumerate(rows)] if key else rows


def expect_rows(
    ds: Dataset, tables: dict, table: str, rows: list[dict], rules: list[str | None]
) -> None:
    """rows[i] (appended to BASE) breaks exactly rules[i] (None: the row is valid)."""
    offset = len(BASE.get(table, []))
    key = TABLES_BY_NAME[table].key
    expected: dict[str, tuple[int, list[str]]] = {}
    for i, (row, rule) in enumerate(zip(rows, rules, strict=True)):
        if rule is not None:
            n, examples = expected.get(rule, (0, []))
            example = row[key] if key else f"{table}.parquet:{offset + i}"
            expected[rule] = (n + 1, [*examples, example])
    assert broken_rules(ds) == expected
    bad = {offset + i for i, rule in enumerate(rules) if rule is not None}
    assert_excluded(ds, tables, {table: bad})


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_null_rules(tmp_path, table: str):
    """One row per required column (ids excepted) with that value null, then a valid row."""
    spec = TABLES_BY_NAME[table]
    columns = [c for c in spec.required_columns if c != spec.key]
    rows = [with_(GOOD_ROW[table], **{c: None}) for c in columns] + [GOOD_ROW[table]]
    rows = numbered(table, rows)
    rules = [f"{table}.null_{c}" for c in columns] + [None]
    ds, tables = open_with(tmp_path, {table: rows})
    expect_rows(ds, tables, table, rows, rules)


KEYED = [t.name for t in TABLES if t.key]


@pytest.mark.parametrize("table", KEYED)
def test_null_id_row_is_excluded(tmp_path, table: str):
    key = TABLES_BY_NAME[table].key
    ds, tables = open_with(tmp_path, {table: [with_(GOOD_ROW[table], **{key: None})]})
    assert {rule: n for rule, (n, _) in broken_rules(ds).items()} == {f"{table}.null_{key}": 1}
    assert_excluded(ds, tables, {table: {len(BASE[table])}})


@pytest.mark.parametrize("table", KEYED)
def test_null_id_row_has_an_example(tmp_path, table: str):
    key = TABLES_BY_NAME[table].key
    ds, _ = open_with(tmp_path, {table: [with_(GOOD_ROW[table], **{key: None})]})
    [(_, examples)] = broken_rules(ds).values()
    assert examples and all(isinstance(e, str) and e for e in examples)
    assert f"{table}.null_{key}" in ds.report.to_text()


@pytest.mark.parametrize("table", sorted({table for table, _ in VALID_RANGES}))
def test_range_rules(tmp_path, table: str):
    """Each declared range of the table: its bounds are kept, one step outside is excluded."""
    values: list[tuple[str, float, str | None]] = []  # (column, value, rule broken)
    for (name, column), (lo, hi) in VALID_RANGES.items():
        if name != table:
            continue
        rule = f"{table}.range_{column}"
        values += [(column, bound, None) for bound in (lo, hi) if bound is not None]
        values += [(column, lo - 1, rule)] if lo is not None else []
        values += [(column, hi + 1, rule)] if hi is not None else []
    spec = TABLES_BY_NAME[table]

    def typed(column: str, value: float):
        return int(value) if spec.column(column).type == "int" else float(value)

    rows = numbered(table, [with_(GOOD_ROW[table], **{c: typed(c, v)}) for c, v, _ in values])
    ds, tables = open_with(tmp_path, {table: rows})
    expect_rows(ds, tables, table, rows, [rule for _, _, rule in values])


def test_every_rule_is_exercised():
    """Every rule of quality.rules() is broken by at least one crafted dataset above."""
    covered = {rule for case in CASES for rule in case.broken}
    covered |= {f"{t.name}.null_{c}" for t in TABLES for c in t.required_columns}
    covered |= {f"{table}.range_{column}" for table, column in VALID_RANGES}
    covered.add("tickets.implausible_dates")  # a warning rule: its own test below
    assert {r.id for r in quality.rules(KPI_IDS)} - covered == set()


def full_rows() -> dict[str, list[dict]]:
    """Valid rows of every table with every column of the contract."""
    return {
        "agents": [
            agent(
                "A1",
                supervisor="Boss",
                site="North",
                hire_date=date(2024, 1, 1),
                left_date=None,
                hourly_cost=30.0,
            ),
            agent("A2", team="T2"),
        ],
        "tickets": [
            ticket(
                "K1",
                "A1",
                accepted_at=1,
                first_response_at=2,
                work_started_at=3,
                resolved_at=4,
                followed_up_at=5,
                product="router",
                priority="low",
                customer_id="C1",
                customer_segment="enterprise",
                contacts=1,
                reopened=False,
                escalated=False,
                is_complaint=False,
                handle_minutes=10.0,
                parts_cost=0.0,
                sla_response_minutes=30.0,
                sla_resolve_hours=24.0,
            )
        ],
        "surveys": [survey("S1", "K1", 5, attitude=5, quality=4, speed=3, nps=9, comment="ok")],
        "training": [training("A1", score=90.0)],
        "feedback_360": [rating("A1", reviewer_id="A2")],
        "objectives": [objective(weight=1.0)],
        "kano_responses": [kano("R1")],
        "employee_survey": [staff_survey("A1")],
    }


def test_full_dataset_evaluates_every_rule_and_breaks_none(tmp_path):
    ds = open_dataset(write_dataset(tmp_path, **full_rows()))
    assert {r.rule for r in ds.report.rules} == {r.id for r in quality.rules(KPI_IDS)}
    assert broken_rules(ds) == {}
    assert ds.report.warnings == []


def test_rule_on_an_absent_optional_column_is_skipped(tmp_path):
    ds, _ = open_with(tmp_path, {})  # surveys without nps, tickets without contacts
    evaluated = {r.rule for r in ds.report.rules}
    assert "surveys.range_nps" not in evaluated
    assert "tickets.range_contacts" not in evaluated
    assert "surveys.range_csat" in evaluated
    assert "training.unknown_agent" not in evaluated  # table absent


# ---------------------------------------------------------------------------------------
# Counts: accepted + excluded = rows read; at most five examples per rule.

MESSY = {
    "agents": [
        agent("A1"),
        agent("A2", team="T2"),
        agent("A1", team="T9"),  # duplicate
        agent("A3", team=None),  # null team
    ],
    "tickets": [
        ticket("K1", "A1"),
        ticket("K2", "A2"),
        ticket("K3", "A9", accepted_at=-5),  # unknown agent and backwards: excluded once
        ticket("K1", "A2"),  # duplicate
        ticket("K4", "A1", channel=None),  # null channel
        ticket("K5", "A3"),  # agent excluded, so unknown
    ],
    "surveys": [
        survey("S1", "K1", 5),
        survey("S2", "K3", 4),  # ticket excluded
        survey("S3", "K9", 4),  # unknown ticket
        survey("S4", "K2", 9),  # out of range
        survey("S1", "K2", 0),  # duplicate and out of range: excluded once
    ],
    "training": [training("A1"), training("A9")],  # unknown agent
}
# table → (rows read, excluded), by hand from the comments above
MESSY_COUNTS = {"agents": (4, 2), "tickets": (6, 4), "surveys": (5, 4), "training": (2, 1)}


def test_accepted_plus_excluded_is_rows_read(tmp_path):
    ds = open_dataset(write_dataset(tmp_path, **MESSY))
    for name, (read, excluded) in MESSY_COUNTS.items():
        report = ds.report.tables[name]
        accepted = count(ds, name)
        assert (report.rows_read, report.excluded, report.accepted) == (
            read,
            excluded,
            read - excluded,
        ), name
        assert accepted == read - excluded, name
        assert count(ds, "raw_" + name) == read, name
        assert report.accepted + report.excluded == report.rows_read


def test_a_row_breaking_two_rules_is_counted_by_both(tmp_path):
    ds = open_dataset(write_dataset(tmp_path, **MESSY))
    broken = broken_rules(ds)
    assert broken["tickets.unknown_agent"] == (2, ["K3", "K5"])
    assert broken["tickets.stages_backwards"] == (1, ["K3"])
    assert broken["surveys.range_csat"] == (2, ["S4", "S1"])
    assert broken["surveys.duplicate_id"] == (1, ["S1"])
    assert sum(n for rule, (n, _) in broken.items() if rule.startswith("tickets.")) == 5


def test_at_most_five_examples_per_rule(tmp_path):
    bad = [survey(f"S{i}", "K2", 9) for i in range(2, 9)]  # S2..S8: seven rows
    ds, _ = open_with(tmp_path, {"surveys": bad})
    assert broken_rules(ds) == {"surveys.range_csat": (7, ["S2", "S3", "S4", "S5", "S6"])}
    assert ds.report.tables["surveys"].excluded == 7
    assert all(len(r.examples) <= quality.EXAMPLES_PER_RULE == 5 for r in ds.report.rules)


# ---------------------------------------------------------------------------------------
# Fatal problems: DatasetError naming the file, the column and what was expected.


def write_raw(root: Path, name: str, /, **columns) -> Path:
    """A Parquet file with exactly these columns (types inferred or given as arrays)."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{name}.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def minimal(root: Path, skip: tuple[str, ...] = ()) -> Path:
    tables = {n: rows for n, rows in BASE.items() if n not in skip}
    for name, rows in tables.items():
        write_table(root, name, rows)
    return root


def open_fails(root: Path) -> DatasetError:
    with pytest.raises(DatasetError) as info:
        open_dataset(root)
    return info.value


def test_required_table_missing(tmp_path):
    error = open_fails(minimal(tmp_path, skip=("surveys",)))
    message = str(error)
    assert "surveys" in message and "required table missing" in message
    assert str(tmp_path / "surveys") in message
    assert error.report is not None and not error.report.usable


def test_required_column_missing(tmp_path):
    minimal(tmp_path)
    columns = ["ticket_id", "agent_id", "created_at", "category"]
    write_table(tmp_path, "tickets", BASE["tickets"], columns=columns)
    message = str(open_fails(tmp_path))
    assert str(tmp_path / "tickets.parquet") in message
    assert "'channel'" in message and "missing" in message and "text" in message


def test_corrupt_parquet_file(tmp_path):
    minimal(tmp_path)
    (tmp_path / "agents.parquet").write_bytes(b"this is not a parquet file at all")
    message = str(open_fails(tmp_path))
    assert str(tmp_path / "agents.parquet") in message
    assert "unreadable Parquet" in message


def test_csat_as_text(tmp_path):
    minimal(tmp_path)
    path = write_raw(
        tmp_path,
        "surveys",
        survey_id=["S1", "S2"],
        ticket_id=["K1", "K2"],
        submitted_at=[T0, T0],
        csat=["4", "good"],
    )
    message = str(open_fails(tmp_path))
    assert str(path) in message
    assert "'csat'" in message and "'good'" in message and "whole number" in message


def test_created_at_as_text(tmp_path):
    minimal(tmp_path)
    path = write_raw(
        tmp_path,
        "tickets",
        ticket_id=["K1", "K2"],
        agent_id=["A1", "A2"],
        created_at=["2026-03-02 09:00:00", "yesterday"],
        channel=["phone", "phone"],
        category=["repair", "repair"],
    )
    message = str(open_fails(tmp_path))
    assert str(path) in message
    assert "'created_at'" in message and "'yesterday'" in message and "timestamp" in message


def test_fractional_value_in_an_int_column(tmp_path):
    minimal(tmp_path)
    write_raw(
        tmp_path,
        "surveys",
        survey_id=["S1", "S2"],
        ticket_id=["K1", "K2"],
        submitted_at=[T0, T0],
        csat=[4.0, 3.5],
    )
    message = str(open_fails(tmp_path))
    assert "'csat'" in message and "3.5" in message


def test_several_fatal_problems_are_all_reported(tmp_path):
    minimal(tmp_path, skip=("surveys",))
    write_table(tmp_path, "tickets", BASE["tickets"], columns=["ticket_id", "created_at"])
    (tmp_path / "agents.parquet").write_bytes(b"garbage")
    problems = open_fails(tmp_path).problems
    assert len(problems) == 5, problems
    joined = "\n".join(problems)
    for needle in ("surveys", "'agent_id'", "'channel'", "'category'", "agents.parquet"):
        assert needle in joined


def test_several_type_problems_are_all_reported(tmp_path):
    write_table(tmp_path, "agents", BASE["agents"])
    write_raw(
        tmp_path,
        "tickets",
        ticket_id=["K1"],
        agent_id=["A1"],
        created_at=["yesterday"],
        channel=["phone"],
        category=["repair"],
    )
    write_raw(
        tmp_path, "surveys", survey_id=["S1"], ticket_id=["K1"], submitted_at=[T0], csat=["good"]
    )
    problems = open_fails(tmp_path).problems
    assert len(problems) == 2
    assert any("'yesterday'" in p for p in problems) and any("'good'" in p for p in problems)


def test_schema_and_type_problems_are_reported_together(tmp_path):
    write_table(tmp_path, "agents", BASE["agents"])
    write_table(tmp_path, "tickets", BASE["tickets"], columns=["ticket_id", "agent_id"])
    write_raw(
        tmp_path, "surveys", survey_id=["S1"], ticket_id=["K1"], submitted_at=[T0], csat=["good"]
    )
    joined = "\n".join(open_fails(tmp_path).problems)
    assert "'channel'" in joined and "'good'" in joined


# ---------------------------------------------------------------------------------------
# Layouts and physical types that must load.


def write_partition(root: Path, name: str, month: str, rows: list[dict]):
    write_table(root / name / f"month={month}", name, rows)


def test_hive_partitioned_and_single_file_tables(tmp_path):
    write_table(tmp_path, "agents", BASE["agents"])
    write_partition(tmp_path, "tickets", "2026-01", [ticket("K1", "A1"), ticket("K2", "A2")])
    write_partition(
        tmp_path,
        "tickets",
        "2026-02",
        [ticket("K3", "A1"), ticket("K4", "A2"), ticket("K5", "A1")],
    )
    write_partition(tmp_path, "surveys", "2026-02", [survey("S1", "K1", 5)])
    ds = open_dataset(tmp_path)
    assert (count(ds, "tickets"), count(ds, "agents"), count(ds, "surveys")) == (5, 2, 1)
    assert len(ds.report.tables["tickets"].files) == 2
    for view in ("tickets", "raw_tickets", "surveys"):
        assert "month" not in ds.query(f"SELECT * FROM {view} LIMIT 0").columns


def test_duplicate_across_partitions_keeps_the_earlier_file(tmp_path):
    write_table(tmp_path, "agents", BASE["agents"])
    write_partition(tmp_path, "tickets", "2026-01", [ticket("K1", "A1")])
    write_partition(tmp_path, "tickets", "2026-02", [ticket("K1", "A2")])
    write_table(tmp_path, "surveys", [])
    ds = open_dataset(tmp_path)
    assert ds.query("SELECT agent_id FROM tickets")["agent_id"].tolist() == ["A1"]


def write_tickets_with_created(root: Path, created: pa.Array):
    write_table(root, "agents", BASE["agents"])
    write_table(root, "surveys", [])
    write_raw(
        root,
        "tickets",
        ticket_id=["K1"],
        agent_id=["A1"],
        created_at=created,
        channel=["phone"],
        category=["repair"],
    )


def created_at(ds: Dataset):
    [value] = ds.query("SELECT created_at FROM tickets")["created_at"].tolist()
    return value


@pytest.mark.parametrize(
    ("tz", "wall_time"),
    [("Asia/Shanghai", datetime(2026, 3, 2, 9)), ("UTC", datetime(2026, 3, 2, 1))],
)
def test_aware_timestamp_reads_as_naive_utc(tmp_path, tz: str, wall_time: datetime):
    moment = wall_time.replace(tzinfo=zoneinfo.ZoneInfo(tz))  # 01:00 UTC either way
    write_tickets_with_created(tmp_path, pa.array([moment], pa.timestamp("us", tz=tz)))
    value = created_at(open_dataset(tmp_path))
    assert value.tzinfo is None
    assert value == datetime(2026, 3, 2, 1, 0)


def test_naive_timestamp_loads_unchanged(tmp_path):
    write_tickets_with_created(tmp_path, pa.array([datetime(2026, 3, 2, 9)], pa.timestamp("ms")))
    assert created_at(open_dataset(tmp_path)) == datetime(2026, 3, 2, 9, 0)


def test_timestamp_strings_load(tmp_path):
    write_tickets_with_created(tmp_path, pa.array(["2026-03-02 09:00:00"]))
    assert created_at(open_dataset(tmp_path)) == datetime(2026, 3, 2, 9, 0)


def test_an_empty_table_loads_with_a_warning(tmp_path):
    write_dataset(tmp_path, **BASE, training=[])
    ds = open_dataset(tmp_path)
    assert count(ds, "training") == 0
    assert ds.report.tables["training"].rows_read == 0
    assert any("training" in w and "empty" in w for w in ds.report.warnings)


@pytest.mark.parametrize("tickets", ["none", "all_broken"])
def test_a_dataset_without_one_usable_ticket_is_not_usable(tmp_path, tickets):
    rows = [] if tickets == "none" else [ticket("K1", "nobody"), ticket("K2", "nobody")]
    write_dataset(tmp_path, agents=BASE["agents"], tickets=rows, surveys=[])
    with pytest.raises(DatasetError) as refused:
        open_dataset(tmp_path)
    read = 0 if tickets == "none" else 2
    assert [p.code for p in refused.value.details] == ["no_usable_rows"]
    assert refused.value.problems == [
        f"tickets: none of its {read} rows can be used (each breaks a rule, or there are "
        "none), so nothing can be measured"
    ]
    report = refused.value.report
    assert not report.usable and report.tables["tickets"].rows_read == read
    if read:  # the report still says why: the rule that excluded them
        assert {r.rule: r.count for r in report.rules}["tickets.unknown_agent"] == 2


def test_implausible_ticket_times_are_flagged_with_examples_and_kept(tmp_path):
    rows = [
        ticket("K1", "A1"),
        ticket("K1900", "A1", created_at=datetime(1900, 1, 1)),
        ticket("K2099", "A1", created_at=datetime(2099, 5, 1), resolved_at=datetime(2099, 5, 2)),
        ticket("K2005", "A1", created_at=datetime(2005, 5, 1), resolved_at=datetime(2005, 5, 2)),
    ]
    write_dataset(tmp_path, agents=BASE["agents"], tickets=rows, surveys=[])
    flagged = {r.rule: r for r in open_dataset(tmp_path).report.rules}["tickets.implausible_dates"]
    assert (flagged.count, flagged.examples, flagged.warns) == (2, ["K1900", "K2099"], True)
    ds = open_dataset(tmp_path, earliest_year=2010)  # the setting moves the bound
    later = {r.rule: r for r in ds.report.rules}["tickets.implausible_dates"]
    assert later.examples == ["K1900", "K2099", "K2005"]  # in file order
    assert ds.report.tables["tickets"].accepted == 4  # flagged, not excluded
    assert count(ds, "tickets") == 4


def test_missing_optional_table_warns_and_opens(tmp_path):
    ds, _ = open_with(tmp_path, {"feedback_360": [rating("A1")]})
    warnings = [w for w in ds.report.warnings if "training" in w]
    assert len(warnings) == 1 and "missing" in warnings[0]
    assert not ds.has("training")
    assert ds.has("feedback_360")
    assert ds.report.usable


def test_missing_optional_column(tmp_path):
    ds, _ = open_with(tmp_path, {})
    assert not ds.has("tickets", "resolved_at")
    assert ds.has("tickets", "created_at")
    assert ds.scalar("SELECT count(resolved_at) FROM raw_tickets") == 0


def test_integer_ids_load_as_strings(tmp_path):
    write_raw(
        tmp_path,
        "agents",
        agent_id=pa.array([7, 8], pa.int64()),
        name=["A", "B"],
        team=["T1", "T1"],
    )
    write_table(tmp_path, "tickets", [ticket("K1", "7"), ticket("K2", "8")])
    write_table(tmp_path, "surveys", [])
    ds = open_dataset(tmp_path)
    assert sorted(ds.query("SELECT agent_id FROM agents")["agent_id"]) == ["7", "8"]
    assert count(ds, "tickets") == 2
    assert broken_rules(ds) == {}


# ---------------------------------------------------------------------------------------
# The `validate` command.


def validate(root: Path, fmt: str, capsys) -> tuple[int, str, str]:
    code = cli.main(["validate", str(root), "--format", fmt])
    out, err = capsys.readouterr()
    return code, out, err


def unknown_agent_dataset(root: Path) -> Path:
    tables = tables_with({"tickets": [ticket("K3", "A9")]})
    return write_dataset(root, **tables)


def test_validate_text(tmp_path, capsys):
    code, out, _ = validate(unknown_agent_dataset(tmp_path), "text", capsys)
    assert code == 0
    lines = out.splitlines()
    assert any(line.split() == ["tickets", "3", "2", "1"] for line in lines), out
    assert any(line.split() == ["agents", "2", "2", "0"] for line in lines), out
    assert any("tickets.unknown_agent" in line and " 1 " in line for line in lines), out
    assert "K3" in out
    assert "warning:" in out  # optional tables missing


def test_validate_json(tmp_path, capsys):
    code, out, _ = validate(unknown_agent_dataset(tmp_path), "json", capsys)
    assert code == 0
    report = json.loads(out)
    assert report["usable"] is True
    assert report["tables"]["tickets"]["rows_read"] == 3
    assert report["tables"]["tickets"]["accepted"] == 2
    assert report["warnings"]
    rules = {r["rule"]: r for r in report["rules"]}
    assert (
        rules["tickets.unknown_agent"]["count"],
        rules["tickets.unknown_agent"]["examples"],
    ) == (
        1,
        ["K3"],
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_unusable(tmp_path, capsys, fmt: str):
    code, out, err = validate(minimal(tmp_path, skip=("surveys",)), fmt, capsys)
    assert code == 2
    assert "required table missing" in out + err
    if fmt == "json":
        assert json.loads(out)["usable"] is False


def test_validate_missing_folder(tmp_path, capsys):
    code, _, err = validate(tmp_path / "nowhere", "text", capsys)
    assert code == 2
    assert "nowhere" in err and "not found" in err


def test_unusable_report_lists_tables_without_row_counts(tmp_path):
    """Rows are never counted when loading stops, so the text shows no misleading zeros."""
    write_table(tmp_path, "agents", BASE["agents"], columns=["agent_id", "name"])
    write_table(tmp_path, "tickets", BASE["tickets"])
    write_table(tmp_path, "surveys", BASE["surveys"])
    with pytest.raises(DatasetError) as caught:
        open_dataset(tmp_path)
    text = caught.value.report.to_text()
    assert "Usable: NO" in text and "'team'" in text
    assert "agents           found" in text and "training         (missing)" in text
    assert "accepted" not in text


def test_queries_from_many_short_lived_threads_all_answer(small_dataset):
    # Streamlit runs every rerun in a new thread: concurrent queries from threads that come
    # and go each get a cursor of their own and the right answer.
    ds = open_dataset(small_dataset)
    expected = ds.scalar("SELECT count(*) FROM tickets")
    answers: list[int] = []

    def ask() -> None:
        answers.append(ds.scalar("SELECT count(*) FROM tickets"))
        answers.append(len(ds.query("SELECT agent_id FROM agents")))

    for _ in range(25):  # waves of 4 concurrent "reruns"
        threads = [threading.Thread(target=ask) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
            assert not thread.is_alive(), "a query did not return"
    agents = ds.scalar("SELECT count(*) FROM agents")
    assert sorted(set(answers)) == sorted({expected, agents})
    assert len(answers) == 25 * 4 * 2


def test_validate_refuses_a_dataset_whose_tickets_all_break_a_rule(tmp_path, capsys):
    root = write_dataset(tmp_path, agents=BASE["agents"], tickets=[ticket("K9", "A9")])
    code, out, err = validate(root, "text", capsys)
    assert code == 2
    text = out + err
    assert "Usable: NO" in text
    assert "tickets: none of its 1 rows can be used" in text
    assert "tickets.unknown_agent" in text and "K9" in text  # and why, with the example


def test_an_optional_column_without_one_value_is_not_supplied(tmp_path):
    # an import writes every contract column; the export had no "contacts", so the column is
    # there and empty: first-contact resolution cannot be measured (not 0% for everyone)
    from scoring.measures.metrics import available_kpis, unavailable_kpis

    rows = [ticket("t1", "A1", 0, contacts=None), ticket("t2", "A1", 60, contacts=None)]
    root = write_dataset(tmp_path, agents=[agent("A1")], tickets=rows)
    assert "contacts" in pq.read_schema(root / "tickets.parquet").names
    ds = open_dataset(root)
    assert "contacts" in ds.report.tables["tickets"].empty_columns
    assert not ds.has("tickets", "contacts") and ds.has("tickets", "created_at")
    assert "fcr" in unavailable_kpis(ds) and "fcr" not in {k.id for k in available_kpis(ds)}
    assert ds.report.tables["tickets"].accepted == 2  # the rows are kept
