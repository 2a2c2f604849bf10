"""The three pages under streamlit's AppTest: they render, and every control changes them.

Expected values come from the Parquet files read here with pandas (counts, means, team
members) and from the UI catalog (texts); never from the dashboard's own query code.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from dashboard.ui.values import value_label
from scoring.engine import schemes
from scoring.registry.kpis import KPIS_BY_ID
from tests.builders import plotly_values, read_generated
from tests.conftest import OPTIONAL_TABLES, ROOT, SAMPLE_DATASET, BadRows

APP = str(ROOT / "app.py")
SCHEMES_DIR = schemes.BUILT_IN_DIR
PAGES = {
    "overview": "app_pages/overview.py",
    "scorecard": "app_pages/scorecard.py",
    "data": "app_pages/data.py",
}
OPTIONAL_KPIS = ("training_hours", "teamwork_360")
AGENT_COLUMNS = {"agent_id", "name", "team", "tickets", "composite", "grade"}
RANK_COLUMNS = {"dept_rank", "team_rank", "reweighted"}


# ---------------------------------------------------------------------------------------
# Reading the app


def open_app(
    monkeypatch: pytest.MonkeyPatch,
    data: Path,
    page: str = "overview",
    params: dict[str, str | list[str]] | None = None,
) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params or {})
    at.switch_page(PAGES[page])
    return at.run()


def title(at: AppTest) -> str:
    assert len(at.title) == 1, [e.value for e in at.title]
    return at.title[0].value


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def query(at: AppTest) -> dict[str, list[str]]:
    """Query parameters as key → list of values (AppTest gives a str for one value)."""
    return {k: [v] if isinstance(v, str) else list(v) for k, v in at.query_params.items()}


def bar_chart(at: AppTest, chart_title: str) -> dict[str, int]:
    """x → y of the single-trace bar chart with this title."""
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if spec["layout"].get("title", {}).get("text") == chart_title:
            (trace,) = spec["data"]
            assert trace["type"] == "bar"
            return dict(zip(plotly_values(trace["x"]), plotly_values(trace["y"]), strict=True))
    raise AssertionError(f"no chart titled {chart_title!r}")


def agent_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe(key="scorecard_agents").value


def kpi_columns(table: pd.DataFrame) -> set[str]:
    return set(table.columns) - AGENT_COLUMNS - RANK_COLUMNS


# ---------------------------------------------------------------------------------------
# Reading the data independently


def quarter_window(tickets: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The default period: the 91 days ending with the last day that has tickets."""
    last = tickets["created_at"].max().normalize()
    return last - pd.Timedelta(days=90), last + pd.Timedelta(days=1)


def in_window(tickets: pd.DataFrame, window) -> pd.DataFrame:
    start, end = window
    return tickets[(tickets["created_at"] >= start) & (tickets["created_at"] < end)]


def counts(tickets: pd.DataFrame, column: str, lang: str = "zh") -> dict[str, int]:
    """Tickets per value of `column`, each value named as the catalog words it in `lang`
    (the Overview's volume bars are named so)."""
    found = tickets[column].value_counts().items()
    return {value_label(column, k, lang): int(v) for k, v in found}


def mean_csat(data: Path, tickets: pd.DataFrame) -> str:
    surveys = read_generated(data, "surveys")
    chosen = surveys[surveys["ticket_id"].isin(tickets["ticket_id"])]
    return f"{chosen['csat'].mean():.2f} /5"


def scheme_kpis(name: str) -> set[str]:
    weights = json.loads((SCHEMES_DIR / f"{name}.json").read_text(encoding="utf-8"))["weights"]
    return {kpi for kpi, weight in weights.items() if weight > 0}


def page_links(at: AppTest) -> list[str]:
    return [e.proto.label for e in at.sidebar if e.type == "page_link"]


# ---------------------------------------------------------------------------------------
# Every page renders


