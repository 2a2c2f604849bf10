"""Tests of the synthetic dataset generator.

The planted facts are checked independently of the generator's code: the tests read the written
Parquet files back and compute every statistic themselves (DuckDB and pandas), with the manifest
`truth.json` saying only what should be found.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

import scoring.synthetic.generate as generator
from scoring.registry.contract import ARROW_TYPE, STAGE_INTERVALS, TABLES
from scoring.synthetic.generate import add_generate_parser, generate

SIZE = 40_000
SEED = 7
PARTITIONED = {"tickets": "created_at", "surveys": "submitted_at"}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(out, tickets=SIZE, seed=SEED)
    return out


@pytest.fixture(scope="module")
def truth(dataset) -> dict:
    return json.loads((dataset / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def db(dataset) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in TABLES:
        if table.name in PARTITIONED:
            source = f"read_parquet('{dataset}/{table.name}/*/*.parquet', hive_partitioning=true)"
        else:
            source = f"read_parquet('{dataset}/{table.name}.parquet')"
        con.execute(f"CREATE VIEW {table.name} AS SELECT * FROM {source}")
    con.execute(
        "CREATE VIEW t AS SELECT tickets.*, agents.team FROM tickets JOIN agents USING (agent_id)"
    )
    return con


def frame(db: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return db.execute(sql).df()


def read_dataset(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table of a dataset, rows in a stable order."""
    tables = {}
    for table in TABLES:
        path = (
            folder / table.name if table.name in PARTITIONED else folder / f"{table.name}.parquet"
        )
        df = pq.read_table(path).to_pandas()
        key = table.key or list(df.columns)
        tables[table.name] = df.sort_values(key, ignore_index=True)
    return tables


# --- layout and contract ---------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_contract_table_is_written_with_contract_names_and_types(dataset, table):
    if table.name in PARTITIONED:
        files = sorted((dataset / table.name).glob("month=*/part-*.parquet"))
        assert len(files) >= 12
    else:
        files = [dataset / f"{table.name}.parquet"]
    for file in files:
        schema = pq.read_schema(file)
        assert schema.names == [c.name for c in table.columns], file
        for column in table.columns:
            assert schema.field(column.name).type == ARROW_TYPE[column.type], column.name
        assert pq.ParquetFile(file).metadata.num_rows > 0


@pytest.mark.parametrize(("table", "stamp"), PARTITIONED.items())
def test_partitions_hold_the_rows_of_their_month(db, table, stamp):
    misplaced = db.execute(
        f"SELECT count(*) FROM {table} WHERE strftime({stamp}, '%Y-%m') <> month"
    ).fetchone()[0]
    assert misplaced == 0


def test_ids_are_unique_and_references_resolve(db):
    assert db.execute("SELECT count(*) - count(DISTINCT ticket_id) FROM tickets").fetchone()[0] == 0
    assert db.execute("SELECT count(*) - count(DISTINCT survey_id) FROM surveys").fetchone()[0] == 0
    orphans = db.execute(
        "SELECT (SELECT count(*) FROM surveys ANTI JOIN tickets USING (ticket_id))"
        " + (SELECT count(*) FROM tickets ANTI JOIN agents USING (agent_id))"
    ).fetchone()[0]
    assert orphans == 0


def test_ticket_count_matches_the_request_and_the_manifest(db, truth):
    rows = {t.name: db.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0] for t in TABLES}
    assert rows == truth["counts"]
    assert rows["tickets"] == SIZE


def test_stage_timestamps_never_run_backwards(db):
    order = [start for _, start, _ in STAGE_INTERVALS] + [STAGE_INTERVALS[-1][2]]
    pairs = list(zip(order, order[1:], strict=False)) + [("created_at", "first_response_at")]
    for earlier, later in pairs:
        backwards = db.execute(f"SELECT count(*) FROM tickets WHERE {later} < {earlier}").fetchone()
        assert backwards[0] == 0, (earlier, later)
    skipped = db.execute(
        "SELECT count(*) FROM tickets WHERE (resolved_at IS NULL AND followed_up_at IS NOT NULL)"
        " OR (work_started_at IS NULL AND resolved_at IS NOT NULL)"
    ).fetchone()[0]
    assert skipped == 0


