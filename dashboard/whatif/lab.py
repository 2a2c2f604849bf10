"""The what-if lab's controls and their state (权重模拟): one `Lab` per run of the lab.

Every control keeps its value in session state under a `whatif_*` key. The weights of each
set ("main", and "enterprise"/"individual" for segment-aware schemes) are kept as one dict of
percentages adding up to 100 (`whatif_weights_<set>`), the one value both controls of a
weight show: the callback of its slider or its number input rebalances that dict
(`scoring.engine.whatif.rebalance`) and writes every slider and number of the set back from
it. Only the KPIs the data measures for someone have weights (`scorecard.Scorecard.unmeasured`:
the others' weight would be spread over the rest anyway). The baseline is the official
scenario, else the balanced scheme; a link's lab values (dashboard.whatif.link) apply over it.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboard.app import cache as data
from dashboard.app.shell import Context, labelled
from dashboard.app.state import (
    APPLY_LAB_LINK,
    MAX_BAND,
    MAX_POOL,
    MAX_QUOTA,
    MAX_SHARE,
    MAX_WEIGHT,
)
from dashboard.ui.labels import grade_label
from dashboard.ui.markup import md_list
from dashboard.whatif import data as whatif_data
from dashboard.whatif import link, scoring_setup
from scoring.engine import schemes, scorecard, whatif
from scoring.engine.policy import DEFAULT_POLICY, Policy
from scoring.methods import incentives
from scoring.methods.grading import GRADES
from scoring.registry.kpis import PERSPECTIVES, kpi
from scoring.stores import scenarios

SEGMENT_PRESETS = {"enterprise": "sla_first", "individual": "customer_experience"}
# Per grading mode: the inputs' key (and text) prefix, their grades, highest value, step.
GRADE_INPUTS = {
    "absolute": ("whatif_threshold", GRADES[:3], MAX_BAND, 1.0),  # score bands
    "forced": ("whatif_quota", GRADES, MAX_QUOTA, 5.0),  # % of agents per grade
}
INPUT_KEYS = {
    mode: tuple(f"{p}_{g}" for g in grades) for mode, (p, grades, *_) in GRADE_INPUTS.items()
}
THRESHOLD_KEYS, QUOTA_KEYS = INPUT_KEYS["absolute"], INPUT_KEYS["forced"]
_KEPT_KEY = "_whatif_kept"  # the last values of KEPT, restored when Streamlit drops them
KEPT = (
    *THRESHOLD_KEYS,
    *QUOTA_KEYS,
    "whatif_grading",
    "whatif_method",
    "whatif_mode",
    "whatif_pool",
    "whatif_rule",
    "whatif_must_be",
    "whatif_bonus",
    "whatif_objectives",
)
# Kano-informed scoring: the multiselect of each role's KPIs, by its Policy field.
KANO_KEYS = {"must_be": "whatif_must_be", "bonus": "whatif_bonus"}


def slider_key(weight_set: str, kpi_id: str) -> str:
    return f"whatif_w_{weight_set}_{kpi_id}"


def number_key(weight_set: str, kpi_id: str) -> str:
    """The number input beside the weight's slider."""
    return f"whatif_n_{weight_set}_{kpi_id}"


WEIGHT_KEYS = (slider_key, number_key)  # the two controls of each weight
_UNMEASURED_KEY = "_whatif_unmeasured"  # (matrix, its unmeasured KPI ids)


