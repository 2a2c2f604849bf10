"""UI texts of the Balanced scorecard page (merged into the one catalog of
dashboard/ui/i18n.py). Perspective names come from scoring/registry/kpis.py, KPI names from
the registry; the strategy map's rationale codes (scoring/registry/strategy_map.py) are
worded here, one `balanced_link_<code>` each."""

TEXTS: dict[str, dict[str, str]] = {
    "page_balanced": {"en": "Balanced scorecard", "zh": "平衡计分卡"},
    "balanced_intro": {
        "en": "The four perspectives of the balanced scorecard with their KPIs: each KPI's "
        "actual against its target (the objective where one is set, else the KPI target), its "
        "attainment (0 at the floor, 100 at the target, up to 120 at the stretch) and each "
        "perspective's score, the mean attainment of its KPIs.",
        "zh": "平衡计分卡的四个维度及其指标：各指标的实际值与目标值（设有目标管理目标时用该目标，"
        "否则用指标目标值）、达成度（底线为 0，目标为 100，挑战值最高 120），以及各维度得分"
        "（其指标达成度的平均值）。",
    },
    "spinner_balanced": {"en": "Computing the scorecard…", "zh": "正在计算平衡计分卡…"},
    "balanced_level": {"en": "Scorecard of", "zh": "计分对象"},
    "balanced_level_department": {"en": "Department", "zh": "部门"},
    "balanced_level_team": {"en": "A team", "zh": "班组"},
    "balanced_level_agent": {"en": "An agent", "zh": "员工"},
    "balanced_owner_team": {"en": "Team: {team}", "zh": "班组：{team}"},
    "balanced_owner_agent": {"en": "Agent: {agent} · {team}", "zh": "员工：{agent} · {team}"},
    "balanced_no_agents": {
        "en": "No agent can be shown in this view.",
        "zh": "当前视图中没有可显示的员工。",
    },
    "balanced_scores_header": {"en": "Perspective scores", "zh": "各维度得分"},
    "balanced_score_help": {
        "en": "Mean attainment of {judged} of the perspective's {kpis} KPIs (100: every one "
        "at its target).",
        "zh": "该维度 {kpis} 个指标中 {judged} 个的平均达成度（100 表示全部达到目标）。",
    },
    "balanced_no_score": {"en": "no data", "zh": "无数据"},
    "balanced_none_shown": {
        "en": "{perspective}: the weight scheme weights none of this perspective's KPIs and no "
        "objective is set on one, so it has no score.",
        "zh": "{perspective}：权重方案未给该维度的任何指标赋权，也没有为其设定目标，因此没有得分。",
    },
    "balanced_none_judged": {
        "en": "{perspective}: none of its KPIs has enough data in this view ({kpis}), so it "
        "has no score.",
        "zh": "{perspective}：该维度的指标（{kpis}）在当前视图中都没有足够的数据，因此没有得分。",
    },
    "balanced_kpis_header": {"en": "KPIs by perspective", "zh": "各维度指标"},
    "balanced_col_actual": {"en": "Actual", "zh": "实际值"},
    "balanced_col_target": {"en": "Target", "zh": "目标值"},
    "balanced_col_source": {"en": "Target from", "zh": "目标来源"},
    "balanced_col_attainment": {"en": "Attainment", "zh": "达成度"},
    "balanced_col_status": {"en": "Status", "zh": "状态"},
    "balanced_col_cases": {"en": "Cases", "zh": "样本数"},
    "balanced_source_objective": {"en": "Objective", "zh": "目标管理"},
    "balanced_source_kpi_target": {"en": "KPI target", "zh": "指标目标值"},
    "balanced_objectives_note": {
        "en": "Targets marked Objective come from the Objectives page: this owner's objectives "
        "in the period shown (weighted by the days they cover), else those of the team or "
        "department above it.",
        "zh": "标为“目标管理”的目标值来自目标管理页面：该对象在所选期间内的目标（按覆盖天数加权），"
        "没有时取其上级班组或部门的目标。",
    },
    "balanced_trends_header": {"en": "Perspective scores by month", "zh": "各维度得分月度趋势"},
    "balanced_trend_axis": {"en": "Score", "zh": "得分"},
    "balanced_trend_note": {
        "en": "Each month's KPIs against the same targets as the table; the dashed line is "
        "100 (every KPI at its target).",
        "zh": "每月的指标按与上表相同的目标计算；虚线为 100（全部指标达到目标）。",
    },
    "balanced_trend_missing": {
        "en": "No monthly values for: {perspectives} (their KPIs are measured over longer "
        "spans, or have no data by month).",
        "zh": "以下维度没有月度值：{perspectives}（其指标按更长的期间计算，或没有按月的数据）。",
    },
    "balanced_no_months": {
        "en": "No month of this view has a perspective score.",
        "zh": "当前视图中没有任何月份有维度得分。",
    },
    "balanced_map_header": {"en": "Strategy map", "zh": "战略地图"},
    "balanced_map_note": {
        "en": "The declared cause → effect links: learning and growth drives the internal "
        "process, which drives the customer, who drives the financial results. Colours: "
        "{bands}.",
        "zh": "已声明的因果关系：学习与成长驱动内部流程，内部流程驱动客户，客户驱动财务结果。"
        "颜色：{bands}。",
    },
    "balanced_map_hover": {"en": "attainment", "zh": "达成度"},
    "balanced_band_met": {"en": "green = target met", "zh": "绿色 = 达到目标"},
    "balanced_band_partial": {"en": "amber = above the floor", "zh": "黄色 = 高于底线"},
    "balanced_band_floor": {"en": "red = at the floor", "zh": "红色 = 处于底线"},
    "balanced_band_none": {"en": "grey = no data", "zh": "灰色 = 无数据"},
    "balanced_links_header": {"en": "Why each link", "zh": "各因果关系的依据"},
    "balanced_col_cause": {"en": "Cause", "zh": "原因"},
    "balanced_col_effect": {"en": "Effect", "zh": "结果"},
    "balanced_col_why": {"en": "Why", "zh": "依据"},
    # one per rationale code of scoring/registry/strategy_map.py
    "balanced_link_skills_run_the_process": {
        "en": "Trained, cooperating agents run the service process faster and right first time.",
        "zh": "经过培训、协作良好的员工能更快、更一次到位地完成服务流程。",
    },
    "balanced_link_process_serves_the_customer": {
        "en": "A fast, reliable process is what customers experience as good service.",
        "zh": "快速可靠的流程就是客户感受到的优质服务。",
    },
    "balanced_link_customers_drive_cost": {
        "en": "Problems fixed for good the first time cost fewer parts and return visits.",
        "zh": "一次彻底解决的问题需要更少的配件和返修上门。",
    },
    "balanced_link_training_fixes_right": {
        "en": "Skills learnt in training fix the fault for good, so fewer issues come back.",
        "zh": "培训学到的技能能彻底排除故障，重复问题随之减少。",
    },
    "balanced_link_training_works_faster": {
        "en": "A trained agent diagnoses and repairs in less working time.",
        "zh": "受过培训的员工诊断和维修所需的工时更少。",
    },
    "balanced_link_teamwork_hands_over": {
        "en": "Good handovers between colleagues keep tickets moving within the resolution "
        "time limit.",
        "zh": "同事之间交接顺畅，工单才能在解决时限内推进。",
    },
    "balanced_link_fast_response_satisfies": {
        "en": "A quick first response is one of the strongest drivers of satisfaction.",
        "zh": "快速的首次响应是影响满意度的最重要因素之一。",
    },
    "balanced_link_missed_sla_complaints": {
        "en": "A missed response time limit is a frequent reason for a complaint.",
        "zh": "未在响应时限内响应是客户投诉的常见原因。",
    },
    "balanced_link_repeats_dissatisfy": {
        "en": "A customer whose issue comes back is a dissatisfied customer.",
        "zh": "问题反复出现的客户必然不满意。",
    },
    "balanced_link_reopens_complaints": {
        "en": "A ticket reopened after it was closed often turns into a complaint.",
        "zh": "关闭后又重开的工单常常演变为投诉。",
    },
    "balanced_link_first_fix_saves_parts": {
        "en": "Fixed on the first contact, a fault needs no second round of parts.",
        "zh": "首次接触即解决的故障无需再次更换配件。",
    },
}
