"""Exact stage durations (median and P90 hours per workflow stage) from values sorted once
(issue 23).

`metrics.stage_durations` gives, per group and stage, the median and P90 of the hours each
ticket spent in the stage. Quantiles are not mergeable, so the pre-aggregated cells cannot
hold them, and computing them from the tickets sorted 10M values per stage on every
Diagnostics view. As the response-time quantiles of `scoring.measures.ranked`, the sort is
done once per build: per stage (`STAGE_INTERVALS`) every ticket's duration **sorted by team,
then duration**, with its agent, its day and the codes of the sidebar's ticket dimensions —
kept as whole seconds in the narrowest integer type (half the memory of hours as doubles),
divided into hours as the tickets' statement divides them when they are read. A
filter's stage durations are then a mask of its days, dimensions and agents over the runs
of its teams (a compress keeps each run sorted) and

- per team: the value at q·(n − 1) of each team's run, interpolated as `quantile_cont`;
- for the whole filter: the same positions found by a partial sort (`np.partition`) of the
  kept values;
- per agent: the kept values sorted by agent and hours (a lexsort of the filter's rows:
  Diagnostics asks it for one team's agents).

Exact: the same values as the tickets' and the same interpolation, equal to 1e-12 relative
(DuckDB rounds its interpolation in the last bits its own way; tests/scoring/
test_stage_times.py compares them with the ticket-level statement). A filter on product or
priority, an excluded ticket, another grouping or a dataset without these arrays reads the
tickets (`answers` is False). Written once per build under `<build>/stages-<fingerprint>/`,
renamed into place when complete, memory-mapped on open.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scoring.data import build
from scoring.data.dataset import Dataset
from scoring.data.sql import ident
from scoring.measures import ranked
from scoring.measures.query import Filters, Query
from scoring.registry.contract import STAGE_INTERVALS
from scoring.scope import for_statistics

FORMAT = 3  # 2: codes, days and agents in the narrowest integer type; 3: seconds
INFO = "stages.json"
GROUPINGS = ((), ("team",), ("agent_id",))
QUANTILES = (("median_hours", 0.5), ("p90_hours", 0.9))
SECONDS_PER_HOUR = 3600.0
COLUMNS = ("stage", "median_hours", "p90_hours", "tickets")


@dataclass(frozen=True)
class StageRuns(ranked.WithAgents):
    """One stage's durations (whole seconds) sorted by team then duration:
    `starts[i]:starts[i + 1]` is team i's run
    (`StageTimes.teams[i]`); `agents` each row's agent (a position in `StageTimes.agents`)."""


@dataclass(frozen=True)
class StageTimes:
    """The sorted stage hours of one build: its teams (by name, no team last), agents (by
    id), first day, dimension levels (as `ranked.Ranked`) and each stage's runs."""

    folder: Path
    teams: tuple[str | None, ...]
    agents: tuple[str, ...]
    first_day: date
    levels: dict[str, tuple[str, ...]]
    stages: dict[str, StageRuns]


def present_stages(ds: Dataset) -> tuple[tuple[str, str, str], ...]:
    """The stage intervals (id, start column, end column) whose columns the dataset has."""
    return tuple(s for s in STAGE_INTERVALS if ds.has("tickets", s[1]) and ds.has("tickets", s[2]))


def seconds_sql(start: str, end: str) -> str:
    """SQL: the whole seconds a ticket spent between the columns `start` and `end`."""
    return f"date_diff('second', {ident(start)}, {ident(end)})"


def hours_sql(start: str, end: str) -> str:
    """SQL: the hours a ticket spent between the columns `start` and `end`."""
    return f"{seconds_sql(start, end)} / {SECONDS_PER_HOUR}"


def fingerprint(ds: Dataset) -> str:
    made_of = {"format": FORMAT, "stages": present_stages(ds), "dims": ranked._columns(ds)}
    return hashlib.sha256(json.dumps(made_of).encode()).hexdigest()[:16]


# --- answering ------------------------------------------------------------------------------


def answers(ds: Dataset, filters: Filters, by: tuple[str, ...]) -> bool:
    """Whether the dataset's sorted stage hours answer this filter and grouping."""
    return (
        isinstance(ds.stage_times, StageTimes)
        and by in GROUPINGS
        and not any(getattr(filters, name) for name in ranked.UNANSWERED)
    )