def expected_title(page: str, lang: str = "zh") -> str:
    if page == "overview":
        return f"{t('page_overview', lang)} · {t('department', lang)}"
    return t(f"page_{page}", lang)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_sample(monkeypatch, page):
    at = open_app(monkeypatch, SAMPLE_DATASET, page)
    assert not at.exception
    assert not at.error
    assert title(at) == expected_title(page)
    if page == "overview":
        labels = set(metrics(at))
        assert {KPIS_BY_ID[k].label("zh") for k in ("csat", *OPTIONAL_KPIS)} <= labels
        assert len(at.get("plotly_chart")) == 5
    if page == "scorecard":
        agents = read_generated(SAMPLE_DATASET, "agents")
        assert sorted(agent_table(at)["agent_id"]) == sorted(agents["agent_id"])
        assert [b.label for b in at.get("download_button")] == [
            t("download_csv", "zh"),
            t("download_excel", "zh"),
        ]
    planted = json.loads((SAMPLE_DATASET / "truth.json").read_text())["bad_rows"]
    assert page_links(at) == [t("data_warning_badge", "zh", count=sum(planted.values()))]
    if page == "data":  # the sample ships with a few broken rows, each under its rule
        rules = at.dataframe[1].value.set_index(t("rule", "zh"))
        assert dict(rules[t("count", "zh")]) == planted
        assert not at.success


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_the_optional_tables(monkeypatch, core_only_dataset, page):
    at = open_app(monkeypatch, core_only_dataset, page)
    assert not at.exception
    assert title(at) == expected_title(page)
    if page == "overview":
        labels = set(metrics(at))
        assert KPIS_BY_ID["csat"].label("zh") in labels
        for kpi in OPTIONAL_KPIS:
            assert KPIS_BY_ID[kpi].label("zh") not in labels
    if page == "scorecard":
        table = agent_table(at)
        assert len(table) == len(read_generated(core_only_dataset, "agents"))
        assert "csat" in table.columns
        assert not set(OPTIONAL_KPIS) & set(table.columns)
    if page == "data":
        sizes = at.dataframe[0].value.set_index(t("table", "zh"))
        for name in OPTIONAL_TABLES:
            assert sizes.loc[value_label("table", name, "zh"), t("status", "zh")] == "缺失"
        assert sizes.loc["工单", t("status", "zh")] == "✓ 已提供"  # a word beside the mark
        text = "\n".join(m.value for m in at.markdown)
        for kpi in OPTIONAL_KPIS:
            assert f"`{kpi}`" in text


@pytest.mark.parametrize("page", PAGES)
def test_every_page_names_the_problems_of_an_invalid_dataset(monkeypatch, invalid_dataset, page):
    at = open_app(monkeypatch, invalid_dataset, page)
    assert not at.exception
    assert len(at.error) == 1
    assert at.error[0].value == t("dataset_error_title", "zh")
    assert at.text[0].value == str(invalid_dataset)
    problems = [m.value for m in at.text]
    column = t(
        "problem_column_missing", "zh", file=invalid_dataset / "agents.parquet", column="team",
        type_words=t("type_string", "zh"),
    )  # fmt: skip
    assert f"- {column}" in problems  # in Chinese, naming the file, the column, the type
    unreadable = t(
        "problem_file_unreadable", "zh", file=invalid_dataset / "training.parquet", error=""
    ).removesuffix("（）")  # the reader's own error text follows
    assert any(p.startswith(f"- {unreadable}") for p in problems), problems
    assert not at.title  # the page itself did not run
    assert not at.metric


def test_the_error_follows_the_language_of_the_link(monkeypatch, invalid_dataset):
    at = open_app(monkeypatch, invalid_dataset, "scorecard", {"lang": "en"})
    assert not at.exception
    assert t("dataset_error_title", "en") in at.error[0].value


# ---------------------------------------------------------------------------------------
# Filters, period, language, scheme: each changes what is shown


@pytest.mark.parametrize(
    ("widget", "column", "value"),
    [
        ("w_channels", "channel", "email"),
        ("w_categories", "category", "repair"),
        ("w_segments", "customer_segment", "enterprise"),
    ],
)
def test_ticket_filters_change_the_overview(monkeypatch, small_dataset, widget, column, value):
    everything = read_generated(small_dataset, "tickets")
    tickets = in_window(everything, quarter_window(everything))
    chosen = tickets[tickets[column] == value]
    assert 0 < len(chosen) < len(tickets)

    at = open_app(monkeypatch, small_dataset)
    assert bar_chart(at, t("volume_by_channel", "zh")) == counts(tickets, "channel")
    assert bar_chart(at, t("volume_by_category", "zh")) == counts(tickets, "category")
    before = metrics(at)
    assert before[KPIS_BY_ID["csat"].label("zh")] == mean_csat(small_dataset, tickets)

    at.sidebar.multiselect(key=widget).select(value).run()
    assert not at.exception
    assert bar_chart(at, t("volume_by_channel", "zh")) == counts(chosen, "channel")
    assert bar_chart(at, t("volume_by_category", "zh")) == counts(chosen, "category")
    after = metrics(at)
    assert after[KPIS_BY_ID["csat"].label("zh")] == mean_csat(small_dataset, chosen)
    assert after != before
    key = {"w_channels": "channel", "w_categories": "category", "w_segments": "segment"}[widget]
    assert query(at)[key] == [value]


