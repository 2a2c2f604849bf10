"""`python -m scoring kano DIR [--segment S] --format csv|json`: the Kano questionnaire per
service factor on standard output, first to improve first.

One row per factor: `rank, factor, n, A, O, M, I, R, Q, category, strength, total_strength,
significant, better, worse, sensitivity, improve, reason` (docs/METHODS.md, "Kano
questionnaire" and "What to improve first"; strengths in percentage points, the reason a code).
Fewer respondents than the setting `kano_min_respondents` is a warning on standard error.
"""

from __future__ import annotations

import argparse
import sys

from scoring.analyses import kano
from scoring.cli.usage import UsageError
from scoring.data.dataset import open_dataset
from scoring.settings import SETTINGS_BY_NAME, setting


def _run(args: argparse.Namespace) -> int:
    ds = open_dataset(args.dir)
    try:
        minimum = kano.minimum_respondents(args.minimum or setting(kano.MINIMUM_SETTING))
        analysis = kano.analyse(ds, minimum, args.segment)
    except kano.KanoError as exc:
        raise UsageError(f"{args.dir}: {exc}") from None
    if not analysis.enough:
        who = f"segment '{args.segment}'" if args.segment else "the questionnaire"
        print(
            f"warning: {who} has {analysis.respondents} respondents, fewer than {minimum} "
            f"({kano.MINIMUM_SETTING}): the categories may not hold",
            file=sys.stderr,
        )
    table = analysis.factors
    if args.format == "json":
        sys.stdout.write(table.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        table.to_csv(sys.stdout, index=False)
    return 0


def add_kano_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "kano", help="classify the Kano questionnaire's service factors, first to improve first"
    )
    parser.add_argument("dir", help="dataset folder")
    parser.add_argument("--segment", help="only the respondents of this segment")
    parser.add_argument(
        SETTINGS_BY_NAME[kano.MINIMUM_SETTING].option,
        dest="minimum",
        help=f"warn below this many respondents (setting {kano.MINIMUM_SETTING})",
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.set_defaults(func=_run)
