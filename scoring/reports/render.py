"""A report's content (`scoring.reports.content`) as one self-contained HTML page in zh or
en: inline CSS, charts as inline SVG, no script, nothing fetched. It prints as it shows
(A4, `scoring.reports.pdf` prints it to PDF). Every value from the data or from users
(names, teams, measures, owners, feedback) is escaped.

Chinese: the page names the Noto CJK fonts (Debian's fonts-noto-cjk, which .ci/run installs)
before the systems' own Chinese fonts; the PDF embeds the glyphs it uses, so it reads the
same on a machine without them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from html import escape

import pandas as pd

from scoring.analyses.diagnostics import BOTTLENECK_RULE
from scoring.engine.scorecard import NOTE_NO_DATA, NOTE_TOO_FEW_CASES
from scoring.registry.kpis import KPIS_BY_ID
from scoring.registry.values import grade_label, kpi_change, kpi_value, value_label, word
from scoring.reports import svg
from scoring.reports.content import TREND_MONTHS, AgentReport, DepartmentReport
from scoring.reports.texts import text
from scoring.stores.actions import Action

FONTS = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif'
)
STYLE = f"""
@page {{ size: A4; margin: 14mm 12mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONTS}; color: #222; font-size: 10.5pt; line-height: 1.45;
       max-width: 190mm; margin: 0 auto; }}
h1 {{ font-size: 17pt; margin: 0 0 2mm; }}
h2 {{ font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #c8ced6;
      padding-bottom: 1mm; break-after: avoid; }}
