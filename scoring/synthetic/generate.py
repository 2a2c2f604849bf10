"""Realistic synthetic service data with planted, documented facts.

`generate()` writes every table of the data contract into a dataset folder, plus `truth.json`
(the manifest): the generation parameters and the facts deliberately planted in the data, so tests
and dashboard features can check that the dashboard finds them.

The model in brief. Every agent has a latent skill: a personal base, an offset per ticket category
and per channel, raised by planted training courses after their completion date. A ticket's
outcomes (first-contact resolution, reopening, escalation, handle time, satisfaction) follow from
that skill, the customer segment and the handling team's process speed. Tickets are simulated day
by day. Each day's volume is fixed in advance from the seasonal, weekday and hour profiles; failed
fixes spawn repeat tickets from the same customer in the same category on a later day, and those
count against that day's volume, so the table holds `tickets` rows (give or take a handful).
Everything is drawn from random streams keyed by (seed, purpose, day), so a seed always gives the
same data.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from scoring.registry.contract import ARROW_TYPE, SEGMENTS, STAGE_INTERVALS, TABLES_BY_NAME
from scoring.synthetic.bad_rows import plant as plant_bad_rows

DEFAULT_TICKETS = 40_000
CHUNK_ROWS = 500_000


SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US
NULL_TS = np.iinfo(np.int64).min  # "no timestamp" inside the simulation; null in the files

CHANNELS = ("phone", "email", "chat", "web", "onsite")
CATEGORIES = ("consultation", "troubleshooting", "repair", "complaint", "installation")
PRODUCTS = ("Air conditioners", "Refrigerators", "Washing machines", "Water heaters", "Smart home")
PRIORITIES = ("low", "medium", "high", "urgent")
STAGE_IDS = tuple(stage for stage, _, _ in STAGE_INTERVALS)
COMPETENCIES = ("teamwork", "communication", "technical", "attitude")
COMPLAINT = CATEGORIES.index("complaint")
URGENT = PRIORITIES.index("urgent")
ENTERPRISE = SEGMENTS.index("enterprise")

CATEGORY_SHARE = np.array([0.32, 0.25, 0.20, 0.08, 0.15])
PRODUCT_SHARE = np.array([0.30, 0.20, 0.20, 0.15, 0.15])
# P(channel | category); columns follow CHANNELS.
CHANNEL_GIVEN_CATEGORY = np.array(
    [
        [0.45, 0.10, 0.30, 0.15, 0.00],
        [0.40, 0.10, 0.25, 0.15, 0.10],
        [0.20, 0.05, 0.10, 0.15, 0.50],
        [0.45, 0.20, 0.20, 0.15, 0.00],
        [0.15, 0.05, 0.05, 0.25, 0.50],
    ]
)
FCR_LOGIT = np.array([2.0, 1.0, 0.5, 0.4, 1.4])  # first-contact resolution of an average agent
HANDLE_MEDIAN_MIN = np.array([8.0, 25.0, 90.0, 35.0, 120.0])
# Median minutes a ticket waits in each stage (before the team's and the priority's factors).
RECEIVED_MEDIAN_MIN = np.array([2.0, 90.0, 3.0, 45.0, 30.0])  # by channel
ACCEPTED_MEDIAN_MIN = np.array([5.0, 45.0, 240.0, 90.0, 600.0])  # by category
PROCESSING_MEDIAN_MIN = np.array([15.0, 120.0, 1440.0, 720.0, 360.0])  # by category
FOLLOW_UP_MEDIAN_MIN = 1440.0
FIRST_RESPONSE_MEDIAN_MIN = np.array([4.0, 30.0, 5.0, 20.0, 15.0])  # by channel
PRIORITY_SPEED = np.array([1.3, 1.0, 0.6, 0.35])
SLA_PRIORITY_FACTOR = {"low": 2.0, "medium": 1.0, "high": 0.5, "urgent": 0.25}

SEGMENT_PROFILE = {
    "enterprise": {
        "ticket_share": 0.3,
        "tickets_per_customer": 30.0,
        "sla_response_minutes": 60.0,
        "sla_resolve_hours": 24.0,
        "csat_offset": -0.35,
        "sla_breach_csat_penalty": 0.8,
        "response_speed": 0.6,
        "priority_share": [0.15, 0.40, 0.30, 0.15],
    },
    "individual": {
        "ticket_share": 0.7,
        "tickets_per_customer": 1.3,
        "sla_response_minutes": 240.0,
        "sla_resolve_hours": 72.0,
        "csat_offset": 0.0,
        "sla_breach_csat_penalty": 0.25,
        "response_speed": 1.0,
        "priority_share": [0.30, 0.45, 0.20, 0.05],
    },
}

# The segment profile as arrays indexed by segment code (the order of SEGMENTS).
SEGMENT_SHARE, SLA_RESPONSE_MIN, SLA_RESOLVE_HOURS, CSAT_OFFSET, SLA_BREACH_PENALTY = (
    np.array([SEGMENT_PROFILE[s][key] for s in SEGMENTS])
    for key in (
        "ticket_share",
        "sla_response_minutes",
        "sla_resolve_hours",
        "csat_offset",
        "sla_breach_csat_penalty",
    )
)
SEGMENT_RESPONSE_SPEED = np.array([SEGMENT_PROFILE[s]["response_speed"] for s in SEGMENTS])
SEGMENT_PRIORITY_SHARE = np.array([SEGMENT_PROFILE[s]["priority_share"] for s in SEGMENTS])
SLA_FACTOR = np.array([SLA_PRIORITY_FACTOR[p] for p in PRIORITIES])

DEPARTMENT = "Service department"  # the owner of the department's objectives
WEEKDAY_WEIGHT = np.array([1.25, 1.10, 1.05, 1.05, 1.00, 0.60, 0.50])  # Monday busiest
HOUR_WEIGHT = np.array(
    [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1.0, 2.5, 4.5, 5.5, 5.0]
    + [3.5, 4.0, 4.8, 4.6, 4.2, 3.5, 2.4, 2.0, 1.8, 1.4, 0.9, 0.5]
)
PEAK_MONTH_LEVEL = 1.45
OTHER_MONTH_LEVEL = (0.88, 1.08)

ABANDON_SHARE = 0.075
FOLLOW_UP_SKIPPED = 0.08
SURVEY_RATE = 0.35
COMMENT_RATE = 0.25
# People who get in touch for one enterprise customer (contact_id); an individual is their own.
CONTACTS_PER_ENTERPRISE = 6
REPEAT = {"window_days": 30, "p_repeat_after_fail": 0.35, "p_repeat_after_fix": 0.04}
REPEAT_DELAY_SCALE_DAYS = 6.0

BOTTLENECK_FACTOR = 3.5
POLICY_EFFECT = -0.4
WEAK_SKILL_GAP = 1.8
WEAK_CHANNEL_GAP = 1.1
TRAINING_EFFECT = 1.2
SELF_OVERRATING = 1.6
NEW_HIRE_TICKETS = 12  # expected tickets of a new hire still in onboarding
WEAK_CATEGORY_POOL = ("troubleshooting", "repair")  # frequent, and FCR far from saturation
WEAK_CHANNEL_POOL = ("phone", "chat")
ROLE_COUNTS = {"new_hires": 3, "leavers": 3, "mid_hires": 2}
PLANTED_COUNTS = {"weak_skills": 6, "weak_channels": 4, "trained": 3, "overraters": 4}

TEAM_NAMES = ("Team North", "Team South", "Team East", "Team West", "Team Central", "Team Online")
SITES = ("Beijing", "Guangzhou", "Shanghai", "Chengdu", "Wuhan", "Hangzhou")
STATION_MANAGER = ("M01", "王建国")
SURNAMES = (
    ("张", "Zhang"), ("王", "Wang"), ("李", "Li"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"),
    ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("罗", "Luo"),
)  # fmt: skip
GIVEN_NAMES = (
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"),
    ("磊", "Lei"), ("洋", "Yang"), ("艳", "Yan"), ("勇", "Yong"), ("军", "Jun"),
    ("杰", "Jie"), ("娟", "Juan"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"),
    ("秀英", "Xiuying"), ("霞", "Xia"), ("平", "Ping"), ("刚", "Gang"), ("桂英", "Guiying"),
    ("丽", "Li"), ("强", "Qiang"), ("鹏", "Peng"), ("婷", "Ting"), ("晨", "Chen"),
    ("宇", "Yu"), ("欣", "Xin"), ("浩", "Hao"), ("琳", "Lin"), ("斌", "Bin"),
)  # fmt: skip

COMMENTS = {
    "negative": (
        "Had to call three times, still not fixed.",
        "态度不好，问题没有解决。",
        "Nobody called back as promised.",
        "等了好几天才有人上门。",
        "Too expensive for a simple repair.",
    ),
    "neutral": (
        "OK, but it took a while.",
        "还可以，等待时间有点长。",
        "Solved after a second call.",
        "一般般。",
    ),
    "positive": (
        "Very professional, solved quickly.",
        "服务很好，师傅很专业。",
        "Friendly and patient agent.",
        "响应及时，非常满意！",
        "Fixed on the first visit, thanks.",
    ),
}
COMMENT_LABELS = tuple(text for group in COMMENTS.values() for text in group)

PLANTED_COURSES = {
    "consultation": "Product knowledge deep-dive 产品知识精讲",
    "troubleshooting": "Structured troubleshooting 故障排查方法",
    "repair": "Repair masterclass 维修技能提升",
}
ORDINARY_COURSES = (
    ("communication", "Customer communication 沟通技巧"),
    ("attitude", "Service etiquette 服务礼仪"),
    ("teamwork", "Team collaboration 团队协作"),
    ("technical", "Safety and compliance 安全规范"),
    ("complaint", "Complaint handling basics 投诉处理"),
    ("installation", "Installation standards 安装规范"),
    ("repair", "New product line briefing 新品培训"),
)

KANO_FACTORS = {
    "reception_response_time": "M",
    "spare_part_quality": "M",
    "staff_basic_competence": "O",
    "follow_up_survey": "A",
    "technical_support": "M",
    "periodic_onsite_inspection": "A",
    "personalised_service": "A",
    "orderly_service_process": "O",
    "reasonable_service_fees": "O",
}
KANO_RESPONDENTS = 200
KANO_PLANTED_SHARE = 0.6
KANO_ENTERPRISE_SHARE = 0.4  # respondents answering for an enterprise customer


# ---------------------------------------------------------------------------------------------
# The period, the staff, the planted facts


@dataclass(frozen=True)
class _Period:
    start: date
    months: int

    @property
    def end(self) -> date:
        """First day after the period (exclusive); also the moment the data was extracted."""
        return _add_months(self.start, self.months)

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days

    @property
    def start_us(self) -> int:
        return _date_us(self.start)

    @property
    def end_us(self) -> int:
        return _date_us(self.end)

    def month_keys(self) -> list[str]:
        return [_add_months(self.start, m).strftime("%Y-%m") for m in range(self.months)]

    def day_month(self) -> np.ndarray:
        """Month index (0-based within the period) of every day."""
        days = [self.start + timedelta(days=d) for d in range(self.n_days)]
        return np.array(
            [(d.year - self.start.year) * 12 + d.month - self.start.month for d in days]
        )

    def day_weekday(self) -> np.ndarray:
        return (np.arange(self.n_days) + self.start.weekday()) % 7

    def day_of(self, us: np.ndarray) -> np.ndarray:
        return (us - self.start_us) // DAY_US

    def date_of_day(self, day: int) -> date:
        return self.start + timedelta(days=int(day))

    def quarters(self) -> list[tuple[str, date, date]]:
        """(label like 2026-Q1, first day, last day) of each quarter, clipped to the period."""
        out = []
        first = self.start
        while first < self.end:
            quarter = (first.month - 1) // 3
            next_quarter = date(first.year + (quarter == 3), (quarter + 1) % 4 * 3 + 1, 1)
            last = min(next_quarter, self.end) - timedelta(days=1)
            out.append((f"{first.year}-Q{quarter + 1}", first, last))
            first = next_quarter
        return out


@dataclass
class _Staff:
    ids: list[str]
    names: list[str]
    team: np.ndarray
    is_lead: np.ndarray
    hire_day: np.ndarray  # day index relative to the period start (negative = before)
    left_day: np.ndarray  # first day no longer employed; beyond the period when staying
    load: np.ndarray  # relative share of incoming tickets while employed
    hourly_cost: np.ndarray
    base_skill: np.ndarray
    category_skill: np.ndarray  # (agents, categories) offsets
    channel_skill: np.ndarray  # (agents, channels) offsets
    attitude: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def share_on(self, day: int) -> np.ndarray:
        """Probability that a ticket arriving on `day` goes to each agent."""
        weight = self.load * ((self.hire_day <= day) & (day < self.left_day))
        return weight / weight.sum()

    def lead_of(self, team: int) -> int:
        return int(np.flatnonzero(self.is_lead & (self.team == team))[0])


@dataclass(frozen=True)
class _Training:
    agent: int
    category: int
    day: int
    effect: float


@dataclass
class _Plan:
    bottleneck_team: int
    bottleneck_stage: int
    policy_team: int
    control_team: int
    policy_day: int
    peak_month: int
    new_hires: list[int]
    leavers: list[int]
    weak_skills: list[tuple[int, int]]
    weak_channels: list[tuple[int, int]]
    trainings: list[_Training]
    overraters: list[int]


@dataclass
class _World:
    seed: int
    tickets: int
    period: _Period
    team_names: list[str]
    staff: _Staff
    plan: _Plan
    team_stage_factor: np.ndarray  # (teams, stages) multiplier of the time spent in each stage
    team_response_factor: np.ndarray
    n_enterprise: int
    n_individual: int
    enterprise_cdf: np.ndarray
    daily_volume: np.ndarray

    def rng(self, *purpose: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, *purpose])


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, 1)


def _date_us(day: date) -> int:
    return (day - date(1970, 1, 1)).days * DAY_US


def _split_total(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer shares of `total` proportional to `weights` that sum exactly to it."""
    raw = total * weights / weights.sum()
    shares = np.floor(raw).astype(np.int64)
    shortfall = int(total - shares.sum())
    shares[np.argsort(shares - raw, kind="stable")[:shortfall]] += 1
    return shares


