"""The data-quality report as the Data and Import pages show it: the rules rows broke."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.data.quality import QualityReport


def broken_rules(ctx, report: QualityReport, *, with_examples: bool) -> None:
    """The rules that excluded or flagged rows, with counts (and example ids only when the
    session may see every team: ids may name anyone's tickets or agents); a line saying so
    when nothing broke a rule."""
    broken = [r for r in report.rules if r.count]
    if not broken:
        st.success(ctx.t("no_problems"))
        return
    rows = [
        {
            ctx.t("rule"): r.rule,
            ctx.t("description"): r.description_in(ctx.lang),
            ctx.t("count"): r.count,
            **({ctx.t("examples"): ", ".join(r.examples)} if with_examples else {}),
        }
        for r in broken
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    if not with_examples:
        st.caption(ctx.t("examples_for_everyone_only"))
