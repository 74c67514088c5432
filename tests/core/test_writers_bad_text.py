"""Every writer (xlsx, docx, PDF, CAP, Atom, JSON) survives what is already stored: control characters and
text that a spreadsheet would take for a formula. The bad text is stored through the actions (as an import
or an older version would have stored it), not through the pages, which now clean it on the way in."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.utils import timezone
from lxml import etree
from openpyxl import load_workbook

from anju.core.models import Area

FORMULA = '=HYPERLINK("http://evil.example/","点击查看")'
CONTROL = "\x0b"


def _sheets_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def _text_cells(data: bytes, text: str) -> list:
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value == text]


def _assert_formula_is_text(data: bytes, text: str = FORMULA) -> None:
    """The text is in the file, as a string cell with the quote prefix, and the file has no formula."""
    assert "<f>" not in _sheets_xml(data) and "<f " not in _sheets_xml(data)
    cells = _text_cells(data, text)
    assert cells, f"{text!r} is not in the workbook as it was typed"
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix


def test_ledger_export_writes_formulas_as_text_and_drops_control_characters(client, world):
    from anju.matters import actions

    actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title=FORMULA,
        description=f"工资{CONTROL}拖欠",
        parties=[{"role": "applicant", "name": "@SUM(1+1)*cmd"}],
    )
    client.force_login(world.centre_staff)
    response = client.get("/matters/export/")
    assert response.status_code == 200
    _assert_formula_is_text(response.content)
    assert _text_cells(response.content, "工资拖欠")  # the control character dropped, the text kept


def test_assessment_register_writes_formulas_as_text(client, world):
    from anju.assessment import actions

    actions.create_item(
        world.centre_staff,
        year=timezone.localdate().year,
        title=FORMULA,
        category="project",
        description=f"搬迁{CONTROL}改造",
        sponsor_unit=world.town_centre,
        area=world.town_a,
        affected_areas=[world.village_a1],
        domains=[world.land],
        people_affected=10,
        planned_decision_date=timezone.localdate(),
    )
    client.force_login(world.centre_staff)
    response = client.get("/assessment/export.xlsx")
    assert response.status_code == 200
    _assert_formula_is_text(response.content)


def test_monthly_report_downloads_survive_a_control_character_and_a_formula_in_an_area_name(client, world):
    from docx import Document

    from anju.reports import actions
    from anju.reports.figures import previous_month

    stored = f"-2+3{CONTROL}东一村"
    Area.objects.filter(pk=world.village_a1.pk).update(name=stored)
    report = actions.generate_report(
        world.centre_staff, area=world.county, month=previous_month(timezone.localdate())
    )
    client.force_login(world.centre_staff)
    xlsx = client.get(f"/reports/{report.pk}/download.xlsx")
    assert xlsx.status_code == 200
    _assert_formula_is_text(xlsx.content, "-2+3东一村")
    docx = client.get(f"/reports/{report.pk}/download.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    tables = "\n".join(c.text for t in Document(io.BytesIO(docx.content)).tables for c in t._cells)
    assert "-2+3东一村" in text + tables
    pdf = client.get(f"/reports/{report.pk}/download.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.fixture
def issued_alert(world):
    from anju.warning import actions

    alert = actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline=f"东一村欠薪{CONTROL}预警",
        area=world.village_a1,
        onset=timezone.now(),
        expected=f"本周欠薪类事项 8 件{CONTROL}。",
        measures="立即排查。",
        recipients=[world.committee_a1],
    )
    return actions.issue_alert(world.centre_staff, alert)


def test_cap_and_atom_survive_a_control_character_in_a_headline(client, world, issued_alert):
    client.force_login(world.centre_staff)
    cap = client.get(f"/warning/{issued_alert.pk}/cap.xml")
    assert cap.status_code == 200
    headline = etree.fromstring(cap.content).find(".//{*}headline").text
    assert headline == "东一村欠薪预警"
    feed = client.get("/warning/feed.atom")
    assert feed.status_code == 200
    titles = [t.text for t in etree.fromstring(feed.content).iter("{http://www.w3.org/2005/Atom}title")]
    assert any(t.endswith("东一村欠薪预警") for t in titles)


def test_json_api_escapes_a_stored_control_character(client, world):
    from anju.matters import actions

    matter = actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title=f"欠{CONTROL}薪",
        description="x",
    )
    client.force_login(world.centre_staff)
    response = client.get(f"/api/matters/{matter.pk}")
    assert response.status_code == 200 and json.loads(response.content)["title"] == f"欠{CONTROL}薪"
