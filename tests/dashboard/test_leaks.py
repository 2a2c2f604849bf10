"""Issue 12: nothing a session may not see reaches its browser.

For each restricted role (a supervisor of one team, a supervisor of two, an agent, a trainer
and a leadership user restricted to one team), on every page the role may open, on every
Diagnostics level and on links tampered with (another team, another team's agent, drill
keys, page keys), everything the page sends is decoded (tests/leak_check.py: tables from
Arrow, chart specs, widget options, texts, the address bar, downloaded CSV and Excel files)
and must hold no agent id, agent name or team name outside the session's grant.

Other teams' names are forbidden too, also as labels of aggregates (a team ranking): a
restricted session has no need to learn which other teams exist and how they do. A page
that shows them fails here on purpose, rather than the check being weakened.

What each role may see comes from the Parquet files read with pandas, never from the app.
The state folder holds improvement actions of every team (some naming one agent, by id
and by name in the measure) and two saved what-if scenarios made for different teams.
As unrestricted leadership the same check does find other teams' agents, so it can fail.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from scoring.access import OPEN, ROLES_BY_ID, Grant
from scoring.analyses.appraisal import periods
from scoring.data import catalog
from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.measures.metrics import Filters
from scoring.scope import EVERYTHING
from scoring.stores.actions import ActionStore
from scoring.stores.periods import PeriodStore, agent_tickets, close_period
from scoring.stores.scenarios import Scenario, ScenarioStore
from scoring.stores.targets import REGISTRY_SET
from tests.conftest import ROOT, SAMPLE_DATASET
from tests.leak_check import Leak, collect, describe, leaks, recorded

APP = str(ROOT / "app.py")
NORTH, SOUTH = "Team North", "Team South"
REPEAT_DAYS = 30  # the default repeat window (setting repeat_window_days)
PERIOD_DAYS = 91  # the default period: the last quarter (dashboard.app.state preset "quarter")
OWNER = "Quality office"  # owner of the seeded actions: nobody's name
KPI = "fcr"


@dataclass(frozen=True)
class Role:
    role: str  # the role in the access file
    teams: tuple[str, ...] | None = None  # granted teams; None: every team

    @property
    def is_agent(self) -> bool:
        return self.role == "agent"

    @property
    def pages(self) -> tuple[str, ...]:
        return ROLES_BY_ID[self.role].pages


ROLES = {
    "supervisor_north": Role("supervisor", (NORTH,)),
    "supervisor_north_south": Role("supervisor", (NORTH, SOUTH)),
    "agent_north": Role("agent"),  # one agent of Team North (World.me)
    "trainer_north": Role("trainer", (NORTH,)),
    "leadership_north": Role("leadership", (NORTH,)),
}
UNRESTRICTED = "leadership_all"
ALL_USERS = {**ROLES, UNRESTRICTED: Role("leadership")}

# Links as {query key: value}; {names} are filled in per dataset and role (World.symbols).
COMMON_VARIANTS = {
    "plain": {},
    "team=other": {"team": "{other_team}"},
    "agent=other": {"agent": "{other_agent}"},
}
DIAGNOSTICS_VARIANTS = {
    "plain": {},  # the department, or the team for a one-team grant, or the agent
    "team=mine": {"team": "{my_team}"},
    "agent=mine": {"agent": "{my_agent}"},
    "tickets": {"agent": "{my_agent}", "drill": "category:{my_category}"},
    "team=other": {"team": "{other_team}"},
    "agent=other": {"agent": "{other_agent}"},
    "tickets=other": {"agent": "{other_agent}", "drill": "category:{other_category}"},
    "drill-only": {"drill": "category:{my_category}"},
    "agent=mine&team=other": {"agent": "{my_agent}", "team": "{other_team}"},
}
CAPABILITY_VARIANTS = {
    "skill=competency": {"skill": "competency"},  # 360 ratings: who rated whom
    "kpi=csat&skill=product": {"kpi": "csat", "skill": "product"},
}
AGENT_VARIANTS = {"agent=colleague": {"agent": "{colleague}"}}
LISTS_AGENTS = ("scorecard", "capability", "whatif", "appraisal")  # tables listing agents
SHOWS_OTHERS_VIEWS = ("access_log",)  # pages listing what other sessions looked at


def variants(role: Role, page: str) -> dict[str, dict[str, str]]:
    found = dict(DIAGNOSTICS_VARIANTS if page == "diagnostics" else COMMON_VARIANTS)
    if page == "capability":
        found |= CAPABILITY_VARIANTS
    if role.is_agent:
        found |= AGENT_VARIANTS
    return found


# Every page of the role; a page the grant may not open shows the role's first page instead,
# so its address is checked as a tampered link.
CASES = [
    pytest.param(name, page, variant, id=f"{name}-{page}-{variant}")
    for name, role in ROLES.items()
    for page in role.pages
    for variant in variants(role, page)
]


# ---------------------------------------------------------------------------------------
# The dataset as pandas reads it, the access file and the state folder


def default_period(tickets: pd.DataFrame) -> pd.DataFrame:
    """The tickets of the default view: the last quarter up to the last day with tickets."""
    last = tickets["created_at"].max().date()
    first = last - timedelta(days=PERIOD_DAYS - 1)
    days = tickets["created_at"].dt.date
    return tickets[(days >= first) & (days <= last)]


def read_tickets(data: Path, roster: pd.DataFrame) -> pd.DataFrame:
    tickets = pd.read_parquet(data / "tickets")
    tickets = tickets.drop_duplicates("ticket_id")  # the sample exports one ticket twice
    return tickets.merge(roster[["agent_id", "team"]], on="agent_id", how="inner")


@dataclass
class World:
    """One dataset with its access file and state folder."""

    data: Path
    access_file: Path
    state_dir: Path
    roster: pd.DataFrame
    tickets: pd.DataFrame  # of the default period, with the agent's team

    @property
    def teams(self) -> list[str]:
        return sorted(self.roster["team"].unique())

    def team_of(self, agent_id: str) -> str:
        return self.roster.set_index("agent_id").at[agent_id, "team"]

    def agents_of(self, teams) -> list[str]:
        return sorted(self.roster.loc[self.roster["team"].isin(teams), "agent_id"])

    def busiest(self, team: str) -> str:
        """The agent of `team` with the most tickets in the default period (an agent whose
        every level has data to show)."""
        mine = self.tickets[self.tickets["team"] == team]
        return mine["agent_id"].value_counts().sort_index().idxmax()

    @property
    def me(self) -> str:
        """The agent of the agent role: the busiest agent of Team North."""
        return self.busiest(NORTH)

    def visible_teams(self, role: Role) -> list[str]:
        if role.is_agent:
            return [self.team_of(self.me)]
        return list(role.teams) if role.teams else self.teams

    def visible_agents(self, role: Role) -> list[str]:
        return [self.me] if role.is_agent else self.agents_of(self.visible_teams(role))

    def forbidden(self, role: Role) -> tuple[set[str], set[str], set[str]]:
        """Agent ids, agent names and team names the role must not see."""
        visible = set(self.visible_agents(role))
        others = self.roster[~self.roster["agent_id"].isin(visible)]
        teams = set(self.teams) - set(self.visible_teams(role))
        return set(others["agent_id"]), set(others["name"].dropna()), teams

    def top_category(self, agent_id: str) -> str:
        mine = self.tickets[self.tickets["agent_id"] == agent_id]
        return mine["category"].value_counts().index[0]

    def symbols(self, role: Role) -> dict[str, str]:
        """The values links are made of, for this role."""
        mine = self.visible_teams(role)
        other_team = next(t for t in self.teams if t not in mine)
        my_agent = self.me if role.is_agent else self.busiest(mine[0])
        other_agent = self.agents_of([other_team])[0]
        colleague = next(a for a in self.agents_of([self.team_of(self.me)]) if a != self.me)
        return {
            "my_team": mine[0],
            "other_team": other_team,
            "my_agent": my_agent,
            "other_agent": other_agent,
            "colleague": colleague,
            "my_category": self.top_category(my_agent),
            "other_category": self.top_category(other_agent),
        }

    def link(self, role: Role, template: dict[str, str]) -> dict[str, str]:
        symbols = self.symbols(role)
        return {key: value.format(**symbols) for key, value in template.items()}


def user(name: str) -> str:
    return f"{name}@example.com"


def write_access_file(path: Path, me: str) -> None:
    users = {}
    for name, role in ALL_USERS.items():
        entry: dict = {"role": role.role}
        if role.is_agent:
            entry["agent_id"] = me
        elif role.teams:
            entry["teams"] = list(role.teams)
        users[user(name)] = entry
    path.write_text(json.dumps({"users": users}), encoding="utf-8")


def add_action(store: ActionStore, *fields, **named) -> None:
    """ActionStore.add as someone who sees every team."""
    store.add(EVERYTHING, *fields, **named)


def seed_state(state_dir: Path, world: World) -> None:
    """Actions of every team (one for the team, one naming an agent of it by id and by
    name) and two scenarios saved for different teams."""
    store = ActionStore(state_dir / "actions.sqlite")
    start = world.tickets["created_at"].max().date() - timedelta(days=20)
    for team in world.teams:
        agent = world.agents_of([team])[-1]
        name = world.roster.set_index("agent_id").at[agent, "name"]
        add_action(store, team, KPI, "Daily huddle on first-contact fixes", OWNER, start, start)
        add_action(
            store, team, KPI, f"Pair {name} with a mentor", OWNER, start, start, agent_id=agent
        )
    scenarios = ScenarioStore(state_dir)
    for scenario_name, team in (("plan A", NORTH), ("plan B", SOUTH)):
        scenarios.save(
            Scenario(
                scenario_name, Policy({KPI: 100.0}), filters=Filters(teams=(team,)), author="boss"
            )
        )
    seed_appraisal(state_dir, world)


def seed_appraisal(state_dir: Path, world: World) -> None:
    """The appraisal pages' default period (the data's last month) closed and published,
    with an appeal and a feedback talk of an agent of every team."""
    entry = catalog.default_entry(catalog.list_datasets(state_dir, world.data), world.data)
    folder = catalog.state_folder(state_dir, entry)
    ds = open_dataset(world.data)
    period = periods.of_day("month", world.tickets["created_at"].max().date())
    store = PeriodStore(folder)
    close_period(store, ds, period.id, policy=Policy(), policy_source="test",
                 targets=REGISTRY_SET, objectives=None, grant=OPEN, draws=50)  # fmt: skip
    store.publish(period.id, OPEN)
    for team in world.teams:
        agent = world.agents_of([team])[-1]
        owned = agent_tickets(ds, agent, period)
        if owned:
            mine = Grant(agent, "agent", agent_id=agent)
            store.file_appeal(period.id, agent, KPI, sorted(owned)[:1], "wrong", mine, owned)
        store.save_talk(period.id, agent, OPEN, strengths=f"strong on {team}")


def make_world(data: Path, folder: Path) -> World:
    roster = pd.read_parquet(data / "agents.parquet")
    world = World(
        data=data,
        access_file=folder / "access.json",
        state_dir=folder / "state",
        roster=roster,
        tickets=default_period(read_tickets(data, roster)),
    )
    write_access_file(world.access_file, world.me)
    seed_state(world.state_dir, world)
    return world


@pytest.fixture(scope="module")
def small_world(small_dataset, tmp_path_factory) -> World:
    return make_world(small_dataset, tmp_path_factory.mktemp("leaks_small"))


@pytest.fixture(scope="module")
def sample_world(tmp_path_factory) -> World:
    return make_world(SAMPLE_DATASET, tmp_path_factory.mktemp("leaks_sample"))


# ---------------------------------------------------------------------------------------
# Opening a page and checking it


def open_page(monkeypatch, world: World, name: str, page: str, params: dict) -> AppTest:
    """The app as user `name` on `page` with the link's query keys, in English."""
    monkeypatch.setenv("SPD_DATA_DIR", str(world.data))
    monkeypatch.setenv("SPD_ACCESS_FILE", str(world.access_file))
    monkeypatch.setenv("SPD_STATE_DIR", str(world.state_dir))
    monkeypatch.setattr(app_access, "session_user", lambda: user(name))
    at = recorded(AppTest.from_file(APP, default_timeout=60))
    at.query_params.update({"lang": "en", **params})
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def summary(found: list[Leak], world: World, role: Role) -> str:
    """How many forbidden agent ids, agent names and team names leaked, and where."""
    ids, names, teams = world.forbidden(role)
    tokens = {leak.token for leak in found}
    kinds = Counter(leak.shown.kind for leak in found)
    counts = ", ".join(f"{kind}×{n}" for kind, n in sorted(kinds.items()))
    head = (
        f"{len(tokens & ids)} agent ids, {len(tokens & names)} agent names, "
        f"{len(tokens & teams)} team names leaked ({counts})"
    )
    return f"{head}\n{describe(found)}"


