"""The printed reports' words in both languages (one catalog; the dashboard's takes it in
through dashboard/ui/i18n.py `_PARTS`, so a key is defined once across both).

Here rather than under dashboard/: the command line (`python -m scoring report`, `deliver`)
words the same reports, and scoring/ never imports the dashboard. KPI names come from the
registry, grades, units and data values from `scoring.registry.values`.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # the app's buttons
    "report_download_agent": {"en": "Agent report (PDF)", "zh": "个人绩效报告（PDF）"},
    "report_download_agent_html": {"en": "Agent report (HTML)", "zh": "个人绩效报告（HTML）"},
    "report_download_department": {"en": "Monthly report (PDF)", "zh": "月度报告（PDF）"},
    "report_download_department_html": {
        "en": "Monthly report (HTML)",
        "zh": "月度报告（HTML）",
    },
    "report_downloads": {"en": "Printable reports", "zh": "可打印报告"},
    "report_make_agent": {
        "en": "Make the report of {name} ({agent_id})",
        "zh": "生成 {name}（{agent_id}）的个人绩效报告",
    },
    "report_make_own": {"en": "Make my performance report", "zh": "生成我的个人绩效报告"},
    "report_make_department": {"en": "Make the monthly report", "zh": "生成月度报告"},
    "report_making": {"en": "Making the report…", "zh": "正在生成报告……"},
    "report_downloads_help": {
        "en": "For the period and teams of the filter: the same report the command line "
        "`python -m scoring report` and the scheduled delivery make.",
        "zh": "按当前筛选的周期和班组生成，与命令行生成及定时发送的报告相同。",
    },
    "report_pdf_unavailable": {
        "en": "The PDF needs Chromium on the server ({reason}); the HTML report prints the same.",
        "zh": "生成 PDF 需要服务器上的 Chromium（{reason}）；HTML 报告可直接打印，内容相同。",
    },
    # titles and headers
    "report_agent_title": {"en": "Agent performance report", "zh": "个人绩效报告"},
    "report_department_title": {"en": "Monthly department report", "zh": "月度部门报告"},
    "report_whole_department": {"en": "whole department", "zh": "全部门"},
    "report_period": {"en": "Period: {start} – {end}", "zh": "周期：{start} 至 {end}"},
    "report_all_data": {"en": "all data", "zh": "全部数据"},
    "report_scheme": {"en": "Weight scheme: {scheme}", "zh": "权重方案：{scheme}"},
    "report_made_on": {"en": "Made on {day}", "zh": "生成日期：{day}"},
    "report_agent_line": {
        "en": "{name} ({agent_id}) · {team}",
        "zh": "{name}（{agent_id}）· {team}",
    },
    "report_agent_name": {"en": "{name} ({agent_id})", "zh": "{name}（{agent_id}）"},
    "report_teams_line": {"en": "Teams: {teams}", "zh": "班组：{teams}"},
    # the agent report's summary
    "report_composite": {"en": "Score", "zh": "综合得分"},
    "report_grade": {"en": "Grade", "zh": "等级"},
    "report_dept_rank": {"en": "Department rank", "zh": "部门排名"},
    "report_team_rank": {"en": "Team rank", "zh": "组内排名"},
    "report_rank_of": {"en": "{rank} of {of}", "zh": "第 {rank} / {of} 名"},
    "report_team_mean": {"en": "Team mean score", "zh": "班组平均得分"},
    "report_tickets": {"en": "Tickets", "zh": "工单量"},
    "report_payout": {"en": "Bonus", "zh": "奖金"},
    "report_no_payout": {"en": "none (not graded)", "zh": "无（未评级）"},
    "report_payout_note": {
        "en": "Share of the bonus pool of {pool} ({rule}), shared over every graded agent "
        "of the department.",
        "zh": "奖金池 {pool}（{rule}）在全部门参评员工中分配所得。",
    },
    "report_rule_grade_multiplier": {"en": "grade multipliers", "zh": "按等级系数"},
    "report_rule_threshold_linear": {"en": "threshold + linear", "zh": "门槛 + 线性"},
    "report_rule_proportional": {"en": "proportional to score", "zh": "按得分比例"},
    "report_not_graded": {"en": "Not graded: {reasons}", "zh": "未评级：{reasons}"},
    "report_few_tickets": {
        "en": "{tickets} tickets, {needed} needed",
        "zh": "工单 {tickets} 张，至少需 {needed} 张",
    },
    "report_low_coverage": {
        "en": "{coverage} of the weight measurable, {needed} needed",
        "zh": "可考核权重 {coverage}，至少需 {needed}",
    },
    # the KPI table
    "report_kpis": {"en": "KPIs against target and team", "zh": "指标：对比目标与班组"},
    "report_kpis_intro": {
        "en": "Each KPI as scored (small samples pulled towards the department average) with "
        "its 95% interval, the target in use and the median of the team-mates. The points "
        "add up to the score: score on the KPI × the weight used.",
        "zh": "各指标按评分口径列出（样本少时向部门均值收缩），"
        "附 95% 区间、当前目标及同组同事中位数。"
        "各项得分之和即综合得分：指标得分 × 实际权重。",
    },
    "report_col_kpi": {"en": "KPI", "zh": "指标"},
    "report_col_value": {"en": "Value", "zh": "数值"},
    "report_col_interval": {"en": "95% interval", "zh": "95% 区间"},
    "report_col_target": {"en": "Target", "zh": "目标"},
    "report_col_team": {"en": "Team median", "zh": "班组中位数"},
    "report_col_status": {"en": "Target", "zh": "达标"},
    "report_col_score": {"en": "Score", "zh": "指标得分"},
    "report_col_weight": {"en": "Weight used", "zh": "实际权重"},
    "report_col_points": {"en": "Points", "zh": "得分"},
    "report_col_cases": {"en": "Cases", "zh": "样本"},
    "report_col_previous": {"en": "Previous period", "zh": "上期"},
    "report_col_change": {"en": "Change", "zh": "变化"},
    "report_total": {"en": "Total", "zh": "合计"},
    "report_not_counted": {"en": "not counted: {reason}", "zh": "未计入：{reason}"},
    "report_note_too_few_cases": {
        "en": "{cases} cases, {needed} needed",
        "zh": "样本 {cases} 个，至少需 {needed} 个",
    },
    "report_note_no_data": {"en": "no case in the period", "zh": "本期无样本"},
    "report_note_missing_columns": {"en": "the data lacks it", "zh": "数据中没有"},
    "report_grade_rule": {
        "en": "Score {score} → grade {grade}.",
        "zh": "综合得分 {score} → 等级 {grade}。",
    },
    # strengths and gaps
    "report_strengths": {"en": "Strengths", "zh": "优势"},
    "report_gaps": {"en": "Gaps", "zh": "待改进"},
    "report_strength_line": {
        "en": "{kpi}: {value} against a target of {target} (team median {team}; {cases} cases).",
        "zh": "{kpi}：{value}，目标 {target}（班组中位数 {team}；样本 {cases} 个）。",
    },
    "report_gap_line": {
        "en": "{kpi}: {value} against a target of {target} (team median {team}; {cases} "
        "cases). Reaching the target would add {points} points.",
        "zh": "{kpi}：{value}，目标 {target}（班组中位数 {team}；样本 {cases} 个）。"
        "达到目标可多得 {points} 分。",
    },
    "report_no_strengths": {"en": "No KPI reaches its target yet.", "zh": "暂无达到目标的指标。"},
    "report_no_gaps": {
        "en": "Every counted KPI reaches its target.",
        "zh": "所有计入的指标均已达标。",
    },
    "report_training": {"en": "Training needs", "zh": "培训需求"},
    "report_training_line": {
        "en": "{skill} ({dimension}): {value} against {reference} for peers, "
        "{cases} cases{course}.",
        "zh": "{skill}（{dimension}）：{value}，同级参考 {reference}，样本 {cases} 个{course}。",
    },
    "report_training_course": {"en": "; suggested course: {course}", "zh": "；建议课程：{course}"},
    "report_no_training": {
        "en": "No significant training need in this period.",
        "zh": "本期无显著培训需求。",
    },
    "report_dimension_category": {"en": "ticket category", "zh": "工单类别"},
    "report_dimension_channel": {"en": "channel", "zh": "渠道"},
    "report_dimension_product": {"en": "product", "zh": "产品"},
    "report_dimension_competency": {"en": "360 competency", "zh": "360 度能力"},
    # trend
    "report_trend": {"en": "Monthly trend", "zh": "月度趋势"},
    "report_trend_note": {
        "en": "The last {months} months up to the period's end; the dashed line is the target.",
        "zh": "截至本期末的最近 {months} 个月；虚线为目标值。",
    },
    "report_no_trend": {"en": "No monthly values.", "zh": "没有月度数据。"},
    # actions and feedback
    "report_actions": {"en": "Improvement actions", "zh": "改进措施"},
    "report_open_actions": {"en": "Open improvement actions", "zh": "进行中的改进措施"},
    "report_no_actions": {"en": "No improvement action recorded.", "zh": "暂无改进措施记录。"},
    "report_col_measure": {"en": "Measure", "zh": "措施"},
    "report_col_owner": {"en": "Owner", "zh": "责任人"},
    "report_col_due": {"en": "Due", "zh": "截止日期"},
    "report_col_who": {"en": "For", "zh": "对象"},
    "report_action_team": {"en": "team {team}", "zh": "班组 {team}"},
    "report_overdue": {"en": "{due} (overdue)", "zh": "{due}（已逾期）"},
    "report_action_planned": {"en": "Planned", "zh": "计划中"},
    "report_action_in_progress": {"en": "In progress", "zh": "进行中"},
    "report_action_done": {"en": "Done", "zh": "已完成"},
    "report_action_cancelled": {"en": "Cancelled", "zh": "已取消"},
    "report_feedback": {"en": "Feedback and agreed actions", "zh": "绩效反馈与约定措施"},
    "report_feedback_line": {"en": "{day}, {by}: {summary}", "zh": "{day}，{by}：{summary}"},
    "report_agreed": {"en": "Agreed: {actions}", "zh": "约定：{actions}"},
    "report_no_feedback": {
        "en": "No feedback talk recorded in this period.",
        "zh": "本期无绩效反馈面谈记录。",
    },
    # the department report
    "report_overview": {"en": "Overview", "zh": "总体指标"},
    "report_overview_intro": {
        "en": "The weighted KPIs over the {tickets} tickets of the scope, against the equally "
        "long period before and the target.",
        "zh": "范围内 {tickets} 张工单的加权指标，对比上一同长周期及目标值。",
    },
    "report_team_ranking": {"en": "Team ranking", "zh": "班组排名"},
    "report_col_team_name": {"en": "Team", "zh": "班组"},
    "report_col_agents": {"en": "Agents", "zh": "人数"},
    "report_col_graded": {"en": "Graded", "zh": "参评"},
    "report_col_mean": {"en": "Mean score", "zh": "平均得分"},
    "report_col_rank": {"en": "Rank", "zh": "排名"},
    "report_grades": {"en": "Grade distribution", "zh": "等级分布"},
    "report_movers": {"en": "Biggest movers", "zh": "变化最大的员工"},
    "report_movers_intro": {
        "en": "Score against the equally long period before, both scored over the department.",
        "zh": "与上一同长周期相比的综合得分变化（两期均按全部门评分）。",
    },
    "report_no_movers": {"en": "No comparable previous period.", "zh": "没有可比的上期数据。"},
    "report_col_agent": {"en": "Agent", "zh": "员工"},
    "report_bottlenecks": {"en": "Workflow bottlenecks", "zh": "流程瓶颈"},
    "report_bottlenecks_intro": {
        "en": "A stage is named where its median time is at least {ratio:.2f}× the other "
        "teams' and {hours} longer per ticket, on at least {tickets} tickets.",
        "zh": "某环节的中位时长至少为其他班组的 {ratio:.2f} 倍、"
        "每单多 {hours} 且工单不少于 {tickets} 张时列出。",
    },
    "report_no_bottlenecks": {"en": "No stage stands out.", "zh": "没有明显的瓶颈环节。"},
    "report_col_stage": {"en": "Stage", "zh": "环节"},
    "report_col_hours": {"en": "Median", "zh": "中位时长"},
    "report_col_peers": {"en": "Other teams", "zh": "其他班组"},
    "report_col_ratio": {"en": "Ratio", "zh": "倍数"},
    "report_hours": {"en": "{hours:.1f} h", "zh": "{hours:.1f} 小时"},
    "report_stage_received": {"en": "Received → accepted", "zh": "客户反馈 → 受理"},
    "report_stage_accepted": {"en": "Accepted → processing", "zh": "受理 → 处理"},
    "report_stage_processing": {"en": "Processing → resolved", "zh": "处理 → 解决"},
    "report_stage_resolved": {"en": "Resolved → followed up", "zh": "解决 → 跟踪回访"},
    "report_group_training": {
        "en": "Training needs (group sessions)",
        "zh": "培训需求（集中培训）",
    },
    "report_col_skill": {"en": "Skill", "zh": "技能"},
    "report_col_members": {"en": "Agents", "zh": "员工"},
    "report_col_course": {"en": "Suggested course", "zh": "建议课程"},
    "report_no_group_training": {
        "en": "No need shared by two or more agents of a team.",
        "zh": "没有同一班组两人及以上共同的培训需求。",
    },
    "report_objectives": {"en": "Objectives", "zh": "目标达成"},
    "report_objectives_summary": {
        "en": "{count} objectives of the period: {statuses}.",
        "zh": "本期目标 {count} 项：{statuses}。",
    },
    "report_objectives_more": {"en": "… and {count} more.", "zh": "……另有 {count} 项。"},
    "report_col_owner_of": {"en": "Owner", "zh": "对象"},
    "report_col_actual": {"en": "Actual", "zh": "实际"},
    "report_col_attainment": {"en": "Attainment", "zh": "达成率"},
    "report_objective_department": {"en": "Department", "zh": "部门"},
    "report_objective_upcoming": {"en": "not started", "zh": "未开始"},
    "report_objective_no_data": {"en": "no data yet", "zh": "暂无数据"},
    "report_objective_on_track": {"en": "on track", "zh": "进度正常"},
    "report_objective_at_risk": {"en": "at risk", "zh": "有风险"},
    "report_objective_attained": {"en": "attained", "zh": "已达成"},
    "report_objective_missed": {"en": "missed", "zh": "未达成"},
    "report_status_count": {"en": "{count} {status}", "zh": "{status} {count} 项"},
    # delivery mails
    "report_mail_subject_agent": {
        "en": "Performance report {start} – {end}: {name}",
        "zh": "个人绩效报告 {start} 至 {end}：{name}",
    },
    "report_mail_subject_department": {
        "en": "Monthly report {start} – {end}: {scope}",
        "zh": "月度报告 {start} 至 {end}：{scope}",
    },
    "report_mail_body": {
        "en": "The attached report covers {start} – {end}. It was sent by the service "
        "performance dashboard's scheduled delivery.",
        "zh": "附件为 {start} 至 {end} 的报告，由售后服务绩效看板定时发送。",
    },
}


def text(key: str, lang: str, **values) -> str:
    """The report text for `key` in `lang`, with `values` formatted in."""
    words = TEXTS[key].get(lang) or TEXTS[key]["en"]
    return words.format(**values) if values else words
