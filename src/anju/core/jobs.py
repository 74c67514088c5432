"""Long work started from a page, run by ``anju worker`` instead of inside the web request.

How it fits together:

- A page calls ``start(task, user=…, kind=…, **kwargs)``: it writes a ``Job`` row and enqueues the task
  through Django's own task framework (``django.tasks``; every job task is declared with
  ``django.tasks.task`` and takes ``job_id``). The page answers at once with the progress fragment.
- ``DatabaseJobBackend`` (``TASKS`` in settings) is the framework's backend: enqueuing stores the task's
  path and arguments on the ``Job`` row, so the database is the queue and nothing runs in the web process.
- ``run_due_jobs`` is the worker's pass (``anju worker`` alternates it with sending deliveries): it claims
  one queued job at a time and calls the task, which reports progress with ``report`` and returns its
  result (``result_file`` for a download). Claiming is one conditional ``UPDATE … WHERE status='queued'``
  inside a locked transaction, so two workers never run one job twice.
- The task calls the same action a page would, with the starter as actor: guards and scope stay.

A failed job keeps a Chinese message for its starter (a refusal's or bad input's own message; anything
else a general one, with the traceback in the log). Result files are kept through Django's storage API
under ``jobs/`` (so any host can serve them) and deleted by the worker after ``ANJU_JOB_FILE_DAYS``.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from anju.core.models import Job, JobStatus, User
from anju.core.roles import Role

logger = logging.getLogger(__name__)
JOB_FILES_PREFIX = "jobs/"

_STATUS_OF = {
    JobStatus.QUEUED: TaskResultStatus.READY,
    JobStatus.RUNNING: TaskResultStatus.RUNNING,
    JobStatus.DONE: TaskResultStatus.SUCCESSFUL,
    JobStatus.FAILED: TaskResultStatus.FAILED,
}


class DatabaseJobBackend(BaseTaskBackend):
    """``django.tasks`` backend whose queue is the ``Job`` table; ``anju worker`` runs what it holds."""

    supports_defer = False
    supports_async_task = False
    supports_get_result = True
    supports_priority = False

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        if args or "job_id" not in kwargs:
            raise ValueError("a job task takes keyword arguments only, job_id among them (see core/jobs.py)")
        updated = Job.objects.filter(pk=kwargs["job_id"], status=JobStatus.QUEUED).update(
            task_path=task.module_path, arguments=normalize_json(kwargs)
        )
        if not updated:
            raise ValueError(f"job {kwargs['job_id']} is not a queued job")
        return self.get_result(str(kwargs["job_id"]))

    def get_result(self, result_id: str) -> TaskResult:
        job = Job.objects.filter(pk=result_id).first() if str(result_id).isdigit() else None
        if job is None or not job.task_path:
            raise TaskResultDoesNotExist(result_id)
        return TaskResult(
            task=import_string(job.task_path),
            id=str(job.pk),
            status=_STATUS_OF[job.status],
            enqueued_at=job.created_at,
            started_at=job.started_at,
            last_attempted_at=job.started_at,
            finished_at=job.finished_at,
            args=[],
            kwargs=job.arguments,
            backend=self.alias,
            errors=[],
            worker_ids=[job.worker] if job.worker else [],
        )


# --- starting and following a job (pages) ---


def start(task: Task, *, user: User, kind: str, now: dt.datetime | None = None, **kwargs) -> Job:
    """Queue ``task`` for the worker on behalf of ``user``; the page shows the returned job's progress."""
    with transaction.atomic():  # no row without its task: a job the worker could never run
        job = Job.objects.create(
            kind=kind, started_by=user, created_at=now or timezone.now(), message=_("等待后台处理……")
        )
        task.enqueue(job_id=job.pk, **kwargs)
    job.refresh_from_db()
    return job


def visible_jobs(user: User):
    """A job is its starter's to see; an administrator sees every job (to help when one fails)."""
    if user.is_superuser or user.role == Role.ADMIN:
        return Job.objects.all()
    return Job.objects.filter(started_by=user)


