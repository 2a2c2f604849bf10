"""What each part of the Balanced scorecard page draws: whose scorecard (the department, a
team, an agent — only those the session may see), the perspective scores, the KPIs of each
perspective, the scores month by month and the strategy map with its links. Each section
draws what `dashboard.balanced.data` returns; none computes a KPI itself."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import cache
from dashboard.app.shell import Context, labelled
from dashboard.balanced import charts
from dashboard.balanced import data as bd
from dashboard.ui.labels import kpi_label, kpi_value, target_mark
from dashboard.ui.markup import md
from scoring.analyses.balanced import SOURCE_OBJECTIVE, BalancedCard
from scoring.analyses.diagnostics import Scope, agent_labels
from scoring.engine.scorecard import NOTE_TOO_FEW_CASES
from scoring.registry.kpis import KPIS_BY_ID, PERSPECTIVES
from scoring.registry.strategy_map import KPI_LINKS, PERSPECTIVE_LINKS

LEVEL_KEY = "balanced_level"
TEAM_KEY = "balanced_team"
AGENT_KEY = "balanced_agent"


def perspective_name(ctx: Context, perspective: str) -> str:
    return PERSPECTIVES[perspective][ctx.lang]


def offered_levels(ctx: Context) -> list[str]:
    """The owners this session may pick: the department only with every team visible, a team
    unless the session is an agent's own view, an agent always (the visible ones)."""
    levels = ["department"] if ctx.visible.is_everything else []
    if ctx.visible.agents is None:
        levels.append("team")
    return [*levels, "agent"]


def _first_level(ctx: Context, offered: list[str]) -> str:
    """The level the page opens at: the agent or the one team the view names, else the
    widest offered."""
    if ctx.view.agent or ctx.view.only_agents:
        return "agent"
    return "team" if len(ctx.view.teams) == 1 and "team" in offered else offered[0]


def _keep_choice(key: str, options: list, first) -> None:
    """A widget's value kept only while it is still offered (a filter or grant changed)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = first


def owner_picker(ctx: Context) -> Scope | None:
    """The level and the team or agent whose scorecard is shown; None when no agent may be
    shown at the agent level (after saying so)."""
    offered = offered_levels(ctx)
    _keep_choice(LEVEL_KEY, offered, _first_level(ctx, offered))
    left, right = st.columns([2, 3])
    level = left.radio(
        ctx.t("balanced_level"),
        offered,
        format_func=lambda option: ctx.t(f"balanced_level_{option}"),
        key=labelled(LEVEL_KEY),
        horizontal=True,
    )
    if level == "department":
        return Scope("department")
    if level == "team":
        teams = list(ctx.view.teams) or ctx.grant.team_options(
            cache.filter_options(ctx.path)["teams"]
        )
        _keep_choice(TEAM_KEY, teams, teams[0])
        return Scope("team", right.selectbox(ctx.t("team"), teams, key=TEAM_KEY))
    roster = bd.agents(ctx.path, ctx.visible)
    if roster.empty:
        st.info(ctx.t("balanced_no_agents"))
        return None
    ids = roster["agent_id"].tolist()
    labels = dict(zip(ids, agent_labels(roster["name"], roster["agent_id"]), strict=True))
    _keep_choice(AGENT_KEY, ids, ctx.view.agent if ctx.view.agent in ids else ids[0])
    agent = right.selectbox(ctx.t("agent_id"), ids, format_func=labels.get, key=AGENT_KEY)
    team = roster.loc[roster["agent_id"] == agent, "team"].iloc[0]
    return Scope("agent", team, agent)


def owner_heading(ctx: Context, scope: Scope) -> None:
    if scope.level == "department":
        st.subheader(ctx.t("department"))
    elif scope.level == "team":
        st.subheader(ctx.t("balanced_owner_team", team=md(scope.team)))
    else:
        st.subheader(ctx.t("balanced_owner_agent", agent=md(scope.agent), team=md(scope.team)))


def scores_section(ctx: Context, card: BalancedCard) -> None:
    """A card per perspective with its score, then a sentence for each perspective without
    one (no KPI shown, or none with enough data)."""
    st.markdown(f"**{ctx.t('balanced_scores_header')}**")
    columns = st.columns(len(card.perspectives))
    for column, row in zip(columns, card.perspectives.itertuples(), strict=True):
        judged = row.judged > 0
        column.metric(
            perspective_name(ctx, row.perspective),
            f"{row.score:.1f}" if judged else ctx.t("balanced_no_score"),
            help=ctx.t("balanced_score_help", judged=row.judged, kpis=row.kpis),
            border=True,
        )
    for row in card.perspectives.itertuples():
        name = perspective_name(ctx, row.perspective)
        if row.kpis == 0:
            st.info(ctx.t("balanced_none_shown", perspective=name))
        elif row.judged == 0:
            shown = card.kpis.loc[card.kpis["perspective"] == row.perspective, "kpi"]
            names = ctx.t("list_separator").join(kpi_label(k, ctx.lang) for k in shown)
            st.info(ctx.t("balanced_none_judged", perspective=name, kpis=names))


def _status(ctx: Context, row) -> str:
    """Met or missed, or why the KPI is not judged."""
    if not row.note:
        return target_mark(row.met, ctx.lang)
    if row.note == NOTE_TOO_FEW_CASES:
        needed = KPIS_BY_ID[row.kpi].min_sample
        return ctx.t("scorecard_note_too_few_cases", cases=int(row.cases), needed=needed)
    return ctx.t(f"scorecard_note_{row.note}")


def kpi_table(ctx: Context, card: BalancedCard) -> pd.DataFrame:
    """The KPI rows as the page shows them: every cell text in the user's language."""
    records = []
    for row in card.kpis.itertuples():
        k = KPIS_BY_ID[row.kpi]
        records.append(
            {
                ctx.t("perspective"): perspective_name(ctx, row.perspective),
                ctx.t("kpi"): k.label(ctx.lang),
                ctx.t("balanced_col_actual"): kpi_value(k, row.actual, ctx.lang),
                ctx.t("balanced_col_target"): kpi_value(k, row.target, ctx.lang),
                ctx.t("balanced_col_source"): ctx.t(f"balanced_source_{row.source}"),
                ctx.t("balanced_col_attainment"): "" if pd.isna(row.attainment)
                else f"{row.attainment:.1f}",
                ctx.t("balanced_col_status"): _status(ctx, row),
                ctx.t("balanced_col_cases"): "" if pd.isna(row.cases) else f"{row.cases:,.0f}",
            }
        )  # fmt: skip
    return pd.DataFrame.from_records(records)


