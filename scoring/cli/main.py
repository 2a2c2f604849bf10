"""Command line: `python -m scoring {generate,validate,build,score,import,kano,objectives,
effect,report,deliver,period} ...`.

Exit codes: 0 success (warnings included), 2 unusable input or bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from scoring.analyses import reliability_store
from scoring.analyses.capability import kept as capability_kept
from scoring.analyses.effect import design as effect_design
from scoring.cli.effect import add_effect_parser
from scoring.cli.importer import add_import_parser
from scoring.cli.kano import add_kano_parser
from scoring.cli.objectives import add_objectives_parser
from scoring.cli.period import add_period_parser
from scoring.cli.report import add_report_parsers
from scoring.cli.score import add_score_parser
from scoring.cli.usage import UsageError
from scoring.data import build
from scoring.data.dataset import Dataset, DatasetError, open_dataset
from scoring.measures.metrics import attach_cube, available_kpis
from scoring.settings import setting

EXIT_OK = 0
EXIT_UNUSABLE = 2


def _validate(args: argparse.Namespace) -> int:
    try:
        report = open_dataset(args.dir).report
    except DatasetError as exc:
        if exc.report is None:
            print("\n".join(f"ERROR: {p}" for p in exc.problems), file=sys.stderr)
            return EXIT_UNUSABLE
        report = exc.report
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.to_text())
    return EXIT_OK if report.usable else EXIT_UNUSABLE


def _add_validate_parser(subparsers) -> None:
    parser = subparsers.add_parser("validate", help="print the data-quality report of a dataset")
    parser.add_argument("dir", help="dataset folder")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=_validate)


def _build(args: argparse.Namespace) -> int:
    builds = Path(args.builds) if args.builds else build.builds_folder(setting("state_dir"))
    started = time.perf_counter()
    ds = open_dataset(args.dir, builds=builds)
    repeat_days = int(setting("repeat_window_days"))
    if ds.built is not None and args.engine == "spark":
        _spark_cube(ds, repeat_days, args.master)
    if ds.built is None or attach_cube(ds, repeat_days) is None:
        print(f"error: could not write a build under {builds}", file=sys.stderr)
        return EXIT_UNUSABLE
    effect_design.attach_days(ds, repeat_days)
    reliability_store.attach_presets(ds, repeat_days)
    capability_kept.attach_presets(ds, repeat_days)
    seconds = time.perf_counter() - started
    tickets = ds.report.tables["tickets"].accepted
    print(f"{args.dir}: built ({tickets:,} tickets) in {seconds:.1f} s, under {builds}")
    return EXIT_OK


def _spark_cube(ds: Dataset, repeat_days: int, master: str) -> None:
    """Write the dataset's pre-aggregated KPI tables on Spark (`scoring.spark.cube`); the
    rows are validated on DuckDB first (`open_dataset`)."""
    try:
        from scoring.spark import cube as spark_cube
    except ImportError as exc:
        raise UsageError(
            f"--engine spark needs PySpark and Java (pip install -r requirements-spark.txt): {exc}"
        ) from exc
    spark = spark_cube.session(master)
    try:
        spark_cube.write(ds, available_kpis(ds), repeat_days, spark)
    finally:
        spark.stop()


def _add_build_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "build",
        help="validate a dataset once and prepare it for fast reading (the dashboard does "
        "this on first open; an unchanged dataset is not built again)",
    )
    parser.add_argument("dir", help="dataset folder")
    parser.add_argument("--builds", help="folder of builds (default: <state folder>/builds)")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="what computes the pre-aggregated KPI tables: DuckDB on this machine, or Apache "
        "Spark (PySpark and Java; the rows are still validated with DuckDB)",
    )
    parser.add_argument(
        "--master",
        default="local[*]",
        help="with --engine spark: the Spark master (local[2], spark://host:7077, yarn, ...; "
        "the builds folder must be one the driver and the executors share)",
    )
    parser.set_defaults(func=_build)


def build_parser() -> argparse.ArgumentParser:
    from scoring.synthetic.generate import add_generate_parser

    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_generate_parser(subparsers)
    _add_validate_parser(subparsers)
    _add_build_parser(subparsers)
    add_score_parser(subparsers)
    add_import_parser(subparsers)
    add_kano_parser(subparsers)
    add_objectives_parser(subparsers)
    add_effect_parser(subparsers)
    add_report_parsers(subparsers)
    add_period_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, DatasetError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"error: {message}", file=sys.stderr)
        return EXIT_UNUSABLE
