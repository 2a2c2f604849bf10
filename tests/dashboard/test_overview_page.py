"""The Overview in Chinese (issue 15): cards in the KPI's unit with words beside the target
mark and a grey change where nothing changed, volume bars named in Chinese, and the team
ranking as clickable dots on an axis fitted to the scores (the click itself: the browser
test tests/browser/test_overview_browser.py).

Channels and teams are read from the sample with pandas; words from the catalog.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from scoring.registry.kpis import KPIS
from tests.builders import plotly_values
from tests.conftest import ROOT, SAMPLE_DATASET

BY_LABEL = {k.label_zh: k for k in KPIS}
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def overview() -> AppTest:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPD_DATA_DIR", str(SAMPLE_DATASET))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.switch_page("app_pages/overview.py")
        at.run()
    assert not at.exception
    return at


def chart(at: AppTest, title: str) -> dict:
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"].get("title", {}).get("text") == title:
            return {"spec": spec, "proto": element.proto}
    raise AssertionError(f"no chart titled {title!r}")


def test_every_card_says_in_words_whether_its_target_is_met(overview):
    captions = [c.value for c in overview.caption if "目标" in c.value]
    assert len(captions) == len(overview.metric) > 0
    for caption in captions:
        assert caption.startswith(("✅ 达标 · 目标 ", "🔻 未达标 · 目标 ")), caption


def test_cards_write_units_in_chinese(overview):
    shown = {m.label: m for m in overview.metric}
    handle = shown["平均处理时长"]
    assert handle.value.endswith(" 分钟") and "min" not in (handle.delta or "")
    rate = shown["一次解决率"]
    assert rate.value.endswith("%") and rate.delta.endswith(" 个百分点")


def test_no_change_is_grey_a_better_one_green_a_worse_one_red(overview):
    colours = []
    for metric in overview.metric:
        k = BY_LABEL[metric.label]
        change = float(NUMBER.search(metric.delta).group().replace(",", ""))
        colour = metric.proto.color
        if change == 0:
            assert colour == Metric.MetricColor.GRAY, metric.label
            assert metric.proto.direction == Metric.MetricDirection.NONE, metric.label
        else:
            better = (change > 0) == k.higher_is_better
            expected = Metric.MetricColor.GREEN if better else Metric.MetricColor.RED
            assert colour == expected, (metric.label, metric.delta)
        colours.append(colour)
    # the sample's last quarter has KPIs that did not move (they showed a red "-0.0 pts")
    assert Metric.MetricColor.GRAY in colours


def test_volume_bars_name_channels_and_categories_in_chinese(overview):
    tickets = pd.read_parquet(SAMPLE_DATASET / "tickets")
    assert set(tickets["channel"]) == {"phone", "email", "chat", "web", "onsite"}
    (bars,) = chart(overview, t("volume_by_channel", "zh"))["spec"]["data"]
    assert set(bars["x"]) == {"电话", "邮件", "在线聊天", "网页表单", "上门服务"}
    (bars,) = chart(overview, t("volume_by_category", "zh"))["spec"]["data"]
    assert set(bars["x"]) == {"投诉", "咨询", "安装", "维修", "故障排查"}


def test_the_team_ranking_is_clickable_dots_on_an_axis_fitted_to_the_scores(overview):
    found = chart(overview, t("team_ranking", "zh"))
    (dots,) = found["spec"]["data"]
    teams = set(pd.read_parquet(SAMPLE_DATASET / "agents.parquet")["team"])
    assert set(dots["y"]) == teams and [c[0] for c in dots["customdata"]] == dots["y"]
    scores = plotly_values(dots["x"])
    low, high = found["spec"]["layout"]["xaxis"]["range"]
    assert 0 < low < min(scores) and max(scores) < high <= 100  # not a zero-based axis
    assert found["proto"].selection_mode  # a click selects a point (and opens Diagnostics)
    note = t("team_ranking_note", "zh", low=low, high=high)
    assert note in [c.value for c in overview.caption]