class Lab:
    """The lab of one run: the cached KPI matrix, the scenario store and the controls.

    Made afresh on every (fragment) run, so `saved` and `official` are the scenarios as
    stored now; callbacks run with the Lab of the run that drew their widget and read the store
    again where it may have changed since.
    """

    def __init__(self, ctx: Context, matrix: scorecard.KpiMatrix):
        self.ctx = ctx
        self.matrix = matrix
        self.state = st.session_state
        self.unmeasured = self.unmeasured_kpis()
        self.kpis = tuple(k for k in matrix.kpis if k.id not in self.unmeasured)
        self.kpi_ids = [k.id for k in self.kpis]
        self.filters = ctx.view.filters()
        self.store = whatif_data.store(ctx.state_dir)
        self.saved, self.official, self.store_problem = whatif_data.catalogue(self.store)
        self.segments_available = whatif_data.has_segments(ctx.path)
        self.schemes = data.weight_schemes()

    def unmeasured_kpis(self) -> tuple[str, ...]:
        """The KPIs of the matrix no agent can be measured on (worked out once per cached
        matrix: they depend on the data, not on the weights)."""
        kept = self.state.get(_UNMEASURED_KEY)
        if kept is None or kept[0] is not self.matrix:
            kept = (self.matrix, scorecard.score(self.matrix, DEFAULT_POLICY).unmeasured)
            self.state[_UNMEASURED_KEY] = kept
        return kept[1]

    def preset_weights(self, name: str) -> dict[str, float]:
        return dict(self.schemes[name].weights)

    # -----------------------------------------------------------------------------------
    # State: weights, baseline, what Streamlit drops between runs

    def apply_weights(self, weight_set: str, weights: dict[str, float]) -> None:
        """Keep the weights of a set and move its sliders (if they are drawn; the others
        start from the kept weights when they are drawn, see `init_state`)."""
        percentages = whatif.to_percentages(weights, self.kpi_ids)
        self.state[f"whatif_weights_{weight_set}"] = percentages
        drawn = weight_set in self.drawn_weight_sets()
        for kpi_id, value in percentages.items():
            for key in WEIGHT_KEYS:
                if drawn:
                    self.state[key(weight_set, kpi_id)] = value
                else:
                    self.state.pop(key(weight_set, kpi_id), None)

    def on_weight(self, weight_set: str, kpi_id: str, key) -> None:
        """A weight's slider or number input (`key`: its key function) was moved."""
        current = self.state[f"whatif_weights_{weight_set}"]
        locked = self.state.get(f"whatif_locked_{weight_set}", [])
        value = self.state[key(weight_set, kpi_id)]
        if value is None:  # a number input emptied: the weight keeps its value
            value = current[kpi_id]
        self.apply_weights(weight_set, whatif.rebalance(current, kpi_id, value, locked))

    def on_preset(self, weight_set: str) -> None:
        name = self.state.get(f"whatif_preset_{weight_set}")
        if name:
            self.apply_weights(weight_set, self.preset_weights(name))
            if weight_set == "main":
                self.state[scoring_setup.METHOD_KEY] = self.schemes[name].method

    def baseline_policy(self, official: scenarios.Scenario | None = None) -> Policy:
        """The official scenario, else the balanced scheme (its normalisation, the dataset's
        targets) with the pool and rule chosen now."""
        official = official or self.official
        if official is not None:
            policy = official.policy
        else:
            policy = Policy(
                weights=self.preset_weights(schemes.DEFAULT_SCHEME),
                method=self.schemes[schemes.DEFAULT_SCHEME].method,
                targets=self.ctx.targets.targets,
                pool=float(self.state.get("whatif_pool", DEFAULT_POLICY.pool)),
                rule=self.state.get("whatif_rule", DEFAULT_POLICY.rule),
            )
        return dataclasses.replace(
            policy, weights=whatif.to_percentages(policy.weights, self.kpi_ids)
        )

    def load_policy(self, policy: Policy) -> None:
        """Put a policy (baseline or scenario) into every control of the lab."""
        segments = policy.segment_weights and self.segments_available
        self.state["whatif_mode"] = "segments" if segments else "single"
        self.apply_weights("main", policy.weights)
        for segment in whatif.SEGMENTS:
            weights = (policy.segment_weights or {}).get(segment)
            preset = self.preset_weights(SEGMENT_PRESETS[segment])
            self.apply_weights(segment, weights or preset)
        self.state["whatif_grading"] = policy.grading
        scoring_setup.load(self, policy)
        self.set_kept(
            {
                **{k: float(v) for k, v in zip(THRESHOLD_KEYS, policy.thresholds, strict=True)},
                **{
                    k: round(float(v) * 100, 1)
                    for k, v in zip(QUOTA_KEYS, policy.quotas, strict=True)
                },
                "whatif_pool": float(policy.pool),
                "whatif_rule": policy.rule,
                "whatif_objectives": round(policy.objective_share * 100, 1),
                **{
                    key: [k for k in getattr(policy, field) if k in self.kpi_ids]
                    for field, key in KANO_KEYS.items()
                },  # fmt: skip
            }
        )

    def set_kept(self, values: dict) -> None:
        """Set kept controls: the ones drawn in the coming run in session state (over what
        their widgets hold), every one in the kept copy that `init_state` restores from."""
        self.state.setdefault(_KEPT_KEY, {}).update(values)
        drawn = self.kept_keys()
        for key, value in values.items():
            if key in drawn:
                self.state[key] = value
            else:
                self.state.pop(key, None)

    def on_reset(self) -> None:
        self.load_policy(self.baseline_policy(whatif_data.catalogue(self.store)[1]))

    def init_state(self) -> None:
        """First visit (or another dataset's KPIs, or another page opened the lab with a link:
        `APPLY_LAB_LINK`): start from the baseline, with what the link sets over it.

        Streamlit drops the state of widgets not drawn in a run (another page, the other
        grading mode, the other weight sets): they are restored from the copies kept by
        `keep_state` and from the weight dicts, only for the sliders drawn in this run
        (every key in session state costs each selectbox, radio and number input a look).
        """
        weights = self.state.get("whatif_weights_main")
        if (
            self.state.pop(APPLY_LAB_LINK, False)
            or weights is None
            or list(weights) != self.kpi_ids
            or scoring_setup.TARGETS_KEY not in self.state
        ):
            self.load_policy(link.linked_policy(self.baseline_policy()))
        kept = self.state.get(_KEPT_KEY, {})
        for key in self.kept_keys():
            if key not in self.state and key in kept:
                self.state[key] = kept[key]
        for weight_set in self.drawn_weight_sets():
            for kpi_id, value in self.state[f"whatif_weights_{weight_set}"].items():
                for key in WEIGHT_KEYS:
                    self.state.setdefault(key(weight_set, kpi_id), value)

    def keep_state(self) -> None:
        kept = self.state.setdefault(_KEPT_KEY, {})
        kept.update({key: self.state[key] for key in KEPT if key in self.state})

    def kept_keys(self) -> tuple[str, ...]:
        """The kept controls drawn in this run (thresholds or quotas, as graded)."""
        kept = self.state.get(_KEPT_KEY, {})
        grading = self.state.get("whatif_grading", kept.get("whatif_grading", "absolute"))
        hidden = INPUT_KEYS["forced" if grading == "absolute" else "absolute"]
        return tuple(key for key in KEPT if key not in hidden)

    def segment_mode(self) -> bool:
        return self.segments_available and self.state.get("whatif_mode") == "segments"

    def drawn_weight_sets(self) -> tuple[str, ...]:
        return whatif.SEGMENTS if self.segment_mode() else ("main",)

    # -----------------------------------------------------------------------------------
    # Controls

    def controls(self) -> tuple[Policy, list[str]]:
        """Draw every control; the policy they hold and warnings about it."""
        t = self.ctx.t
        st.button(t("whatif_reset"), key="whatif_reset", on_click=self.on_reset)
        st.subheader(t("whatif_weights"))
        if self.segments_available:
            st.radio(
                t("whatif_mode"),
                ("single", "segments"),
                format_func=lambda m: t(f"whatif_mode_{m}"),
                key=labelled("whatif_mode"),
                horizontal=True,
                help=t("whatif_segments_help"),
            )
        if self.segment_mode():
            tabs = st.tabs([t(f"whatif_segment_{s}") for s in whatif.SEGMENTS])
            for tab, segment in zip(tabs, whatif.SEGMENTS, strict=True):
                with tab:
                    self.weight_controls(segment)
        else:
            self.weight_controls("main")
        scoring_setup.controls(self)
        self.kano_controls()
        self.objective_controls()
        grading_col, pool_col = st.columns([3, 2])
        with grading_col:
            self.grading_controls()
        with pool_col:
            self.pool_controls()
        self.keep_state()
        policy, problems = self.current_policy()
        link.write(policy)
        return policy, problems

    def weight_controls(self, weight_set: str) -> None:
        t, lang = self.ctx.t, self.ctx.lang
        available = {name: s.label(lang) for name, s in self.schemes.items()}
        labels = {k.id: k.label(lang) for k in self.kpis}
        preset_col, lock_col = st.columns(2)
        preset_col.selectbox(
            t("whatif_preset"),
            list(available),
            index=None,
            placeholder=t("whatif_preset_placeholder"),
            format_func=available.get,
            key=labelled(f"whatif_preset_{weight_set}"),
            on_change=self.on_preset,
            args=(weight_set,),
        )
        lock_col.multiselect(
            t("whatif_locked"),
            self.kpi_ids,
            format_func=labels.get,
            placeholder=t("whatif_locked_placeholder"),
            key=labelled(f"whatif_locked_{weight_set}"),
            help=t("whatif_locked_help"),
        )
        groups = whatif.by_perspective(self.kpis)
        locked = set(self.state.get(f"whatif_locked_{weight_set}", []))
        for column, (perspective, kpis) in zip(
            st.columns(len(groups)), groups.items(), strict=True
        ):
            column.markdown(f"**{PERSPECTIVES[perspective][lang]}**")
            for k in kpis:
                with column:
                    self.weight_control(weight_set, k, labels[k.id], k.id in locked)
        if self.unmeasured:
            names = md_list((kpi(i).label(lang) for i in self.unmeasured), t("list_separator"))
            st.caption(t("whatif_unmeasured", kpis=names))
        total = sum(self.state[f"whatif_weights_{weight_set}"].values())
        st.caption(t("whatif_total", total=total))

    def weight_control(self, weight_set: str, k, label: str, locked: bool) -> None:
        """A weight's slider and, beside it, a number input to type it; both show the one
        weight of the set's dict (`apply_weights` writes it to both)."""
        slider_col, number_col = st.columns([3, 2], vertical_alignment="bottom")
        common = {
            "min_value": 0.0,
            "max_value": MAX_WEIGHT,
            # The value always comes from session state (init_state); giving the default
            # explicitly spares Streamlit a scan of the whole session state per widget.
            "value": 0.0,
            "step": 0.1,
            "disabled": locked,
        }
        slider_col.slider(
            self.ctx.t("whatif_locked_label", kpi=label) if locked else label,
            format="%.1f%%",
            key=slider_key(weight_set, k.id),
            on_change=self.on_weight,
            args=(weight_set, k.id, slider_key),
            **common,
        )
        number_col.number_input(
            self.ctx.t("whatif_weight_number", kpi=label),
            format="%.1f",
            key=number_key(weight_set, k.id),
            on_change=self.on_weight,
            args=(weight_set, k.id, number_key),
            label_visibility="collapsed",
            **common,
        )

    def kano_controls(self) -> None:
        """The KPIs that gate the grade (must-be) and those that earn bonus points
        (attractive), with the rule (docs/METHODS.md, "Scoring built on what customers
        expect")."""
        t, lang = self.ctx.t, self.ctx.lang
        labels = {k.id: k.label(lang) for k in self.kpis}
        with st.expander(t("whatif_kano"), expanded=any(self.kano_roles())):
            st.caption(t("whatif_kano_rule"))
            for key in KANO_KEYS.values():
                st.multiselect(
                    t(key),
                    self.kpi_ids,
                    format_func=labels.get,
                    placeholder=t("whatif_kano_none"),
                    key=labelled(key),
                    help=t(f"{key}_help"),
                )

    def objective_controls(self) -> None:
        """How much of the score comes from the agents' objectives (management by objectives,
        docs/METHODS.md, "Scoring with objectives"); off where nobody has an objective."""
        t = self.ctx.t
        with_objectives = scorecard.agents_with_objectives(self.matrix)
        with st.expander(t("whatif_objectives_title"), expanded=self.objective_share() > 0):
            st.caption(t("whatif_objectives_rule"))
            st.slider(
                t("whatif_objectives"),
                min_value=0.0,
                max_value=MAX_SHARE,
                step=5.0,
                format="%.0f%%",
                key="whatif_objectives",
                disabled=with_objectives == 0,
                help=t("whatif_objectives_help"),
            )
            agents = len(self.matrix.frame)
            if with_objectives == 0:
                st.caption(t("whatif_objectives_none"))
            elif with_objectives < agents:
                st.caption(t("whatif_objectives_some", count=with_objectives, total=agents))

    def objective_share(self) -> float:
        return float(self.state.get("whatif_objectives", 0.0)) / 100

    def kano_roles(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The must-be and bonus KPIs chosen now (a KPI in both stays a must-be gate)."""
        must_be = tuple(self.state.get(KANO_KEYS["must_be"], ()))
        bonus = tuple(k for k in self.state.get(KANO_KEYS["bonus"], ()) if k not in must_be)
        return must_be, bonus

    def grading_controls(self) -> None:
        t = self.ctx.t
        mode = st.radio(
            t("whatif_grading"),
            ("absolute", "forced"),
            format_func=lambda g: t(f"whatif_grading_{g}"),
            key=labelled("whatif_grading"),
            horizontal=True,
        )
        prefix, grades, highest, step = GRADE_INPUTS[mode]
        columns = st.columns(len(grades))
        for column, grade, key in zip(columns, grades, INPUT_KEYS[mode], strict=True):
            column.number_input(
                t(prefix, grade=grade_label(grade, self.ctx.lang)),
                min_value=0.0,
                max_value=highest,
                step=step,
                key=key,
            )

    def pool_controls(self) -> None:
        t = self.ctx.t
        st.number_input(
            t("whatif_pool"),
            min_value=0.0,
            max_value=MAX_POOL,
            step=1000.0,
            format="%.2f",
            key="whatif_pool",
        )
        st.selectbox(
            t("whatif_rule"),
            incentives.RULES,
            format_func=lambda r: t(f"whatif_rule_{r}"),
            key=labelled("whatif_rule"),
        )

    def current_policy(self) -> tuple[Policy, list[str]]:
        """The policy the controls hold now (also in callbacks), and warnings about them."""
        t, state = self.ctx.t, self.state
        problems = []
        thresholds, quotas = DEFAULT_POLICY.thresholds, DEFAULT_POLICY.quotas
        grading_mode = state.get("whatif_grading", "absolute")
        if grading_mode == "absolute":
            chosen = tuple(float(state[key]) for key in THRESHOLD_KEYS)
            if chosen[0] > chosen[1] > chosen[2]:
                thresholds = chosen
            else:
                problems.append(t("whatif_bad_thresholds"))
        else:
            chosen = tuple(float(state[key]) for key in QUOTA_KEYS)
            if abs(sum(chosen) - 100) < 1e-6:
                quotas = tuple(q / 100 for q in chosen)
            else:
                problems.append(t("whatif_bad_quotas", total=sum(chosen)))
        segment_weights = None
        if self.segment_mode():
            segment_weights = {s: state[f"whatif_weights_{s}"] for s in whatif.SEGMENTS}
        method, targets = scoring_setup.current(self)
        must_be, bonus = self.kano_roles()
        if len(bonus) < len(state.get(KANO_KEYS["bonus"], ())):
            problems.append(t("whatif_kano_both"))
        policy = Policy(
            weights=state["whatif_weights_main"],
            segment_weights=segment_weights,
            method=method,
            targets=targets,
            grading=grading_mode,
            thresholds=thresholds,
            quotas=quotas,
            pool=float(state["whatif_pool"]),
            rule=state["whatif_rule"],
            must_be=must_be,
            bonus=bonus,
            objective_share=self.objective_share(),
        )
        return policy, problems

    # -----------------------------------------------------------------------------------
    # Results

    def matrices_for(self, *policies: Policy) -> whatif.Matrices:
        if any(p.segment_weights for p in policies):
            ctx = self.ctx
            segments = whatif_data.segment_matrices(ctx.path, self.filters, ctx.repeat_days)
            return whatif.Matrices(self.matrix, segments)
        return whatif.Matrices(self.matrix)

    def evaluate(self, policy: Policy, explain: bool = True):
        """The policy's results for the agents this session may see (scored and paid over
        the department): what the scenario export holds."""
        return whatif.visible_results(self.matrices_for(policy), policy, self.ctx.visible, explain)

    def payout_total(self, policy: Policy) -> float:
        """The policy's bonus bill over the whole department (an aggregate)."""
        frame = whatif.evaluate(self.matrices_for(policy), policy, explain=False)
        return whatif.payout_summary(frame)["total"]

    def baseline_result(self, matrices: whatif.Matrices, baseline: Policy):
        """The baseline's results, kept in the session while the baseline and the (cached)
        KPI matrices are the same objects: moving a slider changes only the new policy."""
        sources = (matrices.all, *matrices.segments.values())
        key = repr(baseline)
        kept = self.state.get("_whatif_baseline_result")
        if (
            kept is not None
            and kept[0] == key
            and len(kept[1]) == len(sources)
            and all(a is b for a, b in zip(kept[1], sources, strict=True))
        ):
            return kept[2]
        frame = whatif.evaluate(matrices, baseline, explain=False)
        self.state["_whatif_baseline_result"] = (key, sources, frame)
        return frame
