"""What each part of the appraisal pages draws.

Appraisal periods (leadership, supervisors): the period and its state, the steps
leadership takes (close, publish, reopen, the period kind), the frozen (or live,
provisional) table, the awards with their probability of being first, the payroll export,
the appeals to resolve, the feedback talks, the history and recommendations, the audit
trail. My results (an agent; others see it as the agent chosen would): the agent's own
published results only, their history, their feedback talk and their appeals.

Every step runs in a button callback through scoring.stores.periods, which checks the
session's grant and the period's state and writes nothing when one is wrong; the outcome
is shown once after the rerun (`flash`).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard.app import cache
from dashboard.app.shell import Context
from dashboard.appraisal import data
from dashboard.ui import charts, notices, tables
from dashboard.ui.labels import grade_label, kpi_value
from dashboard.ui.markup import md, md_list
from scoring.analyses.appraisal import awards, closing, history
from scoring.analyses.appraisal.closing import Frozen
from scoring.analyses.appraisal.periods import KINDS
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import Visible
from scoring.stores import periods as period_store
from scoring.stores.periods import PeriodError, PeriodState, PeriodStore
from scoring.stores.sqlite_files import Unavailable

TEXT = st.column_config.TextColumn
NUMBER = st.column_config.NumberColumn
_FLASH = "_appraisal_flash"
EMPTY = ""


def _key(name: str) -> str:
    return f"appraisal_{name}"


def flash() -> None:
    notices.show(_FLASH)


def _problems(ctx: Context, error: PeriodError) -> str:
    return "; ".join(
        ctx.t(f"appraisal_problem_{code}", what=md(what)) for code, what in error.problems
    )


def _run(ctx: Context, step, done: str, **values) -> None:
    """A step in a callback: the outcome kept for the next run's `flash`."""
    try:
        result = step()
    except PeriodError as exc:
        notices.keep(_FLASH, "error", ctx.t("appraisal_refused", problems=_problems(ctx, exc)))
        return
    except Unavailable as exc:
        text = ctx.t(
            f"state_{exc.problem}",
            what=ctx.t("appraisal_store"),
            folder=md(exc.folder),
            detail=md(exc.detail),
        )
        notices.keep(_FLASH, "error", text)
        return
    notices.keep(_FLASH, "success", ctx.t(done, result=result, **values))


def _author(ctx: Context) -> str:
    return ctx.grant.user or ""


# ---------------------------------------------------------------------------------------
# Words


def status_word(ctx: Context, state: PeriodState) -> str:
    return ctx.t(f"appraisal_status_{state.status}")


def period_option(ctx: Context, own: PeriodStore, period_id: str, agent_view: bool) -> str:
    """A period in the chooser: its id only (a label that changes with the period's state
    would leave a stale label in the open browser after a step)."""
    return period_id


def source_words(ctx: Context, source: str) -> str:
    """Where a period's policy came from (`policy_in_force`'s code), in words, escaped."""
    kind, _, name = source.partition(":")
    if kind == "scenario":
        return ctx.t("appraisal_source_scenario", name=md(name))
    scheme = cache.weight_schemes().get(name)
    label = scheme.label(ctx.lang) if scheme is not None else name
    return ctx.t("appraisal_source_scheme", name=md(label))


def _text_table(ctx: Context, table: pd.DataFrame, key: str, headers: str) -> None:
    """A table of words, each column headed by the text `<headers><column>`."""
    st.dataframe(
        table,
        hide_index=True,
        key=_key(key),
        placeholder=EMPTY,
        column_config={c: TEXT(ctx.t(f"{headers}{c}")) for c in table.columns},
    )


def _grade(value, lang: str) -> str:
    return grade_label(value if isinstance(value, str) else None, lang)


def _award(ctx: Context, code: str) -> str:
    return ctx.t(f"appraisal_award_{code}") if code else ""


# ---------------------------------------------------------------------------------------
# The leadership view: period, state and steps


