"""The data contract (v1), declared once as data.

Every table and column the dashboard reads is listed here with its type, whether it is
required, its meaning and the Chinese term users know it by. The loader, the validator,
the generator and the documentation (`docs/DATA_CONTRACT.md` is generated from this
module and checked by a test) all read these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

# Logical types of the contract and the DuckDB type each column is cast to on load.
DUCKDB_TYPE = {
    "string": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
}
# The Arrow type each logical type is written as (generator, test datasets).
ARROW_TYPE = {
    "string": pa.string(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    meaning: str
    zh: str = ""

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPE[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    meaning: str
    zh: str
    columns: tuple[Column, ...]
    key: str | None = None  # the unique id column, when the table has one

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _c(name: str, type_: str, required: bool, meaning: str, zh: str = "") -> Column:
    return Column(name, type_, required, meaning, zh)


TICKETS = Table(
    "tickets",
    True,
    "one row per service ticket",
    "工单",
    (
        _c("ticket_id", "string", True, "unique ticket id", "工单号"),
        _c("agent_id", "string", True, "handling agent, references agents", "处理人"),
        _c("created_at", "timestamp", True, "stage 1: customer feedback received", "客户反馈"),
        _c("accepted_at", "timestamp", False, "stage 2: accepted and classified", "受理"),
        _c("first_response_at", "timestamp", False, "first response to the customer", "首次响应"),
        _c("work_started_at", "timestamp", False, "stage 3: processing started", "处理"),
        _c("resolved_at", "timestamp", False, "stage 4: resolved; null = not resolved", "解决"),
        _c("followed_up_at", "timestamp", False, "stage 5: follow-up done", "跟踪回访"),
        _c("channel", "string", True, "phone, email, chat, web, onsite, ...", "渠道"),
        _c("category", "string", True, "consultation, troubleshooting, repair, ...", "类别"),
        _c("product", "string", False, "product line", "产品线"),
        _c("priority", "string", False, "low, medium, high, urgent", "优先级"),
        _c("customer_id", "string", False, "enables repeat-issue detection", "客户编号"),
        _c("customer_segment", "string", False, "enterprise or individual", "客户类型"),
        _c(
            "contact_id",
            "string",
            False,
            "the person who got in touch, where a customer has several (repeat issues)",
            "联系人编号",
        ),
        _c("contacts", "int", False, "contacts until resolved; 1 = first-contact", "联系次数"),
        _c("reopened", "bool", False, "reopened after being resolved", "重开"),
        _c("escalated", "bool", False, "escalated to another tier", "升级"),
        _c("is_complaint", "bool", False, "complaint ticket", "投诉"),
        _c("handle_minutes", "float", False, "agent working time on the ticket", "处理时长"),
        _c("parts_cost", "float", False, "spare-parts cost", "配件成本"),
        _c("sla_response_minutes", "float", False, "response target for this ticket", "响应时限"),
        _c("sla_resolve_hours", "float", False, "resolution target for this ticket", "解决时限"),
    ),
    key="ticket_id",
)

SURVEYS = Table(
    "surveys",
    True,
    "post-service satisfaction survey",
    "回访 / 满意度调查",
    (
        _c("survey_id", "string", True, "unique survey id", "问卷号"),
        _c("ticket_id", "string", True, "references tickets", "工单号"),
        _c("submitted_at", "timestamp", True, "when the customer answered", "提交时间"),
        _c("csat", "int", True, "overall satisfaction 1-5", "满意度"),
        _c("attitude", "int", False, "service attitude 1-5", "服务态度"),
        _c("quality", "int", False, "repair / resolution quality 1-5", "维修质量"),
        _c("speed", "int", False, "response speed 1-5", "响应速度"),
        _c("nps", "int", False, "likelihood to recommend 0-10", "推荐意愿"),
        _c("comment", "string", False, "free text", "评论"),
    ),
    key="survey_id",
)

AGENTS = Table(
    "agents",
    True,
    "staff",
    "员工",
    (
        _c("agent_id", "string", True, "unique agent id", "工号"),
        _c("name", "string", True, "display name", "姓名"),
        _c("team", "string", True, "team or service station", "班组 / 服务站"),
        _c("supervisor", "string", False, "supervisor", "主管"),
        _c("site", "string", False, "site", "站点"),
        _c("hire_date", "date", False, "hire date (tenure)", "入职日期"),
        _c("left_date", "date", False, "leaving date (attrition)", "离职日期"),
        _c("hourly_cost", "float", False, "labour cost per hour", "人力成本"),
    ),
    key="agent_id",
)

TRAINING = Table(
    "training",
    False,
    "training records",
    "培训记录",
    (
        _c("agent_id", "string", True, "trained agent", "工号"),
        _c("skill", "string", True, "a ticket category or a competency", "技能"),
        _c("course", "string", True, "course name", "课程"),
        _c("completed_on", "date", True, "completion date", "完成日期"),
        _c("hours", "float", True, "training hours", "学时"),
        _c("score", "float", False, "assessment score 0-100", "考核成绩"),
    ),
)

FEEDBACK_360 = Table(
    "feedback_360",
    False,
    "360-degree feedback ratings",
    "360度反馈",
    (
        _c("reviewee_id", "string", True, "rated agent", "被评人"),
        _c(
            "reviewer_role",
            "string",
            True,
            "self, supervisor, peer, subordinate, customer",
            "评价人角色",
        ),
        _c(
            "competency",
            "string",
            True,
            "teamwork, communication, technical, attitude, ...",
            "能力项",
        ),
        _c("score", "float", True, "rating 1-5", "评分"),
        _c("period", "string", True, "rating period, e.g. 2026-Q3 or 2026-07", "周期"),
        _c("reviewer_id", "string", False, "reviewer", "评价人"),
    ),
)

OBJECTIVES = Table(
    "objectives",
    False,
    "objectives (management by objectives)",
    "目标管理",
    (
        _c("owner_type", "string", True, "department, team or agent", "对象类型"),
        _c(
            "owner_id",
            "string",
            True,
            "the department's name (all agents), a team name or an agent id",
            "对象",
        ),
        _c("kpi", "string", True, "a KPI id of the registry", "指标"),
        _c("period_start", "date", True, "first day", "开始日期"),
        _c("period_end", "date", True, "last day", "结束日期"),
        _c("target", "float", True, "target value", "目标值"),
        _c("weight", "float", False, "weight among the owner's objectives", "权重"),
    ),
)

KANO_RESPONSES = Table(
    "kano_responses",
    False,
    "Kano questionnaire answers",
    "卡诺问卷",
    (
        _c("respondent_id", "string", True, "respondent", "受访者"),
        _c("factor", "string", True, "service factor", "服务要素"),
        _c("functional", "int", True, "answer if present: 1 like .. 5 dislike", "正向问题"),
        _c("dysfunctional", "int", True, "answer if absent: 1 like .. 5 dislike", "反向问题"),
        _c(
            "segment",
            "string",
            False,
            "respondent's segment, e.g. enterprise or individual",
            "客户类型",
        ),
    ),
)

EMPLOYEE_SURVEY = Table(
    "employee_survey",
    False,
    "employee satisfaction survey",
    "员工满意度",
    (
        _c("agent_id", "string", True, "agent", "工号"),
        _c("period", "string", True, "period, e.g. 2026-Q3", "周期"),
        _c("score", "float", True, "satisfaction 1-5", "评分"),
    ),
)

TABLES: tuple[Table, ...] = (
    TICKETS,
    SURVEYS,
    AGENTS,
    TRAINING,
    FEEDBACK_360,
    OBJECTIVES,
    KANO_RESPONSES,
    EMPLOYEE_SURVEY,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}

# The five workflow stages (服务流程) and the time spent between consecutive stamps.
# Each interval is named after the stage the ticket waits in.
STAGES = (
    ("received", "created_at", "客户反馈"),
    ("accepted", "accepted_at", "受理"),
    ("processing", "work_started_at", "处理"),
    ("resolved", "resolved_at", "解决"),
    ("followed_up", "followed_up_at", "跟踪回访"),
)
# (interval id, start column, end column): the time a ticket spends in one stage.
STAGE_INTERVALS = tuple(
    (STAGES[i][0], STAGES[i][1], STAGES[i + 1][1]) for i in range(len(STAGES) - 1)
)

REVIEWER_ROLES = ("self", "supervisor", "peer", "subordinate", "customer")
OWNER_TYPES = ("department", "team", "agent")
SEGMENTS = ("enterprise", "individual")

# Inclusive valid ranges of numeric columns; a value outside breaks the "out of range" rule.
VALID_RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("tickets", "contacts"): (1, None),
    ("tickets", "handle_minutes"): (0, None),
    ("tickets", "parts_cost"): (0, None),
    ("tickets", "sla_response_minutes"): (0, None),
    ("tickets", "sla_resolve_hours"): (0, None),
    ("surveys", "csat"): (1, 5),
    ("surveys", "attitude"): (1, 5),
    ("surveys", "quality"): (1, 5),
    ("surveys", "speed"): (1, 5),
    ("surveys", "nps"): (0, 10),
    ("agents", "hourly_cost"): (0, None),
    ("training", "hours"): (0, None),
    ("training", "score"): (0, 100),
    ("feedback_360", "score"): (1, 5),
    ("kano_responses", "functional"): (1, 5),
    ("kano_responses", "dysfunctional"): (1, 5),
    ("employee_survey", "score"): (1, 5),
    ("objectives", "weight"): (0, None),
}
# Periods are written as a quarter (2026-Q3) or a month (2026-07).
PERIOD_PATTERN = r"^[0-9]{4}-(Q[1-4]|(0[1-9]|1[0-2]))$"
