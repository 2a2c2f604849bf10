"""`python -m scoring objectives DIR [--from D] [--to D] [--as-of D] [--pace P] --format
csv|json`: each objective's attainment on standard output.

The objectives are the dataset's `objectives` table with the edits saved in the dashboard
(the dataset's state folder under the state_dir setting); those whose period overlaps
--from … --to are tracked up to the as-of day (default: the data's last day). One row per
objective: `owner_type, owner_id, team, kpi, period_start, period_end, target, weight,
actual, cases, attainment, elapsed, forecast, forecast_low, forecast_high, status`
(docs/METHODS.md, "Objectives"; the status a code of on_track, at_risk, attained, missed,
upcoming, no_data). Unreadable saved versions are named on standard error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from scoring.analyses.objectives import attainment_table
from scoring.cli.usage import UsageError
from scoring.data import catalog
from scoring.data.dataset import open_dataset
from scoring.measures.metrics import data_range
from scoring.methods.attainment import PACES
from scoring.settings import setting
from scoring.stores.objectives import ObjectiveStore, in_force, to_frame

OUTPUT = ("owner_type", "owner_id", "team", "kpi", "period_start", "period_end", "target",
          "weight", "actual", "cases", "attainment", "elapsed", "forecast", "forecast_low",
          "forecast_high", "status")  # fmt: skip


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _store(folder: str) -> ObjectiveStore:
    state_dir = setting("state_dir")
    entry = catalog.default_entry(catalog.list_datasets(state_dir, folder), folder)
    return ObjectiveStore(catalog.state_folder(state_dir, entry))


def _run(args: argparse.Namespace) -> int:
    if args.start and args.end and args.end < args.start:
        raise UsageError(f"--to {args.end} is before --from {args.start}")
    ds = open_dataset(args.dir)
    store = _store(args.dir)
    frame = to_frame(in_force(ds, store))
    for skipped in store.skipped:
        print(f"warning: saved objectives not read: {skipped}", file=sys.stderr)
    if args.start:
        frame = frame[frame["period_end"] >= args.start]
    if args.end:
        frame = frame[frame["period_start"] <= args.end]
    as_of = args.as_of or data_range(ds)[1] or date.today()
    table = attainment_table(ds, frame, as_of, args.pace, int(setting("repeat_window_days")))
    table = table[list(OUTPUT)].astype({"period_start": str, "period_end": str})
    if args.format == "json":
        sys.stdout.write(table.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        table.to_csv(sys.stdout, index=False)
    return 0


def add_objectives_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "objectives", help="track each objective: actual, attainment, forecast and status"
    )
    parser.add_argument("dir", help="dataset folder")
    parser.add_argument(
        "--from", dest="start", type=_day, help="objectives whose period ends on or after"
    )
    parser.add_argument(
        "--to", dest="end", type=_day, help="objectives whose period starts on or before"
    )
    parser.add_argument(
        "--as-of", type=_day, help="track up to this day (default: the data's last day)"
    )
    parser.add_argument(
        "--pace",
        choices=PACES,
        default="seasonal",
        help="the share of a running period passed: of its days (linear) or of the volume "
        "its weekdays brought before (seasonal)",
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.set_defaults(func=_run)
