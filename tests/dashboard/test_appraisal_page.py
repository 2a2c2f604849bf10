"""The appraisal pages under streamlit's AppTest: leadership sets the period length, closes
(a draft is marked provisional first), publishes, reopens (not without a reason) and closes
again as the next version, with the payroll export offered; an agent sees nothing before a
result is published, then only their own, files an appeal and answers their feedback talk;
a supervisor sees their team's rows without payouts, resolves the appeal (the agent's result
is re-scored) and holds the feedback talk.

Expected values: the texts from the UI catalog, the agents and teams read from the small
generated dataset's Parquet file with pandas; the store read back from its files.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.appraisal import sections
from dashboard.ui.i18n import t
from scoring.access import OPEN, Grant
from scoring.analyses.appraisal import periods
from scoring.data.dataset import open_dataset
from scoring.measures.metrics import data_range
from scoring.registry.kpis import KPIS_BY_ID
from scoring.stores import periods as ps
from scoring.stores.periods import PeriodStore
from scoring.stores.targets import REGISTRY_SET
from tests.conftest import ROOT, saved_state

APP = str(ROOT / "app.py")


def open_page(monkeypatch, data, page: str, user: str | None = None, access=None) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    if user is not None:
        monkeypatch.setenv("SPD_ACCESS_FILE", str(access))
        monkeypatch.setattr(app_access, "session_user", lambda: user)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "en", "preset": "all"})
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


@pytest.fixture(scope="module")
def world(small_dataset):
    agents = pd.read_parquet(small_dataset / "agents.parquet").sort_values("agent_id")
    ds = open_dataset(small_dataset)
    last = data_range(ds)[1]
    period = periods.between("month", last, last)[0]
    previous = periods.of_day("month", period.start - pd.Timedelta(days=1))
    return ds, agents, previous.id


def closed_and_published(ds, period_id: str) -> PeriodStore:
    store = PeriodStore(saved_state())
    policy, source = ps.policy_in_force(saved_state(), REGISTRY_SET)
    ps.close_period(store, ds, period_id, policy=policy, policy_source=source,
                    targets=REGISTRY_SET, objectives=None, grant=OPEN, draws=100)  # fmt: skip
    store.publish(period_id, OPEN)
    return store


def access_file(tmp_path, agents: pd.DataFrame):
    me = agents.iloc[0]
    path = tmp_path / "access.json"
    users = {
        "agent@x": {"role": "agent", "agent_id": me["agent_id"]},
        "sup@x": {"role": "supervisor", "teams": [me["team"]]},
    }
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    return path, me


def test_leadership_closes_publishes_reopens_and_closes_again(monkeypatch, small_dataset, world):
    _, _, period_id = world
    at = open_page(monkeypatch, small_dataset, "appraisal")
    ok(at)
    at.selectbox("appraisal_kind").set_value("quarter")
    at = at.button("appraisal_kind_save").click().run()
    assert at.success[0].value == t(
        "appraisal_kind_saved", "en", kind=t("appraisal_kind_quarter", "en")
    )
    assert all("-Q" in o for o in at.selectbox("appraisal_period").options)
    at.selectbox("appraisal_kind").set_value("month")
    at = at.button("appraisal_kind_save").click().run()
    at = at.selectbox("appraisal_period").set_value(period_id).run()
    assert at.warning[0].value == t("appraisal_provisional", "en")
    at = at.button("appraisal_close").click().run()
    ok(at)
    assert at.success[0].value == t("appraisal_closed_done", "en", period=period_id, result=1)
    assert at.info[0].value == t("appraisal_closed_unpublished", "en", version=1)
    assert "payroll_download_csv" in {
        b.key.split("appraisal_")[-1] for b in at.get("download_button")
    }
    at = at.button("appraisal_publish").click().run()
    assert at.success[1].value == t("appraisal_published", "en", version=1)
    at = at.button("appraisal_reopen").click().run()  # no reason
    assert t("appraisal_problem_reason", "en") in at.error[0].value
    at.text_input("appraisal_reopen_reason").set_value("late surveys")
    at = at.button("appraisal_reopen").click().run()
    assert at.warning[0].value.startswith("Reopened (version 1 stays as it was): late surveys")
    at = at.button("appraisal_close").click().run()
    assert at.success[0].value == t("appraisal_closed_done", "en", period=period_id, result=2)
    state = PeriodStore(saved_state()).state(period_id)
    assert (state.versions, state.current, state.published) == ((1, 2), 2, 1)
    table = next(d.value for d in at.dataframe if "payout" in d.value.columns)
    assert table["payout"].sum() > 0


def test_an_agent_sees_only_their_published_result_and_appeals(
    monkeypatch, small_dataset, world, tmp_path
):
    ds, agents, period_id = world
    access, me = access_file(tmp_path, agents)
    at = open_page(monkeypatch, small_dataset, "my_results", "agent@x", access)
    ok(at)
    assert at.info[0].value == t("appraisal_mine_none", "en")  # nothing published yet
    store = PeriodStore(saved_state())
    policy, source = ps.policy_in_force(saved_state(), REGISTRY_SET)
    ps.close_period(store, ds, period_id, policy=policy, policy_source=source,
                    targets=REGISTRY_SET, objectives=None, grant=OPEN, draws=100)  # fmt: skip
    at = open_page(monkeypatch, small_dataset, "my_results", "agent@x", access)
    assert at.info[0].value == t("appraisal_mine_none", "en")  # closed is not published
    store.publish(period_id, OPEN)
    at = open_page(monkeypatch, small_dataset, "my_results", "agent@x", access)
    ok(at)
    frozen = store.record(period_id, 1).frozen.agents.set_index("agent_id")
    assert at.metric[0].value == f"{frozen.loc[me['agent_id'], 'composite']:.1f}"
    names = {
        a for d in at.dataframe for c in ("name", "agent_id") if c in d.value for a in d.value[c]
    }
    assert names <= {me["agent_id"], me["name"]}
    tickets = at.multiselect("appraisal_appeal_tickets").options
    at.selectbox("appraisal_appeal_kpi").set_value("fcr")
    at.multiselect("appraisal_appeal_tickets").set_value(tickets[:2])
    at = at.button("appraisal_appeal_submit").click().run()  # no reason
    assert t("appraisal_problem_reason", "en") in at.error[0].value
    at.text_area("appraisal_appeal_reason").set_value("the customer closed the chat")
    at = at.button("appraisal_appeal_submit").click().run()
    assert at.success[0].value == t("appraisal_appeal_filed_done", "en")
    (appeal,) = PeriodStore(saved_state()).state(period_id).appeals.values()
    assert (appeal.agent_id, appeal.kpi, appeal.tickets) == (
        me["agent_id"],
        "fcr",
        tuple(tickets[:2]),
    )
    # the supervisor holds the talk; the agent acknowledges it
    store.save_talk(period_id, me["agent_id"], Grant("s", "supervisor", (me["team"],)),
                    strengths="steady", advice="first contact")  # fmt: skip
    at = open_page(monkeypatch, small_dataset, "my_results", "agent@x", access)
    assert "steady" in [x.value for x in at.text]
    at.text_input("appraisal_talk_comment").set_value("thanks")
    at = at.button("appraisal_acknowledge").click().run()
    assert at.success[0].value == t("appraisal_talk_answered", "en")
    talk = PeriodStore(saved_state()).state(period_id).talks[me["agent_id"]]
    assert (talk.acknowledged, talk.comment) == (True, "thanks")


def test_a_supervisor_resolves_the_appeal_and_holds_the_talk(
    monkeypatch, small_dataset, world, tmp_path
):
    ds, agents, period_id = world
    access, me = access_file(tmp_path, agents)
    monkeypatch.setenv("SPD_DATA_DIR", str(small_dataset))  # whose state folder
    store = closed_and_published(ds, period_id)
    owned = sorted(ps.agent_tickets(ds, me["agent_id"], periods.parse(period_id)))
    agent_grant = Grant("agent@x", "agent", agent_id=me["agent_id"])
    store.file_appeal(period_id, me["agent_id"], "fcr", owned[:3], "wrong", agent_grant, set(owned))
    at = open_page(monkeypatch, small_dataset, "appraisal", "sup@x", access)
    ok(at)
    at = at.selectbox("appraisal_period").set_value(period_id).run()
    assert at.get("button") and not [b for b in at.button if b.key == "appraisal_close"]
    table = next(d.value for d in at.dataframe if "dept_rank" in d.value.columns)
    team = set(agents.loc[agents["team"] == me["team"], "agent_id"])
    assert set(table["agent_id"]) == team and "payout" not in table.columns
    preview = next(c.value for c in at.caption if c.value.startswith("Accepting it would"))
    at.radio("appraisal_decision").set_value("accepted")
    at.text_input("appraisal_resolve_reason").set_value("checked the log")
    at = at.button("appraisal_resolve").click().run()
    ok(at)
    assert at.success[0].value == t("appraisal_resolved_accepted", "en", result=2)
    state = PeriodStore(saved_state()).state(period_id)
    assert (state.current, state.published) == (2, 2)
    before = store.record(period_id, 1).frozen.agents.set_index("agent_id")
    after = store.record(period_id, 2).frozen.agents.set_index("agent_id")
    assert after.loc[me["agent_id"], "tickets"] == before.loc[me["agent_id"], "tickets"] - 3
    composites = (before.loc[me["agent_id"], "composite"], after.loc[me["agent_id"], "composite"])
    assert f"composite {composites[0]:.1f} → {composites[1]:.1f}" in preview  # as it came out
    others = before.index != me["agent_id"]
    assert after.loc[others, "composite"].equals(before.loc[others, "composite"])
    # the feedback talk: pre-filled from the evidence, saved
    at.selectbox("appraisal_talk_agent").set_value(me["agent_id"])
    at = at.run()
    advice = at.text_area(f"appraisal_talk_advice_{me['agent_id']}").value
    row = after.loc[me["agent_id"]]
    kpis = store.record(period_id, 2).frozen.kpis
    scores = {k: row[f"{k}__score"] for k in kpis if row[f"{k}__score"] == row[f"{k}__score"]}
    worst = min(scores, key=scores.get)
    assert scores[worst] < 100 and advice.startswith(KPIS_BY_ID[worst].label("en"))
    at.text_area(f"appraisal_talk_actions_{me['agent_id']}").set_value("shadow a senior")
    at = next(b for b in at.button if b.label == t("appraisal_talk_save", "en")).click().run()
    ok(at)
    talk = PeriodStore(saved_state()).state(period_id).talks[me["agent_id"]]
    assert talk.actions == "shadow a senior" and talk.held_by == "sup@x"


def test_the_scorecard_shows_the_chosen_agents_history(monkeypatch, small_dataset, world, tmp_path):
    """Two closed periods, only the older published: leadership sees both on the Scorecard,
    the agent only the published one."""
    ds, agents, period_id = world
    access, me = access_file(tmp_path, agents)
    monkeypatch.setenv("SPD_DATA_DIR", str(small_dataset))
    older = periods.of_day("month", periods.parse(period_id).start - pd.Timedelta(days=1)).id
    store = closed_and_published(ds, older)
    policy, source = ps.policy_in_force(saved_state(), REGISTRY_SET)
    ps.close_period(store, ds, period_id, policy=policy, policy_source=source,
                    targets=REGISTRY_SET, objectives=None, grant=OPEN, draws=20)  # fmt: skip
    expected = {
        p: store.record(p, 1).frozen.agents.set_index("agent_id").loc[me["agent_id"], "composite"]
        for p in (older, period_id)
    }
    for user, shown in ((None, [older, period_id]), ("agent@x", [older])):
        at = open_page(monkeypatch, small_dataset, "scorecard", user, access)
        table = at.dataframe[0].value
        row = list(table["agent_id"]).index(me["agent_id"])
        at.session_state["scorecard_agents"] = {"selection": {"rows": [row], "columns": []}}
        at = at.run()
        ok(at)
        history = next(
            d.value for d in at.dataframe if t("scorecard_history_period", "en") in d.value
        )
        assert history[t("scorecard_history_period", "en")].tolist() == shown
        assert history[t("composite", "en")].tolist() == [expected[p] for p in shown]


def test_the_capability_page_lists_whom_the_results_recommend_for_training(
    monkeypatch, small_dataset, world, tmp_path
):
    """One closed period: the agents graded satisfactory or below are recommended (no trend
    yet), each with the KPIs furthest below target; a trainer sees them."""
    ds, agents, period_id = world
    monkeypatch.setenv("SPD_DATA_DIR", str(small_dataset))
    store = closed_and_published(ds, period_id)
    frozen = store.record(period_id, 1).frozen.agents
    low = frozen[frozen["grade"].isin(["satisfactory", "unsatisfactory"])]
    access = tmp_path / "access.json"
    access.write_text(json.dumps({"users": {"t@x": {"role": "trainer"}}}), encoding="utf-8")
    at = open_page(monkeypatch, small_dataset, "capability", "t@x", access)
    ok(at)
    shown = next(
        d.value for d in at.dataframe if t("capability_appraisal_train_on", "en") in d.value
    )
    assert sorted(shown[t("agent_id", "en")]) == sorted(low["agent_id"]) and len(low) > 0
    first = low.sort_values("agent_id").iloc[0]
    scores = {k: first[f"{k}__score"] for k in store.record(period_id, 1).frozen.kpis}
    worst = min((s, k) for k, s in scores.items() if s == s)[1]
    row = shown[shown[t("agent_id", "en")] == first["agent_id"]].iloc[0]
    assert row[t("capability_appraisal_train_on", "en")].startswith(KPIS_BY_ID[worst].label("en"))
    assert "composite" not in " ".join(map(str, shown.columns)).lower()


def test_a_refusal_names_the_datas_values_as_literal_text():
    class English:
        def t(self, key, **values):
            return t(key, "en", **values)

    error = ps.PeriodError([("agent", "**A9** [x](http://evil.example)")])
    text = sections._problems(English(), error)
    assert text.startswith("agent \\*\\*A9\\*\\* \\[x\\]")  # Markdown escaped, not bold or a link
