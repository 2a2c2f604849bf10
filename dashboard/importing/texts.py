"""UI texts of the Import page (merged into the one catalog of dashboard/ui/i18n.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "page_import_data": {"en": "Import data", "zh": "导入数据"},
    "import_intro": {
        "en": "Bring in your own helpdesk or call-centre export (CSV, Excel, Parquet or JSON "
        "lines): check how its columns are read, preview the result, then import it as a "
        "dataset. Nothing is written until you press Import, and an import can be undone.",
        "zh": "导入您自己的工单系统或呼叫中心导出文件（CSV、Excel、Parquet 或 JSON lines）："
        "先核对各列的读取方式并预览结果，再导入为数据集。按下“导入”之前不会写入任何内容，导入也可撤销。",
    },
    "import_step_files": {"en": "1 · Files", "zh": "1 · 文件"},
    "import_files": {
        "en": "Export files (several files must have the same columns)",
        "zh": "导出文件（多个文件须有相同的列）",
    },
    "import_no_files": {
        "en": "Choose one or more export files to begin.",
        "zh": "请选择一个或多个导出文件。",
    },
    "import_options": {"en": "Reading options", "zh": "读取选项"},
    "import_encoding": {"en": "Text encoding", "zh": "文本编码"},
    "import_encoding_auto": {"en": "Detect", "zh": "自动识别"},
    "import_sheet": {"en": "Excel sheet", "zh": "Excel 工作表"},
    "import_sheet_auto": {"en": "First sheet with data", "zh": "第一个有数据的工作表"},
    "import_preset": {"en": "Helpdesk preset", "zh": "工单系统预设"},
    "import_preset_auto": {"en": "Recognise from the headers", "zh": "根据表头自动识别"},
    # one per scoring.ingest.presets.PRESETS key (product names stay as their makers write them)
    "import_preset_zendesk": {"en": "Zendesk", "zh": "Zendesk"},
    "import_preset_freshdesk": {"en": "Freshdesk", "zh": "Freshdesk"},
    "import_preset_servicenow": {"en": "ServiceNow incident", "zh": "ServiceNow 事件单"},
    "import_preset_jira": {"en": "Jira Service Management", "zh": "Jira Service Management"},
    "import_preset_generic": {"en": "Generic helpdesk", "zh": "通用工单系统"},
    "import_saved_mapping": {"en": "Saved mapping", "zh": "已保存的映射"},
    "import_saved_mapping_none": {"en": "None (suggest one)", "zh": "不使用（自动建议）"},
    "import_read_summary": {
        "en": "{rows:,} rows and {columns} columns read ({details}).",
        "zh": "已读取 {rows:,} 行、{columns} 列（{details}）。",
    },
    "import_read_error": {
        "en": "This file cannot be read:",
        "zh": "无法读取该文件：",
    },
    "import_problem": {
        "en": "The export cannot be imported as mapped:",
        "zh": "按当前映射无法导入该导出文件：",
    },
    "import_step_columns": {"en": "2 · Columns", "zh": "2 · 列映射"},
    "import_columns_help": {
        "en": "Each column of the dashboard's data gets a source from your file, suggested "
        "from the headers and values. Change any that are wrong; “not available” leaves it "
        "empty and says what that costs.",
        "zh": "看板数据的每一列都从您的文件中取值，已根据表头和取值给出建议。"
        "如有不对请修改；选择“无此数据”则该列留空，并说明会因此缺少什么。",
    },
    "import_group_required": {"en": "Tickets: required", "zh": "工单：必填"},
    "import_group_tickets": {"en": "Tickets: optional", "zh": "工单：可选"},
    "import_group_surveys": {"en": "Survey answers", "zh": "满意度调查"},
    "import_group_agents": {"en": "Agents", "zh": "坐席"},
    "import_source_none": {"en": "(not available)", "zh": "（无此数据）"},
    "import_source_column": {"en": "column “{column}”", "zh": "列“{column}”"},
    "import_source_combine": {
        "en": "“{date}” + “{time}” (date and time)",
        "zh": "“{date}” + “{time}”（日期加时间）",
    },
    "import_source_constant": {"en": "always “{value}”", "zh": "固定为“{value}”"},
    "import_source_after": {
        "en": "created + “{column}” ({unit})",
        "zh": "创建时间 + “{column}”（{unit}）",
    },
    "import_source_if_flag": {
        "en": "when “{flag}” says resolved: created + “{column}”",
        "zh": "当“{flag}”为已解决时：创建时间 + “{column}”",
    },
    "import_source_if_flag_only": {
        "en": "when “{flag}” says resolved: the created time",
        "zh": "当“{flag}”为已解决时：取创建时间",
    },
    "import_source_positive": {
        "en": "“{column}” greater than 0",
        "zh": "“{column}”大于 0",
    },
    "import_unit_seconds": {"en": "seconds", "zh": "秒"},
    "import_unit_minutes": {"en": "minutes", "zh": "分钟"},
    "import_unit_hours": {"en": "hours", "zh": "小时"},
    "import_unit_duration": {"en": "a duration", "zh": "时长"},
    "import_samples": {"en": "e.g. {values}", "zh": "例如 {values}"},
    "import_values": {"en": "values read as: {pairs}", "zh": "取值对应：{pairs}"},
    "import_value_empty": {"en": "(no answer)", "zh": "（无回答）"},
    "import_format": {"en": "read as `{format}`", "zh": "按 `{format}` 读取"},
    "import_detail_separator": {"en": "separator {separator}", "zh": "分隔符 {separator}"},
    "import_detail_header_row": {"en": "header in row {row}", "zh": "表头在第 {row} 行"},
    "import_detail_sheet": {"en": "sheet “{sheet}”", "zh": "工作表“{sheet}”"},
    "import_format_ambiguous": {
        "en": "⚠ dates can be read as {options}; the first is used — check a few rows",
        "zh": "⚠ 日期可按 {options} 多种方式读取，已采用第一种，请核对几行数据",
    },
    "import_format_none": {
        "en": "⚠ no date format reads these values",
        "zh": "⚠ 没有能读取这些值的日期格式",
    },
    "import_impact_required_missing": {
        "en": "⚠ required: the import cannot go ahead without it",
        "zh": "⚠ 必填：缺少此列无法导入",
    },
    "import_impact_kpis_unavailable": {
        "en": "without it {count} KPI(s) are unavailable: {kpis}",
        "zh": "缺少此列，{count} 项指标无法计算：{kpis}",
    },
    "import_impact_enables": {
        "en": "enables {count} KPI(s): {kpis}",
        "zh": "可计算 {count} 项指标：{kpis}",
    },
    "import_impact_default": {
        "en": "not in the file: a default is used",
        "zh": "文件中没有：使用默认值",
    },
    "import_impact_none": {"en": "", "zh": ""},
    "import_unused": {
        "en": "Columns of the file not used: {columns}",
        "zh": "文件中未使用的列：{columns}",
    },
    "import_step_agents": {"en": "3 · Agents", "zh": "3 · 坐席"},
    "import_agents_help": {
        "en": "One row per agent found in the file. Correct names and teams here, or add a "
        "roster file (工号, 姓名, 班组, 入职日期 …) whose values are used for these agents.",
        "zh": "文件中出现的每位坐席一行。可在此直接修改姓名和班组，"
        "或添加花名册文件（工号、姓名、班组、入职日期等），其中的信息将用于这些坐席。",
    },
    "import_roster": {"en": "Roster file (optional)", "zh": "花名册文件（可选）"},
    "import_roster_summary": {
        "en": "Roster: {matched} agent(s) matched, {without} listed without tickets (not added).",
        "zh": "花名册：匹配 {matched} 位坐席，{without} 人在文件中无工单（未添加）。",
    },
    "import_step_preview": {"en": "4 · Preview", "zh": "4 · 预览"},
    "import_preview": {"en": "Preview", "zh": "预览"},
    "import_preview_help": {
        "en": "Reads the whole file as mapped and shows what the dataset would hold. Nothing "
        "is written yet.",
        "zh": "按当前映射读取整个文件，展示导入后的数据情况。此时尚未写入任何内容。",
    },
    "import_preview_stale": {
        "en": "The mapping or the agents changed since the preview: preview again before "
        "importing.",
        "zh": "预览之后映射或坐席信息有改动，请重新预览后再导入。",
    },
    "import_table": {"en": "Table", "zh": "数据表"},
    "import_rows": {"en": "Rows", "zh": "行数"},
    "import_excluded": {"en": "Excluded by the quality rules", "zh": "按数据质量规则排除"},
    "import_unread_title": {
        "en": "Values that could not be read (they are left empty)",
        "zh": "无法读取的值（将留空）",
    },
    "import_unread_column": {"en": "File column", "zh": "文件列"},
    "import_unread_target": {"en": "Read as", "zh": "读取为"},
    "import_unread_rows": {"en": "Values", "zh": "个数"},
    "import_unread_examples": {"en": "Examples", "zh": "示例"},
    "import_nothing_unread": {
        "en": "Every value of the mapped columns could be read.",
        "zh": "已映射列的所有取值均可读取。",
    },
    "import_kpi_preview": {
        "en": "KPIs of the whole department on this data",
        "zh": "按此数据计算的全部门指标",
    },
    "import_kpi": {"en": "KPI", "zh": "指标"},
    "import_kpi_value": {"en": "Value", "zh": "数值"},
    "import_kpis_unavailable": {
        "en": "Not computable from this data: {kpis}",
        "zh": "此数据无法计算的指标：{kpis}",
    },
    "import_step_write": {"en": "5 · Import", "zh": "5 · 导入"},
    "import_name": {"en": "Dataset name", "zh": "数据集名称"},
    "import_name_help": {
        "en": "Letters, digits, - and _ (other characters become -).",
        "zh": "可用字母、数字、- 和 _（其他字符会变为 -）。",
    },
    "import_name_needed": {"en": "Give the dataset a name.", "zh": "请为数据集命名。"},
    "import_append": {
        "en": "Add to the existing dataset “{name}” (an updated ticket replaces its older copy)",
        "zh": "追加到已有数据集“{name}”（同一工单以新数据替换旧数据）",
    },
    "import_replaces": {
        "en": "“{name}” exists: importing makes a new version of it (the previous one stays "
        "available through Undo).",
        "zh": "“{name}”已存在：导入将生成新版本（可通过“撤销”恢复上一版本）。",
    },
    "import_save_mapping": {
        "en": "Save this mapping as (for next month's export)",
        "zh": "将此映射另存为（供下月导出文件使用）",
    },
    "import_go": {"en": "Import", "zh": "导入"},
    "import_done": {
        "en": "Imported as “{name}”, version {version}: {tickets:,} tickets. The dashboard now "
        "shows this dataset.",
        "zh": "已导入为“{name}”第 {version} 版：{tickets:,} 条工单。看板现在显示该数据集。",
    },
    "import_mapping_saved": {
        "en": "Mapping saved as “{name}” (revision {revision}).",
        "zh": "映射已保存为“{name}”（第 {revision} 版）。",
    },
    "import_open_scorecard": {"en": "Open the Scorecard", "zh": "查看绩效排名"},
    "import_rejected": {
        "en": "Nothing was written: the data has problems that make it unusable:",
        "zh": "未写入任何内容：数据存在导致无法使用的问题：",
    },
    "import_busy": {
        "en": "Another import of this dataset is running; try again in a moment.",
        "zh": "该数据集正在进行另一项导入，请稍后再试。",
    },
    "import_history": {"en": "Import history of “{name}”", "zh": "“{name}”的导入记录"},
    "import_history_time": {"en": "Time (UTC)", "zh": "时间（UTC）"},
    "import_history_action": {"en": "Action", "zh": "操作"},
    "import_history_user": {"en": "User", "zh": "用户"},
    "import_history_files": {"en": "Files", "zh": "文件"},
    "import_history_version": {"en": "Version", "zh": "版本"},
    "import_history_added": {"en": "Tickets added", "zh": "新增工单"},
    "import_history_updated": {"en": "Tickets updated", "zh": "更新工单"},
    "import_history_excluded": {"en": "Tickets excluded", "zh": "排除工单"},
    "import_action_import": {"en": "import", "zh": "导入"},
    "import_action_append": {"en": "append", "zh": "追加"},
    "import_action_undo": {"en": "undo", "zh": "撤销"},
    "import_undo": {"en": "Undo the last import", "zh": "撤销上一次导入"},
    "import_undone": {
        "en": "Version {version} of “{name}” is current again.",
        "zh": "“{name}”已恢复为第 {version} 版。",
    },
    "import_nothing_to_undo": {
        "en": "There is no earlier version to go back to.",
        "zh": "没有可恢复的更早版本。",
    },
}
