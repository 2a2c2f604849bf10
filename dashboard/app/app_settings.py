"""The app's settings as this process was started with them (see docs/CONFIGURATION.md)."""

from __future__ import annotations

import sys

from scoring.settings import setting


def app_setting(name: str) -> str:
    """`streamlit run app.py -- --data DIR` wins over SPD_DATA_DIR, then the default."""
    return setting(name, sys.argv[1:])
