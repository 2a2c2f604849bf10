"""UI texts of the diagnostics page (merged into the one catalog of dashboard/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {}
