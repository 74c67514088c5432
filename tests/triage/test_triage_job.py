"""Retraining the triage classifier from its page is a background job."""

from __future__ import annotations

from django.urls import reverse

from anju.core.jobs import run_due_jobs
from anju.core.models import Job, JobKind, JobStatus
from anju.triage.models import ClassifierModel


def test_retraining_from_the_page_is_queued_then_run_by_the_worker(world, client):
    client.force_login(world.centre_staff)
    assert client.post(reverse("triage:train")).status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.status) == (JobKind.TRIAGE_RETRAIN, JobStatus.QUEUED)
    assert not ClassifierModel.objects.exists()
    assert 'hx-trigger="every 1s"' in client.get(reverse("triage:model")).content.decode()
    assert run_due_jobs("w1") == {"done": 1, "failed": 0}
    assert ClassifierModel.objects.get().trained_by == world.centre_staff
    client.force_login(world.cadre)
    assert client.post(reverse("triage:train")).status_code == 403
    assert Job.objects.count() == 1