def kind_control(ctx: Context, own: PeriodStore) -> None:
    """The dataset's period kind: leadership over every team sets it; others read it."""
    kind = own.kind()
    if not data.leads_all(ctx):
        st.caption(ctx.t("appraisal_kind_is", kind=ctx.t(f"appraisal_kind_{kind}")))
        return
    with st.expander(ctx.t("appraisal_kind_title", kind=ctx.t(f"appraisal_kind_{kind}"))):
        st.selectbox(
            ctx.t("appraisal_kind"),
            KINDS,
            index=KINDS.index(kind),
            format_func=lambda k: ctx.t(f"appraisal_kind_{k}"),
            key=_key("kind"),
        )

        def save() -> None:
            chosen = st.session_state[_key("kind")]
            _run(
                ctx,
                lambda: own.set_kind(chosen, ctx.grant, _author(ctx)),
                "appraisal_kind_saved",
                kind=ctx.t(f"appraisal_kind_{chosen}"),
            )

        st.button(ctx.t("appraisal_kind_save"), on_click=save, key=_key("kind_save"))


def choose_period(ctx: Context, own: PeriodStore, options: list[str], agent_view=False) -> str:
    return st.selectbox(
        ctx.t("appraisal_period"),
        options,
        format_func=lambda p: period_option(ctx, own, p, agent_view),
        key=_key("period_mine" if agent_view else "period"),
    )


def state_banner(ctx: Context, state: PeriodState, shown: data.Shown) -> None:
    if state.status == "draft":
        st.warning(ctx.t("appraisal_provisional"))
    elif state.status == "reopened":
        st.warning(
            ctx.t("appraisal_reopened", reason=md(state.reopen_reason), version=state.current)
        )
    elif state.status == "closed":
        st.info(ctx.t("appraisal_closed_unpublished", version=state.current))
    else:
        st.success(ctx.t("appraisal_published", version=state.published))
    record = shown.record
    if record is not None and not shown.provisional:
        st.caption(
            ctx.t(
                "appraisal_record_caption",
                version=record.version,
                author=md(record.author or "—"),
                at=md(record.created_at),
                source=source_words(ctx, record.policy_source),
                fingerprint=md(record.frozen.fingerprint[:12]),
                excluded=len(record.excluded),
            )
        )
        if record.frozen.fingerprint != closing.data_fingerprint(cache.dataset(ctx.path)):
            st.caption(ctx.t("appraisal_data_changed"))


def steps_section(ctx: Context, own: PeriodStore, state: PeriodState) -> None:
    """Close, publish and reopen: leadership over every team."""
    if not data.leads_all(ctx):
        return
    period_id = state.period.id
    st.subheader(ctx.t("appraisal_steps"))
    if state.status in ("draft", "reopened"):
        chosen, source = data.policy(ctx)
        st.caption(ctx.t("appraisal_close_with", source=source_words(ctx, source)))
        st.text_input(ctx.t("appraisal_close_reason"), key=_key("close_reason"), max_chars=200)

        def close() -> None:
            ds = cache.dataset(ctx.path)
            objectives = cache.objectives_in_force(ctx.path, ctx.state_dir)
            reason = st.session_state.get(_key("close_reason"), "")
            _run(
                ctx,
                lambda: period_store.close_period(
                    own,
                    ds,
                    period_id,
                    policy=chosen,
                    policy_source=source,
                    targets=ctx.targets,
                    objectives=objectives,
                    grant=ctx.grant,
                    author=_author(ctx),
                    reason=reason,
                    repeat_days=ctx.repeat_days,
                ),
                "appraisal_closed_done",
                period=period_id,
            )

        st.button(ctx.t("appraisal_close"), on_click=close, key=_key("close"), type="primary")
        return
    if state.status == "closed":

        def publish() -> None:
            _run(
                ctx,
                lambda: own.publish(period_id, ctx.grant, _author(ctx)),
                "appraisal_published_done",
                period=period_id,
            )

        st.button(ctx.t("appraisal_publish"), on_click=publish, key=_key("publish"), type="primary")
    st.text_input(ctx.t("appraisal_reopen_reason"), key=_key("reopen_reason"), max_chars=200)

    def reopen() -> None:
        reason = st.session_state.get(_key("reopen_reason"), "")
        _run(
            ctx,
            lambda: own.reopen(period_id, ctx.grant, _author(ctx), reason),
            "appraisal_reopened_done",
            period=period_id,
        )

    st.button(ctx.t("appraisal_reopen"), on_click=reopen, key=_key("reopen"))