def test_the_overview_title_names_the_teams_its_figures_cover(monkeypatch, small_dataset):
    teams = sorted(read_generated(small_dataset, "agents")["team"].unique())[:2]
    at = open_app(monkeypatch, small_dataset, "overview", {"lang": "en"})
    assert title(at) == f"{t('page_overview', 'en')} · {t('department', 'en')}"
    at.sidebar.multiselect(key="w_teams").set_value(teams).run()
    assert title(at) == f"{t('page_overview', 'en')} · {', '.join(teams)}"


def test_team_filter_limits_the_scorecard_to_that_team(monkeypatch, small_dataset):
    agents = read_generated(small_dataset, "agents")
    team = sorted(agents["team"].unique())[1]
    members = set(agents.loc[agents["team"] == team, "agent_id"])

    at = open_app(monkeypatch, small_dataset, "scorecard")
    table = agent_table(at)
    assert set(table["agent_id"]) == set(agents["agent_id"])
    assert table["team"].nunique() == agents["team"].nunique() > 1
    assert "team" not in at.query_params

    at.sidebar.multiselect(key="w_teams").select(team).run()
    assert not at.exception
    table = agent_table(at)
    assert set(table["agent_id"]) == members
    assert set(table["team"]) == {team}
    assert list(at.dataframe[1].value["team"]) == [team]  # the team table
    assert query(at)["team"] == [team]

    at.sidebar.multiselect(key="w_teams").unselect(team).run()
    assert set(agent_table(at)["agent_id"]) == set(agents["agent_id"])
    assert "team" not in at.query_params


def test_period_preset_changes_the_kpis(monkeypatch, small_dataset):
    tickets = read_generated(small_dataset, "tickets")
    quarter = in_window(tickets, quarter_window(tickets))
    assert len(quarter) < len(tickets)
    csat = KPIS_BY_ID["csat"].label("zh")

    at = open_app(monkeypatch, small_dataset)
    assert at.sidebar.selectbox(key="w_preset").value == "quarter"
    assert metrics(at)[csat] == mean_csat(small_dataset, quarter)
    assert sum(bar_chart(at, t("volume_by_channel", "zh")).values()) == len(quarter)
    assert all(m.delta for m in at.metric)  # compared with the quarter before
    before = metrics(at)

    at.sidebar.selectbox(key="w_preset").set_value("all").run()
    assert not at.exception
    assert metrics(at)[csat] == mean_csat(small_dataset, tickets)
    assert sum(bar_chart(at, t("volume_by_channel", "zh")).values()) == len(tickets)
    assert metrics(at) != before
    assert not any(m.delta for m in at.metric)  # no previous period for "all data"
    assert query(at)["preset"] == ["all"]


def test_custom_date_range(monkeypatch, small_dataset):
    tickets = read_generated(small_dataset, "tickets")
    first = tickets["created_at"].min().date()
    start, end = first + timedelta(days=10), first + timedelta(days=40)
    chosen = in_window(tickets, (pd.Timestamp(start), pd.Timestamp(end + timedelta(days=1))))

    at = open_app(monkeypatch, small_dataset)
    at.sidebar.selectbox(key="w_preset").set_value("custom").run()
    at.sidebar.date_input(key="w_range").set_value((start, end)).run()
    assert not at.exception
    assert bar_chart(at, t("volume_by_channel", "zh")) == counts(chosen, "channel")
    assert metrics(at)[KPIS_BY_ID["csat"].label("zh")] == mean_csat(small_dataset, chosen)
    params = query(at)
    assert (params["preset"], params["from"], params["to"]) == (
        ["custom"],
        [start.isoformat()],
        [end.isoformat()],
    )


