"""The Scorecard's non-discriminating KPIs and the What-if lab's reliability beside the weights
(issue 14, items 4 and 7), under streamlit's AppTest.

The hand-made dataset: six agents, 60 tickets each, every ticket answered after 1 minute (its
response target 60) and resolved after 30: resolution rate and response attainment are 100%
for everyone, beyond their stretch values, so every agent scores the cap on both — they tell
nobody apart. Handle minutes differ by agent (30, 40, … 80), so that one discriminates.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from scoring.engine.schemes import list_schemes
from scoring.registry.kpis import kpi
from tests.builders import agent, ticket, write_dataset
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
AGENTS = {f"A{i}": 30.0 + 10 * i for i in range(6)}


@pytest.fixture(scope="module")
def capped(tmp_path_factory) -> Path:
    tickets = [
        ticket(f"{a}-{i}", a, i * 30, first_response_at=1, sla_response_minutes=60.0,
               resolved_at=30, handle_minutes=minutes, customer_id=f"C-{a}-{i}")
        for a, minutes in AGENTS.items()
        for i in range(60)
    ]  # fmt: skip
    agents = [agent(a, "T1" if i < 3 else "T2") for i, a in enumerate(AGENTS)]
    return write_dataset(tmp_path_factory.mktemp("capped"), agents=agents, tickets=tickets)


def _open(monkeypatch, data: Path, page: str, lang: str) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_scorecard_flags_kpis_everyone_maxes_out(monkeypatch, capped, lang):
    at = _open(monkeypatch, capped, "app_pages/scorecard.py", lang)
    assert t("trust_flags_title", lang) in [h.value for h in at.subheader]
    warnings = [w.value for w in at.warning]
    # resolution: raw and shrunk 1.0 beyond the stretch 0.99 → everyone at the cap
    cap_words = {"en": "100% of the agents score the cap", "zh": "100% 的员工得到封顶分"}[lang]
    label = kpi("resolution_rate").label(lang)
    assert any(label in w and cap_words in w for w in warnings), warnings
    # response attainment: everyone alike (at the cap, or shrunk just below it: no spread at
    # all) → flagged either way
    assert any(kpi("sla_response").label(lang) in w for w in warnings), warnings
    fix = {"en": "move its weight", "zh": "把它的权重移到"}[lang]
    assert warnings and all(fix in w.lower() for w in warnings)
    # handle minutes tell the agents apart: not flagged
    assert not any(kpi("handle_minutes").label(lang) in w for w in warnings)


def _reliability_table(at: AppTest):
    columns = ["kpi", "weight", "reliability", "range", "status", "flag"]
    return next(d.value for d in at.dataframe if list(d.value.columns) == columns)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lab_shows_reliability_and_flags_beside_the_weights(monkeypatch, capped, lang):
    at = _open(monkeypatch, capped, "app_pages/whatif.py", lang)
    assert t("trust_reliability_title", lang) in [h.value for h in at.subheader]
    table = _reliability_table(at).set_index("kpi")
    resolution = table.loc[kpi("resolution_rate").label(lang)]
    assert resolution["flag"] == t("trust_short_at_cap", lang)
    assert resolution["weight"] > 0
    handle = table.loc[kpi("handle_minutes").label(lang)]
    assert handle["flag"] == t("trust_discriminates", lang)
    # every agent's customers are their own: the halves rank handle minutes alike → reliable
    assert handle["status"] == t("trust_status_reliable", lang)
    assert handle["reliability"] == pytest.approx(1.0)
    # grade stability per weight scheme: one row per built-in scheme, shares in percent
    schemes = next(d.value for d in at.dataframe if "same_grade" in d.value.columns)
    assert len(schemes) == len(list_schemes())
    known = schemes["same_grade"].dropna()
    assert ((known >= 0) & (known <= 100)).all()


def test_moving_a_weight_off_a_kpi_removes_its_row(monkeypatch, capped):
    at = _open(monkeypatch, capped, "app_pages/whatif.py", "en")
    label = kpi("resolution_rate").label("en")
    assert label in set(_reliability_table(at)["kpi"])
    slider = next(s for s in at.slider if s.key == "whatif_w_main_resolution_rate")
    slider.set_value(0.0).run()
    assert not at.exception
    assert label not in set(_reliability_table(at)["kpi"])
