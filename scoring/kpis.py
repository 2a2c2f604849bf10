"""The KPI registry: every indicator declared once.

Cards, sliders, tables, exports, the score command and the docs all read these
declarations. Each KPI is computed in SQL from one per-row expression over a *grain*:

- `ticket`: one row per accepted ticket in the filter (derived columns in metrics.py);
- `survey`: one row per accepted survey whose ticket is in the filter;
- `agent`: one row per agent in scope (for per-agent totals such as training hours);
- `feedback`: one row per 360 rating of an agent in scope whose period is in range.

Kinds: `rate` (the expression is a boolean; NULL means "not eligible"), `mean` (average
of the expression), `quantile` (a percentile of the expression), `count` (non-null rows
per agent). A KPI whose table or columns are absent from the dataset is unavailable,
never zero.
"""

from __future__ import annotations

from dataclasses import dataclass

PERSPECTIVES = {
    "financial": {"en": "Financial", "zh": "财务"},
    "customer": {"en": "Customer", "zh": "客户"},
    "process": {"en": "Internal process", "zh": "内部流程"},
    "learning": {"en": "Learning and growth", "zh": "学习与成长"},
}


@dataclass(frozen=True)
class KPI:
    id: str
    label_en: str
    label_zh: str
    description: str
    unit: str
    fmt: str  # Python format spec for display, e.g. ".1%"
    higher_is_better: bool
    formula: str  # plain-language formula shown in explain and docs
    perspective: str
    grain: str
    kind: str
    expr: str  # SQL expression per row of the grain
    requires: tuple[tuple[str, str], ...]  # (table, column) the KPI needs
    min_sample: int
    floor: float
    target: float
    stretch: float | None
    weight: float
    shrink: str | None = None  # "beta" for rates, "mean" for ratings, None
    quantile: float | None = None
    scale: tuple[float, float] | None = None  # possible range of a rating
    description_zh: str = ""
    formula_zh: str = ""

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def describe(self, lang: str) -> str:
        return self.description_zh if lang == "zh" else self.description

    def formula_in(self, lang: str) -> str:
        return self.formula_zh if lang == "zh" else self.formula

    def format(self, value: float | None) -> str:
        if value is None or value != value:
            return "—"
        return format(value, self.fmt) + (f" {self.unit}" if self.unit not in ("", "%") else "")

    def format_change(self, change: float | None) -> str | None:
        """A change between two values: percentage points for rates, else signed units."""
        if change is None or change != change:
            return None
        if self.fmt.endswith("%"):
            return f"{change * 100:+.1f} pts"
        return "+" + self.format(change) if change >= 0 else self.format(change)

    def meets(self, value: float | None, target: float) -> bool:
        """Whether a value reaches the target in this KPI's direction."""
        if value is None or value != value:
            return False
        return value >= target if self.higher_is_better else value <= target


def _t(column: str) -> tuple[str, str]:
    return ("tickets", column)


def _s(column: str) -> tuple[str, str]:
    return ("surveys", column)


def _survey_dimension(id_: str, en: str, zh: str, column: str, weight: float) -> KPI:
    return KPI(
        id_,
        en,
        zh,
        f"Mean survey rating of {en.lower()} (1–5).",
        "/5",
        ".2f",
        True,
        f"mean({column}) over surveys of the agent's tickets",
        "customer",
        "survey",
        "mean",
        f"CAST({column} AS DOUBLE)",
        (_s(column),),
        5,
        3.5,
        4.5,
        4.9,
        weight,
        shrink="mean",
        scale=(1, 5),
        description_zh=f"回访调查中“{zh}”评分的平均值（1–5 分）。",
        formula_zh=f"该坐席工单回访中 {column} 的平均值",
    )


