"""`python -m scoring score DIR ...`: the public output format (docs/SCORE_OUTPUT.md).

Runs the command in-process through scoring.cli.main.main on a generated dataset (20,000
tickets, seed 3) and, for the error cases, on a tiny hand-made one. Expected ticket counts
are counted independently from the Parquet files with pandas.
"""

from __future__ import annotations

import contextlib
import io
import json
import math

import numpy as np
import pandas as pd
import pytest

from scoring.cli import main as cli
from scoring.methods.grading import GRADES
from scoring.registry.kpis import KPIS
from scoring.synthetic.generate import generate
from tests.builders import agent, survey, ticket, write_dataset

BASE = ["agent_id", "name", "team", "tickets", "composite", "grade", "team_rank", "dept_rank"]
KPI_COLUMNS = [c for k in KPIS for c in ([k.id, f"{k.id}_shrunk"] if k.shrink else [k.id])]


@pytest.fixture(scope="module")
def gen_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    generate(out, tickets=20000, seed=3)
    return out


@pytest.fixture(scope="module")
def raw_tickets(gen_dir):
    """The generated tickets read straight from Parquet (no row is invalid in it)."""
    tickets = pd.read_parquet(gen_dir / "tickets")
    agents = pd.read_parquet(gen_dir / "agents.parquet")
    return tickets.merge(agents[["agent_id", "team"]], on="agent_id")


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    tickets = [
        ticket(f"t{i}", "A1" if i % 2 else "A2", i * 60, channel="phone", resolved_at=30,
               customer_segment="individual")
        for i in range(6)
    ]  # fmt: skip
    return write_dataset(
        root,
        agents=[agent("A1", "T1"), agent("A2", "T2")],
        tickets=tickets,
        surveys=[survey("s1", "t1", 5)],
    )


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["score", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_csv(capsys, *args) -> pd.DataFrame:
    code, out, err = run(capsys, *args)
    assert code == 0, err
    return pd.read_csv(io.StringIO(out), dtype={"agent_id": str})


@pytest.fixture(scope="module")
def baseline(gen_dir):
    """The default CSV, run once (capsys is per test, so stdout is redirected here)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["score", str(gen_dir)]) == 0
    return pd.read_csv(io.StringIO(out.getvalue()), dtype={"agent_id": str})


def test_csv_has_the_documented_columns_and_one_row_per_agent(baseline, gen_dir):
    # every contract table is generated, so every KPI of the registry has its column(s)
    assert list(baseline.columns) == BASE + KPI_COLUMNS
    agents = pd.read_parquet(gen_dir / "agents.parquet")
    assert baseline["agent_id"].tolist() == sorted(agents["agent_id"])
    assert baseline["tickets"].sum() == 20000
    assert set(baseline["grade"]) <= set(GRADES) | {"insufficient_data"}
    graded = baseline[baseline["grade"] != "insufficient_data"]
    assert graded["composite"].between(0, 100).all()
    # composites are rounded to 2 decimals
    assert np.allclose(graded["composite"], graded["composite"].round(2))
    # not graded → no ranks; graded → ranks 1..n
    ungraded = baseline[baseline["grade"] == "insufficient_data"]
    assert ungraded["dept_rank"].isna().all() and ungraded["team_rank"].isna().all()
    assert graded["dept_rank"].min() == 1 and graded["dept_rank"].max() <= len(graded)


def test_ranks_follow_the_composite(baseline):
    graded = baseline[baseline["grade"] != "insufficient_data"]
    for _, a in graded.iterrows():
        # rank = 1 + agents with a strictly higher composite (ties share the best rank);
        # the CSV composite is rounded, so count only clear gaps
        higher = (graded["composite"] > a["composite"] + 0.01).sum()
        not_lower = (graded["composite"] >= a["composite"] - 0.01).sum()
        assert higher + 1 <= a["dept_rank"] <= not_lower
        team = graded[graded["team"] == a["team"]]
        assert (team["composite"] > a["composite"] + 0.01).sum() + 1 <= a["team_rank"]


def test_kpi_values_are_in_range_and_shrunk_where_declared(baseline):
    for k in KPIS:
        values = baseline[k.id].dropna()
        if k.fmt.endswith("%"):
            assert values.between(0, 1).all(), k.id
        if k.scale:
            assert values.between(*k.scale).all(), k.id
        if k.shrink:
            shrunk = baseline[f"{k.id}_shrunk"]
            # no data → no shrunk value either
            assert (shrunk.isna() == baseline[k.id].isna()).all(), k.id


def test_json_has_the_same_rows_as_csv(baseline, gen_dir, capsys):
    code, out, _ = run(capsys, gen_dir, "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert len(records) == len(baseline)
    assert list(records[0]) == list(baseline.columns)
    frame = pd.DataFrame.from_records(records)
    assert frame["agent_id"].tolist() == baseline["agent_id"].tolist()
    assert frame["grade"].tolist() == baseline["grade"].tolist()
    np.testing.assert_allclose(
        frame["composite"].astype(float), baseline["composite"].astype(float), equal_nan=True
    )
    # "no data" is null in JSON, never 0
    for record, (_, row) in zip(records, baseline.iterrows(), strict=True):
        for column in ("teamwork_360", "csat", "dept_rank"):
            assert (record[column] is None) == pd.isna(row[column])


def test_pool_adds_payouts_that_never_exceed_it(gen_dir, capsys):
    table = run_csv(capsys, gen_dir, "--pool", 10000)
    assert list(table.columns) == BASE + ["payout"] + KPI_COLUMNS
    assert table["payout"].sum() <= 10000
    assert (table.loc[table["grade"] == "insufficient_data", "payout"] == 0).all()
    assert (table.loc[table["grade"] == "unsatisfactory", "payout"] == 0).all()
    proportional = run_csv(capsys, gen_dir, "--pool", 10000, "--rule", "proportional")
    # the whole pool is shared, less at most a cent per agent of rounding down
    assert 10000 - 0.01 * len(proportional) <= proportional["payout"].sum() <= 10000


def test_team_filter_keeps_that_team_only(baseline, gen_dir, capsys):
    table = run_csv(capsys, gen_dir, "--team", "Team North")
    expected = baseline[baseline["team"] == "Team North"]
    assert table["agent_id"].tolist() == expected["agent_id"].tolist()
    assert set(table["team"]) == {"Team North"}
    # an agent's own tickets and raw values do not depend on the team scope
    assert table["tickets"].tolist() == expected["tickets"].tolist()
    np.testing.assert_allclose(table["csat"], expected["csat"], equal_nan=True)
    assert table["team_rank"].equals(table["dept_rank"])
    two = run_csv(capsys, gen_dir, "--team", "Team North", "--team", "Team East")
    assert set(two["team"]) == {"Team North", "Team East"} and len(two) == 20


def test_channel_filter_counts_only_that_channel(gen_dir, raw_tickets, capsys):
    table = run_csv(capsys, gen_dir, "--channel", "chat")
    chat = raw_tickets[raw_tickets["channel"] == "chat"].groupby("agent_id").size()
    counted = table.set_index("agent_id")["tickets"]
    assert counted.sum() == len(raw_tickets[raw_tickets["channel"] == "chat"])
    assert (counted.reindex(chat.index) == chat).all()
    assert (counted.drop(chat.index, errors="ignore") == 0).all()


def test_date_filter_counts_only_tickets_created_in_the_range(gen_dir, raw_tickets, capsys):
    table = run_csv(capsys, gen_dir, "--from", "2026-03-01", "--to", "2026-03-31")
    created = pd.to_datetime(raw_tickets["created_at"])
    march = raw_tickets[(created >= "2026-03-01") & (created < "2026-04-01")]
    expected = march.groupby("agent_id").size()
    counted = table.set_index("agent_id")["tickets"]
    assert counted.sum() == len(march) > 0
    assert (counted.reindex(expected.index) == expected).all()
    # one day only, --from = --to
    day = run_csv(capsys, gen_dir, "--from", "2026-03-02", "--to", "2026-03-02")
    one_day = ((created >= "2026-03-02") & (created < "2026-03-03")).sum()
    assert day["tickets"].sum() == one_day


def test_scheme_and_weights_change_composites(baseline, gen_dir, capsys):
    efficiency = run_csv(capsys, gen_dir, "--scheme", "efficiency")
    assert not np.allclose(
        efficiency["composite"], baseline["composite"], equal_nan=True, atol=0.01
    )
    # csat alone: composite = the target-based score of the shrunk csat (floor 3.5,
    # target 4.5, stretch 4.9 → up to 120, then the composite is capped at 100), for agents
    # with at least 5 surveys (the minimum sample); others have nothing measurable
    only_csat = run_csv(capsys, gen_dir, "--weights", "csat=1")
    shrunk = only_csat["csat_shrunk"].to_numpy(float)
    by_hand = np.clip(100 * (shrunk - 3.5) / 1.0, 0, 100) + np.clip(
        20 * (shrunk - 4.5) / 0.4, 0, 20
    )
    by_hand = np.minimum(by_hand, 100)
    measured = only_csat["composite"].notna()
    assert measured.sum() > 40
    # the composite is printed with one decimal: within half a tenth of the exact value
    np.testing.assert_allclose(
        only_csat.loc[measured, "composite"], by_hand[measured], atol=0.05 + 1e-9
    )
    # weights replace the scheme's: doubling every weight changes nothing
    doubled = run_csv(capsys, gen_dir, "--weights", "csat=2")
    np.testing.assert_allclose(doubled["composite"], only_csat["composite"], equal_nan=True)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--weights", "csat=1,speedy=2"], "unknown KPI 'speedy'"),
        (["--weights", "csat=abc"], "bad weight"),
        (["--weights", "csat=-1"], "non-negative"),
        (["--team", "T9"], "unknown team T9"),
        (["--channel", "fax"], "unknown channel fax"),
        (["--from", "2026-02-30"], "bad date '2026-02-30'"),
        (["--to", "03/01/2026"], "bad date"),
        (["--from", "2026-03-10", "--to", "2026-03-01"], "before"),
        (["--scheme", "nope"], "unknown weight scheme 'nope'"),
    ],
)
def test_errors_print_one_line_and_exit_2(small_dir, capsys, args, words):
    code, out, err = run(capsys, small_dir, *args)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert words in lines[0]


def test_missing_dataset_exits_2(tmp_path, capsys):
    code, out, err = run(capsys, tmp_path / "absent")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1


def test_small_dataset_output(small_dir, capsys):
    # 6 tickets (A1: t1 t3 t5, A2: t0 t2 t4), all resolved: both agents below 20 tickets →
    # insufficient_data; columns only for the KPIs the small dataset supports
    table = run_csv(capsys, small_dir)
    assert table["agent_id"].tolist() == ["A1", "A2"]
    assert table["tickets"].tolist() == [3, 3]
    assert table["grade"].tolist() == ["insufficient_data"] * 2
    assert table["resolution_rate"].tolist() == [1.0, 1.0]
    assert table["csat"].tolist()[0] == 5 and math.isnan(table["csat"].tolist()[1])
    assert "fcr" not in table.columns and "handle_minutes" not in table.columns
    assert list(table.columns[: len(BASE)]) == BASE


def test_a_period_without_tickets_lists_every_agent_with_zero_tickets(tmp_path, capsys):
    # docs/SCORE_OUTPUT.md: agents with no ticket in the period are included
    root = write_dataset(
        tmp_path, agents=[agent("A1", "T1"), agent("A2", "T2")], tickets=[ticket("K1", "A1")]
    )
    table = run_csv(capsys, root, "--from", "2030-01-01", "--to", "2030-01-31")
    assert table["agent_id"].tolist() == ["A1", "A2"]
    assert table["tickets"].tolist() == [0, 0]
    assert table["grade"].tolist() == ["insufficient_data"] * 2


def test_the_score_uses_the_target_set_saved_for_the_dataset(tmp_path, monkeypatch, capsys):
    from scoring.data import catalog
    from scoring.stores.targets import TargetSet, TargetStore

    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    # two agents, each with 24 of 30 tickets resolved: 0.8, and so is the shrunk value
    rows = [
        ticket(f"{a}{i}", a, i, **({"resolved_at": 60} if i % 5 else {}))
        for a in ("A1", "A2")
        for i in range(30)
    ]
    agents = [agent("A1", "T1"), agent("A2", "T1")]
    root = write_dataset(tmp_path / "data", agents=agents, tickets=rows)
    weights = ("--weights", "resolution_rate=1")
    before = run_csv(capsys, root, *weights)
    assert before["resolution_rate"].tolist() == [0.8, 0.8]
    entry = catalog.default_entry(catalog.list_datasets(tmp_path / "state", root), root)
    store = TargetStore(catalog.state_folder(tmp_path / "state", entry))
    store.save(TargetSet({"resolution_rate": (0.6, 1.0, None)}, author="Li"))
    after = run_csv(capsys, root, *weights)
    # 0.8 on the line floor 0.6 → target 1.0: (0.8 − 0.6) / (1.0 − 0.6) × 100 = 50
    assert after["composite"].tolist() == [50.0, 50.0]
    assert before["composite"].tolist() != [50.0, 50.0]  # the built-in targets differ
