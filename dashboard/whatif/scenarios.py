"""The what-if lab's scenarios (方案): save, load, delete, mark official, compare two, export.

Scenarios live in the SQLite store of the state folder (`scoring.stores.scenarios`); the callbacks
write to it and leave a one-line message for the next run. A store that was repaired, or
cannot be read or written now, is told in the panel; the lab above works on either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pandas as pd
import streamlit as st

from dashboard.app import audit
from dashboard.app.saved_state import problem_text, warn_if_repaired
from dashboard.app.shell import labelled
from dashboard.ui.i18n import t
from dashboard.ui.markup import md, md_list
from dashboard.ui.values import value_label
from dashboard.whatif import payouts
from dashboard.whatif.lab import Lab
from scoring.engine.policy import Policy
from scoring.registry.kpis import KPIS_BY_ID
from scoring.stores import scenarios
from scoring.stores.sqlite_files import Unavailable

EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FAILED_KEY = "whatif_store_failed"  # why the last save, load, delete or mark was not done


def scenario_panel(lab: Lab, policy: Policy) -> None:
    t, state = lab.ctx.t, lab.state
    st.subheader(t("whatif_scenarios"))
    flash = state.pop("whatif_flash", None)
    if flash:
        st.success(flash)
    store_messages(lab)
    if lab.store.skipped:
        st.warning(t("whatif_store_problem", rows=md_list(lab.store.skipped, "; ")))
    name_col, author_col, save_col = st.columns([2, 2, 1])
    name_col.text_input(t("whatif_scenario_name"), key="whatif_name", max_chars=80)
    author_col.text_input(t("whatif_author"), key="whatif_author", max_chars=80)
    save_col.button(t("whatif_save"), key="whatif_save", on_click=on_save, args=(lab,))
    export_button(lab, policy)
    saved = lab.saved
    if not saved:
        st.caption(t("whatif_no_scenarios"))
        return
    names = [s.name for s in saved]
    official = lab.official.name if lab.official else None
    marker = f" · {t('whatif_official')}"

    def shown(name: str) -> str:
        return name + (marker if name == official else "")

    pick_col, load_col, delete_col, official_col = st.columns([3, 1, 1, 2])
    if state.get("whatif_pick") not in names:
        state["whatif_pick"] = names[0]
    pick_col.selectbox(t("whatif_scenario"), names, format_func=shown, key=labelled("whatif_pick"))
    load_col.button(t("whatif_load"), key="whatif_load", on_click=on_load, args=(lab,))
    delete_col.button(t("whatif_delete"), key="whatif_delete", on_click=on_delete, args=(lab,))
    official_col.button(
        t("whatif_mark_official"), key="whatif_mark_official", on_click=on_mark, args=(lab,)
    )
    if len(saved) >= 2:
        side_by_side(lab, names, shown)


def export_button(lab: Lab, policy: Policy) -> None:
    state = lab.state
    current = scenarios.Scenario(
        state.get("whatif_name") or "what-if", policy, lab.filters, state.get("whatif_author", "")
    )
    audit.download_button(
        lab.ctx.t("whatif_export"),
        # built only when clicked, with every payout's explanation in the user's language
        lambda: scenarios.to_excel(
            current, payouts.worded(lab.evaluate(policy), lab.ctx.lang).drop(columns=["coverage"])
        ),
        file_name="whatif_scenario.xlsx",
        mime=EXCEL,
        key="whatif_export",
    )


def side_by_side(lab: Lab, names: list[str], shown) -> None:
    """Two saved scenarios: their settings side by side (filters: the visible teams only)
    and their department bonus bills."""
    t, state = lab.ctx.t, lab.state
    st.markdown(f"**{t('whatif_compare')}**")
    a_col, b_col = st.columns(2)
    for key, column, default in (("whatif_cmp_a", a_col, 0), ("whatif_cmp_b", b_col, 1)):
        if state.get(key) not in names:
            state[key] = names[default]
        column.selectbox(t("whatif_scenario"), names, format_func=shown, key=labelled(key))
    by_name = {s.name: s for s in lab.saved}
    a, b = (by_name[state[k]] for k in ("whatif_cmp_a", "whatif_cmp_b"))
    totals = [lab.payout_total(s.policy) for s in (a, b)]
    a_col.metric(t("whatif_payout_total"), f"{totals[0]:,.2f}")
    b_col.metric(
        t("whatif_payout_total"),
        f"{totals[1]:,.2f}",
        delta=f"{totals[1] - totals[0]:+,.2f}",
        delta_color="off",
    )
    if not lab.ctx.visible.is_everything:
        st.caption(t("whatif_compare_department"))
    st.dataframe(
        worded_comparison(scenarios.compare(a, b, lab.ctx.visible), lab.ctx.lang),
        hide_index=True,
        placeholder="",  # a missing value (not ranked, no score) is an empty cell, not "None"
        key="whatif_compare_table",
        column_config={
            "setting": t("whatif_setting"),
            "a": a.name,
            "b": b.name,
            "differs": t("whatif_differs"),
        },
    )


# The settings of `scenarios.settings_table`: the text of each one's name, and of the ids its
# values are (None: shown as they are).
_SETTING_TEXTS = {
    "name": ("whatif_scenario_name", None),
    "author": ("whatif_author", None),
    "created_at": ("whatif_created_at", None),
    "method": ("whatif_method", "whatif_method_{}"),
    "grading": ("whatif_grading", "whatif_grading_{}"),
    "thresholds": ("whatif_thresholds", None),
    "quotas": ("whatif_quotas", None),
    "pool": ("whatif_pool", None),
    "rule": ("whatif_rule", "whatif_rule_{}"),
}
_FILTER_TEXTS = {"start": "whatif_filter_start", "end": "whatif_filter_end", "teams": "teams",
                 "agents": "agents", "channels": "channels", "categories": "categories",
                 "segments": "segments"}  # fmt: skip
_FILTER_VALUES = {"channels": "channel", "categories": "category", "segments": "segment"}


def setting_label(setting: str, lang: str) -> str:
    """A setting of `scenarios.settings_table` in the user's language: "weight enterprise
    csat" → the KPI's label with its segment, "filter teams" → the filter's name."""
    kind, _, rest = setting.partition(" ")
    if setting in _SETTING_TEXTS:
        return t(_SETTING_TEXTS[setting][0], lang)
    if kind == "filter" and rest in _FILTER_TEXTS:
        return t(_FILTER_TEXTS[rest], lang)
    *segment, kpi_id = rest.split(" ")
    if kind in ("weight", "targets") and kpi_id in KPIS_BY_ID:
        label = KPIS_BY_ID[kpi_id].label(lang)
        if segment:
            label = f"{label} · {t(f'whatif_segment_{segment[0]}', lang)}"
        return t(f"whatif_setting_{kind}", lang, kpi=label)
    return setting


