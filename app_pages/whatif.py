"""What-if lab (权重模拟): tune the weights, grading and bonus pool; compare with the baseline.

The lab is one fragment: moving a slider reruns only the lab, which re-scores the cached KPI
matrix (scoring.engine.whatif) without reading tickets. Weights are percentages adding up to 100.
Everyone is scored and paid over the department; the results show only the visible teams.
"""

import streamlit as st

from dashboard.app.shell import context
from dashboard.ui.markup import md
from dashboard.whatif import data as whatif_data
from dashboard.whatif import results
from dashboard.whatif.lab import Lab
from dashboard.whatif.reliability import reliability_section
from dashboard.whatif.scenarios import scenario_panel
from scoring.engine import whatif

ctx = context()
st.title(ctx.t("page_whatif"))
st.caption(ctx.t("whatif_intro"))
matrix = whatif_data.department_matrix(ctx.path, ctx.view.filters(), ctx.repeat_days, ctx.state_dir)
if int(matrix.frame["tickets"].sum()) == 0:
    st.info(ctx.t("no_tickets"))
    st.stop()


@st.fragment
def what_if_lab() -> None:
    lab = Lab(ctx, matrix)
    lab.init_state()
    official = lab.official
    baseline_text = (
        ctx.t("whatif_baseline_official", name=md(official.name))
        if official
        else ctx.t("whatif_baseline_default")
    )
    st.caption(baseline_text)
    policy, problems = lab.controls()
    run_monte_carlo = st.toggle(ctx.t("whatif_monte_carlo"), key="whatif_mc")
    for problem in problems:
        st.warning(problem)

    baseline = lab.baseline_policy()
    matrices = lab.matrices_for(policy, baseline)
    base_frame = lab.baseline_result(matrices, baseline)
    new_frame = whatif.evaluate(matrices, policy, explain=False)
    comparison = whatif.compare(base_frame, new_frame, baseline, policy).visible_to(ctx.visible)
    robust = None
    if run_monte_carlo and not policy.segment_weights and not whatif.kano_scoring(policy):
        robust = whatif.monte_carlo(matrix, policy).visible_to(ctx.visible)

    st.subheader(ctx.t("whatif_consequences"))
    results.headline(ctx, comparison, base_frame, new_frame, robust)
    results.gates_note(ctx, policy, new_frame)
    results.agents_section(ctx, comparison, robust)
    results.payout_reasons(lab, policy, baseline, comparison)
    results.teams_section(ctx, comparison)
    reliability_section(lab, policy)  # after the rank table, which stays the first table
    if run_monte_carlo:
        results.robustness_section(ctx, robust, comparison, policy)
    scenario_panel(lab, policy)


what_if_lab()
