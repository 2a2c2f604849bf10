"""`python -m scoring score DIR --reliability` (docs/SCORE_OUTPUT.md): one row per KPI with
its weight, split-half reliability, discrimination flag and the scheme's grade stability."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from scoring.analyses.reliability import RELIABLE
from scoring.cli import main as cli
from scoring.cli.score import RELIABILITY_COLUMNS
from scoring.registry.kpis import KPIS
from scoring.synthetic.generate import generate


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    generate(out, tickets=6000, agents=24, teams=4, months=6, seed=11)
    return out


def _run(capsys, *args) -> pd.DataFrame:
    assert cli.main(["score", *map(str, args), "--reliability"]) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out))


def test_one_row_per_kpi_with_the_documented_columns(table, capsys):
    result = _run(capsys, table, "--weights", "csat=3,fcr=1")
    assert list(result.columns) == RELIABILITY_COLUMNS
    assert list(result["kpi"]) == [k.id for k in KPIS]  # every KPI of the generated data
    weights = result.set_index("kpi")["weight"]
    assert weights["csat"] == pytest.approx(0.75) and weights["fcr"] == pytest.approx(0.25)
    assert weights.drop(["csat", "fcr"]).eq(0).all()


def test_statuses_follow_the_documented_rules(table, capsys):
    result = _run(capsys, table).set_index("kpi")
    # training hours and 360 ratings belong to no customer: not split
    assert result.loc["training_hours", "reliability_status"] == "not_split"
    assert result.loc["teamwork_360", "reliability_status"] == "not_split"
    split = result[result["reliability_status"].isin(["reliable", "unreliable"])]
    assert len(split) > 10
    reliable = split["reliability"] >= RELIABLE
    assert (split.loc[reliable, "reliability_status"] == "reliable").all()
    assert (split.loc[~reliable, "reliability_status"] == "unreliable").all()
    # the correction is increasing, so Spearman–Brown of the median half correlation is the
    # median of the corrected values (up to the mean of the two middle ones of 20 splits)
    corrected = 2 * split["r_half"] / (1 + split["r_half"])
    assert corrected.to_numpy() == pytest.approx(split["reliability"].to_numpy(), abs=0.01)
    assert (split["reliability_low"] <= split["reliability"] + 1e-12).all()
    assert (split["reliability"] <= split["reliability_high"] + 1e-12).all()
    stability = result["same_grade"].unique()
    assert len(stability) == 1 and 0 <= stability[0] <= 1
    flags = set(result["discrimination"].dropna())
    assert flags <= {"at_cap", "at_floor", "within_noise"}
