"""Who may see what (权限): roles declared once, an access file naming each user's role
and teams, and the grant that clamps a session's view to what its role allows.

Without an access file the dashboard runs open (one trusted user or a closed room: every
page, every team). With one, a session sees nothing until it is identified as a listed
user; a supervisor then sees exactly what leadership sees when filtered to the
supervisor's teams, and pages outside the role are not offered at all.

The access file is JSON::

    {"users": {
        "zhang.wei@example.com": {"role": "leadership"},
        "li.na@example.com": {"role": "supervisor", "teams": ["Team North"]},
        "wang.fang@example.com": {"role": "trainer"},
        "zhao.lei@example.com": {"role": "agent", "agent_id": "A017"}
    }}

User names are compared without regard to case. A problem in the file is never half
applied: every problem is collected and reported, and nobody is let in until it is fixed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

ALL_PAGES = (
    "overview",
    "scorecard",
    "balanced",
    "diagnostics",
    "whatif",
    "targets",
    "objectives",
    "capability",
    "kano",
    "effect",
    "data",
    "import_data",
    "access_log",
    "appraisal",
    "my_results",
)
# Pages that show every team's people whatever the filter (the access log lists every user's
# views and queries; an import previews and writes every team's tickets): only a grant of
# every team may open them.
EVERY_TEAM_PAGES = ("import_data", "access_log")


@dataclass(frozen=True)
class Role:
    id: str
    pages: tuple[str, ...]
    needs_teams: bool  # must the access file name the teams this role may see?
    help: str
    is_agent: bool = False  # one agent's own view: needs their agent_id, no teams
    edits_actions: bool = False  # may add improvement actions and change their status


ROLES = (
    Role(
        "leadership",
        ALL_PAGES,
        False,
        "every page; all teams unless teams are given",
        edits_actions=True,
    ),
    Role(
        "supervisor",
        (
            "overview",
            "scorecard",
            "balanced",
            "diagnostics",
            "objectives",
            "capability",
            "kano",
            "effect",
            "data",
            "appraisal",
            "my_results",
        ),
        True,
        "their teams' scorecard and balanced scorecard, objectives, diagnostics, capability "
        "gaps, changes judged and customer expectations, their teams' closed appraisal "
        "results (appeals to resolve, feedback talks); not the what-if lab",
        edits_actions=True,
    ),
    Role(
        "trainer",
        ("overview", "capability", "kano", "data"),
        False,
        "capability gaps and training effects, and customer expectations (what to train for); "
        "all teams unless teams are given",
    ),
    Role(
        "analyst",
        (
            "overview",
            "scorecard",
            "balanced",
            "diagnostics",
            "objectives",
            "capability",
            "kano",
            "effect",
            "data",
            "import_data",
        ),
        False,
        "imports the department's exports and reads every page but the what-if lab and the "
        "access log; all teams unless teams are given (then no import)",
    ),
    Role(
        "agent",
        ("overview", "scorecard", "balanced", "diagnostics", "data", "my_results"),
        False,
        "their own scores, KPIs, balanced scorecard and diagnostics, and their own published "
        "appraisal results (feedback talk, appeals); nobody else's",
        is_agent=True,
    ),
)
ROLES_BY_ID = {r.id: r for r in ROLES}
_USER_KEYS = {"role", "teams", "agent_id"}


class AccessFileError(Exception):
    """The access file cannot be used. `problems` lists every problem found."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Grant:
    """What one session may see: its pages and teams (None: every team); an agent's grant
    names the agent, whose team the dataset says (`for_team`)."""

    user: str | None
    role: str
    teams: tuple[str, ...] | None = None
    agent_id: str | None = None

    @property
    def pages(self) -> tuple[str, ...]:
        return ROLES_BY_ID[self.role].pages

    @property
    def edits_actions(self) -> bool:
        return ROLES_BY_ID[self.role].edits_actions

    def allows_page(self, page: str) -> bool:
        return page in self.pages and (self.teams is None or page not in EVERY_TEAM_PAGES)

    def for_team(self, team: str | None) -> Grant:
        """An agent's grant narrowed to the agent's team (None: no team, nothing to see)."""
        return replace(self, teams=() if team is None else (team,))

    def team_options(self, known: list[str]) -> list[str]:
        """The teams this session may pick from, in the dataset's order."""
        return list(known) if self.teams is None else [t for t in known if t in self.teams]

    def clamp_teams(self, requested: tuple[str, ...], known: list[str]) -> tuple[str, ...]:
        """The teams to show: the requested ones it may see, else all it may see.

        An open grant keeps the request as it is (empty = all teams). A restricted grant none
        of whose teams is known raises ValueError: in a filter, no teams means *every* team,
        so the caller must show nothing instead (check `team_options` first)."""
        if self.teams is None:
            return requested
        allowed = self.team_options(known)
        if not allowed:
            raise ValueError(f"none of the teams {self.teams} is in the dataset")
        return tuple(t for t in requested if t in allowed) or tuple(allowed)

    def allows_team(self, team: str | None) -> bool:
        return self.teams is None or team in self.teams


