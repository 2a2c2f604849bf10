"""The KPI registry: every indicator declared once.

Cards, sliders, tables, exports, the score command and the docs all read these
declarations. Each KPI is computed in SQL from one per-row expression over a *grain*:

- `ticket`: one row per accepted ticket in the filter (derived columns in metrics.py);
- `survey`: one row per accepted survey whose ticket is in the filter;
- `agent`: one row per agent in scope (for per-agent totals such as training hours);
- `feedback`: one row per 360 rating of an agent in scope whose period is in range.

Kinds: `rate` (the expression is a boolean; NULL means "not eligible"), `mean` (average
of the expression), `quantile` (a percentile of the expression), `per_day` (the sum of the
expression per working day employed in the period: Monday to Friday, between the agent's hire
and left dates, `Query.working_days`; a group's days are its agents' days summed, so a team's
value is per agent and working day). Volumes are `per_day`, so a month and a year, a joiner
and a stayer, are comparable. A KPI whose table or columns are absent from the dataset is
unavailable, never zero.

A declaration names every field (`KPI(id=..., floor=..., target=...)`; positional values
are refused) and is checked when it is made: each `Literal` field holds one of its values,
the targets run the KPI's way (floor < target < stretch when higher is better, floor >
target > stretch when lower is better), the minimum sample is at least 1, the weight is not
negative, both languages are present. The registry is checked once more at import (ids
unique, every perspective named in both languages). A problem raises
`KPIDeclarationError` listing every problem found, each as `<kpi id>.<field>: …`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Literal, get_args, get_origin, get_type_hints

Kind = Literal["rate", "mean", "quantile", "per_day"]
Direction = Literal["higher", "lower"]  # which way is better
Grain = Literal["ticket", "survey", "agent", "feedback"]
Perspective = Literal["financial", "customer", "process", "learning"]
Shrink = Literal["beta", "mean"]  # beta-binomial for rates, Bayesian average for ratings

KINDS: tuple[str, ...] = get_args(Kind)
DIRECTIONS: tuple[str, ...] = get_args(Direction)
GRAINS: tuple[str, ...] = get_args(Grain)
SHRINKS: tuple[str, ...] = get_args(Shrink)

PERSPECTIVES: dict[Perspective, dict[str, str]] = {
    "financial": {"en": "Financial", "zh": "财务"},
    "customer": {"en": "Customer", "zh": "客户"},
    "process": {"en": "Internal process", "zh": "内部流程"},
    "learning": {"en": "Learning and growth", "zh": "学习与成长"},
}

_ID = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")  # `__` is kept for the __num/__den columns
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


class KPIDeclarationError(ValueError):
    """One or more KPI declarations are wrong; `problems` lists each as `<id>.<field>: …`."""

    def __init__(self, problems: Iterable[str]):
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the KPI declarations:\n"
            + "\n".join(f"  - {p}" for p in self.problems)
        )


@dataclass(frozen=True, kw_only=True)
class KPI:
    id: str
    label_en: str
    label_zh: str
    description: str
    description_zh: str
    formula: str  # plain-language formula shown in explain and docs
    formula_zh: str
    perspective: Perspective
    direction: Direction
    unit: str
    fmt: str  # Python format spec for display, e.g. ".1%"
    grain: Grain
    kind: Kind
    expr: str  # SQL expression per row of the grain
    quantile: float | None = None  # the percentile of a `quantile` KPI, in (0, 1)
    requires: tuple[tuple[str, str], ...]  # (table, column) the KPI needs
    shrink: Shrink | None = None
    scale: tuple[float, float] | None = None  # possible range of a rating
    min_sample: int  # fewest cases (the denominator) an agent is judged on
    floor: float  # normalised to 0
    target: float  # normalised to 100
    stretch: float | None = None  # capped bonus above 100 up to here
    weight: float  # default weight in the composite (any non-negative number)

    def __new__(cls, *args: object, **kwargs: object) -> KPI:
        if args:
            names = [f.name for f in fields(cls)][: len(args)]
            raise TypeError(
                f"KPI {args[0]!r}: fields are keyword-only, write KPI(id=..., label_en=..., "
                f"...); got {len(args)} positional values (would be {', '.join(names)})"
            )
        return super().__new__(cls)

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems and not _declaring_registry:
            raise KPIDeclarationError(problems)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    def problems(self) -> list[str]:
        """Everything wrong with this declaration, each as `<id>.<field>: …` (empty: valid)."""
        name = self.id if isinstance(self.id, str) and self.id else "<no id>"
        return [f"{name}.{field}: {text}" for field, text in _problems(self)]

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


# --------------------------------------------------------------------------------------
# Declaration checks


def _literal_fields() -> dict[str, tuple[object, ...]]:
    """Field → allowed values, for every field typed with a Literal (or Literal | None)."""
    allowed = {}
    for name, hint in get_type_hints(KPI).items():
        options = get_args(hint) if get_origin(hint) is Literal else ()
        for member in () if options else get_args(hint):
            if get_origin(member) is Literal:
                options += get_args(member)
            elif member is type(None):
                options += (None,)
        if any(o is not None for o in options):
            allowed[name] = options
    return allowed


_LITERALS = _literal_fields()
# True only while KPIS below is declared: a wrong declaration is not raised on its own, so
# that check_registry(KPIS) reports the problems of every declaration in one error.
_declaring_registry = False
_TEXTS = ("label_en", "label_zh", "description", "description_zh", "formula", "formula_zh")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _problems(k: KPI) -> list[tuple[str, str]]:
    """(field, problem) pairs of one declaration."""
    out: list[tuple[str, str]] = []
    if not (isinstance(k.id, str) and _ID.fullmatch(k.id)):
        out.append(("id", f"{k.id!r} is not a lower_snake_case id"))
    for name, options in _LITERALS.items():
        value = getattr(k, name)
        if value not in options:
            known = ", ".join("None" if o is None else repr(o) for o in options)
            out.append((name, f"{value!r} is not one of {known}"))
    for name in _TEXTS:
        value = getattr(k, name)
        if not (isinstance(value, str) and value.strip()):
            out.append((name, "is missing"))
    if isinstance(k.label_zh, str) and k.label_zh.strip() and not _CHINESE.search(k.label_zh):
        out.append(("label_zh", f"{k.label_zh!r} has no Chinese"))
    for name in ("unit", "expr", "fmt"):
        if not isinstance(getattr(k, name), str):
            out.append((name, f"{getattr(k, name)!r} is not text"))
    if not (isinstance(k.expr, str) and k.expr.strip()):
        out.append(("expr", "is empty"))
    if isinstance(k.fmt, str):
        try:
            format(1.0, k.fmt)
        except ValueError:
            out.append(("fmt", f"{k.fmt!r} is not a format spec for a number"))
    out += _requires_problems(k.requires)
    out += _kind_problems(k)
    out += _target_problems(k)
    if not (isinstance(k.min_sample, int) and not isinstance(k.min_sample, bool)):
        out.append(("min_sample", f"{k.min_sample!r} is not a whole number"))
    elif k.min_sample < 1:
        out.append(("min_sample", f"{k.min_sample} is below 1"))
    if not _is_number(k.weight):
        out.append(("weight", f"{k.weight!r} is not a finite number"))
    elif k.weight < 0:
        out.append(("weight", f"{k.weight:g} is negative"))
    return out


def _requires_problems(requires: object) -> list[tuple[str, str]]:
    pairs = requires if isinstance(requires, tuple) else ()
    valid = all(
        isinstance(p, tuple) and len(p) == 2 and all(isinstance(s, str) and s for s in p)
        for p in pairs
    )
    if not pairs or not valid:
        return [("requires", f"{requires!r} is not a non-empty tuple of (table, column)")]
    return []


def _kind_problems(k: KPI) -> list[tuple[str, str]]:
    out = []
    if k.kind == "quantile":
        if not (_is_number(k.quantile) and 0 < k.quantile < 1):
            out.append(("quantile", f"{k.quantile!r} must lie strictly between 0 and 1"))
    elif k.quantile is not None:
        out.append(("quantile", f"is set ({k.quantile!r}) on a {k.kind!r} KPI"))
    wanted = {"beta": "rate", "mean": "mean"}.get(k.shrink) if isinstance(k.shrink, str) else None
    if wanted and k.kind in KINDS and k.kind != wanted:
        out.append(("shrink", f"{k.shrink!r} shrinks {wanted} KPIs, not a {k.kind!r} one"))
    if k.scale is not None:
        lo_hi = k.scale if isinstance(k.scale, tuple) and len(k.scale) == 2 else ()
        if not (all(_is_number(v) for v in lo_hi) and lo_hi and lo_hi[0] < lo_hi[1]):
            out.append(("scale", f"{k.scale!r} is not a (low, high) range"))
    return out


def _target_problems(k: KPI) -> list[tuple[str, str]]:
    """Floor, target and stretch are numbers, run the KPI's way and lie in its range."""
    names = ("floor", "target") + (("stretch",) if k.stretch is not None else ())
    bad = [n for n in names if not _is_number(getattr(k, n))]
    if bad:
        return [(n, f"{getattr(k, n)!r} is not a finite number") for n in bad]
    values = {n: getattr(k, n) for n in names}
    out = []
    if k.direction in DIRECTIONS:
        higher = k.direction == "higher"
        rule = "floor < target < stretch" if higher else "floor > target > stretch"
        way = f"({k.direction} is better: {rule})"
        for name in names[::2]:  # floor and stretch, each against the target
            below = (name == "floor") == higher
            if not (values[name] < k.target if below else values[name] > k.target):
                where = "below" if below else "above"
                out.append(
                    (name, f"{values[name]:g} must be {where} the target {k.target:g} {way}")
                )
    lo, hi = (0, 1) if k.kind == "rate" else (k.scale or (-math.inf, math.inf))
    for name, value in values.items():
        if not lo <= value <= hi:
            out.append((name, f"{value:g} lies outside the possible range {lo:g} … {hi:g}"))
    return out


