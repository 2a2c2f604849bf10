"""Every UI text in both languages, in one catalog. KPI labels come from the registry.

Texts shared by the shell and the first pages are here; each later page keeps its own in
dashboard/<journey>/texts.py and dashboard/app/texts.py, merged below (a key may be defined only once).
"""

from __future__ import annotations

from dashboard.app import texts as shell
from dashboard.appraisal import texts as appraisal
from dashboard.balanced import texts as balanced
from dashboard.capability import texts as capability
from dashboard.diagnostics import texts as diagnostics
from dashboard.effect import texts as effect
from dashboard.importing import texts as importing
from dashboard.kano import texts as kano
from dashboard.objectives import texts as objectives
from dashboard.scorecard import texts as scorecard
from dashboard.targets import texts as targets
from dashboard.ui import trust_texts as trust
from dashboard.whatif import texts as whatif
from scoring.data.quality import PROBLEMS, TYPE_WORDS
from scoring.registry import values as shared_words
from scoring.reports import texts as reports

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

CATALOG: dict[str, dict[str, str]] = {
    "app_title": {"en": "Service performance dashboard", "zh": "售后服务绩效看板"},
    "page_overview": {"en": "Overview", "zh": "总览"},
    "page_scorecard": {"en": "Scorecard", "zh": "绩效排名"},
    "page_data": {"en": "Data", "zh": "数据"},
    "page_diagnostics": {"en": "Diagnostics", "zh": "诊断"},
    "page_whatif": {"en": "What-if lab", "zh": "权重模拟"},
    "page_capability": {"en": "Capability gaps", "zh": "能力差距"},
    "page_targets": {"en": "Targets", "zh": "目标值设定"},
    "language": {"en": "Language", "zh": "语言"},
    "filters": {"en": "Filters", "zh": "筛选"},
    "period": {"en": "Period", "zh": "周期"},
    "preset_all": {"en": "All data", "zh": "全部"},
    "preset_month": {"en": "Last month", "zh": "最近一月"},
    "preset_quarter": {"en": "Last quarter", "zh": "最近一季"},
    "preset_year": {"en": "Last year", "zh": "最近一年"},
    "preset_custom": {"en": "Custom", "zh": "自定义"},
    "date_range": {"en": "Date range", "zh": "日期范围"},
    "teams": {"en": "Teams", "zh": "班组"},
    "channels": {"en": "Channels", "zh": "渠道"},
    "categories": {"en": "Categories", "zh": "类别"},
    "segments": {"en": "Customer segment", "zh": "客户类型"},
    "all": {"en": "All", "zh": "全部"},
    "link_hint": {
        "en": "The address bar holds these filters: copy it to share this view.",
        "zh": "地址栏已包含当前筛选，复制链接即可分享此视图。",
    },
    "data_warning_badge": {
        "en": "⚠ {count:,} rows excluded: see why",
        "zh": "⚠ 已排除 {count:,} 行问题数据",
    },
    "dataset_error_title": {
        "en": "The dataset cannot be used",
        "zh": "数据集无法使用",
    },
    "dataset_error_help": {
        "en": "Fix the problems below in the files named, or point the dashboard at another "
        "folder (SPD_DATA_DIR or --data). Nothing was changed.",
        "zh": "请在所列文件中修正以下问题，或改用其他数据文件夹（SPD_DATA_DIR 或 --data）。未做任何修改。",
    },
    "no_tickets": {
        "en": "No tickets match these filters.",
        "zh": "没有符合筛选条件的工单。",
    },
    "department": {"en": "Department", "zh": "部门"},
    "vs_previous": {"en": "vs previous period", "zh": "较上期"},
    "vs_target": {"en": "target", "zh": "目标"},
    "kpi_trends": {"en": "KPI trend", "zh": "指标趋势"},
    "granularity": {"en": "Granularity", "zh": "粒度"},
    "week": {"en": "Week", "zh": "周"},
    "month": {"en": "Month", "zh": "月"},
    "volume_by_channel": {"en": "Tickets by channel", "zh": "各渠道工单量"},
    "volume_by_category": {"en": "Tickets by category", "zh": "各类别工单量"},
    "grade_distribution": {"en": "Grade distribution", "zh": "等级分布"},
    "team_ranking": {"en": "Team ranking", "zh": "班组排名"},
    "tickets": {"en": "Tickets", "zh": "工单量"},
    "agents": {"en": "Agents", "zh": "人数"},
    "graded": {"en": "Graded", "zh": "参评人数"},
    "scheme": {"en": "Weight scheme", "zh": "权重方案"},
    "agent_table": {"en": "Agents", "zh": "员工排名"},
    "team_table": {"en": "Teams", "zh": "班组"},
    "composite": {"en": "Score", "zh": "综合得分"},
    "grade": {"en": "Grade", "zh": "等级"},
    "team_rank": {"en": "Team rank", "zh": "组内排名"},
    "dept_rank": {"en": "Dept rank", "zh": "部门排名"},
    "name": {"en": "Name", "zh": "姓名"},
    "team": {"en": "Team", "zh": "班组"},
    "agent_id": {"en": "Agent", "zh": "工号"},
    "reweighted": {"en": "Not measured (re-weighted)", "zh": "未计入（权重已重分配）"},
    "contributions": {
        "en": "What makes the score: weighted KPI points, top and bottom agents",
        "zh": "得分构成：前后几名员工的加权指标得分",
    },
    "download_csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "download_excel": {"en": "Download Excel", "zh": "下载 Excel"},
    "shrunk_note": {
        "en": "Values are empirical-Bayes estimates (small samples pulled towards the department "
        "average). Select a row to see how the score is made; the chart below shows each "
        "agent's raw value and 95% interval on hover.",
        "zh": "数值为经验贝叶斯估计（样本少时向部门均值收缩）。选中一行查看得分构成；下方图表悬停可见原始值与 95% 区间。",
    },
    "dataset_location": {"en": "Dataset location", "zh": "数据位置"},
    "table_sizes": {"en": "Tables", "zh": "数据表"},
    "quality_report": {"en": "Data-quality report", "zh": "数据质量报告"},
    "kpi_registry": {"en": "KPI definitions", "zh": "指标定义"},
    "rows_read": {"en": "Rows read", "zh": "读取行数"},
    "accepted": {"en": "Accepted", "zh": "有效行数"},
    "excluded": {"en": "Excluded", "zh": "排除行数"},
    "missing": {"en": "missing", "zh": "缺失"},
    "table_present": {"en": "✓ present", "zh": "✓ 已提供"},
    "table": {"en": "Table", "zh": "数据表"},
    "status": {"en": "Status", "zh": "状态"},
    "rule": {"en": "Rule", "zh": "规则"},
    "count": {"en": "Rows", "zh": "行数"},
    "examples": {"en": "Examples", "zh": "示例"},
    "overview_without_data": {
        "en": "No data in this view for: {kpis} (the data has no value for them).",
        "zh": "当前范围内以下指标没有数据：{kpis}（数据中没有相应的值）。",
    },
    "scorecard_unmeasured": {
        "en": "No agent can be measured in this view on: {kpis}. Their weight is spread over "
        "the KPIs the data measures, for everyone alike.",
        "zh": "当前范围内没有坐席能按以下指标考核：{kpis}。其权重按比例分摊到有数据的指标上，对所有人一视同仁。",
    },
    "examples_for_everyone_only": {
        "en": "Example ids are shown only to users who may see every team.",
        "zh": "示例编号仅对可查看全部班组的用户显示。",
    },
    "no_problems": {"en": "Every row passed every check.", "zh": "所有数据均通过校验。"},
    "warnings": {"en": "Warnings", "zh": "提示"},
    # one per scoring.data.quality.NOTICES code
    "notice_optional_table_missing": {
        "en": "{table}: optional table missing; features that need {columns} are unavailable",
        "zh": "{table}：可选数据表缺失，需要 {columns} 的功能不可用",
    },
    "notice_table_empty": {"en": "{table}: the table is empty", "zh": "{table}：数据表为空"},
    "notice_rows_excluded": {
        "en": "{table}: {excluded:,} of {read:,} rows excluded (see the data-quality report)",
        "zh": "{table}：{read:,} 行中有 {excluded:,} 行被排除（见数据质量报告）",
    },
    "unavailable_kpis": {
        "en": "KPIs this dataset cannot support",
        "zh": "此数据集无法计算的指标",
    },
    # one per scoring.measures.metrics.UNAVAILABLE_CODES (dashboard.ui.labels.unavailable_reason)
    "unavailable_missing_columns": {
        "en": "the data has no {columns}",
        "zh": "数据中没有{columns}",
    },
    "unavailable_no_data": {"en": "the data has no value for it", "zh": "数据中没有相应的值"},
    "unavailable_column": {"en": "{table_id}.{column}", "zh": "{table}表的 {column} 列"},
    "kpi": {"en": "KPI", "zh": "指标"},
    "direction": {"en": "Better when", "zh": "方向"},
    "higher": {"en": "higher", "zh": "越高越好"},
    "lower": {"en": "lower", "zh": "越低越好"},
    "formula": {"en": "Formula", "zh": "公式"},
    "perspective": {"en": "Perspective", "zh": "维度"},
    "floor": {"en": "Floor", "zh": "底线"},
    "target": {"en": "Target", "zh": "目标"},
    "stretch": {"en": "Stretch", "zh": "挑战"},
    "weight": {"en": "Weight", "zh": "权重"},
    "min_sample": {"en": "Min. sample", "zh": "最小样本"},
    "description": {"en": "Description", "zh": "说明"},
    "label": {"en": "Name", "zh": "名称"},
    "unit": {"en": "Unit", "zh": "单位"},
    "mean_score": {"en": "Mean score", "zh": "平均得分"},
    "team_ranking_note": {
        "en": "The axis runs from {low:.0f} to {high:.0f}, not from 0, so that close teams "
        "are told apart. Click a team to open its diagnostics.",
        "zh": "横轴范围为 {low:.0f} 至 {high:.0f}（不从 0 开始），以便区分得分接近的班组。"
        "点击班组可打开该班组的诊断。",
    },
    "team_ranking_note_static": {
        "en": "The axis runs from {low:.0f} to {high:.0f}, not from 0, so that close teams "
        "are told apart.",
        "zh": "横轴范围为 {low:.0f} 至 {high:.0f}（不从 0 开始），以便区分得分接近的班组。",
    },
}


