"""The Did it work? page's sections (效果评估), top to bottom: the change (filled by hand or
from an improvement action, a completed course or the official scheme), the verdict per KPI,
the numbers, the trends and the event study of one KPI, and the people side (attrition and
employee satisfaction).

Each section draws `scoring.analyses.effect` results and only words and formats them. The
control group is chosen over every team; a session that may not see all of its teams sees
it as "N untreated teams" (`control_label`), never their names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.app.shell import Context, labelled
from dashboard.effect import charts, data
from dashboard.ui.i18n import t
from dashboard.ui.labels import kpi_change, kpi_label, kpi_value
from dashboard.ui.markup import md
from scoring.analyses.effect import design
from scoring.registry.kpis import KPIS_BY_ID

DEFAULT_KPIS = ("first_response_median", "fcr", "csat")
CONTROL_MODES = ("auto", "hand", "none")
MAX_MONTHS = 12
MISSING = ""
SCHEME = "scheme"  # the source key of the official scheme
NUMBER = st.column_config.NumberColumn


@dataclass(frozen=True)
class Chosen:
    change: design.Change
    kpi_ids: tuple[str, ...]


# --- The change ------------------------------------------------------------------------------


def _sources(ctx: Context) -> dict[str, tuple[str, date, tuple[str, ...], tuple[str, ...]]]:
    """What a change can be filled from: key → (label, date, teams, agents)."""
    found = {}
    for action in data.actions(ctx):
        agents = (action.agent_id,) if action.agent_id else ()
        teams = () if agents else (action.team,)
        label = ctx.t(
            "effect_from_action", measure=action.measure, team=action.team, date=action.start_date
        )
        found[f"action:{action.id}"] = (label, action.start_date, teams, agents)
    courses = data.courses(ctx.path, ctx.visible)
    for (course, day), rows in courses.groupby(["course", "completed_on"], sort=False):
        label = ctx.t("effect_from_course", course=course, date=day, n=len(rows))
        found[f"course:{course}:{day}"] = (label, day, (), tuple(rows["agent_id"]))
    scheme = data.official_scheme(ctx)
    if scheme is not None:
        teams = tuple(sorted(data.agents(ctx.path, ctx.visible)["team"].unique()))
        found[SCHEME] = (ctx.t("effect_from_scheme", name=scheme[0]), scheme[1], teams, ())
    return found


def _fill_from_source(found: dict, span: tuple[date, date], teams: list, agents: list) -> None:
    """The chosen source's date (within the data's `span`) and treated group (of the
    widgets' options) into the widgets (on change)."""
    key = st.session_state.get("effect_source")
    if key in found:
        _, day, treated_teams, treated_agents = found[key]
        first, last = span
        st.session_state["effect_date"] = min(max(day, first), last) if first and last else day
        st.session_state["effect_teams"] = [t for t in treated_teams if t in teams]
        st.session_state["effect_agents"] = [a for a in treated_agents if a in agents]
        if key == SCHEME:  # every team changed: no team is left untreated to compare with
            st.session_state["effect_control_mode"] = "none"


def _keep_options(key: str, options: list) -> None:
    """Drop from a multiselect's state the choices that are no longer its options (another
    filter, a team now treated)."""
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]


def _defaults(ctx: Context, teams: list[str], kpis: list[str]) -> None:
    """First visit: the change on the first of the month in the middle of the data, the
    first visible team treated, the default KPIs the data has."""
    first, last = data.span(ctx.path)
    middle = first + (last - first) / 2 if first and last else date.today()
    st.session_state.setdefault("effect_date", middle.replace(day=1))
    st.session_state.setdefault("effect_teams", teams[:1])
    st.session_state.setdefault("effect_agents", [])
    st.session_state.setdefault("effect_kpis", [k for k in DEFAULT_KPIS if k in kpis] or kpis[:1])


