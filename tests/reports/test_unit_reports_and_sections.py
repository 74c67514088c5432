"""Department units' own monthly reports (镇直单位), the free-text sections of a monthly report and their
place in the .docx/.pdf/.xlsx files."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from anju.core.errors import NotAllowed, WorkflowError
from anju.core.models import AuditEvent
from anju.matters.actions import assign, create_matter
from anju.reports import actions, document
from anju.reports.queries import visible_reports
from anju.reports.views import submission_board
from documents_check import assert_docx_is_an_office_document, assert_pdf_is_an_office_document
from guards import check_guard, outsider

MONTH = dt.date(2026, 9, 1)


def _matter(world, title, *, unit=None):
    matter = create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title=title,
        description="拖欠工资。",
        likelihood=3,
        consequence=3,
        registered_at=timezone.make_aware(dt.datetime(2026, 9, 10, 10)),
    )
    if unit is not None:
        # 3 × 3 is 较高: the level rules want a 包案领导
        assign(
            world.centre_staff,
            matter,
            unit=unit,
            deadline=timezone.localdate() + dt.timedelta(days=15),
            lead_leader=world.leader,
        )
    return matter


def test_a_department_officer_generates_their_units_report_over_its_matters(world):
    _matter(world, "派出所承办的欠薪纠纷", unit=world.police)
    _matter(world, "未交办的欠薪纠纷")
    report = actions.generate_report(world.officer, unit=world.police, month=MONTH)
    assert report.unit == world.police and report.area == world.town_a
    assert report.figures["totals"]["new"] == 1  # only the matter assigned to the unit
    assert report.figures["unit"] == "东镇派出所"
    assert document.title(report) == "东镇派出所2026年9月社会领域风险防范化解工作月报"
    town = actions.generate_report(world.town_staff, area=world.town_a, month=MONTH)
    assert town.figures["totals"]["new"] == 2 and town.pk != report.pk
    # the officer sees their unit's report only; the town centre sees both
    assert list(visible_reports(world.officer)) == [report]
    assert set(visible_reports(world.town_staff)) == {report, town}
    submitted = actions.submit_report(world.officer, report)
    assert submitted.submitted_by == world.officer


def test_a_department_officer_acts_on_no_other_report(world):
    with pytest.raises(NotAllowed, match="职能部门无权生成或报送区域月报"):
        actions.generate_report(world.officer, area=world.town_a, month=MONTH)
    town = actions.generate_report(world.town_staff, area=world.town_a, month=MONTH)
    with pytest.raises(NotAllowed, match="职能部门无权"):
        actions.submit_report(world.officer, town)
    from anju.core import actions as core_actions
    from anju.core.models import UnitKind

    labour = core_actions.create_unit(None, name="东镇人社所", kind=UnitKind.DEPARTMENT, area=world.town_a)
    with pytest.raises(NotAllowed, match="无权处理“东镇人社所”的月报"):
        actions.generate_report(world.officer, unit=labour, month=MONTH)
    with pytest.raises(ValidationError) as refused:
        actions.generate_report(world.town_staff, unit=world.town_centre, month=MONTH)
    assert refused.value.message_dict == {"unit": ["只有职能部门报送本单位的月报。"]}


def test_unit_reports_can_be_switched_off(world, settings):
    settings.ANJU_UNIT_MONTHLY_REPORTS = False
    with pytest.raises(NotAllowed, match="未启用职能部门月报"):
        actions.generate_report(world.officer, unit=world.police, month=MONTH)
    assert [row["name"] for row in submission_board(world.town_staff, MONTH)] == ["东一村", "东二村"]


def test_the_town_board_lists_its_department_units(world):
    report = actions.generate_report(world.officer, unit=world.police, month=MONTH)
    actions.submit_report(world.officer, report)
    rows = {row["name"]: row["submitted"] for row in submission_board(world.town_staff, MONTH)}
    assert rows == {"东一村": False, "东二村": False, "东镇派出所": True}
    assert submission_board(world.officer, MONTH) == []


def test_sections_are_written_before_submission_and_kept_on_regeneration(world):
    report = actions.generate_report(world.town_staff, area=world.town_a, month=MONTH)
    report = actions.write_sections(
        world.town_staff,
        report,
        special_actions="  欠薪冬季专项行动\n补发工资 46 万元 ",
        survey_work="走访 300 户",
    )
    assert (report.special_actions, report.survey_work) == (
        "欠薪冬季专项行动\n补发工资 46 万元",
        "走访 300 户",
    )
    event = AuditEvent.objects.get(action="monthly_report.sections")
    assert event.after == {
        "special_actions": "欠薪冬季专项行动\n补发工资 46 万元",
        "survey_work": "走访 300 户",
    }
    again = actions.generate_report(world.town_staff, area=world.town_a, month=MONTH)
    assert again.survey_work == "走访 300 户"
    with pytest.raises(ValidationError) as refused:
        actions.write_sections(world.town_staff, again, special_actions="长" * 5001, survey_work="")
    assert refused.value.message_dict == {"special_actions": ["“专项行动开展情况”不能超过 5000 字。"]}
    actions.submit_report(world.town_staff, again)
    with pytest.raises(WorkflowError, match="已报送"):
        actions.write_sections(world.town_staff, again, special_actions="改", survey_work="改")


def test_write_sections_guard(world):
    report = actions.generate_report(world.centre_staff, area=world.village_a1, month=MONTH)
    written = check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "leader", "cadre"},
        lambda a: actions.write_sections(a, report, special_actions="专项行动", survey_work="摸排"),
        outside=world.cadre_b,
        insider=world.cadre,
    )
    assert written.special_actions == "专项行动"


def test_unit_report_guard(world):
    from anju.core.roles import Role

    # the village cadre's role may, but the unit sits at the town, above the cadre's village: scope (below)
    report = check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "leader", "officer", "cadre"},
        lambda a: actions.generate_report(a, unit=world.police, month=MONTH),
        outside=outsider(world, Role.CENTRE_STAFF),  # 西镇's centre, for 东镇's unit
        insider=world.officer,
    )
    assert report.unit == world.police and report.generated_by == world.officer
    with pytest.raises(NotAllowed, match="管辖"):
        actions.generate_report(world.cadre, unit=world.police, month=MONTH)


def test_the_sections_are_in_every_file(client, world):
    report = actions.generate_report(world.town_staff, area=world.town_a, month=MONTH)
    actions.write_sections(world.town_staff, report, special_actions="欠薪冬季专项行动", survey_work="")
    client.force_login(world.town_staff)

    doc = assert_docx_is_an_office_document(client.get(f"/reports/{report.pk}/download.docx").content)
    paragraphs = [p.text for p in doc.paragraphs]
    at = paragraphs.index("六、专项行动开展情况")
    assert paragraphs[at + 1 : at + 4] == ["欠薪冬季专项行动", "七、摸排调研工作情况", "（未填写）"]

    pages = assert_pdf_is_an_office_document(client.get(f"/reports/{report.pk}/download.pdf").content)
    text = re.sub(r"\s+", "", "".join(pages))
    assert "六、专项行动开展情况欠薪冬季专项行动七、摸排调研工作情况（未填写）" in text

    book = load_workbook(io.BytesIO(client.get(f"/reports/{report.pk}/download.xlsx").content))
    sheet = book["专项行动和摸排调研"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["项目", "情况"],
        ["专项行动开展情况", "欠薪冬季专项行动"],
        ["摸排调研工作情况", "（未填写）"],
    ]


def test_the_page_saves_the_sections_and_shows_an_error_beside_the_field(client, world):
    report = actions.generate_report(world.town_staff, area=world.town_a, month=MONTH)
    client.force_login(world.town_staff)
    page = client.get(f"/reports/{report.pk}/")
    assert "专项行动开展情况" in page.content.decode()
    answer = client.post(
        f"/reports/{report.pk}/sections/",
        {"special_actions": "长" * 5001, "survey_work": "", "version": report.version},
    )
    assert answer.status_code == 400 and "不能超过 5000 字" in answer.content.decode()
    answer = client.post(
        f"/reports/{report.pk}/sections/",
        {"special_actions": "专项行动", "survey_work": "摸排", "version": report.version},
    )
    assert answer.status_code == 302
    report.refresh_from_db()
    assert (report.special_actions, report.survey_work) == ("专项行动", "摸排")
