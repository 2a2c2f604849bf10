"""UI texts of how far the scores can be trusted: KPIs that do not discriminate and split-half
reliability (merged into the one catalog of dashboard/ui/i18n.py). The codes come from
scoring/analyses/reliability.py."""

TEXTS: dict[str, dict[str, str]] = {
    "trust_flags_title": {
        "en": "KPIs that tell agents apart poorly",
        "zh": "区分度不足的指标",
    },
    "trust_flags_none": {
        "en": "Every weighted KPI tells agents apart.",
        "zh": "所有计权指标都能区分员工。",
    },
    "trust_flag_at_cap": {
        "en": "{kpi} (weight {weight:.0f}%): {share:.0%} of the agents score the cap, so it "
        "tells almost nobody apart. Recalibrate its targets (a higher target and stretch), or "
        "move its weight to a KPI that separates people.",
        "zh": "{kpi}（权重 {weight:.0f}%）：{share:.0%} 的员工得到封顶分，几乎无法区分员工。"
        "请重新校准目标值（提高目标值和挑战值），或把它的权重移到能区分员工的指标上。",
    },
    "trust_flag_at_floor": {
        "en": "{kpi} (weight {weight:.0f}%): {share:.0%} of the agents score 0 at the floor, so "
        "it tells almost nobody apart. Recalibrate its targets (a floor nearer to what agents "
        "achieve), or move its weight to a KPI that separates people.",
        "zh": "{kpi}（权重 {weight:.0f}%）：{share:.0%} 的员工在底线处得 0 分，几乎无法区分员工。"
        "请重新校准目标值（让底线接近员工的实际水平），或把它的权重移到能区分员工的指标上。",
    },
    "trust_flag_within_noise": {
        "en": "{kpi} (weight {weight:.0f}%): the differences between agents are no larger than "
        "chance makes them with this many cases, so its ranking is noise. Move its weight to a "
        "KPI that separates people, or judge it over a longer period.",
        "zh": "{kpi}（权重 {weight:.0f}%）：员工之间的差异不大于在当前样本量下偶然造成的差异，"
        "其排名只是噪声。请把它的权重移到能区分员工的指标上，或在更长的周期内评价。",
    },
    "trust_reliability_title": {
        "en": "Can the weighted KPIs be trusted?",
        "zh": "计权指标是否可信？",
    },
    "trust_reliability_caption": {
        "en": "Split-half reliability: the customers are dealt into two random halves "
        "{splits} times, each KPI is measured per agent on each half and the two are "
        "correlated across agents (Spearman–Brown corrected). 1 means the KPI ranks agents "
        "the same on any half of their customers; below {reliable} a weight on it partly "
        "rewards chance (⚠).",
        "zh": "分半信度：把客户随机分成两半（重复 {splits} 次），在每一半上分别计算每位员工的指标，"
        "再计算两半之间在员工间的相关（经 Spearman–Brown 校正）。1 表示无论取哪一半客户，"
        "该指标对员工的排序都相同；低于 {reliable} 时，给它的权重有一部分是在奖励运气（⚠）。",
    },
    "trust_same_grade": {
        "en": "With these weights, {share:.0%} of the agents get the same grade on both halves "
        "of their customers (kappa {kappa:.2f}): the grade of about one agent in {one_in} is "
        "decided by chance.",
        "zh": "按当前权重，{share:.0%} 的员工在两半客户上得到相同等级（kappa {kappa:.2f}）："
        "大约每 {one_in} 位员工中就有一位的等级由运气决定。",
    },
    "trust_same_grade_all": {
        "en": "With these weights, every agent gets the same grade on both halves of their "
        "customers (kappa {kappa:.2f}).",
        "zh": "按当前权重，每位员工在两半客户上的等级都相同（kappa {kappa:.2f}）。",
    },
    "trust_schemes_caption": {
        "en": "The same split for each weight scheme: the share of agents who keep their grade "
        "on both halves of their customers.",
        "zh": "各权重方案在同样的拆分下：员工在两半客户上保持相同等级的比例。",
    },
    "trust_col_scheme": {"en": "Weight scheme", "zh": "权重方案"},
    "trust_col_same_grade": {"en": "Same grade on both halves", "zh": "两半等级相同"},
    "trust_col_kappa": {"en": "Kappa", "zh": "Kappa"},
    "trust_col_kpi": {"en": "KPI", "zh": "指标"},
    "trust_col_weight": {"en": "Weight", "zh": "权重"},
    "trust_col_reliability": {"en": "Reliability", "zh": "信度"},
    "trust_col_range": {"en": "Range over the splits", "zh": "各次拆分的范围"},
    "trust_col_status": {"en": "Assessment", "zh": "评估"},
    "trust_col_flag": {"en": "Discrimination", "zh": "区分度"},
    "trust_status_reliable": {"en": "reliable", "zh": "可信"},
    "trust_status_unreliable": {"en": "⚠ unreliable", "zh": "⚠ 不可信"},
    "trust_status_not_split": {
        "en": "not split (per agent, not per customer)",
        "zh": "不拆分（按员工而非按客户）",
    },
    "trust_status_too_few_agents": {"en": "too few agents", "zh": "员工太少"},
    "trust_discriminates": {"en": "tells agents apart", "zh": "能区分员工"},
    "trust_short_at_cap": {"en": "⚠ most at the cap", "zh": "⚠ 多数封顶"},
    "trust_short_at_floor": {"en": "⚠ most at the floor", "zh": "⚠ 多数在底线"},
    "trust_short_within_noise": {"en": "⚠ within noise", "zh": "⚠ 差异在噪声内"},
}
