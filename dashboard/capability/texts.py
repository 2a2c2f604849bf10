"""UI texts of the capability page (merged into the one catalog of dashboard/ui/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "capability_intro": {
        "en": "Who needs which training, with the evidence: each agent's KPI per skill against "
        "peers handling the same skill, shrunk towards the group, with a 95% interval.",
        "zh": "谁需要哪项培训，以及依据：按技能比较每位员工与处理同类工单的同事的指标，"
        "小样本向整体收缩，并给出 95% 区间。",
    },
    "capability_kpi": {"en": "Measure skills by", "zh": "技能衡量指标"},
    "capability_interval_low": {"en": "{level:.0%} low", "zh": "{level:.0%} 下限"},
    "capability_interval_high": {"en": "{level:.0%} high", "zh": "{level:.0%} 上限"},
    "capability_baseline": {"en": "Compare with", "zh": "比较基准"},
    "capability_baseline_specific": {
        "en": "Peers on the same work, allowing for the agent's overall level",
        "zh": "同类工单的同事（扣除个人整体水平）",
    },
    "capability_baseline_peers": {"en": "Peers handling the skill", "zh": "处理该技能的同事"},
    "capability_baseline_help": {
        "en": "The first finds skill-specific gaps (what a skill course fixes): the reference is "
        "what peers achieve on the agent's own mix of tickets in that skill, moved by the "
        "agent's level on their other skills. The second compares with the peers' plain value.",
        "zh": "前者找出特定技能的差距（技能课程可解决的问题）：基准为同事在该员工同类工单组合上的"
        "表现，并按该员工在其他技能上的整体水平调整；后者直接与同事的数值比较。",
    },
    "capability_dimension": {"en": "Skills", "zh": "技能类型"},
    "capability_dim_category": {"en": "Ticket categories", "zh": "工单类别"},
    "capability_dim_channel": {"en": "Channels", "zh": "渠道"},
    "capability_dim_product": {"en": "Products", "zh": "产品线"},
    "capability_dim_competency": {"en": "360 competencies", "zh": "360 能力项"},
    "capability_min_cases": {"en": "Minimum cases per skill", "zh": "每项技能最少样本"},
    "capability_min_cases_help": {
        "en": "An agent needs at least this many cases (tickets or surveys) in a skill before a "
        "gap can be flagged; cells with fewer are greyed out. 360 competencies need 4 ratings.",
        "zh": "员工在某技能上至少有这么多样本（工单或问卷）才会标记差距；不足的单元格显示为灰色。"
        "360 能力项至少需要 4 条评分。",
    },
    "capability_matrix": {"en": "Agent × skill matrix", "zh": "员工 × 技能矩阵"},
    "capability_matrix_help": {
        "en": "Colour: gap to the reference (red worse, blue better; ● significant, ◆ training "
        "need: significant and material). Grey: too little evidence. Hover for the value, "
        "interval, reference and cases.",
        "zh": "颜色：与基准的差距（红色较差，蓝色较好；● 显著，◆ 培训需求：显著且差距足够大）。"
        "灰色：证据不足。悬停查看数值、区间、基准和样本数。",
    },
    "capability_gap": {"en": "Gap", "zh": "差距"},
    "capability_value": {"en": "Estimate", "zh": "估计值"},
    "capability_interval": {"en": "95% interval", "zh": "95% 区间"},
    "capability_reference": {"en": "Reference", "zh": "基准"},
    "capability_cases": {"en": "Cases", "zh": "样本数"},
    "capability_low_evidence": {"en": "too little evidence", "zh": "证据不足"},
    "capability_rating": {"en": "360 rating by others", "zh": "他评 360 分"},
    "capability_no_skills": {
        "en": "No skill can be measured with this dataset and filter.",
        "zh": "在此数据集和筛选条件下无法衡量任何技能。",
    },
    "capability_needs": {"en": "Training needs, by impact", "zh": "培训需求（按影响排序）"},
    "capability_needs_help": {
        "en": "Impact = cases per month in the skill × size of the gap: for a rate, the tickets "
        "per month that go wrong because of the gap. A need is a gap that is significant and "
        "material (the whole interval lies beyond the reference by a minimum margin, e.g. 15% "
        "of it for first-contact resolution). 360 competencies follow, by gap.",
        "zh": "影响 = 该技能每月样本数 × 差距大小：对比率而言，即每月因差距而出问题的工单数。"
        "培训需求须显著且差距足够大（整个区间超出基准一定幅度，如一次解决率为基准的 15%）。"
        "360 能力项排在其后，按差距排序。",
    },
    "capability_no_needs": {
        "en": "No significant, material skill gap in this view.",
        "zh": "当前视图中没有显著且足够大的技能差距。",
    },
    "capability_per_month": {"en": "Cases / month", "zh": "每月样本"},
    "capability_impact": {"en": "Impact / month", "zh": "每月影响"},
    "capability_course": {"en": "Suggested course", "zh": "建议课程"},
    "capability_no_course": {"en": "no course covers this skill", "zh": "暂无覆盖该技能的课程"},
    "capability_skill": {"en": "Skill", "zh": "技能"},
    "capability_dimension_col": {"en": "Skill type", "zh": "技能类型"},
    "capability_team_view": {"en": "Team view: group training", "zh": "班组视图：集中培训"},
    "capability_team_view_help": {
        "en": "Needs shared by at least {size} agents of a team can be served by one group "
        "session; a need of one agent is individual coaching (the table above and the "
        "coaching plan).",
        "zh": "同一班组至少 {size} 名员工共有的需求可安排一次集中培训；"
        "只有一名员工的需求为个别辅导（见上表和辅导计划）。",
    },
    "capability_no_group_needs": {
        "en": "No need is shared by {size} or more agents of a team: every need here is "
        "individual coaching.",
        "zh": "没有同一班组 {size} 名及以上员工共有的需求：这里的需求均为个别辅导。",
    },
    "capability_rate_points": {"en": "{value:+.1f} pts", "zh": "{value:+.1f} 个百分点"},
    "capability_interval_col": {"en": "{level:.0%} interval", "zh": "{level:.0%} 区间"},
    "capability_cases_before": {"en": "Cases before", "zh": "培训前样本"},
    "capability_cases_after": {"en": "Cases after", "zh": "培训后样本"},
    "capability_agents_col": {"en": "Agents", "zh": "人数"},
    "capability_agent_ids": {"en": "Who", "zh": "人员"},
    "capability_case_mix": {
        "en": "Case mix: observed vs expected",
        "zh": "工单结构调整：实际值与预期值",
    },
    "capability_case_mix_help": {
        "en": "Expected = what peers achieve on the same mix of categories, channels, priorities "
        "and segments (indirect standardisation). Ratio = observed / expected; adjusted = ratio × "
        "department value. An agent who takes the hard tickets has a low observed but a fair "
        "adjusted value. In the chart, above the dashed line: better than peers on the same work "
        "(the reverse for a lower-is-better KPI).",
        "zh": "预期值 = 同事在相同类别、渠道、优先级和客户类型组合上的表现（间接标准化）。"
        "比值 = 实际 / 预期；调整值 = 比值 × 部门值。承接难单的员工实际值偏低，调整值则公平。"
        "图中虚线上方：优于同类工单的同事（越低越好的指标则相反）。",
    },
    "capability_case_mix_toggle": {
        "en": "Adjust for case mix",
        "zh": "按工单结构调整",
    },
    "capability_case_mix_toggle_help": {
        "en": "Score FCR, CSAT, handle time and repeat rate against what peers achieve on the "
        "same mix of categories, channels, priorities and segments (indirect "
        "standardisation), so agents who take the hard tickets are not penalised.",
        "zh": "一次解决率、满意度、处理时长和重复问题率按同事在相同类别、渠道、优先级和客户类型"
        "组合上的表现调整（间接标准化），承接难单的员工不受惩罚。",
    },
    "capability_observed": {"en": "Observed", "zh": "实际值"},
    "capability_expected": {"en": "Expected", "zh": "预期值"},
    "capability_ratio": {"en": "Observed / expected", "zh": "实际 / 预期"},
    "capability_difference": {"en": "Observed − expected", "zh": "实际 − 预期"},
    "capability_adjusted": {"en": "Adjusted", "zh": "调整值"},
    "capability_raw_rank": {"en": "Rank (raw)", "zh": "排名（原始）"},
    "capability_adjusted_rank": {"en": "Rank (adjusted)", "zh": "排名（调整后）"},
    "capability_case_mix_chart": {
        "en": "Observed vs expected",
        "zh": "实际值与预期值",
    },
    "capability_effects": {"en": "Training effect", "zh": "培训效果"},
    "capability_effects_help": {
        "en": "The trained skill's KPI in the {days} days before vs after each course, next to "
        "untrained peers over the same weeks. DiD = trained change − peers' change "
        "(difference-in-differences), with a 95% interval. The period filter does not apply.",
        "zh": "每门课程完成前后 {days} 天内所训技能的指标，并与同期未培训同事对比。"
        "双重差分 = 受训者变化 − 同事变化，附 95% 区间。不受周期筛选影响。",
    },
    "capability_no_effects": {
        "en": "No completed course on a ticket skill with tickets before and after it.",
        "zh": "没有前后均有工单的技能课程记录。",
    },
    "capability_effect_pick": {"en": "Course completion", "zh": "培训记录"},
    "capability_before": {"en": "Before", "zh": "培训前"},
    "capability_after": {"en": "After", "zh": "培训后"},
    "capability_change": {"en": "Change", "zh": "变化"},
    "capability_peers_change": {"en": "Peers' change", "zh": "同事变化"},
    "capability_did": {"en": "DiD", "zh": "双重差分"},
    "capability_did_interval": {"en": "DiD 95% interval", "zh": "双重差分 95% 区间"},
    "capability_p_value": {"en": "p (before vs after)", "zh": "p 值（前后）"},
    "capability_trained": {"en": "Trained agent", "zh": "受训员工"},
    "capability_untrained": {"en": "Untrained peers", "zh": "未培训同事"},
    "capability_completed": {"en": "Completed", "zh": "完成日期"},
    "capability_course_col": {"en": "Course", "zh": "课程"},
    "capability_feedback": {"en": "360 feedback", "zh": "360 度反馈"},
    "capability_feedback_agent": {"en": "Agent", "zh": "员工"},
    "capability_no_feedback": {
        "en": "This dataset has no 360 feedback table.",
        "zh": "此数据集没有 360 度反馈表。",
    },
    "capability_role_self": {"en": "Self", "zh": "自评"},
    "capability_role_supervisor": {"en": "Supervisor", "zh": "上级"},
    "capability_role_peer": {"en": "Peers", "zh": "同事"},
    "capability_role_subordinate": {"en": "Subordinates", "zh": "下属"},
    "capability_role_customer": {"en": "Customers", "zh": "客户"},
    "capability_others": {"en": "Others' mean", "zh": "他评均值"},
    "capability_blind_spots": {"en": "Blind spots", "zh": "盲点"},
    "capability_blind_spots_help": {
        "en": "Self-rating well above others': the mean self − others gap over competencies is at "
        "least {points:.1f} point (1–5 scale) and its 95% interval lies above 0.",
        "zh": "自评明显高于他评：各能力项自评 − 他评的平均差至少 {points:.1f} 分（1–5 分制），"
        "且其 95% 区间高于 0。",
    },
    "capability_no_blind_spots": {
        "en": "No blind spot in this view.",
        "zh": "当前视图中没有盲点。",
    },
    "capability_self_gap": {"en": "Self − others", "zh": "自评 − 他评"},
    "capability_worst": {"en": "Largest on", "zh": "差距最大的能力项"},
    "capability_blind_spot_flag": {"en": "Blind spot", "zh": "盲点"},
    "capability_plan": {"en": "Coaching plan", "zh": "辅导计划"},
    "capability_plan_help": {
        "en": "One row per agent and gap; owner = the agent's supervisor (the team when unknown).",
        "zh": "每位员工每项差距一行；负责人 = 员工的主管（未知时为班组）。",
    },
    "capability_no_plan": {"en": "Nothing to coach in this view.", "zh": "当前视图中无需辅导。"},
    "capability_owner": {"en": "Owner", "zh": "负责人"},
    "capability_plan_gap": {"en": "Gap", "zh": "差距"},
    "capability_evidence": {"en": "Evidence", "zh": "依据"},
    "capability_training": {"en": "Suggested training", "zh": "建议培训"},
    "capability_plan_need": {"en": "{skill} ({dimension})", "zh": "{skill}（{dimension}）"},
    "capability_plan_need_evidence": {
        "en": "{kpi} {value} (95% {lo}–{hi}) vs {reference} on {cases:.0f} cases",
        "zh": "{kpi} {value}（95% {lo}–{hi}），基准 {reference}，样本 {cases:.0f}",
    },
    "capability_plan_blind_spot": {"en": "Blind spot (self-rating)", "zh": "盲点（自评偏高）"},
    "capability_plan_blind_evidence": {
        "en": "self − others {gap:+.2f} points (95% {lo:+.2f} to {hi:+.2f}), largest on {worst}",
        "zh": "自评 − 他评 {gap:+.2f} 分（95% {lo:+.2f} 至 {hi:+.2f}），{worst} 差距最大",
    },
    "capability_plan_blind_training": {
        "en": "feedback conversation with the supervisor",
        "zh": "与主管进行反馈面谈",
    },
    "capability_download_csv": {"en": "Coaching plan (CSV)", "zh": "辅导计划（CSV）"},
    "capability_download_excel": {"en": "Coaching plan (Excel)", "zh": "辅导计划（Excel）"},
    "capability_appraisal": {
        "en": "Training recommended by the appraisal results",
        "zh": "考核结果建议的培训",
    },
    "capability_appraisal_caption": {
        "en": "Agents graded satisfactory or below in the latest closed period ({period}), or "
        "falling steadily across periods, with the KPIs furthest below target.",
        "zh": "最近一个已关闭周期（{period}）等级为合格及以下、或各期持续下滑的坐席，"
        "以及距目标最远的指标。",
    },
    "capability_appraisal_none": {
        "en": "The closed appraisal periods recommend nobody in view for training.",
        "zh": "已关闭的考核周期未建议对可见范围内的坐席进行培训。",
    },
    "capability_appraisal_no_period": {
        "en": "No appraisal period has been closed yet.",
        "zh": "尚无已关闭的考核周期。",
    },
    "capability_appraisal_train_on": {"en": "Train on", "zh": "培训重点"},
}
