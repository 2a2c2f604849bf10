"""The Objectives page in a real headless Chromium (one server on the bundled sample), in
Chinese (the English page is drawn by test_every_page_browser.py; one case keeps CI's
budget): set a department objective, cascade it to the teams, see the cascade saved
and the children tracked, then open a missed objective in Diagnostics for its owner and
period. No exception or error on the way.

Expected texts come from the UI catalog and the KPI registry; the teams from the sample's
Parquet file.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from dashboard.ui.i18n import t
from scoring.registry.kpis import KPIS_BY_ID
from tests.browser_support import assert_no_errors, open_page, query_of, screenshot
from tests.conftest import SAMPLE_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TEAMS = pd.read_parquet(SAMPLE_DATASET / "agents.parquet")["team"].nunique()
# A KPI no team has an objective for in the last quarter (a cascade keeps a team's own).
KPI = "resolution_rate"


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a select box, typed to filter a long list first."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.press_sequentially(option)
    page.get_by_role("option", name=option).first.click()


def test_set_cascade_track_and_open_in_diagnostics(page: Page, server: str, lang: str = "zh"):
    open_page(page, server, f"/objectives?lang={lang}", t("page_objectives", lang))
    expect(page.get_by_text(t("objectives_list", lang), exact=True)).to_be_visible()
    department = f"Department {lang}"
    kpi = KPIS_BY_ID[KPI].label(lang)
    choose(page, t("objectives_owner_type", lang), t("objectives_owner_department", lang))
    name = page.get_by_label(t("objectives_department_name", lang), exact=True)
    name.fill(department)
    name.press("Enter")
    choose(page, t("objectives_col_kpi", lang), kpi)
    target = page.get_by_label(t("objectives_target_input", lang), exact=True)
    target.fill("0.8")
    target.press("Enter")
    page.get_by_role("button", name=t("objectives_save", lang)).click()
    saved = re.escape(t("objectives_saved", lang, version=0)).replace("0", r"\d+")
    expect(page.get_by_text(re.compile(saved))).to_be_visible()
    assert_no_errors(page)

    parent = f"{t('objectives_owner_department', lang)}: {department} · {kpi}"
    choose(page, t("objectives_cascade_parent", lang), parent)
    page.get_by_text(t("objectives_cascade_to_team", lang), exact=True).click()
    preview = page.locator('[data-testid="stDataFrame"]').filter(
        has=page.get_by_text(t("objectives_col_kept", lang))
    )
    expect(preview.locator("[role=grid]")).to_have_attribute("aria-rowcount", str(TEAMS + 1))
    page.get_by_role("button", name=t("objectives_cascade_save", lang)).click()
    cascaded = t("objectives_cascade_saved", lang, count=TEAMS, version=0)
    expect(page.get_by_text(re.compile(re.escape(cascaded).replace("0", r"\d+")))).to_be_visible()
    idle = page.locator('[data-testid="stApp"]')
    expect(idle).to_have_attribute("data-test-script-state", "notRunning")
    assert_no_errors(page)
    screenshot(page, f"objectives_{lang}")

    button = page.get_by_role("button", name=t("objectives_open_diagnostics", lang))
    button.scroll_into_view_if_needed()
    button.click()
    expect(page.locator("h1")).to_have_text(t("page_diagnostics", lang))
    query = query_of(page)
    assert query["preset"] == ["custom"] and query["from"] and query["to"]
    assert query.get("team") or query.get("agent")
    assert_no_errors(page)
