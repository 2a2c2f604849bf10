"""`generate --bad-rows`: the planted broken rows are each excluded under the one rule they
break, and the generated rows are all kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring.cli import main as cli
from scoring.data.dataset import open_dataset
from scoring.synthetic import bad_rows
from scoring.synthetic.generate import generate

PLANTED = {
    "tickets.duplicate_id": 3,
    "tickets.unknown_agent": 2,
    "tickets.null_agent_id": 1,
    "tickets.stages_backwards": 2,
    "tickets.range_parts_cost": 1,
    "surveys.range_csat": 2,
    "surveys.unknown_ticket": 1,
    "surveys.ticket_excluded": 1,
}


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("messy") / "data"
    generate(out, tickets=3000, agents=24, teams=4, months=3, seed=3, bad_rows=True)
    return out


def test_each_planted_row_breaks_exactly_its_rule(messy):
    report = open_dataset(messy).report
    counted = {r.rule: r.count for r in report.rules if r.count}
    assert counted == PLANTED
    truth = json.loads((messy / "truth.json").read_text())
    assert truth["bad_rows"] == PLANTED


def test_generated_rows_are_all_kept_and_the_books_balance(messy):
    report = open_dataset(messy).report
    truth = json.loads((messy / "truth.json").read_text())
    for table in ("tickets", "surveys"):
        planted = sum(n for rule, n in PLANTED.items() if rule.startswith(table))
        counts = report.tables[table]
        assert counts.rows_read == truth["counts"][table] + planted
        assert counts.accepted == truth["counts"][table]
        assert counts.excluded == planted


def test_examples_name_the_broken_rows(messy):
    examples = {r.rule: r.examples for r in open_dataset(messy).report.rules}
    assert examples["tickets.unknown_agent"] == ["B-UNKNOWN-AGENT-1", "B-UNKNOWN-AGENT-2"]
    assert examples["tickets.stages_backwards"] == ["B-BACKWARDS-1", "B-BACKWARDS-2"]
    assert len(examples["tickets.duplicate_id"]) == 3


def test_without_the_option_no_rule_is_broken(tmp_path):
    out = tmp_path / "clean"
    generate(out, tickets=1500, agents=24, teams=4, months=2, seed=3)
    assert open_dataset(out).report.excluded_rows == 0
    assert json.loads((out / "truth.json").read_text())["bad_rows"] == {}
    assert not list(out.rglob(bad_rows.BAD_FILE))


def test_command_line_option(tmp_path):
    out = tmp_path / "cli"
    code = cli.main(["generate", "--out", str(out), "--tickets", "3000", "--agents", "24",
                     "--teams", "4", "--months", "3", "--seed", "3", "--bad-rows"])  # fmt: skip
    assert code == 0
    assert json.loads((out / "truth.json").read_text())["bad_rows"] == PLANTED