def controls(ctx: Context) -> Chosen | None:
    """The change's widgets; None (with a note) until a treated group is chosen."""
    roster = data.agents(ctx.path, ctx.visible)
    teams = sorted(roster["team"].dropna().unique())
    kpis = data.effect_kpis(ctx.path)
    _defaults(ctx, teams, kpis)
    found = _sources(ctx)
    first, last = data.span(ctx.path)
    names = dict(zip(roster["agent_id"], roster["name"], strict=True))
    st.selectbox(
        ctx.t("effect_source"),
        ["", *found],
        format_func=lambda k: found[k][0] if k else ctx.t("effect_by_hand"),
        key=labelled("effect_source"),
        on_change=_fill_from_source,
        args=(found, (first, last), teams, list(names)),
    )
    _keep_options("effect_teams", teams)
    _keep_options("effect_agents", list(names))
    left, middle, right = st.columns(3)
    day = left.date_input(ctx.t("effect_date"), min_value=first, max_value=last, key="effect_date")
    none = ctx.t("effect_none_chosen")
    treated = middle.multiselect(ctx.t("effect_teams"), teams, key="effect_teams", placeholder=none)
    agents = right.multiselect(
        ctx.t("effect_agents"),
        list(names),
        format_func=lambda a: f"{names[a]} ({a})",
        key="effect_agents",
        placeholder=none,
    )
    chosen_kpis = st.multiselect(
        ctx.t("effect_kpis"),
        kpis,
        format_func=lambda k: kpi_label(k, ctx.lang),
        key=labelled("effect_kpis"),
        placeholder=none,
    )
    left, middle, right = st.columns(3)
    automatic = data.default_months(ctx.path, day)
    months = left.selectbox(
        ctx.t("effect_months"),
        range(MAX_MONTHS + 1),
        format_func=lambda m: ctx.t("effect_months_auto", n=automatic) if m == 0 else str(m),
        key=labelled("effect_months"),
    )
    mode = middle.radio(
        ctx.t("effect_control"),
        CONTROL_MODES,
        format_func=lambda m: ctx.t(f"effect_control_{m}"),
        key=labelled("effect_control_mode"),
        horizontal=True,
    )
    controls = None
    if mode == "none":
        controls = ()
    elif mode == "hand":
        options = [t for t in teams if t not in treated]
        _keep_options("effect_controls", options)
        picked = right.multiselect(
            ctx.t("effect_control_teams"), options, key="effect_controls", placeholder=none
        )
        controls = tuple(picked)
    if not (treated or agents) or not chosen_kpis:
        st.info(ctx.t("effect_pick"))
        return None
    if (months or automatic) < 1:
        st.warning(ctx.t("effect_no_window", date=day))
        return None
    if mode == "hand" and not controls:
        st.info(ctx.t("effect_pick_control"))
        return None
    change = design.Change(day, tuple(treated), tuple(agents), months, controls)
    return Chosen(change, tuple(chosen_kpis))


# --- Words -----------------------------------------------------------------------------------


def control_label(ctx: Context, teams: tuple[str, ...]) -> str:
    """The control teams by name when the session may see them all, else their number."""
    if teams and all(ctx.visible.allows_team(t) for t in teams):
        return ctx.t("effect_list_separator").join(teams)
    return ctx.t("effect_control_aggregate", n=len(teams))


def amount(effect: design.Effect, value: float, lang: str, signed: bool = True) -> str:
    """An effect as users read it: a relative one in %, else in the KPI's unit (points for
    a rate); "" for none."""
    if value != value:
        return ""
    if not signed:
        value = abs(value)
    if effect.relative:
        sign = "+" if signed and value > 0 else ""
        return f"{sign}{value * 100:.0f}%"
    text = kpi_change(KPIS_BY_ID[effect.kpi], value, lang) or ""
    return text if signed else text.lstrip("+")


def _interval(effect: design.Effect, lang: str, signed: bool = True) -> str:
    """The effect's interval; unsigned, as sizes from the smaller (for "fell 41% (95% CI 38%
    to 45%)") when the interval lies on one side of 0, else signed."""
    signed = signed or not effect.lo * effect.hi > 0
    ends = (effect.lo, effect.hi) if signed else sorted((abs(effect.lo), abs(effect.hi)))
    lo, hi = (amount(effect, end, lang, signed) for end in ends)
    return t("effect_interval", lang, lo=lo, hi=hi)


def _p(value: float) -> str:
    return "" if value != value else ("<0.001" if value < 0.001 else f"{value:.3f}")


