"""The reports' content and HTML (scoring/reports), without a browser.

Expected figures come from elsewhere than the code under test: the agents' scores, grades
and ranks from `python -m scoring score` (the Scorecard's numbers, a public interface:
docs/SCORE_OUTPUT.md), ticket counts from the Parquet files read with pandas, and the words
from the catalog.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from datetime import date
from html import unescape

import pandas as pd
import pytest

from scoring.cli.main import main
from scoring.reports import content, make, render
from scoring.reports.texts import text
from scoring.scope import EVERYTHING, ScopeLeak, Visible
from scoring.stores.actions import FILE_NAME, ActionStore

START, END = date(2026, 5, 1), date(2026, 5, 31)  # the small dataset's last whole month
PREVIOUS = (date(2026, 3, 31), date(2026, 4, 30))  # the 31 days before it
NORTH, SOUTH = "Team North", "Team South"
MADE_ON = date(2026, 6, 2)


def scored(folder, start: date, end: date) -> pd.DataFrame:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(
            ["score", str(folder), "--from", str(start), "--to", str(end), "--format", "json"]
        )
    assert code == 0
    return pd.DataFrame(json.loads(out.getvalue()))


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    return tmp_path_factory.mktemp("reports_state")


@pytest.fixture(scope="module")
def world(small_dataset, state, tmp_path_factory):
    """The source of May, its scorecard by the score command, and the tickets."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPD_STATE_DIR", str(state))
        card = scored(small_dataset, START, END)
        before = scored(small_dataset, *PREVIOUS)
        source = make.source_for(small_dataset, START, END)
    tickets = pd.read_parquet(small_dataset / "tickets").drop_duplicates("ticket_id")
    days = tickets["created_at"].dt.date
    may = tickets[(days >= START) & (days <= END)]
    return {"source": source, "card": card, "before": before, "tickets": may}


@pytest.fixture(scope="module")
def agent(world) -> pd.Series:
    """The graded agent of Team North with the most tickets in May."""
    card = world["card"]
    north = card[(card["team"] == NORTH) & (card["grade"] != "insufficient_data")]
    return north.sort_values(["tickets", "agent_id"], ascending=[False, True]).iloc[0]


@pytest.fixture(scope="module")
def agent_report(world, agent):
    return content.agent_report(world["source"], agent["agent_id"], make.agent_scope(
        world["source"].ds, agent["agent_id"]))  # fmt: skip


def test_the_agent_report_holds_the_scorecards_numbers(world, agent, agent_report):
    r, card = agent_report, world["card"]
    assert r.standing.composite == pytest.approx(agent["composite"], abs=0.05)
    assert r.standing.grade == agent["grade"]
    assert (r.dept_rank, r.team_rank) == (agent["dept_rank"], agent["team_rank"])
    graded = card[card["grade"] != "insufficient_data"]
    assert r.graded_in_department == len(graded)
    assert r.graded_in_team == int((graded["team"] == NORTH).sum())
    assert r.team_composite == pytest.approx(
        graded.loc[graded["team"] == NORTH, "composite"].mean(), abs=0.01
    )
    mine = world["tickets"][world["tickets"]["agent_id"] == agent["agent_id"]]
    assert r.standing.tickets == len(mine) == agent["tickets"]


def test_the_points_add_up_to_the_score(agent_report):
    counted = agent_report.kpis[agent_report.kpis["note"] == ""]
    assert counted["points"].sum() == pytest.approx(agent_report.standing.measured, abs=1e-6)
    assert counted["effective_weight"].sum() == pytest.approx(1.0)


def test_strengths_reach_their_target_and_gaps_miss_it(agent_report):
    r = agent_report
    assert len(r.strengths) + len(r.gaps) > 0
    for row in r.strengths.itertuples():
        k = content.KPIS_BY_ID[row.kpi]
        assert k.meets(row.value, row.target)
    for row in r.gaps.itertuples():
        k = content.KPIS_BY_ID[row.kpi]
        assert not k.meets(row.value, row.target) and row.points_to_target > 0


def test_the_trend_runs_month_by_month_to_the_periods_end(agent_report):
    months = [pd.Timestamp(m).strftime("%Y-%m") for m in agent_report.trend["month"]]
    assert months == ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]


def test_an_agent_outside_the_scope_has_no_report(world, agent):
    with pytest.raises(PermissionError):
        content.agent_report(world["source"], agent["agent_id"], Visible(teams=(SOUTH,)))


def test_the_department_report_of_a_team_holds_only_that_team(world):
    r = content.department_report(world["source"], Visible(teams=(NORTH,)))
    assert list(r.team_ranking["team"]) == [NORTH]
    assert set(r.movers["team"]) <= {NORTH} and set(r.bottlenecks["team"]) <= {NORTH}
    card = world["card"]
    north = card[card["team"] == NORTH]
    counts = dict(zip(r.grades["grade"], r.grades["agents"], strict=True))
    assert counts == {g: int((north["grade"] == g).sum()) for g in counts}
    assert r.tickets == int((world["tickets"]["agent_id"].isin(north["agent_id"])).sum())


