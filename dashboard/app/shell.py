"""The shared sidebar and the context every page reads (dataset, filters, language).

app.py calls `build_context()` on each run; pages call `context()` to read it. Widget
values start from the URL and are written back to it, so the address bar always holds
exactly what the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import streamlit as st

from dashboard.app import cache as data
from dashboard.app.app_settings import app_setting
from dashboard.app.state import (
    LIST_KEYS,
    PRESETS,
    ViewState,
    from_query,
    page_keys,
    preset_range,
    to_query,
)
from dashboard.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from scoring.access import Grant
from scoring.data.dataset import Dataset, DatasetError
from scoring.data.quality import Problem
from scoring.engine import schemes
from scoring.scope import Visible

_CONTEXT_KEY = "_context"
_LABELLED_KEY = "_labelled_widgets"


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

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def visible(self) -> Visible:
        """What this session may be shown: its grant clamped to its filter."""
        return Visible.of(self.view.filters())

    def t(self, key: str, **values) -> str:
        return t(key, self.view.lang, **values)


def _query_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _init_widgets(view: ViewState) -> None:
    """Seed widget state from the URL the first time a session sees it."""
    if st.session_state.get("_seeded"):
        return
    st.session_state["_seeded"] = True
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


def _sidebar(path: str, view: ViewState, grant: Grant) -> ViewState:
    first, last = data.data_range(path)
    last = last or date.today()
    options = data.filter_options(path)
    options = {**options, "teams": grant.team_options(options["teams"])}
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
            chosen = st.date_input(
                t("date_range", lang),
                value=st.session_state.get("w_range", (first or last, last)),
                min_value=first,
                max_value=last,
                key="w_range",
            )
            start, end = (tuple(chosen) + (None, None))[:2] if chosen else (None, None)
        selections = {}
        for field, label in (
            ("teams", "teams"),
            ("channels", "channels"),
            ("categories", "categories"),
            ("segments", "segments"),
        ):
            if options[field]:
                selections[field] = tuple(
                    st.multiselect(
                        t(label, lang), options[field], key=f"w_{field}", placeholder=t("all", lang)
                    )
                )
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
    st.error(f"**{t('dataset_error_title', lang)}**: {path}")
    st.markdown(t("dataset_error_help", lang))
    for problem in error.details:
        st.markdown(f"- `{problem_text(problem, lang)}`")
    if error.report is not None:
        st.code(error.report.to_text(), language=None)


def requested_language() -> str:
    """The language of this session: the switch once touched, else the link, else Chinese."""
    lang = st.session_state.get("w_lang") or st.query_params.get("lang") or DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _grant_in(path: str, grant: Grant, lang: str) -> Grant | None:
    """The grant as this dataset allows it: an agent's grant gets the agent's team; None
    (after saying why) when none of its teams is in the dataset, rather than no filter."""
    if grant.agent_id is not None:
        grant = grant.for_team(data.agent_team(path, grant.agent_id))
    if grant.teams is None or grant.team_options(data.filter_options(path)["teams"]):
        return grant
    who = grant.agent_id or ", ".join(grant.teams)
    st.warning(t("access_nothing_here", lang, who=who))
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


def build_context(grant: Grant) -> Context | None:
    """Open the dataset, draw the sidebar, sync the URL. None when the data is unusable."""
    path = app_setting("data_dir")
    params = _query_params()
    lang_hint = requested_language()
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
    st.query_params.from_dict({**to_query(view), **page_keys(params)})
    ctx = Context(path, ds, view, int(app_setting("repeat_window_days")), grant)
    st.session_state[_CONTEXT_KEY] = ctx
    return ctx


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