def kpis_section(ctx: Context, card: BalancedCard) -> None:
    st.markdown(f"**{ctx.t('balanced_kpis_header')}**")
    table = kpi_table(ctx, card)
    st.dataframe(table, hide_index=True, height=_whole_table(len(table)))
    if (card.kpis["source"] == SOURCE_OBJECTIVE).any():
        st.caption(ctx.t("balanced_objectives_note"))


def trends_section(ctx: Context, card: BalancedCard) -> None:
    """The perspective scores month by month; the perspectives without a monthly value
    named."""
    st.markdown(f"**{ctx.t('balanced_trends_header')}**")
    names = {p: perspective_name(ctx, p) for p in PERSPECTIVES}
    if card.months.empty:
        st.info(ctx.t("balanced_no_months"))
        return
    figure = charts.perspective_trends(card.months, names, ctx.t("balanced_trend_axis"), ctx.lang)
    st.plotly_chart(figure)
    st.caption(ctx.t("balanced_trend_note"))
    shown = card.perspectives.loc[card.perspectives["kpis"] > 0, "perspective"]
    missing = [names[p] for p in shown if p not in set(card.months["perspective"])]
    if missing:
        st.caption(
            ctx.t("balanced_trend_missing", perspectives=ctx.t("list_separator").join(missing))
        )


def map_section(ctx: Context, card: BalancedCard) -> None:
    """The strategy map and, below it, why each declared link holds."""
    st.markdown(f"**{ctx.t('balanced_map_header')}**")
    kpi_names = {k: kpi_label(k, ctx.lang) for k in card.kpis["kpi"]}
    perspectives = {p: perspective_name(ctx, p) for p in PERSPECTIVES}
    hover = f"%{{text}}<br>{ctx.t('balanced_map_hover')}: %{{customdata}}<extra></extra>"
    st.plotly_chart(
        charts.strategy_map(card.kpis, kpi_names, perspectives, KPI_LINKS, PERSPECTIVE_LINKS, hover)
    )
    bands = ctx.t("list_separator").join(
        ctx.t(f"balanced_band_{band}") for band in charts.ATTAINMENT_BANDS
    )
    st.caption(ctx.t("balanced_map_note", bands=bands))
    st.markdown(f"**{ctx.t('balanced_links_header')}**")
    links = links_table(ctx)
    st.dataframe(links, hide_index=True, height=_whole_table(len(links)))


def _whole_table(rows: int) -> int:
    """A table height in pixels that shows every row without scrolling (Streamlit's rows
    and header are 35 px)."""
    return 35 * (rows + 1) + 3


def links_table(ctx: Context) -> pd.DataFrame:
    """Every declared link: cause, effect and why, perspectives first."""
    names = {p: perspective_name(ctx, p) for p in PERSPECTIVES}
    names |= {k: kpi_label(k, ctx.lang) for k in {x for link in KPI_LINKS for x in
                                                   (link.cause, link.effect)}}  # fmt: skip
    return pd.DataFrame.from_records(
        {
            ctx.t("balanced_col_cause"): names[link.cause],
            ctx.t("balanced_col_effect"): names[link.effect],
            ctx.t("balanced_col_why"): ctx.t(f"balanced_link_{link.rationale}"),
        }
        for link in PERSPECTIVE_LINKS + KPI_LINKS
    )