def leaked(at: AppTest, world: World, role: Role) -> list[Leak]:
    ids, names, teams = world.forbidden(role)
    return leaks(collect(at), ids, names | teams)


def shown_agents(at: AppTest, agents: list[str]) -> set[str]:
    """Which of these agent ids the page shows (the same decoding as the leak check)."""
    return {leak.token for leak in leaks(collect(at), agents, [])}


def view_elsewhere(monkeypatch, world: World, role: Role) -> None:
    """Someone who may see everything opens another team's agent, so that a page listing
    what was viewed (the access log) holds something this role must not see, whatever
    tests ran before."""
    link = world.link(role, {"team": "{other_team}", "agent": "{other_agent}"})
    assert not open_page(monkeypatch, world, UNRESTRICTED, "diagnostics", link).exception


def check_page(monkeypatch, world: World, name: str, page: str, variant: str) -> AppTest:
    """Open the page as the role with the variant's link; nothing outside the grant may be
    in what it sends, and it must show something of the role's own (else it proves
    nothing). Returns the page for further checks."""
    role = ALL_USERS[name]
    if page in SHOWS_OTHERS_VIEWS:
        view_elsewhere(monkeypatch, world, role)
    params = world.link(role, variants(role, page)[variant])
    at = open_page(monkeypatch, world, name, page, params)
    found = leaked(at, world, role)
    assert not found, summary(found, world, role)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "the page shows nothing at all: a leak check of it proves nothing"
    if page in LISTS_AGENTS or "my_agent" in str(variants(role, page)[variant]):
        assert shown_agents(at, world.visible_agents(role)), "none of the role's own agents"
    return at


