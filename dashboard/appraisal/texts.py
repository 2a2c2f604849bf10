"""UI texts of the appraisal pages (merged into the one catalog of dashboard/ui/i18n.py).
States, events, decisions, award codes, recommendations and problems are the codes of
scoring.stores.periods (STATES, EVENTS, DECISIONS, PROBLEMS), scoring.analyses.appraisal
.awards.CODES and .history.RECOMMENDATIONS."""

TEXTS: dict[str, dict[str, str]] = {
    "page_appraisal": {"en": "Appraisal periods", "zh": "考核周期"},
    "page_my_results": {"en": "My results", "zh": "我的考核"},
    "appraisal_intro": {
        "en": "Close a period to freeze every agent's KPIs, composite, grade, ranks, payout and "
        "award with the weights, targets and objectives used and a fingerprint of the data; "
        "publish it so agents see their own result. Until closed a period is a draft: its "
        "figures are live and provisional.",
        "zh": "关闭考核周期后，每位坐席的指标、综合得分、等级、排名、奖金和奖项，连同所用的权重、"
        "目标值、目标和数据指纹一起冻结；发布后坐席可查看本人结果。关闭之前周期为草稿："
        "数据实时计算，仅供参考。",
    },
    "appraisal_store": {"en": "Appraisal periods", "zh": "考核周期"},
    "appraisal_period": {"en": "Appraisal period", "zh": "考核周期"},
    "appraisal_kind": {"en": "Period length", "zh": "周期长度"},
    "appraisal_kind_title": {
        "en": "Periods of this dataset: {kind}",
        "zh": "本数据集的考核周期：{kind}",
    },
    "appraisal_kind_is": {
        "en": "Periods of this dataset: {kind}.",
        "zh": "本数据集的考核周期：{kind}。",
    },
    "appraisal_kind_save": {"en": "Save period length", "zh": "保存周期长度"},
    "appraisal_kind_saved": {"en": "Periods are now: {kind}.", "zh": "考核周期已设为：{kind}。"},
    "appraisal_kind_month": {"en": "monthly", "zh": "月度"},
    "appraisal_kind_quarter": {"en": "quarterly", "zh": "季度"},
    "appraisal_kind_year": {"en": "yearly", "zh": "年度"},
    "appraisal_status_draft": {"en": "draft (provisional)", "zh": "草稿（暂定）"},
    "appraisal_status_closed": {"en": "closed", "zh": "已关闭"},
    "appraisal_status_published": {"en": "published", "zh": "已发布"},
    "appraisal_status_reopened": {"en": "reopened (provisional)", "zh": "已重新打开（暂定）"},
    "appraisal_provisional": {
        "en": "Draft: this period is not closed. The figures below are live and provisional; "
        "they change with the data, the weights and the targets.",
        "zh": "草稿：本周期尚未关闭。以下数据为实时计算的暂定结果，会随数据、权重和目标值变化。",
    },
    "appraisal_reopened": {
        "en": "Reopened (version {version} stays as it was): {reason}. The figures below are "
        "live and provisional until the period is closed again as the next version.",
        "zh": "已重新打开（第 {version} 版保持不变）：{reason}。在作为新版本再次关闭之前，"
        "以下数据为实时计算的暂定结果。",
    },
    "appraisal_closed_unpublished": {
        "en": "Closed as version {version}; not published yet, so agents do not see it.",
        "zh": "已关闭为第 {version} 版；尚未发布，坐席看不到。",
    },
    "appraisal_published": {
        "en": "Published: version {version} is what agents see.",
        "zh": "已发布：坐席看到的是第 {version} 版。",
    },
    "appraisal_record_caption": {
        "en": "Version {version}, closed by {author} at {at} with {source}; data fingerprint "
        "{fingerprint}; {excluded} tickets left out by accepted appeals.",
        "zh": "第 {version} 版，由 {author} 于 {at} 关闭，使用 {source}；数据指纹 {fingerprint}；"
        "已采纳的申诉排除了 {excluded} 张工单。",
    },
    "appraisal_data_changed": {
        "en": "The data has changed since this version was closed; the version keeps the "
        "figures it was closed with.",
        "zh": "本版本关闭后数据已有变化；本版本保留关闭时的结果。",
    },
    "appraisal_source_scenario": {
        "en": "the official what-if scenario “{name}”",
        "zh": "权重模拟的正式方案“{name}”",
    },
    "appraisal_source_scheme": {
        "en": "the Scorecard's weight scheme “{name}”",
        "zh": "绩效排名的权重方案“{name}”",
    },
    "appraisal_steps": {"en": "Close, publish, reopen", "zh": "关闭、发布、重新打开"},
    "appraisal_close_with": {
        "en": "Closing scores the period with {source} and the dataset's targets.",
        "zh": "关闭时按 {source} 及本数据集的目标值评分。",
    },
    "appraisal_close_reason": {"en": "Note (optional)", "zh": "备注（可选）"},
    "appraisal_close": {"en": "Close period", "zh": "关闭周期"},
    "appraisal_closed_done": {
        "en": "{period} closed as version {result}.",
        "zh": "{period} 已关闭为第 {result} 版。",
    },
    "appraisal_publish": {"en": "Publish to agents", "zh": "发布给坐席"},
    "appraisal_published_done": {
        "en": "{period}: version {result} published.",
        "zh": "{period}：第 {result} 版已发布。",
    },
    "appraisal_reopen_reason": {
        "en": "Why reopen (required)",
        "zh": "重新打开的原因（必填）",
    },
    "appraisal_reopen": {"en": "Reopen period", "zh": "重新打开周期"},
    "appraisal_reopened_done": {
        "en": "{period} reopened: a draft until it is closed again.",
        "zh": "{period} 已重新打开：再次关闭前为草稿。",
    },
    "appraisal_refused": {"en": "Not done: {problems}", "zh": "未执行：{problems}"},
    "appraisal_problem_grant": {
        "en": "your role may not do this",
        "zh": "您的角色无权执行此操作",
    },
    "appraisal_problem_reason": {"en": "a reason is required", "zh": "必须填写原因"},
    "appraisal_problem_state": {
        "en": "not possible while the period is {what}",
        "zh": "周期当前状态（{what}）下无法执行",
    },
    "appraisal_problem_agent": {
        "en": "agent {what} is not in this period's result",
        "zh": "坐席 {what} 不在本周期结果中",
    },
    "appraisal_problem_kpi": {
        "en": "KPI {what} is not in this period's result",
        "zh": "指标 {what} 不在本周期结果中",
    },
    "appraisal_problem_tickets": {
        "en": "name between 1 and 50 of your own tickets of this period {what}",
        "zh": "请选择 1 至 50 张本人在本周期的工单 {what}",
    },
    "appraisal_problem_appeal": {
        "en": "this appeal is not open (already resolved?)",
        "zh": "该申诉不在待处理状态（可能已处理）",
    },
    "appraisal_problem_kind": {"en": "unknown period length", "zh": "未知的周期长度"},
    "appraisal_problem_text": {"en": "{what} is too long", "zh": "{what} 过长"},
    "appraisal_problem_date": {"en": "not a date: {what}", "zh": "不是日期：{what}"},
    "appraisal_table": {"en": "Results", "zh": "考核结果"},
    "appraisal_table_provisional": {
        "en": "Provisional: computed now, not frozen.",
        "zh": "暂定：当前实时计算，尚未冻结。",
    },
    "appraisal_col_agent_id": {"en": "Agent ID", "zh": "坐席编号"},
    "appraisal_col_name": {"en": "Name", "zh": "姓名"},
    "appraisal_col_team": {"en": "Team", "zh": "班组"},
    "appraisal_col_tickets": {"en": "Tickets", "zh": "工单数"},
    "appraisal_col_composite": {"en": "Composite", "zh": "综合得分"},
    "appraisal_col_grade": {"en": "Grade", "zh": "等级"},
    "appraisal_col_dept_rank": {"en": "Dept. rank", "zh": "部门排名"},
    "appraisal_col_team_rank": {"en": "Team rank", "zh": "班组排名"},
    "appraisal_col_payout": {"en": "Payout", "zh": "奖金"},
    "appraisal_col_award": {"en": "Award", "zh": "奖项"},
    "appraisal_col_period": {"en": "Period", "zh": "周期"},
    "appraisal_not_graded": {"en": "not graded", "zh": "未评级"},
    "appraisal_awards": {"en": "Awards", "zh": "荣誉奖项"},
    "appraisal_awards_rule": {
        "en": "An award goes to whoever ranks first in at least {confidence} of {draws} "
        "scorings with the weights varied slightly (the what-if lab's robustness draws); "
        "otherwise the first place is too close to call and nobody is crowned.",
        "zh": "在权重小幅扰动的 {draws} 次评分（权重模拟的稳健性抽样）中，至少 {confidence} "
        "次排名第一者获奖；否则第一名差距过小，不予评选。",
    },
    "appraisal_award_service_star": {"en": "Service star", "zh": "服务明星"},
    "appraisal_award_excellent_team": {"en": "Excellent team", "zh": "优秀团队"},
    "appraisal_award_won": {
        "en": "**{award}**: {winner}, first in {p} of the draws.",
        "zh": "**{award}**：{winner}，在 {p} 的抽样中排名第一。",
    },
    "appraisal_award_near_tie": {
        "en": "**{award}**: not awarded — a near-tie. First place changes hands when the "
        "weights vary slightly: {candidates}.",
        "zh": "**{award}**：不予评选——差距过小。权重小幅变化时第一名易主：{candidates}。",
    },
    "appraisal_award_too_few": {
        "en": "**{award}**: not awarded — too few graded candidates to compare.",
        "zh": "**{award}**：不予评选——可比较的已评级对象太少。",
    },
    "appraisal_award_not_modelled": {
        "en": "**{award}**: not awarded — the scoring's must-be gates, bonus points or segment "
        "weights are not covered by the robustness draws.",
        "zh": "**{award}**：不予评选——稳健性抽样未涵盖本评分方案的必备门槛、加分项或分客群权重。",
    },
    "appraisal_award_someone": {"en": "someone outside your view", "zh": "您可见范围之外的人员"},
    "appraisal_export": {"en": "Payroll / HR export", "zh": "薪酬 / 人事导出"},
    "appraisal_export_caption": {
        "en": "Period {period}, version {version}: agent, team, grade, composite, rank, payout "
        "and award of every agent.",
        "zh": "周期 {period}，第 {version} 版：每位坐席的班组、等级、综合得分、排名、奖金和奖项。",
    },
    "appraisal_appeals": {"en": "Appeals", "zh": "申诉"},
    "appraisal_appeals_none": {"en": "No appeal in this period.", "zh": "本周期没有申诉。"},
    "appraisal_appeals_none_mine": {
        "en": "You have not appealed this period's result.",
        "zh": "您尚未对本周期结果提出申诉。",
    },
    "appraisal_appeal_filed": {"en": "open", "zh": "待处理"},
    "appraisal_appeal_filed_done": {
        "en": "Appeal filed; your supervisor will resolve it.",
        "zh": "申诉已提交，将由主管处理。",
    },
    "appraisal_appeal_accepted": {"en": "accepted", "zh": "已采纳"},
    "appraisal_appeal_rejected": {"en": "rejected", "zh": "已驳回"},
    "appraisal_appeal_col_agent_id": {"en": "Agent ID", "zh": "坐席编号"},
    "appraisal_appeal_col_kpi": {"en": "KPI", "zh": "指标"},
    "appraisal_appeal_col_tickets": {"en": "Tickets", "zh": "工单"},
    "appraisal_appeal_col_reason": {"en": "Why", "zh": "申诉理由"},
    "appraisal_appeal_col_status": {"en": "Status", "zh": "状态"},
    "appraisal_appeal_col_resolution": {"en": "Resolution", "zh": "处理意见"},
    "appraisal_appeal_col_filed_at": {"en": "Filed", "zh": "提交时间"},
    "appraisal_appeal_col_resolved_by": {"en": "Resolved by", "zh": "处理人"},
    "appraisal_appeal_col_version": {"en": "New version", "zh": "新版本"},
    "appraisal_resolve_which": {"en": "Appeal to resolve", "zh": "待处理的申诉"},
    "appraisal_if_accepted": {
        "en": "Accepting it would make {agent}'s composite {before} → {after}, grade "
        "{grade_before} → {grade_after}, department rank {rank_before} → {rank_after}; "
        "nobody else's result changes but for the ranks.",
        "zh": "采纳后 {agent} 的综合得分 {before} → {after}，等级 {grade_before} → {grade_after}，"
        "部门排名 {rank_before} → {rank_after}；除排名外其他人的结果不变。",
    },
    "appraisal_resolve_decision": {"en": "Decision", "zh": "处理结果"},
    "appraisal_decision_accepted": {
        "en": "accept: leave the tickets out and re-score",
        "zh": "采纳：排除这些工单并重新评分",
    },
    "appraisal_decision_rejected": {"en": "reject", "zh": "驳回"},
    "appraisal_resolve_reason": {"en": "Reason (required)", "zh": "处理理由（必填）"},
    "appraisal_resolve": {"en": "Resolve appeal", "zh": "处理申诉"},
    "appraisal_resolved_accepted": {
        "en": "Appeal accepted: the period was re-scored as version {result}.",
        "zh": "申诉已采纳：本周期已重新评分为第 {result} 版。",
    },
    "appraisal_resolved_rejected": {"en": "Appeal rejected.", "zh": "申诉已驳回。"},
    "appraisal_appeal_file": {"en": "File an appeal", "zh": "提出申诉"},
    "appraisal_appeal_file_caption": {
        "en": "Name the KPI, the tickets that should not count and why. If it is accepted, the "
        "tickets are left out and your result is scored again as a new version.",
        "zh": "请选择指标、不应计入的工单并说明理由。申诉被采纳后，这些工单将被排除，"
        "您的结果将重新评分并生成新版本。",
    },
    "appraisal_appeal_kpi": {"en": "KPI", "zh": "指标"},
    "appraisal_appeal_tickets": {"en": "Tickets", "zh": "工单"},
    "appraisal_appeal_reason": {"en": "Why", "zh": "申诉理由"},
    "appraisal_appeal_tickets_placeholder": {"en": "Choose tickets", "zh": "选择工单"},
    "appraisal_appeal_submit": {"en": "Submit appeal", "zh": "提交申诉"},
    "appraisal_talks": {"en": "Feedback talk", "zh": "绩效面谈"},
    "appraisal_talks_after_close": {
        "en": "Feedback talks are held on a closed period.",
        "zh": "绩效面谈在周期关闭后进行。",
    },
    "appraisal_talk_agent": {"en": "Agent", "zh": "坐席"},
    "appraisal_talk_none": {"en": "No feedback talk recorded yet.", "zh": "尚未记录绩效面谈。"},
    "appraisal_talk_waiting": {
        "en": "Talk recorded at {at}; the agent has not answered yet.",
        "zh": "面谈已于 {at} 记录；坐席尚未回复。",
    },
    "appraisal_talk_acknowledged": {
        "en": "Acknowledged by the agent at {at}.",
        "zh": "坐席已于 {at} 确认。",
    },
    "appraisal_talk_commented": {
        "en": "The agent commented at {at} without acknowledging.",
        "zh": "坐席已于 {at} 留言，但未确认。",
    },
    "appraisal_talk_agent_comment": {
        "en": "Agent's comment: {comment}",
        "zh": "坐席留言：{comment}",
    },
    "appraisal_talk_strengths": {"en": "Strengths", "zh": "优点"},
    "appraisal_talk_advice": {"en": "Improvement advice", "zh": "改进建议"},
    "appraisal_talk_actions": {"en": "Agreed actions", "zh": "商定的行动"},
    "appraisal_talk_next": {"en": "Next review", "zh": "下次回顾日期"},
    "appraisal_talk_next_is": {
        "en": "Next review: {day} (talk held by {by}).",
        "zh": "下次回顾：{day}（面谈人：{by}）。",
    },
    "appraisal_talk_save": {"en": "Save feedback talk", "zh": "保存面谈记录"},
    "appraisal_talk_saved": {"en": "Feedback talk saved.", "zh": "面谈记录已保存。"},
    "appraisal_talk_kpi_line": {
        "en": "{kpi}: {value} (target {target})",
        "zh": "{kpi}：{value}（目标 {target}）",
    },
    "appraisal_talk_gap_line": {
        "en": "First-contact resolution on {skill}: {value} against peers' {reference}; "
        "suggested course: {course}",
        "zh": "{skill} 的一次解决率：{value}，同事为 {reference}；建议课程：{course}",
    },
    "appraisal_talk_comment": {"en": "Your comment (optional)", "zh": "您的留言（可选）"},
    "appraisal_talk_acknowledge": {"en": "Acknowledge", "zh": "确认"},
    "appraisal_talk_comment_only": {"en": "Comment only", "zh": "仅留言"},
    "appraisal_talk_answered": {"en": "Your answer was saved.", "zh": "您的回复已保存。"},
    "appraisal_history": {
        "en": "History and recommendations",
        "zh": "历史与建议",
    },
    "appraisal_history_caption": {
        "en": "Over {periods} closed periods: the mean composite, its trend (points per "
        "period) and spread. Promotion: excellent in at least two of the last three periods "
        "and never below good; training: satisfactory or below in the latest period, or a "
        "trend down by {decline} points a period or more, on the KPIs furthest below target.",
        "zh": "基于 {periods} 个已关闭周期：平均综合得分、趋势（每期变化分数）和波动。"
        "晋升建议：最近三期中至少两期优秀且均不低于良好；培训建议：最近一期为合格及以下，"
        "或每期下降 {decline} 分及以上，培训内容为距目标最远的指标。",
    },
    "appraisal_history_none": {
        "en": "No closed period yet.",
        "zh": "尚无已关闭的周期。",
    },
    "appraisal_hist_agent_id": {"en": "Agent ID", "zh": "坐席编号"},
    "appraisal_hist_name": {"en": "Name", "zh": "姓名"},
    "appraisal_hist_team": {"en": "Team", "zh": "班组"},
    "appraisal_hist_periods": {"en": "Periods graded", "zh": "已评级期数"},
    "appraisal_hist_mean": {"en": "Mean composite", "zh": "平均综合得分"},
    "appraisal_hist_trend": {"en": "Trend / period", "zh": "每期趋势"},
    "appraisal_hist_spread": {"en": "Spread", "zh": "波动"},
    "appraisal_hist_latest_grade": {"en": "Latest grade", "zh": "最近等级"},
    "appraisal_hist_recommendation": {"en": "Recommendation", "zh": "建议"},
    "appraisal_hist_weakest": {"en": "Train on", "zh": "培训重点"},
    "appraisal_rec_promotion": {"en": "promotion candidate", "zh": "晋升候选"},
    "appraisal_rec_training": {"en": "training", "zh": "安排培训"},
    "appraisal_rec_promotion_mine": {
        "en": "Your results make you a promotion candidate.",
        "zh": "您的成绩使您成为晋升候选人。",
    },
    "appraisal_rec_training_mine": {
        "en": "A training opportunity is recommended for you; your supervisor will discuss it.",
        "zh": "建议为您安排培训机会，主管将与您沟通。",
    },
    "appraisal_audit": {"en": "Every step (audit trail)", "zh": "全部操作记录（审计）"},
    "appraisal_audit_when": {"en": "When (UTC)", "zh": "时间（UTC）"},
    "appraisal_audit_who": {"en": "Who", "zh": "操作人"},
    "appraisal_audit_what": {"en": "What", "zh": "操作"},
    "appraisal_audit_detail": {"en": "Detail", "zh": "详情"},
    "appraisal_event_closed": {"en": "closed", "zh": "关闭"},
    "appraisal_event_published": {"en": "published", "zh": "发布"},
    "appraisal_event_reopened": {"en": "reopened", "zh": "重新打开"},
    "appraisal_event_appeal_filed": {"en": "appeal filed", "zh": "提出申诉"},
    "appraisal_event_appeal_resolved": {"en": "appeal resolved", "zh": "处理申诉"},
    "appraisal_event_talk_saved": {"en": "feedback talk saved", "zh": "保存面谈"},
    "appraisal_event_talk_answered": {"en": "agent answered the talk", "zh": "坐席回复面谈"},
    "appraisal_store_problem": {
        "en": "Some saved steps could not be read and are left out: {files}",
        "zh": "部分已保存的操作无法读取，已忽略：{files}",
    },
    "appraisal_mine_intro": {
        "en": "Your published appraisal results, your feedback talk and your appeals. Drafts "
        "and results not yet published are not shown.",
        "zh": "您已发布的考核结果、绩效面谈和申诉。草稿和尚未发布的结果不显示。",
    },
    "appraisal_mine_none": {
        "en": "No result has been published yet.",
        "zh": "尚无已发布的考核结果。",
    },
    "appraisal_mine_preview": {
        "en": "You see this page as the agent chosen below would: published results only.",
        "zh": "您将以下方所选坐席的视角查看本页：仅显示已发布的结果。",
    },
    "appraisal_mine_agent": {"en": "Agent", "zh": "坐席"},
    "appraisal_mine_not_in": {
        "en": "There is no result for you in this period.",
        "zh": "本周期没有您的考核结果。",
    },
    "appraisal_mine_under_review": {
        "en": "This period is being revised; what you see is the version last published.",
        "zh": "本周期正在修订中；您看到的是最近发布的版本。",
    },
    "appraisal_mine_version": {
        "en": "Published result, version {version}.",
        "zh": "已发布的结果，第 {version} 版。",
    },
    "appraisal_mine_award": {
        "en": "Congratulations: you are this period's {award}.",
        "zh": "恭喜：您获得本周期的“{award}”称号。",
    },
    "appraisal_mine_col_kpi": {"en": "KPI", "zh": "指标"},
    "appraisal_mine_col_value": {"en": "Value", "zh": "数值"},
    "appraisal_mine_col_cases": {"en": "Cases", "zh": "样本数"},
    "appraisal_mine_col_score": {"en": "Score (100 = target)", "zh": "得分（100 = 达标）"},
    "appraisal_mine_history": {"en": "My history", "zh": "我的历史成绩"},
    "appraisal_mine_trend": {"en": "Composite by period", "zh": "各周期综合得分"},
}
