"""A stale report page: the handling forms carry the report's version; a change made since is refused with
a clear message (never a 500) and nothing is changed."""

from __future__ import annotations

import pytest

from anju.intake import actions
from anju.intake.models import Report, ReportStatus
from anju.matters.models import Matter

from .helpers import report_kwargs

pytestmark = pytest.mark.django_db

STALE = "该诉求已被他人修改，请刷新后重试。"


@pytest.fixture
def report(world):
    return actions.submit_report(world.cadre, **report_kwargs(world))


def test_the_handling_forms_carry_the_version_shown(client, world, report):
    client.force_login(world.centre_staff)
    html = client.get(f"/intake/{report.pk}/").content.decode()
    version = Report.objects.get(pk=report.pk).version
    assert html.count(f'name="version" value="{version}"') == 3  # register, link, reject


def test_a_stale_page_is_refused_with_the_message_and_changes_nothing(client, world, report):
    shown = Report.objects.get(pk=report.pk).version
    Report.objects.get(pk=report.pk).save()  # someone changed the report meanwhile
    client.force_login(world.centre_staff)
    response = client.post(f"/intake/{report.pk}/reject/", {"reason": "属司法诉讼程序", "version": shown})
    html = response.content.decode()
    assert response.status_code == 409 and STALE in html
    fresh = Report.objects.get(pk=report.pk).version
    assert html.count(f'name="version" value="{fresh}"') == 3  # the page shown now is the current one
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED and report.reject_reason == ""


def test_a_double_submitted_registration_creates_one_matter(client, world, report):
    client.force_login(world.centre_staff)
    data = {
        "kind": "demand",
        "domain": world.land.pk,
        "title": "道路积水",
        "people_involved": 0,
        "amount_involved": 0,
        "version": Report.objects.get(pk=report.pk).version,
    }
    first = client.post(f"/intake/{report.pk}/register/", data)
    second = client.post(f"/intake/{report.pk}/register/", data)
    assert first.status_code == 302
    assert second.status_code == 409 and STALE in second.content.decode()
    assert Matter.objects.filter(reports=report).count() == 1 and Matter.objects.count() == 1
