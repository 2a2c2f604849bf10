"""Payout explanations in the user's language: the steps scoring returns for each payout
(`scoring.methods.incentives.PayoutStep`: a code and its numbers) worded by the lab's text
catalog, amounts as money, shares as percentages, grades by their names."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.ui.i18n import t
from dashboard.ui.labels import grade_label
from scoring.methods.incentives import PayoutStep


def money(amount: float) -> str:
    """1,200 for whole amounts, 1,167.56 otherwise."""
    return f"{amount:,.2f}".removesuffix(".00")


def _whole_percent(share: float) -> str:
    return f"{share:.0%}"


# How each number of a step reads (anything not listed: as given).
_FORMATS = {
    **dict.fromkeys(("base", "amount", "pool", "paid"), money),
    **dict.fromkeys(("company", "multiplier"), "{:.2f}".format),
    **dict.fromkeys(("score", "total"), "{:.1f}".format),
    **dict.fromkeys(("threshold", "max_score"), "{:g}".format),
    **dict.fromkeys(("min_pct", "max_pct"), _whole_percent),
    "pct": "{:.1%}".format,
    "scale": "{:.4f}".format,
}


def step_text(step: PayoutStep, lang: str) -> str:
    values = {
        name: grade_label(value, lang) if name == "grade" else _FORMATS.get(name, str)(value)
        for name, value in step.values.items()
    }
    return t(f"payout_step_{step.code}", lang, **values)


def explanation(steps: Iterable[PayoutStep], lang: str) -> str:
    """An agent's payout steps as one sentence."""
    return t("payout_step_separator", lang).join(step_text(step, lang) for step in steps)


def worded(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A results frame with its `payout_explanation` steps as sentences (for the export)."""
    texts = [explanation(steps, lang) for steps in frame["payout_explanation"]]
    return frame.assign(payout_explanation=texts)
