"""Liveness and readiness for a load balancer or an orchestrator: ``/healthz`` and ``/readyz``.

Answered by a middleware placed first, before host validation, sessions, sign-in and django-axes: a load
balancer probes with its own Host header (often an address), carries no cookie, and must not fill the
session table or the sign-in lock-out records.

- ``/healthz`` (liveness): the process answers. Nothing else is touched, so a slow database does not get
  healthy processes restarted.
- ``/readyz`` (readiness): this process can serve users now — the database answers and holds every
  migration this code expects (a new release is not ready before ``anju migrate`` has run), and the cache
  (sessions' neighbour, rate limits) stores and returns a value. Either failing answers 503, so the balancer
  stops sending users here. The background-job queue is reported (queued count, age of the oldest) but never
  fails readiness: a stopped worker must not take the web pages down; monitoring alerts on ``queue.lagging``.
  With a task broker (``ANJU_TASK_BROKER_URL``) ``broker`` says whether it answers and how many workers
  are alive (their heartbeats); it does not fail readiness either (a job started meanwhile waits, queued).
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

LIVE_PATH = "/healthz"
READY_PATH = "/readyz"

# Once this process has seen every migration applied it stays so: migrations are not unapplied under a
# running release, and loading the migration graph on every probe would cost more than the probe itself.
_migrations_seen_applied = False


def _timed(check):
    start = time.perf_counter()
    try:
        detail = check()
        ok = detail.pop("ok", True)
    except Exception as error:  # noqa: BLE001 — any failure of a dependency makes this process not ready
        ok, detail = False, {"error": type(error).__name__}
    return {"ok": ok, "ms": round((time.perf_counter() - start) * 1000, 1), **detail}


def check_database() -> dict:
    global _migrations_seen_applied
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    if not _migrations_seen_applied:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return {"ok": False, "pending_migrations": len(pending)}
        _migrations_seen_applied = True
    return {}


def check_cache() -> dict:
    key = f"anju:readyz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    found = cache.get(key)
    cache.delete(key)
    return {"ok": found == value}


def check_queue() -> dict:
    from anju.core.models import Job, JobStatus

    queued = Job.objects.filter(status=JobStatus.QUEUED)
    oldest = queued.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {
        "queued": queued.count(),
        "oldest_seconds": round(age),
        "lagging": age > settings.ANJU_READY_QUEUE_LAG_SECONDS,
    }


def readiness() -> tuple[bool, dict]:
    checks = {"database": _timed(check_database), "cache": _timed(check_cache)}
    ready = all(check["ok"] for check in checks.values())
    # The queue lives in the database: only look when the database answered.
    checks["queue"] = _timed(check_queue) if checks["database"]["ok"] else {"ok": False, "skipped": True}
    from anju.core.jobs_rq import broker_backend, broker_status

    backend = broker_backend()
    if backend is not None:  # reported like the queue, never failing readiness: pages still start jobs
        checks["broker"] = _timed(lambda: broker_status(backend))
    return ready, checks


class HealthCheckMiddleware:
    """Answer the two probe paths before any other middleware; pass everything else on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path not in (LIVE_PATH, READY_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if path == LIVE_PATH:
            response = JsonResponse({"status": "ok"})
        else:
            ready, checks = readiness()
            response = JsonResponse(
                {"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503
            )
        response["Cache-Control"] = "no-store"
        return response
