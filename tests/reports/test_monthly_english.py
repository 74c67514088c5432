"""A monthly report downloaded in English mode is English; its figures keep the commentary in both languages."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.utils import timezone
from openpyxl import load_workbook

from anju.matters import actions as m
from anju.reports import actions
from documents_check import assert_docx_is_an_office_document

MONTH = dt.date(2026, 9, 1)
CJK = re.compile(r"[\u3400-\u9fff]+")
# entered data: the area and unit names of the test world
NAMES = ["示范县", "东镇", "东一村村委会", "东一村", "东二村"]


def chinese_left(text: str) -> list[str]:
    for name in NAMES:
        text = text.replace(name, "")
    return CJK.findall(text)


def test_the_monthly_report_in_english(client, world):
    when = timezone.make_aware(dt.datetime(2026, 9, 3, 10, 0))
    for n in range(3):
        matter = m.create_matter(
            world.centre_staff,
            kind="demand",
            domain=world.wages,
            area=world.village_a1,
            title=f"欠薪{n}",
            description="工资拖欠",
            likelihood=2,
            consequence=2,
            now=when,
        )
        m.assign(world.centre_staff, matter, unit=world.committee_a1, deadline=dt.date(2026, 9, 5), now=when)
    report = actions.generate_report(world.centre_staff, area=world.town_a, month=MONTH)
    assert report.figures["commentary"][0] == "本月新增事项 3 件，环比增加 3 件，同比增加 3 件。"
    assert report.figures["commentary_en"][0] == (
        "3 new matters this month: up by 3 on last month, up by 3 on the same month last year."
    )

    client.force_login(world.centre_staff)
    client.cookies["django_language"] = "en"
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "3 new matters this month" in page

    doc = assert_docx_is_an_office_document(client.get(f"/reports/{report.pk}/download.docx").content)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == (
        "东镇 monthly report on social risk prevention and resolution, September 2026"
    )
    assert "1. Overview" in text and "5. Trends" in text
    cells = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert "Social security" in cells and "Risk domain" in cells
    assert chinese_left(text + cells) == []

    book = load_workbook(io.BytesIO(client.get(f"/reports/{report.pk}/download.xlsx").content))
    values = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert book.sheetnames[0] == "Overview"
    assert chinese_left("\n".join(values + book.sheetnames)) == []
