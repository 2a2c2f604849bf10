"""`python -m scoring period ...` (scoring/cli/period.py): close, publish, show and export a
period of the hand-worked dataset of test_periods.py through the same store the page uses
(the dataset's state folder); a second close and a reopen without a reason are refused
with exit code 2."""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from scoring.cli import main as cli
from scoring.data import catalog
from scoring.settings import setting
from scoring.stores.periods import PeriodStore
from tests.builders import write_dataset
from tests.scoring.test_periods import MARCH, _rows


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["period", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_close_publish_show_and_export(capsys, tmp_path):
    data = write_dataset(tmp_path / "data", **_rows())
    assert run(capsys, "close", data, "--period", MARCH, "--author", "hr")[0] == 0
    code, _, err = run(capsys, "close", data, "--period", MARCH)
    assert code == 2 and "the period is closed" in err
    assert run(capsys, "publish", data, "--period", MARCH)[0] == 0
    code, _, err = run(capsys, "reopen", data, "--period", MARCH)
    assert code == 2 and "a reason is required" in err
    code, out, _ = run(capsys, "list", data)
    assert "2026-03,published,1,1,0" in out.splitlines()
    code, out, _ = run(capsys, "show", data, "--period", MARCH, "--format", "json")
    rows = {r["agent_id"]: r for r in json.loads(out)}
    assert rows["A2"]["tickets"] == 20 and rows["A1"]["tickets"] == 22  # April left out
    assert run(capsys, "export", data, "--period", MARCH, "--out", tmp_path / "p.csv")[0] == 0
    text = (tmp_path / "p.csv").read_bytes().decode("utf-8-sig")
    table = {r["agent_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert table["A3"]["name"] == "'=HYPERLINK(1)" and table["A1"]["version"] == "1"
    assert run(capsys, "export", data, "--period", MARCH, "--out", tmp_path / "p.xlsx")[0] == 0
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert [c.value for c in sheet[1]][:4] == ["period", "version", "agent_id", "name"]
    assert sheet.max_row == 4
    state_dir = setting("state_dir")
    entry = catalog.default_entry(catalog.list_datasets(state_dir, str(data)), str(data))
    store = PeriodStore(catalog.state_folder(state_dir, entry))
    assert store.state(MARCH).events[0].author == "hr"  # the page reads the same store
