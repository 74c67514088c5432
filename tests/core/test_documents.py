"""The shared document pieces: Chinese line breaking, file names, the A4 .docx and the PDF read back."""

from __future__ import annotations

import re

import pytest

from anju.core import documents
from anju.core.documents import Block, break_lines, content_disposition, filename
from documents_check import (
    NO_LINE_START,
    W,
    assert_docx_is_an_office_document,
    assert_pdf_is_an_office_document,
    pdf_lines,
    poppler,
)


def one_per_character(text: str) -> float:
    return float(len(text))


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        # a plain break would start the second line with “，”: “五” moves down with it
        ("一二三四五，六七", 5, ["一二三四", "五，六七"]),
        # two closing marks in a row
        ("一二三四五。」六", 5, ["一二三四", "五。」六"]),
        # an opening bracket does not end a line
        ("一二三四（五六", 5, ["一二三四", "（五六"]),
        # a number stays whole; the space at the break is dropped
        ("一二三 2026年", 5, ["一二三", "2026年"]),
        ("一二三四09:50", 5, ["一二三四", "09:50"]),
        # a Latin run wider than the line is cut
        ("abcdefgh", 5, ["abcde", "fgh"]),
        # a line of nothing but closing marks keeps the plain break (nothing nearby to move)
        ("，，，，，，", 5, ["，，，，，", "，"]),
        # paragraphs stay paragraphs
        ("一二\n三", 5, ["一二", "三"]),
    ],
)
def test_break_lines_keeps_closing_marks_off_the_line_start(text, width, expected):
    assert break_lines(text, width, one_per_character) == expected


def test_file_names_are_the_chinese_title_with_an_ascii_fallback():
    header = content_disposition("台账", "xlsx", fallback="ledger-20261202-0950")
    assert header == (
        "attachment; filename=\"ledger-20261202-0950.xlsx\"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx"
    )
    assert filename('东镇/西镇: "评估"?', "docx") == "东镇_西镇_ _评估_.docx"
    assert content_disposition("报告", "pdf", fallback="??").startswith(
        'attachment; filename="document.pdf";'
    )


BLOCKS = [
    Block("title", "东镇2026年11月社会领域风险防范化解工作月报"),
    Block("meta", "报送单位：东镇　生成时间：2026-12-01 02:30"),
    Block("h1", "一、总体情况"),
    # Closing marks at every distance from the line end: a plain character wrap starts some line with one.
    *[Block("p", "字" * n + "，本月新增事项 3 件；化解 1 件。“引号”（括号）、顿号。") for n in range(20, 48)],
    Block("h2", "（一）分领域"),
    Block("table", header=["风险领域", "新增"], rows=[["征地拆迁，其中涉及多个村（社区）的", "12"]] * 3),
    Block("li", "判定依据一。"),
]


def test_docx_is_a4_with_gbt_9704_margins_faces_page_numbers_and_chinese_line_breaking():
    doc = assert_docx_is_an_office_document(documents.render_docx(BLOCKS))
    normal = doc.styles["Normal"].element
    fonts = normal.rPr.find(f"{W}rFonts")
    # one face for Chinese and for digits/Latin (else digits fall back to another face)
    assert {fonts.get(f"{W}{k}") for k in ("ascii", "hAnsi", "eastAsia")} == {"Noto Serif CJK SC"}
    assert normal.rPr.find(f"{W}sz").get(f"{W}val") == "32"  # 3号 = 16 pt, in half-points
    assert normal.pPr.find(f"{W}kinsoku") is not None
    title = doc.styles["Title"]
    assert title.font.bold and title.element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia") == "Noto Serif CJK SC"
    heading = doc.styles["Heading 1"].element.rPr.find(f"{W}rFonts")
    assert heading.get(f"{W}eastAsia") == heading.get(f"{W}ascii") == "Noto Sans CJK SC"
    settings = doc.settings.element
    before = settings.find(f"{W}noLineBreaksBefore")
    assert before.get(f"{W}lang") == "zh-CN" and set("，；。、）") <= set(before.get(f"{W}val"))
    assert "（" in settings.find(f"{W}noLineBreaksAfter").get(f"{W}val")
    assert settings.find(f"{W}themeFontLang").get(f"{W}eastAsia") == "zh-CN"  # not the template's ja-JP
    assert [p.text for p in doc.paragraphs][:3] == [b.text for b in BLOCKS[:3]]


