"""The diagnostics page's improvement actions (改进措施): the store, the actions as markers on
the trend, the list with its status switch, and the form for a new action.

Actions live in the SQLite store of the state folder (`scoring.stores.actions`), read and written
within the session's visible scope: a supervisor sees, adds and changes their teams'
actions only; roles that do not edit actions (an agent) see theirs without the controls.
A saved action leaves a one-line message in session state for the next run. A store that
was repaired, or cannot be read or written now, is told in the actions section (the trend
then has no markers); the rest of the page is drawn as ever.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard.app import cache as data
from dashboard.app.saved_state import problem_text, warn_if_repaired
from dashboard.app.shell import Context, labelled
from dashboard.diagnostics import data as dd
from dashboard.diagnostics.sections import MISSING, kpi_ids
from dashboard.ui.labels import kpi_label
from dashboard.ui.markup import md
from scoring.analyses.diagnostics import Scope
from scoring.registry.kpis import KPI
from scoring.stores import actions
from scoring.stores.sqlite_files import Unavailable

SAVED_KEY = "diagnostics_saved"  # the message of the action saved in the last run
RESET_KEY = "diagnostics_form_reset"  # set by a save: the next run draws an empty form
MEASURE_KEY, OWNER_KEY = "diagnostics_measure", "diagnostics_owner"
FORM_KEYS = (MEASURE_KEY, OWNER_KEY, "diagnostics_action_start", "diagnostics_action_due")
MARKER_LENGTH = 24  # characters of the measure shown on the trend


def open_store(ctx: Context) -> actions.ActionStore:
    """The action store of the dataset's state folder (`actions_section` tells its state)."""
    return dd.action_store(str(ctx.state_dir))


def trend_markers(
    ctx: Context, store: actions.ActionStore, scope: Scope, k: KPI
) -> list[tuple[date, str]]:
    """(start date, "#id measure…") of the scope's actions on this KPI; at the agent level,
    the team's actions and the agent's own; none when the store cannot be read now (the
    actions section says why)."""
    try:
        listed = store.list(ctx.visible, team=scope.team, kpi=k.id)
    except Unavailable:
        return []
    return [
        (a.start_date, f"#{a.id} {_shortened(a.measure)}")
        for a in listed
        if scope.level != "agent" or a.agent_id in (None, scope.agent)
    ]


def _shortened(text: str) -> str:
    return text if len(text) <= MARKER_LENGTH else text[: MARKER_LENGTH - 1] + "…"


def status_label(ctx: Context, status: str) -> str:
    return ctx.t(f"diagnostics_status_{status}")


def action_rows(ctx: Context, listed: list[actions.Action]) -> list[dict]:
    names = dd.names(ctx.path, ctx.visible)
    return [
        {
            "id": a.id,
            "team": a.team,
            "agent_id": a.agent_id or "",
            "name": names.get(a.agent_id, "") if a.agent_id else "",
            "kpi": kpi_label(a.kpi, ctx.lang),
            "measure": a.measure,
            "owner": a.owner,
            "start_date": a.start_date,
            "due_date": a.due_date,
            "status": status_label(ctx, a.status),
            "created_at": a.created_at,
        }
        for a in listed
    ]


def actions_table(ctx: Context, listed: list[actions.Action]) -> None:
    st.dataframe(
        action_rows(ctx, listed),
        hide_index=True,
        placeholder=MISSING,
        column_config={
            "id": ctx.t("diagnostics_action_id"),
            "team": ctx.t("diagnostics_action_team"),
            "agent_id": ctx.t("diagnostics_action_agent"),
            "name": ctx.t("name"),
            "kpi": ctx.t("diagnostics_action_kpi"),
            "measure": ctx.t("diagnostics_action_measure"),
            "owner": ctx.t("diagnostics_action_owner"),
            "start_date": ctx.t("diagnostics_action_start"),
            "due_date": ctx.t("diagnostics_action_due"),
            "status": ctx.t("diagnostics_action_status"),
            "created_at": ctx.t("diagnostics_action_created"),
        },
        key="diagnostics_actions_table",
    )


def status_switch(ctx: Context, store: actions.ActionStore, listed: list[actions.Action]) -> None:
    """Pick an action and a status; the button saves it and reruns."""
    status_id, status_value, status_button = st.columns([1, 1, 1], vertical_alignment="bottom")
    measures = {a.id: _shortened(a.measure) for a in listed}
    action_id = status_id.selectbox(
        ctx.t("diagnostics_action_set_status"),
        list(measures),
        format_func=lambda i: f"#{i} {measures[i]}",
        key="diagnostics_status_action",
    )
    new_status = status_value.selectbox(
        ctx.t("diagnostics_action_status"),
        actions.STATUSES,
        format_func=lambda s: status_label(ctx, s),
        key=labelled("diagnostics_status_value"),
    )
    if status_button.button(ctx.t("diagnostics_action_update"), key="diagnostics_status_update"):
        try:
            store.set_status(ctx.visible, action_id, new_status)
        except (KeyError, PermissionError):
            st.error(ctx.t("diagnostics_action_refused"))
            return
        except Unavailable as error:
            st.error(problem_text(ctx, error, "actions"))
            return
        st.rerun()