def latest_job(user: User, kind: str, *, within: dt.timedelta = dt.timedelta(hours=1)) -> Job | None:
    """The user's latest job of ``kind`` started within the last hour: what a page shows its bar for."""
    return (
        Job.objects.filter(started_by=user, kind=kind, created_at__gte=timezone.now() - within)
        .order_by("-created_at", "-id")
        .first()
    )


# --- inside a task ---


def report(job_id: int, progress: int, message: str = "") -> None:
    """Record how far a running job has got (0–100) and what it is doing; the page's bar follows."""
    Job.objects.filter(pk=job_id).update(progress=max(0, min(100, int(progress))), message=message[:200])


def job_of(job_id: int) -> Job:
    return Job.objects.select_related("started_by").get(pk=job_id)


def result_file(job_id: int, content: bytes, *, name: str, suffix: str) -> dict:
    """Keep ``content`` as the job's download (its starter's only); returns what the task returns."""
    # through the storage API, so that any web host can serve a file a worker on another host wrote
    # (a shared MEDIA_ROOT or object storage; docs/deployment.md)
    stored = default_storage.save(
        f"{JOB_FILES_PREFIX}{job_id}-{secrets.token_hex(8)}.{suffix}", ContentFile(content)
    )
    return {"file": stored, "name": f"{name}.{suffix}", "url": reverse("core:job_download", args=[job_id])}


# --- the worker ---


def claim(worker_id: str, now: dt.datetime) -> Job | None:
    """Take the oldest queued job for this worker, or None. The conditional update is the claim: of two
    workers that both saw the row queued, only one changes it (on SQLite the IMMEDIATE transaction also
    makes claims take turns; elsewhere SKIP LOCKED lets the other worker pass to the next row)."""
    with transaction.atomic():
        pk = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(status=JobStatus.QUEUED)
            .exclude(task_path="")
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            return None
        won = Job.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, worker=worker_id, message=_("正在处理……")
        )
    return Job.objects.get(pk=pk) if won else None


def failure_message(exc: BaseException) -> str:
    """What the starter reads when the job failed: a refusal's or bad input's own words, else a general line."""
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("您无权执行此操作。")
    return _("任务未能完成：处理时出错。请稍后重试；如仍失败，请联系管理员查看服务日志。")


def run(job: Job) -> str:
    """Run one claimed job and record its outcome: "done" or "failed"."""
    try:
        task = import_string(job.task_path)
        outcome = task.call(**job.arguments) or {}
    except Exception as exc:  # the job fails, the worker goes on
        if not isinstance(exc, ValidationError | PermissionDenied):
            logger.exception("background job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=failure_message(exc), finished_at=timezone.now(), message=""
        )
        return "failed"
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        progress=100,
        message=outcome.get("message", _("已完成。"))[:200],
        result_url=outcome.get("url", ""),
        result_file=outcome.get("file", ""),
        result_name=outcome.get("name", ""),
        finished_at=timezone.now(),
    )
    return "done"


def run_due_jobs(worker_id: str = "", *, limit: int = 20) -> dict[str, int]:
    """The worker's pass: run queued jobs one by one, up to ``limit``; counts of "done" and "failed"."""
    worker_id = worker_id or secrets.token_hex(8)
    outcomes = {"done": 0, "failed": 0}
    for _i in range(limit):
        job = claim(worker_id, timezone.now())
        if job is None:
            break
        outcomes[run(job)] += 1
    return outcomes


def purge_old_files(now: dt.datetime | None = None) -> int:
    """Delete result files older than ``ANJU_JOB_FILE_DAYS``; the job keeps its row, without the link."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.ANJU_JOB_FILE_DAYS)
    purged = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(result_file=""):
        default_storage.delete(job.result_file)
        Job.objects.filter(pk=job.pk).update(result_file="", result_url="")
        purged += 1
    return purged