# ---------------------------------------------------------------------------------------
# The table, the awards, the export


def results_table(ctx: Context, frozen: Frozen, payouts: bool) -> pd.DataFrame:
    """The visible agents' frozen rows in words (payout only for leadership)."""
    rows = closing.visible_agents(frozen, ctx.visible)
    shown = pd.DataFrame(
        {
            "agent_id": rows["agent_id"],
            "name": rows["name"],
            "team": rows["team"],
            "tickets": rows["tickets"],
            "composite": rows["composite"],
            "grade": [_grade(g, ctx.lang) for g in rows["grade"]],
            "dept_rank": rows["dept_rank"],
            "team_rank": rows["team_rank"],
            "award": [_award(ctx, a) for a in rows["award"]],
        }
    )
    if payouts:
        shown.insert(len(shown.columns) - 1, "payout", rows["payout"].round(2))
    return shown.sort_values("dept_rank", na_position="last").reset_index(drop=True)


def table_section(ctx: Context, shown: data.Shown) -> None:
    st.subheader(ctx.t("appraisal_table"))
    if shown.provisional:
        st.caption(ctx.t("appraisal_table_provisional"))
    table = results_table(ctx, shown.frozen, data.leads_all(ctx))
    config = {c: TEXT(ctx.t(f"appraisal_col_{c}")) for c in table.columns}
    config |= {
        c: NUMBER(ctx.t(f"appraisal_col_{c}")) for c in ("tickets", "dept_rank", "team_rank")
    }
    config["composite"] = NUMBER(ctx.t("appraisal_col_composite"), format="%.1f")
    if "payout" in table:
        config["payout"] = NUMBER(ctx.t("appraisal_col_payout"), format="%.2f")
    st.dataframe(table, hide_index=True, column_config=config, placeholder=EMPTY, key=_key("table"))


def _who(ctx: Context, frozen: Frozen, which: str, candidate_id: str) -> str:
    """A candidate named only where the session may see them (Markdown-escaped)."""
    if which == "excellent_team":
        name = candidate_id if ctx.visible.allows_team(candidate_id) else None
    else:
        rows = closing.visible_agents(frozen, ctx.visible)
        mine = rows[rows["agent_id"] == candidate_id]
        name = None if mine.empty else f"{mine.iloc[0]['name']} ({candidate_id})"
    return md(name if name is not None else ctx.t("appraisal_award_someone"))


def awards_section(ctx: Context, frozen: Frozen) -> None:
    st.subheader(ctx.t("appraisal_awards"))
    st.caption(
        ctx.t("appraisal_awards_rule", confidence=f"{awards.CONFIDENCE:.0%}", draws=awards.DRAWS)
    )
    for which in ("service_star", "excellent_team"):
        found = frozen.awards.get(which) or {}
        code = found.get("code", "too_few")
        title = ctx.t(f"appraisal_award_{which}")
        if code == "awarded":
            winner = _who(ctx, frozen, which, found["winner"])
            st.markdown(
                ctx.t(
                    "appraisal_award_won", award=title, winner=winner, p=f"{found['p_first']:.0%}"
                )
            )
            continue
        names = ", ".join(
            f"{_who(ctx, frozen, which, c['id'])} {c['p_first']:.0%}"
            for c in found.get("candidates", [])
        )
        st.markdown(ctx.t(f"appraisal_award_{code}", award=title, candidates=names or "—"))


def export_section(ctx: Context, shown: data.Shown) -> None:
    """The payroll / HR export of a closed version: leadership over every team only."""
    if not data.leads_all(ctx) or shown.record is None or shown.provisional:
        return
    record = shown.record
    st.subheader(ctx.t("appraisal_export"))
    st.caption(ctx.t("appraisal_export_caption", period=record.period, version=record.version))
    tables.download_buttons(
        (ctx.t("download_csv"), ctx.t("download_excel")),
        f"payroll_{record.period}_v{record.version}",
        {"payroll": period_store.payroll(record)},
        key_prefix=_key("payroll_"),
    )


