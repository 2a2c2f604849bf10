"""The Capability page in a real headless Chromium (one server on the bundled sample).

Expected texts come from the UI catalog and the KPI registry, expected agents and planted
facts from the sample's Parquet files and truth.json.
"""

from __future__ import annotations

import contextlib
import json

import pandas as pd
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dashboard.ui.i18n import t
from scoring.registry.kpis import KPIS_BY_ID
from tests.browser_support import (
    TIMEOUT_MS,
    assert_no_errors,
    download,
    open_page,
    query_of_url,
    screenshot,
    sidebar_widget,
)
from tests.conftest import SAMPLE_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
AGENTS = pd.read_parquet(SAMPLE_DATASET / "agents.parquet")
TRUTH = json.loads((SAMPLE_DATASET / "truth.json").read_text(encoding="utf-8"))
CHARTS = 4  # heatmap, case mix, before/after, radar

# Per Plotly chart: drawn heatmap images, bars and scatter / polar traces with a visible size.
MARKS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot =>
    [...plot.querySelectorAll('.hm image, .bars path, .scatterlayer .trace path')]
        .filter(mark => { const box = mark.getBBox(); return box.width + box.height > 0; })
        .length)"""


def drawn(page: Page, charts: int) -> list[int]:
    with contextlib.suppress(PlaywrightTimeoutError):  # the caller's assertion reports
        page.wait_for_function(
            f"() => {{ const m = ({MARKS})(); "
            f"return m.length === {charts} && m.every(n => n > 0); }}",
            timeout=TIMEOUT_MS,
        )
    return page.evaluate(MARKS)


def main_selectbox(page: Page, label: str):
    return page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True)
    )


def test_capability_page_finds_gaps_and_follows_the_kpi(page: Page, server: str):
    open_page(page, server, "/capability", t("page_capability", "zh"))
    marks = drawn(page, CHARTS)
    assert len(marks) == CHARTS and all(n > 0 for n in marks), marks
    main = page.locator('[data-testid="stMain"]')
    for key in ("capability_matrix", "capability_needs", "capability_feedback", "capability_plan"):
        expect(main.get_by_role("heading", name=t(key, "zh"))).to_be_visible()
    fcr = KPIS_BY_ID["fcr"].label("zh")
    expect(main).to_contain_text(f"{t('capability_case_mix', 'zh')} · {fcr}")
    assert_no_errors(page)
    screenshot(page, "capability")

    # Choose CSAT: the sections follow and the address bar keeps it.
    csat = KPIS_BY_ID["csat"].label("zh")
    main_selectbox(page, t("capability_kpi", "zh")).locator("input").click()
    page.get_by_role("option", name=csat, exact=True).click()
    expect(main).to_contain_text(f"{t('capability_case_mix', 'zh')} · {csat}")
    page.wait_for_url(lambda url: query_of_url(url).get("kpi") == ["csat"])
    marks = drawn(page, CHARTS)
    assert len(marks) == CHARTS and all(n > 0 for n in marks), marks
    assert_no_errors(page)

    # The coaching plan downloads as CSV with each agent's supervisor as owner.
    button = page.locator('[data-testid="stDownloadButton"] button').filter(
        has_text=t("capability_download_csv", "zh")
    )
    file = download(page, button)
    assert file.suggested_filename == "coaching_plan.csv"
    plan = pd.read_csv(file.path(), encoding="utf-8-sig")
    owner, agent = t("capability_owner", "zh"), t("capability_feedback_agent", "zh")
    assert len(plan) > 0
    supervisors = AGENTS.set_index("agent_id")["supervisor"]
    assert (plan[owner] == plan[agent].map(supervisors)).all()
    blind = t("capability_plan_blind_spot", "zh")
    flagged = set(plan.loc[plan[t("capability_plan_gap", "zh")] == blind, agent])
    assert set(TRUTH["self_overraters"]) <= flagged


def test_capability_page_in_english_on_channels(page: Page, server: str):
    open_page(page, server, "/capability?lang=en&skill=channel", t("page_capability", "en"))
    marks = drawn(page, CHARTS)
    assert len(marks) == CHARTS and all(n > 0 for n in marks), marks
    main = page.locator('[data-testid="stMain"]')
    dimension = main_selectbox(page, t("capability_dimension", "en")).locator("input")
    expect(dimension).to_have_value(t("capability_dim_channel", "en"))
    expect(page.locator(".js-plotly-plot").first).to_contain_text(t("capability_dim_channel", "en"))
    for key in ("capability_team_view", "capability_blind_spots"):
        expect(main).to_contain_text(t(key, "en"))
    radio = sidebar_widget(page, "stRadio", "语言 / Language")
    expect(radio.get_by_role("radio", name="English")).to_be_checked()
    assert_no_errors(page)
    screenshot(page, "capability_en_channels")
