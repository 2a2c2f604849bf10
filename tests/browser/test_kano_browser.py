"""The Customer expectations page in a real headless Chromium (one server on the bundled
sample): in both languages no exception or error, the Better–Worse diagram drawn with a dot
per factor and its four quadrant names, the segment widget changing the respondents, and the
scoring built on what customers expect opening the What-if lab with its gates and bonus KPIs.

Expected texts come from the UI catalog, the factor registry and
scoring.methods.stats.KANO_LABELS; the respondents from the sample's Parquet file.
"""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from dashboard.ui.i18n import t
from dashboard.ui.values import value_label
from scoring.methods.stats import KANO_LABELS
from scoring.registry.kano import FACTORS
from tests.browser_support import (
    assert_no_errors,
    drawn_marks,
    open_page,
    query_of,
    screenshot,
)
from tests.conftest import SAMPLE_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
DIAGRAM = ".st-key-kano_diagram"  # the keyed element around the diagram
ANSWERS = pd.read_parquet(SAMPLE_DATASET / "kano_responses.parquet")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_draws_the_diagram_and_follows_the_segment(page: Page, server: str, lang):
    open_page(page, server, f"/kano?lang={lang}", t("page_kano", lang))
    assert drawn_marks(page, charts=1, within=DIAGRAM) == [len(FACTORS)]
    diagram = page.locator(".js-plotly-plot")
    for category in ("M", "O", "A", "I"):
        expect(diagram.get_by_text(KANO_LABELS[category][lang], exact=True)).to_have_count(1)
    expect(diagram.get_by_text(FACTORS[0].label(lang), exact=True)).to_have_count(1)
    respondents = page.locator('[data-testid="stMetricValue"]').first
    expect(respondents).to_have_text(str(ANSWERS["respondent_id"].nunique()))
    assert_no_errors(page)
    screenshot(page, f"kano_{lang}")

    page.get_by_role("combobox", name=t("kano_segment", lang), exact=True).click()
    page.get_by_role("option", name=value_label("segment", "enterprise", lang)).click()
    enterprise = ANSWERS.loc[ANSWERS["segment"] == "enterprise", "respondent_id"].nunique()
    expect(respondents).to_have_text(str(enterprise))
    assert drawn_marks(page, charts=1, within=DIAGRAM) == [len(FACTORS)]
    assert_no_errors(page)

    button = page.get_by_role("button", name=t("kano_open_lab", lang))
    button.scroll_into_view_if_needed()
    expect(page.get_by_role("heading", name=t("kano_scoring_header", lang))).to_be_visible()
    button.click()
    expect(page.locator("h1")).to_have_text(t("page_whatif", lang))
    query = query_of(page)
    assert query["must_be"] and query["bonus"]  # the sample's must-be and attractive KPIs
    expect(page.get_by_text(t("whatif_kano", lang))).to_be_visible()
    idle = page.locator('[data-testid="stApp"]')
    expect(idle).to_have_attribute("data-test-script-state", "notRunning")
    assert_no_errors(page)
    screenshot(page, f"kano_lab_{lang}")
