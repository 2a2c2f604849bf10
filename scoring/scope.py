"""The two scopes of every query: the population and the visible scope (统计总体 / 可见范围).

- The **population** is whom statistics are computed over: priors, ranks, peer medians,
  percentiles, repeat chains. It is the filter's period and ticket filters over every team
  and agent (`Filters.population()`); what is computed over it leaves only as aggregates.
- The **visible scope** is what may be shown: the session's grant clamped to its filter
  (`Visible.of(filters)` after the shell has clamped the filter to the grant). A function
  that returns rows, labels or ids for display takes it and cannot return an agent or a team
  outside it: `@shows_rows` checks every frame it returns and raises `ScopeLeak` rather than
  let such a row through. A null team or agent is an anonymous row (another team's step in a
  repeat chain) and passes.

Every public function of `scoring/` that returns a frame is marked either `@shows_rows`
(display rows: takes `visible`) or `@for_statistics` (rows that feed statistics or are
aggregates of the filter it was given); a test fails on an unmarked one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

TEAM_COLUMN = "team"
AGENT_COLUMN = "agent_id"


class ScopeLeak(RuntimeError):
    """A display function was about to return a team or agent outside the visible scope."""


@dataclass(frozen=True)
class Visible:
    """What may be shown: these teams (None: every team) and, within them, these agents
    (None: every agent of the teams)."""

    teams: tuple[str, ...] | None = None
    agents: tuple[str, ...] | None = None

    @classmethod
    def of(cls, filters) -> Visible:
        """The visible scope of a filter the shell has clamped to the session's grant
        (empty teams or agents mean every one)."""
        return cls(tuple(filters.teams) or None, tuple(filters.agents) or None)

    @property
    def is_everything(self) -> bool:
        return self.teams is None and self.agents is None

    def allows_team(self, team: str | None) -> bool:
        return self.teams is None or team in self.teams

    def allows_agent(self, agent_id: str | None, team: str | None) -> bool:
        """An agent may be shown when their team is visible and, for an agent's own view,
        when they are that agent."""
        return self.allows_team(team) and (self.agents is None or agent_id in self.agents)

    def allows_person(self, team: str | None, agent_id: str | None) -> bool:
        """A row about a team (agent None) or about one agent of a team."""
        if agent_id is None:
            return self.allows_team(team)
        return self.allows_agent(agent_id, team)

    def mask(
        self, frame: pd.DataFrame, team: str = TEAM_COLUMN, agent: str = AGENT_COLUMN
    ) -> np.ndarray:
        """True for the rows of `frame` that may be shown (by its team and agent columns;
        a null is an anonymous row and may be shown). An agent row without a team column
        cannot be checked against a team scope and is refused (fails closed)."""
        keep = np.ones(len(frame), dtype=bool)
        if self.teams is not None and team in frame:
            teams = frame[team]
            keep &= (teams.isna() | teams.isin(self.teams)).to_numpy()
        elif self.teams is not None and agent in frame:
            keep &= frame[agent].isna().to_numpy()
        if self.agents is not None and agent in frame:
            agents = frame[agent]
            keep &= (agents.isna() | agents.isin(self.agents)).to_numpy()
        return keep

    def keep(self, frame: pd.DataFrame, team: str = TEAM_COLUMN, agent: str = AGENT_COLUMN):
        """The rows of `frame` that may be shown, index reset."""
        return frame[self.mask(frame, team, agent)].reset_index(drop=True)

    def sql(self, params: dict, alias: str = "") -> str:
        """A SQL condition true for rows (with `team` and `agent_id` columns, optionally of
        table `alias`) that may be shown; adds its named parameters to `params`."""
        clauses = []
        if self.teams is not None:
            params["visible_teams"] = list(self.teams)
            clauses.append(f"list_contains($visible_teams, {alias}team)")
        if self.agents is not None:
            params["visible_agents"] = list(self.agents)
            clauses.append(f"list_contains($visible_agents, {alias}agent_id)")
        return " AND ".join(clauses) or "true"


EVERYTHING = Visible()

DISPLAY_FUNCTIONS: list[Callable] = []
STATISTICS_FUNCTIONS: list[Callable] = []


def check_frame(frame: pd.DataFrame, visible: Visible, where: str) -> None:
    """Raise ScopeLeak when `frame` holds a team or agent `visible` does not allow."""
    outside = ~visible.mask(frame)
    if outside.any():
        columns = [c for c in (TEAM_COLUMN, AGENT_COLUMN) if c in frame]
        sample = frame.loc[outside, columns].drop_duplicates().head(3).to_dict("records")
        raise ScopeLeak(f"{where} returned {int(outside.sum())} rows outside {visible}: {sample}")


def _frames(result) -> Iterable[pd.DataFrame]:
    if isinstance(result, pd.DataFrame):
        yield result
    elif isinstance(result, tuple | list):
        for item in result:
            yield from _frames(item)


def shows_rows(function: Callable) -> Callable:
    """Mark a function whose rows are shown: it must take `visible: Visible`, and every frame
    it returns (also inside a tuple) is checked against it."""
    signature = inspect.signature(function)
    if "visible" not in signature.parameters:
        raise TypeError(f"{function.__qualname__} shows rows but takes no `visible` scope")

    @functools.wraps(function)
    def checked(*args, **kwargs):
        visible = signature.bind(*args, **kwargs).arguments.get("visible")
        if not isinstance(visible, Visible):
            raise TypeError(f"{function.__qualname__} needs a Visible scope, got {visible!r}")
        result = function(*args, **kwargs)
        for frame in _frames(result):
            check_frame(frame, visible, function.__qualname__)
        return result

    DISPLAY_FUNCTIONS.append(checked)
    return checked


def for_statistics(function: Callable) -> Callable:
    """Mark a function whose frame feeds statistics or aggregates exactly the filter it was
    given (no display rows beyond it): callers show its rows only after `Visible.keep` or
    through a `@shows_rows` function."""
    STATISTICS_FUNCTIONS.append(function)
    return function