def test_about_eight_percent_unresolved_and_more_at_the_end(db, truth):
    end = truth["period"]["end"]
    overall, last_weeks = db.execute(
        f"SELECT avg((resolved_at IS NULL)::INT), "
        f"avg((resolved_at IS NULL)::INT) FILTER (created_at >= DATE '{end}' - INTERVAL 14 DAY) "
        "FROM tickets"
    ).fetchone()
    assert 0.05 <= overall <= 0.11
    assert last_weeks > 1.5 * overall


def test_plausible_rates(db):
    fcr, reopened, escalated, complaint, parts_repair, parts_consult = db.execute(
        "SELECT avg((contacts = 1)::INT), avg(reopened::INT), avg(escalated::INT), "
        "avg(is_complaint::INT), avg((parts_cost > 0)::INT) FILTER (category = 'repair'), "
        "avg((parts_cost > 0)::INT) FILTER (category = 'consultation') FROM tickets"
    ).fetchone()
    assert 0.6 < fcr < 0.85
    assert 0.02 < reopened < 0.12
    assert 0.02 < escalated < 0.12
    assert 0.08 < complaint < 0.2
    assert parts_repair > 0.6 > 0.2 > parts_consult
    assert db.execute("SELECT min(contacts) FROM tickets").fetchone()[0] == 1
    all_complaints = db.execute(
        "SELECT bool_and(is_complaint) FROM tickets WHERE category = 'complaint'"
    ).fetchone()[0]
    assert all_complaints


def test_survey_scores_in_range_and_dimensions_correlate(db):
    s = frame(db, "SELECT csat, attitude, quality, speed, nps FROM surveys")
    assert s[["csat", "attitude", "quality", "speed"]].isin(range(1, 6)).all().all()
    assert s["nps"].between(0, 10).all()
    assert 3.6 < s["csat"].mean() < 4.4
    for dimension in ("attitude", "quality", "speed", "nps"):
        assert s["csat"].corr(s[dimension]) > 0.3, dimension


def test_surveys_cover_about_a_third_of_resolved_tickets(db):
    share = db.execute(
        "SELECT (SELECT count(*) FROM surveys) / count(*) FROM tickets "
        "WHERE resolved_at IS NOT NULL"
    ).fetchone()[0]
    assert 0.28 < share < 0.38


def test_most_agents_get_15_to_25_surveys_a_month_at_this_size(db):
    per_month = frame(
        db,
        "SELECT agent_id, count(*) / 12.0 AS n FROM surveys JOIN tickets USING (ticket_id) "
        "GROUP BY agent_id",
    )["n"]
    assert per_month.between(15, 25).mean() > 0.75


# --- planted facts ---------------------------------------------------------------------------


def test_manifest_documents_every_planted_fact(truth):
    expected = {
        "params",
        "bottleneck",
        "weak_skills",
        "weak_channels",
        "few_surveys_agents",
        "segments",
        "repeat",
        "seasonality",
        "policy_change",
        "training_effects",
        "self_overraters",
        "kano",
    }
    assert expected <= set(truth)
    assert truth["params"] == {
        "tickets": SIZE,
        "agents": 60,
        "teams": 6,
        "months": 12,
        "start": "2025-12-01",
        "seed": SEED,
    }
    assert truth["bottleneck"]["stage"] in [stage for stage, _, _ in STAGE_INTERVALS]
    policy = truth["policy_change"]
    assert len({truth["bottleneck"]["team"], policy["team"], policy["control_team"]}) == 3
    assert policy["kpi"] == "first_response_minutes"


