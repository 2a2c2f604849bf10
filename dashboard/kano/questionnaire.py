"""The Kano questionnaire as a bilingual Excel template (every text in Chinese, then English).

Two sheets: the questions (per factor of scoring/registry/kano.py its functional and
dysfunctional question, and the five answers) and the answers to fill in, one row per
respondent. The answer sheet's first row holds the column ids the answers are read by
(`respondent_id`, `segment`, then `<factor>.functional` and `<factor>.dysfunctional` per
factor); its second row says in words what each column asks. Answer cells accept a whole
number from 1 to 5 only, the segment cell one of the contract's segments.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from dashboard.ui.i18n import t
from scoring.methods.stats import KANO_ANSWERS
from scoring.registry.contract import SEGMENTS
from scoring.registry.kano import FACTORS, Factor

ROWS_TO_FILL = 500  # answer rows the validation covers


def both(key: str) -> str:
    """A catalog text in Chinese, then English."""
    return f"{t(key, 'zh')} / {t(key, 'en')}"


def answer_columns(factor: Factor) -> tuple[str, str]:
    return f"{factor.id}.functional", f"{factor.id}.dysfunctional"


def _questions_sheet(sheet) -> None:
    sheet.append([both("kano_template_how")])
    sheet.append([])
    sheet.append(
        [
            "factor",
            both("kano_template_factor"),
            both("kano_template_functional"),
            both("kano_template_dysfunctional"),
        ]
    )
    for factor in FACTORS:
        sheet.append(
            [
                factor.id,
                f"{factor.label_zh} / {factor.label_en}",
                f"{factor.functional_zh}\n{factor.functional_en}",
                f"{factor.dysfunctional_zh}\n{factor.dysfunctional_en}",
            ]
        )
    sheet.append([])
    sheet.append([both("kano_template_answers")])
    for number in KANO_ANSWERS:
        sheet.append([number, both(f"kano_answer_{number}")])
    for column, width in zip("ABCD", (28, 36, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True)


def _answers_sheet(sheet) -> None:
    ids, words = ["respondent_id", "segment"], [both("kano_col_respondent"), both("segments")]
    for factor in FACTORS:
        functional, dysfunctional = answer_columns(factor)
        ids += [functional, dysfunctional]
        words += [
            f"{factor.label_zh}：{both('kano_template_functional')}",
            f"{factor.label_zh}：{both('kano_template_dysfunctional')}",
        ]
    sheet.append(ids)
    sheet.append(words)
    first, last = 3, 2 + ROWS_TO_FILL
    answers = DataValidation(type="whole", operator="between", formula1="1", formula2="5")
    answers.error = both("kano_template_answer_error")
    answers.showErrorMessage = True
    segment = DataValidation(type="list", formula1='"' + ",".join(SEGMENTS) + '"')
    segment.showErrorMessage = True
    sheet.add_data_validation(answers)
    sheet.add_data_validation(segment)
    segment.add(f"B{first}:B{last}")
    for cell in sheet[1][2:]:
        answers.add(f"{cell.column_letter}{first}:{cell.column_letter}{last}")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B3"


def template_bytes() -> bytes:
    """The questionnaire workbook (.xlsx) as bytes."""
    book = Workbook()
    questions = book.active
    questions.title = f"{t('kano_sheet_questions', 'zh')} {t('kano_sheet_questions', 'en')}"
    _questions_sheet(questions)
    _answers_sheet(
        book.create_sheet(f"{t('kano_sheet_answers', 'zh')} {t('kano_sheet_answers', 'en')}")
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
