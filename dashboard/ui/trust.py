"""How far the scores can be trusted, as the Scorecard and the What-if lab show it: the
weighted KPIs that tell agents apart poorly (with the fix in a sentence) and the split-half
reliability beside the weights. The codes and values come from
scoring/analyses/reliability.py; the words from the catalog (dashboard/ui/trust_texts.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.ui.i18n import t
from scoring.analyses import reliability
from scoring.engine.scorecard import Scorecard, normalised_weights


def weight_shares(card: Scorecard) -> dict[str, float]:
    """KPI id → its share of the weights in percent."""
    shares = normalised_weights(card.policy, card.matrix.kpis) * 100
    return dict(zip((k.id for k in card.matrix.kpis), shares, strict=True))


def flag_sentences(card: Scorecard, lang: str, found: pd.DataFrame | None = None) -> list[str]:
    """One sentence per weighted KPI that does not discriminate: what is wrong and the fix
    (from `found`, the card's `reliability.discrimination`, where the caller has it)."""
    weights = weight_shares(card)
    labels = {k.id: k.label(lang) for k in card.matrix.kpis}
    sentences = []
    found = reliability.discrimination(card) if found is None else found
    for row in found.itertuples():
        if not isinstance(row.flag, str) or weights[row.kpi] <= 0:
            continue
        share = row.at_floor if row.flag == "at_floor" else row.at_cap
        sentences.append(
            t(
                f"trust_flag_{row.flag}",
                lang,
                kpi=labels[row.kpi],
                weight=weights[row.kpi],
                share=share,
            )
        )
    return sentences


def flags_section(card: Scorecard, lang: str) -> None:
    """The weighted KPIs that tell agents apart poorly, each with its fix; a caption when
    there are none."""
    st.subheader(t("trust_flags_title", lang))
    sentences = flag_sentences(card, lang)
    if not sentences:
        st.caption(t("trust_flags_none", lang))
    for sentence in sentences:
        st.warning(sentence, icon="⚠️")


def reliability_rows(
    card: Scorecard, kpis: pd.DataFrame, lang: str, discriminating: pd.DataFrame
) -> pd.DataFrame:
    """One row per weighted KPI: label, weight %, reliability and its range over the splits,
    the assessment (⚠ unreliable) and the discrimination flag (⚠ at the cap, ...;
    `discriminating`: the card's `reliability.discrimination`)."""
    weights = weight_shares(card)
    flags = discriminating.set_index("kpi")["flag"]
    found = kpis.set_index("kpi")
    rows = []
    for k in card.matrix.kpis:
        if weights[k.id] <= 0:
            continue
        known = found.loc[k.id] if k.id in found.index else None
        status = "too_few_agents" if known is None else known["status"]
        value = np.nan if known is None else known["reliability"]
        flag = flags.get(k.id) if isinstance(flags.get(k.id), str) else None
        rows.append(
            {
                "kpi": k.label(lang),
                "weight": weights[k.id],
                "reliability": value,
                "range": _range(known),
                "status": t(f"trust_status_{status}", lang),
                "flag": t(f"trust_short_{flag}" if flag else "trust_discriminates", lang),
            }
        )
    return pd.DataFrame(rows, columns=["kpi", "weight", "reliability", "range", "status", "flag"])


def _range(known: pd.Series | None) -> str:
    if known is None or any(_missing(known[c]) for c in ("low", "high")):
        return "—"
    return f"{known['low']:.2f} – {known['high']:.2f}"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def stability_sentence(stability: pd.Series, lang: str) -> str | None:
    """The share of agents keeping their grade across the halves, in a sentence."""
    share, kappa = stability["same_grade"], stability["kappa"]
    if _missing(share):
        return None
    kappa = 0.0 if _missing(kappa) else kappa
    if share >= 1:
        return t("trust_same_grade_all", lang, kappa=kappa)
    return t("trust_same_grade", lang, share=share, kappa=kappa, one_in=round(1 / (1 - share)))


def reliability_section(
    card: Scorecard, kpis: pd.DataFrame, stability: pd.Series, splits: int, lang: str
) -> None:
    """Beside the weights: each weighted KPI's reliability and discrimination (⚠ where a
    weight rests on chance), the grade stability of these weights, and the fixes."""
    st.subheader(t("trust_reliability_title", lang))
    st.caption(t("trust_reliability_caption", lang, splits=splits, reliable=reliability.RELIABLE))
    discriminating = reliability.discrimination(card)
    st.dataframe(
        reliability_rows(card, kpis, lang, discriminating),
        hide_index=True,
        placeholder="",  # no value: too few agents to split (not "None")
        column_config={
            "kpi": st.column_config.TextColumn(t("trust_col_kpi", lang)),
            "weight": st.column_config.NumberColumn(t("trust_col_weight", lang), format="%.1f%%"),
            "reliability": st.column_config.NumberColumn(
                t("trust_col_reliability", lang), format="%.2f"
            ),
            "range": st.column_config.TextColumn(t("trust_col_range", lang)),
            "status": st.column_config.TextColumn(t("trust_col_status", lang)),
            "flag": st.column_config.TextColumn(t("trust_col_flag", lang)),
        },
    )
    sentence = stability_sentence(stability, lang)
    if sentence:
        st.caption(sentence)
    for flag in flag_sentences(card, lang, discriminating):  # captions: the lab's own warnings
        st.caption(f"⚠️ {flag}")


def schemes_table(rows: list[dict], lang: str) -> None:
    """Grade stability per weight scheme: rows of scheme (label), same_grade (share), kappa."""
    st.caption(t("trust_schemes_caption", lang))
    frame = pd.DataFrame(rows, columns=["scheme", "same_grade", "kappa"])
    st.dataframe(
        frame.assign(same_grade=frame["same_grade"] * 100),
        hide_index=True,
        placeholder="",
        column_config={
            "scheme": st.column_config.TextColumn(t("trust_col_scheme", lang)),
            "same_grade": st.column_config.NumberColumn(
                t("trust_col_same_grade", lang), format="%.0f%%"
            ),
            "kappa": st.column_config.NumberColumn(t("trust_col_kappa", lang), format="%.2f"),
        },
    )
