"""The pre-aggregated KPI tables written by Spark (`python -m scoring build DIR --engine
spark --master URL`): the same cells as `scoring.measures.cube` — the same key sets, part
columns, file names, fingerprint and `INFO` — so that `cube.attach` finds them and the
dashboard reads them with DuckDB as it reads its own.

What Spark does: from the accepted rows of the dataset's build (its Parquet files; the
rules that accept them still run on DuckDB, `scoring.data.dataset`), it finds each
ticket's next ticket on the same issue again (`next_same_issue`), derives the ticket
columns (`ticket_base`, the Spark SQL of `Query.ticket_base`) and sums every cell table.
The KPI parts are the declarations' own SQL (`cube.cell_parts`): the session reads
double-quoted names as identifiers (`scoring.data.sql.ident`) and runs in ANSI mode.

Each table is gathered into one Parquet file (`cells_<i>.parquet`, as DuckDB reads it): a
cell table is small beside the tickets (1M cells at 10M tickets), and every path must be
one the driver and the executors share (a local folder in local mode, a shared or mounted
store on a cluster).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from functools import reduce

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.data.sql import ident
from scoring.measures import cube
from scoring.registry.kpis import KPI
from scoring.scope import for_statistics

SETTINGS = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.ansi.doubleQuotedIdentifiers": "true",  # "name" as DuckDB reads it
    "spark.sql.session.timeZone": "UTC",  # the datasets' times are UTC (`Dataset`)
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}


def session(master: str, partitions: int | None = None) -> SparkSession:
    """A Spark session on `master` (`local[2]`, `spark://host:7077`, `yarn`, ...) set up
    for the cube's SQL; `partitions`: shuffle partitions (Spark's default 200 is for big
    data; a small local build wants a few)."""
    builder = SparkSession.builder.master(master).appName("service-performance-build")
    for key, value in SETTINGS.items():
        builder = builder.config(key, value)
    if partitions is not None:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    return builder.getOrCreate()


@for_statistics  # every accepted ticket, for the cells: none is shown
def next_same_issue(tickets: DataFrame, keys: Sequence[str]) -> DataFrame:
    """ticket_id, `next_same_issue_at` of every resolved ticket a later one repeats: the
    creation time of the first ticket of the same customer and `keys` (a missing key value
    matching a missing one) created after it was resolved — `build.same_issue_join`.

    Spark has no ASOF join: each issue's creations and resolutions are one time line, read
    from the latest back, and a resolution takes the earliest creation seen so far (a
    creation at the very time of the resolution comes after it on the line: not later)."""
    issue = [F.col("customer_id"), *(F.coalesce(F.col(c), F.lit("")).alias(c) for c in keys)]
    rows = tickets.where(F.col("customer_id").isNotNull())
    created = rows.select(
        *issue,
        F.col("created_at").alias("time"),
        F.lit(0).alias("resolution"),
        F.col("created_at").alias("created"),
        F.lit(None).cast("string").alias("ticket_id"),
    )
    resolved = rows.where(F.col("resolved_at").isNotNull()).select(
        *issue,
        F.col("resolved_at").alias("time"),
        F.lit(1).alias("resolution"),
        F.lit(None).cast("timestamp_ntz").alias("created"),
        "ticket_id",
    )
    line = Window.partitionBy("customer_id", *keys).orderBy(
        F.col("time").desc(), F.col("resolution").desc()
    )
    found = F.min("created").over(line.rowsBetween(Window.unboundedPreceding, 0))
    return (
        created.unionByName(resolved)
        .withColumn(build.NEXT_SAME_ISSUE, found)
        .where((F.col("resolution") == 1) & F.col(build.NEXT_SAME_ISSUE).isNotNull())
        .select("ticket_id", build.NEXT_SAME_ISSUE)
    )


def _seconds(start: str, end: str) -> str:
    """Spark SQL: whole seconds from `start` to `end` as DuckDB's date_diff('second')
    counts them (the seconds' boundaries between them)."""
    return f"(unix_seconds(CAST({end} AS TIMESTAMP)) - unix_seconds(CAST({start} AS TIMESTAMP)))"


def _met_in_time(done: str, limit: str, seconds: int) -> str:
    """Spark SQL of `query._met_in_time` (the as-of time the parameter `:as_of`)."""
    bound = f"t.{limit} * {seconds}"
    return (
        f"CASE WHEN t.{limit} IS NULL THEN NULL "
        f"WHEN t.{done} IS NOT NULL THEN {_seconds('t.created_at', 't.' + done)} <= {bound} "
        f"WHEN {_seconds('t.created_at', 'as_of')} > {bound} THEN false END"
    )


# The Spark SQL of `Query.ticket_base` without a filter (the cells are of every ticket),
# column for column: over view `tickets` (with `next_same_issue_at`) and `agents`, the
# as-of time `:as_of` and the repeat window `:repeat_seconds`. DuckDB's isodow (Monday 1)
# is Spark's weekday (Monday 0) + 1; date_trunc returns Spark's zoned timestamp, cast back
# to the files' timestamp without zone.
TICKET_BASE = f"""
SELECT t.*, a.team,
    CAST(date_trunc('MONTH', t.created_at) AS TIMESTAMP_NTZ) AS month,
    CAST(date_trunc('QUARTER', t.created_at) AS TIMESTAMP_NTZ) AS quarter,
    CAST(date_trunc('WEEK', t.created_at) AS TIMESTAMP_NTZ) AS week,
    weekday(t.created_at) + 1 AS weekday,
    hour(t.created_at) AS hour,
    CAST({_seconds("t.created_at", "t.first_response_at")} AS DOUBLE) / 60 AS frt_minutes,
    {_met_in_time("first_response_at", "sla_response_minutes", 60)} AS sla_response_met,
    {_met_in_time("resolved_at", "sla_resolve_hours", 3600)} AS sla_resolution_met,
    CASE
        WHEN t.resolved_at IS NULL OR t.customer_id IS NULL THEN NULL
        WHEN {_seconds("t.resolved_at", "as_of")} < :repeat_seconds THEN NULL
        ELSE coalesce(
            {_seconds("t.resolved_at", "t." + build.NEXT_SAME_ISSUE)} <= :repeat_seconds, false)
    END AS is_repeat_source
FROM tickets t
JOIN agents a USING (agent_id)
CROSS JOIN (SELECT CAST(:as_of AS TIMESTAMP_NTZ) AS as_of)
"""


@for_statistics  # the population's tickets, summed into cells
def ticket_base(spark: SparkSession, ds: Dataset, repeat_days: int) -> DataFrame:
    """The built tickets with `next_same_issue_at` found on Spark and the derived columns of
    `Query.ticket_base` (`TICKET_BASE`)."""
    tickets = _read(spark, ds, "tickets").drop(build.NEXT_SAME_ISSUE)
    found = next_same_issue(tickets, ds.built or ())
    tickets.join(found, "ticket_id", "left").createOrReplaceTempView("tickets")
    _read(spark, ds, "agents").createOrReplaceTempView("agents")
    args = {"as_of": ds.as_of.isoformat(sep=" "), "repeat_seconds": repeat_days * 86400}
    return spark.sql(TICKET_BASE, args=args)


def _read(spark: SparkSession, ds: Dataset, table: str) -> DataFrame:
    return spark.read.parquet(str(ds.build_folder / f"{table}.parquet"))


def _grain_rows(spark: SparkSession, ds: Dataset, tickets: DataFrame) -> dict[str, DataFrame]:
    """Grain → its rows: the tickets and, where the dataset has surveys, one row per survey
    with its ticket's columns (`Query.survey_rows`)."""
    rows = {"ticket": tickets}
    if ds.has("surveys"):
        surveys = _read(spark, ds, "surveys")
        shared = [c for c in tickets.columns if c in surveys.columns and c != "ticket_id"]
        rows["survey"] = surveys.join(tickets.drop(*shared), "ticket_id")
    return rows


def _finest_cells(
    spark: SparkSession, rows: dict[str, DataFrame], keys: tuple[str, ...], kpis: Sequence[KPI]
) -> DataFrame:
    """The cells at `keys` (`cube._cells_sql`): each grain's parts per cell, the grains'
    cells joined by name, every part a DOUBLE (as DuckDB writes the sums)."""
    key_list = ", ".join(ident(c) for c in keys)
    grains = []
    for grain, frame in rows.items():
        frame.createOrReplaceTempView(f"{grain}_rows")
        parts = [f"count(*) AS _rows_{grain}"]
        parts += [part for k in kpis if k.grain == grain for part in cube.cell_parts(k)]
        grains.append(
            spark.sql(
                f"SELECT {key_list}, {', '.join(parts)} FROM {grain}_rows GROUP BY {key_list}"
            )
        )
    union = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), grains)
    union.createOrReplaceTempView("grain_cells")
    columns = [c for grain in rows for c in cube.part_names(kpis, grain)]
    return _doubles(spark.sql(cube.summed("SELECT * FROM grain_cells", keys, columns)), keys)


