"""The report is written from the records: open the .docx and check sections and figures; PDF is real."""

from __future__ import annotations

import io

from docx import Document

from anju.assessment import report
from anju.core import documents


def _docx(assessment) -> Document:
    assessment.report_docx.open("rb")
    try:
        return Document(io.BytesIO(assessment.report_docx.read()))
    finally:
        assessment.report_docx.close()


def _table_texts(doc) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]


def test_docx_has_the_customary_outline_in_order(reported):
    doc = _docx(reported)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == report.SECTIONS
    subheadings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert subheadings[:4] == ["（一）合法性", "（二）合理性", "（三）可行性", "（四）可控性"]
    title = next(p.text for p in doc.paragraphs if p.style.name == "Title")
    assert "东镇农贸市场搬迁改造" in title and "社会稳定风险评估报告" in title


def test_docx_carries_the_figures_from_the_records(world, reported):
    doc = _docx(reported)
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = _table_texts(doc)
    assert reported.report_number in text and reported.report_number.startswith("稳评〔")
    assert "预计涉及群众860人" in text
    assert "符合镇国土空间规划" in text  # legality analysis
    survey = next(t for t in tables if t[0][0] == "利益相关群体")
    assert ["周边居民", "150", "10", "40", "200", "20.0%"] in survey
    assert ["市场经营户", "60", "28", "12", "100", "12.0%"] in survey
    notice = next(t for t in tables if t[0][0] == "公示方式/地点")
    assert notice[1][2] == "21" and notice[1][3] == "14"
    experts = next(t for t in tables if t[0][0] == "专家")
    assert [row[2] for row in experts[1:]] == ["40", "30", "50"]
    factors = next(t for t in tables if t[0][1] == "风险因素" and t[0][0] == "维度")
    assert ["合理性", "经营户补偿争议", "4", "3", "80", "较高"] in factors
    measures = next(t for t in tables if t[0][1] == "防范化解措施")
    assert ["搬迁当日交通拥堵", "分批搬迁并安排交警疏导", "东镇派出所", "—"] in [row[:4] for row in measures]
    assert "共梳理意见2条，其中采纳1条、部分采纳0条、不予采纳1条" in text
    assert "初始风险等级为高风险" in text and "措施后风险等级为中风险" in text
    assert "建议：采取防范化解措施" in text
    assert "30 分钟内到场" in text and "风险总体可控" in text


def test_override_is_in_the_report(world, analysed):
    from anju.assessment import actions

    actions.determine_level(
        world.centre_staff, analysed, final_level="high", justification="邻县同类项目曾引发聚集"
    )
    actions.issue_report(world.centre_staff, analysed, emergency_plan="预案", conclusion="建议暂缓")
    text = "\n".join(p.text for p in _docx(analysed).paragraphs)
    assert "评估主体调整为高风险，理由：邻县同类项目曾引发聚集" in text


def test_pdf_is_produced_with_a_cjk_font(reported):
    reported.report_pdf.open("rb")
    data = reported.report_pdf.read()
    reported.report_pdf.close()
    assert data.startswith(b"%PDF") and len(data) > 5000
    assert b"NotoSans" in data or b"ZenHei" in data or b"MicroHei" in data or b"LibreOffice" in data
    path, _index = documents.cjk_font()
    assert path


def test_pdf_text_is_chinese(reported):
    """When poppler's pdftotext is installed, the PDF's text layer reads back as Chinese."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        data = report.render_pdf(reported)
        assert data.startswith(b"%PDF")
        return
    text = subprocess.run(
        ["pdftotext", "-layout", reported.report_pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "社会稳定风险评估报告" in text and "四、风险因素识别与估计" in text


def _stored(field) -> bytes:
    field.open("rb")
    try:
        return field.read()
    finally:
        field.close()


def test_report_files_are_a4_office_documents_with_page_numbers(reported):
    from documents_check import assert_docx_is_an_office_document, assert_pdf_is_an_office_document

    doc = assert_docx_is_an_office_document(_stored(reported.report_docx))
    normal = doc.styles["Normal"]
    assert normal.font.name == "Noto Serif CJK SC" and normal.font.size.pt == 16  # body: 3号
    pages = assert_pdf_is_an_office_document(_stored(reported.report_pdf))
    assert len(pages) >= 3  # the customary outline runs to several pages; each is numbered
    assert "八、评估结论" in "".join(pages)
