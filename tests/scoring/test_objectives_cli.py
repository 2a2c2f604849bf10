"""`python -m scoring objectives DIR ...` (scoring/cli/objectives.py): the objectives the
generator planted on and off track (truth.json) are found in both formats; an edit saved in
the dataset's state folder is tracked; bad arguments exit 2."""

from __future__ import annotations

import io
import json

import pandas as pd

from scoring.access import OPEN
from scoring.analyses.objectives import dataset_objectives, teams_of
from scoring.cli import main as cli
from scoring.data.dataset import open_dataset
from scoring.methods.attainment import REACHED
from scoring.stores.objectives import ObjectiveStore, from_frame, make
from tests.conftest import saved_state


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["objectives", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _key(row: dict) -> tuple:
    return row["owner_type"], row["owner_id"], row["kpi"], row["period_start"]


def test_the_planted_objectives_are_found_on_and_off_track(capsys, small_dataset, monkeypatch):
    monkeypatch.setenv("SPD_DATA_DIR", str(small_dataset))
    truth = json.loads((small_dataset / "truth.json").read_text(encoding="utf-8"))["objectives"]
    start = truth["on_track"][0]["period_start"]
    code, out, err = run(capsys, small_dataset, "--from", start, "--format", "json")
    assert code == 0 and err == ""
    rows = {_key(r): r for r in json.loads(out)}
    for planted in truth["on_track"]:
        assert rows[_key(planted)]["status"] in REACHED
        assert rows[_key(planted)]["attainment"] > 1
    for planted in truth["off_track"]:
        assert rows[_key(planted)]["status"] not in REACHED
        assert rows[_key(planted)]["attainment"] < 1
    assert ("department", truth["department"], "csat", start) in rows
    # an edit saved as the dashboard saves it is what the command tracks
    ds = open_dataset(small_dataset)
    off = truth["off_track"][0]
    days = (pd.Timestamp(off[k]).date() for k in ("period_start", "period_end"))
    lowered = make(off["owner_type"], off["owner_id"], off["kpi"], *days, 0.1)
    store = ObjectiveStore(saved_state())
    store.save(from_frame(dataset_objectives(ds)), OPEN, teams_of(ds), puts=[lowered])
    code, out, _ = run(capsys, small_dataset, "--from", start, "--format", "csv")
    table = pd.read_csv(io.StringIO(out))
    row = table[(table["owner_id"] == off["owner_id"]) & (table["kpi"] == off["kpi"])
                & (table["period_start"] == start)].iloc[0]  # fmt: skip
    assert code == 0 and row["target"] == 0.1 and row["status"] in REACHED


def test_bad_arguments_exit_2(capsys, small_dataset):
    code, _, err = run(capsys, small_dataset, "--from", "2026-05-01", "--to", "2026-04-01")
    assert code == 2 and "--to 2026-04-01 is before --from 2026-05-01" in err
    code, _, err = run(capsys, small_dataset.parent / "nowhere")
    assert code == 2 and err.startswith("error:")