def test_language_switch_to_english(monkeypatch, small_dataset):
    at = open_app(monkeypatch, small_dataset)
    zh_labels = set(metrics(at))
    at.sidebar.radio(key="w_lang").set_value("en").run()
    assert not at.exception
    assert title(at) == expected_title("overview", "en")
    assert at.sidebar.multiselect(key="w_teams").label == t("teams", "en")
    assert at.sidebar.selectbox(key="w_preset").label == t("period", "en")
    en_labels = set(metrics(at))
    assert en_labels == {k.label_en for k in KPIS_BY_ID.values() if k.label_zh in zh_labels}
    assert bar_chart(at, t("volume_by_channel", "en"))
    assert query(at)["lang"] == ["en"]

    at.switch_page(PAGES["scorecard"]).run()
    assert title(at) == t("page_scorecard", "en")
    grades = set(agent_table(at)["grade"])
    english = {
        t(f"grade_{g}", "en") for g in ("excellent", "good", "satisfactory", "unsatisfactory")
    }
    english.add(t("insufficient_data", "en"))
    assert grades and all(any(g.endswith(e) for e in english) for g in grades)


def test_scheme_changes_the_scores_and_ranking(monkeypatch, small_dataset):
    at = open_app(monkeypatch, small_dataset, "scorecard")
    assert at.selectbox(key="w_scheme").value == "balanced"
    before = agent_table(at).set_index("agent_id")
    assert kpi_columns(before) == scheme_kpis("balanced")

    at.selectbox(key="w_scheme").set_value("efficiency").run()
    assert not at.exception
    after = agent_table(at).set_index("agent_id")
    assert kpi_columns(after) == scheme_kpis("efficiency")
    assert set(after.index) == set(before.index)
    scored = before["composite"].notna() & after["composite"].notna()
    assert scored.sum() > 5
    assert not np.allclose(before.loc[scored, "composite"], after.loc[scored, "composite"])
    assert list(before.index) != list(after.index)  # the ranking changed
    ranked = after[after["composite"].notna()]
    assert list(ranked["composite"]) == sorted(ranked["composite"], reverse=True)
    assert query(at)["scheme"] == ["efficiency"]


def test_query_params_are_honoured_on_first_load(monkeypatch, small_dataset):
    agents = read_generated(small_dataset, "agents")
    team = sorted(agents["team"].unique())[-1]
    params = {"lang": "en", "team": team, "preset": "all", "scheme": "efficiency"}
    at = open_app(monkeypatch, small_dataset, "scorecard", params)
    assert not at.exception
    assert title(at) == t("page_scorecard", "en")
    assert at.sidebar.radio(key="w_lang").value == "en"
    assert at.sidebar.selectbox(key="w_preset").value == "all"
    assert at.sidebar.multiselect(key="w_teams").value == [team]
    assert at.selectbox(key="w_scheme").value == "efficiency"
    table = agent_table(at)
    assert set(table["agent_id"]) == set(agents.loc[agents["team"] == team, "agent_id"])
    assert kpi_columns(table) == scheme_kpis("efficiency")
    tickets = read_generated(small_dataset, "tickets")
    team_tickets = tickets[tickets["agent_id"].isin(table["agent_id"])]
    assert table["tickets"].sum() == len(team_tickets)  # the whole period, not a quarter
    assert query(at) == {k: [v] for k, v in params.items()}


def test_multiple_values_in_the_link(monkeypatch, small_dataset):
    at = open_app(monkeypatch, small_dataset, "overview", {"channel": ["email", "web"]})
    assert at.sidebar.multiselect(key="w_channels").value == ["email", "web"]
    assert set(bar_chart(at, t("volume_by_channel", "zh"))) == {"邮件", "网页表单"}
    assert query(at)["channel"] == ["email", "web"]


def test_bad_values_in_the_link_fall_back_to_defaults(monkeypatch, small_dataset):
    params = {"lang": "xx", "preset": "decade", "scheme": "nope", "unknown": "1"}
    at = open_app(monkeypatch, small_dataset, "scorecard", params)
    assert not at.exception
    assert title(at) == t("page_scorecard", "zh")
    assert at.sidebar.selectbox(key="w_preset").value == "quarter"
    assert at.selectbox(key="w_scheme").value == "balanced"
    assert "unknown" not in at.query_params and "lang" not in at.query_params


