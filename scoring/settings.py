"""Settings, declared once with their help text.

Each setting can be given by an environment variable; the dashboard and the command line
also accept the matching option. `docs/CONFIGURATION.md` lists them and a test checks that
every setting here is documented there.
"""

from __future__ import annotations

import argparse
import functools
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA_DIR = PROJECT_ROOT / "data" / "sample"


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    option: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.env) or self.default


SETTINGS = (
    Setting(
        "data_dir",
        "SPD_DATA_DIR",
        "--data",
        str(SAMPLE_DATA_DIR),
        "Dataset folder: one Parquet file or folder of Parquet files per table.",
    ),
    Setting(
        "state_dir",
        "SPD_STATE_DIR",
        "--state",
        str(PROJECT_ROOT / "state"),
        "Folder for what users save (scenarios, improvement actions) and the access log.",
    ),
    Setting(
        "repeat_window_days",
        "SPD_REPEAT_WINDOW_DAYS",
        "--repeat-window",
        "30",
        "Days after a resolution in which a new ticket of the same customer and category "
        "counts as a repeat issue.",
    ),
    Setting(
        "earliest_year",
        "SPD_EARLIEST_YEAR",
        "--earliest-year",
        "2000",
        "Ticket times before this year (or more than a day in the future) are flagged in the "
        "data-quality report as implausible: usually a misread date format or a placeholder "
        "date. The tickets are kept.",
    ),
    Setting(
        "kano_min_respondents",
        "SPD_KANO_MIN_RESPONDENTS",
        "--kano-min-respondents",
        "30",
        "Fewest respondents (of everyone, or of one segment) a Kano classification is trusted "
        "on; below it the Customer expectations page and `python -m scoring kano` warn.",
    ),
    Setting(
        "access_file",
        "SPD_ACCESS_FILE",
        "--access",
        "",
        "JSON file naming each user's role and teams (see docs/ACCESS.md). Empty: open "
        "access, every page and team for whoever reaches the dashboard.",
    ),
    Setting(
        "user_header",
        "SPD_USER_HEADER",
        "--user-header",
        "",
        "HTTP header holding the signed-in user's name, set by a trusted proxy in front of "
        "the dashboard (e.g. X-Forwarded-Email). Used when Streamlit's own login (st.login) "
        "is not configured. Only safe if the dashboard cannot be reached around the proxy.",
    ),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str, argv: list[str] | None = None) -> str:
    """A setting's value: its command-line option in argv, else the environment, else default."""
    declared = SETTINGS_BY_NAME[name]
    return _given(declared.option, tuple(argv or ())) or declared.value()


@functools.lru_cache(maxsize=64)
def _given(option: str, argv: tuple[str, ...]) -> str | None:
    """The value of `option` in `argv` (None: not given). Parsed once per argv: the
    dashboard asks for its settings a dozen times on every rerun."""
    if not argv:
        return None
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(option, dest="value")
    return parser.parse_known_args(list(argv))[0].value