.meta {{ color: #555; margin: 0 0 1mm; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 3mm; margin: 4mm 0; }}
.card {{ border: 1px solid #c8ced6; border-radius: 2mm; padding: 2mm 3mm; min-width: 32mm; }}
.card .label {{ color: #555; font-size: 9pt; }}
.card .value {{ font-size: 14pt; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; font-size: 9pt; margin: 1mm 0 2mm;
         break-inside: auto; }}
th, td {{ border-bottom: 1px solid #e1e4e8; padding: 1mm 1.5mm; text-align: left;
          vertical-align: top; }}
th {{ background: #f2f4f7; }}
td.num, th.num {{ text-align: right; white-space: nowrap; }}
tr {{ break-inside: avoid; }}
tr.total td {{ font-weight: bold; border-top: 1px solid #888; }}
.met {{ color: #1e7b34; }}
.missed {{ color: #b03a2e; }}
.note {{ color: #555; font-size: 9pt; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 2mm; }}
svg.chart {{ break-inside: avoid; }}
ul {{ margin: 1mm 0 2mm; padding-left: 5mm; }}
section {{ break-inside: auto; }}
"""


# ---------------------------------------------------------------------------------------
# Small pieces


def _finite(value) -> bool:
    try:
        return value is not None and not pd.isna(value) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _value(kpi_id: str, value, lang: str) -> str:
    return kpi_value(KPIS_BY_ID[kpi_id], float(value), lang) if _finite(value) else "—"


def _one(value) -> str:
    return f"{float(value):.1f}" if _finite(value) else "—"


def _share(value) -> str:
    return f"{float(value):.1%}" if _finite(value) else "—"


def _count(value) -> str:
    return f"{float(value):,.0f}" if _finite(value) else "—"


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[int] = (),
    total: Sequence[str] | None = None,
) -> str:
    """A table of already escaped cells; `numeric` columns right-aligned."""

    def cells(row: Sequence[str], tag: str) -> str:
        return "".join(
            f"<{tag}{' class=num' if i in numeric else ''}>{cell}</{tag}>"
            for i, cell in enumerate(row)
        )

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    foot = f'<tr class="total">{cells(total, "td")}</tr>' if total else ""
    return (
        f"<table><thead><tr>{cells(headers, 'th')}</tr></thead><tbody>{body}{foot}</tbody></table>"
    )


def _section(title: str, *parts: str) -> str:
    return f"<section><h2>{escape(title)}</h2>{''.join(parts)}</section>"


def _note(words: str) -> str:
    return f'<p class="note">{escape(words)}</p>'


def _mark(met: bool, lang: str) -> str:
    css = "met" if met else "missed"
    return (
        f'<span class="{css}">{escape(word("target_met" if met else "target_missed", lang))}</span>'
    )


def _period(start: date | None, end: date | None, lang: str) -> str:
    if start is None and end is None:
        return text("report_all_data", lang)
    return text("report_period", lang, start=start or "…", end=end or "…")


def _page(lang: str, title: str, header: Sequence[str], body: Sequence[str]) -> str:
    meta = "".join(f'<p class="meta">{escape(line)}</p>' for line in header)
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{meta}{''.join(body)}</body></html>"
    )


def _month_label(month) -> str:
    return pd.Timestamp(month).strftime("%Y-%m")


def _trend(trend: pd.DataFrame, kpi_ids: Sequence[str], targets: dict, lang: str) -> str:
    if trend.empty or not kpi_ids:
        return _section(text("report_trend", lang), _note(text("report_no_trend", lang)))
    labels = [_month_label(m) for m in trend["month"]]
    charts = []
    for kpi_id in kpi_ids:
        if kpi_id not in trend:
            continue
        k = KPIS_BY_ID[kpi_id]
        values = [float(v) if _finite(v) else float("nan") for v in trend[kpi_id]]
        charts.append(
            svg.line_chart(
                k.label(lang),
                labels,
                values,
                targets.get(kpi_id),
                lambda v, k=k: kpi_value(k, v, lang),
                bounds=(0.0, 1.0) if k.fmt.endswith("%") else None,
            )
        )
    return _section(
        text("report_trend", lang),
        f'<div class="charts">{"".join(charts)}</div>',
        _note(text("report_trend_note", lang, months=TREND_MONTHS)),
    )


def _action_rows(actions: Sequence[Action], lang: str, today: date) -> list[list[str]]:
    rows = []
    for a in actions:
        who = a.agent_id or text("report_action_team", lang, team=a.team)
        due = a.due_date.isoformat()
        if a.due_date < today and a.status in ("planned", "in_progress"):
            due = text("report_overdue", lang, due=due)
        rows.append(
            [
                escape(KPIS_BY_ID[a.kpi].label(lang) if a.kpi in KPIS_BY_ID else a.kpi),
                escape(a.measure),
                escape(who),
                escape(a.owner),
                escape(due),
                escape(text(f"report_action_{a.status}", lang)),
            ]
        )
    return rows


def _actions(title_key: str, actions: Sequence[Action], lang: str, today: date) -> str:
    if not actions:
        return _section(text(title_key, lang), _note(text("report_no_actions", lang)))
    headers = [
        escape(text(k, lang))
        for k in (
            "report_col_kpi",
            "report_col_measure",
            "report_col_who",
            "report_col_owner",
            "report_col_due",
            "report_col_status",
        )
    ]
    return _section(text(title_key, lang), _table(headers, _action_rows(actions, lang, today)))


def _training_line(row, lang: str) -> str:
    dimension = text(f"report_dimension_{row['dimension']}", lang)
    skill = (
        value_label("skill", row["skill"], lang)
        if row["dimension"] in ("category", "competency")
        else value_label(row["dimension"], row["skill"], lang)
    )  # noqa: E501
    rate = row["dimension"] != "competency" and abs(float(row["value"])) <= 1
    fmt = _share if rate else _one
    course = (
        text("report_training_course", lang, course=row["course"])
        if isinstance(row["course"], str)
        else ""
    )
    return text(
        "report_training_line",
        lang,
        skill=skill,
        dimension=dimension,
        value=fmt(row["value"]),
        reference=fmt(row["reference"]),
        cases=_count(row["cases"]),
        course=course,
    )


# ---------------------------------------------------------------------------------------
# The agent report


def _kpi_note(row, lang: str) -> str:
    code = row["note"]
    if code == NOTE_TOO_FEW_CASES:
        reason = text(
            "report_note_too_few_cases",
            lang,
            cases=_count(row["denominator"]),
            needed=int(row["min_sample"]),
        )
    elif code == NOTE_NO_DATA:
        reason = text("report_note_no_data", lang)
    else:
        reason = text("report_note_missing_columns", lang)
    return text("report_not_counted", lang, reason=reason)


def _kpi_table(report: AgentReport, lang: str) -> str:
    rows = []
    shown = report.kpis[(report.kpis["weight"].fillna(0) > 0) | report.kpis["reweighted"]]
    for _, row in shown.iterrows():
        kpi_id = row["kpi"]
        counted = not row["note"]
        interval = ""
        if _finite(row["interval_low"]) and _finite(row["interval_high"]):
            low, high = (_value(kpi_id, row[c], lang) for c in ("interval_low", "interval_high"))
            interval = f"{low} – {high}"
        status = _mark(bool(row["meets_target"]), lang) if _finite(row["scored"]) else ""
        label = escape(KPIS_BY_ID[kpi_id].label(lang))
        if not counted:
            label += f'<br><span class="note">{escape(_kpi_note(row, lang))}</span>'
        rows.append(
            [
                label,
                escape(_value(kpi_id, row["scored"], lang)),
                escape(interval),
                escape(_value(kpi_id, row["target"], lang)),
                escape(_value(kpi_id, row["team_median"], lang)),
                status,
                escape(_one(row["normalised"])) if counted else "",
                escape(_share(row["effective_weight"])) if counted else "",
                escape(_one(row["points"])) if counted else "",
            ]
        )
    s = report.standing
    graded = _finite(s.composite)
    total = [
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        escape(_share(1.0)),
        escape(_one(s.composite if graded else s.measured)),
    ]
    total[0] = escape(text("report_total", lang))
    headers = [
        escape(text(k, lang))
        for k in (
            "report_col_kpi",
            "report_col_value",
            "report_col_interval",
            "report_col_target",
            "report_col_team",
            "report_col_status",
            "report_col_score",
            "report_col_weight",
            "report_col_points",
        )
    ]
    return _table(headers, rows, numeric=(1, 3, 4, 6, 7, 8), total=total)


def _standing_line(report: AgentReport, lang: str) -> str:
    s = report.standing
    if s.few_tickets or s.low_coverage:
        reasons = []
        if s.few_tickets:
            reasons.append(
                text(
                    "report_few_tickets",
                    lang,
                    tickets=f"{s.tickets:,}",
                    needed=f"{report.min_tickets:,}",
                )
            )
        if s.low_coverage:
            reasons.append(
                text(
                    "report_low_coverage",
                    lang,
                    coverage=_share(s.coverage),
                    needed=_share(report.min_coverage),
                )
            )
        return text("report_not_graded", lang, reasons=word("list_separator", lang).join(reasons))
    return text(
        "report_grade_rule", lang, score=_one(s.composite), grade=grade_label(s.grade, lang)
    )


def _evidence(key: str, r, lang: str, **more) -> str:
    """A strength or gap with its evidence: value, target, team median, cases."""
    return text(key, lang, kpi=KPIS_BY_ID[r.kpi].label(lang), value=_value(r.kpi, r.value, lang),
                target=_value(r.kpi, r.target, lang), team=_value(r.kpi, r.team_median, lang),
                cases=_count(r.cases), **more)  # fmt: skip


def _card(label: str, value: str) -> str:
    return (
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div></div>'
    )


def _rank(rank: int | None, of: int, lang: str) -> str:
    return text("report_rank_of", lang, rank=rank, of=of) if rank is not None else "—"


def _money(amount: float | None, lang: str) -> str:
    return f"¥{amount:,.2f}" if amount is not None else text("report_no_payout", lang)


def agent_html(report: AgentReport, lang: str, made_on: date) -> str:
    """The agent report as an HTML page in `lang`."""
    s = report.standing
    cards = "".join(
        [
            _card(text("report_composite", lang), _one(s.composite)),
            _card(text("report_grade", lang), grade_label(s.grade, lang)),
            _card(
                text("report_dept_rank", lang),
                _rank(report.dept_rank, report.graded_in_department, lang),
            ),
            _card(
                text("report_team_rank", lang), _rank(report.team_rank, report.graded_in_team, lang)
            ),
            _card(text("report_team_mean", lang), _one(report.team_composite)),
            _card(text("report_tickets", lang), f"{s.tickets:,}"),
            _card(text("report_payout", lang), _money(report.payout, lang)),
        ]
    )
    strengths = [_evidence("report_strength_line", r, lang) for r in report.strengths.itertuples()]
    gaps = [
        _evidence("report_gap_line", r, lang, points=_one(r.points_to_target))
        for r in report.gaps.itertuples()
    ]
    training = [_training_line(row, lang) for _, row in report.training.iterrows()]
    rule = text(f"report_rule_{report.rule}", lang)
    body = [
        f'<div class="cards">{cards}</div>',
        f"<p>{escape(_standing_line(report, lang))}</p>",
        _section(
            text("report_kpis", lang),
            _note(text("report_kpis_intro", lang)),
            _kpi_table(report, lang),
        ),
        _section(
            text("report_strengths", lang), _list(strengths, text("report_no_strengths", lang))
        ),
        _section(text("report_gaps", lang), _list(gaps, text("report_no_gaps", lang))),
        _section(text("report_training", lang), _list(training, text("report_no_training", lang))),
        _trend(report.trend, report.trend_kpis, report.targets, lang),
        _actions("report_actions", report.actions, lang, made_on),
        feedback_section(report, lang),
        _section(
            text("report_payout", lang),
            f"<p>{escape(_money(report.payout, lang))}</p>",
            _note(text("report_payout_note", lang, pool=_money(report.pool, lang), rule=rule)),
        ),
    ]
    header = [
        text(
            "report_agent_line", lang, name=report.name, agent_id=report.agent_id, team=report.team
        ),
        _period(report.start, report.end, lang),
        text("report_scheme", lang, scheme=report.scheme.label(lang)),
        text("report_made_on", lang, day=made_on.isoformat()),
    ]
    return _page(lang, text("report_agent_title", lang), header, body)


def feedback_section(report: AgentReport, lang: str) -> str:
    """Feedback talks and what was agreed, where a store of them was given (the seam for
    appraisal periods and feedback talks: `content.FeedbackSource`); nothing otherwise."""
    if report.feedback is None:
        return ""
    lines = []
    for note in report.feedback:
        line = escape(
            text(
                "report_feedback_line",
                lang,
                day=note.held_on.isoformat(),
                by=note.by,
                summary=note.summary,
            )
        )
        if note.agreed_actions:
            agreed = word("list_separator", lang).join(note.agreed_actions)
            line += f"<br>{escape(text('report_agreed', lang, actions=agreed))}"
        lines.append(f"<li>{line}</li>")
    if not lines:
        return _section(text("report_feedback", lang), _note(text("report_no_feedback", lang)))
    return _section(text("report_feedback", lang), f"<ul>{''.join(lines)}</ul>")


def _list(lines: Sequence[str], empty: str) -> str:
    if not lines:
        return _note(empty)
    return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


# ---------------------------------------------------------------------------------------
# The department report


def _overview(report: DepartmentReport, lang: str) -> str:
    rows = []
    for r in report.overview.itertuples():
        k = KPIS_BY_ID[r.kpi]
        change = kpi_change(k, r.value - r.previous, lang) if _finite(r.previous) else ""
        rows.append(
            [
                escape(k.label(lang)),
                escape(_value(r.kpi, r.value, lang)),
                escape(_value(r.kpi, r.previous, lang)),
                escape(change),
                escape(_value(r.kpi, r.target, lang)),
                _mark(bool(r.meets_target), lang),
            ]
        )
    headers = [
        escape(text(k, lang))
        for k in (
            "report_col_kpi",
            "report_col_value",
            "report_col_previous",
            "report_col_change",
            "report_col_target",
            "report_col_status",
        )
    ]
    return _section(
        text("report_overview", lang),
        _note(text("report_overview_intro", lang, tickets=f"{report.tickets:,}")),
        _table(headers, rows, numeric=(1, 2, 3, 4)),
    )


def _ranking(report: DepartmentReport, lang: str) -> str:
    teams = report.team_ranking
    ranked = teams.dropna(subset=["composite"])
    chart = svg.bar_chart(
        text("report_team_ranking", lang),
        [str(t) for t in ranked["team"]],
        [float(v) for v in ranked["composite"]],
        _one,
    )
    rows = [
        [
            escape(str(r.team)),
            escape(_count(r.agents)),
            escape(_count(r.graded)),
            escape(_one(r.composite)),
            escape(str(int(r.rank)) if _finite(r.rank) else "—"),
            escape(_count(r.tickets)),
        ]
        for r in teams.itertuples()
    ]
    headers = [
        escape(text(k, lang))
        for k in (
            "report_col_team_name",
            "report_col_agents",
            "report_col_graded",
            "report_col_mean",
            "report_col_rank",
            "report_tickets",
        )
    ]
    grades = report.grades
    grade_chart = svg.bar_chart(
        text("report_grades", lang),
        [grade_label(g, lang) for g in grades["grade"]],
        [float(v) for v in grades["agents"]],
        _count,
    )
    return _section(
        text("report_team_ranking", lang),
        f'<div class="charts">{chart}{grade_chart}</div>',
        _table(headers, rows, numeric=(1, 2, 3, 4, 5)),
    )


def _movers(report: DepartmentReport, lang: str) -> str:
    if report.movers.empty:
        return _section(text("report_movers", lang), _note(text("report_no_movers", lang)))
    rows = [
        [
            escape(text("report_agent_name", lang, name=r.name, agent_id=r.agent_id)),
            escape(str(r.team)),
            escape(_one(r.previous)),
            escape(_one(r.composite)),
            escape(f"{r.change:+.1f}"),
        ]
        for r in report.movers.itertuples()
    ]
    headers = [
        escape(text(k, lang))
        for k in (
            "report_col_agent",
            "report_col_team_name",
            "report_col_previous",
            "report_composite",
            "report_col_change",
        )
    ]
    return _section(
        text("report_movers", lang),
        _note(text("report_movers_intro", lang)),
        _table(headers, rows, numeric=(2, 3, 4)),
    )


def _bottlenecks(report: DepartmentReport, lang: str) -> str:
    rule = BOTTLENECK_RULE
    intro = _note(
        text(
            "report_bottlenecks_intro",
            lang,
            ratio=rule.min_ratio,
            hours=text("report_hours", lang, hours=rule.min_excess_hours),
            tickets=rule.min_tickets,
        )
    )
    if report.bottlenecks.empty:
        return _section(
            text("report_bottlenecks", lang), intro, _note(text("report_no_bottlenecks", lang))
        )
    rows = [
        [
            escape(str(r.team)),
            escape(text(f"report_stage_{r.stage}", lang)),
            escape(text("report_hours", lang, hours=r.hours)),
            escape(text("report_hours", lang, hours=r.peer_hours)),
            escape(f"{r.ratio:.2f}×"),
            escape(_count(r.tickets)),
        ]
        for r in report.bottlenecks.itertuples()
    ]
    headers = [
        escape(text(k, lang))
        for k in (
            "report_col_team_name",
            "report_col_stage",
            "report_col_hours",
            "report_col_peers",
            "report_col_ratio",
            "report_tickets",
        )
    ]
    return _section(
        text("report_bottlenecks", lang), intro, _table(headers, rows, numeric=(2, 3, 4, 5))
    )


def _group_training(report: DepartmentReport, lang: str) -> str:
    if report.training.empty:
        return _section(
            text("report_group_training", lang), _note(text("report_no_group_training", lang))
        )
    rows = []
    for r in report.training.itertuples():
        field = "skill" if r.dimension in ("category", "competency") else r.dimension
        course = r.course if isinstance(r.course, str) else ""
        rows.append(
            [
                escape(str(r.team)),
                escape(value_label(field, r.skill, lang)),
                escape(str(r.members)),
                escape(course),
            ]
        )
    headers = [
        escape(text(k, lang))
        for k in (
            "report_col_team_name",
            "report_col_skill",
            "report_col_members",
            "report_col_course",
        )
    ]
    return _section(text("report_group_training", lang), _table(headers, rows))


OBJECTIVE_ROWS = 15  # objectives listed in the table (all are counted in the summary line)


def _objectives(report: DepartmentReport, lang: str) -> str:
    rows_frame = report.objectives
    if rows_frame is None or rows_frame.empty:
        return ""
    counts = rows_frame["status"].value_counts()
    statuses = word("list_separator", lang).join(
        text("report_status_count", lang, count=int(n), status=text(f"report_objective_{s}", lang))
        for s, n in counts.items()
    )
    order = {"missed": 0, "at_risk": 1, "no_data": 2, "on_track": 3, "upcoming": 4, "attained": 5}
    listed = rows_frame.assign(_o=rows_frame["status"].map(order)).sort_values(
        ["_o", "owner_type", "owner_id"]
    )
    rows = []
    for r in listed.head(OBJECTIVE_ROWS).itertuples():
        owner = (
            text("report_objective_department", lang)
            if r.owner_type == "department"
            else str(r.owner_id)
        )
        rows.append(
            [
                escape(owner),
                escape(KPIS_BY_ID[r.kpi].label(lang)),
                escape(_value(r.kpi, r.target, lang)),
                escape(_value(r.kpi, r.actual, lang)),
                escape(_share(r.attainment)),
                escape(text(f"report_objective_{r.status}", lang)),
            ]
        )
    headers = [
        escape(text(k, lang))
        for k in (
            "report_col_owner_of",
            "report_col_kpi",
            "report_col_target",
            "report_col_actual",
            "report_col_attainment",
            "report_col_status",
        )
    ]
    more = len(listed) - OBJECTIVE_ROWS
    summary = text("report_objectives_summary", lang, count=len(listed), statuses=statuses)
    return _section(
        text("report_objectives", lang),
        f"<p>{escape(summary)}</p>",
        _table(headers, rows, numeric=(2, 3, 4)),
        _note(text("report_objectives_more", lang, count=more)) if more > 0 else "",
    )


def department_scope(report: DepartmentReport, lang: str) -> str:
    """Whom the report covers, in words: its teams, or the whole department."""
    if report.teams is None:
        return text("report_whole_department", lang)
    return word("list_separator", lang).join(report.teams)


def department_html(report: DepartmentReport, lang: str, made_on: date) -> str:
    """The department report as an HTML page in `lang`."""
    body = [
        _overview(report, lang),
        _trend(report.trend, report.trend_kpis, report.targets, lang),
        _ranking(report, lang),
        _movers(report, lang),
        _bottlenecks(report, lang),
        _actions("report_open_actions", report.actions, lang, made_on),
        _group_training(report, lang),
        _objectives(report, lang),
    ]
    header = [
        text("report_teams_line", lang, teams=department_scope(report, lang)),
        _period(report.start, report.end, lang),
        text("report_scheme", lang, scheme=report.scheme.label(lang)),
        text("report_made_on", lang, day=made_on.isoformat()),
    ]
    return _page(lang, text("report_department_title", lang), header, body)
