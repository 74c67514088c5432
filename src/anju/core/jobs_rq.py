"""Background jobs through a broker (RQ on Redis or Valkey), for installations running several workers.

Chosen by ``ANJU_TASK_BROKER_URL`` (``redis://host:6379/1`` or ``unix:///run/redis/redis.sock?db=1``);
without it the database is the queue (``core/jobs.py``). What stays the same:

- The ``Job`` row is the record either way: its status, progress, error and result, the page's progress bar
  and /readyz's queue lag all read it. ``RQJobBackend.enqueue`` writes the task and its arguments on the row
  exactly as ``DatabaseJobBackend`` does, and once the page's transaction has committed pushes the job's id
  onto the RQ queue (never before: a worker must find the row it is handed).
- ``anju worker`` takes jobs from the queue with RQ's in-process worker (``SimpleWorker``, no fork: the
  worker's database connection stays its own) between its other passes. The RQ job is ``perform(job_id)``,
  which claims the row by the same conditional ``UPDATE … WHERE status='queued'`` and runs it through
  ``jobs.run``: a job pushed twice, or taken by two workers, still runs once; a failed job is failed once
  with its Chinese message, as with the database queue (the starter starts it again; nothing retries a
  refusal by itself).

What the broker adds, and how its failures are covered (``sweep``, run by every worker on each pass):

- A worker announces itself with a heartbeat key that a thread renews while the worker lives, also while a
  long job runs. A ``running`` job whose worker's key has expired (the process was killed, the host died) is
  marked failed with a message saying so, which its starter and the administrators see.
- A queued job whose push was lost (the broker was down when the page committed, or was flushed) is pushed
  again once it has waited ``REPUSH_AFTER``; the conditional claim makes the duplicate harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.tasks import TaskResult
from django.tasks.base import Task
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import jobs
from anju.core.models import Job, JobStatus

logger = logging.getLogger(__name__)

REPUSH_AFTER = dt.timedelta(seconds=60)
HEARTBEAT_KEY = "anju:worker:{}"
RQ_JOB_ID = "anju-job-{}"

# set by ``BrokerWorker`` for the process it runs in: the id ``perform`` claims jobs under, and its counts
_current_worker_id = ""
_outcomes = {"done": 0, "failed": 0}


class RQJobBackend(jobs.DatabaseJobBackend):
    """``django.tasks`` backend: the ``Job`` row as with the database queue, and its id pushed onto RQ."""

    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.url = self.options.get("url", "")
        if not self.url:
            raise ImproperlyConfigured("RQJobBackend needs OPTIONS['url'] (ANJU_TASK_BROKER_URL)")
        self.queue_name = self.options.get("queue", "anju")
        self.heartbeat_seconds = int(self.options.get("heartbeat_seconds", 10))

    def connection(self):
        from redis import Redis

        # bounded waits: a page starting a job, or /readyz, must not hang on an unreachable broker
        return Redis.from_url(self.url, socket_connect_timeout=5, socket_timeout=30)

    def queue(self, connection=None):
        from rq import Queue
        from rq.serializers import JSONSerializer

        # JSON, not RQ's default pickle: the queue holds a job number, never an object to unpickle
        return Queue(self.queue_name, connection=connection or self.connection(), serializer=JSONSerializer)

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        result = super().enqueue(task, args, kwargs)
        job_id = int(kwargs["job_id"])
        transaction.on_commit(lambda: self.push(job_id))
        return result

    def push(self, job_id: int) -> bool:
        """Put the job on the broker's queue; False (logged) when the broker cannot be reached: the job
        stays queued in the database and a worker's sweep pushes it again."""
        from redis.exceptions import RedisError

        try:
            self.queue().enqueue(
                perform,
                job_id,
                job_id=RQ_JOB_ID.format(job_id),
                job_timeout=-1,  # as with the database queue, a long job is not cut off
                result_ttl=3600,
                failure_ttl=7 * 86400,
            )
        except RedisError:
            logger.warning("could not push job %s to the task broker; a worker will push it again", job_id)
            return False
        return True


def broker_backend() -> RQJobBackend | None:
    """The broker backend when ``TASKS`` names one, else None (the database is the queue)."""
    from django.tasks import task_backends

    backend = task_backends["default"]
    return backend if isinstance(backend, RQJobBackend) else None


def broker_status(backend: RQJobBackend) -> dict:
    """For /readyz: the broker answers, how many workers are alive, how many jobs wait on its queue."""
    connection = backend.connection()
    connection.ping()
    workers = sum(1 for _key in connection.scan_iter(HEARTBEAT_KEY.format("*"), count=100))
    return {"workers": workers, "waiting": backend.queue(connection).count}