# ---------------------------------------------------------------------------------------
# Appeals


def appeals_table(ctx: Context, state: PeriodState, record) -> pd.DataFrame:
    rows = period_store.appeals_table(state, record, ctx.visible)
    return pd.DataFrame(
        {
            "agent_id": rows["agent_id"],
            "kpi": [KPIS_BY_ID[k].label(ctx.lang) if k in KPIS_BY_ID else k for k in rows["kpi"]],
            "status": [ctx.t(f"appraisal_appeal_{s}") for s in rows["status"]],
            "version": [("" if v is None or v != v else f"v{int(v)}") for v in rows["version"]],
            "resolution": rows["resolution"],
            "reason": rows["reason"],
            "tickets": rows["tickets"],
            "filed_at": rows["filed_at"],
            "resolved_by": rows["resolved_by"],
        }
    )


def _show_appeals(ctx: Context, table: pd.DataFrame, key: str) -> None:
    _text_table(ctx, table, key, "appraisal_appeal_col_")


def appeals_section(ctx: Context, own: PeriodStore, state: PeriodState, record) -> None:
    """The period's appeals of the visible agents, and a form for the open ones."""
    st.subheader(ctx.t("appraisal_appeals"))
    table = appeals_table(ctx, state, record)
    if table.empty:
        st.caption(ctx.t("appraisal_appeals_none"))
        return
    _show_appeals(ctx, table, "appeals")
    visible = period_store.appeals_table(state, record, ctx.visible)
    waiting = visible[visible["status"] == "filed"]
    if waiting.empty or ctx.grant.role not in ("leadership", "supervisor"):
        return
    labels = {
        r["id"]: f"{r['agent_id']} · {r['kpi']} · {r['tickets']}"
        for r in waiting.to_dict("records")
    }
    chosen = st.selectbox(
        ctx.t("appraisal_resolve_which"),
        list(labels),
        format_func=labels.get,
        key=_key("resolve_which"),
    )
    _accept_preview(ctx, state, record, chosen, waiting)
    st.radio(
        ctx.t("appraisal_resolve_decision"),
        period_store.DECISIONS,
        horizontal=True,
        format_func=lambda d: ctx.t(f"appraisal_decision_{d}"),
        key=_key("decision"),
    )
    st.text_input(ctx.t("appraisal_resolve_reason"), key=_key("resolve_reason"), max_chars=300)

    def resolve() -> None:
        decision = st.session_state[_key("decision")]
        reason = st.session_state.get(_key("resolve_reason"), "")
        ds = cache.dataset(ctx.path)
        _run(
            ctx,
            lambda: period_store.resolve_appeal(
                own,
                ds,
                state.period.id,
                chosen,
                decision,
                reason,
                ctx.grant,
                _author(ctx),
                ctx.repeat_days,
            ),
            f"appraisal_resolved_{decision}",
        )

    st.button(ctx.t("appraisal_resolve"), on_click=resolve, key=_key("resolve"))


def _accept_preview(ctx: Context, state: PeriodState, record, appeal_id: str, waiting) -> None:
    """What accepting the chosen appeal would do to the appellant (it may also lower the
    result: a ticket left out can have counted in the agent's favour)."""
    if record is None:
        return
    agent_id = waiting.set_index("id").loc[appeal_id, "agent_id"]
    after = data.if_accepted(ctx, state, appeal_id, agent_id)
    before = record.frozen.agents.set_index("agent_id").loc[agent_id]
    if after is None:
        return

    def score(value) -> str:
        return "—" if pd.isna(value) else f"{value:.1f}"

    def rank(value) -> str:
        return "—" if pd.isna(value) else str(int(value))

    st.caption(
        ctx.t(
            "appraisal_if_accepted",
            agent=md(agent_id),
            before=score(before["composite"]),
            after=score(after["composite"]),
            grade_before=_grade(before["grade"], ctx.lang) or "—",
            grade_after=_grade(after["grade"], ctx.lang) or "—",
            rank_before=rank(before["dept_rank"]),
            rank_after=rank(after["dept_rank"]),
        )
    )


