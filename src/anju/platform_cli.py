"""Platform sub-commands of ``anju``: demo, serve, migrate, createadmin, load-demo.

Django is set up only when one of these runs, so ``anju signals``/``anju triage`` stay Django-free.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys

from anju.django_setup import setup_django


def _manage(*argv: str, **options) -> None:
    from django.core.management import call_command

    call_command(*argv, **options)


def field_keys_refused() -> bool:
    """Print why the stored personal data cannot be read (a missing key file, say) and return True; on a
    fresh installation create the key file. Serving with the wrong key would answer 500 and write new data
    under a key nobody backed up."""
    from anju.core.fieldkeys import field_key_problems

    problems = field_key_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    return bool(problems)


def cmd_migrate(args) -> int:
    setup_django()
    _manage("migrate", "--no-input", verbosity=1 if getattr(args, "verbose", False) else 0)
    from anju.core.bootstrap import ensure_reference_data

    ensure_reference_data()
    return 1 if field_keys_refused() else 0


def load_demo_everything(seed: int, years: int) -> str:
    """The demo county, then what each capability builds on it (signals, assessments…)."""
    from anju.assessment.demo import load_assessment_demo
    from anju.care.demo import load_care_demo
    from anju.care.demo_referrals import load_referrals_demo
    from anju.cases.demo import load_cases_demo
    from anju.cases.demo_opinion import load_opinion_demo
    from anju.cases.demo_spread import load_spread_demo
    from anju.demo.loader import load_demo
    from anju.demo.notifications import load_notifications_demo
    from anju.emergency.demo import load_emergency_demo
    from anju.matters.demo import load_matters_demo
    from anju.reports.demo import load_reports_demo
    from anju.screening.demo import load_screening_demo
    from anju.triage.actions import train_classifier
    from anju.warning.actions import run_scan
    from anju.warning.demo import load_warning_demo

    summary = load_demo(seed=seed, years=years, progress=True)
    summary += "\n" + load_matters_demo()  # typed links and a 复发 among them (matters.demo_links)
    load_assessment_demo()
    summary += "\n" + load_screening_demo()
    scan = run_scan(None, weeks=106)  # two years: what the signal charts show
    summary += (
        f"\n预警扫描：{scan.points_evaluated} 个点，{scan.alarm_count} 个报警（{scan.duration_ms} ms）。"
    )
    summary += "\n" + load_warning_demo()
    model = train_classifier(None)
    summary += f"\n分拣模型：{model.kind}，{model.n_labelled} 条已分类事项。"
    summary += "\n" + load_referrals_demo()  # before the reports: the months' reports count them
    summary += "\n" + load_reports_demo()
    summary += "\n" + load_emergency_demo()
    summary += "\n" + load_care_demo()
    summary += "\n" + load_cases_demo()
    summary += "\n" + load_opinion_demo()  # after the cases: the response joins the 宏达化工 case
    summary += "\n" + load_spread_demo()
    summary += "\n" + load_notifications_demo()
    return summary


def cmd_load_demo(args) -> int:
    setup_django()
    _manage("migrate", "--no-input", verbosity=0)
    print(load_demo_everything(args.seed, args.years))
    return 0


def cmd_createadmin(args) -> int:
    setup_django()
    _manage("migrate", "--no-input", verbosity=0)
    from django.core.exceptions import ValidationError

    from anju.core import actions
    from anju.core.models import User
    from anju.core.roles import Role

    username = args.username
    if User.objects.filter(username=username).exists():
        print(f"用户 {username} 已存在。", file=sys.stderr)
        return 1
    password = args.password or os.environ.get("ANJU_ADMIN_PASSWORD") or getpass.getpass("密码: ")
    try:
        actions.create_user(
            None,
            username=username,
            password=password,
            role=Role.ADMIN,
            is_superuser=True,
            display_name=username,
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                print(f"{'密码' if field == 'password' else field}：{problem}", file=sys.stderr)
        return 1
    print(f"管理员 {username} 已创建。")
    return 0


def _warm_up() -> None:
    """Load the triage model, the duplicate index and jieba's dictionary before the first form needs them."""
    from anju.intake import duplicates
    from anju.triage import service

    service.suggest(None, "预热")
    duplicates.ledger_index.current()


def waitress_options() -> dict:
    """How waitress serves anju. Its default accepts (and buffers) request bodies up to 1 GiB."""
    from django.conf import settings

    return {
        "threads": 8,
        "ident": "anju",
        "max_request_body_size": settings.ANJU_MAX_REQUEST_BYTES,
        "max_request_header_size": 256 * 1024,
        # X-Forwarded-* reach Django, where anju.core.proxies believes them only from ANJU_TRUSTED_PROXIES
        "clear_untrusted_proxy_headers": False,
    }


