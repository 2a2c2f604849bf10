"""Access by role (scoring/access.py): the access file is checked whole, and a grant clamps
what a session may see. Expectations are written from docs/ACCESS.md, not from the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scoring import access
from scoring.access import AccessFileError, Grant, load_policy

ROOT = Path(__file__).resolve().parents[2]
KNOWN_TEAMS = ["Team Central", "Team East", "Team North", "Team South"]


def write(tmp_path: Path, document) -> Path:
    path = tmp_path / "access.json"
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(AccessFileError) as caught:
        load_policy(path)
    assert caught.value.path == path
    return caught.value.problems


def test_a_valid_file_gives_each_user_their_role_and_teams(tmp_path):
    policy = load_policy(
        write(
            tmp_path,
            {
                "users": {
                    "Zhang.Wei@example.com": {"role": "leadership"},
                    "li.na@example.com": {"role": "supervisor", "teams": ["Team North"]},
                    "王芳": {"role": "trainer", "teams": ["Team East", "Team South"]},
                }
            },
        )
    )
    boss = policy.grant_for("zhang.wei@EXAMPLE.com ")  # names ignore case and spaces
    assert (boss.role, boss.teams) == ("leadership", None)
    assert policy.grant_for("li.na@example.com").teams == ("Team North",)
    assert policy.grant_for("王芳").teams == ("Team East", "Team South")
    assert policy.grant_for("nobody@example.com") is None
    assert policy.grant_for(None) is None and policy.grant_for("") is None


def test_every_problem_is_reported_with_the_user_it_concerns(tmp_path):
    path = write(
        tmp_path,
        {
            "users": {
                "a@x": {"role": "boss"},
                "b@x": {"role": "supervisor"},
                "c@x": {"role": "trainer", "teams": "Team North"},
                "d@x": {"role": "leadership", "team": ["Team North"]},
                "e@x": {"role": "leadership", "teams": []},
                "E@X": {"role": "leadership"},
                "f@x": "leadership",
                "g@x": {"teams": ["Team North"]},
                "ok@x": {"role": "leadership"},
            }
        },
    )
    problems = problems_of(path)
    expected = {
        "a@x": "role 'boss' unknown",
        "b@x": "needs the teams",
        "c@x": "teams must be a list",
        "d@x": "unknown key 'team'",
        "e@x": "teams is empty",
        "E@X": "listed twice",
        "f@x": 'expected {"role"',
        "g@x": "no role (expected one of leadership, supervisor, trainer, analyst, agent)",
    }
    for user, words in expected.items():
        assert any(f"'{user}'" in p and words in p for p in problems), (user, problems)
    assert len(problems) == len(expected)
    assert not any("ok@x" in p for p in problems)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "not readable as JSON"),
        ('{"people": {}}', '{"users"'),
        ('{"users": {}}', '{"users"'),
        ("[1, 2]", '{"users"'),
    ],
)
def test_an_unusable_file_names_itself_and_what_was_expected(tmp_path, content, words):
    path = write(tmp_path, content)
    (problem,) = problems_of(path)
    assert words in problem
    assert str(path) in str(AccessFileError(path, [problem]))


def test_a_missing_file_is_a_problem_not_open_access(tmp_path):
    assert problems_of(tmp_path / "absent.json") == ["file not found"]


def test_a_supervisor_is_clamped_to_their_teams():
    grant = Grant("li.na", "supervisor", ("Team North", "Team South"))
    assert grant.team_options(KNOWN_TEAMS) == ["Team North", "Team South"]
    assert grant.clamp_teams((), KNOWN_TEAMS) == ("Team North", "Team South")  # "All"
    assert grant.clamp_teams(("Team South",), KNOWN_TEAMS) == ("Team South",)
    assert grant.clamp_teams(("Team East",), KNOWN_TEAMS) == ("Team North", "Team South")
    assert grant.clamp_teams(("Team East", "Team North"), KNOWN_TEAMS) == ("Team North",)
    assert grant.allows_team("Team North") and not grant.allows_team("Team East")
    assert not grant.allows_team(None)  # an agent the dataset does not know
    with pytest.raises(ValueError, match="none of the teams"):  # never "no filter"
        grant.clamp_teams((), ["Team East"])


def test_the_open_grant_changes_nothing():
    assert access.OPEN.clamp_teams((), KNOWN_TEAMS) == ()
    assert access.OPEN.clamp_teams(("Team East",), KNOWN_TEAMS) == ("Team East",)
    assert access.OPEN.team_options(KNOWN_TEAMS) == KNOWN_TEAMS
    assert access.OPEN.allows_team("anything")
    assert access.OPEN.pages == access.ALL_PAGES


def test_the_role_table_in_the_docs_matches_the_declared_roles():
    text = (ROOT / "docs" / "ACCESS.md").read_text(encoding="utf-8")
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `(\w+)` \([^)]*\) \| ([^|]+) \|", text, re.M)}
    assert sorted(rows) == sorted(r.id for r in access.ROLES)
    titles = {
        "overview": "Overview", "scorecard": "Scorecard", "balanced": "Balanced scorecard",
        "diagnostics": "Diagnostics",
        "whatif": "What-if lab", "targets": "Targets", "objectives": "Objectives",
        "capability": "Capability gaps",
        "kano": "Customer expectations", "effect": "Did it work?", "data": "Data",
        "import_data": "Import data", "access_log": "Access log",
        "appraisal": "Appraisal periods", "my_results": "My results",
    }  # fmt: skip
    for role in access.ROLES:
        listed = [p for p in access.ALL_PAGES if titles[p] in rows[role.id]]
        assert listed == list(role.pages), role.id
    assert only_what_if_for_leadership()


def only_what_if_for_leadership() -> bool:
    return [r.id for r in access.ROLES if "whatif" in r.pages] == ["leadership"]


def test_an_agent_names_themselves_and_nothing_else(tmp_path):
    users = {
        "zhao@x": {"role": "agent", "agent_id": " A017 "},
        "a@x": {"role": "agent"},
        "b@x": {"role": "agent", "agent_id": "A001", "teams": ["Team North"]},
        "c@x": {"role": "supervisor", "teams": ["Team North"], "agent_id": "A001"},
    }
    problems = problems_of(write(tmp_path, {"users": users}))
    assert problems == [
        "user 'a@x': an agent needs their agent_id",
        "user 'b@x': an agent sees their own team; leave teams out",
        "user 'c@x': agent_id is only for the agent role",
    ]
    del users["a@x"], users["b@x"], users["c@x"]
    grant = load_policy(write(tmp_path, {"users": users})).grant_for("zhao@x")
    assert (grant.role, grant.agent_id, grant.teams) == ("agent", "A017", None)
    mine = grant.for_team("Team East")
    assert mine.team_options(KNOWN_TEAMS) == ["Team East"]
    assert grant.for_team(None).team_options(KNOWN_TEAMS) == []  # unknown agent: nothing
    assert "whatif" not in grant.pages and "capability" not in grant.pages


def test_the_access_log_is_only_for_a_grant_of_every_team():
    """It lists every user's views and filters, so a team-restricted leadership grant, whose
    other pages are narrowed to its teams, does not get it."""
    assert Grant("boss", "leadership").allows_page("access_log")
    restricted = Grant("north.boss", "leadership", ("Team North",))
    assert "access_log" in restricted.pages and not restricted.allows_page("access_log")
    assert restricted.allows_page("whatif")
    assert not Grant("li.na", "supervisor", ("Team North",)).allows_page("access_log")