# ---------------------------------------------------------------------------------------
# Feedback talks


def _kpi_lines(ctx: Context, frozen: Frozen, agent_id: str, above: bool) -> list[str]:
    """The agent's KPIs at or above target (strengths), or below it worst first (advice),
    each with its value and the target it was judged against."""
    row = frozen.agents[frozen.agents["agent_id"] == agent_id]
    if row.empty:
        return []
    row = row.iloc[0]
    scored = [
        (row[f"{k}__score"], k) for k in frozen.kpis if row[f"{k}__score"] == row[f"{k}__score"]
    ]
    picked = sorted((s, k) for s, k in scored if (s >= 100) == above)
    picked = picked[::-1][:3] if above else picked[:3]
    lines = []
    for _, kpi_id in picked:
        k = KPIS_BY_ID[kpi_id]
        target = ctx.target_of(k)
        lines.append(
            ctx.t(
                "appraisal_talk_kpi_line",
                kpi=k.label(ctx.lang),
                value=kpi_value(k, row[f"{kpi_id}__value"], ctx.lang),
                target=kpi_value(k, target, ctx.lang),
            )
        )
    return lines


def talk_prefill(ctx: Context, frozen: Frozen, agent_id: str, team: str, period_id: str):
    """Strengths and improvement advice drafted from the evidence: the KPIs against their
    targets in the record, and the agent's capability gaps over the period."""
    strengths = _kpi_lines(ctx, frozen, agent_id, above=True)
    advice = _kpi_lines(ctx, frozen, agent_id, above=False)
    needs = data.capability_needs(ctx, agent_id, team, period_id)
    for need in needs.head(3).to_dict("records"):
        course = need["course"] if isinstance(need["course"], str) and need["course"] else "—"
        advice.append(
            ctx.t(
                "appraisal_talk_gap_line",
                skill=need["skill"],
                value=f"{need['value']:.0%}",
                reference=f"{need['reference']:.0%}",
                course=course,
            )
        )
    return "\n".join(strengths), "\n".join(advice)


def _talk_state(ctx: Context, talk) -> str:
    if talk is None:
        return ctx.t("appraisal_talk_none")
    if talk.acknowledged:
        return ctx.t("appraisal_talk_acknowledged", at=md(talk.answered_at))
    if talk.comment:
        return ctx.t("appraisal_talk_commented", at=md(talk.answered_at))
    return ctx.t("appraisal_talk_waiting", at=md(talk.held_at))


def talks_section(ctx: Context, own: PeriodStore, state: PeriodState, shown: data.Shown) -> None:
    """The supervisor's record of each visible agent's feedback talk on a closed period."""
    st.subheader(ctx.t("appraisal_talks"))
    if shown.record is None:
        st.caption(ctx.t("appraisal_talks_after_close"))
        return
    rows = closing.visible_agents(shown.record.frozen, ctx.visible)
    if rows.empty:
        return
    names = dict(zip(rows["agent_id"], rows["name"], strict=True))
    teams = dict(zip(rows["agent_id"], rows["team"], strict=True))
    agent_id = st.selectbox(
        ctx.t("appraisal_talk_agent"),
        list(names),
        format_func=lambda a: f"{names[a]} ({a})",
        key=_key("talk_agent"),
    )
    talk = state.talks.get(agent_id)
    st.caption(_talk_state(ctx, talk))
    if talk is not None and talk.comment:
        st.markdown(ctx.t("appraisal_talk_agent_comment", comment=md(talk.comment)))
    if ctx.grant.role not in ("leadership", "supervisor"):
        return
    strengths, advice = talk_prefill(
        ctx, shown.record.frozen, agent_id, teams[agent_id], state.period.id
    )
    with st.form(_key(f"talk_form_{agent_id}")):
        st.text_area(
            ctx.t("appraisal_talk_strengths"),
            value=talk.strengths if talk else strengths,
            key=_key(f"talk_strengths_{agent_id}"),
            max_chars=period_store.MAX_TEXT,
        )
        st.text_area(
            ctx.t("appraisal_talk_advice"),
            value=talk.advice if talk else advice,
            key=_key(f"talk_advice_{agent_id}"),
            max_chars=period_store.MAX_TEXT,
        )
        st.text_area(
            ctx.t("appraisal_talk_actions"),
            value=talk.actions if talk else "",
            key=_key(f"talk_actions_{agent_id}"),
            max_chars=period_store.MAX_TEXT,
        )
        default_review = state.period.end + timedelta(days=30)
        st.date_input(
            ctx.t("appraisal_talk_next"),
            value=_review_day(talk, default_review),
            key=_key(f"talk_next_{agent_id}"),
        )
        submitted = st.form_submit_button(ctx.t("appraisal_talk_save"))
    if submitted:
        values = {
            name: st.session_state[_key(f"talk_{name}_{agent_id}")]
            for name in ("strengths", "advice", "actions")
        }
        review = st.session_state[_key(f"talk_next_{agent_id}")]
        _run(
            ctx,
            lambda: own.save_talk(
                state.period.id,
                agent_id,
                ctx.grant,
                author=_author(ctx),
                next_review=review,
                **values,
            ),
            "appraisal_talk_saved",
        )
        st.rerun()