def test_the_movers_are_the_changes_of_the_score_command(world):
    r = content.department_report(world["source"], EVERYTHING)
    now = world["card"].set_index("agent_id")["composite"]
    before = world["before"].set_index("agent_id")["composite"]
    change = (now - before).dropna()
    assert len(r.movers) > 0
    for row in r.movers.itertuples():
        assert row.change == pytest.approx(change[row.agent_id], abs=0.051)
    rises = r.movers[r.movers["change"] > 0]
    assert rises["change"].iloc[0] == pytest.approx(change.max(), abs=0.051)


def test_a_report_refuses_a_frame_outside_its_scope():
    report = content.DepartmentReport(**{
        **{f: None for f in content.DepartmentReport.__dataclass_fields__},
        "team_ranking": pd.DataFrame({"team": [SOUTH]}),
        "actions": (),
    })  # fmt: skip
    with pytest.raises(ScopeLeak):
        content._check(report, Visible(teams=(NORTH,)))


def test_open_actions_of_the_scope_are_listed_and_escaped(world, small_dataset, state):
    store = ActionStore(world["source"].state_dir / FILE_NAME)
    store.add(EVERYTHING, NORTH, "fcr", "<b>Coach</b> the first contact", "Li", START, END)
    store.add(EVERYTHING, SOUTH, "fcr", "South's own measure", "Wu", START, END)
    done = store.add(EVERYTHING, NORTH, "csat", "Finished measure", "Li", START, END)
    store.set_status(EVERYTHING, done.id, "done")
    r = content.department_report(world["source"], Visible(teams=(NORTH,)))
    assert [a.measure for a in r.actions] == ["<b>Coach</b> the first contact"]
    html = render.department_html(r, "en", MADE_ON)
    assert "&lt;b&gt;Coach&lt;/b&gt; the first contact" in html and "<b>Coach" not in html
    assert "South's own measure" not in html and SOUTH not in html


class Talks:
    def notes_for(self, agent_id, start, end):
        return [content.FeedbackNote(date(2026, 5, 20), "Li Na", "Talked through FCR",
                                     ("Shadow a senior on repairs",))]  # fmt: skip


def test_feedback_and_agreed_actions_are_shown_where_a_store_provides_them(world, agent):
    scope = make.agent_scope(world["source"].ds, agent["agent_id"])
    without = render.agent_html(
        content.agent_report(world["source"], agent["agent_id"], scope), "en", MADE_ON
    )
    assert text("report_feedback", "en") not in without
    report = content.agent_report(world["source"], agent["agent_id"], scope, Talks())
    html = render.agent_html(report, "en", MADE_ON)
    assert text("report_feedback", "en") in html
    assert "2026-05-20, Li Na: Talked through FCR" in html
    assert "Agreed: Shadow a senior on repairs" in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_agent_html_words_the_figures_in_its_language(agent_report, agent, lang):
    html = render.agent_html(agent_report, lang, MADE_ON)
    assert text("report_agent_title", lang) in html
    assert f'<div class="value">{agent["composite"]:.1f}</div>' in html
    rank = text(
        "report_rank_of", lang, rank=int(agent["team_rank"]), of=agent_report.graded_in_team
    )
    assert rank in html
    assert "<script" not in html and "http" not in html.replace("http://www.w3.org/2000/svg", "")


def test_the_command_writes_the_html_report(small_dataset, state, tmp_path, monkeypatch, agent):
    monkeypatch.setenv("SPD_STATE_DIR", str(state))
    out = tmp_path / "north.html"
    args = ["report", "department", str(small_dataset), "--from", str(START), "--to", str(END),
            "--team", NORTH, "--lang", "en", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    html = out.read_text(encoding="utf-8")
    assert text("report_department_title", "en") in html and SOUTH not in html


@pytest.mark.parametrize(
    "extra",
    [
        ["agent", "--team", NORTH, "--out", "x.html"],  # an agent report needs --agent
        ["department", "--agent", "A001", "--out", "x.html"],
        ["department", "--team", "Team Nowhere", "--out", "x.html"],
        ["department", "--out", "x.docx"],
    ],
)
def test_the_command_refuses_bad_arguments(small_dataset, tmp_path, monkeypatch, extra, capsys):
    monkeypatch.chdir(tmp_path)
    kind, *rest = extra
    assert main(["report", kind, str(small_dataset), *rest]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not (tmp_path / "x.html").exists()


def shown_words(html: str) -> set[str]:
    """The Latin words (two letters or more) a reader sees in the page."""
    body = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    return set(re.findall(r"[A-Za-z]{2,}", unescape(body)))


def test_a_chinese_report_has_no_english_but_the_datas_names(world, agent_report, small_dataset):
    roster = pd.read_parquet(small_dataset / "agents.parquet")
    courses = pd.read_parquet(small_dataset / "training.parquet")["course"]
    actions = ActionStore(world["source"].state_dir / FILE_NAME).list(EVERYTHING)
    typed = [text_ for a in actions for text_ in (a.measure, a.owner)]  # what users wrote
    data = [*roster["name"], *roster["team"], *courses, *typed]  # not the report's words
    names = {w for value in data for w in re.findall(r"[A-Za-z]{2,}", value)}
    department = content.department_report(world["source"], EVERYTHING)
    for html in (render.agent_html(agent_report, "zh", MADE_ON),
                 render.department_html(department, "zh", MADE_ON)):  # fmt: skip
        assert shown_words(html) - names == set()
