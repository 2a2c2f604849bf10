"""Appraisal periods in a real headless Chromium, behind the test sign-in proxy with an access
file (tests/sign_in_proxy.py): leadership closes and publishes a period (Chinese); the agent
sees their own published result and files an appeal (English); their supervisor accepts it
(Chinese); the agent sees the outcome — accepted, re-scored as version 2 (English, then
Chinese). No exception or error on the way; a screenshot of each step.

Expected texts come from the UI catalog; the agent from the sample's Parquet file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from bench.load_harness import free_port
from dashboard.ui.i18n import t
from scoring.data import catalog
from scoring.stores.periods import PeriodStore
from tests.browser_support import (
    _require_chromium,
    assert_no_errors,
    idle,
    open_page,
    running_streamlit,
    screenshot,
    tab_as,
)
from tests.conftest import SAMPLE_DATASET
from tests.sign_in_proxy import sign_in_proxy

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HEADER = "X-Forwarded-Email"
LEAD, SUPERVISOR, AGENT = "boss@example.com", "li.na@example.com", "zhao.lei@example.com"
ME = pd.read_parquet(SAMPLE_DATASET / "agents.parquet").sort_values("agent_id").iloc[0]


def appealed_ticket() -> str:
    """The agent's first ticket (by id) of the data's last month: the default period."""
    tickets = pd.read_parquet(SAMPLE_DATASET / "tickets", columns=["ticket_id", "agent_id",
                                                                   "created_at"])  # fmt: skip
    last = tickets["created_at"].max()
    month = tickets["created_at"].dt.to_period("M") == last.to_period("M")
    return sorted(tickets.loc[month & (tickets["agent_id"] == ME["agent_id"]), "ticket_id"])[0]


class Server(str):
    """The proxy's address, with the server's state folder."""

    folder: Path


def saved_folder(state_dir: Path) -> Path:
    """Where the server keeps what users save on the sample (its catalog state folder)."""
    entries = catalog.list_datasets(str(state_dir), str(SAMPLE_DATASET))
    return catalog.state_folder(str(state_dir), catalog.default_entry(entries, str(SAMPLE_DATASET)))


@pytest.fixture(scope="module")
def appraisal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _require_chromium()
    folder = tmp_path_factory.mktemp("appraisal")
    users = {
        LEAD: {"role": "leadership"},
        SUPERVISOR: {"role": "supervisor", "teams": [ME["team"]]},
        AGENT: {"role": "agent", "agent_id": ME["agent_id"]},
    }
    (folder / "access.json").write_text(json.dumps({"users": users}), encoding="utf-8")
    options = ("--access", str(folder / "access.json"), "--user-header", HEADER)
    with (
        running_streamlit(folder, *options) as streamlit,
        sign_in_proxy(streamlit, HEADER, free_port()) as base,
    ):
        server = Server(base)
        server.folder = folder
        yield server


def click(page: Page, label: str) -> None:
    idle(page)
    button = page.get_by_role("button", name=label, exact=True)
    button.scroll_into_view_if_needed()
    button.click()


def test_close_publish_appeal_resolve_and_see_the_outcome(browser, appraisal_server):
    lead = tab_as(browser, appraisal_server, LEAD)
    try:
        open_page(lead, appraisal_server, "/appraisal?lang=zh", t("page_appraisal", "zh"))
        expect(lead.get_by_text(t("appraisal_provisional", "zh"))).to_be_visible()
        click(lead, t("appraisal_close", "zh"))
        closed = re.escape(t("appraisal_closed_done", "zh", period="P", result=1))
        expect(lead.get_by_text(re.compile(closed.replace("P", r"\d{4}-\d{2}")))).to_be_visible()
        click(lead, t("appraisal_publish", "zh"))
        expect(lead.get_by_text(t("appraisal_published", "zh", version=1))).to_be_visible()
        idle(lead)
        assert_no_errors(lead)
        screenshot(lead, "appraisal_published_zh")
    finally:
        lead.context.close()

    agent = tab_as(browser, appraisal_server, AGENT)
    try:
        open_page(agent, appraisal_server, "/my_results?lang=en", t("page_my_results", "en"))
        expect(agent.get_by_text(t("appraisal_col_composite", "en")).first).to_be_visible()
        tickets = agent.get_by_role("combobox", name=t("appraisal_appeal_tickets", "en"))
        tickets.scroll_into_view_if_needed()
        tickets.click()
        ticket = appealed_ticket()
        tickets.press_sequentially(ticket)
        agent.get_by_role("option", name=ticket, exact=True).click()
        agent.keyboard.press("Escape")
        reason = agent.get_by_label(t("appraisal_appeal_reason", "en"), exact=True)
        reason.fill("The customer closed the chat before I could answer.")
        reason.press("Control+Enter")
        click(agent, t("appraisal_appeal_submit", "en"))
        expect(agent.get_by_text(t("appraisal_appeal_filed_done", "en"))).to_be_visible()
        assert_no_errors(agent)
        idle(agent)
        screenshot(agent, "appraisal_appeal_filed_en")
    finally:
        agent.context.close()

    supervisor = tab_as(browser, appraisal_server, SUPERVISOR)
    try:
        open_page(supervisor, appraisal_server, "/appraisal?lang=zh", t("page_appraisal", "zh"))
        accept = supervisor.get_by_text(t("appraisal_decision_accepted", "zh"), exact=True)
        accept.scroll_into_view_if_needed()
        accept.click()
        why = supervisor.get_by_label(t("appraisal_resolve_reason", "zh"), exact=True)
        why.fill("已核对聊天记录")
        why.press("Enter")
        click(supervisor, t("appraisal_resolve", "zh"))
        done = t("appraisal_resolved_accepted", "zh", result=2)
        expect(supervisor.get_by_text(done)).to_be_visible()
        store = PeriodStore(saved_folder(appraisal_server.folder))
        (period_id,) = store.period_ids()
        excluded = store.record(period_id, 2).excluded
        assert [(e["ticket_id"], e["agent_id"]) for e in excluded] == [(ticket, ME["agent_id"])]
        assert_no_errors(supervisor)
        idle(supervisor)
        screenshot(supervisor, "appraisal_resolved_zh")
    finally:
        supervisor.context.close()

    agent = tab_as(browser, appraisal_server, AGENT)
    try:
        for lang in ("en", "zh"):
            path = f"/my_results?lang={lang}"
            open_page(agent, appraisal_server, path, t("page_my_results", lang))
            appeals = agent.locator('[data-testid="stDataFrame"]').filter(
                has=agent.get_by_text(t("appraisal_appeal_col_status", lang), exact=True)
            )
            expect(appeals).to_contain_text(t("appraisal_appeal_accepted", lang))
            expect(appeals).to_contain_text("v2")
            expect(agent.get_by_text(t("appraisal_mine_version", lang, version=2))).to_be_visible()
            assert_no_errors(agent)
            idle(agent)
            screenshot(agent, f"appraisal_outcome_{lang}")
    finally:
        agent.context.close()
