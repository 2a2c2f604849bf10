"""UI texts of the Customer expectations page (merged into the one catalog of
dashboard/ui/i18n.py). Category names come from scoring.methods.stats.KANO_LABELS and factor
names and questions from scoring/registry/kano.py."""

TEXTS: dict[str, dict[str, str]] = {
    "page_kano": {"en": "Customer expectations", "zh": "客户期望"},
    "kano_intro": {
        "en": "What customers expect, from the Kano questionnaire: each service factor is "
        "must-be (missing it dissatisfies), one-dimensional (the better, the more satisfied) or "
        "attractive (delights when offered), with what to improve first and the KPIs that "
        "measure each factor.",
        "zh": "来自卡诺问卷的客户期望：每个服务要素分为必备需求（缺少会不满）、单向需求"
        "（做得越好越满意）或吸引需求（提供会惊喜），并给出优先改进顺序和衡量各要素的指标。",
    },
    "kano_no_table": {
        "en": "This dataset has no Kano questionnaire answers. Download the questionnaire "
        "below, collect the answers and add them to the dataset as its kano_responses table "
        "(see docs/DATA_CONTRACT.md).",
        "zh": "本数据集没有卡诺问卷的回答。请下载下方问卷模板收集回答，并作为数据集的 "
        "`kano_responses` 表加入（见 docs/DATA_CONTRACT.md）。",
    },
    "kano_segment": {"en": "Respondents", "zh": "受访者"},
    "kano_everyone": {"en": "All respondents", "zh": "全部受访者"},
    "kano_respondents": {"en": "Respondents", "zh": "受访者人数"},
    "kano_respondents_help": {
        "en": "Distinct respondents who answered; the classification is trusted from {minimum}.",
        "zh": "作答的不同受访者人数；达到 {minimum} 人时分类才可信。",
    },
    "kano_below_minimum": {
        "en": "Only {n} respondents, fewer than {minimum} (setting kano_min_respondents): the "
        "categories below may change with a few more answers.",
        "zh": "仅有 {n} 位受访者，少于 {minimum} 位：以下分类可能随更多回答而改变。",
    },
    "kano_factors_header": {"en": "Each service factor", "zh": "各服务要素的分类"},
    "kano_factors_note": {
        "en": "Counts of answer pairs per category; the category is the most frequent one "
        "(within 5 points the order must-be, one-dimensional, attractive, indifferent decides). "
        "Category strength: the top share minus the second, in points; total strength: the "
        "share of attractive, one-dimensional and must-be answers. Fong's test tells whether "
        "the top category is ahead by more than chance.",
        "zh": "各类别的回答组数；类别取最多的一类（相差 5 个百分点以内时按必备、单向、吸引、"
        "无差异的顺序决定）。类别强度：第一与第二类别占比之差（百分点）；总强度：吸引、单向和"
        "必备回答的占比。Fong 检验判断领先的类别是否超出偶然。",
    },
    "kano_col_rank": {"en": "Priority", "zh": "优先级"},
    "kano_col_factor": {"en": "Service factor", "zh": "服务要素"},
    "kano_col_category": {"en": "Category", "zh": "类别"},
    "kano_col_significant": {"en": "Fong's test", "zh": "Fong 检验"},
    "kano_col_n": {"en": "Answers", "zh": "回答数"},
    "kano_col_strength": {"en": "Category strength (pts)", "zh": "类别强度（百分点）"},
    "kano_col_total_strength": {"en": "Total strength (%)", "zh": "总强度（%）"},
    "kano_col_better": {"en": "Better", "zh": "满意系数"},
    "kano_col_worse": {"en": "Worse", "zh": "不满意系数"},
    "kano_significant": {"en": "significant", "zh": "显著"},
    "kano_not_significant": {"en": "not significant", "zh": "不显著"},
    "kano_diagram_header": {"en": "Better–Worse diagram", "zh": "满意度敏感性矩阵"},
    "kano_diagram_x": {
        "en": "Better: satisfaction gained when offered",
        "zh": "满意系数：提供时满意度的提升",
    },
    "kano_diagram_y": {
        "en": "|Worse|: dissatisfaction when missing",
        "zh": "不满意系数绝对值：缺少时的不满程度",
    },
    "kano_diagram_note": {
        "en": "Each factor by its Better and |Worse| coefficients; the quadrants split at 0.5. "
        "An open marker: the classification is not significant (Fong's test).",
        "zh": "各要素按满意系数和不满意系数绝对值定位，以 0.5 为界分为四个象限。"
        "空心点：分类在 Fong 检验下不显著。",
    },
    "kano_diagram_hover": {
        "en": "Better %{x:.2f} · |Worse| %{y:.2f}",
        "zh": "满意系数 %{x:.2f} · 不满意系数绝对值 %{y:.2f}",
    },
    "kano_priorities_header": {"en": "What to improve first", "zh": "优先改进"},
    "kano_priorities_note": {
        "en": "Must-be factors first, then one-dimensional, then attractive; within a category "
        "the factor that moves satisfaction most (the farthest from the diagram's origin).",
        "zh": "先必备需求，再单向需求，后吸引需求；同一类别内，对满意度影响最大（离矩阵原点最远）"
        "的要素优先。",
    },
    "kano_priority_item": {
        "en": "{rank}. **{factor}** — {reason}",
        "zh": "{rank}. **{factor}**：{reason}",
    },
    "kano_reason_must_be_missing_dissatisfies": {
        "en": "must-be: without it {worse} of the respondents who care are dissatisfied, so "
        "it must be secured first.",
        "zh": "必备需求：缺少时 {worse} 的相关受访者会不满意，须首先保证达标。",
    },
    "kano_reason_one_dimensional_more_is_better": {
        "en": "one-dimensional: satisfaction rises with it (Better {better}) and falls without "
        "it (Worse {worse}).",
        "zh": "单向需求：做得越好越满意（满意系数 {better}），做不好则不满（不满意系数 {worse}）。",
    },
    "kano_reason_attractive_delights": {
        "en": "attractive: offered, it delights {better} of the respondents who care; missing, "
        "it hardly dissatisfies.",
        "zh": "吸引需求：提供时 {better} 的相关受访者更满意，缺少时几乎不会引起不满。",
    },
    "kano_reason_indifferent_low_priority": {
        "en": "indifferent: respondents do not mind either way; no priority.",
        "zh": "无差异需求：受访者并不在意，暂不优先投入。",
    },
    "kano_reason_reverse_unwanted_by_some": {
        "en": "reverse: many respondents would rather not have it; check before investing.",
        "zh": "反向需求：不少受访者反而不希望提供，投入前应先核实。",
    },
    "kano_reason_questionable_check_questions": {
        "en": "questionable: the answers contradict each other; check the questions.",
        "zh": "可疑结果：回答相互矛盾，请检查问卷措辞。",
    },
    "kano_reason_not_significant": {
        "en": " The classification is not significant (Fong's test): read it with care.",
        "zh": "该分类未通过 Fong 检验，请谨慎参考。",
    },
    "kano_segments_header": {"en": "By respondent segment", "zh": "按客户类型对比"},
    "kano_segments_note": {
        "en": "Each segment's own classification; ≠ marks a category that differs from all "
        "respondents', * one that is not significant.",
        "zh": "各类型受访者各自的分类；≠ 表示与全部受访者的分类不同，* 表示分类不显著。",
    },
    "kano_segments_none": {
        "en": "The answers do not say which segment each respondent belongs to, so they cannot "
        "be split.",
        "zh": "问卷回答未记录受访者的客户类型，无法分组对比。",
    },
    "kano_segment_column": {"en": "{segment} ({n})", "zh": "{segment}（{n} 人）"},
    "kano_kpis_header": {
        "en": "Customers' view beside the department's performance",
        "zh": "客户期望与部门绩效",
    },
    "kano_kpis_note": {
        "en": "Each factor with the KPIs that measure it, over the period and teams chosen in "
        "the sidebar, against the targets every page uses.",
        "zh": "每个服务要素及衡量它的指标：侧栏所选期间和班组的当前值，对照各页面使用的目标值。",
    },
    "kano_kpi_line": {
        "en": "{category}: {factor} — {kpi} {value} against a {target} target {mark}",
        "zh": "{category}：{factor} — {kpi} {value}，目标 {target} {mark}",
    },
    "kano_col_kpi": {"en": "KPI", "zh": "指标"},
    "kano_col_value": {"en": "Current value", "zh": "当前值"},
    "kano_col_target": {"en": "Target", "zh": "目标值"},
    "kano_col_met": {"en": "Target met", "zh": "是否达标"},
    "kano_no_value": {"en": "no data", "zh": "无数据"},
    "kano_scoring_header": {
        "en": "Scoring built on what customers expect",
        "zh": "基于客户期望的评分",
    },
    "kano_scoring_weights_rule": {
        "en": "Suggested weights (Tan & Shen): each current weight × IR^(1/k), IR = target ÷ "
        "the department's value (value ÷ target where lower is better), k = 0.5 for must-be, "
        "1 for one-dimensional, 2 for attractive; then made percentages adding up to 100. A "
        "KPI takes the category of its first factor in the ranking above; without one it stays "
        "linear. Respondents as chosen above; values over the period chosen, for everyone.",
        "zh": "建议权重（Tan & Shen 方法）：当前权重 × 改进比率^(1/k)，改进比率 = 目标值 ÷ 部门"
        "当前值（越低越好的指标为当前值 ÷ 目标值），必备 k = 0.5、单向 k = 1、吸引 k = 2，"
        "再换算为合计 100 的百分比。指标取其在上方排序中最靠前的要素的类别；无类别时按线性计分。"
        "受访者按上方所选，指标值为所选期间全部门的数值。",
    },
    "kano_role_gate": {"en": "gate (must-be)", "zh": "门槛（必备）"},
    "kano_role_linear": {"en": "linear", "zh": "线性计分"},
    "kano_role_bonus": {"en": "bonus above target", "zh": "超目标加分"},
    "kano_col_role": {"en": "Role in the score", "zh": "评分方式"},
    "kano_col_department": {"en": "Department value", "zh": "部门当前值"},
    "kano_col_ratio": {"en": "Improvement ratio", "zh": "改进比率"},
    "kano_col_current_weight": {"en": "Current weight", "zh": "当前权重"},
    "kano_col_weight": {"en": "Suggested weight", "zh": "建议权重"},
    "kano_scoring_compared": {
        "en": "Against the current scheme (the official scenario, else the balanced scheme), "
        "over the whole department:",
        "zh": "与当前方案（正式方案，否则为均衡方案）相比，全部门范围：",
    },
    "kano_gated_agents": {"en": "Capped by a must-be gate", "zh": "受必备门槛限制"},
    "kano_open_lab": {
        "en": "Open in the What-if lab",
        "zh": "在权重模拟中打开",
    },
    "kano_scoring_lab_leadership": {
        "en": "The What-if lab, where this scoring is tried out against the current scheme, is "
        "for leadership.",
        "zh": "权重模拟（用于将此评分与当前方案对比）仅向管理层开放。",
    },
    "kano_questionnaire_header": {"en": "The questionnaire", "zh": "问卷模板"},
    "kano_questionnaire_note": {
        "en": "An Excel template in Chinese and English: for each factor a functional question "
        "(if the service has it) and a dysfunctional one (if it lacks it), each answered 1 to 5.",
        "zh": "中英双语 Excel 模板：每个要素一个正向问题（提供时）和一个反向问题（缺少时），"
        "每题按 1 至 5 作答。",
    },
    "kano_download_template": {
        "en": "Download the questionnaire (Excel)",
        "zh": "下载问卷模板（Excel）",
    },
    "kano_answer_1": {"en": "I like it", "zh": "喜欢"},
    "kano_answer_2": {"en": "I expect it", "zh": "理应如此"},
    "kano_answer_3": {"en": "I am neutral", "zh": "无所谓"},
    "kano_answer_4": {"en": "I can live with it", "zh": "能忍受"},
    "kano_answer_5": {"en": "I dislike it", "zh": "不喜欢"},
    "kano_sheet_questions": {"en": "Questions", "zh": "问题"},
    "kano_sheet_answers": {"en": "Answers", "zh": "回答"},
    "kano_template_factor": {"en": "Factor", "zh": "服务要素"},
    "kano_template_functional": {"en": "Functional question", "zh": "正向问题"},
    "kano_template_dysfunctional": {"en": "Dysfunctional question", "zh": "反向问题"},
    "kano_template_answers": {"en": "Answers", "zh": "选项"},
    "kano_col_respondent": {"en": "Respondent", "zh": "受访者编号"},
    "kano_template_answer_error": {
        "en": "Enter the number of the answer, 1 to 5.",
        "zh": "请填写答案编号 1 至 5。",
    },
    "kano_template_how": {
        "en": "One row per respondent on the Answers sheet: a respondent id, the segment "
        "(enterprise or individual, optional) and for each question the number of the answer.",
        "zh": "在“回答”表中每位受访者一行：受访者编号、客户类型"
        "（enterprise 或 individual，可不填），以及每题所选答案的编号。",
    },
    "kano_import_header": {"en": "Import filled questionnaires", "zh": "导入已填写的问卷"},
    "kano_import_note": {
        "en": "Upload the template filled in: its answers replace this dataset's questionnaire "
        "in a new version (the Import page's history can undo it). A respondent whose row has "
        "a problem is refused and listed; the other respondents are imported.",
        "zh": "上传填写好的模板：其回答以新版本替换本数据集的问卷（可在数据导入页的历史中撤销）。"
        "某行有问题的受访者不予导入并列出，其余受访者照常导入。",
    },
    "kano_import_imported_only": {
        "en": "Answers are imported into an imported dataset. This dataset is the bundled sample "
        "or the configured folder: import the department's exports on the Import page first, "
        "then open that dataset here.",
        "zh": "问卷回答只能导入到已导入的数据集。当前是内置示例或配置的数据文件夹："
        "请先在数据导入页导入部门数据，再在此打开该数据集。",
    },
    "kano_import_file": {"en": "Filled questionnaire (Excel)", "zh": "已填写的问卷（Excel）"},
    "kano_import_go": {"en": "Import the answers", "zh": "导入回答"},
    "kano_import_done": {
        "en": "Imported as version {version}: {accepted} respondents accepted, {refused} refused.",
        "zh": "已导入为第 {version} 版：接受 {accepted} 位受访者，拒绝 {refused} 位。",
    },
    "kano_import_nothing": {
        "en": "Nothing was written: {accepted} respondents could be accepted, {refused} were "
        "refused, and the file has the problems below.",
        "zh": "未写入任何内容：可接受 {accepted} 位受访者，拒绝 {refused} 位，文件存在以下问题。",
    },
    "kano_import_problems": {"en": "Problems found", "zh": "发现的问题"},
    "kano_problem_sheet": {"en": "Sheet", "zh": "工作表"},
    "kano_problem_row": {"en": "Row", "zh": "行"},
    "kano_problem_column": {"en": "Column", "zh": "列"},
    "kano_problem_value": {"en": "Value", "zh": "内容"},
    "kano_problem_text": {"en": "Problem", "zh": "问题"},
    "kano_problem_not_a_workbook": {
        "en": "The file is not an Excel workbook (.xlsx).",
        "zh": "该文件不是 Excel 工作簿（.xlsx）。",
    },
    "kano_problem_no_answers_sheet": {
        "en": "The workbook has no Answers sheet (its sheets are listed as the value).",
        "zh": "工作簿中没有“回答 Answers”工作表（内容列出其现有工作表）。",
    },
    "kano_problem_no_header": {
        "en": "The first row holds no column ids (respondent_id, segment, <factor>.functional …).",
        "zh": "第一行没有列标识（respondent_id、segment、<要素>.functional 等）。",
    },
    "kano_problem_no_respondents": {
        "en": "No respondent's answers are filled in.",
        "zh": "没有填写任何受访者的回答。",
    },
    "kano_problem_unknown_column": {
        "en": "Not a column of the template: the file is refused.",
        "zh": "不是模板中的列：整个文件不予导入。",
    },
    "kano_problem_half_factor": {
        "en": "This question of the factor is missing while the other is there: the file is "
        "refused.",
        "zh": "该要素缺少此问题而另一问题存在：整个文件不予导入。",
    },
    "kano_problem_repeated_column": {
        "en": "The column id is given twice: the file is refused.",
        "zh": "列标识重复：整个文件不予导入。",
    },
    "kano_problem_answer_not_1_to_5": {
        "en": "The answer must be a whole number from 1 to 5.",
        "zh": "答案必须是 1 至 5 的整数。",
    },
    "kano_problem_answer_missing": {
        "en": "The answer is missing.",
        "zh": "缺少答案。",
    },
    "kano_problem_unknown_segment": {
        "en": "Unknown segment: enterprise, individual or empty.",
        "zh": "未知的客户类型：应为 enterprise、individual 或留空。",
    },
    "kano_problem_respondent_missing": {
        "en": "The respondent id is missing.",
        "zh": "缺少受访者编号。",
    },
    "kano_problem_respondent_repeated": {
        "en": "This respondent was already given in row {first_row}; the first row is kept.",
        "zh": "该受访者已在第 {first_row} 行出现，保留第一行。",
    },
}
