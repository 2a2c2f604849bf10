"""View state in the URL: filters and selections as allow-listed, JSON-safe query values.

Only the keys below are read from or written to the address bar; every value is text
(dates as YYYY-MM-DD, lists as repeated keys). Unknown keys are ignored, unparseable
values fall back to the default, so a hand-edited link never breaks a page. A link is
bounded before anything reads it (`clean_params`): a value longer than `MAX_TEXT` is
refused, a list loses its repeats (the sidebar then keeps the values the data offers, at
most `MAX_VALUES` of them: fewer values, never more rows shown), and each refusal is a
`Notice` the sidebar words.

Streamlit itself drops a whole query string of more than 1,000 fields or 512 KiB before the
app sees it (streamlit.runtime.state.query_params.sanitize_query_string), so such a link
opens as no link at all; the bounds here keep every link the app writes far below that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from dashboard.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES
from scoring.engine.policy import GRADINGS, Policy
from scoring.engine.schemes import DEFAULT_SCHEME
from scoring.measures.metrics import Filters
from scoring.measures.periods import DEFAULT_PRESET, PRESETS, preset_range
from scoring.methods import incentives, normalise
from scoring.methods.grading import quota_problem, threshold_problem
from scoring.registry.kpis import KPIS_BY_ID

LIST_KEYS = {
    "team": "teams",
    "channel": "channels",
    "category": "categories",
    "segment": "segments",
}
SCALAR_KEYS = ("lang", "preset", "from", "to", "scheme", "agent")
# Keys a page keeps for itself (drill level, chosen KPI, ...): text, passed through as is.
PAGE_KEYS = ("drill", "kpi", "skill", "scenario")
MAX_TEXT = 200  # characters of one scalar or page value: far above any id, date or drill key
MAX_VALUES = 50  # distinct values of one list key (the sidebar allows as many selections)
# Which dataset is open: a key of scoring/data/catalog.py, read and written by the shell.
DATASET_KEY = "dataset"
# The What-if lab's controls (dashboard/whatif/link.py), read only through `lab_link`: the
# weights of each set as repeated "kpi:percent" values, the other controls one value each
# (bands and quotas as comma-separated numbers). The bounds are the controls' own.
LAB_WEIGHT_KEYS = {"weight": "main", "weight_enterprise": "enterprise",
                   "weight_individual": "individual"}  # fmt: skip
LAB_CHOICES = {"scoring": ("single", "segments"), "method": normalise.METHODS,
               "grading": GRADINGS, "rule": incentives.RULES}  # fmt: skip
LAB_NUMBERS = ("bands", "quotas", "pool", "objectives")
# Kano-informed scoring's KPI roles (Policy.must_be, Policy.bonus) as repeated KPI ids.
LAB_KPI_LISTS = ("must_be", "bonus")
LAB_KEYS = (*LAB_WEIGHT_KEYS, *LAB_CHOICES, *LAB_NUMBERS, *LAB_KPI_LISTS)
MAX_WEIGHT = 100.0  # a weight is a percentage
MAX_BAND = normalise.STRETCH_CAP  # the highest score band: scores reach it with a stretch
MAX_QUOTA = 100.0  # a grade's share, in %
MAX_POOL = 1e10  # the bonus pool's input
MAX_SHARE = 100.0  # the share of the score from objectives (Policy.objective_share), in %
# Session key: a page opened the lab with a link of lab values, which the lab applies over its
# baseline even when the session has opened the lab before (dashboard/whatif/link.py).
APPLY_LAB_LINK = "_apply_lab_link"
ALLOWED_KEYS = (
    frozenset(SCALAR_KEYS) | frozenset(LIST_KEYS) | frozenset(PAGE_KEYS) | frozenset(LAB_KEYS)
    | {DATASET_KEY}
)  # fmt: skip


class Notice(NamedTuple):
    """Something of a link that was not used as it stood: a text code and its values."""

    code: str
    values: dict


def _bounded(key: str, values: list[str]) -> tuple[list[str], list[Notice]]:
    """One key's values within the bounds, and what was refused. A list key's values are
    checked against the data's options, and then counted, by the sidebar: bounding them
    here could cut the one known value off a list of unknown ones."""
    if key in LIST_KEYS:
        return list(dict.fromkeys(values)), []  # a repeated value adds nothing
    kept = [v for v in values if len(v) <= MAX_TEXT]
    if len(kept) == len(values):
        return kept, []
    return kept, [Notice("link_too_long", {"name": key, "limit": MAX_TEXT})]


def clean_params(params: dict[str, list[str]]) -> tuple[dict[str, list[str]], list[Notice]]:
    """The allow-listed keys of a link within the bounds, and a notice for each refusal
    (unknown keys are dropped without one: tracking tags are not the user's doing)."""
    cleaned: dict[str, list[str]] = {}
    notices: list[Notice] = []
    for key, values in params.items():
        if key not in ALLOWED_KEYS:
            continue
        kept, refused = _bounded(key, values)
        notices += refused
        if kept:
            cleaned[key] = kept
    return cleaned, notices


def link_notices(params: dict[str, list[str]]) -> list[Notice]:
    """What of this link is not used as it stands: bounds, lab values out of their range,
    and dates not understood or reversed (dates outside the data are the sidebar's, which
    knows the data's range)."""
    cleaned, notices = clean_params(params)
    refused = set(cleaned) & set(LAB_KEYS) - set(lab_query(lab_link(params)))
    notices += [Notice("link_lab_refused", {"name": key}) for key in LAB_KEYS if key in refused]
    if (cleaned.get("preset") or [None])[0] != "custom":
        return notices
    texts = [(cleaned.get(key) or [None])[0] for key in ("from", "to")]
    for key, text in zip(("from", "to"), texts, strict=True):
        if text and _date(text) is None:
            notices.append(Notice("link_bad_date", {"name": key}))
    start, end = (_date(text) for text in texts)
    if start and end and end < start:
        notices.append(Notice("link_dates_swapped", {}))
    return notices


def page_keys(params: dict[str, list[str]]) -> dict[str, str | list[str]]:
    """The page-owned keys present in the query parameters (first value each, bounded), and
    the lab's values that are within their bounds (as `lab_query` writes them)."""
    cleaned, _ = clean_params(params)
    pages = {k: v[0] for k, v in cleaned.items() if k in PAGE_KEYS}
    return {**pages, **lab_query(lab_link(params))}


def _number(text: str, highest: float) -> float | None:
    """A finite number from 0 to `highest`, or None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 <= value <= highest else None


def _numbers(text: str, count: int, highest: float) -> tuple[float, ...] | None:
    values = [_number(part, highest) for part in text.split(",")]
    if len(values) != count or None in values:
        return None
    return tuple(values)


def _weights(values: list[str]) -> dict[str, float]:
    """KPI id → percentage of "kpi:percent" values: registry KPIs only, the first of each."""
    weights: dict[str, float] = {}
    for text in values:
        kpi_id, _, number = text.rpartition(":")
        value = _number(number, MAX_WEIGHT)
        if kpi_id in KPIS_BY_ID and value is not None:
            weights.setdefault(kpi_id, value)
    return weights


def lab_link(params: dict[str, list[str]]) -> dict:
    """The lab's values of a link that are within their bounds, typed: "weights" (weight set
    → KPI id → percentage; KPIs of the registry, 0–100), the choices (known ids only),
    "bands" (3 scores 0–`MAX_BAND`, falling), "quotas" (4 percentages that add up to 100),
    "pool" (0–`MAX_POOL`), "objectives" (the share of the score from objectives, 0–100 %),
    and "must_be" and "bonus" (registry KPI ids, none in both: a
    must-be gate wins). Anything else is left out (the lab keeps its baseline's)."""
    cleaned, _ = clean_params(params)
    first = {key: values[0] for key, values in cleaned.items() if key in LAB_KEYS}
    link: dict = {key: first[key] for key, known in LAB_CHOICES.items() if first.get(key) in known}
    weights = {s: _weights(cleaned[key]) for key, s in LAB_WEIGHT_KEYS.items() if key in cleaned}
    if any(weights.values()):
        link["weights"] = {s: found for s, found in weights.items() if found}
    bands = _numbers(first.get("bands", ""), 3, MAX_BAND)
    if bands and threshold_problem(bands) is None:
        link["bands"] = bands
    quotas = _numbers(first.get("quotas", ""), 4, MAX_QUOTA)
    if quotas and quota_problem(tuple(q / 100 for q in quotas)) is None:
        link["quotas"] = quotas
    for key, highest in (("pool", MAX_POOL), ("objectives", MAX_SHARE)):
        number = _number(first.get(key, ""), highest)
        if number is not None:
            link[key] = number
    roles = {key: [k for k in dict.fromkeys(cleaned.get(key, ())) if k in KPIS_BY_ID]
             for key in LAB_KPI_LISTS}  # fmt: skip
    roles["bonus"] = [k for k in roles["bonus"] if k not in roles["must_be"]]
    link.update({key: tuple(ids) for key, ids in roles.items() if ids})
    return link


def policy_link(policy: Policy) -> dict:
    """The lab values of a policy, as `lab_link` reads them (the bands or the quotas, as
    graded)."""
    segments = policy.segment_weights
    link: dict = {
        "weights": {"main": policy.weights, **(segments or {})},
        "scoring": "segments" if segments else "single",
        "method": policy.method,
        "grading": policy.grading,
        "pool": policy.pool,
        "objectives": round(policy.objective_share * 100, 4),
        "rule": policy.rule,
        "must_be": policy.must_be,
        "bonus": policy.bonus,
    }
    if policy.grading == "absolute":
        link["bands"] = policy.thresholds
    else:
        link["quotas"] = tuple(round(q * 100, 4) for q in policy.quotas)
    return link


def _number_text(value: float) -> str:
    """At most two decimals, no trailing zeros: 100000, 21.8, 1234.56."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def lab_query(link: dict) -> dict[str, str | list[str]]:
    """Query parameters for lab values (`lab_link` reads them back)."""
    query: dict[str, str | list[str]] = {k: link[k] for k in LAB_CHOICES if k in link}
    for key, weight_set in LAB_WEIGHT_KEYS.items():
        weights = link.get("weights", {}).get(weight_set)
        if weights:
            query[key] = [f"{k}:{_number_text(v)}" for k, v in weights.items()]
    for key in ("bands", "quotas"):
        if key in link:
            query[key] = ",".join(_number_text(v) for v in link[key])
    for key in ("pool", "objectives"):
        if key in link:
            query[key] = _number_text(link[key])
    for key in LAB_KPI_LISTS:
        if link.get(key):
            query[key] = list(link[key])
    return query


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


def from_query(params: dict[str, list[str]], data_end: date) -> ViewState:
    """Read a ViewState from query parameters (key → list of values), bounded first."""
    params, _ = clean_params(params)
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
