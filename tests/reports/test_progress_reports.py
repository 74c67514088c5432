"""工作进展报送: a town or a department unit reports to the level above, which is told and marks it read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.core.errors import NotAllowed, WorkflowError
from anju.core.models import AuditEvent, Notification
from anju.core.roles import Role
from anju.reports import actions
from anju.reports.models import ProgressReport
from anju.reports.queries import addressed_to, unread_progress_count, visible_progress
from guards import check_guard, outsider

START, END = dt.date(2026, 11, 20), dt.date(2026, 11, 27)


def _submit(actor, **overrides):
    data = {"title": "欠薪排查进展", "period_start": START, "period_end": END, "text": "完成 12 个工地排查。"}
    data.update(overrides)
    return actions.submit_progress(actor, **data)


def test_a_town_reports_to_the_county_whose_centre_is_told(world):
    report = _submit(world.town_staff)
    assert (report.area, report.unit, report.to_area) == (world.town_a, None, world.county)
    notices = Notification.objects.filter(kind="reports.progress_submitted")
    # the county's centre staff, leader and admin (progress.read at the county); never the sender
    assert set(notices.values_list("user__username", flat=True)) == {"zongzhi", "lingdao", "admin"}
    assert notices.first().title == "东镇报送工作进展：欠薪排查进展"
    assert notices.first().link == f"/reports/progress/{report.pk}/"
    assert unread_progress_count(world.centre_staff) == 1 and unread_progress_count(world.town_staff) == 0
    assert AuditEvent.objects.filter(action="progress_report.submit", object_id=str(report.pk)).exists()


def test_a_department_unit_reports_to_its_towns_centre(world):
    report = _submit(world.officer)
    assert (report.area, report.unit, report.to_area) == (world.town_a, world.police, world.town_a)
    told = Notification.objects.filter(kind="reports.progress_submitted").values_list(
        "user__username", flat=True
    )
    assert list(told) == ["zhen"]
    assert report.reporter_name == "东镇派出所"


def test_reading_is_recorded_once_by_the_level_addressed(world):
    report = _submit(world.town_staff)
    with pytest.raises(NotAllowed, match="管辖"):  # the town is not the level its report went to
        actions.mark_progress_read(world.town_staff, report)
    read = actions.mark_progress_read(world.centre_staff, report)
    assert read.read_by == world.centre_staff and read.is_read
    again = actions.mark_progress_read(world.leader, report)
    assert again.read_by == world.centre_staff  # the first reader stays
    assert AuditEvent.objects.filter(action="progress_report.read").count() == 1
    assert unread_progress_count(world.centre_staff) == 0


def test_bad_input_is_refused_beside_each_field(world):
    with pytest.raises(ValidationError) as refused:
        _submit(world.town_staff, title=" ", text="", period_start=END, period_end=START)
    assert refused.value.message_dict == {
        "title": ["请填写标题。"],
        "text": ["请填写工作进展情况。"],
        "period_end": ["截止日期不能早于起始日期。"],
    }
    with pytest.raises(WorkflowError, match="县级没有上级"):
        _submit(world.centre_staff)
    assert not ProgressReport.objects.exists()


def test_who_sees_which_progress_reports(world):
    town = _submit(world.town_staff)
    unit = _submit(world.officer)
    assert set(visible_progress(world.centre_staff)) == {town, unit}
    assert set(visible_progress(world.town_staff)) == {town, unit}
    assert list(visible_progress(world.officer)) == [unit]  # their unit's only
    assert list(visible_progress(world.cadre)) == []  # below the town: sees neither (positive: the town does)
    assert set(addressed_to(world.centre_staff)) == {town, unit}
    assert list(addressed_to(world.town_staff)) == [unit]


def test_submit_guard(world):
    # admin and the county centre hold the permission but have no level above (test_bad_input_…)
    report = check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "officer"},
        _submit,
        insider=world.town_staff,
    )
    assert report.submitted_by == world.town_staff


def test_mark_read_guard(world):
    report = _submit(world.town_staff)
    read = check_guard(
        world,
        {"admin", "centre_staff", "leader", "town_staff"},
        lambda a: actions.mark_progress_read(a, report),
        outside=world.town_staff,  # the sender's own level: not the level above
        insider=world.centre_staff,
    )
    assert read.read_by == world.centre_staff


def test_the_pages(client, world):
    client.force_login(world.town_staff)
    assert client.get("/reports/progress/new/").status_code == 200
    answer = client.post(
        "/reports/progress/new/",
        {
            "title": "欠薪排查进展",
            "period_start": "2026-11-20",
            "period_end": "2026-11-27",
            "text": "完成排查。",
            "attachment": SimpleUploadedFile("进展.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        },
    )
    report = ProgressReport.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/reports/progress/{report.pk}/"
    bad = client.post(
        "/reports/progress/new/",
        {"title": "x", "period_start": "2026-11-27", "period_end": "2026-11-20", "text": "x"},
    )
    assert bad.status_code == 400 and "截止日期不能早于起始日期" in bad.content.decode()
    download = client.get(f"/reports/progress/{report.pk}/attachment/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")

    client.force_login(world.centre_staff)
    listing = client.get("/reports/progress/?show=unread").content.decode()
    assert "欠薪排查进展" in listing and "未阅" in listing
    page = client.get(f"/reports/progress/{report.pk}/").content.decode()
    assert "阅知" in page
    report.refresh_from_db()
    assert not report.is_read  # opening it changes nothing; 阅知 is a button
    assert client.post(f"/reports/progress/{report.pk}/read/").status_code == 302
    report.refresh_from_db()
    assert report.read_by == world.centre_staff
    client.force_login(world.cadre)
    assert client.get(f"/reports/progress/{report.pk}/").status_code == 403  # a village cadre's role may not


def test_outsiders_do_not_see_it(client, world):
    report = _submit(world.town_staff)
    client.force_login(outsider(world, Role.CENTRE_STAFF))
    assert client.get(f"/reports/progress/{report.pk}/").status_code == 404
    client.force_login(world.town_staff)
    assert client.get(f"/reports/progress/{report.pk}/").status_code == 200  # positive control