def verdict(ctx: Context, effect: design.Effect, level: float) -> str:
    """One KPI's verdict in plain words (Markdown: the names are escaped)."""
    kpi = kpi_label(effect.kpi, ctx.lang)
    against = (
        ctx.t("effect_against", control=md(control_label(ctx, effect.control_teams)))
        if effect.control_teams
        else ctx.t("effect_against_before")
    )
    values = {"kpi": md(kpi), "against": against, "level": f"{level:.0%}",
              "interval": md(_interval(effect, ctx.lang, signed=False)), "p": _p(effect.p_value),
              "size": md(amount(effect, effect.estimate, ctx.lang, signed=False))}  # fmt: skip
    if math.isnan(effect.estimate) or math.isnan(effect.p_value):
        return ctx.t("effect_verdict_unknown", kpi=md(kpi))
    if effect.p_value >= 1 - level:
        key = "effect_verdict_none"
        values["interval"] = md(_interval(effect, ctx.lang))
    else:
        key = "effect_verdict_fell" if effect.estimate < 0 else "effect_verdict_rose"
    return ctx.t(key, **values) + ctx.t("effect_sentence_gap") + _placebo_words(ctx, effect)


def _placebo_words(ctx: Context, effect: design.Effect) -> str:
    if design.NO_PLACEBO in effect.caveats:
        return ctx.t("effect_placebo_missing")
    key = (
        "effect_placebo_effect"
        if design.PLACEBO_EFFECT in effect.caveats
        else "effect_placebo_none"
    )
    return ctx.t(key, date=effect.placebo_date, p=_p(effect.placebo_p))


def caveats(ctx: Context, effect: design.Effect) -> list[str]:
    found = []
    if design.PRETRENDS_DIFFER in effect.caveats:
        found.append(ctx.t("effect_caveat_pretrends", p=_p(effect.pretrend_p)))
    if design.THIN_SAMPLE in effect.caveats:
        found.append(
            ctx.t("effect_caveat_thin", minimum=design.THIN_AGENTS,
                  cases=KPIS_BY_ID[effect.kpi].min_sample)
        )  # fmt: skip
    if effect.excluded_cases:
        found.append(ctx.t("effect_caveat_excluded", n=f"{effect.excluded_cases:,.0f}"))
    return found


# --- Sections --------------------------------------------------------------------------------


def verdicts_section(ctx: Context, result: design.Evaluation) -> None:
    st.subheader(ctx.t("effect_verdicts"))
    st.caption(
        ctx.t("effect_windows", first=result.first_day, last=result.last_day,
              months=result.months, date=result.change.date)
    )  # fmt: skip
    for effect in result.effects:
        st.markdown(f"- {verdict(ctx, effect, result.level)}")
        for caveat in caveats(ctx, effect):
            st.caption(f"⚠️ {caveat}")


def _method(ctx: Context, effect: design.Effect) -> str:
    return ctx.t(f"effect_method_{effect.method}")


def numbers_section(ctx: Context, result: design.Evaluation) -> None:
    st.subheader(ctx.t("effect_numbers"))
    st.caption(ctx.t("effect_numbers_help"))
    rows = []
    for e in result.effects:
        k = KPIS_BY_ID[e.kpi]
        rows.append(
            {
                "kpi": kpi_label(e.kpi, ctx.lang),
                "method": _method(ctx, e),
                "treated_before": kpi_value(k, e.treated_before, ctx.lang),
                "treated_after": kpi_value(k, e.treated_after, ctx.lang),
                "control_before": kpi_value(k, e.control_before, ctx.lang),
                "control_after": kpi_value(k, e.control_after, ctx.lang),
                "effect": amount(e, e.estimate, ctx.lang),
                "interval": _interval(e, ctx.lang) if e.lo == e.lo else MISSING,
                "p_value": _p(e.p_value),
                "placebo": amount(e, e.placebo_estimate, ctx.lang),
                "placebo_p": _p(e.placebo_p),
                "pretrend_p": _p(e.pretrend_p),
                "agents_both": f"{e.treated_agents} / {e.control_agents}",
                "control": control_label(ctx, e.control_teams) if e.control_teams else MISSING,
            }
        )
    columns = {c: ctx.t(f"effect_col_{c}") for c in rows[0]} if rows else {}
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config=columns, key="effect_table")


def _months(frame: pd.DataFrame, day: date) -> pd.Series:
    """Each row's relative month k as the first day of that month after the change."""
    return pd.Series([design.shift_months(day, int(k)).isoformat() for k in frame["k"]])


