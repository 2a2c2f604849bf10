"""UI texts of the Scorecard page (merged into the one catalog of dashboard/ui/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {
    # The chosen agent's appraisal history (closed periods; an agent: published ones)
    "scorecard_history": {"en": "Appraisal history", "zh": "历次考核成绩"},
    "scorecard_history_none": {
        "en": "No closed appraisal period yet (see Appraisal periods).",
        "zh": "尚无已关闭的考核周期（见“考核周期”页）。",
    },
    "scorecard_history_period": {"en": "Period", "zh": "考核周期"},
    "scorecard_history_trend": {
        "en": "Over {periods} periods: mean {mean}, trend {trend} points a period, spread "
        "{spread}; the same grade in {steady} of them.",
        "zh": "共 {periods} 期：平均 {mean} 分，每期趋势 {trend} 分，波动 {spread}；"
        "{steady} 的周期等级相同。",
    },
    # "How the score is made": one agent's breakdown
    "scorecard_breakdown_for": {
        "en": "How the score is made: {name} · {agent_id}",
        "zh": "得分是怎么算出来的：{name} · {agent_id}",
    },
    "scorecard_breakdown_target": {
        "en": "Each KPI's value is scored against its floor (0 points), target (100) and "
        "stretch (a capped bonus up to 120). The score times the weight used gives the KPI's "
        "points; the points add up to the agent's score. Where a KPI has one, the value scored is "
        "the estimate adjusted for sample size (few cases are pulled towards the department "
        "average), with its 95% interval; the measured value is beside it.",
        "zh": "每个指标的数值对照其底线值（0 分）、目标值（100 分）和挑战值（封顶加分至 120 分）"
        "换算为得分。得分乘以实际权重即该指标的贡献分，各指标贡献分相加即综合得分。"
        "有收缩估计的指标，计分值是按样本量调整后的估计值（样本少时向部门均值收缩），附 95% 区间；"
        "旁边列出实测值。",
    },
    "scorecard_breakdown_other": {
        "en": "{method} The score times the weight used gives the KPI's points; the points add "
        "up to the agent's score. Where a KPI has one, the value scored is the estimate adjusted "
        "for sample size (few cases are pulled towards the department average).",
        "zh": "{method}得分乘以实际权重即该指标的贡献分，各指标贡献分相加即综合得分。"
        "有收缩估计的指标，计分值是按样本量调整后的估计值（样本少时向部门均值收缩）。",
    },
    "scorecard_points_rounded": {
        "en": "Points are shown to one decimal; the total is their exact sum, rounded once, so "
        "the shown points may add up to 0.1 more or less.",
        "zh": "贡献分保留一位小数；合计为精确值相加后再取整，因此各项相加可能相差 0.1。",
    },
    "scorecard_col_kpi": {"en": "KPI", "zh": "指标"},
    "scorecard_col_value": {"en": "Value scored", "zh": "计分值"},
    "scorecard_col_interval": {"en": "95% interval", "zh": "95% 区间"},
    "scorecard_col_measured": {"en": "Measured", "zh": "实测值"},
    "scorecard_col_cases": {"en": "Based on", "zh": "依据"},
    "scorecard_col_targets": {"en": "Floor / target / stretch", "zh": "底线 / 目标 / 挑战"},
    "scorecard_col_score": {"en": "Score (0–120)", "zh": "得分（0–120）"},
    "scorecard_col_score_other": {"en": "Score (0–100)", "zh": "得分（0–100）"},
    "scorecard_col_weight": {"en": "Scheme weight", "zh": "方案权重"},
    "scorecard_col_weight_used": {"en": "Weight used", "zh": "实际权重"},
    "scorecard_col_points": {"en": "Points", "zh": "贡献分"},
    "scorecard_col_note": {"en": "Note", "zh": "说明"},
    "scorecard_total": {"en": "Total: the agent's score", "zh": "合计：综合得分"},
    "scorecard_total_grade": {"en": "Grade: {grade}", "zh": "等级：{grade}"},
    "scorecard_not_graded": {"en": "Not graded: {reasons}.", "zh": "未评级：{reasons}。"},
    "scorecard_reasons_separator": {"en": "; ", "zh": "；"},
    "scorecard_gate_few_tickets": {
        "en": "only {tickets} of the {needed} tickets needed",
        "zh": "仅 {tickets} 张工单，至少需要 {needed} 张",
    },
    "scorecard_gate_low_coverage": {
        "en": "the KPIs that count carry {coverage} of the weight, {needed} needed",
        "zh": "计入的指标仅占权重的 {coverage}，至少需要 {needed}",
    },
    # the cases a value rests on, per kind and grain of the KPI (`breakdown.cases_text`)
    "scorecard_cases_rate_ticket": {
        "en": "{num} of {den} ticket{s}",
        "zh": "{den} 张工单中 {num} 张",
    },
    "scorecard_cases_rate_survey": {
        "en": "{num} of {den} survey{s}",
        "zh": "{den} 份问卷中 {num} 份",
    },
    "scorecard_cases_count_ticket": {"en": "{den} ticket{s}", "zh": "{den} 张工单"},
    "scorecard_cases_count_survey": {"en": "{den} survey{s}", "zh": "{den} 份问卷"},
    "scorecard_cases_mean_ticket": {"en": "mean of {den} ticket{s}", "zh": "{den} 张工单的平均值"},
    "scorecard_cases_mean_survey": {"en": "mean of {den} survey{s}", "zh": "{den} 份问卷的平均值"},
    "scorecard_cases_mean_feedback": {
        "en": "mean of {den} 360° rating{s}",
        "zh": "{den} 条 360 度评价的平均值",
    },
    "scorecard_cases_quantile_ticket": {
        "en": "{which} of {den} ticket{s}",
        "zh": "{den} 张工单的{which}",
    },
    "scorecard_median": {"en": "median", "zh": "中位数"},
    "scorecard_percentile": {"en": "{pct}th percentile", "zh": "第 {pct} 百分位数"},
    "scorecard_cases_per_day_ticket": {
        "en": "{num} tickets in {den} working day{s}",
        "zh": "{den} 个工作日共 {num} 张工单",
    },
    "scorecard_cases_per_day_agent": {
        "en": "{num} hours in {den} working day{s}",
        "zh": "{den} 个工作日共 {num} 小时",
    },
    # why a KPI does not count: one per scorecard NOTE_ code and UNAVAILABLE_CODES
    "scorecard_note_too_few_cases": {
        "en": "Only {cases} of the {needed} cases needed",
        "zh": "仅 {cases} 个样本，至少需要 {needed} 个",
    },
    "scorecard_note_no_data": {"en": "No data in the period", "zh": "本期没有数据"},
    "scorecard_note_unweighted": {
        "en": "Not weighted in this scheme",
        "zh": "此方案中权重为 0",
    },
    "scorecard_note_missing_columns": {
        "en": "Cannot be computed: {reason}",
        "zh": "无法计算：{reason}",
    },
    "scorecard_note_reweighted": {
        "en": "{reason} — its weight is spread over the other KPIs.",
        "zh": "{reason}——其权重按比例分摊到其他指标。",
    },
    "scorecard_note_sentence": {"en": "{reason}.", "zh": "{reason}。"},
    # the hover of the interval chart: "estimate 80.0%, measured 82.0% (cases 50)"
    "scorecard_interval_estimate": {"en": "estimate", "zh": "估计值"},
    "scorecard_interval_measured": {"en": "measured", "zh": "实测值"},
    "scorecard_interval_cases": {"en": "cases", "zh": "样本数"},
    # the team table
    "scorecard_team_rank": {"en": "Rank", "zh": "排名"},
    "scorecard_team_rank_help": {
        "en": "The team's place among all teams by the mean score of its graded agents; "
        "empty when none of its agents is graded.",
        "zh": "按本组参评员工平均得分在全部班组中的名次；本组无人参评时为空。",
    },
    "scorecard_graded_help": {
        "en": "Agents with enough tickets and measured KPIs to be graded.",
        "zh": "工单量和可衡量指标足以评级的员工人数。",
    },
    "scorecard_team_score_help": {
        "en": "Mean score of the team's graded agents; empty when none is graded.",
        "zh": "本组参评员工的平均综合得分；无人参评时为空。",
    },
}
