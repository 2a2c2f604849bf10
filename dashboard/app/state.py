"""View state in the URL: filters and selections as allow-listed, JSON-safe query values.

Only the keys below are read from or written to the address bar; every value is text
(dates as YYYY-MM-DD, lists as repeated keys). Unknown keys are ignored, unparseable
values fall back to the default, so a hand-edited link never breaks a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES
from scoring.engine.schemes import DEFAULT_SCHEME
from scoring.measures.metrics import Filters

PRESETS = ("month", "quarter", "year", "all", "custom")
DEFAULT_PRESET = "quarter"
LIST_KEYS = {
    "team": "teams",
    "channel": "channels",
    "category": "categories",
    "segment": "segments",
}
SCALAR_KEYS = ("lang", "preset", "from", "to", "scheme", "agent")
# Keys a page keeps for itself (drill level, chosen KPI, ...): text, passed through as is.
PAGE_KEYS = ("drill", "kpi", "skill", "scenario")
ALLOWED_KEYS = frozenset(SCALAR_KEYS) | frozenset(LIST_KEYS) | frozenset(PAGE_KEYS)


def page_keys(params: dict[str, list[str]]) -> dict[str, str]:
    """The page-owned keys present in the query parameters (first value each)."""
    return {k: v[0] for k, v in params.items() if k in PAGE_KEYS and v}


@dataclass(frozen=True)
class ViewState:
    lang: str = DEFAULT_LANGUAGE
    preset: str = DEFAULT_PRESET
    start: date | None = None
    end: date | None = None
    teams: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    scheme: str | None = None
    agent: str | None = None
    only_agents: tuple[str, ...] = ()  # an agent's own view (set by the grant, not the URL)

    def filters(self) -> Filters:
        return Filters(
            start=self.start,
            end=self.end,
            teams=self.teams,
            agents=self.only_agents,
            channels=self.channels,
            categories=self.categories,
            segments=self.segments,
        )


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def preset_range(preset: str, data_end: date) -> tuple[date | None, date | None]:
    """The date range of a preset, ending with the last day that has data."""
    days = {"month": 30, "quarter": 91, "year": 365}.get(preset)
    if days is None:
        return None, None
    return data_end - timedelta(days=days - 1), data_end


def from_query(params: dict[str, list[str]], data_end: date) -> ViewState:
    """Read a ViewState from query parameters (key → list of values)."""
    first = {k: v[0] for k, v in params.items() if k in SCALAR_KEYS and v}
    preset = first.get("preset", DEFAULT_PRESET)
    preset = preset if preset in PRESETS else DEFAULT_PRESET
    start, end = preset_range(preset, data_end)
    if preset == "custom":
        start, end = _date(first.get("from")), _date(first.get("to"))
        if start and end and end < start:
            start, end = end, start
    lang = first.get("lang", DEFAULT_LANGUAGE)
    return ViewState(
        lang=lang if lang in LANGUAGES else DEFAULT_LANGUAGE,
        preset=preset,
        start=start,
        end=end,
        scheme=first.get("scheme"),
        agent=first.get("agent"),
        **{field: tuple(params.get(key, ())) for key, field in LIST_KEYS.items()},
    )


def to_query(state: ViewState) -> dict[str, str | list[str]]:
    """Query parameters for a ViewState; defaults are left out to keep links short."""
    query: dict[str, str | list[str]] = {}
    if state.lang != DEFAULT_LANGUAGE:
        query["lang"] = state.lang
    if state.preset != DEFAULT_PRESET:
        query["preset"] = state.preset
    if state.preset == "custom":
        if state.start:
            query["from"] = state.start.isoformat()
        if state.end:
            query["to"] = state.end.isoformat()
    for key, field in LIST_KEYS.items():
        values = getattr(state, field)
        if values:
            query[key] = list(values)
    if state.scheme and state.scheme != DEFAULT_SCHEME:
        query["scheme"] = state.scheme
    if state.agent:
        query["agent"] = state.agent
    return query
