"""Background jobs (core/jobs.py): the signal scan started from its page runs in the worker, not the request;
its progress is its starter's (and an administrator's) to see; a failed job says why in Chinese; two
workers never run one job; expired result files are deleted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from anju.core import jobs
from anju.core.models import Job, JobKind, JobStatus
from anju.core.roles import Role
from anju.warning.models import SignalScan
from anju.warning.tasks import scan_signals


def _worker_once() -> int:
    import argparse

    from anju.core import notify_cli

    parser = argparse.ArgumentParser(prog="anju")
    notify_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["worker", "--once"])
    return args.func(args)


def _login(client, user):
    client.force_login(user)
    return client


def test_the_scan_page_queues_the_scan_and_the_worker_runs_it(world, client, capsys):
    _login(client, world.centre_staff)
    response = client.post(reverse("warning:scan"), {"weeks": "4"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.status, job.started_by) == (
        JobKind.SIGNAL_SCAN,
        JobStatus.QUEUED,
        world.centre_staff,
    )
    assert job.task_path == "anju.warning.tasks.scan_signals"
    assert SignalScan.objects.count() == 0  # the request only queued it

    page = client.get(reverse("warning:signals")).content.decode()
    assert f'hx-get="/jobs/{job.pk}/"' in page and 'hx-trigger="every 1s"' in page

    assert _worker_once() == 0
    assert "后台任务完成 1 个，失败 0 个" in capsys.readouterr().out
    job.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.DONE, 100)
    assert SignalScan.objects.get().actor == world.centre_staff  # the action ran as the starter
    fragment = client.get(reverse("core:job_status", args=[job.pk])).content.decode()
    assert "已完成" in fragment and "扫描完成" in fragment
    assert "hx-trigger" not in fragment  # a finished job stops polling

    assert _worker_once() == 0  # nothing runs twice
    assert SignalScan.objects.count() == 1


def test_a_job_is_visible_to_its_starter_and_an_administrator_only(world, client):
    job = jobs.start(scan_signals, user=world.centre_staff, kind=JobKind.SIGNAL_SCAN, weeks=4)
    url = reverse("core:job_status", args=[job.pk])
    assert _login(client, world.leader).get(url).status_code == 404
    assert _login(client, world.town_staff).get(url).status_code == 404
    assert _login(client, world.admin).get(url).status_code == 200  # positive control
    assert "排队中" in _login(client, world.centre_staff).get(url).content.decode()


def test_a_refused_job_fails_with_its_chinese_reason(world, client):
    job = jobs.start(scan_signals, user=world.centre_staff, kind=JobKind.SIGNAL_SCAN, weeks=4)
    world.centre_staff.role = Role.VILLAGE_CADRE  # the starter lost the right before the worker ran it
    world.centre_staff.save()
    assert jobs.run_due_jobs("w1") == {"done": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "您的角色（村干部）无权执行此操作。"
    fragment = (
        _login(client, world.centre_staff).get(reverse("core:job_status", args=[job.pk])).content.decode()
    )
    assert "失败" in fragment and "无权执行此操作" in fragment
    assert SignalScan.objects.count() == 0


def test_a_crashing_job_fails_with_a_general_chinese_message(world):
    job = jobs.start(scan_signals, user=world.centre_staff, kind=JobKind.SIGNAL_SCAN, weeks=4)
    Job.objects.filter(pk=job.pk).update(arguments={"job_id": job.pk, "weeks": 4, "unexpected": 1})
    assert jobs.run_due_jobs("w1") == {"done": 0, "failed": 1}
    job.refresh_from_db()
    assert job.error.startswith("任务未能完成：处理时出错。")


def test_sequential_claims_never_take_one_job_twice(world):
    first = jobs.start(scan_signals, user=world.centre_staff, kind=JobKind.SIGNAL_SCAN, weeks=4)
    second = jobs.start(scan_signals, user=world.admin, kind=JobKind.SIGNAL_SCAN, weeks=4)
    now = timezone.now()
    claimed_a = jobs.claim("worker-a", now)
    claimed_b = jobs.claim("worker-b", now)
    assert (claimed_a.pk, claimed_b.pk) == (first.pk, second.pk)  # oldest first, each to one worker
    assert jobs.claim("worker-c", now) is None
    assert list(Job.objects.order_by("pk").values_list("status", "worker")) == [
        (JobStatus.RUNNING, "worker-a"),
        (JobStatus.RUNNING, "worker-b"),
    ]


def test_the_task_framework_reports_the_job_through_its_result(world):
    job = jobs.start(scan_signals, user=world.centre_staff, kind=JobKind.SIGNAL_SCAN, weeks=4)
    result = scan_signals.get_result(str(job.pk))
    assert (result.status, result.kwargs) == ("READY", {"job_id": job.pk, "weeks": 4})
    with pytest.raises(ValueError):
        scan_signals.enqueue(weeks=4)  # a job task needs its Job row


def test_expired_result_files_are_deleted(world):
    job = jobs.start(scan_signals, user=world.centre_staff, kind=JobKind.SIGNAL_SCAN, weeks=4)
    outcome = jobs.result_file(job.pk, b"content", name="台账", suffix="xlsx")
    finished = timezone.now() - dt.timedelta(days=8)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, result_file=outcome["file"], result_url=outcome["url"], finished_at=finished
    )
    path = Path(settings.MEDIA_ROOT) / outcome["file"]  # the default storage: the uploads folder
    assert outcome["file"].startswith("jobs/") and path.read_bytes() == b"content"
    assert jobs.purge_old_files(finished + dt.timedelta(days=6)) == 0  # not yet (7 days)
    assert jobs.purge_old_files() == 1
    assert not path.exists()
    job.refresh_from_db()
    assert (job.result_file, job.result_url) == ("", "")