def _build_world(tickets: int, agents: int, teams: int, period: _Period, seed: int) -> _World:
    rng = np.random.default_rng([seed, 0])
    bottleneck, policy, control = (int(t) for t in rng.permutation(teams)[:3])
    staff, roles = _build_staff(rng, agents, teams, period, excluded_teams=(policy, control))
    plan = _plan_facts(rng, staff, roles, period, bottleneck, policy, control)
    _plant_skill_gaps(staff, plan)
    _size_new_hire_loads(staff, plan, tickets, period)
    n_enterprise, n_individual, enterprise_cdf = _customer_pools(rng, tickets, period)
    return _World(
        seed=seed,
        tickets=tickets,
        period=period,
        team_names=_team_names(teams),
        staff=staff,
        plan=plan,
        team_stage_factor=_team_stage_factors(rng, teams, plan),
        team_response_factor=_team_response_factors(rng, teams, plan),
        n_enterprise=n_enterprise,
        n_individual=n_individual,
        enterprise_cdf=enterprise_cdf,
        daily_volume=_daily_volumes(rng, tickets, period, plan.peak_month),
    )


def _team_names(teams: int) -> list[str]:
    return [TEAM_NAMES[t] if t < len(TEAM_NAMES) else f"Team {t + 1}" for t in range(teams)]


