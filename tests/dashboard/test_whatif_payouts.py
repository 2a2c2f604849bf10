"""Payout explanations worded in both languages from the steps scoring returns.

The allocations are the hand-worked examples of tests/scoring/test_incentives.py
(docs/METHODS.md, "Bonus rules"); the expected sentences are written out here by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.whatif.payouts import explanation, worded
from scoring.methods.grading import GRADES
from scoring.methods.incentives import PayoutOptions, allocate

E, G, S, U = GRADES


def test_a_grade_multiplier_payout_scaled_to_the_pool_in_english_and_chinese():
    # pool 3,600, 3 eligible → base 1,200; raw 1,800 + 1,440 + 1,200 = 4,440 > 3,600:
    # ×0.8108 → 1,459.45
    result = allocate([95, 80, 70, np.nan], [E, G, S, None], 3600, "grade_multiplier")
    steps = result.explanations[0]
    assert explanation(steps, "en") == (
        "base 1,200 × company 1.00 × grade Excellent 1.50 = 1,800; "
        "scaled ×0.8108 to fit the pool of 3,600 → 1,459.45"
    )
    assert explanation(steps, "zh") == (
        "基数 1,200 × 公司系数 1.00 × 优秀等级系数 1.50 = 1,800；"
        "按 ×0.8108 缩减以不超过奖金池 3,600 → 1,459.45"
    )
    assert explanation(result.explanations[3], "zh") == "无奖金：没有得分（数据不足）"


def test_threshold_linear_reads_its_band_as_percentages():
    # base 1,000, 50% at 60 rising to 150% at 100: 80 → 100% → 1,000; 50 → 0
    result = allocate([50, 80], [U, G], 10_000, "threshold_linear", PayoutOptions(base=1000))
    assert explanation(result.explanations[1], "en") == (
        "base 1,000 × company 1.00 × 100.0% (score 80.0; 50% at 60 rising to 150% at 100) = 1,000"
    )
    assert explanation(result.explanations[1], "zh") == (
        "基数 1,000 × 公司系数 1.00 × 100.0%（得分 80.0；60 分为 50%，线性升至 100 分为 150%）"
        "= 1,000"
    )
    assert explanation(result.explanations[0], "zh") == "得分 50.0 低于门槛 60 分 → 0"


def test_proportional_with_the_cent_rounding_step():
    # 100 × 2/3 = 66.666… → paid 66.66
    result = allocate([1, 2], [G, G], 100, "proportional")
    assert explanation(result.explanations[1], "en") == (
        "pool 100 × score 2.0 / total score 3.0 = 66.67; rounded down to the cent → 66.66"
    )
    assert explanation(result.explanations[1], "zh") == (
        "奖金池 100 × 得分 2.0 / 总得分 3.0 = 66.67；向下取整到分 → 66.66"
    )


def test_the_export_frame_gets_sentences_in_place_of_steps():
    result = allocate([0, 0], [U, U], 1000, "proportional")
    frame = pd.DataFrame({"agent_id": ["a", "b"], "payout_explanation": result.explanations})
    assert (
        worded(frame, "en")["payout_explanation"].tolist()
        == ["all eligible scores are 0, nothing to share in proportion → 0"] * 2
    )
    assert frame["payout_explanation"].iloc[0][0].code == "nothing_to_share"  # not changed
