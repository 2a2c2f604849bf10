"""The reports printed to PDF by Chromium, in both languages: one browser start for the four
PDFs of the module. Their text (pypdf) holds the figures of `python -m scoring score` and
of the tickets; the Chinese is embedded as a CJK font; the pages are A4.

Chromium writes the Noto CJK glyphs as Type 3 fonts (their outlines in the PDF), and maps
a glyph that serves an ideograph and a radical to the radical (⼈ for 人, ⻔ for 门): the PDF
shows 门, its copied text reads ⻔. The text is read back as a person reads it: NFKC
(the Kangxi radicals) and the simplified radicals below.
"""

from __future__ import annotations

import io
import unicodedata

import pandas as pd
import pypdf
import pytest

from scoring.reports import content, make, pdf, render
from scoring.reports.texts import text
from scoring.scope import EVERYTHING
from tests.browser_support import _require_chromium
from tests.scoring.test_reports import END, MADE_ON, START, scored

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
A4_POINTS = (595, 842)
# CJK Radicals Supplement → the ideograph its glyph is drawn as (not in NFKC)
RADICALS = str.maketrans({"⻓": "长", "⻔": "门", "⻢": "马", "⻩": "黄", "⻛": "风", "⻅": "见",
                          "⻋": "车", "⻜": "飞", "⻉": "贝", "⻚": "页", "⻥": "鱼", "⻦": "鸟",
                          "⻬": "齐", "⻰": "龙", "⻄": "西", "⻆": "角", "⻘": "青"})  # fmt: skip


def readable(words: str) -> str:
    return unicodedata.normalize("NFKC", words).translate(RADICALS)


@pytest.fixture(scope="module")
def printed(small_dataset, tmp_path_factory):
    """agent/department × zh/en → (the PDF, its text), and the score command's scorecard."""
    _require_chromium()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPD_STATE_DIR", str(tmp_path_factory.mktemp("pdf_state")))
        card = scored(small_dataset, START, END)
        source = make.source_for(small_dataset, START, END)
    graded = card[card["grade"] != "insufficient_data"]
    agent = graded.sort_values(["tickets", "agent_id"], ascending=[False, True]).iloc[0]
    scope = make.agent_scope(source.ds, agent["agent_id"])
    agent_report = content.agent_report(source, agent["agent_id"], scope)
    department = content.department_report(source, EVERYTHING)
    pages = {}
    for lang in ("zh", "en"):
        pages[("agent", lang)] = render.agent_html(agent_report, lang, MADE_ON)
        pages[("department", lang)] = render.department_html(department, lang, MADE_ON)
    files = dict(zip(pages, pdf.many_to_pdf(list(pages.values())), strict=True))
    found = {}
    for key, data in files.items():
        reader = pypdf.PdfReader(io.BytesIO(data))
        words = "\n".join(page.extract_text() for page in reader.pages)
        found[key] = (reader, readable(words))
    tickets = pd.read_parquet(small_dataset / "tickets").drop_duplicates("ticket_id")
    return found, card, agent, tickets


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_agent_pdf_holds_the_agents_figures(printed, lang):
    found, card, agent, tickets = printed
    _, words = found[("agent", lang)]
    flat = words.replace("\n", " ")
    assert text("report_agent_title", lang) in words
    assert agent["name"] in words and agent["agent_id"] in words
    assert f"{agent['composite']:.1f}" in words
    grade = {"zh": {"excellent": "优秀", "good": "良好", "satisfactory": "合格",
                    "unsatisfactory": "不合格"},
             "en": {"excellent": "Excellent", "good": "Good", "satisfactory": "Satisfactory",
                    "unsatisfactory": "Unsatisfactory"}}[lang][agent["grade"]]  # fmt: skip
    assert grade in words
    graded = card[card["grade"] != "insufficient_data"]
    of = int((graded["team"] == agent["team"]).sum())
    assert text("report_rank_of", lang, rank=int(agent["team_rank"]), of=of) in flat
    days = tickets["created_at"].dt.date
    mine = tickets[(tickets["agent_id"] == agent["agent_id"]) & (days >= START) & (days <= END)]
    assert f"{len(mine):,}" in words


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_department_pdf_ranks_the_teams_by_their_mean_score(printed, lang):
    found, card, _, tickets = printed
    _, words = found[("department", lang)]
    assert text("report_department_title", lang) in words
    graded = card[card["grade"] != "insufficient_data"]
    means = graded.groupby("team")["composite"].mean().sort_values(ascending=False)
    lines = [line for line in words.splitlines() if line.startswith(tuple(means.index))]
    for team, mean in means.items():  # the ranking table: team, agents, graded, mean score
        row = next(line for line in lines if line.startswith(f"{team} "))
        assert f" {mean:.1f} " in f"{row} ", row
    days = tickets["created_at"].dt.date
    may = ((days >= START) & (days <= END)).sum()
    assert readable(text("report_overview_intro", lang, tickets=f"{may:,}"))[:24] in words.replace(
        "\n", ""
    )


def test_the_pdfs_are_a4_and_embed_a_chinese_font(printed):
    found, *_ = printed
    for (kind, lang), (reader, _) in found.items():
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4_POINTS, kind
        embedded = set()  # fonts whose glyphs are in the file (Type 3 outlines or a font file)
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                for part in font.get("/DescendantFonts") or [font]:
                    part = part.get_object()
                    descriptor = part["/FontDescriptor"].get_object()
                    files = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
                    if "/CharProcs" in part or files:
                        embedded.add(str(descriptor["/FontName"]))
        assert any("NotoSansCJK" in name for name in embedded), (kind, lang, embedded)