@for_statistics
def durations(ds: Dataset, filters: Filters, by: tuple[str, ...]) -> pd.DataFrame:
    """`metrics.stage_durations` from the sorted hours, where `answers` says they answer:
    per group of `by` and stage with a ticket, the median and P90 hours and the count,
    ordered by the group, then the stage."""
    if not answers(ds, filters, by):
        raise ValueError("the sorted stage hours do not answer this filter and grouping")
    times = ds.stage_times
    teams = _teams_in_scope(ds, times, filters)
    agents = _agents_kept(times, filters)
    parts = [
        _grouped(times, runs, filters, teams, agents, by).assign(stage=stage)
        for stage, runs in sorted(times.stages.items())
    ]
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame(columns=[*by, *COLUMNS])
    frame = pd.concat(parts, ignore_index=True)
    order = ["_group", "stage"] if by else ["stage"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)[[*by, *COLUMNS]]


def _teams_in_scope(ds: Dataset, times: StageTimes, filters: Filters) -> np.ndarray:
    """Positions in `times.teams` of the filter's teams (every team when it names none)."""
    every = np.arange(len(times.teams))
    if not filters.teams:
        return every
    return every[np.isin(np.asarray(times.teams, object), list(filters.teams))]


def _agents_kept(times: StageTimes, filters: Filters) -> np.ndarray | None:
    """Which agents (a mask over `times.agents`) the filter names; None: every agent."""
    if not filters.agents:
        return None
    return np.isin(np.asarray(times.agents, object), list(filters.agents))


def _grouped(
    times: StageTimes,
    runs: StageRuns,
    filters: Filters,
    teams: np.ndarray,
    agents: np.ndarray | None,
    by: tuple[str, ...],
) -> pd.DataFrame:
    """One stage's quantiles and counts per group of `by` over the filter's rows, with the
    group's position as `_group` (the order of the ticket-level statement)."""
    lengths = np.diff(runs.starts)[teams]
    rows: slice | np.ndarray = slice(None)  # every team: the arrays as they are
    if len(teams) < len(times.teams):
        pieces = [np.arange(runs.starts[t], runs.starts[t + 1]) for t in teams]
        rows = np.concatenate(pieces) if pieces else np.empty(0, np.int64)
    keep = ranked._mask(times, runs, filters, rows)
    if agents is not None:
        keep = ranked._and(keep, agents[runs.agents[rows]])
    if keep is not None:  # the kept rows' positions: faster to take than a boolean compress
        kept = np.flatnonzero(keep)
        lengths = np.diff(np.searchsorted(kept, np.cumsum(lengths)), prepend=0)
        rows = kept if isinstance(rows, slice) else rows[kept]
    values = runs.values[rows] / SECONDS_PER_HOUR
    if by == ("team",):
        return _per_run(values, lengths, teams, "team", times.teams)
    if by == ("agent_id",):
        owners = runs.agents[rows]
        order = np.lexsort((values, owners))
        counts = np.bincount(owners, minlength=len(times.agents))
        everyone = np.arange(len(times.agents))
        return _per_run(values[order], counts, everyone, "agent_id", times.agents)
    if not len(values):
        return pd.DataFrame(columns=list(COLUMNS[1:]))
    found = _quantile(values, [q for _, q in QUANTILES])
    quantiles = {name: [value] for (name, _), value in zip(QUANTILES, found, strict=True)}
    return pd.DataFrame({**quantiles, "tickets": np.array([len(values)], np.int64)})


def _per_run(
    values: np.ndarray, counts: np.ndarray, groups: np.ndarray, column: str, names: Sequence
) -> pd.DataFrame:
    """Per run of the sorted `values` (of `counts`) with a value: its group's name, position,
    quantiles and count."""
    found = counts > 0
    return pd.DataFrame(
        {
            column: np.asarray(names, object)[groups[found]],
            "_group": groups[found],
            **{name: ranked._quantiles(values, counts, q)[found] for name, q in QUANTILES},
            "tickets": counts[found].astype(np.int64),
        }
    )