def stage_medians(db: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Median hours each team's tickets spend in each stage (team x stage)."""
    medians = ", ".join(
        f"median(epoch({end} - {start}) / 3600) AS {stage}" for stage, start, end in STAGE_INTERVALS
    )
    return frame(db, f"SELECT team, {medians} FROM t GROUP BY team").set_index("team")


def test_bottleneck_team_is_slowest_in_its_stage_and_that_is_its_worst_stage(db, truth):
    medians = stage_medians(db)
    team, stage = truth["bottleneck"]["team"], truth["bottleneck"]["stage"]
    assert medians[stage].idxmax() == team
    excess = medians.loc[team] / medians.drop(index=team).median()
    assert excess.idxmax() == stage
    assert excess[stage] > 2.0


def test_weak_skills_show_as_the_agents_lowest_fcr_or_csat_category(db, truth):
    """Each category is compared with peers in it, so category base rates do not mask the gap."""
    by_category = frame(
        db,
        "SELECT agent_id, category, count(*) AS n, avg((contacts = 1)::INT) AS fcr, "
        "avg(csat) AS csat FROM tickets LEFT JOIN surveys USING (ticket_id) "
        "GROUP BY agent_id, category",
    )
    relative = relative_to_peers(by_category, "category")
    for weak in truth["weak_skills"]:
        mine = relative[relative["agent_id"] == weak["agent_id"]].set_index("category")
        assert mine.loc[weak["category"], "n"] >= 60
        lowest = {mine["fcr"].idxmin(), mine["csat"].idxmin()}
        assert weak["category"] in lowest, (weak, mine)
        others = mine.drop(index=weak["category"])
        assert mine.loc[weak["category"], "fcr"] < others["fcr"].median() - 0.1, (weak, mine)


def test_weak_channels_show_as_the_agents_lowest_fcr_channel(db, truth):
    by_channel = frame(
        db,
        "SELECT agent_id, channel, count(*) AS n, avg((contacts = 1)::INT) AS fcr "
        "FROM tickets GROUP BY agent_id, channel HAVING count(*) >= 30",
    )
    relative = relative_to_peers(by_channel, "channel")
    for weak in truth["weak_channels"]:
        mine = relative[relative["agent_id"] == weak["agent_id"]].set_index("channel")
        assert mine["fcr"].idxmin() == weak["channel"], (weak, mine)


def relative_to_peers(stats: pd.DataFrame, by: str) -> pd.DataFrame:
    """Each agent's fcr/csat minus the mean of all agents for the same `by` value."""
    out = stats.copy()
    for kpi in ("fcr", "csat"):
        if kpi in out:
            out[kpi] = out[kpi] - out.groupby(by)[kpi].transform("mean")
    return out


def test_policy_team_responds_faster_after_the_date_and_control_team_does_not(db, truth):
    policy = truth["policy_change"]
    medians = frame(
        db,
        "SELECT team, created_at >= DATE '{date}' AS after, "
        "median(epoch(first_response_at - created_at) / 60) AS minutes FROM t "
        "WHERE team IN ('{team}', '{control_team}') GROUP BY ALL".format(**policy),
    ).pivot(index="team", columns="after", values="minutes")
    change = medians[True] / medians[False] - 1
    assert change[policy["team"]] <= -0.25
    assert abs(change[policy["control_team"]]) < 0.10


def test_trained_agents_resolve_more_at_first_contact_after_their_course(db, truth):
    assert truth["training_effects"]
    for course in truth["training_effects"]:
        before, after = db.execute(
            "SELECT avg((contacts = 1)::INT) FILTER (created_at < DATE '{completed_on}'), "
            "avg((contacts = 1)::INT) FILTER (created_at >= DATE '{completed_on}') "
            "FROM tickets WHERE agent_id = '{agent_id}' AND category = '{skill}'".format(**course)
        ).fetchone()
        assert after > before + 0.05, course
    courses = frame(db, "SELECT DISTINCT course FROM training")["course"]
    planted = {c["course"] for c in truth["training_effects"]}
    assert len(set(courses) - planted) >= 3


def test_training_records_exist_for_the_planted_courses(db, truth):
    for course in truth["training_effects"]:
        found = db.execute(
            "SELECT count(*) FROM training WHERE agent_id = ? AND skill = ? AND course = ? "
            "AND completed_on = ?::DATE",
            [course["agent_id"], course["skill"], course["course"], course["completed_on"]],
        ).fetchone()[0]
        assert found == 1


def test_only_self_overraters_rate_themselves_a_point_above_others(db, truth):
    gap = frame(
        db,
        "SELECT reviewee_id, avg(score) FILTER (reviewer_role = 'self') "
        "- avg(score) FILTER (reviewer_role <> 'self') AS gap FROM feedback_360 "
        "GROUP BY reviewee_id",
    ).set_index("reviewee_id")["gap"]
    overraters = truth["self_overraters"]
    assert overraters
    assert (gap[overraters] >= 1.0).all()
    assert (gap.drop(index=overraters) < 1.0).all()


def test_feedback_360_has_all_roles_and_competencies(db):
    roles = set(frame(db, "SELECT DISTINCT reviewer_role FROM feedback_360")["reviewer_role"])
    assert roles == {"self", "supervisor", "peer", "subordinate", "customer"}
    competencies = set(frame(db, "SELECT DISTINCT competency FROM feedback_360")["competency"])
    assert competencies == {"teamwork", "communication", "technical", "attitude"}
    assert db.execute("SELECT min(score) >= 1 AND max(score) <= 5 FROM feedback_360").fetchone()[0]


def kano_category(functional: int, dysfunctional: int) -> str:
    """The evaluation table: 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike."""
    middle = range(2, 5)
    if functional == 1 and dysfunctional == 5:
        return "O"
    if functional == 1 and dysfunctional in middle:
        return "A"
    if functional in middle and dysfunctional == 5:
        return "M"
    if functional in middle and dysfunctional in middle:
        return "I"
    return "other"


def test_kano_majority_category_per_factor_is_the_planted_one(db, truth):
    answers = frame(db, "SELECT factor, functional, dysfunctional FROM kano_responses")
    answers["category"] = [
        kano_category(f, d)
        for f, d in zip(answers["functional"], answers["dysfunctional"], strict=True)
    ]
    majority = answers.groupby("factor")["category"].agg(lambda c: c.value_counts().idxmax())
    assert majority.to_dict() == truth["kano"]
    assert answers.groupby("factor").size().min() >= 150
    assert set(truth["kano"].values()) == {"M", "O", "A"}


def test_repeats_follow_failed_fixes(db, truth):
    window = pd.Timedelta(days=truth["repeat"]["window_days"])
    tickets = frame(
        db, "SELECT customer_id, category, created_at, resolved_at, contacts, reopened FROM tickets"
    )
    resolved = tickets.dropna(subset=["resolved_at"])
    resolved = resolved[resolved["resolved_at"] < pd.Timestamp(truth["period"]["end"]) - window]
    later = tickets[["customer_id", "category", "created_at"]].rename(
        columns={"created_at": "next_created_at"}
    )
    matched = pd.merge_asof(
        resolved.sort_values("resolved_at"),
        later.sort_values("next_created_at"),
        left_on="resolved_at",
        right_on="next_created_at",
        by=["customer_id", "category"],
        direction="forward",
        allow_exact_matches=False,
    )
    matched["repeat"] = matched["next_created_at"] - matched["resolved_at"] <= window
    failed = (matched["contacts"] > 1) | matched["reopened"]
    after_fail, after_fix = (
        matched.loc[failed, "repeat"].mean(),
        matched.loc[~failed, "repeat"].mean(),
    )
    assert after_fail > 1.5 * after_fix
    assert tickets.groupby("customer_id").size().max() >= 50  # heavy customers recur


def test_few_surveys_agents_have_at_most_eight_surveys_and_were_hired_late(db, truth):
    few = truth["few_surveys_agents"]
    assert len(few) >= 3
    counts = frame(
        db,
        "SELECT agent_id, count(survey_id) AS n FROM agents "
        "LEFT JOIN tickets USING (agent_id) LEFT JOIN surveys USING (ticket_id) GROUP BY agent_id",
    ).set_index("agent_id")["n"]
    assert (counts[few] <= 8).all()
    assert (counts.drop(index=few) > 8).all()
    hired = frame(db, "SELECT agent_id, hire_date FROM agents").set_index("agent_id")["hire_date"]
    assert (
        pd.to_datetime(hired[few]) > pd.Timestamp(truth["period"]["end"]) - pd.Timedelta(days=60)
    ).all()


def test_seasonality_peak_month_weekday_and_hour(db, truth):
    season = truth["seasonality"]
    by_month = frame(db, "SELECT month, count(*) AS n FROM tickets GROUP BY month")
    assert by_month.set_index("month")["n"].idxmax() == season["peak_month"]
    by_weekday = frame(
        db, "SELECT isodow(created_at) - 1 AS d, count(*) AS n FROM tickets GROUP BY d"
    )
    counts = by_weekday.set_index("d")["n"]
    assert counts.idxmax() == season["busiest_weekday"]
    assert counts[[5, 6]].max() < counts[[0, 1, 2, 3, 4]].min()
    by_hour = frame(db, "SELECT hour(created_at) AS h, count(*) AS n FROM tickets GROUP BY h")
    assert by_hour.set_index("h")["n"].idxmax() == season["peak_hour"]


def test_enterprise_customers_are_fewer_busier_stricter_and_harder_to_please(db, truth):
    seg = frame(
        db,
        "SELECT customer_segment, count(DISTINCT customer_id) AS customers, "
        "count(*) / count(DISTINCT customer_id) AS per_customer, "
        "avg(sla_response_minutes) AS sla, avg(csat) AS csat "
        "FROM tickets LEFT JOIN surveys USING (ticket_id) GROUP BY customer_segment",
    ).set_index("customer_segment")
    ent, ind = seg.loc["enterprise"], seg.loc["individual"]
    assert ent["customers"] < ind["customers"] / 10
    assert ent["per_customer"] > 5 * ind["per_customer"]
    assert ent["sla"] < ind["sla"]
    assert ent["csat"] < ind["csat"]
    planted = truth["segments"]
    assert (
        planted["enterprise"]["sla_response_minutes"]
        < planted["individual"]["sla_response_minutes"]
    )
    assert planted["enterprise"]["csat_offset"] < planted["individual"]["csat_offset"]


def test_small_tables_are_plausible(db, truth):
    agents = frame(db, "SELECT * FROM agents")
    assert agents["agent_id"].str.fullmatch(r"A\d{3}").all()
    assert agents["team"].nunique() == 6
    assert agents["left_date"].notna().sum() >= 2
    objectives = frame(db, "SELECT DISTINCT owner_type, kpi FROM objectives")
    assert set(objectives["kpi"]) == {"csat", "fcr", "first_response_median", "csat_satisfied",
                                      "resolution_rate"}  # fmt: skip
    assert set(objectives["owner_type"]) == {"agent", "team", "department"}
    score_range = db.execute("SELECT min(score), max(score) FROM employee_survey").fetchone()
    assert 1 <= score_range[0] <= score_range[1] <= 5


# --- determinism, chunking, CLI ----------------------------------------------------------------


def test_same_seed_gives_identical_tables_and_another_seed_differs(tmp_path):
    first = generate(tmp_path / "a", tickets=3000, seed=11)
    second = generate(tmp_path / "b", tickets=3000, seed=11)
    other = generate(tmp_path / "c", tickets=3000, seed=12)
    assert first == second
    a, b, c = (read_dataset(tmp_path / name) for name in "abc")
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table])
    assert not a["tickets"].equals(c["tickets"])
    assert (
        first["weak_skills"] != other["weak_skills"] or first["bottleneck"] != other["bottleneck"]
    )


