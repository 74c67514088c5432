"""Monthly reports: regenerating a submitted report and a stale submit answer their message, never a 500;
two people generating and submitting the same month at once, in real threads, make one report."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anju.core.models import AuditEvent, User
from anju.reports import actions
from anju.reports.figures import previous_month
from anju.reports.models import MonthlyReport
from racing import run_pair

PAIRS = 6


@pytest.fixture
def month():
    return previous_month(timezone.localdate())


def test_regenerating_a_submitted_report_is_told_not_a_500(client, world, month):
    report = actions.generate_report(world.cadre, area=world.village_a1, month=month)
    actions.submit_report(world.cadre, report)
    client.force_login(world.cadre)
    answer = client.post(
        "/reports/generate/", {"area": world.village_a1.pk, "month": f"{month:%Y-%m}"}, follow=True
    )
    assert answer.status_code == 200 and "该月报表已报送，不能重新生成。" in answer.content.decode()
    assert AuditEvent.objects.filter(action="monthly_report.generate", object_id=str(report.pk)).count() == 1


def test_submitting_twice_and_a_stale_submit_are_told(client, world, month):
    report = actions.generate_report(world.cadre, area=world.village_a1, month=month)
    client.force_login(world.cadre)
    seen = report.version
    actions.generate_report(world.cadre, area=world.village_a1, month=month)  # figures recomputed meanwhile
    stale = client.post(f"/reports/{report.pk}/submit/", {"version": seen}, follow=True)
    assert "该报表已被他人修改，请刷新后重试。" in stale.content.decode()
    report.refresh_from_db()
    assert report.submitted_at is None
    assert client.post(f"/reports/{report.pk}/submit/", {"version": report.version}).status_code == 302
    twice = client.post(f"/reports/{report.pk}/submit/", {"version": report.version}, follow=True)
    assert twice.status_code == 200 and "该月报表已报送。" in twice.content.decode()
    assert AuditEvent.objects.filter(action="monthly_report.submit", object_id=str(report.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_generating_the_same_month_at_once_makes_one_report(world, month):
    """Two first generations of one (area, month) at once: no unique-constraint crash, one report, and
    both generations are recorded in order on it."""
    areas = [world.county, world.town_a, world.town_b, world.village_a1, world.village_a2, world.village_b1]
    for area in areas[:PAIRS]:
        results = run_pair(
            *[
                lambda area=area: actions.generate_report(
                    User.objects.get(pk=world.centre_staff.pk), area=area, month=month
                )
                for _ in range(2)
            ]
        )
        assert [r[0] for r in results] == ["ok", "ok"]
        report = MonthlyReport.objects.get(area=area, month=month)
        assert report.version == 3  # the row inserted (1), the figures saved by each generation (2, 3)
        events = AuditEvent.objects.filter(action="monthly_report.generate", object_id=str(report.pk))
        assert events.count() == 2


@pytest.mark.django_db(transaction=True)
def test_regenerating_against_submitting_applies_in_order(world, month):
    """Regenerate and submit at once: either the regeneration goes first and the submit, showing the old
    version, is refused; or the submit goes first and the regeneration is refused. Never both."""
    outcomes = []
    areas = [world.county, world.town_a, world.town_b, world.village_a1, world.village_a2, world.village_b1]
    for area in areas[:PAIRS]:
        report = actions.generate_report(world.centre_staff, area=area, month=month)
        seen = report.version
        results = run_pair(
            lambda area=area: actions.generate_report(
                User.objects.get(pk=world.centre_staff.pk), area=area, month=month
            ),
            lambda pk=report.pk, seen=seen: actions.submit_report(
                User.objects.get(pk=world.centre_staff.pk), MonthlyReport.objects.get(pk=pk), version=seen
            ),
        )
        assert sorted(r[0] for r in results) == ["ok", "refused"]
        report.refresh_from_db()
        last = AuditEvent.objects.filter(object_id=str(report.pk), object_type="reports.monthlyreport")
        last = last.order_by("id").last()
        if results[0][0] == "ok":
            outcomes.append("regenerated; stale submit refused")
            assert report.submitted_at is None and last.action == "monthly_report.generate"
            assert results[1][1].messages == ["该报表已被他人修改，请刷新后重试。"]
        else:
            outcomes.append("submitted; regeneration refused")
            assert report.submitted_at is not None and last.action == "monthly_report.submit"
            assert results[0][1].messages == ["该月报表已报送，不能重新生成。"]
    assert len(outcomes) == PAIRS
    print(f"regenerate against submit, {PAIRS} pairs: {sorted(outcomes)}")  # shown with -s
