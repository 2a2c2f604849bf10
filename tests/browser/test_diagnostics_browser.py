"""Diagnostics in a real headless Chromium: click department → team → agent → tickets in
the Plotly charts and check the ticket list holds exactly the count of the clicked bar.

Expected teams and counts come from the sample's Parquet files and the clicked chart's own
data; texts from the catalog.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from dashboard.ui.i18n import t
from dashboard.ui.values import value_label
from tests.browser_support import (
    assert_no_errors,
    open_page,
    query_of,
    screenshot,
)
from tests.conftest import SAMPLE_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
AGENTS = pd.read_parquet(SAMPLE_DATASET / "agents.parquet")
TEAMS = sorted(AGENTS["team"].unique())
LANG = "en"


def drill_chart(page: Page):
    return page.locator(".js-plotly-plot").first


def click_bar(page: Page, index: int) -> dict:
    """Click bar `index` of the drill chart; returns its x, y and customdata."""
    chart = drill_chart(page)
    expect(chart.locator(".bars path").nth(index)).to_be_visible()
    point = chart.evaluate(
        "(plot, i) => ({x: plot._fullData[0].x[i], y: plot._fullData[0].y[i], "
        "custom: plot._fullData[0].customdata[i]})",
        index,
    )
    chart.locator(".bars path").nth(index).click(force=True)
    return point


MARKS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot =>
    [...plot.querySelectorAll('.bars path, .scatterlayer .trace path, .heatmaplayer image')]
        .filter(mark => { const box = mark.getBBox(); return box.width + box.height > 0; })
        .length)"""


def charts_drawn(page: Page) -> list[int]:
    """Visible marks per chart once the page shows its four charts, each drawn: bars and
    traces as browser_support.drawn_marks counts them, plus the heatmap's image."""
    page.wait_for_function(
        f"() => {{ const m = ({MARKS})(); return m.length === 4 && m.every(n => n > 0); }}"
    )
    return page.evaluate(MARKS)


def crumb(page: Page, text: str):
    return page.locator('[data-testid="stButton"] button').filter(has_text=text)


def test_click_department_team_agent_tickets(page: Page, server: str):
    open_page(page, server, f"/diagnostics?lang={LANG}", t("page_diagnostics", LANG))
    marks = charts_drawn(page)
    assert marks[0] == len(TEAMS)
    assert all(n > 0 for n in marks), marks
    assert_no_errors(page)
    screenshot(page, "diagnostics_department")

    team = click_bar(page, 1)["custom"][0]
    assert team == TEAMS[1]
    expect(crumb(page, f"{t('diagnostics_level_team', LANG)}: {team}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"team=" + team.replace(" ", r"(\+|%20)")))
    members = set(AGENTS[AGENTS["team"] == team]["agent_id"])
    expect(drill_chart(page).locator(".gtitle")).to_contain_text(
        t("diagnostics_drill_agents", LANG, kpi="").split(" — ")[1]
    )
    assert len(drill_chart(page).locator(".bars path").all()) <= len(members)
    assert_no_errors(page)
    screenshot(page, "diagnostics_team")

    agent = click_bar(page, 0)["custom"][0]
    assert agent in members
    name = AGENTS.set_index("agent_id").at[agent, "name"]
    expect(crumb(page, f"{t('diagnostics_level_agent', LANG)}: {name} ({agent})")).to_be_visible()
    assert query_of(page)["agent"] == [agent]
    expect(drill_chart(page).locator(".gtitle")).to_have_text(
        t("diagnostics_drill_categories", LANG)
    )
    assert all(n > 0 for n in charts_drawn(page))
    assert_no_errors(page)

    bar = click_bar(page, 0)
    category, count = bar["custom"][0], int(bar["y"])
    assert int(bar["custom"][1]) == count
    cell = f"{t('diagnostics_dim_category', LANG)} = {value_label('category', category, LANG)}"
    heading = t("diagnostics_tickets_title", LANG, count=count, cell=cell)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert query_of(page)["drill"] == [f"category:{category}"]
    grid = (
        page.locator('[data-testid="stDataFrame"]')
        .filter(has=page.get_by_text(t("diagnostics_col_comment", LANG)))
        .locator("[role=grid]")
    )
    expect(grid).to_have_attribute("aria-rowcount", str(count + 1))
    assert_no_errors(page)
    screenshot(page, "diagnostics_tickets")

    crumb(page, t("diagnostics_level_department", LANG)).click()
    expect(crumb(page, t("diagnostics_level_department", LANG))).to_be_disabled()
    assert "agent" not in query_of(page) and "team" not in query_of(page)
