"""The Scorecard page under AppTest: a selected row opens "How the score is made" in the
user's language, and no table cell reads "None" or "nan".

Expected words are the catalog's (the page must use them); expected numbers come from the
agent table the page shows beside the breakdown (the composite the breakdown must add up to).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from dashboard.ui import tables
from dashboard.ui.i18n import t
from scoring.engine.policy import Policy
from scoring.engine.scorecard import KpiMatrix, score
from scoring.registry.kpis import kpi
from tests.dashboard.test_app_pages import agent_table, open_app

# Latin words of two letters or more: English, on a Chinese page. Ids (A014), units kept as
# the registry writes them ("/5", "%", "¥") and "P90" are not words.
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
NOT_SHOWN = {"none", "nan", "<na>"}


def select(at, row: int):
    at.session_state["scorecard_agents"] = {"selection": {"rows": [row], "columns": []}}
    return at.run()


def breakdown_table(at, lang: str) -> pd.DataFrame:
    header = t("scorecard_col_weight_used", lang)
    (table,) = [d.value for d in at.dataframe if header in d.value.columns]
    return table


def team_table(at) -> pd.DataFrame:
    (table,) = [d.value for d in at.dataframe if {"rank", "graded"} <= set(d.value.columns)]
    return table


def row_with_a_left_out_kpi(at) -> int:
    """The first agent row whose composite leaves a weighted KPI out."""
    left_out = np.flatnonzero(agent_table(at)["reweighted"].to_numpy() != "")
    assert left_out.size, "the dataset has no agent with a KPI left out"
    return int(left_out[0])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_selected_row_shows_how_its_score_is_made(monkeypatch, small_dataset, lang):
    at = open_app(monkeypatch, small_dataset, "scorecard", {"lang": lang})
    assert not at.exception
    assert not [d for d in at.dataframe if t("scorecard_col_weight_used", lang) in d.value]
    row = row_with_a_left_out_kpi(at)
    chosen = agent_table(at).iloc[row]
    select(at, row)
    assert not at.exception
    table = breakdown_table(at, lang)

    headers = [t(f"scorecard_col_{c}", lang) for c in ("kpi", "value", "cases", "points", "note")]
    assert set(headers) <= set(table.columns)
    by_kpi = table.set_index(t("scorecard_col_kpi", lang))
    total = by_kpi.loc[t("scorecard_total", lang)]
    if pd.notna(chosen["composite"]):
        assert total[t("scorecard_col_points", lang)] == f"{chosen['composite']:.1f}"
    separator = t("list_separator", lang)
    spread = {"zh": "其权重按比例分摊到其他指标", "en": "its weight is spread over the other KPIs"}
    for label in chosen["reweighted"].split(separator):  # each KPI left out says why
        assert spread[lang] in by_kpi.loc[label, t("scorecard_col_note", lang)]
    heading = t("scorecard_breakdown_for", lang, name=chosen["name"], agent_id=chosen["agent_id"])
    assert f"**{heading}**" in [m.value for m in at.markdown]

    cells = [str(c) for c in table.to_numpy().ravel()]
    assert not {c for c in cells if c.lower() in NOT_SHOWN}
    if lang == "zh":
        words = [w for text in [*table.columns, *cells] for w in ENGLISH_WORD.findall(text)]
        assert not words, words
        captions = " ".join(c.value for c in at.caption)
        assert t("scorecard_points_rounded", "zh") in captions
        assert not ENGLISH_WORD.findall(t("scorecard_breakdown_target", "zh"))


def test_the_agents_left_out_kpis_are_named_in_chinese(monkeypatch, small_dataset):
    at = open_app(monkeypatch, small_dataset, "scorecard")
    named = [n for n in agent_table(at)["reweighted"] if n]
    assert named and not [n for n in named if ENGLISH_WORD.search(n)]


def shows_missing_values_as_empty(element) -> bool:
    """Streamlit draws a missing value as a grey "None" unless the table says otherwise."""
    return element.proto.HasField("placeholder") and element.proto.placeholder == ""


def test_every_scorecard_table_shows_a_missing_value_as_an_empty_cell(monkeypatch, small_dataset):
    at = select(open_app(monkeypatch, small_dataset, "scorecard"), 0)
    assert len(at.dataframe) == 3  # agents, how the score is made, teams
    assert all(shows_missing_values_as_empty(d) for d in at.dataframe)


def test_the_team_table_shows_one_decimal_and_nothing_for_no_grade(monkeypatch, small_dataset):
    at = open_app(monkeypatch, small_dataset, "scorecard", {"lang": "en"})
    teams = team_table(at)
    assert list(teams.columns)[:2] == ["rank", "team"]
    scores = teams["composite"].dropna()
    assert len(scores) and np.allclose(scores, scores.round(1))
    # a rank is a number or NaN (an empty cell), never None or <NA>
    assert teams["rank"].dtype == "float64" and teams["composite"].dtype == "float64"
    agents = agent_table(at)
    graded = agents[agents["composite"].notna()].groupby("team").size()
    assert (
        teams.set_index("team")["graded"].to_dict()
        == graded.reindex(teams["team"], fill_value=0).to_dict()
    )
    # best first: the ranks increase down the table
    ranked = teams["rank"].dropna()
    assert list(ranked) == sorted(ranked)


def test_a_team_without_a_graded_agent_has_no_rank_and_no_score():
    # T1, 100 tickets each, resolution scored (x − 0.8)/(0.95 − 0.8)·100: X 0.92 → 80.0,
    # Y 0.86 → 40.0, W 0.9 → 66.7 (shown) → mean 186.7/3 = 62.23 → 62.2;
    # T2: Z with 5 tickets (< 20), not graded → no rank, no score
    rows = [("X", "T1", 100, 0.92), ("Y", "T1", 100, 0.86), ("W", "T1", 100, 0.9),
            ("Z", "T2", 5, 0.95)]  # fmt: skip
    frame = pd.DataFrame(
        [
            {"agent_id": a, "name": a, "team": team, "tickets": n, "resolution_rate": v,
             "resolution_rate__num": v * n, "resolution_rate__den": n, "resolution_rate_shrunk": v}
            for a, team, n, v in rows
        ]
    )  # fmt: skip
    card = score(KpiMatrix(frame, (kpi("resolution_rate"),), {}), Policy(use_shrunk=False))
    teams = tables.team_table(card).set_index("team")
    assert teams.loc["T1", "rank"] == 1 and teams.loc["T1", "composite"] == 62.2
    assert np.isnan(teams.loc["T2", "rank"]) and np.isnan(teams.loc["T2", "composite"])
    assert teams.loc["T2", ["graded", "agents"]].tolist() == [0, 1]
    assert teams.loc["T1", ["graded", "agents"]].tolist() == [3, 3]


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("zh", r"- 日均培训学时 \(`training_hours`\): 数据中没有[^a-z]*培训记录表的 hours 列"),
        ("en", r"- Training hours .* \(`training_hours`\): the data has no .*training\.hours"),
    ],
)  # fmt: skip
def test_the_data_page_words_why_a_kpi_cannot_be_computed(
    monkeypatch, core_only_dataset, lang, expected
):
    at = open_app(monkeypatch, core_only_dataset, "data", {"lang": lang})
    assert not at.exception
    lines = [m.value.replace("\\", "") for m in at.markdown]  # Markdown escapes removed
    assert any(re.match(expected, line) for line in lines), lines
