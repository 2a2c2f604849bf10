"""The shared sidebar and the context every page reads (dataset, filters, language).

app.py calls `build_context()` on each run; pages call `context()` to read it. Widget
values start from the URL and are written back to it, so the address bar always holds
exactly what the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property, partial
from pathlib import Path

import streamlit as st

from dashboard.app import cache as data
from dashboard.app.app_settings import app_setting
from dashboard.app.state import (
    DATASET_KEY,
    LIST_KEYS,
    MAX_VALUES,
    PRESETS,
    Notice,
    ViewState,
    from_query,
    link_notices,
    page_keys,
    preset_range,
    to_query,
)
from dashboard.app.waiting import session_language
from dashboard.ui.i18n import LANGUAGES, t
from dashboard.ui.markup import md
from dashboard.ui.values import value_label
from scoring.access import Grant
from scoring.data import catalog
from scoring.data.dataset import Dataset, DatasetError
from scoring.data.quality import Problem
from scoring.engine import schemes
from scoring.engine.policy import Policy
from scoring.registry.kpis import KPI
from scoring.scope import Visible
from scoring.stores import legacy
from scoring.stores.targets import TargetSet

_CONTEXT_KEY = "_context"
_LABELLED_KEY = "_labelled_widgets"
_DATASET_WIDGET = "w_dataset"
_OPEN_NEXT_KEY = "_open_dataset_next"  # a dataset to open on the next run (`open_dataset`)
_UNKNOWN_KEY = "_dataset_link_unknown"  # the link named a dataset that is not here
_FILTER_WIDGETS = ("w_range", "w_agent", *(f"w_{field}" for field in LIST_KEYS.values()))
_SEEDED_KEY = "_seeded"  # the widgets have their values from the link


def labelled(key: str) -> str:
    """Register a widget key whose option labels are translated; returns the key.

    The browser keeps a widget's shown label as its value, so after a language switch every
    such widget is re-set to its option id (else the old label comes back as the value).
    """
    st.session_state.setdefault(_LABELLED_KEY, set()).add(key)
    return key


def _relabel_widgets() -> None:
    for key in st.session_state.get(_LABELLED_KEY, ()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


@dataclass(frozen=True)
class Context:
    path: str
    ds: Dataset
    view: ViewState
    repeat_days: int
    grant: Grant
    dataset: catalog.Entry
    state_dir: Path  # what users save on this dataset (catalog.state_folder)

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def visible(self) -> Visible:
        """What this session may be shown: its grant clamped to its filter."""
        return Visible.of(self.view.filters())

    @cached_property
    def targets(self) -> TargetSet:
        """The dataset's current floor, target and stretch per KPI (`cache.dataset_targets`),
        read once per run (a context is made afresh on every run)."""
        return data.dataset_targets(self.path, self.repeat_days, self.state_dir)

    def target_of(self, k: KPI) -> float:
        """The KPI's target in the dataset's target set (the registry's where it has none)."""
        return Policy(targets=self.targets.targets).target_of(k)[1]

    def t(self, key: str, **values) -> str:
        return t(key, self.view.lang, **values)


def _query_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _init_widgets(view: ViewState) -> None:
    """Seed widget state from the URL the first time a session sees it."""
    if st.session_state.get(_SEEDED_KEY):
        return
    st.session_state[_SEEDED_KEY] = True
    st.session_state["w_lang"] = view.lang
    st.session_state["w_preset"] = view.preset
    if view.preset == "custom" and view.start and view.end:
        st.session_state["w_range"] = (view.start, view.end)
    for field in LIST_KEYS.values():
        st.session_state[f"w_{field}"] = list(getattr(view, field))
    st.session_state[labelled("w_scheme")] = (
        view.scheme if view.scheme in data.weight_schemes() else schemes.DEFAULT_SCHEME
    )
    st.session_state["w_agent"] = view.agent


def _dates_within(first: date, last: date) -> Notice | None:
    """Keep the custom range inside the data's days (the date picker refuses a value outside
    them): a link's dates, or another dataset's, are moved to the nearest day with data."""
    chosen = tuple(st.session_state.get("w_range") or ())
    inside = tuple(min(max(day, first), last) for day in chosen)
    if inside == chosen:
        return None
    st.session_state["w_range"] = inside
    return Notice("link_dates_clamped", {"first": first, "last": last})


def _known_values(field: str, options: list[str], label: str) -> list[Notice]:
    """Keep the selections the data (and the grant) offers, at most MAX_VALUES of them,
    saying what was dropped; the values are not repeated, since a tampered link may name a
    team the session may not see."""
    key = f"w_{field}"
    chosen = list(st.session_state.get(key) or [])
    offered = set(options)
    known = [value for value in chosen if value in offered]
    notices = []
    if len(known) < len(chosen):
        count = len(chosen) - len(known)
        notices.append(Notice("link_unknown_values", {"filter": label, "count": count}))
    if len(known) > MAX_VALUES:
        counts = {"name": label, "count": len(known), "limit": MAX_VALUES}
        notices.append(Notice("link_too_many", counts))
    if notices:
        st.session_state[key] = known[:MAX_VALUES]
    return notices


def _sidebar(path: str, view: ViewState, grant: Grant) -> ViewState:
    first, last = data.data_range(path)
    last = last or date.today()
    options = data.filter_options(path)
    options = {**options, "teams": grant.team_options(options["teams"])}
    notices = link_notices(_query_params())
    with st.sidebar:
        lang = st.radio(
            "语言 / Language",
            list(LANGUAGES),
            format_func=LANGUAGES.get,
            key="w_lang",
            on_change=_relabel_widgets,
            horizontal=True,
        )
        st.subheader(t("filters", lang))
        preset = st.selectbox(
            t("period", lang),
            PRESETS,
            format_func=lambda p: t(f"preset_{p}", lang),
            key=labelled("w_preset"),
        )
        start, end = preset_range(preset, last)
        if preset == "custom":
            notices.append(_dates_within(first or last, last))
            chosen = st.date_input(
                t("date_range", lang),
                value=st.session_state.get("w_range", (first or last, last)),
                min_value=first,
                max_value=last,
                key="w_range",
            )
            start, end = (tuple(chosen) + (None, None))[:2] if chosen else (None, None)
        selections = {}
        for value_field, field in LIST_KEYS.items():  # each list's text key is its field
            if options[field]:
                notices += _known_values(field, options[field], t(field, lang))
                selections[field] = tuple(
                    st.multiselect(
                        t(field, lang),
                        options[field],
                        format_func=partial(value_label, value_field, lang=lang),
                        key=labelled(f"w_{field}"),
                        placeholder=t("all", lang),
                        max_selections=MAX_VALUES,
                    )
                )
        for notice in filter(None, notices):
            st.warning(t(notice.code, lang, **notice.values))
        st.caption(t("link_hint", lang))
    return ViewState(
        lang=lang,
        preset=preset,
        start=start,
        end=end,
        scheme=st.session_state.get("w_scheme"),
        agent=st.session_state.get("w_agent"),
        **selections,
    )


def problem_text(problem: Problem, lang: str) -> str:
    """A problem that stops loading, in the user's language."""
    values = dict(problem.values)
    if "type" in values:
        values["type_words"] = t(f"type_{values['type']}", lang)
    return t(f"problem_{problem.code}", lang, **values)


def _show_dataset_error(path: str, error: DatasetError, lang: str) -> None:
    st.error(t("dataset_error_title", lang))
    st.text(path)  # a path and the data's own words: plain text, never Markdown
    st.markdown(t("dataset_error_help", lang))
    for problem in error.details:
        st.text(f"- {problem_text(problem, lang)}")
    if error.report is not None:
        st.code(error.report.to_text(), language=None)


def _grant_in(path: str, grant: Grant, lang: str) -> Grant | None:
    """The grant as this dataset allows it: an agent's grant gets the agent's team; None
    (after saying why) when none of its teams is in the dataset, rather than no filter."""
    if grant.agent_id is not None:
        grant = grant.for_team(data.agent_team(path, grant.agent_id))
    if grant.teams is None or grant.team_options(data.filter_options(path)["teams"]):
        return grant
    who = grant.agent_id or ", ".join(grant.teams)
    st.warning(t("access_nothing_here", lang, who=md(who)))
    return None


def _within_grant(path: str, view: ViewState, grant: Grant) -> ViewState:
    """The view clamped to what the grant allows: its teams (all of them when none is
    picked), no agent of another team, and an agent only themselves, whatever the widgets
    or the link asked for."""
    teams = grant.clamp_teams(view.teams, data.filter_options(path)["teams"])
    if grant.agent_id is not None:
        return replace(view, teams=teams, agent=grant.agent_id, only_agents=(grant.agent_id,))
    agent = view.agent
    if agent and not grant.allows_team(data.agent_team(path, agent)):
        agent = None
    return replace(view, teams=teams, agent=agent)


def _dataset_label(entry: catalog.Entry, lang: str) -> str:
    return t(f"dataset_kind_{entry.kind}", lang, name=entry.name)


def _forget_filters() -> None:
    """Another dataset has other teams, categories and dates: its filters start empty."""
    for key in _FILTER_WIDGETS:
        st.session_state.pop(key, None)


def open_dataset(key: str) -> None:
    """Open the dataset `key` from the next run on (e.g. after an import, then rerun)."""
    st.session_state[_OPEN_NEXT_KEY] = key


def _chosen_dataset(
    entries: list[catalog.Entry], default: catalog.Entry, params: dict[str, list[str]], lang: str
) -> catalog.Entry:
    """The dataset of this session: the sidebar's choice, first seeded from the link (an
    unknown key opens the default, with a notice); the chooser is shown when there is a
    choice."""
    if _OPEN_NEXT_KEY in st.session_state:
        st.session_state[_DATASET_WIDGET] = st.session_state.pop(_OPEN_NEXT_KEY)
        _forget_filters()
    if _DATASET_WIDGET not in st.session_state:
        asked = (params.get(DATASET_KEY) or [None])[0]
        if asked is not None and catalog.find(entries, asked) is None:
            st.session_state[_UNKNOWN_KEY] = True
        st.session_state[_DATASET_WIDGET] = (catalog.find(entries, asked) or default).key
    if catalog.find(entries, st.session_state[_DATASET_WIDGET]) is None:
        st.session_state[_DATASET_WIDGET] = default.key  # removed since: back to the default
    by_key = {e.key: e for e in entries}
    if len(entries) > 1:
        st.sidebar.selectbox(
            t("dataset", lang),
            list(by_key),
            format_func=lambda key: _dataset_label(by_key[key], lang),
            key=_DATASET_WIDGET,
            on_change=_forget_filters,
        )
    return by_key[st.session_state[_DATASET_WIDGET]]


def _state_folder(entry: catalog.Entry, default: catalog.Entry) -> Path:
    """The dataset's own state folder; the default (configured) dataset first adopts the
    saves an older version kept in the state folder itself."""
    state_dir = app_setting("state_dir")
    if entry == default:
        legacy.adopt_legacy_state(state_dir, entry)
    return catalog.state_folder(state_dir, entry)


def build_context(grant: Grant) -> Context | None:
    """Open the dataset, draw the sidebar, sync the URL. None when the data is unusable."""
    params = _query_params()
    lang_hint = session_language()
    entries = catalog.list_datasets(app_setting("state_dir"), app_setting("data_dir"))
    default = catalog.default_entry(entries, app_setting("data_dir"))
    entry = _chosen_dataset(entries, default, params, lang_hint)
    path = entry.opened_path()
    try:
        ds = data.dataset(path)
    except DatasetError as error:
        _show_dataset_error(path, error, lang_hint)
        return None
    grant = _grant_in(path, grant, lang_hint)
    if grant is None:
        return None
    _first, last = data.data_range(path)
    view = from_query(params, last or date.today())
    _init_widgets(view)
    view = _within_grant(path, _sidebar(path, view, grant), grant)
    query = {**to_query(view), **page_keys(params)}
    if entry != default:
        query[DATASET_KEY] = entry.key
    st.query_params.from_dict(query)
    repeat_days = int(app_setting("repeat_window_days"))
    ctx = Context(path, ds, view, repeat_days, grant, entry, _state_folder(entry, default))
    st.session_state[_CONTEXT_KEY] = ctx
    return ctx


def dataset_notice(ctx: Context) -> None:
    """Once, on the first page drawn: the link named a dataset that is not here (app.py
    calls it for a page, not for the root run that only redirects)."""
    if st.session_state.pop(_UNKNOWN_KEY, False):
        st.sidebar.warning(ctx.t("dataset_unknown"))


def data_warning_badge(ctx: Context, data_page: st.Page) -> None:
    """A sidebar link to the Data page when rows were excluded (after st.navigation)."""
    excluded = ctx.ds.report.excluded_rows
    if excluded:
        st.sidebar.page_link(data_page, label=ctx.t("data_warning_badge", count=excluded))


def context() -> Context:
    """The context app.py built in this run (pages run after it)."""
    return st.session_state[_CONTEXT_KEY]


def set_view(**changes) -> None:
    """Change selections kept in the URL (teams, agent, scheme…): the sidebar and the
    address follow from the next run on (in a callback: from the run it triggers)."""
    for key, value in changes.items():
        st.session_state[f"w_{key}"] = value


def switch_page_keeping_view(page: str, ctx: Context, extra: dict | None = None) -> None:
    """Open `page` showing this run's view (and the page keys of `extra`). `st.switch_page`
    reruns without the browser's widget values, which would put the language, period and
    filters back to their first options (seen: a click on an English Overview opened a
    Chinese Diagnostics for the last month); the view goes in the link instead, and the
    widgets are seeded from it again."""
    st.session_state[_SEEDED_KEY] = False
    query = {**to_query(ctx.view), DATASET_KEY: ctx.dataset.key, **(extra or {})}
    st.switch_page(page, query_params=query)