def setting_value(setting: str, value: object, lang: str) -> str:
    """A setting's value as text: ids worded, filter values by their labels, none empty."""
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    ids = _SETTING_TEXTS.get(setting, (None, None))[1]
    if ids:
        return t(ids.format(value), lang)
    kind, _, name = setting.partition(" ")
    if kind == "filter" and isinstance(value, list | tuple):
        field = _FILTER_VALUES.get(name)
        shown = [value_label(field, v, lang) if field else str(v) for v in value]
        return t("list_separator", lang).join(shown)
    if setting == "pool":
        return f"{float(value):,.2f}"
    return str(value)


def worded_comparison(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The two scenarios' settings with names and values in the user's language."""
    a = [setting_value(s, v, lang) for s, v in zip(table["setting"], table["a"], strict=True)]
    b = [setting_value(s, v, lang) for s, v in zip(table["setting"], table["b"], strict=True)]
    labels = [setting_label(s, lang) for s in table["setting"]]
    return table.assign(setting=labels, a=a, b=b)


def store_messages(lab: Lab) -> None:
    """The store's repair, why it cannot be read now, why the last change was not done."""
    ctx = lab.ctx
    warn_if_repaired(ctx, lab.store.repair, "scenarios")
    failed = lab.state.pop(FAILED_KEY, None)
    unreadable = lab.store_problem and problem_text(ctx, lab.store_problem, "scenarios")
    for text in dict.fromkeys(text for text in (failed, unreadable) if text):
        st.error(text)


@contextlib.contextmanager
def _reported(lab: Lab, name: str) -> Iterator[None]:
    """A change of the store that could not be done leaves why for the panel (the rest of
    the block is skipped): the store cannot be written now, or the scenario is gone."""
    try:
        yield
    except Unavailable as error:
        lab.state[FAILED_KEY] = problem_text(lab.ctx, error, "scenarios")
    except KeyError:
        lab.state[FAILED_KEY] = lab.ctx.t("whatif_scenario_gone", name=md(name))


def on_save(lab: Lab) -> None:
    state = lab.state
    policy, _ = lab.current_policy()
    name = (state.get("whatif_name") or "").strip()
    if not name:
        state["whatif_flash"] = lab.ctx.t("whatif_name_needed")
        return
    scenario = scenarios.Scenario(name, policy, lab.filters, state.get("whatif_author", ""))
    with _reported(lab, name):
        lab.store.save(scenario)
        state["whatif_pick"] = name
        state["whatif_flash"] = lab.ctx.t("whatif_saved", name=md(name))


def on_load(lab: Lab) -> None:
    state = lab.state
    name = state["whatif_pick"]
    with _reported(lab, name):
        scenario = lab.store.load(name)
        lab.load_policy(scenario.policy)
        state["whatif_name"] = scenario.name
        state["whatif_author"] = scenario.author
        state["whatif_flash"] = lab.ctx.t("whatif_loaded", name=md(scenario.name))


def on_delete(lab: Lab) -> None:
    name = lab.state["whatif_pick"]
    with _reported(lab, name):
        lab.store.delete(name)
        lab.state.pop("whatif_pick")
        lab.state["whatif_flash"] = lab.ctx.t("whatif_deleted", name=md(name))


def on_mark(lab: Lab) -> None:
    name = lab.state["whatif_pick"]
    with _reported(lab, name):
        lab.store.mark_official(name)
        lab.state["whatif_flash"] = lab.ctx.t("whatif_marked", name=md(name))
