"""`python -m scoring import SOURCE... --out DIR`: import helpdesk or call-centre exports.

The same code as the Import page (scoring.ingest.pipeline). Without `--mapping` the columns
are mapped as suggested (from `--preset`, or the preset the headers match, then header
synonyms and values); `--save-mapping FILE` writes the mapping used, to check, edit and pass
as `--mapping` next month. `--append` merges into the current version by id (an updated
ticket replaces its older copy); `--undo` makes the previous version current again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from scoring.cli.usage import UsageError
from scoring.data import catalog
from scoring.ingest import presets, readers, write
from scoring.ingest.mapping import Mapping, MappingError
from scoring.ingest.pipeline import ImportOutcome, ImportProblem, import_files
from scoring.ingest.readers import ReadError
from scoring.settings import setting

EXIT_OK, EXIT_UNUSABLE = 0, 2


def add_import_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "import", help="import CSV, Excel, Parquet or JSON-lines exports into a dataset folder"
    )
    parser.add_argument("sources", nargs="*", metavar="SOURCE", help="export files")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="dataset folder (its current/ is opened)")
    target.add_argument(
        "--name", help="an imported dataset of the state folder, listed in the dashboard"
    )
    parser.add_argument("--mapping", help="a mapping JSON file (see --save-mapping)")
    parser.add_argument("--preset", choices=sorted(presets.PRESETS), help="helpdesk preset")
    parser.add_argument("--append", action="store_true", help="merge into the current version")
    parser.add_argument("--undo", action="store_true", help="undo the last import")
    parser.add_argument("--save-mapping", help="write the mapping used to this JSON file")
    parser.add_argument("--encoding", help="text encoding of CSV files (default: detected)")
    parser.add_argument("--sheet", help="Excel sheet name (default: the first with data)")
    parser.add_argument("--user", help="who imports, for the history (default: OS user)")
    parser.add_argument(
        "--agents", metavar="ROSTER", help="a roster file: agents' names, teams, hire dates …"
    )
    parser.set_defaults(func=run_import)


def run_import(args) -> int:
    args.out = _target(args)
    if args.undo:
        return _undo(args)
    if not args.sources:
        raise UsageError("give at least one SOURCE file (or --undo)")
    try:
        outcome = import_files(
            args.sources,
            args.out,
            mapping=_mapping(args.mapping),
            preset=args.preset,
            append=args.append,
            user=args.user,
            encoding=args.encoding,
            sheet=args.sheet,
            agents=_roster(args.agents, args.encoding),
        )
    except (ReadError, MappingError, ImportProblem, write.ImportRejected) as error:
        return _refused(error)
    if args.save_mapping:
        text = json.dumps(outcome.mapping.to_dict(), indent=2, ensure_ascii=False)
        Path(args.save_mapping).write_text(text + "\n", encoding="utf-8")
    print(summary(outcome, args.out))
    return EXIT_OK


def _target(args) -> str:
    """--out as given, or the folder of the imported dataset --name."""
    if args.out:
        return args.out
    try:
        return str(catalog.imported_path(setting("state_dir"), args.name))
    except ValueError as error:
        raise UsageError(f"--name: {error}") from None


def _roster(path: str | None, encoding: str | None) -> pd.DataFrame | None:
    return None if path is None else readers.read_table(path, encoding=encoding)


def _mapping(path: str | None) -> Mapping | None:
    if path is None:
        return None
    try:
        return Mapping.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as error:
        raise UsageError(f"--mapping {path}: not readable as JSON ({error})") from None


def _refused(error: Exception) -> int:
    problems = getattr(error, "problems", None) or [str(error)]
    print("\n".join(f"ERROR: {p}" for p in problems), file=sys.stderr)
    return EXIT_UNUSABLE


def _undo(args) -> int:
    try:
        version = write.undo_last(args.out, user=args.user)
    except write.NothingToUndo as error:
        return _refused(error)
    print(f"{args.out}: version {version} is current again")
    return EXIT_OK


def summary(outcome: ImportOutcome, out: str) -> str:
    """Which version was written and, per table, the rows added, updated and excluded."""
    result = outcome.result
    lines = [f"{out}: version {result.version} is current (open {write.current_path(out)})"]
    for table, counts in result.counts.items():
        lines.append(
            f"  {table:<10} {counts.rows:>9} rows  +{counts.added} added  "
            f"{counts.updated} updated  {counts.excluded} excluded"
        )
    for unread in outcome.unread:
        examples = ", ".join(repr(v) for v in unread.examples)
        lines.append(
            f"  WARNING: {unread.rows} value(s) of column {unread.column!r} could not be read "
            f"as {unread.target} and are empty (e.g. {examples})"
        )
    if outcome.roster is not None:
        lines.append(
            f"  roster: {outcome.roster.matched} agent(s) matched, "
            f"{outcome.roster.without_tickets} without tickets (not added)"
        )
    return "\n".join(lines)