def charts_section(ctx: Context, result: design.Evaluation) -> None:
    st.subheader(ctx.t("effect_charts"))
    by_kpi = {e.kpi: e for e in result.effects}
    kpi_id = st.selectbox(
        ctx.t("effect_chart_kpi"),
        list(by_kpi),
        format_func=lambda k: kpi_label(k, ctx.lang),
        key=labelled("effect_chart_kpi"),
    )
    effect, day = by_kpi[kpi_id], result.change.date.isoformat()
    k = KPIS_BY_ID[kpi_id]
    trends = effect.trends.assign(month=_months(effect.trends, result.change.date).to_numpy())
    names = {"treated": ctx.t("effect_treated"),
             "control": control_label(ctx, effect.control_teams)}  # fmt: skip
    title = ctx.t("effect_trends_geometric" if effect.relative else "effect_trends",
                  kpi=kpi_label(kpi_id, ctx.lang))  # fmt: skip
    left, right = st.columns(2)
    left.plotly_chart(charts.trends(trends, k, names, title, day, ctx.lang), key="effect_trend")
    left.caption(ctx.t("effect_trends_help", p=_p(effect.pretrend_p)))
    if effect.events.empty:
        right.info(ctx.t("effect_no_events"))
        return
    events = effect.events.assign(month=_months(effect.events, result.change.date).to_numpy())
    value_format = ".1%" if effect.relative or k.fmt.endswith("%") else k.fmt
    figure = charts.event_study(events, value_format, ctx.t("effect_events"), day, ctx.lang)
    right.plotly_chart(figure, key="effect_events")
    right.caption(ctx.t("effect_events_help"))


def people_section(ctx: Context, result: design.Evaluation) -> None:
    st.subheader(ctx.t("effect_people"))
    has_dates, has_survey = data.has_people(ctx.path)
    change, months = result.change, result.months
    st.caption(ctx.t("effect_people_help"))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{ctx.t('effect_attrition')}**")
        if not has_dates:
            st.info(ctx.t("effect_no_left_dates"))
        else:
            _attrition(ctx, result)
    with right:
        st.markdown(f"**{ctx.t('effect_satisfaction')}**")
        if not has_survey:
            st.info(ctx.t("effect_no_survey"))
        else:
            _satisfaction(ctx, change, months)


def _side_labels(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        group=[ctx.t(f"effect_group_{g}") for g in frame["group"]],
        side=[ctx.t(f"effect_side_{s}") for s in frame["side"]],
    )


def _attrition(ctx: Context, result: design.Evaluation) -> None:
    sides = data.attrition_sides(ctx.path, result.change, result.months)
    st.dataframe(
        _side_labels(ctx, sides),
        hide_index=True,
        key="effect_attrition_sides",
        column_config={
            "group": ctx.t("effect_col_group"),
            "side": ctx.t("effect_col_side"),
            "leavers": ctx.t("effect_col_leavers"),
            "headcount": NUMBER(ctx.t("effect_col_headcount"), format="%.1f"),
            "monthly": NUMBER(ctx.t("effect_col_monthly"), format="percent"),
            "annualised": NUMBER(ctx.t("effect_col_annualised"), format="percent"),
        },
    )
    monthly = data.attrition(ctx.path, ctx.visible, result.first_day, result.last_day)
    monthly = monthly.assign(month=[f"{m}-01" for m in monthly["month"]])
    figure = charts.attrition(
        monthly, ctx.t("effect_attrition_trend"), result.change.date.isoformat(), ctx.lang
    )
    st.plotly_chart(figure, key="effect_attrition")


def _satisfaction(ctx: Context, change: design.Change, months: int) -> None:
    sides, did = data.satisfaction_sides(ctx.path, change, months)
    st.dataframe(
        _side_labels(ctx, sides),
        hide_index=True,
        key="effect_satisfaction_sides",
        column_config={
            "group": ctx.t("effect_col_group"),
            "side": ctx.t("effect_col_side"),
            "score": NUMBER(ctx.t("effect_col_score"), format="%.2f"),
            "responses": ctx.t("effect_col_responses"),
            "agents": ctx.t("effect_col_agents"),
        },
    )
    if did.value == did.value:
        st.caption(
            ctx.t("effect_satisfaction_did", value=f"{did.value:+.2f}", lo=f"{did.lo:+.2f}",
                  hi=f"{did.hi:+.2f}", p=_p(did.p_value))
        )  # fmt: skip
    table = data.satisfaction(ctx.path, ctx.visible)
    wide = table.pivot(index="team", columns="period", values="score").reset_index()
    st.dataframe(
        wide,
        hide_index=True,
        key="effect_satisfaction",
        column_config={"team": ctx.t("effect_col_team")}
        | {p: NUMBER(p, format="%.2f") for p in wide.columns[1:]},
    )
