"""Background jobs through a broker (core/jobs_rq.py): RQ on a real redis-server, real `anju worker` processes.

The installation is a data folder migrated once for the module; the tests start jobs and read their rows
through short `python -c` processes on that folder, and run `anju worker` processes with
ANJU_TASK_BROKER_URL pointing at the Redis socket. The probe task (rq_probe_tasks.py) appends one line per
run to a file, so each test counts the runs of every job by hand.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from redis import Redis

from redis_server import redis_server

pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[2] / "src"
HERE = Path(__file__).resolve().parent

SETUP = """
import json, sys, datetime as dt
import django
django.setup()
from django.utils import timezone
from anju.core import jobs
from anju.core.models import Job, JobKind, User
from rq_probe_tasks import record_run
user, _ = User.objects.get_or_create(username="probe", defaults={"is_superuser": True})
"""


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def installation(tmp_path_factory, broker):
    data_dir = tmp_path_factory.mktemp("broker-data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")} | {
        "ANJU_DATA_DIR": str(data_dir),
        "ANJU_TASK_BROKER_URL": broker,
        "ANJU_WORKER_HEARTBEAT_SECONDS": "1",  # a killed worker is noticed after 3 s
        "ANJU_SCHEDULER": "0",
        "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "anju.settings",
    }
    subprocess.run([sys.executable, "-m", "anju.cli", "migrate"], env=env, check=True, timeout=900)
    return env


@pytest.fixture
def env(installation, broker, tmp_path):
    Redis.from_url(broker).flushdb()
    django(installation, "Job.objects.all().delete()")
    return installation | {"PROBE_LOG": str(tmp_path / "runs.log")}


def django(env: dict, code: str):
    """Run ``code`` in a process of the installation; returns what it printed as JSON (or None)."""
    done = subprocess.run(
        [sys.executable, "-c", SETUP + code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout) if done.stdout.strip() else None


def start_jobs(env: dict, count: int, *, seconds: float = 0.0, fail: bool = False, ago: int = 0) -> list[int]:
    return django(
        env,
        f"""
now = timezone.now() - dt.timedelta(seconds={ago})
ids = [jobs.start(record_run, user=user, kind=JobKind.SIGNAL_SCAN, now=now, log="{env["PROBE_LOG"]}",
                  seconds={seconds}, fail={fail}).pk for _ in range({count})]
