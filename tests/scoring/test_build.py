"""The build (`scoring.data.build`): a dataset validated once, each ticket's next ticket on
the same issue found once, the result read instead of the files.

What is built must change nothing a user sees: the KPI tables of the sample are compared
value for value with the ones read from the files (the hand-worked KPI and repeat tests run
on both too: tests/scoring/test_kpis.py, test_repeat_issues.py). What the build saves is
checked by what it no longer does: a reopened build runs no rule.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from scoring.cli import main as cli
from scoring.data import build, dataset
from scoring.data.dataset import DatasetError, open_dataset
from scoring.measures.metrics import Filters, kpi_table
from tests.builders import agent, ticket, write_dataset
from tests.conftest import SAMPLE_DATASET

DAY = 1440


@pytest.fixture(scope="module")
def sample_pair(tmp_path_factory):
    builds = tmp_path_factory.mktemp("builds")
    return open_dataset(SAMPLE_DATASET), open_dataset(SAMPLE_DATASET, builds=builds)


FILTERS = [
    (Filters(), ()),
    (Filters(), ("agent_id",)),
    (Filters(start=date(2026, 3, 1), end=date(2026, 3, 31)), ("agent_id",)),
    (Filters(categories=("repair",), channels=("phone",)), ("team",)),
    (Filters(), ("month", "category")),
]


@pytest.mark.parametrize(("filters", "by"), FILTERS)
def test_the_built_sample_gives_the_same_kpis_as_its_files(sample_pair, filters, by):
    files, built = sample_pair
    assert files.built is None and built.built == ("category", "product", "contact_id")
    keys = list(by or ()) or None

    def table(ds):  # groups come in scan order: compare them by their keys
        found = kpi_table(ds, filters, by)
        return found.sort_values(keys).reset_index(drop=True) if keys else found

    pd.testing.assert_frame_equal(table(built), table(files), check_exact=False, rtol=1e-12)


def test_the_built_sample_keeps_the_quality_report(sample_pair):
    files, built = sample_pair
    assert built.report.to_dict() == files.report.to_dict()
    assert built.report.excluded_rows > 0  # the sample's planted bad rows stay counted
    assert built.path == files.path and built.as_of == files.as_of


def _dataset(tmp_path, extra: tuple[dict, ...] = ()):
    tickets = [
        ticket("t1", "A1", 0, customer_id="C1", resolved_at=60),
        ticket("t2", "A1", 2 * DAY, customer_id="C1", resolved_at=60),
        ticket("t3", "A1", 40 * DAY, customer_id="C2", resolved_at=60),
        *extra,
    ]
    return write_dataset(tmp_path / "data", agents=[agent("A1")], tickets=tickets)


def test_a_reopened_build_runs_no_rule(tmp_path, monkeypatch):
    root, builds = _dataset(tmp_path), tmp_path / "builds"
    first = open_dataset(root, builds=builds)

    def no_rules(*args, **kwargs):
        raise AssertionError("a rule was run on a built dataset")

    monkeypatch.setattr(dataset, "_apply_rules", no_rules)
    again = open_dataset(root, builds=builds)
    assert again.report.to_dict() == first.report.to_dict()
    pd.testing.assert_frame_equal(kpi_table(again), kpi_table(first))
    assert len(list(builds.iterdir())) == 1


def test_the_next_same_issue_is_stored_with_each_ticket_in_time_order(tmp_path):
    root, builds = _dataset(tmp_path), tmp_path / "builds"
    open_dataset(root, builds=builds)
    (folder,) = builds.iterdir()
    stored = pq.read_table(folder / "tickets.parquet").to_pandas()
    assert stored["ticket_id"].tolist() == ["t1", "t2", "t3"]  # by created_at
    # t1 (C1, resolved at day 0 + 1 h): t2 of C1 on day 2 is its next same issue; t2 and
    # t3 have none (t3 is another customer's)
    assert stored[build.NEXT_SAME_ISSUE].iloc[0] == stored["created_at"].iloc[1]
    assert stored[build.NEXT_SAME_ISSUE].iloc[1:].isna().all()


def test_issues_hashing_alike_are_numbered_one_by_one(tmp_path, monkeypatch):
    # every issue hashing to one number: taken as it is, C2's t3 would be the next same
    # issue of C1's t2; the build sees fewer numbers than issues and numbers them instead
    monkeypatch.setattr(build, "issue_hash", lambda columns: "0")
    root, builds = _dataset(tmp_path), tmp_path / "builds"
    open_dataset(root, builds=builds)
    (folder,) = builds.iterdir()
    stored = pq.read_table(folder / "tickets.parquet").to_pandas()
    assert stored["ticket_id"].tolist() == ["t1", "t2", "t3"]
    assert stored[build.NEXT_SAME_ISSUE].iloc[0] == stored["created_at"].iloc[1]
    assert stored[build.NEXT_SAME_ISSUE].iloc[1:].isna().all()


def test_a_changed_file_is_a_new_build(tmp_path):
    root, builds = _dataset(tmp_path), tmp_path / "builds"
    assert open_dataset(root, builds=builds).report.tables["tickets"].accepted == 3
    _dataset(tmp_path, extra=(ticket("t4", "A1", 50 * DAY, customer_id="C3", resolved_at=60),))
    assert open_dataset(root, builds=builds).report.tables["tickets"].accepted == 4
    assert len(list(builds.iterdir())) == 2


def test_a_new_contract_column_or_rule_is_a_new_build(tmp_path, monkeypatch):
    # A build made before the contract knew a column reports it present (its report never
    # looked for it): the Kano page then asked a 10M build for kano_responses.segment.
    root = _dataset(tmp_path)
    settings = {"earliest_year": 2000, "kpi_ids": ["csat"]}
    now = build.fingerprint(root, settings)
    older = tuple(
        replace(t, columns=tuple(c for c in t.columns if c.name != "segment"))
        if t.name == "kano_responses"
        else t
        for t in build.TABLES
    )
    assert older != build.TABLES  # the contract has the column the older one lacks
    monkeypatch.setattr(build, "TABLES", older)
    assert build.fingerprint(root, settings) != now
    monkeypatch.undo()
    fewer = build.quality.rules(("csat",), 2000)[1:]
    monkeypatch.setattr(build.quality, "rules", lambda *_: fewer)
    assert build.fingerprint(root, settings) != now
    monkeypatch.undo()
    assert build.fingerprint(root, settings) == now


def test_a_damaged_build_is_made_again(tmp_path):
    root, builds = _dataset(tmp_path), tmp_path / "builds"
    expected = kpi_table(open_dataset(root, builds=builds))
    (folder,) = builds.iterdir()
    (folder / build.INFO).unlink()  # as if stopped before it was complete
    (folder / "tickets.parquet").write_bytes(b"not parquet")
    pd.testing.assert_frame_equal(kpi_table(open_dataset(root, builds=builds)), expected)
    assert (folder / build.INFO).is_file()


def test_an_unusable_dataset_writes_no_build(tmp_path):
    root = write_dataset(tmp_path / "data", agents=[agent("A1")], tickets=[])
    with pytest.raises(DatasetError):
        open_dataset(root, builds=tmp_path / "builds")
    assert not (tmp_path / "builds").exists()


def test_the_build_records_what_it_was_made_with(tmp_path):
    root, builds = _dataset(tmp_path), tmp_path / "builds"
    open_dataset(root, builds=builds)
    (folder,) = builds.iterdir()
    info = json.loads((folder / build.INFO).read_text(encoding="utf-8"))
    assert info["format"] == build.FORMAT
    assert info["repeat_keys"] == ["category"]  # no product or contact column in this data
    assert [p.name for p in builds.iterdir()] == [folder.name]  # no partial build left


def test_the_build_command_builds_once(tmp_path, capsys):
    root, builds = _dataset(tmp_path), tmp_path / "builds"
    assert cli.main(["build", str(root), "--builds", str(builds)]) == 0
    assert "built (3 tickets)" in capsys.readouterr().out
    (folder,) = builds.iterdir()
    made = (folder / build.INFO).stat().st_mtime_ns
    assert cli.main(["build", str(root), "--builds", str(builds)]) == 0
    assert (folder / build.INFO).stat().st_mtime_ns == made  # unchanged data: not rebuilt


def test_the_build_command_says_when_it_cannot_write(tmp_path, capsys):
    root, builds = _dataset(tmp_path), tmp_path / "builds"
    builds.write_text("a file where the folder should be")
    assert cli.main(["build", str(root), "--builds", str(builds)]) == 2
    assert "could not write a build" in capsys.readouterr().err


def test_an_unwritable_builds_folder_still_opens_the_files(tmp_path):
    root, builds = _dataset(tmp_path), tmp_path / "builds"
    builds.write_text("a file where the folder should be")
    ds = open_dataset(root, builds=builds)
    assert ds.built is None and ds.report.tables["tickets"].accepted == 3


def test_a_build_that_cannot_be_written_opens_the_files_without_its_memory_bound(
    tmp_path, monkeypatch
):
    root, builds = _dataset(tmp_path), tmp_path / "builds"

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(build, "write", disk_full)
    ds = open_dataset(root, builds=builds)
    assert ds.built is None and ds.report.tables["tickets"].accepted == 3
    # the build's bound (and its spill folder, removed) do not stay with the opened files
    limit = "SELECT current_setting('memory_limit')"
    assert ds.scalar(limit) == duckdb.connect().execute(limit).fetchone()[0]  # the default
    assert not builds.exists()


def test_tickets_read_out_of_time_order_are_stored_in_time_order(tmp_path):
    late, early = ticket("t9", "A1", 50 * DAY), ticket("t0", "A1", -DAY)
    root, builds = _dataset(tmp_path, extra=(late, early)), tmp_path / "builds"
    open_dataset(root, builds=builds)
    (folder,) = builds.iterdir()
    stored = pq.read_table(folder / "tickets.parquet").to_pandas()
    assert stored["ticket_id"].tolist() == ["t0", "t1", "t2", "t3", "t9"]
