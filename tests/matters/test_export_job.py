"""A ledger export larger than ANJU_EXPORT_INLINE_LIMIT is written by the worker, not the request, and its
file is its starter's alone to download."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from anju.core import jobs
from anju.core.models import AuditEvent, Job, JobKind, JobStatus


def test_a_large_export_is_a_job_whose_file_only_its_starter_downloads(world, make_matter, client, settings):
    settings.ANJU_EXPORT_INLINE_LIMIT = 1
    make_matter(title="甲工地欠薪")
    make_matter(title="乙工地欠薪")
    client.force_login(world.centre_staff)
    exports_before = AuditEvent.objects.filter(action="ledger.export").count()

    page = client.get(reverse("matters:export"), {"q": "欠薪"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")  # answered at once
    job = Job.objects.get()
    assert (job.kind, job.status) == (JobKind.LEDGER_EXPORT, JobStatus.QUEUED)
    assert 'hx-trigger="every 1s"' in page.content.decode()

    assert jobs.run_due_jobs("w1") == {"done": 1, "failed": 0}
    job.refresh_from_db()
    assert job.message == "已导出 2 件事项。"
    assert AuditEvent.objects.filter(action="ledger.export").count() == exports_before + 1
    fragment = client.get(reverse("core:job_status", args=[job.pk])).content.decode()
    assert f'href="/jobs/{job.pk}/download/"' in fragment and "下载结果" in fragment

    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    titles = {cell.value for row in sheet.iter_rows() for cell in row}
    assert {"甲工地欠薪", "乙工地欠薪"} <= titles

    for other in (world.leader, world.admin):  # an administrator sees the progress, not the file
        client.force_login(other)
        assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_a_small_export_is_still_downloaded_at_once(world, make_matter, client):
    make_matter()
    client.force_login(world.centre_staff)
    response = client.get(reverse("matters:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()