def claim_job(job_id: int, worker_id: str, now: dt.datetime) -> Job | None:
    """Claim this one job for this worker, or None when it is not (or no longer) queued."""
    won = (
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED)
        .exclude(task_path="")
        .update(status=JobStatus.RUNNING, started_at=now, worker=worker_id, message=_("正在处理……"))
    )
    return Job.objects.get(pk=job_id) if won else None


def perform(job_id: int) -> str:
    """The RQ job: claim the row and run it; "done", "failed", or "skipped" when another run had it."""
    job = claim_job(job_id, _current_worker_id or "rq", timezone.now())
    if job is None:
        return "skipped"
    outcome = jobs.run(job)
    _outcomes[outcome] += 1
    return outcome


def sweep(backend: RQJobBackend, connection, now: dt.datetime, *, limit: int = 100) -> dict[str, int]:
    """Fail the running jobs of dead workers and push again the queued jobs the broker lost."""
    from rq.job import JobStatus as RQStatus

    swept = {"abandoned": 0, "repushed": 0}
    stale = now - dt.timedelta(seconds=3 * backend.heartbeat_seconds)
    running = Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=stale).exclude(worker="")
    for pk, worker in running.values_list("pk", "worker")[:limit]:
        if connection.exists(HEARTBEAT_KEY.format(worker)):
            continue
        swept["abandoned"] += Job.objects.filter(pk=pk, status=JobStatus.RUNNING, worker=worker).update(
            status=JobStatus.FAILED,
            finished_at=now,
            message="",
            error=_("处理该任务的后台进程中途停止（服务重启或主机故障），任务未完成。请重新发起。"),
        )
    queue = backend.queue(connection)
    waiting = (
        Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=now - REPUSH_AFTER)
        .exclude(task_path="")
        .order_by("created_at", "id")
    )
    alive = {RQStatus.QUEUED, RQStatus.STARTED, RQStatus.DEFERRED, RQStatus.SCHEDULED}
    for pk in waiting.values_list("pk", flat=True)[:limit]:
        pushed = queue.fetch_job(RQ_JOB_ID.format(pk))
        if pushed is not None and pushed.get_status(refresh=False) in alive:
            continue
        swept["repushed"] += backend.push(pk)
    return swept


class BrokerWorker:
    """What ``anju worker`` does with the broker on each pass: heartbeat, take the queued jobs, sweep."""

    def __init__(self, backend: RQJobBackend, worker_id: str):
        global _current_worker_id
        self.backend = backend
        self.worker_id = worker_id
        _current_worker_id = worker_id
        self.connection = backend.connection()
        self._stop = threading.Event()
        self._beat_thread = threading.Thread(target=self._beat, name="anju-heartbeat", daemon=True)
        self._beat_thread.start()

    def _beat(self) -> None:
        from redis.exceptions import RedisError

        key = HEARTBEAT_KEY.format(self.worker_id)
        period = self.backend.heartbeat_seconds
        while not self._stop.is_set():
            try:
                self.connection.set(key, timezone.now().isoformat(), ex=3 * period)
            except RedisError:
                logger.warning("task broker unreachable; heartbeat of %s not renewed", self.worker_id)
            self._stop.wait(period)

    def stop(self) -> None:
        from redis.exceptions import RedisError

        self._stop.set()
        self._beat_thread.join(timeout=5)
        try:
            self.connection.delete(HEARTBEAT_KEY.format(self.worker_id))
        except RedisError:
            pass  # the key expires by itself; a job of ours still running would be marked failed anyway

    def run_jobs(self, *, limit: int = 20) -> dict[str, int]:
        """Take up to ``limit`` jobs from the queue and run them here; counts of "done" and "failed"."""
        from redis.exceptions import RedisError
        from rq import SimpleWorker
        from rq.serializers import JSONSerializer

        _outcomes.update(done=0, failed=0)
        # RQ installs its own SIGINT/SIGTERM handlers for the duration; ours (stop the loop) come back after
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        rq_worker = None
        try:
            rq_worker = SimpleWorker(
                [self.backend.queue(self.connection)],
                connection=self.connection,
                name=self.worker_id,
                serializer=JSONSerializer,
            )
            rq_worker.work(burst=True, max_jobs=limit, logging_level="WARNING")
        except RedisError:
            logger.warning("task broker unreachable; jobs wait until it answers again")
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)
        if rq_worker is not None and rq_worker._shutdown_requested_date is not None:
            # SIGTERM or SIGINT (systemctl stop) came while RQ held the signals: RQ let a running job
            # finish; now this worker stops as it would have outside RQ
            raise SystemExit(0)
        try:
            sweep(self.backend, self.connection, timezone.now())
        except RedisError:
            logger.warning("task broker unreachable; sweep skipped")
        return dict(_outcomes)
