"""The what-if lab's results (权重模拟): headline, rank table, grade transitions, teams and
robustness. Each section draws one `scoring.engine.whatif` result; none computes anything itself.

The sections get the comparison and robustness narrowed to the visible scope
(`visible_to`); only the headline's τ and bonus bill are the department's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.app.shell import Context
from dashboard.ui.labels import grade_label
from dashboard.ui.markup import md, md_list
from dashboard.whatif import charts as whatif_charts
from dashboard.whatif import payouts
from scoring.engine import whatif
from scoring.engine.policy import Policy

SCORE = {"min_value": 0, "max_value": 100, "format": "%.1f"}
MONEY = {"format": "%.2f"}
SIGNED = {"movement": "{:+,.0f}", "payout_change": "{:+,.2f}"}  # a change, as its table shows it


def grade_labels(ctx: Context) -> dict[str, str]:
    return {s: grade_label(s, ctx.lang) for s in whatif.GRADE_STATES}


def headline(ctx: Context, comparison, base_frame, new_frame, robust) -> None:
    """τ and the bonus bill of the department (`base_frame`, `new_frame`: every agent);
    grade changes, crossings and coin tosses of the visible agents (`comparison`, `robust`)."""
    t = ctx.t
    base_pay, new_pay = whatif.payout_summary(base_frame), whatif.payout_summary(new_frame)
    columns = st.columns(5 if robust is not None else 4)
    tau = comparison.tau
    tau_text = "—" if tau != tau else f"{tau:.3f}"
    columns[0].metric(t("whatif_tau"), tau_text, help=t("whatif_tau_help"), border=True)
    columns[1].metric(t("whatif_grade_changes"), comparison.grade_changes, border=True)
    columns[2].metric(t("whatif_crossings"), comparison.crossing_count, border=True)
    change = round(new_pay["total"] - base_pay["total"], 2) + 0.0  # no "-0.00"
    columns[3].metric(
        t("whatif_payout_total"),
        f"{new_pay['total']:,.2f}",
        delta=f"{change:+,.2f}" if change else t("whatif_no_change"),
        delta_color="normal" if change else "off",  # more in green, less in red, none grey
        delta_arrow="auto" if change else "off",
        border=True,
    )
    if new_pay["paid"]:
        low, high = (f"{new_pay[end]:,.2f}" for end in ("min", "max"))
        columns[3].caption(t("whatif_payout_spread", low=low, high=high))
    if robust is not None:
        coin_tosses = int(robust.frame["coin_toss"].sum())
        columns[4].metric(t("whatif_coin_tosses"), coin_tosses, border=True)
    if not ctx.visible.is_everything:
        st.caption(t("whatif_department_totals", teams=md_list(ctx.visible.teams or ())))


def rank_table(
    ctx: Context, comparison: whatif.Comparison, robust: whatif.Robustness | None
) -> pd.DataFrame:
    """Every agent of the comparison, by new rank then id, labels in the user's language."""
    t = ctx.t
    table = comparison.agents
    # A stable sort keeps the matrix order (by agent id) among equal ranks.
    order = np.argsort(table["new_rank"].to_numpy(float, na_value=np.inf), kind="stable")
    shown = [c for c in table.columns if c != "tickets"]
    if table["objective_score"].isna().all():  # nobody has an objective: no empty column
        shown.remove("objective_score")
    columns = {c: table[c].array.take(order) for c in shown}
    labels = grade_labels(ctx)
    crossed = {"up": t("whatif_crossed_up"), "down": t("whatif_crossed_down"), "": ""}
    # categoricals: renaming the categories relabels every row at once
    columns["base_grade"] = columns["base_grade"].rename_categories(labels)
    columns["new_grade"] = columns["new_grade"].rename_categories(labels)
    columns["crossed"] = columns["crossed"].rename_categories(crossed)
    changes = signed_changes(pd.DataFrame({column: columns[column] for column in SIGNED}))
    columns.update({column: changes[column].array for column in SIGNED})
    if robust is not None:
        extra = robust.frame.set_index("agent_id").reindex(columns["agent_id"])
        columns["likely_grade"] = extra["likely_grade"].map(labels).array
        columns["likely_probability"] = extra["likely_probability"].array
        columns["rank_interval"] = extra["rank_interval"].array
        columns["coin_toss"] = extra["coin_toss"].astype(bool).array
        for state in whatif.GRADE_STATES:
            columns[f"p_{state}"] = extra[f"p_{state}"].array
    return pd.DataFrame(columns)


