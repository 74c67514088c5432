"""The progress of a background job (polled by its page) and the download of its result file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from anju.core.documents import document_response
from anju.core.jobs import visible_jobs
from anju.core.models import Job


@login_required
def job_status(request, pk: int):
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    return render(request, "core/partials/job_progress.html", {"job": job})


@login_required
def job_download(request, pk: int):
    # the file is its starter's alone: it was built within the starter's scope
    job = get_object_or_404(Job, pk=pk, started_by=request.user)
    if not job.result_file or not default_storage.exists(job.result_file):
        raise Http404
    with default_storage.open(job.result_file, "rb") as handle:
        content = handle.read()
    stem, _dot, ext = job.result_name.rpartition(".")
    return document_response(content, stem, ext, fallback=f"job-{job.pk}")