print(json.dumps(ids))
""",
    )


def rows(env: dict) -> dict[int, dict]:
    found = django(
        env,
        "print(json.dumps(list(Job.objects.values('pk', 'status', 'worker', 'error', 'message'))))",
    )
    return {row["pk"]: row for row in found}


def runs(env: dict) -> list[tuple[int, int]]:
    log = Path(env["PROBE_LOG"])
    if not log.exists():
        return []
    return [tuple(int(part) for part in line.split()) for line in log.read_text().splitlines()]


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "anju.cli", "worker", "--interval", "0.2", "--no-schedule"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop(*workers: subprocess.Popen) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


def wait_for(condition, workers, *, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for worker in workers:
            assert worker.poll() is None, worker.stdout.read().decode()[-3000:]
        time.sleep(0.2)
    raise AssertionError("timed out")


def heartbeats(broker: str) -> list[bytes]:
    return sorted(Redis.from_url(broker).keys("anju:worker:*"))


def test_a_started_job_goes_through_the_queue_and_a_worker_process_runs_it(env, broker):
    [job_id] = start_jobs(env, 1)
    # the row is the record, queued; the job itself waits on the broker's queue
    assert rows(env)[job_id]["status"] == "queued"
    assert Redis.from_url(broker).llen("rq:queue:anju") == 1
    worker = start_worker(env)
    try:
        wait_for(lambda: runs(env), [worker])
        wait_for(lambda: rows(env)[job_id]["status"] == "done", [worker])
    finally:
        stop(worker)
    row = rows(env)[job_id]
    assert row["message"] == f"probe {job_id} ran"
    assert row["worker"].endswith(f"-{worker.pid}")
    assert runs(env) == [(job_id, worker.pid)]
    assert Redis.from_url(broker).llen("rq:queue:anju") == 0
    assert heartbeats(broker) == []  # a worker stopped by SIGTERM takes its heartbeat with it


def test_two_workers_take_distinct_jobs_and_run_each_once(env, broker):
    workers = [start_worker(env), start_worker(env)]
    try:
        wait_for(lambda: len(heartbeats(broker)) == 2, workers)
        ids = start_jobs(env, 12, seconds=0.3)
        wait_for(lambda: len(runs(env)) >= 12, workers)
        wait_for(lambda: all(row["status"] == "done" for row in rows(env).values()), workers)
        time.sleep(1)  # time enough for a second run, had there been one
    finally:
        stop(*workers)
    seen = runs(env)
    assert Counter(job for job, _pid in seen) == dict.fromkeys(ids, 1)
    assert {pid for _job, pid in seen} == {workers[0].pid, workers[1].pid}  # both took part
    assert len({row["worker"] for row in rows(env).values()}) == 2


def test_a_failing_job_fails_once_with_the_general_message_and_a_second_push_does_not_rerun_it(env, broker):
    [failing] = start_jobs(env, 1, fail=True)
    worker = start_worker(env)
    try:
        wait_for(lambda: rows(env)[failing]["status"] == "failed", [worker])
        # the same job pushed again (a duplicate delivery) is claimed by nobody: it is no longer queued
        django(
            env,
            f"from anju.core.jobs_rq import broker_backend; assert broker_backend().push({failing})",
        )
        wait_for(lambda: Redis.from_url(broker).llen("rq:queue:anju") == 0, [worker])
        time.sleep(1)
    finally:
        stop(worker)
    row = rows(env)[failing]
    assert row["error"].startswith("任务未能完成：处理时出错。")  # as with the database queue
    assert runs(env) == [(failing, worker.pid)]


def test_the_job_of_a_killed_worker_is_marked_failed_by_another_and_not_run_again(env, broker):
    first = start_worker(env)
    second = None
    try:
        [job_id] = start_jobs(env, 1, seconds=60)
        wait_for(lambda: runs(env), [first])
        assert rows(env)[job_id]["status"] == "running"
        first.send_signal(signal.SIGKILL)  # no chance to clean up: as when a host loses power
        first.wait(timeout=20)
        second = start_worker(env)
        wait_for(lambda: rows(env)[job_id]["status"] == "failed", [second], timeout=60)
    finally:
        stop(*[w for w in (first, second) if w is not None])
    row = rows(env)[job_id]
    assert row["error"] == "处理该任务的后台进程中途停止（服务重启或主机故障），任务未完成。请重新发起。"
    assert runs(env) == [(job_id, first.pid)]


def test_a_job_started_while_the_broker_was_down_is_pushed_again_and_runs(env, broker, tmp_path):
    down = env | {"ANJU_TASK_BROKER_URL": f"unix://{tmp_path}/nobody-listens.sock?db=0"}
    [job_id] = start_jobs(down, 1, ago=120)  # the page still answers; the row waits, queued
    assert rows(env)[job_id]["status"] == "queued"
    assert Redis.from_url(broker).llen("rq:queue:anju") == 0
    worker = start_worker(env)
    try:
        wait_for(lambda: rows(env)[job_id]["status"] == "done", [worker])
    finally:
        stop(worker)
    assert runs(env) == [(job_id, worker.pid)]


def test_a_worker_stopped_mid_job_finishes_it_then_exits(env, broker):
    worker = start_worker(env)
    try:
        [job_id] = start_jobs(env, 1, seconds=3)
        wait_for(lambda: runs(env), [worker])
        worker.send_signal(signal.SIGTERM)  # systemctl stop
        assert worker.wait(timeout=60) == 0
    finally:
        stop(worker)
    assert rows(env)[job_id]["status"] == "done"
    assert heartbeats(broker) == []


READY = (
    "from anju.core.health import readiness; ready, checks = readiness(); print(json.dumps([ready, checks]))"
)


def test_readiness_reports_the_broker_and_its_live_workers_without_failing_on_it(env, broker, tmp_path):
    worker = start_worker(env)
    try:
        wait_for(lambda: len(heartbeats(broker)) == 1, [worker])
        ready, checks = django(env, READY)
    finally:
        stop(worker)
    assert ready is True
    assert (checks["broker"]["ok"], checks["broker"]["workers"], checks["broker"]["waiting"]) == (True, 1, 0)
    down = env | {"ANJU_TASK_BROKER_URL": f"unix://{tmp_path}/nobody-listens.sock?db=0"}
    ready, checks = django(down, READY)
    assert ready is True and checks["broker"]["ok"] is False  # reported, not failing the web pages
