"""/healthz and /readyz: what a load balancer and an orchestrator see."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.test import override_settings
from django.utils import timezone

from anju.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def test_liveness_answers_for_any_host_without_a_session(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies
    # control: an ordinary page from that host is refused by the host check the probe skips
    assert client.get("/login/", HTTP_HOST="10.0.0.5").status_code == 400


def test_readiness_reports_database_cache_and_queue(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["queue"]["queued"] == 0
    assert body["checks"]["queue"]["lagging"] is False


def test_a_waiting_queue_is_reported_but_does_not_make_the_process_unready(client, world):
    now = timezone.now()
    Job.objects.create(
        kind="ledger_export", started_by=world.admin, created_at=now - dt.timedelta(minutes=20)
    )
    Job.objects.create(kind="ledger_export", started_by=world.admin, created_at=now - dt.timedelta(minutes=1))
    Job.objects.create(kind="ledger_export", started_by=world.admin, status=JobStatus.DONE)
    with override_settings(ANJU_READY_QUEUE_LAG_SECONDS=600):
        response = client.get("/readyz")
    assert response.status_code == 200
    queue = response.json()["checks"]["queue"]
    assert queue["queued"] == 2
    assert 1190 <= queue["oldest_seconds"] <= 1260
    assert queue["lagging"] is True


def test_a_cache_that_cannot_store_makes_the_process_unready(client):
    # a real file cache whose folder cannot exist (its parent is a file)
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": __file__ + "/x",
        }
    }
    with override_settings(CACHES=broken):  # Django's test signals rebuild the cache handler
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_probes_only_read(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_a_database_without_the_migrations_is_not_ready(tmp_path):
    """A new release before `anju migrate`: the database answers but lacks the tables this code needs."""
    probe = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'anju.settings'; django.setup();"
        "from django.test import Client; r = Client().get('/readyz');"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")} | {
        "ANJU_DATA_DIR": str(tmp_path)
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split("\n", 1)
    assert status == "503"
    checks = json.loads(body)["checks"]
    assert checks["database"]["ok"] is False
    assert checks["database"]["pending_migrations"] > 50