OPEN = Grant(user=None, role="leadership")


@dataclass(frozen=True)
class AccessPolicy:
    users: dict[str, Grant]  # by lower-case user name

    def grant_for(self, user: str | None) -> Grant | None:
        """The user's grant; None when the user is unknown or not identified."""
        return self.users.get(user.strip().lower()) if user else None


def load_policy(path: str | Path) -> AccessPolicy:
    """Read and check an access file; raises AccessFileError listing every problem."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AccessFileError(path, ["file not found"]) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AccessFileError(path, [f"not readable as JSON ({exc})"]) from None
    users = document.get("users") if isinstance(document, dict) else None
    if not isinstance(users, dict) or not users:
        raise AccessFileError(path, ['expected {"users": {"<user>": {"role": ...}, ...}}'])
    problems: list[str] = []
    grants: dict[str, Grant | None] = {}
    for user, entry in users.items():
        key = user.strip().lower()
        if key in grants:
            problems.append(f"user '{user}': listed twice (names ignore case)")
        grants[key] = _grant(user, entry, problems)
    if problems:
        raise AccessFileError(path, problems)
    return AccessPolicy({key: grant for key, grant in grants.items() if grant})


def _grant(user: str, entry, problems: list[str]) -> Grant | None:
    where = f"user '{user}'"
    if not user.strip():
        problems.append("a user with an empty name")
        return None
    if not isinstance(entry, dict):
        problems.append(f'{where}: expected {{"role": ..., "teams": [...]}}')
        return None
    found = len(problems)
    for key in sorted(set(entry) - _USER_KEYS):
        problems.append(f"{where}: unknown key '{key}' (known: role, teams, agent_id)")
    role_id = entry.get("role")
    role = ROLES_BY_ID.get(role_id) if isinstance(role_id, str) else None
    if role is None:
        given = "no role" if role_id is None else f"role {role_id!r} unknown"
        problems.append(f"{where}: {given} (expected one of {', '.join(ROLES_BY_ID)})")
    elif role.is_agent:
        _check_agent_entry(where, entry, problems)
    else:
        _check_teams_entry(where, role, entry, problems)
    if len(problems) > found:
        return None
    if role.is_agent:
        return Grant(user.strip(), role.id, agent_id=entry["agent_id"].strip())
    teams = entry.get("teams")
    return Grant(user.strip(), role.id, None if teams is None else tuple(teams))


def _check_agent_entry(where: str, entry: dict, problems: list[str]) -> None:
    agent_id = entry.get("agent_id")
    if not (isinstance(agent_id, str) and agent_id.strip()):
        problems.append(f"{where}: an agent needs their agent_id")
    if "teams" in entry:
        problems.append(f"{where}: an agent sees their own team; leave teams out")


def _check_teams_entry(where: str, role: Role, entry: dict, problems: list[str]) -> None:
    if "agent_id" in entry:
        problems.append(f"{where}: agent_id is only for the agent role")
    teams = entry.get("teams")
    if teams is None:
        if role.needs_teams:
            problems.append(f"{where}: a {role.id} needs the teams they may see")
    elif not isinstance(teams, list) or not all(isinstance(t, str) and t for t in teams):
        problems.append(f"{where}: teams must be a list of team names")
    elif not teams:
        every = "" if role.needs_teams else "; leave it out for every team"
        problems.append(f"{where}: teams is empty (name at least one team{every})")
