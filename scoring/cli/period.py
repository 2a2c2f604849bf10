"""`python -m scoring period {list,close,publish,reopen,show,export} DIR ...`: appraisal
periods (考核周期) for batch use, through the same store and scoring as the Appraisal page
(scoring/stores/periods.py), as leadership over every team.

- `list`: each period of the dataset's kind with data, and each with a saved step: period,
  status (draft, closed, published, reopened), latest and published version, open appeals;
- `close --period P [--reason R]`: score the period with the policy in force (the official
  scenario, else the default scheme, with the dataset's targets) and freeze it;
- `publish --period P`; `reopen --period P --reason R`;
- `show --period P [--version N] [--format csv|json]`: the frozen agent rows;
- `export --period P [--version N] --out FILE.csv|FILE.xlsx`: the payroll / HR export
  (period, version, agent, team, grade, composite, rank, payout, award), formulas
  neutralised (scoring/export.py).

The records live in the dataset's state folder under the state_dir setting.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from scoring import export
from scoring.access import OPEN
from scoring.analyses.appraisal import periods
from scoring.cli.score import dataset_targets
from scoring.cli.usage import UsageError
from scoring.data import catalog
from scoring.data.dataset import open_dataset
from scoring.measures.metrics import data_range
from scoring.settings import setting
from scoring.stores import periods as store_module
from scoring.stores.objectives import ObjectiveStore, in_force, to_frame
from scoring.stores.periods import PeriodError, PeriodStore

LIST_COLUMNS = ("period", "status", "version", "published", "open_appeals")


def _state_folder(folder: str) -> Path:
    state_dir = setting("state_dir")
    entry = catalog.default_entry(catalog.list_datasets(state_dir, folder), folder)
    return catalog.state_folder(state_dir, entry)


def _period(text: str) -> str:
    try:
        return periods.parse(text).id
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _author(args: argparse.Namespace) -> str:
    if args.author:
        return args.author
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


# The store's problem codes in words (the dashboard words them in both languages)
_PROBLEMS = {
    "grant": "not allowed",
    "reason": "a reason is required",
    "state": "the period is {what}",
    "agent": "no agent {what} in the record",
    "kpi": "no KPI {what} in the record",
    "tickets": "tickets not the agent's in the period: {what}",
    "appeal": "no open appeal {what}",
    "kind": "unknown period kind {what}",
    "text": "{what} is too long",
    "date": "not a date: {what}",
}


def _failed(exc: PeriodError) -> UsageError:
    return UsageError("; ".join(_PROBLEMS[code].format(what=what) for code, what in exc.problems))


def _list(args, store: PeriodStore) -> int:
    ds = open_dataset(args.dir)
    ids = {p.id for p in periods.between(store.kind(), *data_range(ds))} | set(store.period_ids())
    ordered = sorted(ids, key=lambda i: periods.parse(i), reverse=True)
    print(",".join(LIST_COLUMNS))
    for period_id in ordered:
        state = store.state(period_id)
        waiting = sum(a.status == "filed" for a in state.appeals.values())
        values = (period_id, state.status, state.current or "", state.published or "", waiting)
        print(",".join(str(v) for v in values))
    return 0


def _close(args, store: PeriodStore, folder: Path) -> int:
    ds = open_dataset(args.dir)
    repeat_days = int(setting("repeat_window_days"))
    targets = dataset_targets(ds, args.dir, repeat_days)
    policy, source = store_module.policy_in_force(folder, targets)
    objectives = to_frame(in_force(ds, ObjectiveStore(folder)))
    try:
        version = store_module.close_period(
            store, ds, args.period, policy=policy, policy_source=source, targets=targets,
            objectives=objectives, grant=OPEN, author=_author(args), reason=args.reason or "",
            repeat_days=repeat_days,
        )  # fmt: skip
    except PeriodError as exc:
        raise _failed(exc) from None
    print(f"{args.period}: closed as version {version} ({source})")
    return 0


def _publish(args, store: PeriodStore) -> int:
    try:
        version = store.publish(args.period, OPEN, _author(args))
    except PeriodError as exc:
        raise _failed(exc) from None
    print(f"{args.period}: version {version} published")
    return 0


def _reopen(args, store: PeriodStore) -> int:
    try:
        store.reopen(args.period, OPEN, _author(args), args.reason or "")
    except PeriodError as exc:
        raise _failed(exc) from None
    print(f"{args.period}: reopened (a draft until closed again)")
    return 0


def _record(args, store: PeriodStore) -> store_module.Record:
    state = store.state(args.period)
    version = args.version or state.current
    if version is None:
        raise UsageError(f"{args.period} is a draft: no closed version yet")
    try:
        return store.record(args.period, version)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None


def _show(args, store: PeriodStore) -> int:
    frame = _record(args, store).frozen.agents
    if args.format == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        frame.to_csv(sys.stdout, index=False)
    return 0


def _export(args, store: PeriodStore) -> int:
    record = _record(args, store)
    table = store_module.payroll(record)
    out = Path(args.out)
    if out.suffix.lower() == ".xlsx":
        out.write_bytes(export.to_excel_bytes({f"{record.period} v{record.version}": table}))
    elif out.suffix.lower() == ".csv":
        out.write_bytes(export.to_csv_bytes(table))
    else:
        raise UsageError(f"--out {out}: a .csv or .xlsx file")
    print(f"{record.period} v{record.version}: {len(table)} agents written to {out}")
    return 0


def _run(args: argparse.Namespace) -> int:
    folder = _state_folder(args.dir)
    store = PeriodStore(folder)
    if args.action == "list":
        return _list(args, store)
    if args.period is None:
        raise UsageError(f"period {args.action} needs --period (e.g. 2026-03, 2026-Q1, 2026)")
    if args.action == "close":
        return _close(args, store, folder)
    if args.action == "export" and not args.out:
        raise UsageError("period export needs --out FILE.csv or FILE.xlsx")
    return {"publish": _publish, "reopen": _reopen, "show": _show, "export": _export}[args.action](
        args, store
    )


def add_period_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "period", help="appraisal periods: list, close, publish, reopen, show, export"
    )
    parser.add_argument("action", choices=("list", "close", "publish", "reopen", "show", "export"))
    parser.add_argument("dir", help="dataset folder")
    parser.add_argument("--period", type=_period, help="2026-03 (month), 2026-Q1, 2026 (year)")
    parser.add_argument("--version", type=int, help="show or export this version")
    parser.add_argument("--reason", help="why (required to reopen)")
    parser.add_argument("--author", help="who (default: the system user)")
    parser.add_argument("--out", help="export: the .csv or .xlsx file to write")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.set_defaults(func=_run)
