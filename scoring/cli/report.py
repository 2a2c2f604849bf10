"""`python -m scoring report agent|department DIR ...`: a printable report to a file (PDF
or HTML by the suffix of --out), and `python -m scoring deliver --schedule FILE`: the
scheduled delivery (scoring/reports/delivery.py). The same code makes the app's downloads.

Exit codes: 0 done; 1 some report could not be sent or written (each is in the delivery
log); 2 unusable input (the dataset, the schedule, an argument).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from scoring.cli.score import parse_date
from scoring.cli.usage import UsageError
from scoring.data.dataset import open_dataset
from scoring.engine import schemes
from scoring.measures.metrics import attach_cube, distinct_values
from scoring.reports import delivery, make
from scoring.reports.pdf import PdfUnavailable
from scoring.scope import Visible
from scoring.settings import setting

EXIT_FAILED = 1
EXIT_UNUSABLE = 2


def _dates(args: argparse.Namespace) -> tuple[date | None, date | None]:
    start = parse_date(args.date_from) if args.date_from else None
    end = parse_date(args.date_to) if args.date_to else None
    if start and end and end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    return start, end


def _report(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in make.FORMATS:
        raise UsageError(f"--out must end in {' or '.join(make.FORMATS)}, got '{out.name}'")
    if args.kind == "agent" and (args.agent is None or args.team):
        raise UsageError("an agent report needs --agent (and no --team)")
    if args.kind == "department" and args.agent is not None:
        raise UsageError("a department report takes --team, not --agent")
    start, end = _dates(args)
    ds = open_dataset(args.dir)
    attach_cube(ds, int(setting("repeat_window_days")))
    if args.kind == "agent":
        try:
            visible = make.agent_scope(ds, args.agent)
        except KeyError as exc:
            raise UsageError(exc.args[0]) from None
    else:
        known = set(distinct_values(ds, "team"))
        unknown = sorted(set(args.team) - known)
        if unknown:
            raise UsageError(
                f"unknown team {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        visible = Visible(teams=tuple(args.team) or None)
    try:
        source = make.source_for(args.dir, start, end, args.scheme, ds=ds)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    html = make.render_report(args.kind, source, visible, args.lang, date.today(), args.agent)
    try:
        data = make.file_bytes(html, out.suffix.lower())
    except PdfUnavailable as exc:
        raise UsageError(f"{exc}; an .html report needs no browser") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"{out}: {args.kind} report, {len(data):,} bytes")
    return 0


def _deliver(args: argparse.Namespace) -> int:
    today = parse_date(args.now) if args.now else date.today()
    try:
        schedule = delivery.load_schedule(args.schedule)
        ds = open_dataset(schedule.dataset)
        attach_cube(ds, int(setting("repeat_window_days")))
        result = delivery.deliver(schedule, today, ds)
    except delivery.ScheduleError as exc:
        print(f"error: {exc.path}:", file=sys.stderr)
        print("\n".join(f"  - {p}" for p in exc.problems), file=sys.stderr)
        return EXIT_UNUSABLE
    except PdfUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    for line in delivery.summary(result):
        print(line)
    return EXIT_FAILED if result.failed else 0


def add_report_parsers(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="write a printable agent or department report (PDF or HTML)"
    )
    parser.add_argument("kind", choices=make.KINDS)
    parser.add_argument("dir", help="dataset folder")
    parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD (inclusive)")
    parser.add_argument("--team", action="append", default=[], help="department report: repeatable")
    parser.add_argument("--agent", help="agent report: the agent's id")
    parser.add_argument("--scheme", default=schemes.DEFAULT_SCHEME, help="weight scheme name")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--out", required=True, help="the file: .pdf or .html")
    parser.set_defaults(func=_report)

    parser = subparsers.add_parser(
        "deliver", help="send the reports a schedule file says are due (for cron or a timer)"
    )
    parser.add_argument("--schedule", required=True, help="the schedule file (JSON)")
    parser.add_argument("--now", help="the day to run as, YYYY-MM-DD (default: today)")
    parser.set_defaults(func=_deliver)
