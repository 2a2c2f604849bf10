"""UI texts of the targets page (merged into the one catalog of dashboard/ui/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "targets_intro": {
        "en": "Floor, target and stretch of each KPI for this dataset: under target-based "
        "scoring a value at the floor scores 0, at the target 100 and at the stretch the capped "
        "bonus of 120. Suggestions are drawn from the agents' values in the period chosen in the "
        "sidebar: the floor where the weakest tenth of agents are, the target at the median "
        "agent, the stretch where the best tenth are.",
        "zh": "本数据集各指标的底线值、目标值和挑战值：按目标值计分时，达到底线值得 0 分，"
        "达到目标值得 100 分，达到挑战值得封顶加分 120 分。建议值取自侧栏所选期间内各员工的数值："
        "底线值为表现最弱的 10% 员工所在处，目标值为中位员工，挑战值为表现最好的 10% 员工所在处。",
    },
    "targets_in_use_saved": {
        "en": "In use on every page: version {version} of this dataset's targets, saved by "
        "{author} on {date}.",
        "zh": "各页面正在使用：本数据集目标值第 {version} 版，由 {author} 于 {date} 保存。",
    },
    "targets_in_use_calibrated": {
        "en": "This dataset was imported without targets, so every page scores it on targets "
        "calibrated from all its data (floor: the weakest tenth of agents, target: the median "
        "agent, stretch: the best tenth). Review them here and save them to make them the "
        "dataset's own.",
        "zh": "本数据集导入时没有目标值，因此各页面按其全部数据校准的目标值计分"
        "（底线值：表现最弱的 10% 员工；目标值：中位员工；挑战值：表现最好的 10% 员工）。"
        "请在此核对并保存，使其成为本数据集自己的目标值。",
    },
    "targets_in_use_registry": {
        "en": "In use on every page: the built-in after-sales defaults (no targets have been "
        "saved for this dataset).",
        "zh": "各页面正在使用：内置的售后服务默认目标值（本数据集尚未保存目标值）。",
    },
    "targets_calibrated_default": {
        "en": "This dataset was imported without targets: its scores use targets calibrated "
        "from all its data (floor, target and stretch at the weakest tenth, the median and the "
        "best tenth of agents). Review and save them on the Targets page.",
        "zh": "本数据集导入时没有目标值：得分按其全部数据校准的目标值计算"
        "（底线、目标、挑战分别取表现最弱的 10%、中位和最好的 10% 员工）。"
        "请在“目标值设定”页核对并保存。",
    },
    "targets_anonymous": {"en": "someone unnamed", "zh": "未署名者"},
    "targets_store_problem": {
        "en": "Some saved versions could not be read and are not used (the files are left as "
        "they are): {files}",
        "zh": "部分已保存版本无法读取，未被使用（文件保持原样）：{files}",
    },
    "targets_reference": {
        "en": "Reference period {start} – {end}: values of the agents measured on each KPI "
        "(shrunk values where the KPI is shrunk).",
        "zh": "参考期间 {start} – {end}：各指标上可衡量员工的数值（有收缩估计的指标取收缩值）。",
    },
    "targets_table": {"en": "Targets per KPI", "zh": "各指标目标值"},
    "targets_kpi": {"en": "KPI", "zh": "指标"},
    "targets_in_use": {
        "en": "In use (floor / target / stretch)",
        "zh": "在用（底线 / 目标 / 挑战）",
    },
    "targets_suggested": {"en": "Suggested", "zh": "建议值"},
    "targets_new": {"en": "New", "zh": "新值"},
    "targets_agents": {"en": "Agents", "zh": "员工数"},
    "targets_changed": {"en": "Changed", "zh": "已修改"},
    "targets_problem_too_few_agents": {
        "en": "no suggestion: fewer than 5 agents measured",
        "zh": "无建议：可衡量的员工少于 5 人",
    },
    "targets_problem_no_spread": {
        "en": "no suggestion: the agents do not differ enough",
        "zh": "无建议：员工之间差异不足",
    },
    "targets_adopt_all": {"en": "Adopt every suggestion", "zh": "全部采用建议值"},
    "targets_adopt_one": {"en": "Adopt the suggestion", "zh": "采用建议值"},
    "targets_adopted_all": {
        "en": "Suggestions adopted for {count} KPIs: save to use them.",
        "zh": "已对 {count} 个指标采用建议值：保存后生效。",
    },
    "targets_adopted_one": {
        "en": "Suggestion adopted for {kpi}: save to use it.",
        "zh": "已对「{kpi}」采用建议值：保存后生效。",
    },
    "targets_calibrated_note": {
        "en": "Calibrated on {start} – {end}",
        "zh": "按 {start} – {end} 校准",
    },
    "targets_edit": {"en": "Look at and edit one KPI", "zh": "查看并编辑单个指标"},
    "targets_floor": {"en": "Floor (scores 0)", "zh": "底线值（0 分）"},
    "targets_target": {"en": "Target (scores 100)", "zh": "目标值（100 分）"},
    "targets_stretch": {
        "en": "Stretch (scores 120; empty: no bonus)",
        "zh": "挑战值（120 分；留空：无加分）",
    },
    "targets_direction_higher": {"en": "Higher is better.", "zh": "越高越好。"},
    "targets_direction_lower": {
        "en": "Lower is better: the floor lies above the target, the stretch below it.",
        "zh": "越低越好：底线值高于目标值，挑战值低于目标值。",
    },
    "targets_chart": {
        "en": "{kpi}: how many agents reached which value",
        "zh": "{kpi}：员工数值分布",
    },
    "targets_chart_value": {"en": "Value", "zh": "数值"},
    "targets_line_current": {"en": "in use", "zh": "在用"},
    "targets_line_suggested": {"en": "suggested", "zh": "建议"},
    "targets_line_floor": {"en": "floor", "zh": "底线"},
    "targets_line_target": {"en": "target", "zh": "目标"},
    "targets_line_stretch": {"en": "stretch", "zh": "挑战"},
    "targets_no_values": {
        "en": "No agent is measured on this KPI in the period.",
        "zh": "该期间内没有员工可在此指标上衡量。",
    },
    "targets_wrong_way": {
        "en": "{kpi}: the values do not run the KPI's way or lie outside its possible range "
        "(higher is better: floor < target < stretch; lower is better: floor > target > "
        "stretch; a rate lies between 0 and 1).",
        "zh": "{kpi}：数值方向不对或超出可能范围（越高越好：底线 < 目标 < 挑战；"
        "越低越好：底线 > 目标 > 挑战；比率在 0 到 1 之间）。",
    },
    "targets_save_section": {"en": "Save as a new version", "zh": "保存为新版本"},
    "targets_author": {"en": "Your name", "zh": "您的姓名"},
    "targets_note": {"en": "Note (why these targets)", "zh": "说明（为何设定这些目标值）"},
    "targets_save": {"en": "Save targets", "zh": "保存目标值"},
    "targets_saved": {
        "en": "Saved as version {version}: every page now scores with it.",
        "zh": "已保存为第 {version} 版：各页面现按此计分。",
    },
    "targets_nothing_changed": {
        "en": "Nothing to save: the values are those in use.",
        "zh": "无需保存：数值与在用值相同。",
    },
    "targets_versions": {"en": "Saved versions", "zh": "已保存版本"},
    "targets_version": {"en": "Version", "zh": "版本"},
    "targets_saved_by": {"en": "Saved by", "zh": "保存人"},
    "targets_saved_at": {"en": "Saved at (UTC)", "zh": "保存时间（UTC）"},
    "targets_origin": {"en": "How made", "zh": "来源"},
    "targets_origin_registry": {"en": "built-in defaults", "zh": "内置默认值"},
    "targets_origin_calibrated": {"en": "calibrated from a period", "zh": "按期间校准"},
    "targets_origin_edited": {"en": "edited by hand", "zh": "手工编辑"},
    "targets_note_column": {"en": "Note", "zh": "说明"},
    "targets_no_versions": {
        "en": "No version saved yet for this dataset.",
        "zh": "本数据集尚未保存任何版本。",
    },
}