def rank_column_config(ctx: Context) -> dict:
    t = ctx.t
    number = st.column_config.NumberColumn
    return {
        "agent_id": t("agent_id"),
        "name": t("name"),
        "team": t("team"),
        "base_composite": number(t("whatif_base_score"), **SCORE),
        "new_composite": st.column_config.ProgressColumn(t("whatif_new_score"), **SCORE),
        "objective_score": number(t("whatif_objective_score"), **SCORE),
        "base_rank": t("whatif_base_rank"),
        "new_rank": t("whatif_new_rank"),
        "movement": t("whatif_movement"),
        "base_grade": t("whatif_base_grade"),
        "new_grade": t("whatif_new_grade"),
        "base_payout": number(t("whatif_base_payout"), **MONEY),
        "new_payout": number(t("whatif_new_payout"), **MONEY),
        "payout_change": t("whatif_payout_change"),
        "crossed": t("whatif_crossed"),
        "likely_grade": t("whatif_likely_grade"),
        "likely_probability": number(t("whatif_likely_probability"), format="percent"),
        "rank_interval": t("whatif_rank_interval"),
        "coin_toss": t("whatif_coin_toss"),
        **{
            f"p_{state}": number(
                t("whatif_grade_probability", grade=label), format="percent", width="small"
            )
            for state, label in grade_labels(ctx).items()
        },
    }


def agents_section(ctx: Context, comparison: whatif.Comparison, robust) -> None:
    """The rank table, the biggest movers' slope chart and the grade-transition matrix."""
    t = ctx.t
    st.markdown(f"**{t('whatif_rank_table')}**")
    st.dataframe(
        rank_table(ctx, comparison, robust),
        hide_index=True,
        placeholder="",  # a missing value (not ranked, no score) is an empty cell, not "None"
        column_config=rank_column_config(ctx),
        key="whatif_ranks",
    )
    slope_col, transition_col = st.columns([2, 3])
    movers = whatif_charts.biggest_movers(comparison.agents, limit=12)
    if movers.empty:  # the baseline itself: an empty chart would say nothing
        slope_col.markdown(f"**{t('whatif_slope')}**")
        slope_col.info(t("whatif_no_movers"))
    else:
        slope = whatif_charts.rank_slope(
            movers, t("whatif_slope"), t("whatif_base"), t("whatif_new"), t("whatif_rank")
        )
        slope_col.plotly_chart(slope, key="whatif_slope_chart")
    with transition_col:
        transitions(ctx, comparison)


def payout_reasons(lab, policy, baseline, comparison: whatif.Comparison) -> None:
    """One picked agent's payout worked out, baseline and new, in words (the steps are made
    only once an agent is picked: the lab does not need them to move)."""
    t = lab.ctx.t
    agents = comparison.agents
    names = dict(zip(agents["agent_id"], agents["name"], strict=True))
    picked = st.selectbox(
        t("whatif_payout_agent"),
        list(names),
        index=None,
        format_func=lambda agent_id: f"{names[agent_id]} ({agent_id})",
        placeholder=t("whatif_payout_agent_placeholder"),
        key="whatif_payout_agent",
    )
    if picked is None:
        return
    for label, chosen in ((t("whatif_base"), baseline), (t("whatif_new"), policy)):
        frame = lab.evaluate(chosen)
        steps = frame.loc[frame["agent_id"] == picked, "payout_explanation"].iloc[0]
        text = md(payouts.explanation(steps, lab.ctx.lang))
        st.markdown(t("whatif_payout_reason", policy=label, text=text))


def transitions(ctx: Context, comparison: whatif.Comparison) -> None:
    """Baseline grade → new grade counts; a clicked cell lists its agents."""
    t = ctx.t
    st.markdown(f"**{t('whatif_transitions')}**")
    labels = list(grade_labels(ctx).values())
    matrix_table = comparison.transitions.set_axis(labels, axis=0).set_axis(labels, axis=1)
    picked = st.dataframe(
        matrix_table, on_select="rerun", selection_mode="single-cell", key="whatif_transitions"
    )
    cells = picked.selection.get("cells", []) if picked else []
    if not cells:
        return
    row, column = cells[0]
    base = whatif.GRADE_STATES[int(row)]
    new = whatif.GRADE_STATES[labels.index(column)]
    agents = comparison.cells.get((base, new), [])
    st.markdown(t("whatif_cell_agents", base=labels[int(row)], new=column, count=len(agents)))
    listed = comparison.agents[comparison.agents["agent_id"].isin(agents)]
    st.dataframe(
        listed[["agent_id", "name", "team", "base_composite", "new_composite"]],
        hide_index=True,
        placeholder="",  # a missing value (not ranked, no score) is an empty cell, not "None"
        key="whatif_cell_agents",
        column_config=rank_column_config(ctx),
    )


