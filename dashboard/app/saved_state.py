"""What users saved, as the page tells it: a store's repair (`sqlite_files.Repair`) or why it
cannot be used now (`sqlite_files.Unavailable`), worded in the session's language.

The stores name the files and the problem as codes and values (scoring/stores/sqlite_files.py);
here they become one sentence that names the store, with paths and SQLite's words as plain
text. The page shows it where the saved things would be, and draws everything else.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.shell import Context
from dashboard.ui.markup import md
from scoring.stores.sqlite_files import Repair, Unavailable

STORES = ("actions", "scenarios", "access_log")


def _what(ctx: Context, store: str) -> str:
    return ctx.t(f"state_what_{store}")


def repaired_text(ctx: Context, repair: Repair, store: str) -> str:
    """What was moved where and how many records were kept (`store`: one of STORES)."""
    if repair.moved_to is None:
        return ctx.t("state_missing", what=_what(ctx, store), path=md(repair.path))
    return ctx.t(
        "state_repaired",
        what=_what(ctx, store),
        reason=md(repair.reason),
        moved_to=md(repair.moved_to),
        count=repair.salvaged,
        path=md(repair.path),
    )


def problem_text(ctx: Context, error: Unavailable, store: str) -> str:
    """Why the store cannot be read or written now, and that nothing was changed."""
    return ctx.t(
        f"state_{error.problem}",
        what=_what(ctx, store),
        folder=md(error.folder),
        detail=md(error.detail),
    )


def warn_if_repaired(ctx: Context, repair: Repair | None, store: str) -> None:
    if repair is not None:
        st.warning(repaired_text(ctx, repair, store))
