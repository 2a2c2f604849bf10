"""`python -m scoring kano DIR ...` (scoring/cli/kano.py): the generator's planted categories
in both formats and for each segment, the warning below the minimum, and bad arguments.

Runs the command in-process on a generated dataset; the planted categories are read from its
truth.json and the respondents per segment straight from the Parquet file with pandas.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from scoring.cli import main as cli
from scoring.synthetic.generate import generate


@pytest.fixture(scope="module")
def gen_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    generate(out, tickets=2000, seed=7)
    return out


@pytest.fixture(scope="module")
def planted(gen_dir) -> dict[str, str]:
    return json.loads((gen_dir / "truth.json").read_text(encoding="utf-8"))["kano"]


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["kano", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_csv_finds_every_planted_category_first_to_improve_first(capsys, gen_dir, planted):
    code, out, err = run(capsys, gen_dir, "--format", "csv")
    assert code == 0 and err == ""
    table = pd.read_csv(io.StringIO(out))
    assert dict(zip(table["factor"], table["category"], strict=True)) == planted
    assert table.columns.tolist()[:10] == ["rank", "factor", "n", "A", "O", "M", "I", "R", "Q",
                                           "category"]  # fmt: skip
    assert {"strength", "significant", "better", "worse", "reason"} <= set(table.columns)
    # must-be factors first, attractive last (every generated factor is M, O or A)
    assert table["category"].tolist() == sorted(table["category"], key="MOA".index)
    assert (table[["A", "O", "M", "I", "R", "Q"]].sum(axis=1) == table["n"]).all()


def test_json_for_each_segment_finds_the_planted_categories(capsys, gen_dir, planted):
    answers = pd.read_parquet(gen_dir / "kano_responses.parquet")
    for segment in ("enterprise", "individual"):
        code, out, err = run(capsys, gen_dir, "--segment", segment, "--format", "json")
        assert code == 0 and err == ""
        rows = json.loads(out)
        assert {r["factor"]: r["category"] for r in rows} == planted
        pairs = int((answers["segment"] == segment).sum() / len(planted))
        assert {r["n"] for r in rows} == {pairs}  # every respondent answers every factor


def test_fewer_respondents_than_the_minimum_is_a_warning(capsys, gen_dir, monkeypatch):
    code, out, err = run(capsys, gen_dir, "--kano-min-respondents", "201")
    assert code == 0 and out  # the table is still printed
    assert "200 respondents, fewer than 201 (kano_min_respondents)" in err
    monkeypatch.setenv("SPD_KANO_MIN_RESPONDENTS", "201")
    assert "fewer than 201" in run(capsys, gen_dir)[2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--segment", "retail"], "unknown segment 'retail' in kano_responses (known: "
                                  "enterprise, individual)"),
        (["--kano-min-respondents", "none"], "kano_min_respondents must be a whole number"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_2_with_one_line(capsys, gen_dir, args, message):
    code, out, err = run(capsys, gen_dir, *args)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1
