"""The load harness (bench/load_harness.py) against a real `streamlit run` on the sample.

Two sessions at once, each loading the Overview and then picking a team in the sidebar: the
harness must speak Streamlit's websocket protocol well enough that both runs finish (the
filter shows up in the URL the server writes back, else the harness reports an error), and
its report must carry the figures RESULTS.md quotes.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

from tests.browser_support import ROOT, SAMPLE_DATASET

pytestmark = pytest.mark.xdist_group("browser")  # one `streamlit run` at a time per worker


def _harness():
    spec = importlib.util.spec_from_file_location(
        "load_harness", ROOT / "bench" / "load_harness.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


harness = _harness()


def test_two_sessions_finish_their_actions_without_errors(tmp_path):
    bounds = harness.Bounds(rounds=1, max_actions=2, timeout=60, max_seconds=60)
    with harness.running_server(SAMPLE_DATASET, tmp_path) as (url, pid):
        report = harness.measure_level(url, 2, bounds, pid)
    assert report["errors"] == 0, report["actions"]
    assert set(report["actions"]) == {"first_load", "filter_team"}
    for name, action in report["actions"].items():
        assert action["count"] == 2, name  # both sessions finished it
        assert 0 < action["p50_s"] <= action["p95_s"] <= action["max_s"], name
        assert action["errors"] == 0, action["error_examples"]
    assert report["server_cpu_s"] > 0
    assert report["server_rss_peak_mib"] >= report["server_rss_before_mib"] > 0
    assert len(report["load_average_before"]) == len(report["load_average_after"]) == 3
    assert report["cpu_count"] == os.cpu_count()


def test_the_pages_script_changes_team_period_and_back_to_the_department(tmp_path):
    bounds = harness.Bounds(1, None, 60, 120, ("overview",))
    with harness.running_server(SAMPLE_DATASET, tmp_path) as (url, pid):
        report = harness.measure_level(url, 1, bounds, pid)
    assert report["errors"] == 0, report["actions"]
    # each filter change is checked in the URL the page writes (a team, then none)
    assert set(report["actions"]) == {
        *("first_load", "open_overview", "team_overview", "period_overview"),
        *("department_overview", "deptperiod_overview"),
    }


def test_the_harness_refuses_hosts_off_the_machine_and_unbounded_counts():
    with pytest.raises(SystemExit, match="loopback"):
        harness.check_bounds("http://192.0.2.1:8501", 1)
    with pytest.raises(SystemExit, match="sessions"):
        harness.check_bounds("http://127.0.0.1:8501", harness.MAX_SESSIONS + 1)


def test_percentiles_are_nearest_rank():
    """Hand-worked: of 1..20, p50 is the 10th value and p95 the 19th."""
    values = [float(v) for v in range(20, 0, -1)]
    assert harness.percentile(values, 0.50) == 10.0
    assert harness.percentile(values, 0.95) == 19.0
    assert harness.percentile([3.0], 0.95) == 3.0


def test_exceptions_error_alerts_and_widgets_are_read_from_deltas():
    """The error counts come from the deltas: a hand-built exception element and an error
    alert count, a warning does not; a drawn multiselect is remembered with its fragment."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.Delta_pb2 import Delta

    session = harness.Session(0, websocket=None, timeout=1)
    exception, error, warning, widget = Delta(), Delta(), Delta(), Delta()
    exception.new_element.exception.message = "boom"
    error.new_element.alert.format = Alert.ERROR
    warning.new_element.alert.format = Alert.WARNING
    widget.new_element.multiselect.id = "$$ID-abc-w_teams"
    widget.fragment_id = "lab"
    assert session.read_delta(exception) == (1, 0)
    assert session.read_delta(error) == (0, 1)
    assert session.read_delta(warning) == (0, 0)
    assert session.read_delta(widget) == (0, 0)
    wid, drawn = session.widget("multiselect", "-w_teams")
    assert (wid, drawn.fragment_id) == ("$$ID-abc-w_teams", "lab")


def test_the_pages_script_opens_each_page_and_changes_team_and_period_every_round():
    session = harness.Session(0, websocket=None, timeout=1)
    names = [name for name, _ in harness.script(session, 2, ("kano", "data"))]
    once = [
        *("open_kano", "team_kano", "period_kano", "department_kano", "deptperiod_kano"),
        *("open_data", "team_data", "period_data", "department_data", "deptperiod_data"),
    ]
    assert names == ["first_load", *once, *once]
    default = [name for name, _ in harness.script(session, 1)]
    assert default == [
        "first_load",
        "filter_team",
        "open_scorecard",
        "open_diagnostics",
        "open_whatif",
        "move_weight",
    ]