def _review_day(talk, default: date) -> date:
    if talk is not None and talk.next_review:
        try:
            return date.fromisoformat(talk.next_review)
        except ValueError:
            return default
    return default


# ---------------------------------------------------------------------------------------
# History and recommendations


def summary_table(ctx: Context, summary: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agent_id": summary["agent_id"],
            "name": summary["name"],
            "team": summary["team"],
            "periods": summary["periods"],
            "mean": summary["mean"].round(1),
            "trend": summary["trend"].round(1),
            "spread": summary["spread"].round(1),
            "latest_grade": [_grade(g, ctx.lang) for g in summary["latest_grade"]],
            "recommendation": [
                ctx.t(f"appraisal_rec_{r}") if r else "" for r in summary["recommendation"]
            ],
            "weakest": [
                ", ".join(KPIS_BY_ID[k].label(ctx.lang) for k in w.split(", ") if k)
                for w in summary["weakest"]
            ],
        }
    )


def history_section(ctx: Context, own: PeriodStore) -> None:
    st.subheader(ctx.t("appraisal_history"))
    records = data.closed_records(ctx, own, published_only=False)
    _, summary = data.agent_history(ctx, records, ctx.visible)
    if summary.empty:
        st.caption(ctx.t("appraisal_history_none"))
        return
    st.caption(ctx.t("appraisal_history_caption", periods=len(records), decline=history.DECLINE))
    table = summary_table(ctx, summary)
    _text_table(ctx, table, "history", "appraisal_hist_")


def audit_section(ctx: Context, state: PeriodState, record) -> None:
    """Every step of the period, oldest first (who, when, what); a step about an agent
    (an appeal, a talk) only where the session may see the agent."""
    teams = (
        {}
        if record is None
        else dict(zip(record.frozen.agents["agent_id"], record.frozen.agents["team"], strict=True))
    )
    with st.expander(ctx.t("appraisal_audit")):
        rows = []
        for e in state.events:
            agent_id = _agent_of(state, e)
            if agent_id is not None and not ctx.visible.allows_agent(agent_id, teams.get(agent_id)):
                continue
            rows.append(
                {
                    "when": e.created_at,
                    "who": e.author,
                    "what": ctx.t(f"appraisal_event_{e.type}"),
                    "detail": _event_detail(e, agent_id),
                }
            )
        table = pd.DataFrame(rows, columns=["when", "who", "what", "detail"])
        _text_table(ctx, table, "audit", "appraisal_audit_")
        if state.skipped:
            st.warning(ctx.t("appraisal_store_problem", files=md_list(state.skipped, "; ")))


def _agent_of(state: PeriodState, e) -> str | None:
    """The agent a step is about (None: a step about the period)."""
    if e.get("agent_id") is not None:
        return str(e.get("agent_id"))
    appeal = state.appeals.get(str(e.get("appeal"))) if e.get("appeal") else None
    return None if appeal is None else appeal.agent_id


