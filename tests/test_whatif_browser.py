"""The What-if lab in a real headless Chromium (sample data): move a weight slider with the
keyboard and see the rank table and the bonus bill change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.i18n import t
from scoring.kpis import kpi
from tests.browser_support import assert_no_errors, drawn_marks, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def metric_value(page: Page, key: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=t(key, "en"))
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def rank_cells(page: Page) -> list[str]:
    """The first rendered rows of the rank table's agent column (sorted by new rank)."""
    table = page.locator('[data-testid="stDataFrame"]').first
    return table.locator('[data-testid^="glide-cell-0-"]').all_inner_texts()[:10]


def test_dragging_a_weight_slider_changes_ranks_and_the_bonus_bill(page: Page, server: str):
    open_page(page, server, "/whatif?lang=en", t("page_whatif", "en"))
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    expect(page.get_by_text(t("whatif_baseline_default", "en"))).to_be_visible()
    assert metric_value(page, "whatif_tau") == "1.000"
    assert metric_value(page, "whatif_grade_changes") == "0"
    total_before = metric_value(page, "whatif_payout_total")
    ranks_before = rank_cells(page)
    marks = drawn_marks(page, 1)  # the team payouts (no rank moved yet: an empty slope chart)
    assert marks and marks[-1] > 0, marks
    screenshot(page, "whatif_start")

    # the slider of the workload weight (the range input behind the thumb; its label is the
    # KPI's registry label)
    slider = page.locator(".st-key-whatif_w_main_workload")
    expect(slider).to_contain_text(kpi("workload").label("en"))
    thumb = slider.locator('[data-testid="stSlider"] input[type="range"]')
    expect(thumb).to_have_count(1)
    thumb.focus()
    page.keyboard.press("End")  # workload → 100%: every other weight goes to 0
    expect(thumb).to_have_attribute("aria-valuetext", "100.0%")
    expect(page.get_by_text(t("whatif_total", "en", total=100.0))).to_be_visible()
    expect(
        page.locator('[data-testid="stMetric"]')
        .filter(has_text=t("whatif_tau", "en"))
        .locator('[data-testid="stMetricValue"]')
    ).not_to_have_text("1.000")
    expect(
        page.locator('[data-testid="stMetric"]')
        .filter(has_text=t("whatif_payout_total", "en"))
        .locator('[data-testid="stMetricValue"]')
    ).not_to_have_text(total_before)
    assert float(metric_value(page, "whatif_tau")) < 0.9
    assert int(metric_value(page, "whatif_grade_changes")) > 0
    assert re.fullmatch(r"[\d,]+\.\d\d", metric_value(page, "whatif_payout_total"))
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stDataFrame\"]').length > 0"
    )
    assert rank_cells(page) != ranks_before
    marks = drawn_marks(page, 2)  # the slope chart now has the movers
    assert len(marks) == 2 and all(n > 0 for n in marks), marks
    assert_no_errors(page)
    screenshot(page, "whatif_workload")
