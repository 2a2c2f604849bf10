"""UI texts of the whatif page (merged into the one catalog of dashboard/ui/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "whatif_preset_placeholder": {"en": "Choose a preset…", "zh": "选择一个预设方案…"},
    "whatif_locked_placeholder": {"en": "None locked", "zh": "未锁定"},
    "whatif_intro": {
        "en": "Tune the incentive weights and see, against the baseline, who changes grade, who "
        "crosses a bonus boundary, what the bonus bill is and whether the ranking is robust. "
        "Weights are percentages that always add up to 100%: moving one slider spreads the "
        "difference over the unlocked others.",
        "zh": "调整激励权重，与基准方案对比：谁的等级变化、谁跨过奖金档位、"
        "奖金总额多少、排名是否稳健。"
        "权重以百分比表示，合计始终为 100%：移动一个滑块时，差额按比例分摊到其余未锁定的权重。",
    },
    "whatif_baseline_official": {
        "en": "Baseline: the official scenario “{name}”.",
        "zh": "基准：正式方案“{name}”。",
    },
    "whatif_baseline_default": {
        "en": "Baseline: the default balanced scheme (no scenario is marked official), with the "
        "pool and rule chosen below.",
        "zh": "基准：默认均衡方案（尚无正式方案），奖金池与分配规则同下方所选。",
    },
    "whatif_weights": {"en": "Weights", "zh": "权重"},
    "whatif_preset": {"en": "Start from a preset", "zh": "从预设方案开始"},
    "whatif_reset": {"en": "Reset to baseline", "zh": "恢复为基准"},
    "whatif_method": {"en": "How each KPI becomes 0–100", "zh": "各指标如何换算为 0–100 分"},
    "whatif_method_target": {"en": "Against targets", "zh": "对照目标值"},
    "whatif_method_percentile": {"en": "Rank among colleagues", "zh": "同事间排名"},
    "whatif_method_minmax": {"en": "Weakest to best (min–max)", "zh": "最弱到最好（极差）"},
    "whatif_method_zscore": {
        "en": "Distance from the average (z-score)",
        "zh": "与平均的距离（z 分数）",
    },
    "whatif_method_means_target": {
        "en": "Everyone is judged against fixed targets: reaching the target scores 100 "
        "whatever colleagues do, so the whole team can do well (or badly) together.",
        "zh": "每个人都对照固定目标值评分：达到目标值即得 100 分，与同事表现无关，"
        "因此全组可以一起表现好（或一起表现差）。",
    },
    "whatif_method_means_percentile": {
        "en": "Everyone is judged by rank among colleagues: 50 means half did worse, and "
        "someone always scores near 0, however good the team is.",
        "zh": "每个人按在同事中的排名评分：50 分表示一半人比你差；无论团队多好，总有人接近 0 分。",
    },
    "whatif_method_means_minmax": {
        "en": "Scores run from the weakest agent (0) to the best (100): a single outlier "
        "squeezes everyone else together.",
        "zh": "分数从最弱的员工（0 分）排到最好的员工（100 分）：一个极端值会把其他人挤在一起。",
    },
    "whatif_method_means_zscore": {
        "en": "Scores show how far each agent is from the average (50 = average, each 10 "
        "points one standard deviation): the average agent always scores 50.",
        "zh": "分数表示与平均水平的距离（50 分为平均，每 10 分为一个标准差）："
        "平均水平的员工总是 50 分。",
    },
    "whatif_targets": {
        "en": "Floor, target and stretch per KPI (used when scoring against targets)",
        "zh": "各指标的底线值、目标值和挑战值（对照目标值评分时使用）",
    },
    "whatif_targets_help": {
        "en": "They start as this dataset's targets (set on the Targets page) or as the loaded "
        "scenario's, and are saved with the scenario. Lower-is-better KPIs have the floor above "
        "the target; an empty stretch means no bonus above the target.",
        "zh": "初始值为本数据集的目标值（在“目标值设定”页设定）或所载入方案的目标值，并随方案保存。"
        "越低越好的指标底线值高于目标值；挑战值留空表示目标值之上不加分。",
    },
    "whatif_targets_reset": {
        "en": "Use the dataset's targets",
        "zh": "使用本数据集的目标值",
    },
    "whatif_bad_targets": {
        "en": "Targets that do not run their KPI's way are ignored (the previous ones are "
        "used): {kpis}.",
        "zh": "方向不正确的目标值未被采用（沿用之前的值）：{kpis}。",
    },
    "whatif_unit": {"en": "Unit", "zh": "单位"},
    "whatif_direction": {"en": "Better", "zh": "更好方向"},
    "whatif_direction_higher": {"en": "higher", "zh": "越高越好"},
    "whatif_direction_lower": {"en": "lower", "zh": "越低越好"},
    "whatif_floor": {"en": "Floor (0)", "zh": "底线值（0 分）"},
    "whatif_target": {"en": "Target (100)", "zh": "目标值（100 分）"},
    "whatif_stretch": {"en": "Stretch (120)", "zh": "挑战值（120 分）"},
    "whatif_locked": {"en": "Locked weights", "zh": "锁定的权重"},
    "whatif_locked_help": {
        "en": "Locked weights stay put while you move the others.",
        "zh": "锁定的权重在调整其他权重时保持不变。",
    },
    "whatif_total": {"en": "Total: {total:.1f}%", "zh": "合计：{total:.1f}%"},
    "whatif_weight_number": {"en": "{kpi} weight (%)", "zh": "{kpi}权重（%）"},
    "whatif_locked_label": {"en": "{kpi} (locked)", "zh": "{kpi}（已锁定）"},
    "whatif_unmeasured": {
        "en": "No agent can be measured on {kpis} in this data, so they have no weight here: "
        "a baseline's weight on them is spread over the other KPIs.",
        "zh": "本数据中没有任何员工可按{kpis}衡量，因此不设权重："
        "基准方案中它们的权重按比例分摊到其他指标。",
    },
    "whatif_mode": {"en": "Scoring", "zh": "评分方式"},
    "whatif_mode_single": {"en": "One set of weights", "zh": "统一权重"},
    "whatif_mode_segments": {
        "en": "Per customer segment",
        "zh": "按客户类型分别加权",
    },
    "whatif_segments_help": {
        "en": "Each agent's enterprise tickets are scored with the enterprise weights and the "
        "individual tickets with the individual weights; the agent's score mixes the two by "
        "their share of tickets.",
        "zh": "员工的企业客户工单按企业权重评分，个人客户工单按个人权重评分；"
        "综合得分按两类工单占比加权。",
    },
    "whatif_segment_enterprise": {"en": "Enterprise customers", "zh": "企业客户"},
    "whatif_segment_individual": {"en": "Individual consumers", "zh": "个体消费者"},
    "whatif_grading": {"en": "Grading", "zh": "评级方式"},
    "whatif_grading_absolute": {"en": "Score bands", "zh": "分数段"},
    "whatif_grading_forced": {"en": "Forced distribution", "zh": "强制分布"},
    "whatif_threshold": {"en": "{grade} from", "zh": "{grade}分数线"},
    "whatif_quota": {"en": "{grade} share %", "zh": "{grade}比例 %"},
    "whatif_bad_thresholds": {
        "en": "Score bands must fall from Excellent to Satisfactory; the default bands "
        "90 / 75 / 60 are used.",
        "zh": "分数线须由优秀到合格依次降低；现按默认 90 / 75 / 60 计算。",
    },
    "whatif_bad_quotas": {
        "en": "The shares add up to {total:g}%, not 100%; the default 15 / 35 / 40 / 10 is used.",
        "zh": "比例合计为 {total:g}%，不是 100%；现按默认 15 / 35 / 40 / 10 计算。",
    },
    "whatif_pool": {"en": "Bonus pool", "zh": "奖金池"},
    "whatif_rule": {"en": "Allocation rule", "zh": "分配规则"},
    "whatif_rule_grade_multiplier": {"en": "Grade multipliers", "zh": "按等级系数"},
    "whatif_rule_threshold_linear": {"en": "Threshold + linear", "zh": "门槛 + 线性"},
    "whatif_rule_proportional": {"en": "Proportional to score", "zh": "按得分比例"},
    "whatif_monte_carlo": {
        "en": "Robustness check (1,000 random weight variations)",
        "zh": "稳健性检验（1,000 次权重随机扰动）",
    },
    "whatif_consequences": {"en": "Consequences vs the baseline", "zh": "与基准相比的影响"},
    "whatif_tau": {"en": "Rank correlation (Kendall's τ)", "zh": "排名相关（Kendall τ）"},
    "whatif_tau_help": {
        "en": "1 = same order as the baseline, 0 = unrelated. Agents graded under both.",
        "zh": "1 表示与基准排序相同，0 表示无关。仅计两种方案下均参评的员工。",
    },
    "whatif_grade_changes": {"en": "Grade changes", "zh": "等级变化人数"},
    "whatif_crossings": {"en": "Cross a bonus boundary", "zh": "跨越奖金档位"},
    "whatif_payout_total": {"en": "Bonus bill", "zh": "奖金总额"},
    "whatif_payout_spread": {
        "en": "Payout range (min – max): {low} – {high}",
        "zh": "个人奖金范围（最低–最高）：{low} – {high}",
    },
    "whatif_no_change": {"en": "no change", "zh": "无变化"},
    "whatif_no_bonus": {
        "en": "No team is paid a bonus under either setup.",
        "zh": "两种方案下均没有班组获得奖金。",
    },
    "whatif_nobody_ranked": {
        "en": "No agent is ranked under these settings (too few tickets or KPIs measured).",
        "zh": "当前设置下没有员工参与排名（工单或可衡量指标不足）。",
    },
    "whatif_department_totals": {
        "en": "Kendall's τ and the bonus bill with its range are the whole department's: every "
        "team shares one pool. Grade changes, crossings, coin tosses and the tables below "
        "cover only {teams}.",
        "zh": "Kendall τ、奖金总额及其范围按全部门计算：各团队共用一个奖金池。"
        "等级变化、跨档、不稳定人数及下方各表仅含 {teams}。",
    },
    "whatif_compare_department": {
        "en": "Bonus bills of the whole department (every team shares one pool).",
        "zh": "奖金总额按全部门计算（各团队共用一个奖金池）。",
    },
    "whatif_rank_table": {
        "en": "Agents: ranks, grades and payouts",
        "zh": "员工：排名、等级与奖金",
    },
    "whatif_base": {"en": "Baseline", "zh": "基准"},
    "whatif_new": {"en": "New", "zh": "新方案"},
    "whatif_base_score": {"en": "Baseline score", "zh": "基准得分"},
    "whatif_new_score": {"en": "New score", "zh": "新得分"},
    "whatif_base_rank": {"en": "Baseline rank", "zh": "基准排名"},
    "whatif_new_rank": {"en": "New rank", "zh": "新排名"},
    "whatif_movement": {"en": "Places moved", "zh": "名次变化"},
    "whatif_base_grade": {"en": "Baseline grade", "zh": "基准等级"},
    "whatif_new_grade": {"en": "New grade", "zh": "新等级"},
    "whatif_base_payout": {"en": "Baseline bonus", "zh": "基准奖金"},
    "whatif_new_payout": {"en": "New bonus", "zh": "新奖金"},
    "whatif_payout_change": {"en": "Bonus change", "zh": "奖金变化"},
    "whatif_payout_agent": {"en": "How a bonus is worked out", "zh": "奖金如何计算"},
    "whatif_payout_agent_placeholder": {"en": "Choose an agent…", "zh": "选择一名员工…"},
    "whatif_payout_reason": {"en": "**{policy}**: {text}", "zh": "**{policy}**：{text}"},
    "whatif_crossed": {"en": "Bonus boundary", "zh": "奖金档位"},
    "whatif_crossed_up": {"en": "▲ up", "zh": "▲ 上升"},
    "whatif_crossed_down": {"en": "▼ down", "zh": "▼ 下降"},
    "whatif_no_movers": {
        "en": "No agent changes rank under these settings: move a weight or a threshold.",
        "zh": "当前设置下没有员工名次变化：请调整权重或分数线。",
    },
    "whatif_slope": {
        "en": "Biggest rank movements (baseline → new)",
        "zh": "名次变化最大的员工（基准 → 新方案）",
    },
    "whatif_rank": {"en": "Rank", "zh": "排名"},
    "whatif_transitions": {
        "en": "Grade transitions (rows: baseline, columns: new) — click a cell to list the agents",
        "zh": "等级迁移（行：基准，列：新方案）—— 点击单元格查看员工",
    },
    "whatif_cell_agents": {
        "en": "{base} → {new}: {count} agent(s)",
        "zh": "{base} → {new}：{count} 人",
    },
    "whatif_teams": {"en": "Team ranking change", "zh": "班组排名变化"},
    "whatif_team_payouts": {"en": "Bonus per team", "zh": "各班组奖金"},
    "whatif_amount": {"en": "Amount", "zh": "金额"},
    "whatif_robustness": {"en": "Robustness of grades and ranks", "zh": "等级与排名的稳健性"},
    "whatif_robustness_help": {
        "en": "The weights were varied at random around your choice ({draws:,} draws, Dirichlet "
        "with concentration {concentration:g}: a 20% weight varies by about ±4 points). An agent "
        "whose most likely grade has a probability below {limit:.0%} is a coin toss: check "
        "before announcing.",
        "zh": "在所选权重附近随机扰动（{draws:,} 次，Dirichlet 分布，集中参数 {concentration:g}："
        "20% 的权重约有 ±4 个百分点的波动）。"
        "最可能等级的概率低于 {limit:.0%} 的员工视为“掷硬币”，公布前请复核。",
    },
    "whatif_coin_tosses": {"en": "Coin-toss grades", "zh": "等级不稳定人数"},
    "whatif_likely_grade": {"en": "Most likely grade", "zh": "最可能等级"},
    "whatif_likely_probability": {"en": "Probability", "zh": "概率"},
    "whatif_grade_probability": {"en": "P({grade})", "zh": "{grade}概率"},
    "whatif_rank_interval": {"en": "Rank 95% interval", "zh": "排名 95% 区间"},
    "whatif_coin_toss": {"en": "Coin toss", "zh": "不稳定"},
    "whatif_intervals_chart": {
        "en": "Rank under weight variations (95% interval)",
        "zh": "权重扰动下的排名（95% 区间）",
    },
    "whatif_robustness_kano": {
        "en": "The robustness check varies plain weights; it does not model must-be gates or "
        "bonus KPIs. Clear both to run it.",
        "zh": "稳健性检验只扰动普通权重，不考虑必备门槛和加分指标；清空两者后即可运行。",
    },
    "whatif_kano": {
        "en": "Scoring built on what customers expect (Kano)",
        "zh": "基于客户期望的评分（卡诺）",
    },
    "whatif_kano_rule": {
        "en": "Must-be KPIs are gates: an agent beyond the floor of one is graded at most "
        "Satisfactory, whatever the score. Attractive KPIs earn bonus points above their target "
        "only: their share of the weight, in full at the stretch, nothing at or short of the "
        "target. The other KPIs are weighted linearly. The Customer expectations page suggests "
        "both from the questionnaire.",
        "zh": "必备指标为门槛：任一必备指标未达下限的坐席，无论得分多少，最高评为合格。"
        "吸引指标只在超过目标后加分：按其权重占比计分，达到挑战值时得满分，未达目标不扣分。"
        "其余指标按权重线性计分。客户期望页面会根据问卷给出建议。",
    },
    "whatif_must_be": {"en": "Must-be KPIs (gates)", "zh": "必备指标（门槛）"},
    "whatif_must_be_help": {
        "en": "Beyond the floor of one of these, the grade is at most Satisfactory.",
        "zh": "任一指标未达下限时，等级最高为合格。",
    },
    "whatif_bonus": {"en": "Attractive KPIs (bonus points)", "zh": "吸引指标（加分项）"},
    "whatif_bonus_help": {
        "en": "Their weight is earned as bonus points from the target to the stretch, instead of "
        "counting in the weighted mean.",
        "zh": "其权重不计入加权平均，而是在目标值至挑战值之间作为加分。",
    },
    "whatif_kano_none": {"en": "None", "zh": "无"},
    "whatif_kano_both": {
        "en": "A KPI cannot be a gate and a bonus at once: it counts as a must-be gate.",
        "zh": "同一指标不能既是门槛又是加分项：按必备门槛计算。",
    },
    "whatif_objectives_title": {
        "en": "Objectives (management by objectives)",
        "zh": "目标考核（目标管理）",
    },
    "whatif_objectives_rule": {
        "en": "An agent's objective score is their objectives' mean attainment (each counted "
        "up to 120%), weighted by the objectives' weights; their own objectives first, else "
        "their team's, else the department's. The score blends it with the KPI composite; "
        "agents without an objective keep the KPI composite.",
        "zh": "坐席的目标得分为其各项目标达成率的加权平均（每项最高按 120% 计）；"
        "先取本人的目标，没有则取所在班组的，再没有则取部门的。"
        "综合得分按比例混合目标得分与指标综合分；没有目标的坐席仍按指标综合分计。",
    },
    "whatif_objectives": {
        "en": "Share of the score from objectives",
        "zh": "目标得分占比",
    },
    "whatif_objectives_help": {
        "en": "0%: the KPI composite alone; 100%: graded on objective attainment alone.",
        "zh": "0%：只看指标综合分；100%：只按目标达成率评级。",
    },
    "whatif_objective_score": {"en": "Objective score", "zh": "目标得分"},
    "whatif_objectives_none": {
        "en": "No agent has an objective in this period: the score is the KPI composite.",
        "zh": "本期间没有坐席设有目标：得分即指标综合分。",
    },
    "whatif_objectives_some": {
        "en": "{count} of {total} agents have an objective in this period; the others keep "
        "the KPI composite.",
        "zh": "{total} 名坐席中有 {count} 人在本期间设有目标；其余坐席仍按指标综合分计。",
    },
    "whatif_gated": {
        "en": "{count} of the agents shown are beyond the floor of a must-be KPI: graded at "
        "most Satisfactory.",
        "zh": "所示坐席中有 {count} 人未达必备指标下限：最高评为合格。",
    },
    "whatif_robustness_segments": {
        "en": "The robustness check uses one set of weights; switch the scoring to one set "
        "to run it.",
        "zh": "稳健性检验适用于统一权重；请切换为统一权重后运行。",
    },
    "whatif_scenarios": {"en": "Scenarios", "zh": "方案"},
    "whatif_scenario_name": {"en": "Scenario name", "zh": "方案名称"},
    "whatif_author": {"en": "Author", "zh": "作者"},
    "whatif_save": {"en": "Save scenario", "zh": "保存方案"},
    "whatif_saved": {"en": "Saved “{name}”.", "zh": "已保存“{name}”。"},
    "whatif_name_needed": {"en": "Give the scenario a name.", "zh": "请填写方案名称。"},
    "whatif_scenario": {"en": "Scenario", "zh": "方案"},
    "whatif_no_scenarios": {"en": "No saved scenarios yet.", "zh": "尚无已保存的方案。"},
    "whatif_load": {"en": "Load", "zh": "载入"},
    "whatif_loaded": {"en": "Loaded “{name}”.", "zh": "已载入“{name}”。"},
    "whatif_delete": {"en": "Delete", "zh": "删除"},
    "whatif_deleted": {"en": "Deleted “{name}”.", "zh": "已删除“{name}”。"},
    "whatif_mark_official": {"en": "Mark as official baseline", "zh": "设为正式基准"},
    "whatif_marked": {
        "en": "“{name}” is now the official baseline.",
        "zh": "“{name}”已设为正式基准。",
    },
    "whatif_official": {"en": "official", "zh": "正式"},
    "whatif_compare": {"en": "Compare two scenarios", "zh": "对比两个方案"},
    "whatif_setting": {"en": "Setting", "zh": "设置"},
    "whatif_created_at": {"en": "Saved at", "zh": "保存时间"},
    "whatif_thresholds": {"en": "Score bands", "zh": "分数线"},
    "whatif_quotas": {"en": "Grade shares", "zh": "等级比例"},
    "whatif_filter_start": {"en": "From", "zh": "开始日期"},
    "whatif_filter_end": {"en": "To", "zh": "结束日期"},
    "whatif_setting_weight": {"en": "Weight: {kpi} (%)", "zh": "权重：{kpi}（%）"},
    "whatif_setting_targets": {
        "en": "Floor / target / stretch: {kpi}",
        "zh": "底线值 / 目标值 / 挑战值：{kpi}",
    },
    "whatif_differs": {"en": "Differs", "zh": "不同"},
    "whatif_export": {
        "en": "Export scenario with payouts (Excel)",
        "zh": "导出方案及奖金（Excel）",
    },
    "whatif_scenario_gone": {
        "en": "“{name}” is no longer saved (deleted in another session, or lost with a damaged "
        "file): nothing was done.",
        "zh": "“{name}”已不在已保存方案中（可能已在其他会话中删除，或随损坏的文件丢失），"
        "未执行任何操作。",
    },
    "whatif_store_problem": {
        "en": "Some saved scenarios could not be read and are not shown: {rows}",
        "zh": "部分已保存方案无法读取，未显示：{rows}",
    },
    "whatif_filters_differ": {
        "en": "This scenario was saved for other filters: {filters}. The sidebar filters apply.",
        "zh": "此方案保存时的筛选条件不同：{filters}。当前按侧边栏筛选计算。",
    },
    # The steps of a payout (scoring.methods.incentives.PayoutStep codes), worded by
    # dashboard.whatif.payouts: amounts as money, shares as %.
    "payout_step_grade_multiplier": {
        "en": "base {base} × company {company} × grade {grade} {multiplier} = {amount}",
        "zh": "基数 {base} × 公司系数 {company} × {grade}等级系数 {multiplier} = {amount}",
    },
    "payout_step_threshold_linear": {
        "en": "base {base} × company {company} × {pct} (score {score}; {min_pct} at "
        "{threshold} rising to {max_pct} at {max_score}) = {amount}",
        "zh": "基数 {base} × 公司系数 {company} × {pct}（得分 {score}；{threshold} 分为 "
        "{min_pct}，线性升至 {max_score} 分为 {max_pct}）= {amount}",
    },
    "payout_step_below_threshold": {
        "en": "score {score} is below the threshold {threshold} → 0",
        "zh": "得分 {score} 低于门槛 {threshold} 分 → 0",
    },
    "payout_step_proportional": {
        "en": "pool {pool} × score {score} / total score {total} = {amount}",
        "zh": "奖金池 {pool} × 得分 {score} / 总得分 {total} = {amount}",
    },
    "payout_step_nothing_to_share": {
        "en": "all eligible scores are 0, nothing to share in proportion → 0",
        "zh": "参评员工得分均为 0，无法按比例分配 → 0",
    },
    "payout_step_no_score": {
        "en": "no payout: score not available (insufficient data)",
        "zh": "无奖金：没有得分（数据不足）",
    },
    "payout_step_no_grade": {
        "en": "no payout: no grade (insufficient data)",
        "zh": "无奖金：没有等级（数据不足）",
    },
    "payout_step_scaled": {
        "en": "scaled ×{scale} to fit the pool of {pool} → {paid}",
        "zh": "按 ×{scale} 缩减以不超过奖金池 {pool} → {paid}",
    },
    "payout_step_rounded": {
        "en": "rounded down to the cent → {paid}",
        "zh": "向下取整到分 → {paid}",
    },
    "payout_step_separator": {"en": "; ", "zh": "；"},
}