KPIS: tuple[KPI, ...] = (
    KPI(
        "csat",
        "Customer satisfaction",
        "客户满意度",
        "Mean overall satisfaction of post-service surveys (1–5).",
        "/5",
        ".2f",
        True,
        "mean(csat) over surveys of the agent's tickets",
        "customer",
        "survey",
        "mean",
        "CAST(csat AS DOUBLE)",
        (_s("csat"),),
        5,
        3.5,
        4.5,
        4.9,
        20,
        shrink="mean",
        scale=(1, 5),
        description_zh="售后回访调查中总体满意度评分的平均值（1–5 分）。",
        formula_zh="该坐席工单回访中 csat 的平均值",
    ),
    KPI(
        "csat_satisfied",
        "Satisfied customers",
        "满意率",
        "Share of surveys scoring 4 or 5.",
        "%",
        ".1%",
        True,
        "surveys with csat ≥ 4 / surveys",
        "customer",
        "survey",
        "rate",
        "csat >= 4",
        (_s("csat"),),
        5,
        0.6,
        0.9,
        0.98,
        0,
        shrink="beta",
        description_zh="回访评分为 4 分或 5 分的调查占比。",
        formula_zh="csat ≥ 4 的调查数 / 调查数",
    ),
    KPI(
        "first_response_median",
        "First response time (median)",
        "首次响应时间（中位数）",
        "Median minutes from ticket creation to the first response.",
        "min",
        ",.0f",
        False,
        "median(first_response_at − created_at) in minutes",
        "process",
        "ticket",
        "quantile",
        "frt_minutes",
        (_t("first_response_at"),),
        20,
        240,
        30,
        10,
        10,
        quantile=0.5,
        description_zh="从工单创建到首次响应的分钟数的中位数。",
        formula_zh="(first_response_at − created_at) 的中位数，单位为分钟",
    ),
    KPI(
        "first_response_p90",
        "First response time (P90)",
        "首次响应时间（P90）",
        "90th percentile of minutes from creation to first response.",
        "min",
        ",.0f",
        False,
        "90th percentile of (first_response_at − created_at) in minutes",
        "process",
        "ticket",
        "quantile",
        "frt_minutes",
        (_t("first_response_at"),),
        20,
        720,
        120,
        45,
        0,
        quantile=0.9,
        description_zh="从工单创建到首次响应的分钟数的第 90 百分位数。",
        formula_zh="(first_response_at − created_at) 的第 90 百分位数，单位为分钟",
    ),
    KPI(
        "sla_response",
        "SLA response attainment",
        "响应时限达成率",
        "Share of tickets with a response target answered within it.",
        "%",
        ".1%",
        True,
        "tickets first answered within sla_response_minutes / tickets with a response target",
        "process",
        "ticket",
        "rate",
        "sla_response_met",
        (_t("first_response_at"), _t("sla_response_minutes")),
        20,
        0.7,
        0.95,
        0.99,
        10,
        shrink="beta",
        description_zh="设有响应时限的工单中，在时限内首次响应的占比。",
        formula_zh="在 sla_response_minutes 内首次响应的工单 / 设有响应时限的工单",
    ),
    KPI(
        "sla_resolution",
        "SLA resolution attainment",
        "解决时限达成率",
        "Share of tickets with a resolution target resolved within it.",
        "%",
        ".1%",
        True,
        "tickets resolved within sla_resolve_hours / tickets with a resolution target whose "
        "deadline has passed or that are resolved",
        "process",
        "ticket",
        "rate",
        "sla_resolution_met",
        (_t("resolved_at"), _t("sla_resolve_hours")),
        20,
        0.7,
        0.95,
        0.99,
        10,
        shrink="beta",
        description_zh="设有解决时限的工单中，在时限内解决的占比。",
        formula_zh="在 sla_resolve_hours 内解决的工单 / 设有解决时限且已到期或已解决的工单",
    ),
    KPI(
        "resolution_rate",
        "Resolution rate",
        "问题解决率",
        "Share of tickets resolved.",
        "%",
        ".1%",
        True,
        "resolved tickets / tickets",
        "customer",
        "ticket",
        "rate",
        "resolved_at IS NOT NULL",
        (_t("resolved_at"),),
        20,
        0.8,
        0.95,
        0.99,
        5,
        shrink="beta",
        description_zh="已解决工单的占比。",
        formula_zh="已解决工单 / 工单",
    ),
    KPI(
        "fcr",
        "First-contact resolution",
        "一次解决率",
        "Share of resolved tickets fixed on the first contact or visit.",
        "%",
        ".1%",
        True,
        "resolved tickets with contacts = 1 / resolved tickets with a contact count",
        "customer",
        "ticket",
        "rate",
        "CASE WHEN resolved_at IS NOT NULL THEN contacts = 1 END",
        (_t("resolved_at"), _t("contacts")),
        20,
        0.5,
        0.85,
        0.95,
        15,
        shrink="beta",
        description_zh="已解决工单中，首次联系或首次上门即解决的占比。",
        formula_zh="contacts = 1 的已解决工单 / 记录了联系次数的已解决工单",
    ),
    KPI(
        "repeat_rate",
        "Repeat-issue rate",
        "重复问题发生率",
        "Share of resolutions followed by a new ticket of the same customer and category "
        "within the repeat window.",
        "%",
        ".1%",
        False,
        "resolved tickets followed within the window by a new ticket (same customer, same "
        "category) / resolved tickets whose window has fully passed",
        "process",
        "ticket",
        "rate",
        "is_repeat_source",
        (_t("resolved_at"), _t("customer_id")),
        20,
        0.25,
        0.05,
        0.02,
        10,
        shrink="beta",
        description_zh="解决后在重复问题窗口内，同一客户又就同一类别提交新工单的占比。",
        formula_zh="窗口内出现新工单（同一客户、同一类别）的已解决工单"
        " / 窗口已完全过去的已解决工单",
    ),
    KPI(
        "reopen_rate",
        "Reopen rate",
        "重开率",
        "Share of tickets reopened after being resolved.",
        "%",
        ".1%",
        False,
        "reopened tickets / tickets with a reopened flag",
        "process",
        "ticket",
        "rate",
        "reopened",
        (_t("reopened"),),
        20,
        0.2,
        0.03,
        0.01,
        5,
        shrink="beta",
        description_zh="解决后又被重新打开的工单占比。",
        formula_zh="重开的工单 / 记录了重开标记的工单",
    ),
    KPI(
        "handle_minutes",
        "Average handle time",
        "平均处理时长",
        "Mean agent working minutes per ticket.",
        "min",
        ",.0f",
        False,
        "mean(handle_minutes)",
        "process",
        "ticket",
        "mean",
        "handle_minutes",
        (_t("handle_minutes"),),
        20,
        120,
        40,
        25,
        5,
        description_zh="每张工单坐席的平均处理分钟数。",
        formula_zh="handle_minutes 的平均值",
    ),
    KPI(
        "complaint_rate",
        "Complaint rate",
        "投诉率",
        "Share of tickets that are complaints.",
        "%",
        ".1%",
        False,
        "complaint tickets / tickets",
        "customer",
        "ticket",
        "rate",
        "is_complaint",
        (_t("is_complaint"),),
        20,
        0.2,
        0.05,
        0.02,
        5,
        shrink="beta",
        description_zh="投诉工单的占比。",
        formula_zh="投诉工单 / 工单",
    ),
    KPI(
        "escalation_rate",
        "Escalation rate",
        "升级率",
        "Share of tickets escalated to another tier.",
        "%",
        ".1%",
        False,
        "escalated tickets / tickets",
        "process",
        "ticket",
        "rate",
        "escalated",
        (_t("escalated"),),
        20,
        0.25,
        0.08,
        0.03,
        0,
        shrink="beta",
        description_zh="升级到其他层级处理的工单占比。",
        formula_zh="升级的工单 / 工单",
    ),
    KPI(
        "parts_cost",
        "Parts cost per ticket",
        "单均配件成本",
        "Mean spare-parts cost per ticket that records one.",
        "¥",
        ",.0f",
        False,
        "mean(parts_cost)",
        "financial",
        "ticket",
        "mean",
        "parts_cost",
        (_t("parts_cost"),),
        20,
        300,
        80,
        40,
        5,
        description_zh="记录了配件成本的工单的平均配件成本。",
        formula_zh="parts_cost 的平均值",
    ),
    KPI(
        "workload",
        "Workload (tickets resolved)",
        "工单量",
        "Tickets resolved per agent in the period.",
        "",
        ",.0f",
        True,
        "count of resolved tickets (per agent; team and department: mean per agent)",
        "process",
        "ticket",
        "count",
        "CASE WHEN resolved_at IS NOT NULL THEN 1 END",
        (_t("resolved_at"),),
        0,
        50,
        300,
        450,
        5,
        description_zh="期间内每位坐席解决的工单数。",
        formula_zh="已解决工单数（按坐席；班组和部门：每位坐席的平均值）",
    ),
    _survey_dimension("attitude", "Service attitude", "服务态度", "attitude", 0),
    _survey_dimension("quality", "Repair quality", "维修质量", "quality", 0),
    _survey_dimension("speed", "Response speed (survey)", "响应速度", "speed", 0),
    KPI(
        "nps",
        "Net promoter score",
        "净推荐值",
        "Promoters (9–10) minus detractors (0–6), in points.",
        "pts",
        ",.0f",
        True,
        "100 × (promoters − detractors) / answers",
        "customer",
        "survey",
        "mean",
        "CASE WHEN nps >= 9 THEN 100.0 WHEN nps <= 6 THEN -100.0 WHEN nps IS NOT NULL THEN 0.0 END",
        (_s("nps"),),
        5,
        -20,
        40,
        70,
        0,
        description_zh="推荐者（9–10 分）占比减去贬损者（0–6 分）占比，单位为点。",
        formula_zh="100 × (推荐者 − 贬损者) / 回答数",
    ),
    KPI(
        "training_hours",
        "Training hours",
        "培训学时",
        "Training hours completed in the period.",
        "h",
        ",.1f",
        True,
        "sum(hours) of courses completed in the period (team: mean per agent)",
        "learning",
        "agent",
        "mean",
        "training_hours",
        (("training", "hours"),),
        0,
        0,
        16,
        32,
        2.5,
        description_zh="期间内完成的培训学时。",
        formula_zh="期间内完成课程的学时之和（班组：每位坐席的平均值）",
    ),
    KPI(
        "teamwork_360",
        "Teamwork (360)",
        "团队合作（360）",
        "Mean teamwork rating from supervisor, peers, subordinates and customers (self excluded).",
        "/5",
        ".2f",
        True,
        "mean(score) of 360 ratings on teamwork, reviewer_role ≠ self",
        "learning",
        "feedback",
        "mean",
        "CASE WHEN competency = 'teamwork' AND reviewer_role <> 'self' THEN score END",
        (("feedback_360", "score"),),
        3,
        2.5,
        4.0,
        4.7,
        2.5,
        shrink="mean",
        scale=(1, 5),
        description_zh="主管、同事、下属和客户给出的团队合作评分平均值（不含自评）。",
        formula_zh="360 评估中 teamwork 评分的平均值，reviewer_role ≠ self",
    ),
)

KPIS_BY_ID = {k.id: k for k in KPIS}
KPI_IDS = tuple(KPIS_BY_ID)
DEFAULT_WEIGHTS = {k.id: k.weight for k in KPIS}


def kpi(kpi_id: str) -> KPI:
    """The declaration of a KPI; a clear error for an unknown id."""
    try:
        return KPIS_BY_ID[kpi_id]
    except KeyError:
        raise KeyError(f"unknown KPI '{kpi_id}' (known: {', '.join(KPI_IDS)})") from None


def registry_rows(lang: str = "en") -> list[dict]:
    """The registry as rows for documentation tables (the Data page, docs/KPIS.md)."""
    return [
        {
            "id": k.id,
            "label": k.label(lang),
            "label_other": k.label_en if lang == "zh" else k.label_zh,
            "description": k.describe(lang),
            "unit": k.unit,
            "higher_is_better": k.higher_is_better,
            "formula": k.formula_in(lang),
            "perspective": PERSPECTIVES[k.perspective][lang],
            "min_sample": k.min_sample,
            "floor": k.floor,
            "target": k.target,
            "stretch": k.stretch,
            "weight": k.weight,
        }
        for k in KPIS
    ]
