""" "How the score is made" for one agent: scoring's codes and numbers (`scorecard.explain`,
`scorecard.standing`) as a table a supervisor reads, in the user's language.

Every cell is text, already formatted (rates as %, units worded, one decimal for scores and
points), and empty where there is nothing to say, so no "None" or "nan" is ever shown; the
headers are the user's language, since a table's cells and headers are what a download or a
screen reader gets.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard.ui.i18n import t
from dashboard.ui.labels import grade_badge, kpi_value, unavailable_reason
from scoring.engine.scorecard import NOTE_TOO_FEW_CASES, Scorecard, Standing, explain, standing
from scoring.measures.metrics import Unavailable
from scoring.registry.kpis import KPI, KPIS_BY_ID

COLUMNS = (
    "kpi", "value", "interval", "measured", "cases", "targets", "score", "weight",
    "weight_used", "points", "note",
)  # fmt: skip
_TARGET_ONLY = ("targets",)  # columns shown only when KPIs are scored against targets
# The note is a sentence: wide enough to be read without a hover (the others fit their text).
WIDE = {"note": "large"}


def _finite(value) -> bool:
    return value is not None and not pd.isna(value) and math.isfinite(float(value))


def _count(value: float) -> str:
    """A number of cases (or hours): whole numbers without decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _share(value) -> str:
    return f"{value:.1%}" if _finite(value) else ""


def _one_decimal(value) -> str:
    return f"{value:.1f}" if _finite(value) else ""


def cases_text(k: KPI, numerator, denominator, lang: str) -> str:
    """The cases a value rests on, in words: "42 of 50 surveys", "median of 50 tickets"."""
    if not _finite(denominator) or denominator <= 0:
        return ""
    values = {"den": _count(denominator), "s": "" if denominator == 1 else "s"}
    kind = k.kind
    if kind == "rate" and not (_finite(numerator) and float(numerator).is_integer()):
        kind = "count"  # a weighted count of cases (the repeat rate's): the cases alone
    if kind in ("rate", "per_day"):
        values["num"] = _count(numerator)
    if k.kind == "quantile":
        pct = round(100 * k.quantile)
        which = "scorecard_median" if pct == 50 else "scorecard_percentile"
        values["which"] = t(which, lang, pct=pct)
    return t(f"scorecard_cases_{kind}_{k.grain}", lang, **values)


def note_text(row: pd.Series, lang: str) -> str:
    """Why a KPI does not count, as a sentence ("" when it counts)."""
    code = row["note"]
    if not code:
        return ""
    if code == NOTE_TOO_FEW_CASES:
        reason = t("scorecard_note_too_few_cases", lang, cases=_count(row["denominator"]),
                   needed=int(row["min_sample"]))  # fmt: skip
    elif row["missing"]:
        reason = t(
            "scorecard_note_missing_columns",
            lang,
            reason=unavailable_reason(Unavailable(code, tuple(row["missing"])), lang),
        )
    else:
        reason = t(f"scorecard_note_{code}", lang)
    sentence = "scorecard_note_reweighted" if row["reweighted"] else "scorecard_note_sentence"
    return t(sentence, lang, reason=reason)


def _targets_text(k: KPI, row: pd.Series, lang: str) -> str:
    parts = [row["floor"], row["target"], row["stretch"]]
    return " / ".join(kpi_value(k, v, lang) or "—" for v in parts) if _finite(row["floor"]) else ""


def kpi_row(row: pd.Series, lang: str) -> dict[str, str]:
    """One KPI of `explain` as display texts."""
    k = KPIS_BY_ID[row["kpi"]]
    counts = not row["note"]
    low, high = row["interval_low"], row["interval_high"]
    interval = ""
    if _finite(low) and _finite(high):
        interval = f"{kpi_value(k, low, lang)} – {kpi_value(k, high, lang)}"
    return {
        "kpi": k.label(lang),
        "value": kpi_value(k, row["scored"], lang),
        "interval": interval,
        "measured": kpi_value(k, row["raw"], lang),
        "cases": cases_text(k, row["numerator"], row["denominator"], lang),
        "targets": _targets_text(k, row, lang),
        "score": _one_decimal(row["normalised"]),
        "weight": _share(row["weight"]),
        "weight_used": _share(row["effective_weight"]) if counts else "",
        "points": _one_decimal(row["points"]) if counts else "",
        "note": note_text(row, lang),
    }


def total_note(card: Scorecard, total: Standing, lang: str) -> str:
    """What the total line says beside the score: the grade, or why there is none."""
    notes = []
    gates = []
    if total.few_tickets:
        gates.append(t("scorecard_gate_few_tickets", lang, tickets=f"{total.tickets:,}",
                       needed=f"{card.policy.min_tickets:,}"))  # fmt: skip
    if total.low_coverage:
        gates.append(t("scorecard_gate_low_coverage", lang, coverage=_share(total.coverage),
                       needed=_share(card.policy.min_coverage)))  # fmt: skip
    if gates:
        reasons = t("scorecard_reasons_separator", lang).join(gates)
        notes.append(t("scorecard_not_graded", lang, reasons=reasons))
    if not (total.few_tickets or total.low_coverage):
        notes.append(t("scorecard_total_grade", lang, grade=grade_badge(total.grade, lang)))
    return " ".join(notes)


def total_row(card: Scorecard, total: Standing, lang: str) -> dict[str, str]:
    """The line under the KPIs: the weight used (all of it) and the score the points make,
    the composite the agent table shows (the measured one when the agent is not graded)."""
    graded = _finite(total.composite)
    return {
        "kpi": t("scorecard_total", lang),
        "weight_used": _share(1.0) if _finite(total.measured) else "",
        "points": _one_decimal(total.composite if graded else total.measured),
        "note": total_note(card, total, lang),
    }


def _shown_order(rows: pd.DataFrame) -> pd.DataFrame:
    """KPIs with weight first (those that count and those that do not), then the rest; in
    registry order within each."""
    weighted = (rows["weight"].fillna(0) > 0) | rows["reweighted"]
    return rows.assign(_weighted=weighted).sort_values("_weighted", ascending=False, kind="stable")


def breakdown(card: Scorecard, agent_id: str, lang: str) -> pd.DataFrame:
    """The agent's KPIs and the total line, as text under headers in `lang`."""
    rows = _shown_order(explain(card, agent_id))
    records = [kpi_row(row, lang) for _, row in rows.iterrows()]
    records.append(total_row(card, standing(card, agent_id), lang))
    columns = [c for c in COLUMNS if card.policy.method == "target" or c not in _TARGET_ONLY]
    frame = pd.DataFrame.from_records(records, columns=columns).fillna("")
    headers = {c: t(f"scorecard_col_{c}", lang) for c in columns}
    if card.policy.method != "target":  # the other normalisations give no stretch bonus
        headers["score"] = t("scorecard_col_score_other", lang)
    return frame.rename(columns=headers)


def column_widths(lang: str) -> dict[str, str]:
    """The breakdown's headers in `lang` → the width of the wide columns."""
    return {t(f"scorecard_col_{c}", lang): width for c, width in WIDE.items()}


def intro(card: Scorecard, lang: str) -> str:
    """The caption above the breakdown: how the table adds up, under this normalisation."""
    if card.policy.method == "target":
        return t("scorecard_breakdown_target", lang)
    method = t(f"whatif_method_means_{card.policy.method}", lang)
    return t("scorecard_breakdown_other", lang, method=method)
