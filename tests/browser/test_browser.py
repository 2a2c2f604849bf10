"""The dashboard in a real headless Chromium against `streamlit run` on the bundled sample.

One server and one browser serve every test here (they share an xdist group). Expected
texts come from the UI catalog, expected agents and teams from the sample's Parquet files.
Each test saves a screenshot to tests/screenshots/ (git-ignored) for a human to look at.

Chromium missing: the tests are skipped, unless SPD_REQUIRE_BROWSER=1 (CI), then they fail.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from dashboard.ui.i18n import t
from scoring.engine import schemes
from tests.browser_support import (
    TIMEOUT_MS,
    assert_no_errors,
    download,
    drawn_marks,
    open_page,
    query_of,
    query_of_url,
    screenshot,
    sidebar_widget,
    team_cells,
    wait_for_rows,
)
from tests.conftest import SAMPLE_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
GRADES = ("excellent", "good", "satisfactory", "unsatisfactory")
AGENTS = pd.read_parquet(SAMPLE_DATASET / "agents.parquet")
TEAMS = sorted(AGENTS["team"].unique())


def overview_title(lang: str) -> str:
    return f"{t('page_overview', lang)} · {t('department', lang)}"


def download_csv(page: Page, lang: str) -> pd.DataFrame:
    button = page.locator('[data-testid="stDownloadButton"] button').filter(
        has_text=t("download_csv", lang)
    )
    file = download(page, button)
    assert file.suggested_filename == "scorecard.csv"
    return pd.read_csv(file.path(), encoding="utf-8-sig")


def assert_scorecard_csv(csv: pd.DataFrame, agent_ids: set[str], lang: str) -> None:
    assert list(csv.columns[:4]) == ["agent_id", "name", "team", "tickets"]
    assert {"composite", "grade", "dept_rank", "team_rank", "csat"} <= set(csv.columns)
    assert len(csv) == len(agent_ids)
    assert set(csv["agent_id"]) == agent_ids
    labels = {t(f"grade_{g}", lang) for g in GRADES} | {t("insufficient_data", lang)}
    assert set(csv["grade"]) <= labels
    scored = csv["composite"].dropna()
    assert len(scored) > 0 and scored.between(0, 100).all()


# ---------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize(
    ("path", "name", "heading", "charts"),
    [
        ("/overview", "overview", overview_title("zh"), 5),
        ("/scorecard", "scorecard", t("page_scorecard", "zh"), 2),
        ("/data", "data", t("page_data", "zh"), 0),
        ("/", "root", overview_title("zh"), 5),
    ],
    ids=["overview", "scorecard", "data", "root"],
)
def test_page_by_direct_url(page: Page, server: str, path, name, heading, charts):
    open_page(page, server, path, heading)
    if path == "/":
        page.wait_for_url(lambda url: urlsplit(url).path == "/overview")
    marks = drawn_marks(page, charts)
    assert len(marks) == charts and all(n > 0 for n in marks), marks
    if name == "scorecard":
        wait_for_rows(page, len(AGENTS))
        assert len(set(team_cells(page))) > 1  # the whole department: several teams
    if name == "data":  # table sizes, the broken rows of the sample by rule, the KPIs
        expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(3)
        expect(page.get_by_text(t("no_problems", "zh"))).to_have_count(0)
    if name == "overview":
        expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    nav = page.locator('[data-testid="stSidebarNav"]')
    for key in ("page_overview", "page_scorecard", "page_data"):
        expect(nav).to_contain_text(t(key, "zh"))
    assert_no_errors(page)
    screenshot(page, name)


def test_team_filter_changes_the_table_and_the_url(page: Page, server: str):
    team = TEAMS[1]
    members = AGENTS.loc[AGENTS["team"] == team, "agent_id"]
    assert 0 < len(members) < len(AGENTS)
    open_page(page, server, "/scorecard", t("page_scorecard", "zh"))
    wait_for_rows(page, len(AGENTS))
    before = team_cells(page)
    assert len(set(before)) > 1

    sidebar_widget(page, "stMultiSelect", t("teams", "zh")).locator("input").click()
    page.get_by_role("option", name=team, exact=True).click()
    page.keyboard.press("Escape")

    page.wait_for_url(lambda url: query_of_url(url).get("team") == [team])
    wait_for_rows(page, len(members))
    after = team_cells(page)
    assert after and set(after) == {team}
    assert after != before
    assert_no_errors(page)
    screenshot(page, "scorecard_team")


def test_language_switch_to_english(page: Page, server: str):
    open_page(page, server, "/overview", overview_title("zh"))
    sidebar_widget(page, "stRadio", "语言 / Language").get_by_text("English").click()

    expect(page.locator("h1")).to_have_text(overview_title("en"))
    page.wait_for_url(lambda url: query_of_url(url).get("lang") == ["en"])
    nav = page.locator('[data-testid="stSidebarNav"]')
    for key in ("page_overview", "page_scorecard", "page_data"):
        expect(nav).to_contain_text(t(key, "en"))
    sidebar = page.locator('[data-testid="stSidebar"]')
    for key in ("filters", "period", "teams", "channels", "link_hint"):
        expect(sidebar).to_contain_text(t(key, "en"))
    plots = page.locator(".js-plotly-plot")
    expect(plots.filter(has_text=t("volume_by_channel", "en"))).to_have_count(1)
    expect(plots.filter(has_text=t("team_ranking", "en"))).to_have_count(1)
    marks = drawn_marks(page, 5)
    assert len(marks) == 5 and all(n > 0 for n in marks), marks
    assert_no_errors(page)
    screenshot(page, "overview_en")


def test_download_csv_of_the_scorecard(page: Page, server: str):
    open_page(page, server, "/scorecard", t("page_scorecard", "zh"))
    wait_for_rows(page, len(AGENTS))
    csv = download_csv(page, "zh")
    assert_scorecard_csv(csv, set(AGENTS["agent_id"]), "zh")


def test_direct_link_with_query_params(page: Page, server: str):
    team = TEAMS[-1]
    members = set(AGENTS.loc[AGENTS["team"] == team, "agent_id"])
    link = f"/scorecard?lang=en&team={team.replace(' ', '+')}"
    open_page(page, server, link, t("page_scorecard", "en"))

    wait_for_rows(page, len(members))
    assert set(team_cells(page)) == {team}
    teams = sidebar_widget(page, "stMultiSelect", t("teams", "en"))
    expect(teams).to_contain_text(team)
    for other in TEAMS:
        if other != team:
            expect(teams).not_to_contain_text(other)
    radio = sidebar_widget(page, "stRadio", "语言 / Language")
    expect(radio.get_by_role("radio", name="English")).to_be_checked()
    query = query_of(page)
    assert query["lang"] == ["en"] and query["team"] == [team]
    marks = drawn_marks(page, 2)
    assert len(marks) == 2 and all(n > 0 for n in marks), marks
    assert_no_errors(page)
    screenshot(page, "scorecard_link")

    csv = download_csv(page, "en")
    assert_scorecard_csv(csv, members, "en")
    assert set(csv["team"]) == {team}


def test_language_switch_keeps_the_view_usable(page: Page, server: str):
    team = TEAMS[0]
    members = AGENTS.loc[AGENTS["team"] == team, "agent_id"]
    scheme = json.loads((schemes.BUILT_IN_DIR / "balanced.json").read_text("utf-8"))
    open_page(page, server, "/scorecard", t("page_scorecard", "zh"))
    wait_for_rows(page, len(AGENTS))
    sidebar_widget(page, "stRadio", "语言 / Language").get_by_text("English").click()
    expect(page.locator("h1")).to_have_text(t("page_scorecard", "en"))

    try:
        period = sidebar_widget(page, "stSelectbox", t("period", "en")).locator("input")
        expect(period).to_have_value(t("preset_quarter", "en"))
        weights = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
            has=page.get_by_text(t("scheme", "en"), exact=True)
        )
        expect(weights.locator("input")).to_have_value(scheme["label_en"])

        # The next interaction must keep the period and the scheme, and not crash.
        sidebar_widget(page, "stMultiSelect", t("teams", "en")).locator("input").click()
        page.get_by_role("option", name=team, exact=True).click()
        page.keyboard.press("Escape")
        page.wait_for_url(lambda url: query_of_url(url).get("team") == [team], timeout=TIMEOUT_MS)
        wait_for_rows(page, len(members))
        assert_no_errors(page)
        query = query_of(page)
        assert "preset" not in query  # still the default quarter
        assert query.get("scheme", ["balanced"]) == ["balanced"]
    finally:
        screenshot(page, "scorecard_en_after_switch")