def test_chunked_writing_splits_parts_without_changing_the_data(tmp_path, monkeypatch):
    generate(tmp_path / "whole", tickets=3000, seed=5)
    calls = []
    monkeypatch.setattr(generator, "CHUNK_ROWS", 100)
    generate(tmp_path / "chunked", tickets=3000, seed=5, progress=lambda *a: calls.append(a))
    parts = list((tmp_path / "chunked" / "tickets").glob("month=*/part-*.parquet"))
    assert len(parts) >= 30
    assert all(pq.ParquetFile(p).metadata.num_rows <= 100 for p in parts)
    whole, chunked = read_dataset(tmp_path / "whole"), read_dataset(tmp_path / "chunked")
    for table in whole:
        pd.testing.assert_frame_equal(whole[table], chunked[table])
    done = [d for d, _ in calls]
    assert done == sorted(done) and calls[-1] == (3000, 3000)


def test_rerun_into_the_same_folder_leaves_no_stale_parts(tmp_path):
    generate(tmp_path, tickets=6000, seed=1, months=4)
    manifest = generate(tmp_path, tickets=2000, seed=1, months=2)
    months = {p.name for p in (tmp_path / "tickets").iterdir()}
    assert months == {"month=2025-12", "month=2026-01"}
    assert pq.read_table(tmp_path / "tickets").num_rows == manifest["counts"]["tickets"] == 2000


def test_refuses_to_overwrite_tables_it_did_not_write(tmp_path):
    (tmp_path / "tickets").mkdir()
    (tmp_path / "tickets" / "real.parquet").write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        generate(tmp_path, tickets=1000)
    assert (tmp_path / "tickets" / "real.parquet").read_bytes() == b"precious"


def test_cli_subcommand_writes_a_dataset_and_reports_progress(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="scoring")
    add_generate_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["generate", "--out", str(tmp_path), "--tickets", "2000", "--seed", "3"]
    )
    assert args.func(args) == 0
    assert json.loads((tmp_path / "truth.json").read_text())["params"]["seed"] == 3
    assert "2,000" in capsys.readouterr().err


@pytest.mark.parametrize(
    "bad", [{"start": "2025-12-15"}, {"months": 1}, {"teams": 3}, {"agents": 12}, {"tickets": 0}]
)
def test_invalid_parameters_are_refused(tmp_path, bad):
    with pytest.raises(ValueError):
        generate(tmp_path, **{"tickets": 1000, **bad})