def _event_detail(e, agent_id: str | None) -> str:
    parts = [
        f"v{e.get('version')}" if e.get("version") else "",
        agent_id or "",
        e.get("decision") or "",
        e.get("reason") or "",
    ]
    return " · ".join(p for p in map(str, parts) if p)


# ---------------------------------------------------------------------------------------
# My results (the agent's own view)


def my_agent(ctx: Context, frozen: Frozen) -> str | None:
    """Whose results: the agent's own; for other roles, an agent of the visible scope in the
    record, to see the page as that agent sees it (published results only)."""
    if ctx.grant.role == "agent":
        return ctx.grant.agent_id
    st.caption(ctx.t("appraisal_mine_preview"))
    rows = closing.visible_agents(frozen, ctx.visible)
    if rows.empty:
        return None
    names = dict(zip(rows["agent_id"], rows["name"], strict=True))
    return st.selectbox(
        ctx.t("appraisal_mine_agent"),
        list(names),
        format_func=lambda a: f"{names[a]} ({a})",
        key=_key("mine_agent"),
    )


def published_periods(ctx: Context, own: PeriodStore) -> list[str]:
    return [p for p in own.period_ids() if own.state(p).published is not None]


def my_result_section(ctx: Context, frozen: Frozen, agent_id: str, team: str | None) -> None:
    rows = closing.visible_agents(frozen, Visible(None if team is None else (team,), (agent_id,)))
    if rows.empty:
        st.info(ctx.t("appraisal_mine_not_in"))
        return
    row = rows.iloc[0]
    columns = st.columns(4)
    composite = "—" if pd.isna(row["composite"]) else f"{row['composite']:.1f}"
    rank = "—" if pd.isna(row["dept_rank"]) else str(int(row["dept_rank"]))
    values = (
        ("appraisal_col_composite", composite),
        ("appraisal_col_grade", _grade(row["grade"], ctx.lang) or ctx.t("appraisal_not_graded")),
        ("appraisal_col_dept_rank", rank),
        ("appraisal_col_payout", f"{row['payout']:.2f}"),
    )
    for column, (label, value) in zip(columns, values, strict=True):
        column.metric(ctx.t(label), value)
    if row["award"]:
        st.success(ctx.t("appraisal_mine_award", award=_award(ctx, row["award"])))
    kpis = []
    for kpi_id in frozen.kpis:
        k = KPIS_BY_ID[kpi_id]
        score = row[f"{kpi_id}__score"]
        kpis.append(
            {
                "kpi": k.label(ctx.lang),
                "value": kpi_value(k, row[f"{kpi_id}__value"], ctx.lang) or "—",
                "cases": ""
                if pd.isna(row[f"{kpi_id}__cases"])
                else f"{row[f'{kpi_id}__cases']:.0f}",
                "score": "" if pd.isna(score) else f"{score:.0f}",
            }
        )
    table = pd.DataFrame(kpis, columns=["kpi", "value", "cases", "score"])
    _text_table(ctx, table, "mine_kpis", "appraisal_mine_col_")


def my_history_section(ctx: Context, own: PeriodStore, agent_id: str, team: str | None) -> None:
    st.subheader(ctx.t("appraisal_mine_history"))
    visible = Visible(None if team is None else (team,), (agent_id,))
    rows, summary = data.agent_history(ctx, data.closed_records(ctx, own, True), visible)
    if rows.empty:
        st.caption(ctx.t("appraisal_history_none"))
        return
    if len(rows) >= 2:
        figure = charts.plain_figure(
            [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": rows["period"].tolist(),
                    "y": rows["composite"].tolist(),
                    "name": ctx.t("appraisal_col_composite"),
                }
            ],
            {
                "title": charts.title_of(ctx.t("appraisal_mine_trend")),
                "xaxis": {"type": "category"},
            },
            height=260,
        )
        st.plotly_chart(figure, key=_key("mine_chart"))
    table = pd.DataFrame(
        {
            "period": rows["period"],
            "composite": rows["composite"],
            "grade": [_grade(g, ctx.lang) for g in rows["grade"]],
            "dept_rank": rows["dept_rank"],
            "award": [_award(ctx, a) for a in rows["award"]],
        }
    )
    _text_table(ctx, table, "mine_history", "appraisal_col_")
    if not summary.empty:
        mine = summary.iloc[0]
        if mine["recommendation"]:
            st.info(ctx.t(f"appraisal_rec_{mine['recommendation']}_mine"))


