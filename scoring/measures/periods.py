"""The sidebar's preset periods (统计周期), declared once: the pages offer them, and the build
computes in advance what a population costs most to compute afresh for each of them
(`scoring.analyses.reliability_store`)."""

from __future__ import annotations

from datetime import date, timedelta

from scoring.measures.query import Filters

PRESET_DAYS = {"month": 30, "quarter": 91, "year": 365}  # the last N days with data
PRESETS = (*PRESET_DAYS, "all", "custom")
DEFAULT_PRESET = "quarter"


def preset_range(preset: str, data_end: date) -> tuple[date | None, date | None]:
    """The date range of a preset, ending with the last day that has data (None, None:
    every day, or a custom range the user picks)."""
    days = PRESET_DAYS.get(preset)
    if days is None:
        return None, None
    return data_end - timedelta(days=days - 1), data_end


def preset_populations(data_end: date) -> dict[str, Filters]:
    """Each preset but the custom range → the population filter of its period alone (every
    team, no ticket filter): what the pages ask for before the user narrows anything."""
    ranges = {preset: preset_range(preset, data_end) for preset in PRESETS if preset != "custom"}
    return {preset: Filters(start=start, end=end) for preset, (start, end) in ranges.items()}