def _with_day(rows: dict[str, DataFrame]) -> dict[str, DataFrame]:
    """Each grain's rows with `day`, the midnight of their ticket's creation
    (`cube.with_day`)."""
    day = F.date_trunc("DAY", "created_at").cast("timestamp_ntz")
    return {grain: frame.withColumn("day", day) for grain, frame in rows.items()}


def _doubles(cells: DataFrame, keys: tuple[str, ...]) -> DataFrame:
    return cells.select(*keys, *(F.col(c).cast("double") for c in cells.columns if c not in keys))


def write(ds: Dataset, kpis: Sequence[KPI], repeat_days: int, spark: SparkSession) -> cube.Cube:
    """Write the cube of the built dataset `ds` for `kpis` and the repeat window on Spark
    (the finest table from the tickets, the others summed from it), unless a complete one
    is there; `cube.attach` then finds it."""
    planned = cube.planned(ds, kpis, repeat_days)
    if (planned.folder / cube.INFO).is_file():
        return planned
    kept = cube.held(kpis)
    partial = cube.started(planned)
    try:
        rows = _grain_rows(spark, ds, ticket_base(spark, ds, repeat_days))
        finest = planned.key_sets[-1]
        cells = _finest_cells(spark, rows, finest, kept).cache()
        cells.createOrReplaceTempView("finest_cells")
        columns = [c for c in cells.columns if c not in finest]
        tables = cube.Cube(partial, planned.key_sets, repeat_days, planned.kpis)
        for keys in planned.key_sets:
            summed = cube.summed("SELECT * FROM finest_cells", keys, columns)
            _write_one(cells if keys == finest else spark.sql(summed), tables, keys)
        cells.unpersist()
        days = _finest_cells(spark, _with_day(rows), planned.day_keys, kept)
        _write_one(days, tables, planned.day_keys)
        cube.finish(partial, planned)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return planned


def _write_one(table: DataFrame, tables: cube.Cube, keys: tuple[str, ...]) -> None:
    """`table` as the one Parquet file of `tables` at `keys`, sorted as DuckDB sorts it
    (`Cube.order`; Spark writes a folder of parts)."""
    path = tables.path(keys)
    parts = path.with_name(path.name + ".parts")
    table.orderBy(*tables.order(keys)).coalesce(1).write.parquet(str(parts))
    (written,) = parts.glob("part-*.parquet")
    written.rename(path)
    shutil.rmtree(parts)