def registry_problems(kpis: Iterable[KPI]) -> list[str]:
    """Everything wrong with a set of declarations: each KPI's own problems, duplicate ids,
    perspectives without a name in both languages."""
    kpis = tuple(kpis)
    out = [p for k in kpis for p in k.problems()]
    seen: set[str] = set()
    for k in kpis:
        if k.id in seen:
            out.append(f"{k.id}.id: declared more than once")
        seen.add(k.id)
    for key in get_args(Perspective):
        names = PERSPECTIVES.get(key, {})
        if not all(isinstance(names.get(lang), str) and names[lang] for lang in ("en", "zh")):
            out.append(f"PERSPECTIVES[{key!r}]: needs a name in en and zh")
    for key in set(PERSPECTIVES) - set(get_args(Perspective)):
        out.append(f"PERSPECTIVES[{key!r}]: not a Perspective")
    return out


def check_registry(kpis: Iterable[KPI]) -> None:
    """Raise one KPIDeclarationError listing every problem of these declarations."""
    problems = registry_problems(kpis)
    if problems:
        raise KPIDeclarationError(problems)


# --------------------------------------------------------------------------------------
# The declarations


def _t(column: str) -> tuple[str, str]:
    return ("tickets", column)


def _s(column: str) -> tuple[str, str]:
    return ("surveys", column)


