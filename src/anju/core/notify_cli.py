"""``anju worker``: the background delivery of notices (e-mail, webhook) and of the daily digests, and the
background jobs started from pages (signal scan, large exports, …; ``core/jobs.py``). Each pass sends what
is due, then runs the queued jobs, then deletes expired job files.

Run one long-lived ``anju worker`` per host (systemd, see docs/operations.md), or ``anju worker --once``
from cron every minute; several workers on several hosts never send one message twice (``core/delivery.py``).
``anju notify-digest`` queues today's digests at once (the worker does it by itself after
``ANJU_DIGEST_HOUR``); running it again the same day queues nothing more. Each pass also runs the scheduled
ticks that are due (``core/scheduler.py``): once per installation, whichever host's worker comes first,
and the passes the apps registered (``core/worker_passes.py``: intake's triage of reports sent through the API).
"""

from __future__ import annotations

import os
import signal
import socket
import time


def _print_outcomes(outcomes, jobs, passes=None) -> None:
    print(
        f"已发送 {outcomes['sent']} 条，待重试 {outcomes['retry']} 条，失败 {outcomes['failed']} 条，"
        f"新建每日汇总 {outcomes['digests']} 条；后台任务完成 {jobs['done']} 个，失败 {jobs['failed']} 个。",
        flush=True,
    )
    for name, done in (passes or {}).items():
        if done:
            print(f"{name}：处理 {done} 项。", flush=True)


def cmd_worker(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.core.jobs_rq import BrokerWorker, broker_backend

    worker_id = f"{socket.gethostname()}-{os.getpid()}"
    backend = broker_backend()  # ANJU_TASK_BROKER_URL: jobs come from RQ instead of the Job table
    broker = BrokerWorker(backend, worker_id) if backend else None
    # SIGTERM (systemctl stop) between jobs ends the loop through the finally below, which takes the
    # broker's heartbeat with it; Python's default would end the process without running it
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return _work(args, worker_id, broker)
    finally:
        if broker:
            broker.stop()


def _exit_on_sigterm(signum, frame):
    raise SystemExit(0)


def _work(args, worker_id: str, broker) -> int:
    from django.conf import settings
    from django.db import close_old_connections
    from django.utils import timezone

    from anju.core.delivery import work_once
    from anju.core.jobs import purge_old_files, run_due_jobs
    from anju.core.scheduler import run_due
    from anju.core.worker_passes import run_passes

    while True:
        outcomes = work_once()
        jobs = broker.run_jobs() if broker else run_due_jobs(worker_id)
        passes = run_passes()  # what the apps hand to the worker (intake: triage of API reports)
        purge_old_files()
        if settings.ANJU_SCHEDULER and not args.no_schedule:
            for run in run_due(timezone.now(), worker_id):
                print(
                    f"定时任务 {run.name}（{run.slot:%Y-%m-%d %H:%M}）：{run.get_status_display()}",
                    flush=True,
                )
        if args.once:
            _print_outcomes(outcomes, jobs, passes)
            return 0
        if any(outcomes.values()) or any(jobs.values()) or any(passes.values()):
            _print_outcomes(outcomes, jobs, passes)
        close_old_connections()  # a long-lived worker must not hold a connection the database dropped
        time.sleep(args.interval)


def cmd_notify_digest(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.core.delivery import queue_digests

    print(f"新建每日汇总 {queue_digests()} 条（由 anju worker 发送）。")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("worker", help="后台发送通知（邮件、推送）和每日汇总，并运行页面发起的后台任务")
    p.add_argument(
        "--once", action="store_true", help="只处理一遍当前到期的发送和排队的任务后退出（供 cron 使用）"
    )
    p.add_argument("--interval", type=float, default=2, help="两遍之间等待的秒数（默认 2）")
    p.add_argument(
        "--no-schedule",
        action="store_true",
        help="不运行定时任务（每日、每周的 tick）；默认每个 worker 都参与，同一次只由一台主机运行",
    )
    p.set_defaults(func=cmd_worker)
    p = subparsers.add_parser(
        "notify-digest", help="立即生成今天的每日通知汇总（同一天重复运行不会重复生成）"
    )
    p.set_defaults(func=cmd_notify_digest)
