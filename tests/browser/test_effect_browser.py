"""The Did it work? page in a real headless Chromium (one server on the bundled sample): in
both languages, the planted policy change chosen through the widgets is judged a fall within
its interval, and the trends, the event study and attrition are drawn.

Expected values come from data/sample/truth.json and the UI catalog.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.ui.i18n import t
from scoring.registry.kpis import KPIS_BY_ID
from tests.browser_support import assert_no_errors, drawn_marks, open_page, screenshot
from tests.conftest import SAMPLE_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TRUTH = json.loads((SAMPLE_DATASET / "truth.json").read_text(encoding="utf-8"))
PLANTED = TRUTH["policy_change"]
CHARTS = 3  # trends, event study, attrition


def idle(page: Page) -> None:
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-script-state", "notRunning")


def choose_only(page: Page, label: str, option: str) -> None:
    """Make `option` the only choice of the multiselect labelled `label`: remove the other
    chips (their "Remove …" buttons, Streamlit's own), then pick it."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=label)
    chips = box.locator("[data-tag]")
    expect(chips.first).to_be_visible()  # the page's defaults are drawn
    idle(page)
    while chips.count():
        chips.first.locator("button").click()
        idle(page)
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    idle(page)
    expect(chips).to_have_count(1)
    expect(chips.first).to_have_attribute("aria-label", option)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_planted_change_is_judged_and_drawn(page: Page, server: str, lang):
    open_page(page, server, f"/effect?lang={lang}", t("page_effect", lang))
    choose_only(page, t("effect_teams", lang), PLANTED["team"])
    kpi = KPIS_BY_ID["first_response_median"].label(lang)
    choose_only(page, t("effect_kpis", lang), kpi)
    verdict = page.locator('[data-testid="stMarkdownContainer"] li').filter(has_text=kpi)
    expect(verdict).to_have_count(1)
    fell = t("effect_verdict_fell", lang).split("{size}")[0].split("**")[-1].strip()
    expect(verdict).to_contain_text(fell)
    size = int(re.search(r"(\d+)%", verdict.inner_text()).group(1))
    assert abs(size - 100 * abs(PLANTED["effect"])) <= 5
    assert drawn_marks(page, charts=CHARTS)[:2] >= [2, 1]
    assert_no_errors(page)
    screenshot(page, f"effect_{lang}")