def _agent_names(rng: np.random.Generator, agents: int) -> list[str]:
    """Unique names, mostly Chinese characters, every fourth one in pinyin."""
    combos = len(SURNAMES) * len(GIVEN_NAMES)
    picks = rng.permutation(combos)
    names = []
    for i in range(agents):
        surname, given = divmod(int(picks[i % combos]), len(GIVEN_NAMES))
        (sur_zh, sur_py), (giv_zh, giv_py) = SURNAMES[surname], GIVEN_NAMES[given]
        name = f"{sur_py} {giv_py}" if i % 4 == 3 else f"{sur_zh}{giv_zh}"
        names.append(name if i < combos else f"{name} {i // combos + 1}")
    return names


def _build_staff(
    rng: np.random.Generator,
    agents: int,
    teams: int,
    period: _Period,
    excluded_teams: tuple[int, ...],
) -> tuple[_Staff, dict[str, list[int]]]:
    """Agents spread evenly over teams, the first of each team its lead.

    New hires, leavers and mid-period hires come from teams outside `excluded_teams` (the policy
    and control teams), so that those two keep the same stable roster.
    """
    team = np.arange(agents) % teams
    is_lead = np.arange(agents) < teams
    movable = [a for a in range(agents) if not is_lead[a] and team[a] not in excluded_teams]
    if len(movable) < sum(ROLE_COUNTS.values()):
        raise ValueError(f"{agents} agents in {teams} teams are too few for the planted facts")
    picked = [int(a) for a in rng.permutation(movable)[: sum(ROLE_COUNTS.values())]]
    roles, cursor = {}, 0
    for role, count in ROLE_COUNTS.items():
        roles[role], cursor = sorted(picked[cursor : cursor + count]), cursor + count
    roles["full_period"] = [a for a in range(agents) if a not in picked]

    n_days = period.n_days
    hire_day = -rng.integers(60, 3000, agents)
    hire_day[is_lead] = -rng.integers(1500, 4000, teams)
    hire_day[roles["new_hires"]] = n_days - rng.integers(7, 21, len(roles["new_hires"]))
    hire_day[roles["mid_hires"]] = rng.integers(n_days // 4, n_days // 2, len(roles["mid_hires"]))
    left_day = np.full(agents, n_days + 1)
    left_day[roles["leavers"]] = rng.integers(n_days // 4, 3 * n_days // 4, len(roles["leavers"]))

    base_skill = rng.normal(0.0, 0.35, agents) + 0.2 * is_lead
    staff = _Staff(
        ids=[f"A{a + 1:03d}" for a in range(agents)],
        names=_agent_names(rng, agents),
        team=team,
        is_lead=is_lead,
        hire_day=hire_day,
        left_day=left_day,
        load=np.ones(agents),
        hourly_cost=np.round(rng.uniform(45.0, 75.0, agents) + 20.0 * is_lead, 2),
        base_skill=base_skill,
        category_skill=rng.normal(0.0, 0.12, (agents, len(CATEGORIES))),
        channel_skill=rng.normal(0.0, 0.08, (agents, len(CHANNELS))),
        attitude=rng.normal(0.0, 0.5, agents),
    )
    return staff, roles


def _plan_facts(
    rng: np.random.Generator,
    staff: _Staff,
    roles: dict[str, list[int]],
    period: _Period,
    bottleneck: int,
    policy: int,
    control: int,
) -> _Plan:
    full = roles["full_period"]
    n_weak, n_channel = PLANTED_COUNTS["weak_skills"], PLANTED_COUNTS["weak_channels"]
    chosen = [int(a) for a in rng.permutation(full)[: n_weak + n_channel]]
    weak_skills = [
        (a, CATEGORIES.index(str(rng.choice(WEAK_CATEGORY_POOL)))) for a in sorted(chosen[:n_weak])
    ]
    weak_channels = [
        (a, CHANNELS.index(str(rng.choice(WEAK_CHANNEL_POOL)))) for a in sorted(chosen[n_weak:])
    ]
    n = period.n_days
    trainings = [
        _Training(agent, category, int(rng.integers(2 * n // 5, 3 * n // 5)), TRAINING_EFFECT)
        for agent, category in weak_skills[: PLANTED_COUNTS["trained"]]
    ]
    below_median = [a for a in full if staff.base_skill[a] < np.median(staff.base_skill[full])]
    overraters = sorted(
        int(a) for a in rng.permutation(below_median)[: PLANTED_COUNTS["overraters"]]
    )
    return _Plan(
        bottleneck_team=bottleneck,
        bottleneck_stage=int(rng.integers(len(STAGE_IDS))),
        policy_team=policy,
        control_team=control,
        policy_day=(_add_months(period.start, period.months // 2) - period.start).days,
        peak_month=int(rng.integers(period.months)),
        new_hires=roles["new_hires"],
        leavers=roles["leavers"],
        weak_skills=weak_skills,
        weak_channels=weak_channels,
        trainings=trainings,
        overraters=overraters,
    )


def _plant_skill_gaps(staff: _Staff, plan: _Plan) -> None:
    for agent, category in plan.weak_skills:
        staff.category_skill[agent, category] = -WEAK_SKILL_GAP
    for agent, channel in plan.weak_channels:
        staff.channel_skill[agent, channel] = -WEAK_CHANNEL_GAP


def _size_new_hire_loads(staff: _Staff, plan: _Plan, tickets: int, period: _Period) -> None:
    """New hires in onboarding take a token share: about NEW_HIRE_TICKETS tickets at any size."""
    days = np.arange(period.n_days)
    employed = (staff.hire_day[:, None] <= days) & (days < staff.left_day[:, None])
    regular_agent_days = employed.sum() - employed[plan.new_hires].sum()
    tickets_per_agent_day = tickets / max(regular_agent_days, 1)
    for agent in plan.new_hires:
        staff.load[agent] = NEW_HIRE_TICKETS / (tickets_per_agent_day * employed[agent].sum())


def _team_stage_factors(rng: np.random.Generator, teams: int, plan: _Plan) -> np.ndarray:
    factors = np.clip(np.exp(rng.normal(0.0, 0.08, (teams, len(STAGE_IDS)))), 0.85, 1.2)
    factors[plan.bottleneck_team, plan.bottleneck_stage] = BOTTLENECK_FACTOR
    return factors


def _team_response_factors(rng: np.random.Generator, teams: int, plan: _Plan) -> np.ndarray:
    """Per-team first-response speed; the policy and control teams share the same baseline."""
    factors = np.clip(np.exp(rng.normal(0.0, 0.15, teams)), 0.8, 1.3)
    factors[[plan.policy_team, plan.control_team]] = 1.0
    return factors


def _customer_pools(
    rng: np.random.Generator, tickets: int, period: _Period
) -> tuple[int, int, np.ndarray]:
    """Few enterprise customers with many tickets each (a few very heavy), many individuals."""
    years = period.months / 12

    def pool_size(segment: str, minimum: int) -> int:
        profile = SEGMENT_PROFILE[segment]
        customers = tickets * profile["ticket_share"] / (profile["tickets_per_customer"] * years)
        return max(minimum, round(customers))

    n_enterprise, n_individual = pool_size("enterprise", 20), pool_size("individual", 200)
    weight = rng.permutation(1.0 / np.arange(1, n_enterprise + 1) ** 0.7)
    return n_enterprise, n_individual, np.cumsum(weight) / weight.sum()


def _daily_volumes(
    rng: np.random.Generator, tickets: int, period: _Period, peak_month: int
) -> np.ndarray:
    level = rng.uniform(*OTHER_MONTH_LEVEL, period.months)
    level[peak_month] = PEAK_MONTH_LEVEL
    day_month, weekday = period.day_month(), period.day_weekday()
    per_month = _split_total(tickets, level * np.bincount(day_month, minlength=period.months))
    volume = np.zeros(period.n_days, dtype=np.int64)
    for month in range(period.months):
        days = day_month == month
        volume[days] = _split_total(int(per_month[month]), WEEKDAY_WEIGHT[weekday[days]])
    return volume


# ---------------------------------------------------------------------------------------------
# Tickets and surveys, one day at a time

Columns = dict[str, np.ndarray]


def _rows(cols: Columns) -> int:
    return len(next(iter(cols.values())))


def _take(cols: Columns, index: np.ndarray) -> Columns:
    return {name: values[index] for name, values in cols.items()}


def _concat(parts: list[Columns]) -> Columns:
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _lognormal(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(len(median)))


def _minutes_us(minutes: np.ndarray) -> np.ndarray:
    return np.round(minutes * 60).astype(np.int64) * SECOND_US


def _draw_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows, options) probability matrix."""
    cdf = np.cumsum(probabilities, axis=1)
    return (rng.random(len(cdf))[:, None] * cdf[:, -1:] >= cdf[:, :-1]).sum(axis=1).astype(np.int8)


def _time_of_day_us(rng: np.random.Generator, n: int) -> np.ndarray:
    hour = rng.choice(24, n, p=HOUR_WEIGHT / HOUR_WEIGHT.sum())
    return (hour * 3600 + rng.integers(0, 3600, n)) * SECOND_US


def _new_requests(world: _World, rng: np.random.Generator, day: int, n: int) -> Columns:
    """Tickets opened by customers on `day` that are not repeats of an earlier ticket."""
    segment = (rng.random(n) >= SEGMENT_SHARE[ENTERPRISE]).astype(np.int8)
    enterprise_customer = np.minimum(
        np.searchsorted(world.enterprise_cdf, rng.random(n), side="right"), world.n_enterprise - 1
    )
    individual_customer = world.n_enterprise + rng.integers(0, world.n_individual, n)
    return {
        "created": world.period.start_us + day * DAY_US + _time_of_day_us(rng, n),
        "customer": np.where(segment == ENTERPRISE, enterprise_customer, individual_customer),
        "contact": _contacts(world.period.start_us + day * DAY_US, n),
        "segment": segment,
        "category": rng.choice(len(CATEGORIES), n, p=CATEGORY_SHARE).astype(np.int8),
        "product": rng.choice(len(PRODUCTS), n, p=PRODUCT_SHARE).astype(np.int8),
        "priority": _draw_rows(rng, SEGMENT_PRIORITY_SHARE[segment]),
        "is_repeat": np.zeros(n, dtype=bool),
    }


def _contacts(day_us: int, n: int) -> np.ndarray:
    """Which of an enterprise customer's contacts opens each of a day's new requests: spread
    by a multiplicative hash of the day and the row, not drawn from the generator's random
    stream, so adding contacts left every other generated value as it was."""
    rows = np.arange(n, dtype=np.uint64) + np.uint64(day_us // DAY_US) * np.uint64(100_003)
    hashed = (rows * np.uint64(2_654_435_761)) % np.uint64(2**32) >> np.uint64(16)  # Knuth
    return (hashed % np.uint64(CONTACTS_PER_ENTERPRISE)).astype(np.int8)


def _latent_skill(
    world: _World,
    agent: np.ndarray,
    category: np.ndarray,
    channel: np.ndarray,
    created: np.ndarray,
) -> np.ndarray:
    """Skill of each agent on each ticket: personal base, category and channel offsets, and the
    planted courses' effect from their completion day on."""
    staff = world.staff
    skill = (
        staff.base_skill[agent]
        + staff.category_skill[agent, category]
        + staff.channel_skill[agent, channel]
    )
    for course in world.plan.trainings:
        after = created >= world.period.start_us + course.day * DAY_US
        skill += course.effect * ((agent == course.agent) & (category == course.category) & after)
    return skill


def _handle(world: _World, rng: np.random.Generator, day: int, t: Columns) -> Columns:
    """Who handles each ticket and how it goes: outcome, effort, costs, targets, timestamps."""
    n = _rows(t)
    category, priority, segment = t["category"], t["priority"], t["segment"]
    channel = _draw_rows(rng, CHANNEL_GIVEN_CATEGORY[category])
    agent = rng.choice(len(world.staff), n, p=world.staff.share_on(day)).astype(np.int32)
    skill = _latent_skill(world, agent, category, channel, t["created"])
    first_contact = rng.random(n) < _sigmoid(
        FCR_LOGIT[category] + 1.3 * skill - 0.4 * t["is_repeat"]
    )
    contacts = np.where(first_contact, 1, 1 + rng.geometric(0.55, n))
    abandoned = rng.random(n) < ABANDON_SHARE
    reopened = ~abandoned & (rng.random(n) < _sigmoid(-3.3 - 0.9 * skill + 0.9 * ~first_contact))
    escalation = -3.2 - 0.8 * skill + 1.3 * (category == COMPLAINT) + 1.0 * (priority == URGENT)
    failed = ~first_contact | reopened
    handled = {
        "channel": channel,
        "agent": agent,
        "skill": skill,
        "contacts": contacts,
        "reopened": reopened,
        "failed": failed,
        "escalated": rng.random(n) < _sigmoid(escalation),
        "is_complaint": (category == COMPLAINT) | (rng.random(n) < 0.01 + 0.05 * failed),
        "handle_minutes": np.round(
            _lognormal(
                rng,
                HANDLE_MEDIAN_MIN[category] * np.exp(-0.35 * skill) * (1 + 0.5 * (contacts - 1)),
                0.5,
            ),
            1,
        ),
        "parts_cost": _parts_cost(rng, category, channel),
        "sla_response_minutes": SLA_RESPONSE_MIN[segment] * SLA_FACTOR[priority],
        "sla_resolve_hours": SLA_RESOLVE_HOURS[segment] * SLA_FACTOR[priority],
    }
    team = world.staff.team[agent]
    handled.update(_stage_times(world, rng, {**t, **handled}, team, abandoned))
    handled["first_response_at"] = _first_response(world, rng, {**t, **handled}, team)
    return handled


def _parts_cost(rng: np.random.Generator, category: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """Spare parts mostly for repairs and on-site visits; zero for everything else."""
    n = len(category)
    repair = category == CATEGORIES.index("repair")
    installation = category == CATEGORIES.index("installation")
    onsite = channel == CHANNELS.index("onsite")
    uses_parts = rng.random(n) < np.select([repair, installation, onsite], [0.85, 0.5, 0.3], 0.0)
    median = np.select([repair, installation], [180.0, 120.0], 60.0)
    return np.where(uses_parts, np.round(_lognormal(rng, median, 0.7), 2), 0.0)


def _stage_times(
    world: _World, rng: np.random.Generator, t: Columns, team: np.ndarray, abandoned: np.ndarray
) -> Columns:
    """Stage timestamps in order; a stage not reached by the extraction moment stays null.

    Abandoned tickets never resolve, and some resolved tickets are never followed up.
    """
    n = _rows(t)
    stage = world.team_stage_factor[team]
    speed = PRIORITY_SPEED[t["priority"]]
    slower_fix = np.exp(-0.25 * t["skill"]) * (1 + 0.6 * (t["contacts"] - 1))
    waits = (
        _lognormal(rng, RECEIVED_MEDIAN_MIN[t["channel"]] * stage[:, 0], 0.8),
        _lognormal(rng, ACCEPTED_MEDIAN_MIN[t["category"]] * speed * stage[:, 1], 0.8),
        _lognormal(rng, PROCESSING_MEDIAN_MIN[t["category"]] * slower_fix * stage[:, 2], 0.9),
        _lognormal(rng, np.full(n, FOLLOW_UP_MEDIAN_MIN) * stage[:, 3], 0.6),
    )
    will_happen = (True, True, ~abandoned, rng.random(n) >= FOLLOW_UP_SKIPPED)
    stamps, previous, reached = {}, t["created"], np.ones(n, dtype=bool)
    for (_, _, column), wait, happens in zip(STAGE_INTERVALS, waits, will_happen, strict=True):
        stamp = previous + _minutes_us(wait)
        reached = reached & happens & (stamp < world.period.end_us)
        stamps[column] = np.where(reached, stamp, NULL_TS)
        previous = stamp
    return stamps


def _first_response(
    world: _World, rng: np.random.Generator, t: Columns, team: np.ndarray
) -> np.ndarray:
    plan = world.plan
    after_policy = t["created"] >= world.period.start_us + plan.policy_day * DAY_US
    policy = np.where((team == plan.policy_team) & after_policy, 1 + POLICY_EFFECT, 1.0)
    median = (
        FIRST_RESPONSE_MEDIAN_MIN[t["channel"]]
        * PRIORITY_SPEED[t["priority"]]
        * SEGMENT_RESPONSE_SPEED[t["segment"]]
        * world.team_response_factor[team]
        * policy
    )
    stamp = t["created"] + _minutes_us(_lognormal(rng, median, 0.6))
    return np.where(stamp < world.period.end_us, stamp, NULL_TS)


def _surveys(world: _World, rng: np.random.Generator, t: Columns) -> Columns:
    """Satisfaction surveys for a share of resolved tickets, answered soon after follow-up."""
    resolved = t["resolved_at"] != NULL_TS
    rows = np.flatnonzero(resolved & (rng.random(len(resolved)) < SURVEY_RATE))
    followed = t["followed_up_at"][rows]
    answered_from = np.where(followed != NULL_TS, followed, t["resolved_at"][rows])
    submitted = answered_from + _minutes_us(_lognormal(rng, np.full(len(rows), 360.0), 1.0))
    in_period = submitted < world.period.end_us
    rows, submitted = rows[in_period], submitted[in_period]
    s = _take(t, rows)
    scores = _satisfaction(world, rng, s)
    return {"ticket_row": rows, "submitted": submitted, **scores}


def _satisfaction(world: _World, rng: np.random.Generator, s: Columns) -> Columns:
    n = _rows(s)
    segment = s["segment"]
    response_minutes = (s["first_response_at"] - s["created"]) / MINUTE_US
    response_breach = (s["first_response_at"] != NULL_TS) & (
        response_minutes > s["sla_response_minutes"]
    )
    resolve_breach = (s["resolved_at"] - s["created"]) / HOUR_US > s["sla_resolve_hours"]
    mood = (
        4.45
        + 0.55 * s["skill"]
        + CSAT_OFFSET[segment]
        - 0.9 * s["failed"]
        - SLA_BREACH_PENALTY[segment] * response_breach
        - 0.3 * resolve_breach
        - 0.2 * s["is_repeat"]
        + rng.normal(0.0, 0.6, n)
    )
    attitude = mood + 0.4 * world.staff.attitude[s["agent"]] + rng.normal(0.0, 0.5, n)
    quality = mood - 0.3 * s["failed"] + rng.normal(0.0, 0.5, n)
    speed = 0.5 * mood + 2.3 - 0.9 * response_breach - 0.4 * resolve_breach + rng.normal(0, 0.6, n)
    csat = _score_1_5(mood)
    return {
        "csat": csat,
        "attitude": _score_1_5(attitude),
        "quality": _score_1_5(quality),
        "speed": _score_1_5(speed),
        "nps": np.clip(np.rint(2.2 * mood - 0.8 + rng.normal(0.0, 1.2, n)), 0, 10).astype(np.int64),
        "comment": _comment_codes(rng, csat),
    }


def _score_1_5(latent: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(latent), 1, 5).astype(np.int64)


def _comment_codes(rng: np.random.Generator, csat: np.ndarray) -> np.ndarray:
    """Index into COMMENT_LABELS matching the score's mood, or -1 for no comment."""
    n = len(csat)
    sizes = np.array([len(group) for group in COMMENTS.values()])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    mood = np.select([csat <= 2, csat == 3], [0, 1], 2)
    code = offsets[mood] + (rng.random(n) * sizes[mood]).astype(np.int64)
    return np.where(rng.random(n) < COMMENT_RATE, code, -1)


def _repeat_requests(world: _World, rng: np.random.Generator, t: Columns) -> Columns:
    """Repeat tickets: same customer and category, 1-29 days after a resolution.

    Failed fixes (more than one contact, or reopened) come back far more often than clean ones.
    """
    resolved_at = t["resolved_at"]
    chance = np.where(t["failed"], REPEAT["p_repeat_after_fail"], REPEAT["p_repeat_after_fix"])
    rows = np.flatnonzero((resolved_at != NULL_TS) & (rng.random(len(resolved_at)) < chance))
    n = len(rows)
    window = REPEAT["window_days"] - 2.0
    tail = 1.0 - np.exp(-window / REPEAT_DELAY_SCALE_DAYS)
    delay_days = 1.001 - REPEAT_DELAY_SCALE_DAYS * np.log1p(-rng.random(n) * tail)
    day = world.period.day_of(resolved_at[rows] + (delay_days * DAY_US).astype(np.int64))
    created = world.period.start_us + day * DAY_US + _time_of_day_us(rng, n)
    bump = (rng.random(n) < 0.4).astype(np.int8)
    repeats = {
        "created": created,
        "customer": t["customer"][rows],
        "contact": t["contact"][rows],
        "segment": t["segment"][rows],
        "category": t["category"][rows],
        "product": t["product"][rows],
        "priority": np.minimum(t["priority"][rows] + bump, URGENT).astype(np.int8),
        "is_repeat": np.ones(n, dtype=bool),
    }
    return _take(repeats, created < world.period.end_us)


# ---------------------------------------------------------------------------------------------
# Writing


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _labels(codes: np.ndarray, labels) -> pa.Array:
    """Codes to their labels; a negative code is null."""
    return pc.take(pa.array(labels, pa.string()), pa.array(codes, mask=codes < 0))


def _timestamps(us: np.ndarray) -> pa.Array:
    return pa.array(us, mask=us == NULL_TS).cast(pa.timestamp("us"))


def _contact_ids(customer: np.ndarray, contact: np.ndarray, n_enterprise: int) -> pa.Array:
    """An enterprise customer's contact as `E000012-3`; null for an individual."""
    enterprise = customer < n_enterprise
    ids = pc.binary_join_element_wise(
        _ids("E", customer + 1, 6), pa.array((contact + 1).astype(np.int64)).cast(pa.string()), "-"
    )
    return pc.if_else(pa.array(enterprise), ids, pa.scalar(None, pa.string()))


def _customer_ids(customer: np.ndarray, n_enterprise: int) -> pa.Array:
    enterprise = customer < n_enterprise
    return pc.if_else(
        pa.array(enterprise),
        _ids("E", customer + 1, 6),
        _ids("C", customer - n_enterprise + 1, 8),
    )


def _conform(table: str, columns: dict) -> pa.Table:
    """An Arrow table with exactly the contract's columns, in its order, with its types."""
    spec = TABLES_BY_NAME[table].columns
    if set(columns) != {c.name for c in spec}:
        raise ValueError(f"{table}: columns {sorted(columns)} differ from the contract")
    arrays = []
    for column in spec:
        values, arrow_type = columns[column.name], ARROW_TYPE[column.type]
        array = values if isinstance(values, pa.Array) else pa.array(values, type=arrow_type)
        if array.type != arrow_type:
            raise TypeError(f"{table}.{column.name}: {array.type}, contract says {arrow_type}")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=[c.name for c in spec])


def _tickets_table(world: _World, t: Columns) -> pa.Table:
    stamps = {column: _timestamps(t[column]) for _, _, column in STAGE_INTERVALS}
    return _conform(
        "tickets",
        {
            "ticket_id": _ids("T", t["ticket_no"], 9),
            "agent_id": _labels(t["agent"], world.staff.ids),
            "created_at": _timestamps(t["created"]),
            **stamps,
            "first_response_at": _timestamps(t["first_response_at"]),
            "channel": _labels(t["channel"], CHANNELS),
            "category": _labels(t["category"], CATEGORIES),
            "product": _labels(t["product"], PRODUCTS),
            "priority": _labels(t["priority"], PRIORITIES),
            "customer_id": _customer_ids(t["customer"], world.n_enterprise),
            "customer_segment": _labels(t["segment"], SEGMENTS),
            "contact_id": _contact_ids(t["customer"], t["contact"], world.n_enterprise),
            "contacts": pa.array(t["contacts"], pa.int64()),
            "reopened": pa.array(t["reopened"]),
            "escalated": pa.array(t["escalated"]),
            "is_complaint": pa.array(t["is_complaint"]),
            "handle_minutes": pa.array(t["handle_minutes"], pa.float64()),
            "parts_cost": pa.array(t["parts_cost"], pa.float64()),
            "sla_response_minutes": pa.array(t["sla_response_minutes"], pa.float64()),
            "sla_resolve_hours": pa.array(t["sla_resolve_hours"], pa.float64()),
        },
    )


def _surveys_table(s: Columns) -> pa.Table:
    return _conform(
        "surveys",
        {
            "survey_id": _ids("S", s["survey_no"], 9),
            "ticket_id": _ids("T", s["ticket_no"], 9),
            "submitted_at": _timestamps(s["submitted"]),
            **{
                k: pa.array(s[k], pa.int64())
                for k in ("csat", "attitude", "quality", "speed", "nps")
            },
            "comment": _labels(s["comment"], COMMENT_LABELS),
        },
    )


class _MonthPartWriter:
    """Buffers rows per month and writes `ROOT/month=YYYY-MM/part-N.parquet` files.

    A part is written whenever a month has `chunk_rows` rows buffered, and the remainder when the
    month is flushed, so memory stays bounded whatever the dataset size.
    """

    def __init__(
        self,
        root: Path,
        to_table: Callable[[Columns], pa.Table],
        chunk_rows: int,
        on_part: Callable[[int], None] | None = None,
    ):
        self.root, self.to_table, self.chunk_rows = root, to_table, chunk_rows
        self.on_part = on_part  # called with the running row count after each part
        self.buffers: dict[str, list[Columns]] = {}
        self.parts: dict[str, int] = {}
        self.rows_written = 0

    def add(self, month: str, cols: Columns) -> None:
        if _rows(cols) == 0:
            return
        self.buffers.setdefault(month, []).append(cols)
        if sum(_rows(c) for c in self.buffers[month]) >= self.chunk_rows:
            self._write(month, final=False)

    def flush(self, month: str) -> None:
        if month in self.buffers:
            self._write(month, final=True)

    def _write(self, month: str, final: bool) -> None:
        cols = _concat(self.buffers.pop(month))
        n, start = _rows(cols), 0
        while n - start >= self.chunk_rows or (final and start < n):
            stop = min(start + self.chunk_rows, n)
            self._write_part(month, _take(cols, slice(start, stop)))
            start = stop
        if start < n:
            self.buffers[month] = [_take(cols, slice(start, n))]

    def _write_part(self, month: str, cols: Columns) -> None:
        part = self.parts.get(month, 0)
        folder = self.root / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(self.to_table(cols), folder / f"part-{part}.parquet")
        self.parts[month] = part + 1
        self.rows_written += _rows(cols)
        if self.on_part:
            self.on_part(self.rows_written)


def _day_volume(budget: int, repeats: int, debt: int) -> tuple[int, int]:
    """New requests to draw today, and the overshoot carried to later days.

    Repeats due today use up the day's budget first; when they exceed it, the excess is taken
    from the following days so the total stays on target.
    """
    room = budget - repeats - debt
    return max(room, 0), max(-room, 0)


def _simulate_day(
    world: _World, day: int, due_repeats: Columns, debt: int
) -> tuple[Columns, Columns, Columns, int]:
    """One day: tickets (sorted by creation), their surveys, the repeats they will cause, and
    the volume overshoot carried on."""
    rng = world.rng(1, day)
    fresh, debt = _day_volume(int(world.daily_volume[day]), _rows(due_repeats), debt)
    requests = _concat([due_repeats, _new_requests(world, rng, day, fresh)])
    tickets = _take(requests, np.argsort(requests["created"], kind="stable"))
    tickets.update(_handle(world, rng, day, tickets))
    return tickets, _surveys(world, rng, tickets), _repeat_requests(world, rng, tickets), debt


def _write_tickets_and_surveys(
    world: _World, out: Path, progress: Callable[[int, int], None] | None
) -> dict[str, int]:
    period = world.period
    month_keys, day_month = period.month_keys(), period.day_month()

    def report(done: int) -> None:
        if progress:
            progress(done, max(world.tickets, done))

    tickets = _MonthPartWriter(
        out / "tickets", lambda c: _tickets_table(world, c), CHUNK_ROWS, on_part=report
    )
    surveys = _MonthPartWriter(out / "surveys", _surveys_table, CHUNK_ROWS)
    pending = _new_requests(world, np.random.default_rng(0), 0, 0)  # no rows: nothing pending
    debt, next_ticket, next_survey = 0, 1, 1
    for day in range(period.n_days):
        due = period.day_of(pending["created"]) == day
        handled, answered, repeats, debt = _simulate_day(world, day, _take(pending, due), debt)
        pending = _concat([_take(pending, ~due), repeats])
        handled["ticket_no"] = next_ticket + np.arange(_rows(handled))
        answered["ticket_no"] = handled["ticket_no"][answered["ticket_row"]]
        answered["survey_no"] = next_survey + np.arange(_rows(answered))
        next_ticket, next_survey = next_ticket + _rows(handled), next_survey + _rows(answered)
        month = month_keys[day_month[day]]
        tickets.add(month, handled)
        submitted_month = day_month[period.day_of(answered["submitted"])]
        for m in np.unique(submitted_month):
            surveys.add(month_keys[m], _take(answered, submitted_month == m))
        if day + 1 == period.n_days or day_month[day + 1] != day_month[day]:
            tickets.flush(month)
            surveys.flush(month)
    return {"tickets": tickets.rows_written, "surveys": surveys.rows_written}


# ---------------------------------------------------------------------------------------------
# Small tables


def _agents_table(world: _World) -> pa.Table:
    staff, period = world.staff, world.period
    lead_names = {t: staff.names[staff.lead_of(t)] for t in range(len(world.team_names))}
    supervisor = [
        STATION_MANAGER[1] if staff.is_lead[a] else lead_names[int(staff.team[a])]
        for a in range(len(staff))
    ]
    left = [period.date_of_day(d) if d <= period.n_days else None for d in staff.left_day.tolist()]
    return _conform(
        "agents",
        {
            "agent_id": staff.ids,
            "name": staff.names,
            "team": [world.team_names[t] for t in staff.team],
            "supervisor": supervisor,
            "site": [SITES[t % len(SITES)] for t in staff.team],
            "hire_date": [period.date_of_day(d) for d in staff.hire_day.tolist()],
            "left_date": left,
            "hourly_cost": staff.hourly_cost,
        },
    )


def _training_table(world: _World) -> pa.Table:
    """The planted courses plus one to three ordinary courses per agent with no effect."""
    rng, staff, period = world.rng(3, 0), world.staff, world.period
    rows = [
        (staff.ids[c.agent], CATEGORIES[c.category], PLANTED_COURSES[CATEGORIES[c.category]], c.day)
        for c in world.plan.trainings
    ]
    for agent in range(len(staff)):
        first = max(int(staff.hire_day[agent]), 0)
        last = min(int(staff.left_day[agent]), period.n_days)
        if last - first < 14:
            continue
        for pick in rng.choice(len(ORDINARY_COURSES), int(rng.integers(1, 4)), replace=False):
            skill, course = ORDINARY_COURSES[pick]
            rows.append((staff.ids[agent], skill, course, int(rng.integers(first, last))))
    n = len(rows)
    return _conform(
        "training",
        {
            "agent_id": [r[0] for r in rows],
            "skill": [r[1] for r in rows],
            "course": [r[2] for r in rows],
            "completed_on": [period.date_of_day(r[3]) for r in rows],
            "hours": rng.choice([2.0, 4.0, 8.0, 16.0], n),
            "score": np.round(np.clip(rng.normal(82.0, 8.0, n), 50.0, 100.0), 1),
        },
    )


def _employed_mid(staff: _Staff, period: _Period, first: date, last: date) -> list[int]:
    """Agents employed in the middle of [first, last]."""
    middle = ((first - period.start).days + (last - period.start).days) // 2
    return [a for a in range(len(staff)) if staff.hire_day[a] <= middle < staff.left_day[a]]


def _feedback_table(world: _World) -> pa.Table:
    """Quarterly 360 ratings. Self ratings sit a little above others' except for overraters."""
    rng, staff = world.rng(3, 1), world.staff
    self_bias = rng.normal(0.1, 0.1, len(staff))
    self_bias[world.plan.overraters] = SELF_OVERRATING
    level = 3.5 + 0.6 * staff.base_skill[:, None] + rng.normal(0.0, 0.25, (len(staff), 4))
    level[:, COMPETENCIES.index("attitude")] += 0.3 * staff.attitude
    role_bias = {"supervisor": -0.1, "peer": 0.05, "subordinate": 0.1, "customer": 0.0}
    rows = []
    for label, first, last in world.period.quarters():
        employed = _employed_mid(staff, world.period, first, last)
        for agent in employed:
            reviewers = _reviewers(rng, staff, agent, employed, world.n_enterprise)
            for c, competency in enumerate(COMPETENCIES):
                for role, reviewer in reviewers:
                    bias = self_bias[agent] if role == "self" else role_bias[role]
                    score = level[agent, c] + bias + rng.normal(0.0, 0.35)
                    rows.append((staff.ids[agent], role, competency, score, label, reviewer))
    return _conform(
        "feedback_360",
        {
            "reviewee_id": [r[0] for r in rows],
            "reviewer_role": [r[1] for r in rows],
            "competency": [r[2] for r in rows],
            "score": np.round(np.clip([r[3] for r in rows], 1.0, 5.0), 1),
            "period": [r[4] for r in rows],
            "reviewer_id": [r[5] for r in rows],
        },
    )


def _reviewers(
    rng: np.random.Generator, staff: _Staff, agent: int, employed: list[int], n_enterprise: int
) -> list[tuple[str, str]]:
    """(role, reviewer id): self, supervisor, 2-3 peers, a customer, and for team leads three
    subordinates. A lead's peers are the other leads; an agent's peers are teammates."""
    team = int(staff.team[agent])
    lead = staff.lead_of(team)
    members = [a for a in employed if staff.team[a] == team and not staff.is_lead[a]]
    if agent == lead:
        peers = [a for a in employed if staff.is_lead[a] and a != agent]
        supervisor = STATION_MANAGER[0]
    else:
        peers = [a for a in members if a != agent]
        supervisor = staff.ids[lead]
    reviewers = [("self", staff.ids[agent]), ("supervisor", supervisor)]
    reviewers += [("peer", staff.ids[p]) for p in rng.permutation(peers)[: int(rng.integers(2, 4))]]
    if agent == lead:
        reviewers += [("subordinate", staff.ids[s]) for s in rng.permutation(members)[:3]]
    reviewers.append(("customer", f"E{int(rng.integers(1, n_enterprise + 1)):06d}"))
    return reviewers


def _employee_survey_table(world: _World) -> pa.Table:
    """Quarterly staff satisfaction; agents about to leave are visibly less satisfied."""
    rng, staff = world.rng(3, 2), world.staff
    mood = rng.normal(3.7, 0.4, len(staff))
    mood[world.plan.leavers] -= 0.9
    rows = [
        (staff.ids[a], label, mood[a] + rng.normal(0.0, 0.3))
        for label, first, last in world.period.quarters()
        for a in _employed_mid(staff, world.period, first, last)
    ]
    return _conform(
        "employee_survey",
        {
            "agent_id": [r[0] for r in rows],
            "period": [r[1] for r in rows],
            "score": np.round(np.clip([r[2] for r in rows], 1.0, 5.0), 1),
        },
    )


def _objectives_table(world: _World) -> pa.Table:
    """Quarterly team targets for csat, fcr (share 0-1) and first_response_median (minutes);
    fcr targets for the weak-skill agents; then the planted objectives (`_planted_objectives`)."""
    rng = world.rng(3, 3)
    rows = []
    for _, first, last in world.period.quarters():
        for team in world.team_names:
            rows.append(("team", team, "csat", first, last, round(rng.uniform(4.1, 4.4), 2)))
            rows.append(("team", team, "fcr", first, last, round(rng.uniform(0.72, 0.8), 2)))
            response = float(rng.choice([5.0, 10.0, 15.0]))
            rows.append(("team", team, "first_response_median", first, last, response))
        for agent, _ in world.plan.weak_skills:
            rows.append(("agent", world.staff.ids[agent], "fcr", first, last, 0.7))
    rows = [(*r, None) for r in rows]
    planted = _planted_objectives(world)
    rows += [(*p["owner"], p["kpi"], p["start"], p["end"], p["target"], 1.0) for p in planted]
    return _conform(
        "objectives",
        {
            name: [r[i] for r in rows]
            for i, name in enumerate(
                ("owner_type", "owner_id", "kpi", "period_start", "period_end", "target", "weight")
            )
        },
    )


def _planted_objectives(world: _World) -> list[dict]:
    """Objectives over the whole last quarter (running past the data's end when the period
    stops inside it): the department's satisfaction, a team and an agent far above their
    targets (on track) and a team and an agent far below (off track), on KPIs the quarterly
    rows above do not set (one objective per owner, KPI and period)."""
    first = world.period.quarters()[-1][1]
    quarter_start = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    end = _add_months(quarter_start, 3) - timedelta(days=1)
    on_team, off_team = world.plan.control_team, world.plan.bottleneck_team
    on_agent = int(np.flatnonzero(world.staff.team == on_team)[0])
    off_agent = world.plan.weak_skills[0][0]
    ids = world.staff.ids
    objectives = (
        (None, ("department", DEPARTMENT), "csat", 3.9),
        (True, ("team", world.team_names[on_team]), "csat_satisfied", 0.2),
        (False, ("team", world.team_names[off_team]), "resolution_rate", 0.999),
        (True, ("agent", ids[on_agent]), "csat_satisfied", 0.2),
        (False, ("agent", ids[off_agent]), "resolution_rate", 0.999),
    )
    return [{"on_track": on, "owner": owner, "kpi": kpi, "start": first, "end": end,
             "target": target} for on, owner, kpi, target in objectives]  # fmt: skip


def _planted_truth(world: _World) -> dict:
    """The planted objectives by whether they are on track, as truth.json records them."""

    def entry(p: dict) -> dict:
        return {"owner_type": p["owner"][0], "owner_id": p["owner"][1], "kpi": p["kpi"],
                "period_start": p["start"].isoformat(), "period_end": p["end"].isoformat(),
                "target": p["target"]}  # fmt: skip

    planted = _planted_objectives(world)
    return {
        "department": DEPARTMENT,
        "on_track": [entry(p) for p in planted if p["on_track"] is True],
        "off_track": [entry(p) for p in planted if p["on_track"] is False],
    }


def _kano_table(world: _World) -> pa.Table:
    """Answer pairs: most respondents answer in the factor's planted category, the rest spread
    over indifferent, the two other categories and a few reverse pairs."""
    rng = world.rng(3, 4)
    n = KANO_RESPONDENTS
    factors, functional, dysfunctional = [], [], []
    for factor, planted in KANO_FACTORS.items():
        others = [c for c in "MOA" if c != planted]
        kinds = rng.choice(
            [planted, "I", *others, "R"], n, p=[KANO_PLANTED_SHARE, 0.2, 0.08, 0.08, 0.04]
        )
        f, d = _kano_answers(rng, kinds)
        factors += [factor] * n
        functional.append(f)
        dysfunctional.append(d)
    # Drawn from a stream of its own, so the answers are those of datasets made before the
    # segment column: every segment is asked the same planted categories.
    enterprise = world.rng(3, 5).random(n) < KANO_ENTERPRISE_SHARE
    segment = np.where(enterprise, ENTERPRISE, SEGMENTS.index("individual"))
    return _conform(
        "kano_responses",
        {
            "respondent_id": [f"R{r + 1:03d}" for r in range(n)] * len(KANO_FACTORS),
            "factor": factors,
            "functional": np.concatenate(functional),
            "dysfunctional": np.concatenate(dysfunctional),
            "segment": _labels(np.tile(segment, len(KANO_FACTORS)), SEGMENTS),
        },
    )


def _kano_answers(rng: np.random.Generator, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Functional and dysfunctional answers (1 like .. 5 dislike) that evaluate to `kinds`."""
    n = len(kinds)
    middle = rng.integers(2, 5, n)  # must-be / neutral / live-with
    other_middle = rng.integers(2, 5, n)
    functional = np.select(
        [kinds == "O", kinds == "A", kinds == "M", kinds == "R"], [1, 1, middle, 5], middle
    )
    dysfunctional = np.select(
        [kinds == "O", kinds == "A", kinds == "M", kinds == "R"], [5, middle, 5, 1], other_middle
    )
    return functional.astype(np.int64), dysfunctional.astype(np.int64)


SMALL_TABLES = {
    "agents": _agents_table,
    "training": _training_table,
    "feedback_360": _feedback_table,
    "objectives": _objectives_table,
    "kano_responses": _kano_table,
    "employee_survey": _employee_survey_table,
}


# ---------------------------------------------------------------------------------------------
# Manifest and entry points


def _manifest(world: _World, params: dict, counts: dict[str, int]) -> dict:
    plan, staff, period = world.plan, world.staff, world.period
    ids = staff.ids
    segments = {
        s: {k: v for k, v in SEGMENT_PROFILE[s].items() if k != "priority_share"}
        | {"customers": world.n_enterprise if s == "enterprise" else world.n_individual}
        for s in SEGMENTS
    }
    return {
        "params": params,
        "counts": counts,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "teams": world.team_names,
        "bottleneck": {
            "team": world.team_names[plan.bottleneck_team],
            "stage": STAGE_IDS[plan.bottleneck_stage],
            "factor": BOTTLENECK_FACTOR,
        },
        "weak_skills": [
            {"agent_id": ids[a], "category": CATEGORIES[c]} for a, c in plan.weak_skills
        ],
        "weak_channels": [
            {"agent_id": ids[a], "channel": CHANNELS[c]} for a, c in plan.weak_channels
        ],
        "few_surveys_agents": [ids[a] for a in plan.new_hires],
        "leavers": [ids[a] for a in plan.leavers],
        "segments": segments,
        "sla_priority_factor": dict(SLA_PRIORITY_FACTOR),
        "repeat": dict(REPEAT),
        "seasonality": {
            "peak_month": period.month_keys()[plan.peak_month],
            "busiest_weekday": int(np.argmax(WEEKDAY_WEIGHT)),
            "peak_hour": int(np.argmax(HOUR_WEIGHT)),
        },
        "policy_change": {
            "team": world.team_names[plan.policy_team],
            "control_team": world.team_names[plan.control_team],
            "date": period.date_of_day(plan.policy_day).isoformat(),
            "kpi": "first_response_minutes",
            "effect": POLICY_EFFECT,
        },
        "training_effects": [
            {
                "agent_id": ids[c.agent],
                "skill": CATEGORIES[c.category],
                "course": PLANTED_COURSES[CATEGORIES[c.category]],
                "completed_on": period.date_of_day(c.day).isoformat(),
                "effect": c.effect,
            }
            for c in plan.trainings
        ],
        "self_overraters": [ids[a] for a in plan.overraters],
        "kano": dict(KANO_FACTORS),
        "objectives": _planted_truth(world),
    }


def _validated_params(tickets, agents, teams, months, start, seed) -> dict:
    first = date.fromisoformat(start)
    if first.day != 1:
        raise ValueError(f"start must be the first day of a month, got {start}")
    if tickets < 1 or months < 2:
        raise ValueError("need at least 1 ticket and 2 months (the policy change is mid-period)")
    if teams < 4:
        raise ValueError("need at least 4 teams: bottleneck, policy, control and a peer")
    if agents < 24:
        raise ValueError(f"{agents} agents in {teams} teams are too few for the planted facts")
    return {
        "tickets": int(tickets),
        "agents": int(agents),
        "teams": int(teams),
        "months": int(months),
        "start": first.isoformat(),
        "seed": int(seed),
    }


def _clear_previous_output(out: Path) -> None:
    """Remove the partitioned tables an earlier run wrote here, so no stale parts mix in.

    Tables without a manifest beside them are somebody else's data: refuse rather than delete.
    """
    previous = [out / name for name in ("tickets", "surveys") if (out / name).exists()]
    if previous and not (out / "truth.json").exists():
        raise FileExistsError(f"{out} holds tables not written by the generator (no truth.json)")
    for folder in previous:
        shutil.rmtree(folder)


def generate(
    out_dir: str | Path,
    tickets: int = DEFAULT_TICKETS,
    agents: int = 60,
    teams: int = 6,
    months: int = 12,
    start: str = "2025-12-01",
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    bad_rows: bool = False,
) -> dict:
    """Write a complete dataset (all contract tables) and its manifest `truth.json` to `out_dir`.

    `progress(done, total)` is called with ticket counts after each written part. With
    `bad_rows`, a few tickets and surveys that break the contract's rules are added
    (`scoring.synthetic.bad_rows`; the manifest's "bad_rows" counts them per rule, "counts" are the
    rows generated without them). Returns the manifest.
    """
    params = _validated_params(tickets, agents, teams, months, start, seed)
    period = _Period(date.fromisoformat(params["start"]), params["months"])
    world = _build_world(
        params["tickets"], params["agents"], params["teams"], period, params["seed"]
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clear_previous_output(out)
    counts = _write_tickets_and_surveys(world, out, progress)
    for name, build in SMALL_TABLES.items():
        table = build(world)
        pq.write_table(table, out / f"{name}.parquet")
        counts[name] = table.num_rows
    manifest = _manifest(world, params, counts)
    manifest["bad_rows"] = plant_bad_rows(out) if bad_rows else {}
    (out / "truth.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def add_generate_parser(subparsers) -> argparse.ArgumentParser:
    """Register `generate` on an argparse subparsers object; its `func` runs the generator."""
    parser = subparsers.add_parser(
        "generate",
        help="write a realistic synthetic dataset with planted facts",
        description=(
            "Write every contract table (tickets and surveys partitioned by month) and "
            "truth.json, the manifest of the facts planted in the data."
        ),
    )
    parser.add_argument("--out", required=True, type=Path, help="dataset folder to write")
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--teams", type=int, default=6)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--start", default="2025-12-01", help="first day of a month, YYYY-MM-DD")
    parser.add_argument(
        "--bad-rows",
        action="store_true",
        help="also write a few tickets and surveys that break the contract's rules, to see "
        "the data-quality report at work (counted per rule in truth.json)",
    )
    parser.set_defaults(func=run_generate_command)
    return parser


def run_generate_command(args: argparse.Namespace) -> int:
    began = time.perf_counter()

    def report(done: int, total: int) -> None:
        print(f"\rtickets {done:,} / {total:,} ({done / total:.0%})", end="", file=sys.stderr)

    manifest = generate(
        args.out,
        tickets=args.tickets,
        agents=args.agents,
        teams=args.teams,
        months=args.months,
        start=args.start,
        seed=args.seed,
        progress=report,
        bad_rows=args.bad_rows,
    )
    counts = manifest["counts"]
    print(
        f"\nwrote {counts['tickets']:,} tickets and {counts['surveys']:,} surveys to {args.out} "
        f"in {time.perf_counter() - began:.1f} s",
        file=sys.stderr,
    )
    return 0