def _quantile(values: np.ndarray, qs: Sequence[float]) -> list[float]:
    """The qs-quantiles of unsorted, non-empty `values` as `quantile_cont` interpolates them,
    the values they need found by one partial sort (`np.partition`)."""
    positions = [q * (len(values) - 1) for q in qs]
    bounds = [(int(np.floor(p)), int(np.ceil(p))) for p in positions]
    parted = np.partition(values, sorted({i for pair in bounds for i in pair}))
    return [
        float(parted[low] + (p - low) * (parted[high] - parted[low]))
        for p, (low, high) in zip(positions, bounds, strict=True)
    ]


# --- writing and attaching ------------------------------------------------------------------


def attach(ds: Dataset) -> StageTimes | None:
    """The sorted stage hours of a built dataset, written first when there are none, and set
    as `ds.stage_times`; None without a build, stage columns, or where the build's folder
    cannot be written (stage durations then read the tickets)."""
    if ds.build_folder is None or not present_stages(ds):
        return None
    folder = ds.build_folder / f"stages-{fingerprint(ds)}"
    if not (folder / INFO).is_file():
        try:
            with build.limited_memory(ds):
                ranked.write_once(folder, INFO, lambda partial: _write_arrays(ds, partial))
        except (OSError, duckdb.IOException):  # a full or read-only disk
            return None
    ds.stage_times = _read(folder)
    return ds.stage_times


def _write_arrays(ds: Dataset, folder: Path) -> dict:
    """Write each stage's arrays into `folder`; return what `_read` needs besides."""
    columns = ranked._columns(ds)
    q = Query(ds)
    levels = {c: tuple(ranked._levels(ds, c)) for c in columns}
    first_day = q.first_data_day()
    teams = tuple(ds.query("SELECT DISTINCT team FROM agents ORDER BY team NULLS LAST")["team"])
    agents = tuple(ds.query("SELECT agent_id FROM agents ORDER BY agent_id")["agent_id"])
    stages = []
    files = {
        **ranked.sorted_files(levels, ranked.last_day(q, first_day)),
        "agent": ("agents", ranked.narrowest(len(agents))),
    }
    for n, (stage, start, end) in enumerate(present_stages(ds)):
        sql = _sorted_sql(q, start, end, levels, first_day)
        seconds = ("values", ranked.narrowest(_longest(ds, start, end)))
        ranked.write_sorted(
            q, sql, folder / str(n), {**files, "value": seconds}, ("team", len(teams))
        )
        stages.append(stage)
    teams = [None if pd.isna(t) else str(t) for t in teams]
    return {
        "format": FORMAT,
        "teams": teams,
        "agents": agents,
        "first_day": first_day.isoformat(),
        "levels": levels,
        "stages": stages,
    }


def _longest(ds: Dataset, start: str, end: str) -> int:
    """The most seconds, either way, a ticket spent between `start` and `end`."""
    seconds = seconds_sql(start, end)
    return int(ds.scalar(f"SELECT coalesce(max(abs({seconds})), 0) FROM tickets"))


def _sorted_sql(q: Query, start: str, end: str, levels, first_day: date) -> str:
    """SELECT of every ticket's seconds between `start` and `end` (tickets without both left
    out), its team's and agent's positions, its day and dimension codes, sorted by team and
    seconds."""
    order = (
        "SELECT agent_id, dense_rank() OVER (ORDER BY team NULLS LAST) - 1 AS team_no, "
        "row_number() OVER (ORDER BY agent_id) - 1 AS agent FROM agents"
    )
    return (
        f"SELECT o.team_no AS team, o.agent, {seconds_sql(start, end)} AS value, "
        f"{ranked.day_sql(q, first_day)} AS day{ranked.codes_sql(q, levels)} "
        f"FROM {q.ticket_base()} JOIN ({order}) o USING (agent_id) "
        f"WHERE {ident(start)} IS NOT NULL AND {ident(end)} IS NOT NULL ORDER BY o.team_no, value"
    )


def _read(folder: Path) -> StageTimes:
    info = json.loads((folder / INFO).read_text())
    columns = tuple(info["levels"])

    stages = {
        stage: StageRuns(
            **ranked.sorted_arrays(folder, n, columns),
            agents=np.load(folder / f"{n}.agents.npy", mmap_mode="r"),
        )
        for n, stage in enumerate(info["stages"])
    }
    return StageTimes(
        folder=folder,
        teams=tuple(info["teams"]),
        agents=tuple(info["agents"]),
        first_day=date.fromisoformat(info["first_day"]),
        levels={c: tuple(v) for c, v in info["levels"].items()},
        stages=stages,
    )
