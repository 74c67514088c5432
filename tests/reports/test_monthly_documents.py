"""The monthly report as documents an office files: A4, local time, page numbers, printable workbook,
and the report's Chinese title as the file name of every download."""

from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import load_workbook

from anju.reports import actions
from anju.reports.models import MonthlyReport
from documents_check import (
    assert_docx_is_an_office_document,
    assert_pdf_is_an_office_document,
    assert_sheet_prints,
    download_names,
)

MONTH = dt.date(2026, 9, 1)


def test_monthly_report_downloads_are_a4_local_time_numbered_and_named_by_title(client, world):
    report = actions.generate_report(world.centre_staff, area=world.town_a, month=MONTH)
    # Generated at 18:30 UTC on 30 November: 02:30 on 1 December in Asia/Shanghai (UTC+8).
    generated = dt.datetime(2026, 11, 30, 18, 30, tzinfo=dt.UTC)
    MonthlyReport.objects.filter(pk=report.pk).update(generated_at=generated)
    client.force_login(world.centre_staff)
    title = "东镇2026年9月社会领域风险防范化解工作月报"

    docx = client.get(f"/reports/{report.pk}/download.docx")
    assert download_names(docx) == (f"{title}.docx", "monthly-330101000000-2026-09.docx")
    doc = assert_docx_is_an_office_document(docx.content)
    meta = doc.paragraphs[1].text
    assert "生成时间：2026-12-01 02:30" in meta and "18:30" not in meta

    pdf = client.get(f"/reports/{report.pk}/download.pdf")
    assert download_names(pdf) == (f"{title}.pdf", "monthly-330101000000-2026-09.pdf")
    pages = assert_pdf_is_an_office_document(pdf.content)
    text = re.sub(r"\s+", "", "".join(pages))
    assert "生成时间：2026-12-0102:30" in text and "18:30" not in text
    assert title in text

    xlsx = client.get(f"/reports/{report.pk}/download.xlsx")
    assert download_names(xlsx) == (f"{title}.xlsx", "monthly-330101000000-2026-09.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == [
        "总体情况",
        "分领域",
        "分村（社区）",
        "分责任单位",
        "趋势分析",
        "专项行动和摸排调研",
    ]
    for sheet in book.worksheets:
        assert_sheet_prints(sheet, "$1:$1")
    assert book["总体情况"]["A1"].value == title


def test_an_unknown_format_is_not_found(client, world):
    report = actions.generate_report(world.centre_staff, area=world.town_a, month=MONTH)
    client.force_login(world.centre_staff)
    assert client.get(f"/reports/{report.pk}/download.odt").status_code == 404
