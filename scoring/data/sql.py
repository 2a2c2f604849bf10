"""Quoting for the few places where SQL text must carry a name or a path.

Values always travel as parameters. DuckDB cannot take a parameter where a table
function needs its file list at view-creation time, or where a column name is chosen
from the contract; those are quoted here, and only here.
"""

from __future__ import annotations

from collections.abc import Iterable


def ident(name: str) -> str:
    """A quoted SQL identifier: "name", with embedded quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A quoted SQL string literal: 'text', with embedded quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


def literal_list(texts: Iterable[str]) -> str:
    return "[" + ", ".join(literal(t) for t in texts) + "]"