def _signed(pattern: str):
    """A change with its sign, a change of zero as a plain 0 (never "+0" or "-0.00")."""

    def text(value) -> str:
        if pd.isna(value):
            return ""
        return "0" if value == 0 else pattern.format(value)

    return text


def signed_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its change columns as signed texts: a number column would show "+0"
    for no change."""
    return frame.assign(
        **{
            column: [_signed(pattern)(v) for v in frame[column]]
            for column, pattern in SIGNED.items()
        }
    )


def teams_section(ctx: Context, comparison: whatif.Comparison) -> None:
    """Team ranking change and bonus per team, baseline next to new."""
    t = ctx.t
    number = st.column_config.NumberColumn
    st.subheader(t("whatif_teams"))
    team_col, payout_col = st.columns(2)
    team_col.dataframe(
        signed_changes(comparison.teams),
        hide_index=True,
        placeholder="",  # a missing value (not ranked, no score) is an empty cell, not "None"
        key="whatif_team_table",
        column_config={
            "team": t("team"),
            "base_composite": number(t("whatif_base_score"), format="%.1f"),
            "new_composite": number(t("whatif_new_score"), format="%.1f"),
            "base_payout": number(t("whatif_base_payout"), **MONEY),
            "new_payout": number(t("whatif_new_payout"), **MONEY),
            "base_rank": t("whatif_base_rank"),
            "new_rank": t("whatif_new_rank"),
            "movement": number(t("whatif_movement"), format="%+d"),
            "payout_change": number(t("whatif_payout_change"), **MONEY),
        },
    )
    teams = comparison.teams
    if not (teams["base_payout"].gt(0).any() or teams["new_payout"].gt(0).any()):
        payout_col.markdown(f"**{t('whatif_team_payouts')}**")
        payout_col.info(t("whatif_no_bonus"))  # bars of zero would say nothing
        return
    chart = whatif_charts.team_payouts(
        teams, t("whatif_team_payouts"), t("whatif_base"), t("whatif_new"), t("whatif_amount")
    )
    payout_col.plotly_chart(chart, key="whatif_team_chart")


def gates_note(ctx: Context, policy: Policy, new_frame: pd.DataFrame) -> None:
    """How many of the agents shown a must-be gate holds at Satisfactory (Kano scoring)."""
    if policy.must_be:
        count = int(ctx.visible.keep(new_frame)["gated"].sum())
        st.caption(ctx.t("whatif_gated", count=count))


def robustness_section(
    ctx: Context, robust: whatif.Robustness | None, comparison: whatif.Comparison, policy: Policy
) -> None:
    """Each agent's rank interval under weight variations, coin tosses first (top 40), by
    the new department rank of the comparison."""
    t = ctx.t
    st.subheader(t("whatif_robustness"))
    if robust is None:
        reason = "kano" if whatif.kano_scoring(policy) else "segments"
        st.info(t(f"whatif_robustness_{reason}"))
        return
    st.caption(
        t(
            "whatif_robustness_help",
            draws=robust.draws,
            concentration=robust.concentration,
            limit=whatif.COIN_TOSS,
        )
    )
    ranks = comparison.agents.set_index("agent_id")["new_rank"].reindex(robust.frame["agent_id"])
    shown = robust.frame.assign(rank=ranks.to_numpy(float, na_value=np.nan))
    shown = shown.dropna(subset=["rank"])
    if shown.empty:  # an empty axis would say nothing
        st.info(t("whatif_nobody_ranked"))
        return
    shown = shown.sort_values(["coin_toss", "rank"], ascending=[False, True]).head(40)
    names = shown["name"].astype(str) + " (" + shown["agent_id"].astype(str) + ")"
    chart = whatif_charts.rank_intervals(
        shown, names, t("whatif_intervals_chart"), t("whatif_rank"), grade_labels(ctx)
    )
    st.plotly_chart(chart, key="whatif_interval_chart")