# ---------------------------------------------------------------------------------------
# The tests


def test_forbidden_names_cannot_be_found_inside_allowed_ones(small_world, sample_world):
    """A forbidden name inside a visible name or id would be a false leak."""
    for world in (small_world, sample_world):
        for role in ROLES.values():
            ids, names, teams = world.forbidden(role)
            allowed = world.roster[world.roster["agent_id"].isin(world.visible_agents(role))]
            texts = [*allowed["name"], *allowed["agent_id"], *world.visible_teams(role)]
            clashes = [(n, t) for n in names | teams for t in texts if n in t]
            assert clashes == []


def crossing_repeats(world: World) -> pd.DataFrame:
    """Repeats in the default period whose previous ticket was handled by another team:
    a ticket of the same customer and category created within the repeat window after the
    previous one was resolved."""
    rows = world.tickets.dropna(subset=["customer_id"])
    rows = rows.sort_values(["customer_id", "category", "created_at", "ticket_id"])
    before = rows.groupby(["customer_id", "category"])[["resolved_at", "team"]].shift()
    gap = rows["created_at"] - before["resolved_at"]
    repeat = (gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(days=REPEAT_DAYS))
    crossing = repeat & (rows["team"] != before["team"])
    return rows.assign(previous_team=before["team"])[crossing]


