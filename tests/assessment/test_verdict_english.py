"""稳评 levels, judgement lines and recommendations in the reader's language."""

from __future__ import annotations

from django.utils import translation

from anju.assessment import actions, verdict


def test_levelling_stores_the_reasons_in_both_languages(world, analysed):
    with translation.override("en"):
        level = actions.determine_level(world.centre_staff, analysed)
    stored = level.verdict_reasons
    # The record stays Chinese whatever the language of the person who levelled it.
    assert any("3 名专家加权平均风险评分 40.0" in line for line in stored["reasons"])
    assert any("weighted average risk score of 3 experts 40.0" in line for line in stored["reasons_en"])
    assert level.recommendation.startswith("采取防范化解措施")
    with translation.override("en"):
        lines = level.verdict_reason_lines
        assert lines == stored["reasons_en"]
        assert "Initial: highest risk factor “High”" in "\n".join(lines)
        assert level.recommendation_for_reader == (
            "Implement after taking preventive measures and improving the plan (implement after adjustment)"
        )
        assert str(level.get_final_level_display()) == "Medium risk"
        assert str(verdict.LEVEL_LABELS["high"]) == "High risk"
    with translation.override("zh-hans"):
        assert level.verdict_reason_lines == stored["reasons"]
        assert level.recommendation_for_reader.startswith("采取防范化解措施")
        assert str(verdict.LEVEL_LABELS["high"]) == "高风险"


def test_older_records_without_english_show_the_stored_lines():
    with translation.override("en"):
        assert verdict.reasons_for_reader({"reasons": ["旧的判定依据"]}) == ["旧的判定依据"]
        assert verdict.reasons_for_reader({}) == []


def test_the_register_export_in_english(client, world, reported):
    import io
    import re

    from django.urls import reverse
    from django.utils import timezone
    from openpyxl import load_workbook

    client.force_login(world.centre_staff)
    client.cookies["django_language"] = "en"
    sheet = load_workbook(io.BytesIO(client.get(reverse("assessment:export")).content)).active
    assert sheet.title == "Assessment item catalogue"
    today = timezone.localdate()
    assert sheet.oddHeader.center.text == (
        f"示范县 register of social stability risk assessment items (exported {today:%-d %B %Y})"
    )
    rows = list(sheet.iter_rows(values_only=True))
    row = rows[1]
    assert row[10] == "Medium risk" and row[12] == "Passed"
    # only entered data stays Chinese: the item's title, the units' and areas' names
    entered = ("东镇农贸市场搬迁改造", "东镇综治中心", "东一村", "东二村", "东镇")
    text = "\n".join(str(v) for r in rows for v in r if v is not None)
    for value in entered:
        text = text.replace(value, "")
    assert re.findall(r"[\u3400-\u9fff]+", text) == []


def test_the_issued_report_stays_chinese_for_an_english_issuer(world, analysed):
    """The filed report is the official record: Chinese, level words included, whoever generates it."""
    from anju.assessment import report
    from documents_check import assert_docx_is_an_office_document

    with translation.override("en"):
        docx = report.render_docx(analysed)
    doc = assert_docx_is_an_office_document(docx)
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert "较高" in cells and "High" not in cells
