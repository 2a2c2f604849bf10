"""UI texts of the diagnostics page (merged into the one catalog of dashboard/ui/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "diagnostics_level_department": {"en": "Department", "zh": "部门"},
    "diagnostics_level_team": {"en": "Team", "zh": "班组"},
    "diagnostics_level_agent": {"en": "Agent", "zh": "员工"},
    "diagnostics_level_tickets": {"en": "Tickets", "zh": "工单"},
    "diagnostics_breadcrumb_help": {
        "en": "Click a bar to drill down; use these buttons to go back up.",
        "zh": "点击柱形向下钻取；用这些按钮返回上一级。",
    },
    "diagnostics_kpi": {"en": "KPI to diagnose", "zh": "诊断指标"},
    "diagnostics_detail_kpi": {
        "en": "The trend and the breakdown below show {kpi}, the KPI that costs the score "
        "most; choose a KPI above to see another.",
        "zh": "下方的趋势与细分显示{kpi}（对综合得分拖累最大的指标）；可在上方选择其他指标。",
    },
    "diagnostics_gaps": {
        "en": "What drags the score: each KPI vs target and peers",
        "zh": "拖累得分的指标：与目标及同级对比",
    },
    "diagnostics_gaps_help": {
        "en": "Points = composite points the scope would gain if the KPI reached the target "
        "(or the peer median), with the scorecard's normalisation and effective weights. "
        "Peers: other teams for a team, team-mates for an agent.",
        "zh": "分数 = 该指标达到目标（或同级中位数）时综合得分可增加的分数，"
        "按绩效排名的标准化方法与有效权重计算。"
        "同级：班组对比其他班组，员工对比同组同事。",
    },
    "diagnostics_value": {"en": "Value", "zh": "当前值"},
    "diagnostics_peer_median": {"en": "Peer median", "zh": "同级中位数"},
    "diagnostics_meets": {"en": "Meets target", "zh": "达标"},
    "diagnostics_met": {"en": "✅ met", "zh": "✅ 达标"},
    "diagnostics_missed": {"en": "🔻 missed", "zh": "🔻 未达标"},
    "diagnostics_points_target": {"en": "Points lost vs target", "zh": "距目标损失分"},
    "diagnostics_points_peers": {"en": "Points lost vs peers", "zh": "距同级损失分"},
    "diagnostics_cases": {"en": "Cases", "zh": "样本数"},
    "diagnostics_biggest_drag": {
        "en": "Biggest drag: **{kpi}** costs {points:.1f} points of composite score vs target.",
        "zh": "最大拖累：**{kpi}**，距目标损失综合得分 {points:.1f} 分。",
    },
    "diagnostics_no_drag": {
        "en": "Every scored KPI meets its target.",
        "zh": "所有计分指标均已达标。",
    },
    "diagnostics_drill_teams": {
        "en": "{kpi} by team — click a bar to open the team",
        "zh": "各班组{kpi} —— 点击柱形查看班组",
    },
    "diagnostics_drill_agents": {
        "en": "{kpi} by agent — click a bar to open the agent",
        "zh": "各员工{kpi} —— 点击柱形查看员工",
    },
    "diagnostics_drill_categories": {
        "en": "Tickets by category — click a bar to list its tickets",
        "zh": "各类别工单量 —— 点击柱形列出工单",
    },
    "diagnostics_trend": {
        "en": "{kpi} by month · actions marked",
        "zh": "{kpi}月度趋势 · 标注改进措施",
    },
    "diagnostics_no_trend": {
        "en": "{kpi} has no monthly values (it is not measured per month), so there is no trend.",
        "zh": "{kpi}没有按月的数值（该指标不按月计算），因此没有趋势图。",
    },
    "diagnostics_period": {"en": "period", "zh": "所选周期"},
    "diagnostics_stages": {"en": "Workflow bottlenecks", "zh": "流程瓶颈"},
    "diagnostics_stage_chart": {
        "en": "Time per stage against peers: {scope}'s median ÷ the peers' (1× = as fast)",
        "zh": "各环节耗时与同级对比：{scope}的中位数 ÷ 同级中位数（1 倍 = 一样快）",
    },
    "diagnostics_stage_hours_chart": {
        "en": "Median time per stage: the department",
        "zh": "各环节耗时中位数：全部门",
    },
    "diagnostics_stage_ratio": {"en": "× the peers' median", "zh": "同级中位数的倍数"},
    "diagnostics_stage_bar": {"en": "{hours} vs {peer}", "zh": "{hours}，同级 {peer}"},
    "diagnostics_rule_line": {"en": "bottleneck from {ratio:.2f}×", "zh": "瓶颈线 {ratio:.2f} 倍"},
    "diagnostics_hours": {"en": "Hours (median)", "zh": "小时（中位数）"},
    "diagnostics_minutes": {"en": "{value:.0f} min", "zh": "{value:.0f} 分钟"},
    "diagnostics_hours_value": {"en": "{value:.1f} h", "zh": "{value:.1f} 小时"},
    "diagnostics_bottleneck_rule": {
        "en": "A stage is a bottleneck only where its median time is at least {ratio:.2f}× the "
        "peers' median and at least {excess} longer per ticket, on at least {tickets} tickets. "
        "Peers: the other teams for a team, the team-mates for an agent.",
        "zh": "只有当某环节耗时中位数不低于同级中位数的 {ratio:.2f} 倍、每单至少多 {excess}，"
        "且样本不少于 {tickets} 张工单时，才判定为瓶颈。同级：班组对比其他班组，员工对比同组同事。",
    },
    "diagnostics_bottleneck": {
        "en": "Bottleneck: **{stage}** — {hours} vs {peer} for peers "
        "({ratio:.2f}×, {excess} more per ticket).",
        "zh": "瓶颈环节：**{stage}** —— {hours}，同级 {peer}（{ratio:.2f} 倍，每单多 {excess}）。",
    },
    "diagnostics_no_bottleneck": {
        "en": "No stage stands out: none is meaningfully slower than the peers'.",
        "zh": "没有突出的瓶颈环节：没有明显慢于同级的环节。",
    },
    "diagnostics_team_bottleneck": {
        "en": "Largest bottleneck: **{team}** in **{stage}** — {hours} vs {peer} for the other "
        "teams ({ratio:.2f}×, {excess} more per ticket).",
        "zh": "最大瓶颈：**{team}** 的 **{stage}** 环节 —— {hours}，其他班组 {peer}"
        "（{ratio:.2f} 倍，每单多 {excess}）。",
    },
    "diagnostics_no_team_bottleneck": {
        "en": "No stage stands out: no team is meaningfully slower than the other teams in any "
        "stage.",
        "zh": "没有突出的瓶颈环节：没有哪个班组在任何环节明显慢于其他班组。",
    },
    "diagnostics_stage_received": {"en": "Received → accepted", "zh": "客户反馈 → 受理"},
    "diagnostics_stage_accepted": {"en": "Accepted → processing", "zh": "受理 → 处理"},
    "diagnostics_stage_processing": {"en": "Processing → resolved", "zh": "处理 → 解决"},
    "diagnostics_stage_resolved": {"en": "Resolved → follow-up", "zh": "解决 → 跟踪回访"},
    "diagnostics_breakdowns": {"en": "Breakdown", "zh": "细分分析"},
    "diagnostics_breakdown_pair": {"en": "Break down by", "zh": "细分维度"},
    "diagnostics_min_cell": {"en": "Min. cases per cell", "zh": "每格最少样本"},
    "diagnostics_heatmap": {
        "en": "{kpi} by {rows} × {columns} (grey: fewer than {min} cases)",
        "zh": "{kpi}：{rows} × {columns}（灰色：样本少于 {min}）",
    },
    "diagnostics_dim_category": {"en": "category", "zh": "类别"},
    "diagnostics_dim_channel": {"en": "channel", "zh": "渠道"},
    "diagnostics_dim_product": {"en": "product", "zh": "产品线"},
    "diagnostics_dim_priority": {"en": "priority", "zh": "优先级"},
    "diagnostics_dim_customer_segment": {"en": "customer segment", "zh": "客户类型"},
    "diagnostics_dim_weekday": {"en": "weekday", "zh": "星期"},
    "diagnostics_dim_hour": {"en": "hour", "zh": "小时"},
    "diagnostics_weakest": {
        "en": "Weakest category vs the department: **{value}** — {kpi} {mine} vs {peer} "
        "({cases} cases).",
        "zh": "与部门相比最弱的类别：**{value}** —— {kpi} {mine}，部门 {peer}（样本 {cases}）。",
    },
    "diagnostics_no_weak": {
        "en": "No category is worse than the department's.",
        "zh": "没有比部门更差的类别。",
    },
    "diagnostics_repeats": {"en": "Repeat issues", "zh": "重复问题"},
    "diagnostics_repeat_sources": {
        "en": "Repeats that followed each agent's resolutions",
        "zh": "各员工解决后再次发生的重复问题",
    },
    "diagnostics_repeat_chains": {
        "en": "Chains: same customer and category again within {days} days of a resolution",
        "zh": "重复链：同一客户同一类别在解决后 {days} 天内再次报修",
    },
    "diagnostics_resolutions": {"en": "Resolutions", "zh": "解决数"},
    "diagnostics_repeats_after": {"en": "Repeats after", "zh": "其后重复数"},
    "diagnostics_share_repeats": {"en": "Share of repeats", "zh": "占重复问题比例"},
    "diagnostics_repeat_rate": {"en": "Repeats per resolution", "zh": "每次解决后重复率"},
    "diagnostics_chain": {"en": "Chain", "zh": "重复链"},
    "diagnostics_action_refused": {
        "en": "This action is outside the teams you may see; nothing was saved.",
        "zh": "该措施不在您可查看的班组范围内，未保存。",
    },
    "diagnostics_other_step": {"en": "(another team)", "zh": "（其他班组）"},
    "diagnostics_chains_help": {
        "en": "A chain may cross teams; a step handled outside the current view shows its "
        "timing only.",
        "zh": "重复链可能跨班组；当前范围之外的步骤只显示时间。",
    },
    "diagnostics_position": {"en": "#", "zh": "序号"},
    "diagnostics_no_repeats": {
        "en": "No repeat chains in this scope (or no customer ids in the data).",
        "zh": "此范围内没有重复链（或数据中没有客户编号）。",
    },
    "diagnostics_tickets_title": {
        "en": "{count:,} tickets · {cell}",
        "zh": "{count:,} 张工单 · {cell}",
    },
    "diagnostics_tickets_help": {
        "en": "Worst first: lowest CSAT, then longest first response. Click a column header "
        "to sort.",
        "zh": "最差的排在前面：满意度最低，其次首次响应最长。点击列标题可排序。",
    },
    "diagnostics_download_tickets": {"en": "Download tickets (CSV)", "zh": "下载工单（CSV）"},
    "diagnostics_col_ticket": {"en": "Ticket", "zh": "工单号"},
    "diagnostics_col_created": {"en": "Created", "zh": "创建时间"},
    "diagnostics_col_channel": {"en": "Channel", "zh": "渠道"},
    "diagnostics_col_category": {"en": "Category", "zh": "类别"},
    "diagnostics_col_csat": {"en": "CSAT", "zh": "满意度"},
    "diagnostics_col_frt": {"en": "First response (min)", "zh": "首次响应（分钟）"},
    "diagnostics_col_resolution": {"en": "Resolution (h)", "zh": "解决用时（小时）"},
    "diagnostics_col_contacts": {"en": "Contacts", "zh": "联系次数"},
    "diagnostics_col_comment": {"en": "Survey comment", "zh": "回访评论"},
    "diagnostics_col_resolved": {"en": "Resolved", "zh": "解决时间"},
    "diagnostics_col_customer": {"en": "Customer", "zh": "客户编号"},
    "diagnostics_actions": {"en": "Improvement actions", "zh": "改进措施"},
    "diagnostics_actions_of": {"en": "Actions of {team}", "zh": "{team}的改进措施"},
    "diagnostics_actions_all": {"en": "All actions you may see", "zh": "您可查看的全部改进措施"},
    "diagnostics_no_actions": {"en": "No improvement actions yet.", "zh": "尚无改进措施。"},
    "diagnostics_action_new": {"en": "New action", "zh": "新增改进措施"},
    "diagnostics_action_measure": {"en": "Measure", "zh": "措施"},
    "diagnostics_action_owner": {"en": "Owner", "zh": "责任人"},
    "diagnostics_action_team": {"en": "Team", "zh": "班组"},
    "diagnostics_action_kpi": {"en": "Target KPI", "zh": "目标指标"},
    "diagnostics_action_start": {"en": "Start date", "zh": "开始日期"},
    "diagnostics_action_due": {"en": "Due date", "zh": "完成期限"},
    "diagnostics_action_status": {"en": "Status", "zh": "状态"},
    "diagnostics_action_agent": {"en": "Agent", "zh": "员工"},
    "diagnostics_action_id": {"en": "Action", "zh": "编号"},
    "diagnostics_action_created": {"en": "Created", "zh": "创建时间"},
    "diagnostics_action_save": {"en": "Save action", "zh": "保存措施"},
    "diagnostics_action_saved": {
        "en": "Saved action #{id} for {team}.",
        "zh": "已保存 {team} 的第 {id} 号措施。",
    },
    "diagnostics_action_invalid": {
        "en": "Not saved — please fix: {problem}",
        "zh": "未保存，请修正：{problem}",
    },
    "diagnostics_action_empty_owner": {
        "en": "the owner must not be empty",
        "zh": "责任人不能为空",
    },
    "diagnostics_action_empty_measure": {
        "en": "the measure must not be empty",
        "zh": "措施内容不能为空",
    },
    "diagnostics_action_bad_dates": {
        "en": "the due date is before the start date",
        "zh": "完成期限早于开始日期",
    },
    "diagnostics_action_set_status": {"en": "Change status of action", "zh": "修改措施状态"},
    "diagnostics_action_update": {"en": "Update status", "zh": "更新状态"},
    "diagnostics_status_planned": {"en": "Planned", "zh": "计划中"},
    "diagnostics_status_in_progress": {"en": "In progress", "zh": "进行中"},
    "diagnostics_status_done": {"en": "Done", "zh": "已完成"},
    "diagnostics_status_cancelled": {"en": "Cancelled", "zh": "已取消"},
    "diagnostics_unknown_agent": {
        "en": "Agent {agent} is not in the data; showing the department.",
        "zh": "数据中没有员工 {agent}，显示部门视图。",
    },
}
