"""The month's reports of every area below one's own, generated as one background job."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from anju.core.jobs import run_due_jobs
from anju.core.models import Job, JobKind, JobStatus
from anju.reports.models import MonthlyReport


def test_the_reports_below_are_queued_and_generated_by_the_worker(world, client):
    client.force_login(world.centre_staff)  # county: the two towns are below
    response = client.post(reverse("reports:generate_all"), {"month": "2026-10"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.status) == (JobKind.MONTHLY_REPORTS, JobStatus.QUEUED)
    assert not MonthlyReport.objects.exists()  # the request only queued it
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page

    assert run_due_jobs("w1") == {"done": 1, "failed": 0}
    job.refresh_from_db()
    assert job.message == "已生成 2 份月报，0 份已报送未重新生成。"
    assert sorted(MonthlyReport.objects.values_list("area__name", "month")) == [
        ("东镇", dt.date(2026, 10, 1)),
        ("西镇", dt.date(2026, 10, 1)),
    ]
    assert set(MonthlyReport.objects.values_list("generated_by", flat=True)) == {world.centre_staff.pk}


def test_a_role_without_monthly_reports_is_refused_before_anything_is_queued(world, client):
    client.force_login(world.grid_worker)
    assert client.post(reverse("reports:generate_all"), {"month": "2026-10"}).status_code == 403
    assert not Job.objects.exists()
