"""The Did it work? page in a real headless Chromium (one server on the bundled sample): the
planted policy change chosen through the widgets is judged a fall of about its size, in Chinese
and, after the language switch, in English, with the trends, the event study and attrition
drawn.

Expected values come from data/sample/truth.json and the UI catalog.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.ui.i18n import t
from scoring.registry.kpis import KPIS_BY_ID
from tests.browser_support import assert_no_errors, drawn_marks, idle, open_page, screenshot
from tests.conftest import SAMPLE_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TRUTH = json.loads((SAMPLE_DATASET / "truth.json").read_text(encoding="utf-8"))
PLANTED = TRUTH["policy_change"]
CHARTS = 3  # trends, event study, attrition


def chips(page: Page, label: str):
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=label)
    return box, box.locator("[data-tag]")


def clear(page: Page, label: str) -> None:
    """Remove every choice of the multiselect labelled `label` (its chips' "Remove …"
    buttons, Streamlit's own); the page has defaults, so wait for them first."""
    _, chosen = chips(page, label)
    expect(chosen.first).to_be_visible()
    idle(page)
    while chosen.count():
        chosen.first.locator("button").click()
        idle(page)


def pick(page: Page, label: str, option: str) -> None:
    box, chosen = chips(page, label)
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    idle(page)
    expect(chosen).to_have_count(1)
    expect(chosen.first).to_have_attribute("aria-label", option)


def assert_judged(page: Page, lang: str) -> None:
    """The response-time verdict says it fell by about the planted 40%; the charts drawn."""
    kpi = KPIS_BY_ID["first_response_median"].label(lang)
    verdict = page.locator('[data-testid="stMarkdownContainer"] li').filter(has_text=kpi)
    expect(verdict).to_have_count(1)
    fell = t("effect_verdict_fell", lang).split("{size}")[0].split("**")[-1].strip()
    expect(verdict).to_contain_text(fell)
    size = int(re.search(r"(\d+)%", verdict.inner_text()).group(1))
    assert abs(size - 100 * abs(PLANTED["effect"])) <= 5
    assert drawn_marks(page, charts=CHARTS)[:2] >= [2, 1]  # two lines; the event study
    assert_no_errors(page)
    screenshot(page, f"effect_{lang}")


def test_the_planted_change_is_judged_and_drawn_in_both_languages(page: Page, server: str):
    open_page(page, server, "/effect?lang=zh", t("page_effect", "zh"))
    clear(page, t("effect_teams", "zh"))  # the default KPIs stay: response time among them
    pick(page, t("effect_teams", "zh"), PLANTED["team"])
    assert_judged(page, "zh")
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    expect(page.locator("h1")).to_have_text(t("page_effect", "en"))
    idle(page)
    _, kpis = chips(page, t("effect_kpis", "en"))  # the chosen KPIs relabelled, not Chinese
    expect(kpis.first).to_have_attribute(
        "aria-label", KPIS_BY_ID["first_response_median"].label("en")
    )
    assert_judged(page, "en")
