"""The What-if lab in a real headless Chromium (sample data): move a weight slider with the
keyboard and see the rank table and the bonus bill change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from scoring.registry.kpis import kpi
from tests.browser_support import (
    assert_no_errors,
    drawn_marks,
    open_page,
    query_of_url,
    screenshot,
)
from tests.conftest import ROOT, SAMPLE_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def metric_value(page: Page, key: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=t(key, "en"))
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def rank_cells(page: Page) -> list[str]:
    """The first rendered rows of the rank table's agent column (sorted by new rank), once
    the grid has drawn them (it paints after the run)."""
    cells = page.locator('[data-testid="stDataFrame"]').first.locator(
        '[data-testid^="glide-cell-0-"]'
    )
    expect(cells).not_to_have_count(0)  # the grid's cells (hidden: it draws on a canvas)
    return cells.all_inner_texts()[:10]


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


def test_a_mouse_drag_gives_the_results_the_server_computes_for_that_weight(
    page: Page, server: str, tmp_path, monkeypatch
):
    # Drag the thumb with the mouse, read the value it landed on, and compare what the page
    # shows with an AppTest run of the same app given the same slider value.
    open_page(page, server, "/whatif?lang=en", t("page_whatif", "en"))
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    slider = page.locator(".st-key-whatif_w_main_csat")
    thumb = slider.locator('input[type="range"]')  # hidden input: holds the value
    before = thumb.get_attribute("aria-valuetext")
    track = slider.locator('[role="group"] > div').bounding_box()
    box = thumb.locator("xpath=../..").bounding_box()  # the visible thumb around it
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * 0.6, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    expect(thumb).not_to_have_attribute("aria-valuetext", before)
    dragged = float(thumb.get_attribute("aria-valuetext").rstrip("%"))
    assert 40 <= dragged <= 80, dragged  # ~60% of the track
    expect(page.get_by_text(t("whatif_total", "en", total=100.0))).to_be_visible()
    tau = page.locator('[data-testid="stMetric"]').filter(has_text=t("whatif_tau", "en"))
    expect(tau.locator('[data-testid="stMetricValue"]')).not_to_have_text("1.000")
    page.wait_for_timeout(500)  # let the fragment's last rerun land
    assert_no_errors(page)

    monkeypatch.setenv("SPD_DATA_DIR", str(SAMPLE_DATASET))
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.switch_page("app_pages/whatif.py")
    at.run()
    at.slider(key="whatif_w_main_csat").set_value(dragged).run()
    expected = {m.label: m.value for m in at.metric}
    for key in ("whatif_tau", "whatif_grade_changes", "whatif_crossings", "whatif_payout_total"):
        assert metric_value(page, key) == str(expected[t(key, "en")]), key
    table = next(d.value for d in at.dataframe if "new_rank" in d.value.columns)
    assert rank_cells(page) == table["agent_id"].head(len(rank_cells(page))).tolist()


def _metric(page: Page, key: str, lang: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=t(key, lang))
    return card.locator('[data-testid="stMetricValue"]').inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_typed_weight_comes_back_when_the_page_is_opened_from_its_url(
    page: Page, server: str, lang: str
):
    # Issue 15's "done when": type a weight, reload the page from its address (a new
    # session), see the same weights and results.
    open_page(page, server, f"/whatif?lang={lang}", t("page_whatif", lang))
    # the first run of a server reads and splits the data: up to a minute on busy cores
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=90_000)
    number = page.locator(".st-key-whatif_n_main_csat input")
    thumb = page.locator('.st-key-whatif_w_main_csat input[type="range"]')
    expect(thumb).to_have_attribute("aria-valuetext", "18.2%")  # the balanced scheme's
    number.fill("21.8")
    number.press("Enter")
    expect(thumb).to_have_attribute("aria-valuetext", "21.8%")  # the slider follows
    page.wait_for_function(
        "() => new URLSearchParams(location.search).getAll('weight').includes('csat:21.8')"
    )
    tau = page.locator('[data-testid="stMetric"]').filter(has_text=t("whatif_tau", lang))
    expect(tau.locator('[data-testid="stMetricValue"]')).not_to_have_text("1.000")
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning"
    )
    weights = {key: page.locator(f".st-key-whatif_n_main_{key} input").input_value()
               for key in ("csat", "fcr", "sla_response", "workload")}  # fmt: skip
    shown = {key: _metric(page, key, lang) for key in ("whatif_tau", "whatif_grade_changes",
                                                        "whatif_payout_total")}  # fmt: skip
    ranks = rank_cells(page)
    link = page.url
    assert query_of_url(link).get("lang", ["zh"]) == [lang]  # Chinese, the default: left out

    page.goto(link)
    expect(page.locator("h1")).to_have_text(t("page_whatif", lang))
    expect(thumb).to_have_attribute("aria-valuetext", "21.8%", timeout=90_000)
    expect(number).to_have_value("21.8")
    expect(tau.locator('[data-testid="stMetricValue"]')).to_have_text(shown["whatif_tau"])
    for key, value in weights.items():
        assert page.locator(f".st-key-whatif_n_main_{key} input").input_value() == value, key
    for key, value in shown.items():
        assert _metric(page, key, lang) == value, key
    first_cell = page.locator('[data-testid="stDataFrame"]').first.locator(
        '[data-testid^="glide-cell-0-"]'
    )
    expect(first_cell.first).to_have_text(ranks[0])  # the grid is drawn
    assert rank_cells(page) == ranks
    assert_no_errors(page)
    screenshot(page, f"whatif_from_link_{lang}")
