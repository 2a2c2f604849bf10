"""The Overview's team ranking in a real headless Chromium: a click on a team's dot opens
Diagnostics for that team, with the team in the address and the sidebar's filter, as a
click on Diagnostics' own team bars does.

The clicked team is read from the chart's own data; texts come from the catalog.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from dashboard.ui.i18n import t
from tests.browser_support import assert_no_errors, open_page, query_of, screenshot
from tests.conftest import SAMPLE_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TEAMS = set(pd.read_parquet(SAMPLE_DATASET / "agents.parquet")["team"])
LANG = "en"


def test_a_click_on_a_team_opens_its_diagnostics(page: Page, server: str):
    title = f"{t('page_overview', LANG)} · {t('department', LANG)}"
    open_page(page, server, f"/overview?lang={LANG}", title)
    ranking = page.locator(".js-plotly-plot").filter(has_text=t("team_ranking", LANG))
    expect(ranking).to_have_count(1)
    ranking.scroll_into_view_if_needed()  # the ranking is the last chart, below the fold
    dots = ranking.locator(".scatterlayer .point")
    expect(dots.first).to_be_visible()
    assert dots.count() == len(TEAMS)
    team = ranking.evaluate("(plot) => plot._fullData[0].customdata[0][0]")
    assert team in TEAMS
    screenshot(page, "overview_team_ranking")

    dots.first.click(force=True)
    page.wait_for_url(re.compile(r"/diagnostics\?"))
    crumb = f"{t('diagnostics_level_team', LANG)}: {team}"
    expect(page.locator('[data-testid="stButton"] button').filter(has_text=crumb)).to_be_visible()
    assert query_of(page)["team"] == [team]
    assert query_of(page)["lang"] == [LANG]
    assert_no_errors(page)
    screenshot(page, "overview_click_to_diagnostics")