def actions_section(ctx: Context, scope: Scope, store: actions.ActionStore) -> None:
    """The actions of the scope's team (at the department level, of every visible team)."""
    st.subheader(ctx.t("diagnostics_actions"))
    try:
        listed = store.list(ctx.visible, team=scope.team)
    except Unavailable as error:
        st.error(problem_text(ctx, error, "actions"))
        return
    warn_if_repaired(ctx, store.repair, "actions")
    if st.session_state.get(SAVED_KEY):
        st.success(st.session_state.pop(SAVED_KEY))
    st.markdown(
        ctx.t("diagnostics_actions_of", team=md(scope.team))
        if scope.team
        else ctx.t("diagnostics_actions_all")
    )
    if listed:
        actions_table(ctx, listed)
        if ctx.grant.edits_actions:
            status_switch(ctx, store, listed)
    else:
        st.markdown(ctx.t("diagnostics_no_actions"))


def form_problem(ctx: Context, owner: str, measure: str, start_date, due_date) -> str | None:
    """Why the new action cannot be saved, or None."""
    if not (owner or "").strip():
        return ctx.t("diagnostics_action_empty_owner")
    if not (measure or "").strip():
        return ctx.t("diagnostics_action_empty_measure")
    if start_date and due_date and due_date < start_date:
        return ctx.t("diagnostics_action_bad_dates")
    return None


def reset_after_save() -> None:
    """After a save, empty the form's texts and dates (before its widgets are drawn: a
    widget's state cannot change once it is), so that a second click saves no duplicate. A
    refused or failed save leaves them as typed."""
    if st.session_state.pop(RESET_KEY, False):
        for key in FORM_KEYS:
            st.session_state.pop(key, None)


def new_action_form(ctx: Context, scope: Scope, store: actions.ActionStore, k: KPI) -> None:
    """A new action for a visible team and KPI (the scope's, by default). At the agent
    level an action for the agent's own team is the agent's. Not drawn for a role that does
    not edit actions; the store refuses a team outside the scope whatever the form sent."""
    if not ctx.grant.edits_actions:
        return
    reset_after_save()
    teams = [t for t in data.filter_options(ctx.path)["teams"] if ctx.visible.allows_team(t)]
    ids = kpi_ids(ctx)
    with st.form("diagnostics_action_form", clear_on_submit=False):
        st.markdown(f"**{ctx.t('diagnostics_action_new')}**")
        one, two = st.columns(2)
        measure = one.text_area(ctx.t("diagnostics_action_measure"), key=MEASURE_KEY)
        owner = two.text_input(ctx.t("diagnostics_action_owner"), key=OWNER_KEY)
        action_team = two.selectbox(
            ctx.t("diagnostics_action_team"),
            teams,
            index=teams.index(scope.team) if scope.team in teams else 0,
            key=f"diagnostics_action_team_{scope.team}",
        )
        three, four, five, six = st.columns(4)
        action_kpi = three.selectbox(
            ctx.t("diagnostics_action_kpi"),
            ids,
            index=ids.index(k.id),
            format_func=lambda kpi_id: kpi_label(kpi_id, ctx.lang),
            key=labelled("diagnostics_action_kpi"),
        )
        today = ctx.view.end or date.today()
        start_date = four.date_input(
            ctx.t("diagnostics_action_start"), value=today, key="diagnostics_action_start"
        )
        due_date = five.date_input(
            ctx.t("diagnostics_action_due"),
            value=today + timedelta(days=30),
            key="diagnostics_action_due",
        )
        status = six.selectbox(
            ctx.t("diagnostics_action_status"),
            actions.STATUSES,
            format_func=lambda s: status_label(ctx, s),
            key=labelled("diagnostics_action_status_new"),
        )
        submitted = st.form_submit_button(ctx.t("diagnostics_action_save"))
    if not submitted:
        return
    problem = form_problem(ctx, owner, measure, start_date, due_date)
    if problem is None:
        agent = scope.agent if scope.level == "agent" and action_team == scope.team else None
        try:
            saved = store.add(
                ctx.visible,
                action_team,
                action_kpi,
                measure,
                owner,
                start_date,
                due_date,
                status,
                agent,
            )
        except ValueError as error:
            problem = str(error)
        except PermissionError:
            problem = ctx.t("diagnostics_action_refused")
        except Unavailable as error:
            problem = problem_text(ctx, error, "actions")
    if problem is None:
        st.session_state[SAVED_KEY] = ctx.t(
            "diagnostics_action_saved", id=saved.id, team=md(saved.team)
        )
        st.session_state[RESET_KEY] = True
        st.rerun()
    else:
        st.error(ctx.t("diagnostics_action_invalid", problem=problem))
