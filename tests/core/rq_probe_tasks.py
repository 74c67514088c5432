"""Tasks for the broker tests (test_jobs_broker.py): each run appends "job_id pid" to a file, so a test
sees how many times, and in which worker process, a job ran."""

from __future__ import annotations

import os
import time

from django.tasks import task


@task
def record_run(*, job_id: int, log: str, seconds: float = 0.0, fail: bool = False) -> dict:
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{job_id} {os.getpid()}\n".encode())
    finally:
        os.close(fd)
    time.sleep(seconds)
    if fail:
        raise RuntimeError("the probe task fails on purpose")
    return {"message": f"probe {job_id} ran"}
