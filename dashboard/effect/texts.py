"""UI texts of the Did it work? page (效果评估), merged into the one catalog of
dashboard/ui/i18n.py. KPI names come from the registry; method names are the tests' own."""

TEXTS: dict[str, dict[str, str]] = {
    "page_effect": {"en": "Did it work?", "zh": "效果评估"},
    "effect_intro": {
        "en": "Judge a change — a new process in a team from a date, an improvement action, a "
        "training, a scheme made official — by comparing the treated agents before and after "
        "with untreated teams whose trends ran parallel before (difference in differences), "
        "with a placebo and the people side: attrition and employee satisfaction.",
        "zh": "评估一项变化（某团队自某日起的新流程、一项改进措施、一次培训、一套转为正式的方案）："
        "将受影响员工变化前后的表现，与变化前走势平行的未受影响团队相比（双重差分），并给出安慰剂"
        "检验和人员方面的结果：人员流失率与员工满意度。",
    },
    "spinner_effect": {"en": "Evaluating the change…", "zh": "正在评估变化的效果…"},
    "effect_source": {"en": "Start from", "zh": "变化来源"},
    "effect_by_hand": {"en": "A date and teams or agents", "zh": "手动指定日期与团队或员工"},
    "effect_from_action": {
        "en": "Improvement action: {measure} ({team}, from {date})",
        "zh": "改进措施：{measure}（{team}，{date} 起）",
    },
    "effect_from_course": {
        "en": "Training: {course}, completed {date} ({n} agents)",
        "zh": "培训：{course}，{date} 完成（{n} 名员工）",
    },
    "effect_from_scheme": {
        "en": "Official scheme: {name} (every visible team; no control)",
        "zh": "正式方案：{name}（全部可见团队，无对照组）",
    },
    "effect_date": {"en": "Change from", "zh": "变化起始日"},
    "effect_teams": {"en": "Treated teams", "zh": "受影响团队"},
    "effect_none_chosen": {"en": "None", "zh": "未选择"},
    "effect_agents": {"en": "Treated agents", "zh": "受影响员工"},
    "effect_kpis": {"en": "KPIs to judge", "zh": "评估指标"},
    "effect_months": {"en": "Months before and after", "zh": "前后各几个月"},
    "effect_months_auto": {"en": "Automatic ({n})", "zh": "自动（{n}）"},
    "effect_control": {"en": "Control group", "zh": "对照组"},
    "effect_control_auto": {"en": "Automatic", "zh": "自动选择"},
    "effect_control_hand": {"en": "Chosen", "zh": "手动选择"},
    "effect_control_none": {"en": "None", "zh": "不设对照"},
    "effect_control_teams": {"en": "Control teams", "zh": "对照团队"},
    "effect_pick": {
        "en": "Choose the treated teams or agents and at least one KPI.",
        "zh": "请选择受影响的团队或员工，以及至少一个指标。",
    },
    "effect_pick_control": {"en": "Choose the control teams.", "zh": "请选择对照团队。"},
    "effect_no_window": {
        "en": "The data holds no full month both before and after {date}: choose another date.",
        "zh": "数据在 {date} 前后都不足一个完整月份，请另选日期。",
    },
    "effect_list_separator": {"en": ", ", "zh": "、"},
    "effect_sentence_gap": {"en": " ", "zh": ""},
    "effect_interval": {"en": "{lo} to {hi}", "zh": "{lo} 至 {hi}"},
    "effect_control_aggregate": {"en": "{n} untreated teams", "zh": "{n} 个未受影响团队"},
    "effect_against": {"en": "relative to {control}", "zh": "相对于{control}"},
    "effect_against_before": {
        "en": "compared with before (no control group)",
        "zh": "与变化前相比（无对照组）",
    },
    "effect_verdict_fell": {
        "en": "**{kpi}** fell {size} ({level} CI {interval}) {against}.",
        "zh": "**{kpi}** 下降了 {size}（{level} 置信区间 {interval}），{against}。",
    },
    "effect_verdict_rose": {
        "en": "**{kpi}** rose {size} ({level} CI {interval}) {against}.",
        "zh": "**{kpi}** 上升了 {size}（{level} 置信区间 {interval}），{against}。",
    },
    "effect_verdict_none": {
        "en": "**{kpi}** shows no clear change ({level} CI {interval}, p = {p}) {against}.",
        "zh": "**{kpi}** 没有明显变化（{level} 置信区间 {interval}，p = {p}），{against}。",
    },
    "effect_verdict_unknown": {
        "en": "**{kpi}** cannot be estimated: too few cases or agents on a side.",
        "zh": "**{kpi}** 无法估计：某一组的案例或员工过少。",
    },
    "effect_placebo_none": {
        "en": "The placebo on {date} shows no effect (p = {p}).",
        "zh": "以 {date} 为假想变化日的安慰剂检验未显示效果（p = {p}）。",
    },
    "effect_placebo_effect": {
        "en": "But the placebo on {date} shows an effect too (p = {p}): something else may "
        "be moving this KPI.",
        "zh": "但以 {date} 为假想变化日的安慰剂检验也显示出效果（p = {p}）："
        "可能另有原因在影响该指标。",
    },
    "effect_placebo_missing": {
        "en": "No placebo: the windows are too short.",
        "zh": "无安慰剂检验：时间窗口太短。",
    },
    "effect_caveat_pretrends": {
        "en": "Before the change the trends were not parallel (p = {p}): the control group "
        "may not be comparable.",
        "zh": "变化前两组走势并不平行（p = {p}）：对照组可能不可比。",
    },
    "effect_caveat_thin": {
        "en": "Thin sample: fewer than {minimum} agents or {cases} cases on a side, so the "
        "estimate is uncertain.",
        "zh": "样本偏少：某一组少于 {minimum} 名员工或 {cases} 个案例，估计不够可靠。",
    },
    "effect_caveat_excluded": {
        "en": "{n} cases with a duration of 0 minutes are left out (a duration is judged on "
        "its logarithm).",
        "zh": "{n} 个时长为 0 分钟的案例未计入（时长按对数评估）。",
    },
    "effect_verdicts": {"en": "Verdict per KPI", "zh": "各指标结论"},
    "effect_windows": {
        "en": "{months} months before and after {date}: {first} to {last}. The sidebar's "
        "dates and teams do not apply here; its channel, category and segment filters do.",
        "zh": "{date} 前后各 {months} 个月：{first} 至 {last}。侧边栏的日期与团队筛选在此不适用，"
        "渠道、类别与客户类型筛选仍然适用。",
    },
    "effect_method_did_cr1": {
        "en": "Difference in differences (clustered by agent)",
        "zh": "双重差分（按员工聚类）",
    },
    "effect_method_welch": {"en": "Welch's t-test", "zh": "Welch t 检验"},
    "effect_method_two_proportion_z": {"en": "Two-proportion z-test", "zh": "两比例 z 检验"},
    "effect_method_mann_whitney": {"en": "Mann–Whitney U test", "zh": "Mann–Whitney U 检验"},
    "effect_numbers": {"en": "The numbers", "zh": "详细数据"},
    "effect_numbers_help": {
        "en": "Durations are judged on their logarithm: their values are geometric means and "
        "their effects relative. Rates change in percentage points. Placebo: the same "
        "estimate at a date inside the before window; pre-trend: the test that the groups "
        "moved in parallel before the change.",
        "zh": "时长按对数评估：其数值为几何平均数，效果为相对变化；比率的变化以百分点表示。"
        "安慰剂：在变化前窗口内的某日做同样的估计；前期趋势：检验两组在变化前是否平行变化。",
    },
    "effect_col_kpi": {"en": "KPI", "zh": "指标"},
    "effect_col_method": {"en": "Method", "zh": "方法"},
    "effect_col_treated_before": {"en": "Treated before", "zh": "受影响组·变化前"},
    "effect_col_treated_after": {"en": "Treated after", "zh": "受影响组·变化后"},
    "effect_col_control_before": {"en": "Control before", "zh": "对照组·变化前"},
    "effect_col_control_after": {"en": "Control after", "zh": "对照组·变化后"},
    "effect_col_effect": {"en": "Effect", "zh": "效果"},
    "effect_col_interval": {"en": "Confidence interval", "zh": "置信区间"},
    "effect_col_p_value": {"en": "p-value", "zh": "p 值"},
    "effect_col_placebo": {"en": "Placebo", "zh": "安慰剂效果"},
    "effect_col_placebo_p": {"en": "Placebo p", "zh": "安慰剂 p 值"},
    "effect_col_pretrend_p": {"en": "Pre-trend p", "zh": "前期趋势 p 值"},
    "effect_col_agents_both": {"en": "Agents (treated / control)", "zh": "员工数（受影响/对照）"},
    "effect_col_control": {"en": "Control", "zh": "对照组"},
    "effect_col_group": {"en": "Group", "zh": "组别"},
    "effect_col_side": {"en": "Window", "zh": "时段"},
    "effect_col_leavers": {"en": "Leavers", "zh": "离职人数"},
    "effect_col_headcount": {"en": "Average headcount", "zh": "平均在岗人数"},
    "effect_col_monthly": {"en": "Monthly attrition", "zh": "月流失率"},
    "effect_col_annualised": {"en": "Annualised", "zh": "年化流失率"},
    "effect_col_score": {"en": "Mean score (1–5)", "zh": "平均分（1–5）"},
    "effect_col_responses": {"en": "Responses", "zh": "回答数"},
    "effect_col_agents": {"en": "Agents", "zh": "员工数"},
    "effect_col_team": {"en": "Team", "zh": "团队"},
    "effect_charts": {"en": "Trends and the effect per month", "zh": "走势与逐月效果"},
    "effect_chart_kpi": {"en": "KPI", "zh": "指标"},
    "effect_treated": {"en": "Treated", "zh": "受影响组"},
    "effect_trends": {"en": "{kpi}: treated and control", "zh": "{kpi}：受影响组与对照组"},
    "effect_trends_geometric": {
        "en": "{kpi}, geometric mean",
        "zh": "{kpi}（几何平均）",
    },
    "effect_trends_help": {
        "en": "Month by month from the change's day; the dashed line is the change. Parallel "
        "before the change: p = {p} for a difference in slopes.",
        "zh": "自变化日起逐月统计，虚线为变化日。变化前是否平行：斜率差异检验 p = {p}。",
    },
    "effect_no_events": {
        "en": "No event study without a control group.",
        "zh": "没有对照组时不做逐月效果分析。",
    },
    "effect_events": {
        "en": "Effect per month (the month before the change = 0)",
        "zh": "逐月效果（以变化前一个月为 0）",
    },
    "effect_events_help": {
        "en": "Each month's difference between the groups relative to the month before the "
        "change, with its confidence interval: before the change the points should sit "
        "around 0.",
        "zh": "各月两组差异相对于变化前一个月的变化及其置信区间：变化前各点应在 0 附近。",
    },
    "effect_people": {"en": "People: attrition and satisfaction", "zh": "人员：流失率与满意度"},
    "effect_people_help": {
        "en": "Treated agents against the comparison teams (the chosen control teams, else "
        "every untreated team) over the same windows. Monthly attrition = leavers / average "
        "headcount; annualised = 1 − (1 − monthly)^12. A survey period counts where its "
        "middle day falls.",
        "zh": "受影响员工与对照团队（已选择的对照团队，否则为全部未受影响团队）在相同时段的比较。"
        "月流失率 = 离职人数 / 平均在岗人数；年化 = 1 − (1 − 月流失率)^12。"
        "调查期按其中间日期归入时段。",
    },
    "effect_attrition": {"en": "Attrition (人员流失率)", "zh": "人员流失率"},
    "effect_attrition_trend": {"en": "Monthly attrition per team", "zh": "各团队月流失率"},
    "effect_no_left_dates": {
        "en": "The agents table has no left dates, so attrition cannot be computed.",
        "zh": "员工表没有离职日期，无法计算流失率。",
    },
    "effect_satisfaction": {"en": "Employee satisfaction", "zh": "员工满意度"},
    "effect_no_survey": {
        "en": "This dataset has no employee survey (employee_survey).",
        "zh": "本数据集没有员工满意度调查（employee_survey）。",
    },
    "effect_satisfaction_did": {
        "en": "Difference in differences of the scores: {value} (95% CI {lo} to {hi}, p = {p}).",
        "zh": "满意度得分的双重差分：{value}（95% 置信区间 {lo} 至 {hi}，p = {p}）。",
    },
    "effect_group_treated": {"en": "Treated", "zh": "受影响组"},
    "effect_group_untreated": {"en": "Comparison teams", "zh": "对照团队"},
    "effect_side_before": {"en": "Before", "zh": "变化前"},
    "effect_side_after": {"en": "After", "zh": "变化后"},
}
