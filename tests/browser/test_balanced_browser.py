"""The Balanced scorecard page in a real headless Chromium (one server on the bundled sample):
in both languages no exception or error, the four perspective cards, the trend and the
strategy map drawn with their marks, the map's bands named; picking a team redraws it for the
team, whose objectives the table names as the target's source.

Expected texts come from the UI catalog and the registry's perspectives; the KPIs on the map
are the rows of the page's own table, counted in the browser.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from dashboard.ui.i18n import t
from scoring.registry.kpis import PERSPECTIVES
from tests.browser_support import assert_no_errors, drawn_marks, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TEAM = "Team North"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scorecard_of_the_department_and_of_a_team(page: Page, server: str, lang):
    open_page(page, server, f"/balanced?lang={lang}&preset=month", t("page_balanced", lang))
    cards = page.locator('[data-testid="stMetricLabel"]')
    expect(cards).to_have_count(4)
    for perspective in PERSPECTIVES.values():
        expect(cards.get_by_text(perspective[lang], exact=True)).to_have_count(1)
    trend_lines, nodes = drawn_marks(page, charts=2)
    assert trend_lines >= 3  # financial, customer and process by month
    assert nodes > 4  # a dot per KPI (at least one per perspective)
    strategy = page.locator(".js-plotly-plot").nth(1)
    for perspective in PERSPECTIVES.values():
        expect(strategy.get_by_text(perspective[lang], exact=True)).to_have_count(1)
    assert_no_errors(page)
    screenshot(page, f"balanced_{lang}")

    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(t("balanced_level_team", lang), exact=True).click()
    expect(page.get_by_role("heading", name=t("balanced_owner_team", lang, team=""))).to_have_count(
        1
    )
    main.get_by_role("combobox", name=t("team", lang), exact=True).click()
    page.get_by_role("option", name=TEAM, exact=True).click()
    heading = page.get_by_role("heading", name=t("balanced_owner_team", lang, team=TEAM))
    expect(heading).to_be_visible()
    idle = page.locator('[data-testid="stApp"]')
    expect(idle).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.get_by_text(t("balanced_objectives_note", lang))).to_be_visible()
    table = page.locator('[data-testid="stDataFrame"]').first
    # the sample's team objectives on CSAT, FCR and first response for the last month, and
    # the resolution rate planted off track (truth.json)
    objective = t("balanced_source_objective", lang)
    expect(table.locator('[data-testid^="glide-cell-"]').filter(has_text=objective)).to_have_count(
        4
    )
    assert drawn_marks(page, charts=2)[1] == nodes  # the same KPIs: the scheme's
    assert_no_errors(page)
    screenshot(page, f"balanced_team_{lang}")