def _serve(host: str, port: int) -> None:
    import threading

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    application = StaticFilesHandler(get_wsgi_application())
    threading.Thread(target=_warm_up, name="anju-warm-up", daemon=True).start()
    print(f"安居 anju 正在运行: http://{host}:{port}/  (Ctrl+C 退出)", flush=True)
    serve(application, host=host, port=port, _quiet=True, **waitress_options())


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict:
    """Several processes for one host (gunicorn, threads in each); the app is loaded once before the fork,
    so the triage model and jieba's dictionary are shared copy-on-write rather than loaded per process."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "proc_name": "anju",
        "timeout": 120,  # a county's monthly report or a large page may take tens of seconds
        "graceful_timeout": 30,
        "limit_request_line": 8190,
        "accesslog": None,
        "errorlog": "-",
    }


def _serve_processes(host: str, port: int, workers: int, threads: int) -> None:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    class AnjuApplication(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_options(host, port, workers, threads).items():
                self.cfg.set(key, value)

        def load(self):
            application = StaticFilesHandler(get_wsgi_application())
            try:
                _warm_up()
            except Exception:  # noqa: BLE001 — e.g. no domains yet: the first form loads what it needs
                logging.getLogger("anju").warning("warm-up skipped", exc_info=True)
            connections.close_all()  # forked workers must open their own database connections
            return application

    print(
        f"安居 anju 正在运行: http://{host}:{port}/  （{workers} 个进程 × {threads} 个线程，Ctrl+C 退出）",
        flush=True,
    )
    AnjuApplication().run()


def cmd_serve(args) -> int:
    setup_django()
    if not args.no_migrate:
        _manage("migrate", "--no-input", verbosity=0)
    if field_keys_refused():
        return 1
    if args.workers:
        from django.db import connections

        connections.close_all()
        _serve_processes(args.host, args.port, args.workers, args.threads)
    else:
        _serve(args.host, args.port)
    return 0


def cmd_demo(args) -> int:
    # The demo's logins are public knowledge; a second factor would only stand in the visitor's way.
    os.environ.setdefault("ANJU_2FA_REQUIRED_ROLES", "")
    setup_django()
    from django.conf import settings

    from anju.core.models import Area
    from anju.demo.loader import DEMO_LOGINS, DEMO_PASSWORD

    print(f"数据目录: {settings.DATA_DIR}")
    _manage("migrate", "--no-input", verbosity=0)
    if field_keys_refused():
        return 1
    if not Area.objects.exists():
        print("首次运行：正在生成示范县演示数据……", flush=True)
        print(load_demo_everything(args.seed, 3))
    print(f"\n演示账号（密码均为 {DEMO_PASSWORD}）:")
    for username, description in DEMO_LOGINS:
        print(f"  {username:<10} {description}")
    print()
    worker = start_worker()
    try:
        _serve(args.host, args.port)
    finally:
        stop_worker(worker)
    return 0


def start_worker():
    """``anju worker`` beside the demo's server, so that scans, exports and reports started from a page run
    (production runs it as its own service: docs/operations.md). Same data folder, same environment."""
    import subprocess  # fixed argument list, no shell  # nosec B404

    command = [sys.executable, "-c", "import sys; from anju.cli import main; sys.exit(main(['worker']))"]
    print("后台任务进程已启动（anju worker）。", flush=True)
    return subprocess.Popen(command, env=os.environ.copy())  # nosec B603


def stop_worker(worker) -> None:
    import subprocess  # nosec B404

    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def cmd_synth(args) -> int:
    setup_django()
    from anju.demo.synth import SynthError, synthesize

    try:
        written = synthesize(args.matters, counties=args.counties, batch=args.batch)
    except SynthError as error:
        print(error, file=sys.stderr)
        return 1
    print("已写入：" + "，".join(f"{name} {count:,}" for name, count in written.items()))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "synth", help="由示范县复制出大规模台账（供 bench/bench_platform.py 测量；先运行 anju load-demo）"
    )
    p.add_argument("--matters", type=int, required=True, help="台账达到的事项总数，如 100000")
    p.add_argument("--counties", type=int, default=1, help="分布到几个县（示范县及其复制，默认 1）")
    p.add_argument("--batch", type=int, default=10000, help="每批写入的事项数（默认 10000）")
    p.set_defaults(func=cmd_synth)

    p = subparsers.add_parser("demo", help="创建数据库、载入示范县并启动服务")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--seed", type=int, default=2024)
    p.set_defaults(func=cmd_demo)

    p = subparsers.add_parser("serve", help="启动服务")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="用 gunicorn 启动多个进程（生产环境，如 CPU 核数的 2 倍）；不指定则用单进程多线程的 waitress",
    )
    p.add_argument("--threads", type=int, default=4, help="--workers 时每个进程的线程数（默认 4）")
    p.add_argument(
        "--no-migrate",
        action="store_true",
        help="启动前不升级数据库（多台主机时先单独运行一次 anju migrate）",
    )
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser("migrate", help="创建或升级数据库并载入基础数据（风险领域）")
    p.add_argument("--verbose", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = subparsers.add_parser("createadmin", help="创建管理员账号")
    p.add_argument("username")
    p.add_argument("--password", help="不填则交互输入，或取环境变量 ANJU_ADMIN_PASSWORD")
    p.set_defaults(func=cmd_createadmin)

    p = subparsers.add_parser("load-demo", help="载入示范县演示数据")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--years", type=int, default=3)
    p.set_defaults(func=cmd_load_demo)