# Problems that stop loading, and the contract's types: the English is scoring.data.quality's own
# wording (what the command line prints), the Chinese is said here.
_PROBLEMS_ZH = {
    "folder_missing": "{path}：找不到数据集文件夹（应为存放各数据表的文件夹）",
    "table_missing": "{table}：缺少必需的数据表（应为 {path}.parquet 或存放 Parquet 文件的文件夹 {path}/）",
    "file_unreadable": "{file}：无法读取的 Parquet 文件（{error}）",
    "column_missing": "{file}：缺少必需列“{column}”（应为{type_words}）",
    "bad_values": "{file}：列“{column}”中的 {found} 值（如 {example}）无法读取为{type_words}（{sql_type}）",
    "no_usable_rows": "{table}：{read:,} 行中没有一行可用（每行都违反了某条规则，或没有数据），无法计算任何指标",
}
_TYPE_WORDS_ZH = {
    "string": "文本",
    "timestamp": "时间戳",
    "date": "日期",
    "int": "整数",
    "float": "数值",
    "bool": "布尔值（是/否）",
}
_QUALITY_TEXTS = {
    **{f"problem_{c}": {"en": PROBLEMS[c], "zh": zh} for c, zh in _PROBLEMS_ZH.items()},
    **{f"type_{c}": {"en": TYPE_WORDS[c], "zh": zh} for c, zh in _TYPE_WORDS_ZH.items()},
}

_PARTS = (
    _QUALITY_TEXTS,
    shared_words.WORDS,
    shell.TEXTS,
    diagnostics.TEXTS,
    whatif.TEXTS,
    capability.TEXTS,
    targets.TEXTS,
    kano.TEXTS,
    balanced.TEXTS,
    objectives.TEXTS,
    importing.TEXTS,
    scorecard.TEXTS,
    trust.TEXTS,
    effect.TEXTS,
    reports.TEXTS,
    appraisal.TEXTS,
)
for _part in _PARTS:
    _clash = CATALOG.keys() & _part.keys()
    if _clash:
        raise KeyError(f"UI text keys defined twice: {sorted(_clash)}")
    CATALOG.update(_part)


def t(key: str, lang: str, **values) -> str:
    """The text for `key` in `lang`, with `values` formatted in."""
    text = CATALOG[key].get(lang) or CATALOG[key]["en"]
    return text.format(**values) if values else text
