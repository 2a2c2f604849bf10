"""KPI cards: a value in its unit, the change since the previous period coloured by whether
it is better (grey when it rounds to zero), and the target with a word beside its mark."""

from __future__ import annotations

from dashboard.ui.i18n import t
from dashboard.ui.labels import kpi_value, metric_delta, target_mark
from scoring.registry.kpis import KPI


def kpi_card(container, k: KPI, value: float, before: float | None, target: float, lang: str):
    """One KPI's card in `container` (a column), its target line below it."""
    change = value - before if before is not None and before == before else None
    delta = metric_delta(k, change, lang)
    target_text = f"{t('vs_target', lang)} {kpi_value(k, target, lang)}"
    container.metric(
        k.label(lang),
        kpi_value(k, value, lang),
        help=f"{k.describe(lang)} {t('vs_target', lang)}: {kpi_value(k, target, lang)}",
        border=True,
        **delta,
    )
    previous = f" · {t('vs_previous', lang)}" if delta["delta"] else ""
    container.caption(f"{target_mark(k.meets(value, target), lang)} · {target_text}{previous}")