@pytest.mark.parametrize("which", ["small", "sample"])
def test_precondition_repeat_chains_cross_teams(small_world, sample_world, which):
    """The chains check means something only if some chain touching Team North has a
    ticket handled by another team."""
    world = small_world if which == "small" else sample_world
    crossing = crossing_repeats(world)
    with_north = crossing[(crossing["team"] == NORTH) | (crossing["previous_team"] == NORTH)]
    assert len(with_north) > 0


@pytest.mark.parametrize(("name", "page", "variant"), CASES)
def test_nothing_outside_the_grant_reaches_the_browser(
    monkeypatch, small_world, name, page, variant
):
    check_page(monkeypatch, small_world, name, page, variant)


SAMPLE_CASES = [
    ("supervisor_north", "diagnostics", "plain"),  # the team level
    ("supervisor_north", "diagnostics", "tickets"),  # the agent level, one bar's tickets
    ("supervisor_north", "diagnostics", "tickets=other"),
    ("supervisor_north_south", "diagnostics", "plain"),  # the department level
    ("supervisor_north_south", "diagnostics", "agent=other"),
    # Team North of the small dataset has nothing to coach; here the coaching plan and its
    # downloads are shown.
    ("supervisor_north", "capability", "plain"),
]


@pytest.mark.parametrize(("name", "page", "variant"), SAMPLE_CASES)
def test_nothing_outside_the_grant_reaches_the_browser_on_the_sample(
    monkeypatch, sample_world, name, page, variant
):
    at = check_page(monkeypatch, sample_world, name, page, variant)
    if page == "capability":
        assert at.download_button, "no coaching plan to download: its files went unchecked"


@pytest.mark.parametrize(
    ("page", "params", "kinds"),
    [
        ("scorecard", {}, ("ids", "names", "teams")),  # the agent table: id, name, team
        ("capability", {}, ("ids",)),
        ("whatif", {}, ("ids", "names", "teams")),
        ("diagnostics", {}, ("ids", "teams")),
        ("diagnostics", {"team": SOUTH}, ("ids",)),
    ],
)
def test_the_check_finds_other_teams_agents_as_unrestricted_leadership(
    monkeypatch, small_world, page, params, kinds
):
    """Where every team is shown, the check made for Team North's supervisor finds the
    other teams' agent ids (and names and team names where tables show them)."""
    at = open_page(monkeypatch, small_world, UNRESTRICTED, page, params)
    assert not at.exception
    ids, names, teams = small_world.forbidden(ROLES["supervisor_north"])
    found = {leak.token for leak in leaked(at, small_world, ROLES["supervisor_north"])}
    by_kind = {"ids": found & ids, "names": found & names, "teams": found & teams}
    assert [kind for kind in kinds if not by_kind[kind]] == []


def test_the_check_finds_other_teams_agents_on_the_sample_diagnostics(monkeypatch, sample_world):
    at = open_page(monkeypatch, sample_world, UNRESTRICTED, "diagnostics", {})
    assert not at.exception
    found = leaked(at, sample_world, ROLES["supervisor_north"])
    ids, _names, teams = sample_world.forbidden(ROLES["supervisor_north"])
    tokens = {leak.token for leak in found}
    assert tokens & ids and tokens & teams
