"""Tables as the pages show and export them: labelled columns, grade badges, formats."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import audit, cache
from dashboard.ui.i18n import t
from dashboard.ui.labels import grade_badge, grade_label, unit_word
from scoring import export
from scoring.engine.scorecard import Scorecard, shown, team_summary
from scoring.registry.kpis import KPI


def scored_kpis(card: Scorecard) -> list[KPI]:
    """KPIs that carry weight in this scorecard and that the data measures for someone, in
    registry order."""
    return [
        k
        for k in card.matrix.kpis
        if card.policy.weights.get(k.id, 0) > 0 and k.id not in card.unmeasured
    ]


def weighted_unmeasured(card: Scorecard) -> list[KPI]:
    """KPIs with weight that the data measures for nobody in this scorecard."""
    return [
        k
        for k in card.matrix.kpis
        if k.id in card.unmeasured and card.policy.weights.get(k.id, 0) > 0
    ]


def agent_table(card: Scorecard, lang: str) -> pd.DataFrame:
    """One row per agent, best first: identity, score, grade, ranks, KPI values used."""
    frame = card.frame.copy()
    frame["grade"] = [grade_badge(g, lang) for g in frame["grade"]]
    frame["composite"] = frame["composite"].where(~frame["insufficient_data"])
    for rank in ("dept_rank", "team_rank"):  # floats: "not ranked" is NaN, an empty cell
        frame[rank] = frame[rank].astype("float64")
    frame["reweighted"] = reweighted_labels(card, lang)
    for k in scored_kpis(card):
        column = f"{k.id}_shrunk" if k.shrink and card.policy.use_shrunk else k.id
        frame[k.id] = card.matrix.frame[column].to_numpy()
    order = frame["composite"].where(~frame["insufficient_data"])
    frame = frame.assign(_order=order).sort_values(["_order", "composite"], ascending=False)
    frame = frame.drop(columns=["_order", "coverage", "insufficient_data", "gated"])
    return frame[[c for c in frame if c != "reweighted"] + ["reweighted"]]


def reweighted_labels(card: Scorecard, lang: str) -> list[str]:
    """Per agent, the names of the weighted KPIs left out of the composite."""
    separator = t("list_separator", lang)
    kpis = card.matrix.kpis
    return [
        separator.join(k.label(lang) for k, out in zip(kpis, row, strict=True) if out)
        for row in card.left_out
    ]


def team_table(card: Scorecard) -> pd.DataFrame:
    """The teams as the Scorecard shows them, best first: rank and mean score empty (NaN, not
    "None") for a team without a graded agent, the score rounded as every composite is."""
    teams = team_summary(card)
    return pd.DataFrame(
        {
            "rank": teams["rank"].astype("float64"),
            "team": teams["team"],
            "composite": shown(teams["composite"]),
            "graded": teams["graded"],
            "agents": teams["agents"],
            "tickets": teams["tickets"],
        }
    )


def team_column_config(lang: str) -> dict:
    return {
        "rank": st.column_config.NumberColumn(
            t("scorecard_team_rank", lang), format="%d", help=t("scorecard_team_rank_help", lang)
        ),
        "team": st.column_config.TextColumn(t("team", lang)),
        "composite": st.column_config.ProgressColumn(
            t("mean_score", lang),
            min_value=0,
            max_value=100,
            format="%.1f",
            help=t("scorecard_team_score_help", lang),
        ),
        "graded": st.column_config.NumberColumn(
            t("graded", lang), format="%d", help=t("scorecard_graded_help", lang)
        ),
        "agents": st.column_config.NumberColumn(t("agents", lang), format="%d"),
        "tickets": st.column_config.NumberColumn(t("tickets", lang), format="%d"),
    }


def export_table(card: Scorecard, lang: str) -> pd.DataFrame:
    """The agent table for download: raw and shrunk KPI values, plain grade labels."""
    frame = card.frame.drop(columns=["coverage"]).copy()
    frame["grade"] = [grade_label(g, lang) for g in frame["grade"]]
    for k in card.matrix.kpis:
        frame[k.id] = card.matrix.frame[k.id].to_numpy()
        if k.shrink:
            frame[f"{k.id}_shrunk"] = card.matrix.frame[f"{k.id}_shrunk"].to_numpy()
    return frame


def kpi_column(k: KPI, lang: str):
    """A column config showing a KPI in its unit."""
    if k.fmt.endswith("%"):
        return st.column_config.NumberColumn(k.label(lang), format="percent", help=k.describe(lang))
    digits = k.fmt.rsplit(".", 1)[-1].rstrip("f") if "." in k.fmt else "0"
    return st.column_config.NumberColumn(
        k.label(lang), format=f"%.{digits}f {unit_word(k, lang)}".strip(), help=k.describe(lang)
    )


def agent_column_config(card: Scorecard, lang: str) -> dict:
    config = {
        "agent_id": st.column_config.TextColumn(t("agent_id", lang)),
        "name": st.column_config.TextColumn(t("name", lang)),
        "team": st.column_config.TextColumn(t("team", lang)),
        "tickets": st.column_config.NumberColumn(t("tickets", lang), format="%d"),
        "composite": st.column_config.ProgressColumn(
            t("composite", lang), min_value=0, max_value=100, format="%.1f"
        ),
        "grade": st.column_config.TextColumn(t("grade", lang)),
        "team_rank": st.column_config.NumberColumn(t("team_rank", lang), format="%d"),
        "dept_rank": st.column_config.NumberColumn(t("dept_rank", lang), format="%d"),
        "reweighted": st.column_config.TextColumn(t("reweighted", lang)),
    }
    for k in scored_kpis(card):
        config[k.id] = kpi_column(k, lang)
    return config


def top_and_bottom_contributions(card: Scorecard, table: pd.DataFrame, n: int) -> pd.DataFrame:
    """KPI points of the n best and n worst ranked agents, labelled "name (id)", best first."""
    ranked = table[table["dept_rank"].notna()]
    shown = list(dict.fromkeys([*ranked["agent_id"].head(n), *ranked["agent_id"].tail(n)]))
    points = card.contributions.loc[shown]
    names = table.set_index("agent_id").loc[shown, "name"]
    points.index = pd.Index([f"{name} ({a})" for a, name in names.items()], name="agent")
    return points


def download_buttons(
    labels: tuple[str, str], name: str, frames: dict[str, pd.DataFrame], key_prefix: str = ""
) -> None:
    """CSV (the first frame) and Excel (one sheet per frame) downloads, formulas neutralised.

    Both files are made with the page, the workbook cached (`cache.excel_bytes`): a file
    made only on the click (a callable `data`) sometimes gave nothing on the first click on
    a busy server (the CSV 3 times in ~15 browser runs, the Excel 2 in ~27 tries).
    """
    first = next(iter(frames.values()))
    csv_column, excel_column, _ = st.columns([1, 1, 4])
    with csv_column:
        audit.download_button(
            labels[0],
            export.to_csv_bytes(first),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"{key_prefix}download_csv",
        )
    with excel_column:
        audit.download_button(
            labels[1],
            cache.excel_bytes(frames),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key_prefix}download_excel",
        )
