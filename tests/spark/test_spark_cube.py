"""The pre-aggregated KPI tables written by Spark (scoring/spark/cube.py) in local mode.

PySpark and Java missing: skipped, unless SPD_REQUIRE_SPARK=1 (CI), then a failure.

The oracle is the DuckDB build of the same dataset: each ticket's next ticket on the same
issue, every cell table (counts exactly, sums to 1e-9 relative: the same numbers added in
another order by another engine) and the KPI table read from the cells against the one read
from the tickets; the next same issue also on hand-made tickets, worked out by hand.
"""

from __future__ import annotations

import importlib.util
import os
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from scoring.data import build
from scoring.data.dataset import open_dataset
from scoring.measures.metrics import Filters, attach_cube, available_kpis, explain_sql, kpi_table
from scoring.synthetic.generate import generate
from tests.builders import T0, ticket, write_table

pytestmark = pytest.mark.xdist_group("spark")  # one Spark session (a JVM) per worker
REPEAT_DAYS = 30
RTOL = 1e-9


def _require_spark() -> None:
    if importlib.util.find_spec("pyspark") is not None:
        return
    message = "pyspark not importable: the Spark tests need requirements-spark.txt and Java"
    if os.environ.get("SPD_REQUIRE_SPARK") == "1":
        pytest.fail(message + " (SPD_REQUIRE_SPARK=1: they must run here)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def spark():
    _require_spark()
    from scoring.spark import cube as spark_cube

    session = spark_cube.session("local[2]", partitions=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def builds(spark, tmp_path_factory) -> tuple:
    """(the DuckDB build of a small generated dataset with its cube, the same dataset's
    build whose cube Spark wrote, the Spark build's tickets read without the cube)."""
    from scoring.spark import cube as spark_cube

    root = tmp_path_factory.mktemp("spark_data")
    generate(root / "data", tickets=3000, agents=24, teams=4, months=4, seed=11)
    duck = open_dataset(root / "data", builds=root / "duckdb")
    assert attach_cube(duck, REPEAT_DAYS) is not None
    sparked = open_dataset(root / "data", builds=root / "spark")
    written = spark_cube.write(sparked, available_kpis(sparked), REPEAT_DAYS, spark)
    assert attach_cube(sparked, REPEAT_DAYS) == written  # attach found Spark's cube
    return duck, sparked, open_dataset(root / "data", builds=root / "spark")


def test_the_next_same_issue_is_found_as_worked_out_by_hand(spark, tmp_path):
    from scoring.spark.cube import next_same_issue

    rows = [
        ticket("a", "A1", 0, customer_id="C1", resolved_at=60),
        ticket("b", "A1", 60, customer_id="C1", resolved_at=60),  # created as `a` resolved
        ticket("c", "A1", 200, customer_id="C1", resolved_at=100),
        ticket("d", "A1", 250, customer_id="C1", category="installation"),  # another issue
        ticket("e", "A1", 400, customer_id="C1"),
        ticket("f", "A1", 0, customer_id="C2", category=None, resolved_at=10),
        ticket("g", "A1", 20, customer_id="C2", category=None),  # missing matches missing
        ticket("h", "A1", 30, customer_id="C2"),  # repair: not `f`'s missing category
        ticket("i", "A1", 0, customer_id="C3", contact_id="P1", resolved_at=5),
        ticket("j", "A1", 10, customer_id="C3", contact_id="P2"),  # another contact
        ticket("k", "A1", 0, resolved_at=5),  # no customer: never a repeat
        ticket("l", "A1", 10),
    ]
    write_table(tmp_path, "tickets", rows)
    tickets = spark.read.parquet(str(tmp_path / "tickets.parquet"))
    found = next_same_issue(tickets, ("category", "contact_id")).toPandas()
    minutes = {"a": 200, "b": 200, "c": 400, "f": 20}  # `b` resolved at 120, `c` at 300
    expected = {t: T0 + timedelta(minutes=m) for t, m in minutes.items()}
    assert dict(zip(found["ticket_id"], found[build.NEXT_SAME_ISSUE], strict=True)) == expected


def test_the_next_same_issue_is_duckdbs_for_every_ticket(spark, builds):
    from scoring.spark.cube import next_same_issue

    duck, sparked, _ = builds
    tickets = spark.read.parquet(str(sparked.build_folder / "tickets.parquet"))
    found = next_same_issue(tickets.drop(build.NEXT_SAME_ISSUE), sparked.built).toPandas()
    expected = duck.query(
        f"SELECT ticket_id, {build.NEXT_SAME_ISSUE} FROM tickets "
        f"WHERE {build.NEXT_SAME_ISSUE} IS NOT NULL"
    )
    assert len(expected) > 100  # the generated data has repeats
    by_id = expected.merge(found, on="ticket_id", how="outer", suffixes=("_duckdb", "_spark"))
    pd.testing.assert_series_equal(
        by_id[f"{build.NEXT_SAME_ISSUE}_duckdb"],
        by_id[f"{build.NEXT_SAME_ISSUE}_spark"],
        check_names=False,
        check_dtype=False,
    )


def _cells(path: Path, keys: tuple[str, ...]) -> pd.DataFrame:
    table = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").df()
    return table.sort_values(list(keys)).reset_index(drop=True)


def test_every_cell_table_is_duckdbs(builds):
    duck, sparked, _ = builds
    assert sparked.cube.folder.name == duck.cube.folder.name  # the same fingerprint
    assert len(duck.cube.key_sets) == 4
    for keys in [*duck.cube.key_sets, duck.cube.day_keys]:
        expected, got = _cells(duck.cube.path(keys), keys), _cells(sparked.cube.path(keys), keys)
        assert list(got.columns) == list(expected.columns)
        assert dict(got.dtypes) == dict(expected.dtypes)
        counts = [c for c in expected if c.startswith("_rows_") or c.endswith("den")]
        pd.testing.assert_frame_equal(got[[*keys, *counts]], expected[[*keys, *counts]])
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=RTOL, atol=0)


@pytest.mark.parametrize(
    ("chosen", "by"),
    [
        (Filters(), ("agent_id",)),
        (Filters(), ("team", "month")),
        (Filters(start=date(2025, 12, 10), end=date(2026, 2, 20)), ("category",)),  # cut months
        (Filters(start=date(2025, 12, 10), end=date(2026, 2, 20)), ("team",)),  # day cells
        (Filters(channels=("phone", "chat"), segments=("enterprise",)), ("team",)),
    ],
)
def test_the_kpi_table_from_sparks_cells_is_the_tickets(builds, chosen, by):
    _, sparked, tickets = builds
    assert "cube_cells" in explain_sql(sparked, chosen, by)
    assert "cube_cells" not in explain_sql(tickets, chosen, by)
    expected = kpi_table(tickets, chosen, by).sort_values(list(by)).reset_index(drop=True)
    got = kpi_table(sparked, chosen, by).sort_values(list(by)).reset_index(drop=True)
    assert len(expected) > 1
    got = got[expected.columns]
    counts = [c for c in expected if c in ("tickets", "surveys") or c.endswith("__den")]
    pd.testing.assert_frame_equal(got[counts], expected[counts], check_dtype=False)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=RTOL, check_dtype=False)