def my_talk_section(ctx: Context, own: PeriodStore, state: PeriodState, agent_id: str) -> None:
    st.subheader(ctx.t("appraisal_talks"))
    talk = state.talks.get(agent_id)
    if talk is None:
        st.caption(ctx.t("appraisal_talk_none"))
        return
    for label, value in (
        ("appraisal_talk_strengths", talk.strengths),
        ("appraisal_talk_advice", talk.advice),
        ("appraisal_talk_actions", talk.actions),
    ):
        st.markdown(f"**{ctx.t(label)}**")
        st.text(value or "—")
    st.caption(
        ctx.t("appraisal_talk_next_is", day=md(talk.next_review or "—"), by=md(talk.held_by or "—"))
    )
    st.caption(_talk_state(ctx, talk))
    if ctx.grant.role != "agent":
        return
    st.text_input(ctx.t("appraisal_talk_comment"), key=_key("talk_comment"), max_chars=500)

    def answer(acknowledged: bool) -> None:
        comment = st.session_state.get(_key("talk_comment"), "")
        _run(
            ctx,
            lambda: own.answer_talk(
                state.period.id,
                agent_id,
                ctx.grant,
                acknowledged=acknowledged,
                comment=comment,
                author=_author(ctx),
            ),
            "appraisal_talk_answered",
        )

    left, right, _ = st.columns([1, 1, 3])
    left.button(
        ctx.t("appraisal_talk_acknowledge"), on_click=answer, args=(True,), key=_key("acknowledge")
    )
    right.button(
        ctx.t("appraisal_talk_comment_only"),
        on_click=answer,
        args=(False,),
        key=_key("comment_only"),
    )


def my_appeals_section(
    ctx: Context, own: PeriodStore, state: PeriodState, record, agent_id: str, team: str | None
) -> None:
    st.subheader(ctx.t("appraisal_appeals"))
    visible = Visible(None if team is None else (team,), (agent_id,))
    rows = period_store.appeals_table(state, record, visible)
    if rows.empty:
        st.caption(ctx.t("appraisal_appeals_none_mine"))
    else:
        table = appeals_table(ctx, state, record)
        _show_appeals(ctx, table[table["agent_id"] == agent_id], "mine_appeals")
    if ctx.grant.role != "agent":
        return
    st.markdown(f"**{ctx.t('appraisal_appeal_file')}**")
    st.caption(ctx.t("appraisal_appeal_file_caption"))
    kpis = list(record.frozen.kpis)
    st.selectbox(
        ctx.t("appraisal_appeal_kpi"),
        kpis,
        format_func=lambda k: KPIS_BY_ID[k].label(ctx.lang),
        key=_key("appeal_kpi"),
    )
    owned = data.owned_tickets(ctx, agent_id, state.period.id)
    st.multiselect(
        ctx.t("appraisal_appeal_tickets"),
        owned,
        placeholder=ctx.t("appraisal_appeal_tickets_placeholder"),
        key=_key("appeal_tickets"),
        max_selections=period_store.MAX_TICKETS,
    )
    st.text_area(ctx.t("appraisal_appeal_reason"), key=_key("appeal_reason"), max_chars=1000)

    def file() -> None:
        _run(
            ctx,
            lambda: own.file_appeal(
                state.period.id,
                agent_id,
                st.session_state[_key("appeal_kpi")],
                st.session_state.get(_key("appeal_tickets"), []),
                st.session_state.get(_key("appeal_reason"), ""),
                ctx.grant,
                set(owned),
                author=_author(ctx),
            ),
            "appraisal_appeal_filed_done",
        )

    st.button(ctx.t("appraisal_appeal_submit"), on_click=file, key=_key("appeal_submit"))