def test_pdf_is_a4_in_sc_faces_numbered_and_no_line_starts_with_a_closing_mark():
    data = documents._pdf_fpdf(BLOCKS, "测试")
    pages = assert_pdf_is_an_office_document(data)
    assert len(pages) >= 3 and "2026-12-01 02:30" in pages[0]
    lines = pdf_lines(data)
    assert any(line.startswith("字字字") for line in lines)
    starts = [line for line in lines if line[0] in NO_LINE_START]
    assert starts == [], starts


def test_pdf_text_stays_inside_the_gbt_9704_text_area():
    """Every word lies between 28 mm and 210 − 26 mm across (79.37 pt and 521.57 pt), body text between
    37 mm and 297 − 35 mm down (104.88 pt and 742.68 pt); the page number lies below, inside the page."""
    boxes = poppler("pdftotext", documents._pdf_fpdf(BLOCKS, "测试"), "-bbox")
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', boxes)
    assert len(words) > 50
    for x_min, y_min, x_max, y_max, word in words:
        assert 79.37 - 0.5 <= float(x_min) and float(x_max) <= 521.57 + 0.5, word
        assert 104.88 - 0.5 <= float(y_min) and float(y_max) <= 800, word
        if not re.fullmatch(r"—|\d+", word):
            assert float(y_max) <= 742.68 + 1, word


def test_pdf_page_numbers_stand_right_on_odd_pages_and_left_on_even_pages():
    """GB/T 9704 7.5: 单页码居右空一字，双页码居左空一字. The text area runs from 79.37 pt to 521.57 pt
    across; one 4号 character is 14 pt, so an odd page's number ends at 507.57 pt, an even page's starts
    at 93.37 pt."""
    data = documents._pdf_fpdf(BLOCKS, "测试")
    layout = poppler("pdftotext", data, "-layout", "-f", "2", "-l", "2")
    assert re.search(r"^ {0,2}—\s?2\s?—$", layout, re.M), layout[-300:]  # poppler may drop the thin spaces
    for page, edge in ((1, "xMax"), (2, "xMin")):
        boxes = poppler("pdftotext", data, "-bbox", "-f", str(page), "-l", str(page))
        dashes = [float(x) for x in re.findall(rf'{edge}="([\d.]+)"[^>]*>—<', boxes)]
        assert len(dashes) == 2, boxes[-600:]
        if page == 1:
            assert max(dashes) == pytest.approx(507.57, abs=1.0)
        else:
            assert min(dashes) == pytest.approx(93.37, abs=1.0)


def test_the_check_would_catch_a_plain_character_wrap():
    """Positive control: the same paragraphs wrapped at any character put a closing mark at a line start."""
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    pdf = FPDF(format="A4")
    path, index = documents.cjk_font(documents.SERIF)
    pdf.add_font("serif", fname=path, collection_font_number=index)
    pdf.set_font("serif", size=16)
    pdf.set_margins(28, 37, 26)
    pdf.add_page()
    for block in BLOCKS[3:-3]:
        pdf.multi_cell(0, 10, "\u3000\u3000" + block.text, align="L", wrapmode=WrapMode.CHAR,
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    assert any(line[0] in NO_LINE_START for line in pdf_lines(bytes(pdf.output())))


def test_fonts_are_the_simplified_chinese_faces():
    for family, bold in ((documents.SERIF, False), (documents.SERIF, True), (documents.SANS, False)):
        path, index = documents.cjk_font(family, bold)
        from fontTools.ttLib import TTCollection, TTFont

        font = TTCollection(path).fonts[index] if path.endswith(".ttc") else TTFont(path)
        assert font["name"].getDebugName(1) == family
        assert font["name"].getDebugName(2) == ("Bold" if bold else "Regular")
