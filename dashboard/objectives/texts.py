"""UI texts of the Objectives page (merged into the one catalog of dashboard/ui/i18n.py).
Statuses and problems are the codes of scoring.methods.attainment.STATUSES and
scoring.stores.objectives.PROBLEMS."""

TEXTS: dict[str, dict[str, str]] = {
    "page_objectives": {"en": "Objectives", "zh": "目标管理"},
    "objectives_intro": {
        "en": "Management by objectives: each objective names an owner (the department, a "
        "team or an agent), a KPI, a period and a target. Tracked here up to the data's last "
        "day, with a forecast to the period's end; department objectives cascade to teams "
        "and agents.",
        "zh": "目标管理：每个目标包含对象（部门、班组或坐席）、指标、期间和目标值。"
        "此处按数据的最后一天跟踪达成情况，并预测到期末；部门目标可分解到班组和坐席。",
    },
    "objectives_as_of": {
        "en": "Objectives whose period overlaps the sidebar's period, tracked as of {day}.",
        "zh": "显示期间与侧栏所选期间重叠的目标，统计截至 {day}。",
    },
    "objectives_none": {
        "en": "No objective in this period. Add one below, or pick a longer period in the sidebar.",
        "zh": "此期间没有目标。可在下方新增，或在侧栏选择更长的期间。",
    },
    "objectives_pace": {"en": "Period elapsed measured", "zh": "期间进度计算方式"},
    "objectives_pace_linear": {"en": "by days (linear)", "zh": "按天数（线性）"},
    "objectives_pace_seasonal": {
        "en": "by volume of each weekday (seasonal)",
        "zh": "按各工作日的历史工单量（季节性）",
    },
    "objectives_store_problem": {
        "en": "Some saved changes could not be read and are left out: {files}",
        "zh": "部分已保存的修改无法读取，已忽略：{files}",
    },
    "objectives_list": {"en": "Objectives and attainment", "zh": "目标与达成情况"},
    "objectives_method": {
        "en": "Attainment = actual ÷ target (target ÷ actual where lower is better), at most "
        "200 %. A running period's forecast is the value so far; its 95 % interval narrows "
        "with the share of the period still to come. On track: the forecast and its interval "
        "reach the target; at risk: they do not all reach it.",
        "zh": "达成率 = 实际值 ÷ 目标值（越低越好的指标为 目标值 ÷ 实际值），上限 200%。"
        "进行中期间的预测值为当前值，其 95% 区间随剩余期间比例收窄。"
        "正常：预测值及其区间均达到目标；有风险：未全部达到。",
    },
    "objectives_col_owner": {"en": "Owner", "zh": "对象"},
    "objectives_col_owner_type": {"en": "Owner type", "zh": "对象类型"},
    "objectives_col_kpi": {"en": "KPI", "zh": "指标"},
    "objectives_col_period": {"en": "Period", "zh": "期间"},
    "objectives_col_target": {"en": "Target", "zh": "目标值"},
    "objectives_col_actual": {"en": "Actual", "zh": "实际值"},
    "objectives_col_attainment": {"en": "Attainment", "zh": "达成率"},
    "objectives_col_elapsed": {"en": "Period elapsed", "zh": "期间进度"},
    "objectives_col_forecast": {"en": "Forecast (95 % interval)", "zh": "期末预测（95% 区间）"},
    "objectives_col_status": {"en": "Status", "zh": "状态"},
    "objectives_col_weight": {"en": "Weight", "zh": "权重"},
    "objectives_col_cases": {"en": "Cases", "zh": "样本数"},
    "objectives_owner_department": {"en": "Department", "zh": "部门"},
    "objectives_owner_team": {"en": "Team", "zh": "班组"},
    "objectives_owner_agent": {"en": "Agent", "zh": "坐席"},
    "objectives_status_upcoming": {"en": "⏳ Not started", "zh": "⏳ 未开始"},
    "objectives_status_no_data": {"en": "⚪ No data yet", "zh": "⚪ 暂无数据"},
    "objectives_status_on_track": {"en": "🟢 On track", "zh": "🟢 进度正常"},
    "objectives_status_at_risk": {"en": "🟠 At risk", "zh": "🟠 有风险"},
    "objectives_status_attained": {"en": "✅ Attained", "zh": "✅ 已达成"},
    "objectives_status_missed": {"en": "🔴 Missed", "zh": "🔴 未达成"},
    "objectives_inconsistent": {
        "en": "The team targets of the department objective {kpi} ({period}) do not reach "
        "it: weighted by each team's past volume they come to {mean}, the department's "
        "target is {target}.",
        "zh": "部门目标 {kpi}（{period}）的班组目标合计达不到部门目标：按各班组以往业务量加权为 "
        "{mean}，部门目标为 {target}。",
    },
    "objectives_teams": {"en": "Agents on track per team", "zh": "各班组达标坐席占比"},
    "objectives_teams_caption": {
        "en": "Of each team's agents with an objective that has data: those on track or "
        "attained on every one.",
        "zh": "在有数据的目标的坐席中，所有目标均进度正常或已达成的坐席。",
    },
    "objectives_col_team": {"en": "Team", "zh": "班组"},
    "objectives_col_agents": {"en": "Agents with objectives", "zh": "有目标的坐席"},
    "objectives_col_on_track": {"en": "On track", "zh": "达标"},
    "objectives_col_share": {"en": "Share on track", "zh": "达标占比"},
    "objectives_no_agents": {
        "en": "No agent objective with data in this period.",
        "zh": "此期间没有有数据的坐席目标。",
    },
    "objectives_missed": {
        "en": "Missed or at risk: find out why",
        "zh": "未达成或有风险：查找原因",
    },
    "objectives_missed_pick": {"en": "Objective", "zh": "目标"},
    "objectives_open_diagnostics": {"en": "Open in Diagnostics", "zh": "在诊断页查看"},
    "objectives_editor": {"en": "Set an objective", "zh": "设定目标"},
    "objectives_read_only": {
        "en": "Your role reads objectives; leadership and supervisors set them.",
        "zh": "您的角色只能查看目标；目标由管理层和主管设定。",
    },
    "objectives_pick": {"en": "Objective to change", "zh": "要修改的目标"},
    "objectives_new": {"en": "A new objective", "zh": "新目标"},
    "objectives_owner_type": {"en": "Owner type", "zh": "对象类型"},
    "objectives_owner": {"en": "Owner", "zh": "对象"},
    "objectives_department_name": {"en": "Department name", "zh": "部门名称"},
    "objectives_start": {"en": "First day", "zh": "开始日期"},
    "objectives_end": {"en": "Last day", "zh": "结束日期"},
    "objectives_target_input": {
        "en": "Target (rates as a share, e.g. 0.85)",
        "zh": "目标值（比率填小数，如 0.85）",
    },
    "objectives_weight_input": {"en": "Weight (optional)", "zh": "权重（可选）"},
    "objectives_note": {"en": "Note (why)", "zh": "备注（原因）"},
    "objectives_save": {"en": "Save objective", "zh": "保存目标"},
    "objectives_delete": {"en": "Delete this objective", "zh": "删除此目标"},
    "objectives_saved": {
        "en": "Saved as version {version}.",
        "zh": "已保存为第 {version} 版。",
    },
    "objectives_not_saved": {
        "en": "Nothing was saved:",
        "zh": "未保存：",
    },
    "objectives_problem_owner_type": {
        "en": "unknown owner type {what}",
        "zh": "未知的对象类型 {what}",
    },
    "objectives_problem_owner": {
        "en": "the owner {what} is not in the data (or is empty)",
        "zh": "对象 {what} 不在数据中（或为空）",
    },
    "objectives_problem_kpi": {"en": "unknown KPI {what}", "zh": "未知指标 {what}"},
    "objectives_problem_target": {
        "en": "the target {what} is not a positive number",
        "zh": "目标值 {what} 不是正数",
    },
    "objectives_problem_weight": {
        "en": "the weight {what} is not a number of 0 or more",
        "zh": "权重 {what} 不是大于等于 0 的数",
    },
    "objectives_problem_period": {
        "en": "the period {what} runs backwards (the last day is before the first)",
        "zh": "期间 {what} 颠倒（结束日期早于开始日期）",
    },
    "objectives_problem_grant": {
        "en": "your role may not change the objectives of this owner ({what})",
        "zh": "您的权限不能修改该对象的目标（{what}）",
    },
    "objectives_problem_unknown": {
        "en": "the objective {what} no longer exists",
        "zh": "目标 {what} 已不存在",
    },
    "objectives_cascade": {"en": "Cascade an objective", "zh": "分解目标"},
    "objectives_cascade_caption": {
        "en": "A department or team objective handed down: each child gets the parent's "
        "target (KPIs here are rates, means and per-day volumes, which do not add up over "
        "people); a child's own objective for the same KPI and period is kept. The weights "
        "check that the children together reach the parent's target.",
        "zh": "将部门或班组目标向下分解：每个下级获得与上级相同的目标值（此处指标均为比率、"
        "均值或人均日工作量，不能按人数相加）；下级已有的同指标同期间目标保留。"
        "权重用于检查下级合计能否达到上级目标。",
    },
    "objectives_cascade_none": {
        "en": "No department or team objective you may cascade in this period.",
        "zh": "此期间没有您可分解的部门或班组目标。",
    },
    "objectives_cascade_parent": {"en": "Objective to cascade", "zh": "要分解的目标"},
    "objectives_cascade_to": {"en": "Cascade to", "zh": "分解到"},
    "objectives_cascade_to_team": {"en": "its teams", "zh": "各班组"},
    "objectives_cascade_to_agent": {"en": "its agents", "zh": "各坐席"},
    "objectives_cascade_weigh": {"en": "Weigh the children", "zh": "下级权重"},
    "objectives_weigh_even": {"en": "evenly", "zh": "平均"},
    "objectives_weigh_headcount": {"en": "by headcount", "zh": "按人数"},
    "objectives_weigh_volume": {"en": "by past volume", "zh": "按以往业务量"},
    "objectives_col_kept": {"en": "Own objective kept", "zh": "保留已有目标"},
    "objectives_col_share_weight": {"en": "Weight in the check", "zh": "检查权重"},
    "objectives_cascade_consistent": {
        "en": "Together the children's targets come to {mean}: they reach the parent's {target}.",
        "zh": "下级目标加权合计为 {mean}，达到上级目标 {target}。",
    },
    "objectives_cascade_inconsistent": {
        "en": "Together the children's targets come to {mean}: short of the parent's {target}.",
        "zh": "下级目标加权合计为 {mean}，达不到上级目标 {target}。",
    },
    "objectives_cascade_save": {"en": "Save the children's objectives", "zh": "保存下级目标"},
    "objectives_cascade_saved": {
        "en": "{count} objectives saved as version {version}.",
        "zh": "已保存 {count} 个目标，第 {version} 版。",
    },
    "objectives_cascade_nothing": {
        "en": "Every child already has its own objective: nothing to save.",
        "zh": "所有下级都已有自己的目标，无需保存。",
    },
    "objectives_history": {"en": "Changes saved", "zh": "修改记录"},
    "objectives_no_history": {
        "en": "No change saved yet: the objectives are the dataset's.",
        "zh": "尚未保存修改：目标均来自数据集。",
    },
    "objectives_col_version": {"en": "Version", "zh": "版本"},
    "objectives_col_author": {"en": "Saved by", "zh": "保存人"},
    "objectives_col_saved_at": {"en": "Saved at (UTC)", "zh": "保存时间（UTC）"},
    "objectives_col_changes": {"en": "Added or changed", "zh": "新增或修改"},
    "objectives_col_deleted": {"en": "Deleted", "zh": "删除"},
    "objectives_col_note": {"en": "Note", "zh": "备注"},
    "objectives_anonymous": {"en": "(open dashboard)", "zh": "（未登录）"},
}