def _survey_dimension(id_: str, en: str, zh: str, column: str, weight: float) -> KPI:
    return KPI(
        id=id_,
        label_en=en,
        label_zh=zh,
        description=f"Mean survey rating of {en.lower()} (1–5).",
        description_zh=f"回访调查中“{zh}”评分的平均值（1–5 分）。",
        formula=f"mean({column}) over surveys of the agent's tickets",
        formula_zh=f"该坐席工单回访中 {column} 的平均值",
        perspective="customer",
        direction="higher",
        unit="/5",
        fmt=".2f",
        grain="survey",
        kind="mean",
        expr=f"CAST({column} AS DOUBLE)",
        requires=(_s(column),),
        shrink="mean",
        scale=(1, 5),
        min_sample=5,
        floor=3.5,
        target=4.5,
        stretch=4.9,
        weight=weight,
    )


_declaring_registry = True
KPIS: tuple[KPI, ...] = (
    KPI(
        id="csat",
        label_en="Customer satisfaction",
        label_zh="客户满意度",
        description="Mean overall satisfaction of post-service surveys (1–5).",
        description_zh="售后回访调查中总体满意度评分的平均值（1–5 分）。",
        formula="mean(csat) over surveys of the agent's tickets",
        formula_zh="该坐席工单回访中 csat 的平均值",
        perspective="customer",
        direction="higher",
        unit="/5",
        fmt=".2f",
        grain="survey",
        kind="mean",
        expr="CAST(csat AS DOUBLE)",
        requires=(_s("csat"),),
        shrink="mean",
        scale=(1, 5),
        min_sample=5,
        floor=3.5,
        target=4.5,
        stretch=4.9,
        weight=20,
    ),
    KPI(
        id="csat_satisfied",
        label_en="Satisfied customers",
        label_zh="满意率",
        description="Share of surveys scoring 4 or 5.",
        description_zh="回访评分为 4 分或 5 分的调查占比。",
        formula="surveys with csat ≥ 4 / surveys",
        formula_zh="csat ≥ 4 的调查数 / 调查数",
        perspective="customer",
        direction="higher",
        unit="%",
        fmt=".1%",
        grain="survey",
        kind="rate",
        expr="csat >= 4",
        requires=(_s("csat"),),
        shrink="beta",
        min_sample=5,
        floor=0.6,
        target=0.9,
        stretch=0.98,
        weight=0,
    ),
    KPI(
        id="first_response_median",
        label_en="First response time (median)",
        label_zh="首次响应时间（中位数）",
        description="Median minutes from ticket creation to the first response.",
        description_zh="从工单创建到首次响应的分钟数的中位数。",
        formula="median(first_response_at − created_at) in minutes",
        formula_zh="(first_response_at − created_at) 的中位数，单位为分钟",
        perspective="process",
        direction="lower",
        unit="min",
        fmt=",.0f",
        grain="ticket",
        kind="quantile",
        expr="frt_minutes",
        quantile=0.5,
        requires=(_t("first_response_at"),),
        min_sample=20,
        floor=12,
        target=6,
        stretch=4,
        weight=10,
    ),
    KPI(
        id="first_response_p90",
        label_en="First response time (P90)",
        label_zh="首次响应时间（P90）",
        description="90th percentile of minutes from creation to first response.",
        description_zh="从工单创建到首次响应的分钟数的第 90 百分位数。",
        formula="90th percentile of (first_response_at − created_at) in minutes",
        formula_zh="(first_response_at − created_at) 的第 90 百分位数，单位为分钟",
        perspective="process",
        direction="lower",
        unit="min",
        fmt=",.0f",
        grain="ticket",
        kind="quantile",
        expr="frt_minutes",
        quantile=0.9,
        requires=(_t("first_response_at"),),
        min_sample=20,
        floor=60,
        target=30,
        stretch=15,
        weight=0,
    ),
    KPI(
        id="sla_response",
        label_en="SLA response attainment",
        label_zh="响应时限达成率",
        description="Share of tickets with a response target answered within it.",
        description_zh="设有响应时限的工单中，在时限内首次响应的占比。",
        formula=(
            "tickets first answered within sla_response_minutes / tickets with a response target"
        ),
        formula_zh="在 sla_response_minutes 内首次响应的工单 / 设有响应时限的工单",
        perspective="process",
        direction="higher",
        unit="%",
        fmt=".1%",
        grain="ticket",
        kind="rate",
        expr="sla_response_met",
        requires=(_t("first_response_at"), _t("sla_response_minutes")),
        shrink="beta",
        min_sample=20,
        floor=0.95,
        target=0.99,
        stretch=0.9995,
        weight=10,
    ),
    KPI(
        id="sla_resolution",
        label_en="SLA resolution attainment",
        label_zh="解决时限达成率",
        description="Share of tickets with a resolution target resolved within it.",
        description_zh="设有解决时限的工单中，在时限内解决的占比。",
        formula=(
            "tickets resolved within sla_resolve_hours / tickets with a resolution target whose "
            "deadline has passed or that are resolved"
        ),
        formula_zh="在 sla_resolve_hours 内解决的工单 / 设有解决时限且已到期或已解决的工单",
        perspective="process",
        direction="higher",
        unit="%",
        fmt=".1%",
        grain="ticket",
        kind="rate",
        expr="sla_resolution_met",
        requires=(_t("resolved_at"), _t("sla_resolve_hours")),
        shrink="beta",
        min_sample=20,
        floor=0.7,
        target=0.95,
        stretch=0.99,
        weight=10,
    ),
    KPI(
        id="resolution_rate",
        label_en="Resolution rate",
        label_zh="问题解决率",
        description="Share of tickets resolved.",
        description_zh="已解决工单的占比。",
        formula="resolved tickets / tickets",
        formula_zh="已解决工单 / 工单",
        perspective="customer",
        direction="higher",
        unit="%",
        fmt=".1%",
        grain="ticket",
        kind="rate",
        expr="resolved_at IS NOT NULL",
        requires=(_t("resolved_at"),),
        shrink="beta",
        min_sample=20,
        floor=0.8,
        target=0.95,
        stretch=0.99,
        weight=5,
    ),
    KPI(
        id="fcr",
        label_en="First-contact resolution",
        label_zh="一次解决率",
        description="Share of resolved tickets fixed on the first contact or visit.",
        description_zh="已解决工单中，首次联系或首次上门即解决的占比。",
        formula="resolved tickets with contacts = 1 / resolved tickets with a contact count",
        formula_zh="contacts = 1 的已解决工单 / 记录了联系次数的已解决工单",
        perspective="customer",
        direction="higher",
        unit="%",
        fmt=".1%",
        grain="ticket",
        kind="rate",
        expr="CASE WHEN resolved_at IS NOT NULL THEN contacts = 1 END",
        requires=(_t("resolved_at"), _t("contacts")),
        shrink="beta",
        min_sample=20,
        floor=0.5,
        target=0.85,
        stretch=0.95,
        weight=15,
    ),
    KPI(
        id="repeat_rate",
        label_en="Repeat-issue rate",
        label_zh="重复问题发生率",
        description=(
            "Share of resolutions followed within the repeat window by a new ticket of the same "
            "customer and contact about the same category and product, compared within the "
            "customer segment: restated as if every customer were of the segment that repeats "
            "least, so a repeat of a segment that comes back more often weighs less."
        ),
        description_zh=(
            "解决后在重复问题窗口内，同一客户的同一联系人又就同一类别、同一产品提交新工单的占比，"
            "在客户类型内比较：按重复最少的客户类型折算，重复更常见的客户类型，其重复问题权重更低。"
        ),
        formula=(
            "Σ repeat × (lowest customer-segment repeat rate above 0 / repeat rate of the "
            "resolution's segment) / resolved tickets whose window has fully passed; a repeat: the "
            "resolved ticket is followed within the window by a new ticket of the same "
            "customer_id and contact_id, category and product (those present), counted against "
            "the resolving agent"
        ),
        formula_zh=(
            "Σ 重复 × (大于 0 的最低客户类型重复率 / 该工单客户类型的重复率) / "
            "窗口已完全过去的已解决工单；重复：解决后窗口内出现同一 customer_id 和 contact_id、"
            "同一类别和产品（有该列时）的新工单，计入解决该工单的坐席"
        ),
        perspective="process",
        direction="lower",
        unit="%",
        fmt=".1%",
        grain="ticket",
        kind="rate",
        expr="repeat_vs_segment",
        requires=(_t("resolved_at"), _t("customer_id")),
        shrink="beta",
        min_sample=20,
        floor=0.25,
        target=0.05,
        stretch=0.02,
        weight=10,
    ),
    KPI(
        id="repeat_rate_raw",
        label_en="Repeat-issue rate (all segments alike)",
        label_zh="重复问题发生率（不分客户类型）",
        description=(
            "Share of resolutions followed within the repeat window by a new ticket of the same "
            "customer and contact about the same category and product, not compared within "
            "the customer segment."
        ),
        description_zh=(
            "解决后在重复问题窗口内，同一客户的同一联系人又就同一类别、同一产品提交新工单的占比，"
            "不按客户类型比较。"
        ),
        formula=(
            "resolved tickets followed within the window by a new ticket (same customer_id and "
            "contact_id, category and product, those present) / resolved tickets whose window "
            "has fully passed"
        ),
        formula_zh=(
            "窗口内出现新工单（同一 customer_id 和 contact_id、同一类别和产品，有该列时）的已解决"
            "工单 / 窗口已完全过去的已解决工单"
        ),
        perspective="process",
        direction="lower",
        unit="%",
        fmt=".1%",
        grain="ticket",
        kind="rate",
        expr="is_repeat_source",
        requires=(_t("resolved_at"), _t("customer_id")),
        shrink="beta",
        min_sample=20,
        floor=0.25,
        target=0.05,
        stretch=0.02,
        weight=0,
    ),
    KPI(
        id="reopen_rate",
        label_en="Reopen rate",
        label_zh="重开率",
        description="Share of tickets reopened after being resolved.",
        description_zh="解决后又被重新打开的工单占比。",
        formula="reopened tickets / tickets with a reopened flag",
        formula_zh="重开的工单 / 记录了重开标记的工单",
        perspective="process",
        direction="lower",
        unit="%",
        fmt=".1%",
        grain="ticket",
        kind="rate",
        expr="reopened",
        requires=(_t("reopened"),),
        shrink="beta",
        min_sample=20,
        floor=0.2,
        target=0.03,
        stretch=0.01,
        weight=5,
    ),
    KPI(
        id="handle_minutes",
        label_en="Average handle time",
        label_zh="平均处理时长",
        description="Mean agent working minutes per ticket.",
        description_zh="每张工单坐席的平均处理分钟数。",
        formula="mean(handle_minutes)",
        formula_zh="handle_minutes 的平均值",
        perspective="process",
        direction="lower",
        unit="min",
        fmt=",.0f",
        grain="ticket",
        kind="mean",
        expr="handle_minutes",
        requires=(_t("handle_minutes"),),
        min_sample=20,
        floor=120,
        target=40,
        stretch=25,
        weight=5,
    ),
    KPI(
        id="complaint_rate",
        label_en="Complaint rate",
        label_zh="投诉率",
        description="Share of tickets that are complaints.",
        description_zh="投诉工单的占比。",
        formula="complaint tickets / tickets",
        formula_zh="投诉工单 / 工单",
        perspective="customer",
        direction="lower",
        unit="%",
        fmt=".1%",
        grain="ticket",
        kind="rate",
        expr="is_complaint",
        requires=(_t("is_complaint"),),
        shrink="beta",
        min_sample=20,
        floor=0.2,
        target=0.05,
        stretch=0.02,
        weight=5,
    ),
    KPI(
        id="escalation_rate",
        label_en="Escalation rate",
        label_zh="升级率",
        description="Share of tickets escalated to another tier.",
        description_zh="升级到其他层级处理的工单占比。",
        formula="escalated tickets / tickets",
        formula_zh="升级的工单 / 工单",
        perspective="process",
        direction="lower",
        unit="%",
        fmt=".1%",
        grain="ticket",
        kind="rate",
        expr="escalated",
        requires=(_t("escalated"),),
        shrink="beta",
        min_sample=20,
        floor=0.25,
        target=0.08,
        stretch=0.03,
        weight=0,
    ),
    KPI(
        id="parts_cost",
        label_en="Parts cost per ticket",
        label_zh="单均配件成本",
        description="Mean spare-parts cost per ticket that records one.",
        description_zh="记录了配件成本的工单的平均配件成本。",
        formula="mean(parts_cost)",
        formula_zh="parts_cost 的平均值",
        perspective="financial",
        direction="lower",
        unit="¥",
        fmt=",.0f",
        grain="ticket",
        kind="mean",
        expr="parts_cost",
        requires=(_t("parts_cost"),),
        min_sample=20,
        floor=300,
        target=80,
        stretch=40,
        weight=5,
    ),
    KPI(
        id="workload",
        label_en="Workload (resolved a working day)",
        label_zh="日均工单量",
        description="Tickets resolved per working day employed in the period.",
        description_zh="期间内在职的每个工作日解决的工单数。",
        formula=(
            "resolved tickets / working days employed in the period (working day: Monday to "
            "Friday, from hire_date to the day before left_date; team and department: their "
            "agents' resolved tickets / their agents' working days)"
        ),
        formula_zh=(
            "已解决工单数 / 期间内在职的工作日数（工作日：周一至周五，自 hire_date 起至 left_date "
            "前一天；班组和部门：其坐席的已解决工单数之和 / 其坐席的工作日数之和）"
        ),
        perspective="process",
        direction="higher",
        unit="/day",
        fmt=",.2f",
        grain="ticket",
        kind="per_day",
        expr="CASE WHEN resolved_at IS NOT NULL THEN 1 END",
        requires=(_t("resolved_at"),),
        min_sample=5,  # working days: an agent employed under a week is not judged on it
        floor=2,
        target=4,
        stretch=5,
        weight=5,
    ),
    _survey_dimension("attitude", "Service attitude", "服务态度", "attitude", 0),
    _survey_dimension("quality", "Repair quality", "维修质量", "quality", 0),
    _survey_dimension("speed", "Response speed (survey)", "响应速度", "speed", 0),
    KPI(
        id="nps",
        label_en="Net promoter score",
        label_zh="净推荐值",
        description="Promoters (9–10) minus detractors (0–6), in points.",
        description_zh="推荐者（9–10 分）占比减去贬损者（0–6 分）占比，单位为点。",
        formula="100 × (promoters − detractors) / answers",
        formula_zh="100 × (推荐者 − 贬损者) / 回答数",
        perspective="customer",
        direction="higher",
        unit="pts",
        fmt=",.0f",
        grain="survey",
        kind="mean",
        expr=(
            "CASE WHEN nps >= 9 THEN 100.0 WHEN nps <= 6 THEN -100.0 "
            "WHEN nps IS NOT NULL THEN 0.0 END"
        ),
        requires=(_s("nps"),),
        min_sample=5,
        floor=-20,
        target=40,
        stretch=70,
        weight=0,
    ),
    KPI(
        id="training_hours",
        label_en="Training hours (a working day)",
        label_zh="日均培训学时",
        description=(
            "Training hours completed per working day employed, over the year up to the "
            "period's end, or the data's first year where the data is shorter (courses are "
            "occasional: a month alone would leave most agents at 0)."
        ),
        description_zh=(
            "截至期间末的一年内（数据不足一年时取数据的第一年），在职的每个工作日完成的培训学时"
            "（课程是偶发的：只看一个月，多数坐席为 0）。"
        ),
        formula=(
            "sum(hours) of courses completed in the year up to the period's last day (the "
            "period itself when longer; where that year starts before the data, the data's "
            "first year: its first day to a year later or its last day) / working "
            "days employed in that span (working day: Monday to Friday, from hire_date to the "
            "day before left_date; team: its agents' hours / its agents' working days)"
        ),
        formula_zh=(
            "截至期间最后一天的一年内（期间更长时取期间；该年早于数据首日时，取数据的第一年："
            "自数据首日起一年或至数据末日）完成课程的学时之和 / "
            "该时段内在职的工作日数（工作日：周一至周五，自 hire_date 起至 left_date 前一天；"
            "班组：其坐席的学时之和 / 其坐席的工作日数之和）"
        ),
        perspective="learning",
        direction="higher",
        unit="h/day",
        fmt=",.3f",
        grain="agent",
        kind="per_day",
        expr="training_hours",
        requires=(("training", "hours"),),
        min_sample=5,  # working days: an agent employed under a week is not judged on it
        floor=0,
        target=0.06,  # about 16 h a year of 250 working days
        stretch=0.12,
        weight=2.5,
    ),
    KPI(
        id="teamwork_360",
        label_en="Teamwork (360)",
        label_zh="团队合作（360）",
        description=(
            "Mean teamwork rating from supervisor, peers, subordinates and customers "
            "(self excluded)."
        ),
        description_zh="主管、同事、下属和客户给出的团队合作评分平均值（不含自评）。",
        formula="mean(score) of 360 ratings on teamwork, reviewer_role ≠ self",
        formula_zh="360 评估中 teamwork 评分的平均值，reviewer_role ≠ self",
        perspective="learning",
        direction="higher",
        unit="/5",
        fmt=".2f",
        grain="feedback",
        kind="mean",
        expr="CASE WHEN competency = 'teamwork' AND reviewer_role <> 'self' THEN score END",
        requires=(("feedback_360", "score"),),
        shrink="mean",
        scale=(1, 5),
        min_sample=3,
        floor=2.5,
        target=4.0,
        stretch=4.7,
        weight=2.5,
    ),
)
_declaring_registry = False
check_registry(KPIS)

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
