"""Data values in the user's language: channels, categories, products, priorities, segments,
competencies, reviewer roles, tables; and the words for grades, units and KPI values that the
dashboard and the printed reports (scoring/reports) share. Declared once here, below both:
every page, chart, download and report that shows such a value asks `value_label` or
`kpi_value`; the dashboard's catalog (dashboard/ui/i18n.py) takes `WORDS` in. A value the
catalog does not know (an imported dataset's own product names) is shown as it is in the
data."""

from __future__ import annotations

from collections.abc import Iterable

from scoring.registry.kpis import KPI

# field → data value → (Chinese, English)
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "channel": {
        "phone": ("电话", "Phone"),
        "email": ("邮件", "Email"),
        "chat": ("在线聊天", "Chat"),
        "web": ("网页表单", "Web form"),
        "onsite": ("上门服务", "On site"),
    },
    "category": {
        "complaint": ("投诉", "Complaint"),
        "consultation": ("咨询", "Consultation"),
        "installation": ("安装", "Installation"),
        "repair": ("维修", "Repair"),
        "troubleshooting": ("故障排查", "Troubleshooting"),
    },
    "product": {
        "Air conditioners": ("空调", "Air conditioners"),
        "Refrigerators": ("冰箱", "Refrigerators"),
        "Smart home": ("智能家居", "Smart home"),
        "Washing machines": ("洗衣机", "Washing machines"),
        "Water heaters": ("热水器", "Water heaters"),
    },
    "priority": {
        "low": ("低", "Low"),
        "medium": ("中", "Medium"),
        "high": ("高", "High"),
        "urgent": ("紧急", "Urgent"),
    },
    "segment": {
        "enterprise": ("企业客户", "Enterprise"),
        "individual": ("个人客户", "Individual"),
    },
    "competency": {
        "technical": ("专业技能", "Technical skill"),
        "teamwork": ("团队合作", "Teamwork"),
        "communication": ("沟通能力", "Communication"),
        "attitude": ("服务态度", "Attitude"),
        "installation": ("安装", "Installation"),
        "repair": ("维修", "Repair"),
        "troubleshooting": ("故障排查", "Troubleshooting"),
        "complaint": ("投诉处理", "Complaint handling"),
    },
    "reviewer_role": {
        "supervisor": ("主管", "Supervisor"),
        "peer": ("同事", "Peer"),
        "subordinate": ("下属", "Subordinate"),
        "customer": ("客户", "Customer"),
        "self": ("自评", "Self"),
    },
    "table": {
        "tickets": ("工单", "Tickets"),
        "surveys": ("满意度调查", "Surveys"),
        "agents": ("坐席", "Agents"),
        "training": ("培训记录", "Training"),
        "feedback_360": ("360 度评价", "360 feedback"),
        "employee_survey": ("员工满意度调查", "Employee survey"),
        "kano_responses": ("Kano 问卷", "Kano responses"),
        "objectives": ("目标", "Objectives"),
    },
}
# A skill (training, capability) is a ticket category or a 360 competency.
VALUE_LABELS["skill"] = VALUE_LABELS["competency"] | VALUE_LABELS["category"]


def value_label(field: str, value: object, lang: str) -> str:
    """`value` of `field` in `lang` ("zh" or "en"); the value itself where the catalog has no
    word for it (and "" for a missing value)."""
    if value is None or value != value:  # None or NaN
        return ""
    words = VALUE_LABELS.get(field, {}).get(str(value))
    if words is None:
        return str(value)
    return words[0] if lang == "zh" else words[1]


# A contract column whose values the catalog words under another field name.
FIELD_OF_COLUMN = {"customer_segment": "segment"}


def column_value_label(column: str, value: object, lang: str) -> str:
    """A value of the data contract's `column` ("customer_segment") in `lang`."""
    return value_label(FIELD_OF_COLUMN.get(column, column), value, lang)


def value_labels(field: str, values: Iterable[object], lang: str) -> dict[object, str]:
    """Each of `values` → its label: a `format_func` or a `.map` argument."""
    return {value: value_label(field, value, lang) for value in values}


# Text keys (in the dashboard catalog's form) that the dashboard and the reports both word.
WORDS: dict[str, dict[str, str]] = {
    "insufficient_data": {"en": "Insufficient data", "zh": "数据不足"},
    "list_separator": {"en": ", ", "zh": "、"},
    # the registry's units that are English abbreviations (UNIT_WORDS)
    "unit_min": {"en": "min", "zh": "分钟"},
    "unit_per_day": {"en": "/day", "zh": "/天"},
    "unit_hours_per_day": {"en": "h/day", "zh": "小时/天"},
    "unit_points": {"en": "pts", "zh": "分"},
    "unit_percentage_points": {"en": "pts", "zh": "个百分点"},
    "target_met": {"en": "met", "zh": "达标"},
    "target_missed": {"en": "missed", "zh": "未达标"},
    "grade_excellent": {"en": "Excellent", "zh": "优秀"},
    "grade_good": {"en": "Good", "zh": "良好"},
    "grade_satisfactory": {"en": "Satisfactory", "zh": "合格"},
    "grade_unsatisfactory": {"en": "Unsatisfactory", "zh": "不合格"},
}
# The registry's units that are English abbreviations → their text key; the others ("/5",
# "%", "¥") read the same in both languages.
UNIT_WORDS = {"min": "unit_min", "/day": "unit_per_day", "h/day": "unit_hours_per_day",
              "pts": "unit_points"}  # fmt: skip


def word(key: str, lang: str) -> str:
    """One of `WORDS` in `lang` (English where it has no word in `lang`)."""
    return WORDS[key].get(lang) or WORDS[key]["en"]


def grade_label(grade: str | None, lang: str) -> str:
    """A grade's name; anything that is not a grade (None, "insufficient_data") reads as
    insufficient data."""
    key = f"grade_{grade}"
    return word(key if isinstance(grade, str) and key in WORDS else "insufficient_data", lang)


def unit_word(k: KPI, lang: str) -> str:
    """The KPI's unit in `lang` ("分钟" for "min")."""
    return word(UNIT_WORDS[k.unit], lang) if k.unit in UNIT_WORDS else k.unit


def kpi_value(k: KPI, value: float | None, lang: str) -> str:
    """A value of the KPI as users read it: its format (rates as %) and its unit worded in
    `lang`, as `KPI.format` writes it in English; "" for no value (never "nan")."""
    if value is None or value != value:
        return ""
    text = format(value, k.fmt)
    return text if k.unit in ("", "%") else f"{text} {unit_word(k, lang)}"


def shown_as_zero(k: KPI, change: float) -> bool:
    """Whether a change rounds to zero in the KPI's format (so it reads as no change)."""
    if k.fmt.endswith("%"):
        return round(abs(change) * 100, 1) == 0
    return float(format(abs(change), k.fmt).replace(",", "")) == 0


def kpi_change(k: KPI, change: float | None, lang: str) -> str | None:
    """A change of the KPI: percentage points for rates, else signed units worded in
    `lang`; a change that rounds to zero reads "0" without a sign (never "-0")."""
    if change is None or change != change:
        return None
    if shown_as_zero(k, change):
        change = 0.0
    sign = "+" if change > 0 else ""
    if k.fmt.endswith("%"):
        return f"{sign}{change * 100:.1f} {word('unit_percentage_points', lang)}"
    return sign + kpi_value(k, change, lang)