# ---------------------------------------------------------------------------------------
# Bad rows: the Data page explains, the sidebar warns


@pytest.mark.parametrize("page", ["data", "overview"])
def test_bad_rows_are_reported(monkeypatch, bad_rows_dataset: BadRows, page):
    at = open_app(monkeypatch, bad_rows_dataset.path, page)
    assert not at.exception
    badge = t("data_warning_badge", "zh", count=bad_rows_dataset.excluded)
    assert page_links(at) == [badge]
    if page == "data":
        sizes = at.dataframe[0].value.set_index(t("table", "zh"))
        read = bad_rows_dataset.base_rows + bad_rows_dataset.excluded
        assert sizes.loc["工单", t("rows_read", "zh")] == read
        assert sizes.loc["工单", t("excluded", "zh")] == bad_rows_dataset.excluded
        assert sizes.loc["工单", t("accepted", "zh")] == bad_rows_dataset.base_rows
        rules = at.dataframe[1].value.set_index(t("rule", "zh"))
        assert dict(rules[t("count", "zh")]) == {
            "tickets.duplicate_id": len(bad_rows_dataset.duplicate_ids),
            "tickets.unknown_agent": len(bad_rows_dataset.unknown_agent_ids),
        }
        examples = rules[t("examples", "zh")]
        assert set(examples["tickets.unknown_agent"].split(", ")) == set(
            bad_rows_dataset.unknown_agent_ids
        )
        assert set(examples["tickets.duplicate_id"].split(", ")) == set(
            bad_rows_dataset.duplicate_ids
        )
        assert not at.success


def test_clean_dataset_shows_no_badge(monkeypatch, small_dataset):
    at = open_app(monkeypatch, small_dataset, "data")
    assert not at.exception
    assert not page_links(at)
    assert [s.value for s in at.success] == [t("no_problems", "zh")]


def test_saved_schemes_come_from_the_state_folder_given_on_the_command_line(
    monkeypatch, small_dataset, tmp_path
):
    # `streamlit run app.py -- --state DIR`: the scheme list reads DIR/schemes, and a scheme
    # saved while the app runs appears on the next rerun.
    monkeypatch.delenv("SPD_STATE_DIR", raising=False)
    monkeypatch.setattr(sys, "argv", ["app.py", "--state", str(tmp_path)])
    weights = dict(schemes.load("balanced").weights)
    schemes.save(schemes.Scheme("team_first", "Team first", "团队优先", "", weights), tmp_path)
    at = open_app(monkeypatch, small_dataset, "scorecard")
    assert "团队优先" in at.selectbox(key="w_scheme").options  # options show the labels
    assert "夜班" not in at.selectbox(key="w_scheme").options
    schemes.save(schemes.Scheme("night_shift", "Night shift", "夜班", "", weights), tmp_path)
    at.run()
    assert "夜班" in at.selectbox(key="w_scheme").options
    at.selectbox(key="w_scheme").set_value("team_first").run()
    assert not at.exception


def test_the_data_page_shows_the_targets_every_page_uses(monkeypatch, small_dataset):
    from scoring.stores.targets import TargetSet, TargetStore
    from tests.conftest import saved_state

    at = open_app(monkeypatch, small_dataset, "data")
    assert not at.exception
    assert t("targets_in_use_registry", "zh") in [c.value for c in at.caption]
    registry = next(d.value for d in at.dataframe if "floor" in d.value.columns)
    fcr = registry.set_index("label").loc["一次解决率"]  # rates as % (the KPI's unit)
    built_in = KPIS_BY_ID["fcr"]
    assert (fcr["floor"], fcr["target"]) == (f"{built_in.floor:.1%}", f"{built_in.target:.1%}")

    TargetStore(saved_state()).save(TargetSet({"fcr": (0.4, 0.6, 0.7)}, author="Zhang Wei"))
    at = open_app(monkeypatch, small_dataset, "data")
    registry = next(d.value for d in at.dataframe if "floor" in d.value.columns)
    fcr = registry.set_index("label").loc["一次解决率"]
    assert (fcr["floor"], fcr["target"], fcr["stretch"]) == ("40.0%", "60.0%", "70.0%")
    (sentence,) = [c.value for c in at.caption if "Zhang Wei" in c.value]
    assert sentence.startswith("各页面正在使用：本数据集目标值第 1 版")
