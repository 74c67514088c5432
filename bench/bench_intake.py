"""The data path of one report on a realistic ledger: time per submission and per detail page, and the
classifier runs of one staff-typed report.

    python bench/bench_intake.py                  # 20,000 matters, 5 submissions of each kind
    python bench/bench_intake.py --matters 2000   # quicker
    python bench/bench_intake.py --http [--existing] [--workers 2 --threads 4 --clients 50 --seconds 15]
    python bench/bench_intake.py --profile 30 [--existing]

``--http``: throughput under concurrency. ``anju serve --workers`` (gunicorn) is started on a loopback port
with ``bench_serve_settings`` (anju's URLs plus ``/bench/bare/``, a bare Django view inserting one row,
which only the bench has), and ``loadgen`` drives ``POST /api/reports`` (a read-write token of a centre
staff user; every text differs) and the bare view with ``--clients`` keep-alive connections for
``--seconds``, in ``--rounds`` alternating rounds. Printed: requests/s, p50/p95/p99, errors, the server's CPU
per request, and the ratio of the intake API to the bare view. ``--profile N``: N API submissions in this
process under cProfile, with their SQL. ``--existing`` uses the installation of ``ANJU_DATABASE_URL`` and
``ANJU_DATA_DIR`` (e.g. PostgreSQL after ``anju synth``) instead of a fresh SQLite ledger; the reports the
run sends stay in it (the worker triages them).

A throwaway data folder (SQLite) gets a county of 10 towns × 10 villages and ``--matters`` matters whose
texts are the demo county's templates filled with varied details (bulk-inserted). Before each submission
one more matter is registered, as in a working centre: the ledger changes between any two submissions.

Printed, each with its ratio to the **anchor** measured in the same run: one build of a duplicate index
(``anju.text.DuplicateIndex``) over the ledger's texts, which is what a submission cost before whenever the
ledger had changed since the last one. Runs against whichever ``anju`` is on ``PYTHONPATH``, so the same
script measures an older checkout (``PYTHONPATH=/tmp/old/src python bench/bench_intake.py``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time


def _setup(data_dir: str | None) -> None:
    """Django against a fresh SQLite database in ``data_dir``, or (None) the installation the environment
    names (``ANJU_DATABASE_URL``, ``ANJU_DATA_DIR``), migrated beforehand."""
    if data_dir is not None:
        os.environ["ANJU_DATA_DIR"] = data_dir
        os.environ.pop("ANJU_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "anju.settings"
    os.environ["ANJU_2FA_REQUIRED_ROLES"] = ","  # the bench's user signs in without a second factor
    import django
    from django.core.management import call_command

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host and in-memory e-mail
    if data_dir is not None:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)


def _county(n_towns: int = 10, n_villages: int = 10):
    from anju.core import actions
    from anju.core.bootstrap import load_domains
    from anju.core.models import AreaLevel, UnitKind
    from anju.core.roles import Role

    load_domains()
    county = actions.create_area(None, code="330100000000", name="示范县", level=AreaLevel.COUNTY)
    villages = []
    for t in range(1, n_towns + 1):
        town = actions.create_area(
            None, code=f"3301{t:02d}000000", name=f"第{t}镇", level=AreaLevel.TOWN, parent=county
        )
        for v in range(1, n_villages + 1):
            villages.append(
                actions.create_area(
                    None,
                    code=f"3301{t:02d}{v:03d}000",
                    name=f"{t}镇{v}村",
                    level=AreaLevel.VILLAGE,
                    parent=town,
                )
            )
    centre = actions.create_unit(None, name="示范县综治中心", kind=UnitKind.CENTRE, area=county)
    staff = actions.create_user(
        None, username="bench", password="bench-pass-123", role=Role.CENTRE_STAFF, area=county, unit=centre
    )
    return staff, villages


def _texts(rng: random.Random, villages, n: int):
    import datetime as dt

    from anju.demo.templates import DOMAIN_TEMPLATES
    from anju.demo.texts import context, render

    choices = [(code, t) for code, ts in DOMAIN_TEMPLATES.items() for t in ts]
    for _ in range(n):
        code, template = rng.choice(choices)
        village = rng.choice(villages)
        ctx = context(
            rng,
            village=village.name,
            town=village.parent.name,
            profile=rng.choice(("urban", "industrial", "rural", "suburban")),
            when=dt.date(2026, rng.randint(1, 12), rng.randint(1, 28)),
            people=rng.randint(*template.people),
            amount=rng.randint(*template.amount),
        )
        title, description = render(template, ctx)
        yield code, template.kind, village, title, description


def _ledger(rng, villages, n: int) -> None:
    import datetime as dt

    from django.utils import timezone

    from anju.core.models import Domain
    from anju.matters.models import Matter

    domains = {d.code: d for d in Domain.objects.all()}
    rows = [
        Matter(
            number=f"BENCH-{i:06d}",
            kind=kind,
            domain=domains.get(code) or next(iter(domains.values())),
            area=village,
            handling_area=village,
            title=title,
            description=description,
        )
        for i, (code, kind, village, title, description) in enumerate(_texts(rng, villages, n))
    ]
    Matter.objects.bulk_create(rows, batch_size=2000)
    # a ledger built up over time: its matters were last changed before today, not all in this minute
    Matter.objects.update(updated_at=timezone.now() - dt.timedelta(days=30))


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=20_000)
    parser.add_argument("--reports", type=int, default=5)
    parser.add_argument(
        "--http",
        action="store_true",
        help="throughput: the intake API and a bare Django view served by `anju serve --workers`",
    )
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile N API submissions")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="use the installation in ANJU_DATABASE_URL/ANJU_DATA_DIR instead of a fresh SQLite ledger",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.http or args.profile:
        return _served(args)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="anju-bench-") as data_dir:
        _setup(data_dir)
        from anju import text as textlib
        from anju.core.models import Domain
        from anju.intake import actions, duplicates
        from anju.intake.models import Report
        from anju.matters.actions import create_matter
        from anju.matters.models import Matter
        from anju.platform_cli import _warm_up

        staff, villages = _county()
        _ledger(rng, villages, args.matters)
        print(f"ledger: {Matter.objects.count()} matters; anju from {os.path.dirname(textlib.__file__)}")

        texts = [f"{t}。{d}" for t, d in Matter.objects.values_list("title", "description")]
        start = time.perf_counter()
        textlib.DuplicateIndex().add_many(enumerate(texts))
        anchor = time.perf_counter() - start
        print(f"anchor: one duplicate index over the ledger {anchor * 1000:.0f} ms")

        start = time.perf_counter()
        _warm_up()  # what `anju serve` does before the first request
        print(f"warm-up at start-up: {(time.perf_counter() - start) * 1000:.0f} ms")

        new_reports = list(_texts(rng, villages, 3 * args.reports + 3))
        timings: dict[str, list[float]] = {
            "staff submission": [],
            "citizen submission": [],
            "detail page": [],
        }
        for _ in range(args.reports):
            for kind, actor in (("staff submission", staff), ("citizen submission", None)):
                code, mkind, village, title, description = new_reports.pop()
                domain = Domain.objects.filter(code=code).first() or Domain.objects.first()
                create_matter(  # the ledger changed since the last submission
                    staff, kind=mkind, domain=domain, area=village, title=title, description=description
                )
                code, mkind, village, title, description = new_reports.pop()
                start = time.perf_counter()
                report = actions.submit_report(
                    actor, channel="call" if actor else "online", area=village, title=title, text=description
                )
                timings[kind].append(time.perf_counter() - start)
            start = time.perf_counter()
            duplicates.candidates(staff, Report.objects.get(pk=report.pk))
            timings["detail page"].append(time.perf_counter() - start)
        for kind, samples in timings.items():
            ms = _median_ms(samples)
            print(
                f"{kind}: median {ms:.1f} ms over {len(samples)} (ratio to anchor {ms / 1000 / anchor:.4f})"
            )

        print(f"classifier runs for one staff-typed report: {_classifier_runs(staff, villages[0])}")
    return 0


def _served(args) -> int:
    """The --http and --profile modes, on the environment's installation or a fresh SQLite ledger."""
    if args.existing:
        _setup(None)
        return _http(args) if args.http else _profile(args)
    with tempfile.TemporaryDirectory(prefix="anju-bench-") as data_dir:
        _setup(data_dir)
        from anju.matters.models import Matter

        _staff, villages = _county()
        _ledger(random.Random(7), villages, args.matters)
        print(f"ledger: {Matter.objects.count():,} matters (SQLite, {data_dir})")
        return _http(args) if args.http else _profile(args)


def _classifier_runs(staff, village) -> int:
    """The typing panel, the submission and the detail page of one report, counted on the classifier."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from anju import text as textlib
    from anju.intake.models import Report

    runs = []
    originals = {cls: cls.top_k for cls in (textlib.LexiconClassifier, textlib.TextClassifier)}

    def counted(original):
        def top_k(self, *a, **kw):
            runs.append(1)
            return original(self, *a, **kw)

        return top_k

    for cls, original in originals.items():
        cls.top_k = counted(original)
    try:
        client = Client()
        client.force_login(staff)
        try:
            panel = reverse("intake:suggest")
        except NoReverseMatch:  # before the panel moved to intake
            panel = reverse("triage:suggest")
        title, text = (
            "包工头欠薪",
            "工地包工头拖欠我们十二名工人工资八万元，讨薪多次未果，联系电话13812345678",
        )
        answers = [
            client.post(panel, {"title": title, "text": text}, secure=True).status_code,
            client.post(
                "/intake/new/",
                {"channel": "call", "area": village.pk, "title": title, "text": text},
                secure=True,
            ).status_code,
            client.get(f"/intake/{Report.objects.latest('id').pk}/", secure=True).status_code,
        ]
        if answers != [200, 302, 200]:
            raise RuntimeError(f"the pages answered {answers}")
    finally:
        for cls, original in originals.items():
            cls.top_k = original
    return len(runs)


API_USER = "bench-intake-api"
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def _api_caller():
    """The bench's API caller (centre staff at the root of the area tree, as a posting system would be),
    the villages it may report for, and a fresh read-write token of its own."""
    from anju.core import actions
    from anju.core.models import Area, AreaLevel, Unit, UnitKind, User
    from anju.core.roles import Role

    user = User.objects.filter(username=API_USER).first()
    if user is None:
        root = Area.objects.filter(parent__isnull=True).order_by("pk").first()
        unit = Unit.objects.filter(area=root, kind=UnitKind.CENTRE).order_by("pk").first()
        if unit is None:
            unit = actions.create_unit(None, name="压测综治中心", kind=UnitKind.CENTRE, area=root)
        user = actions.create_user(
            None, username=API_USER, password="bench-pass-123", role=Role.CENTRE_STAFF, area=root, unit=unit
        )
    villages = list(
        Area.objects.filter(level=AreaLevel.VILLAGE, path__startswith=user.area.path)
        .select_related("parent")
        .order_by("pk")[:200]
    )
    token = actions.issue_api_token(user, "bench-intake", days=1)
    return user, villages, token


def _report_bodies(rng, villages):
    """JSON bodies of reports as a grid worker's app sends them; every text differs (a counter at its
    end), so no request finds another's triage pass in the cache."""
    import itertools
    import json

    texts = list(_texts(rng, villages, 400))
    counter = itertools.count(1)

    def make_body() -> bytes:
        n = next(counter)
        _code, _kind, village, title, description = texts[n % len(texts)]
        body = {"channel": "grid", "area": village.code, "title": title, "text": f"{description}（第{n}件）"}
        return json.dumps(body, ensure_ascii=False).encode()

    return make_body


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(port: int, workers: int, threads: int):
    """``anju serve --workers`` (gunicorn) with the bench's settings: anju's URLs plus the bare endpoint."""
    import subprocess
    import urllib.request

    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench_serve_settings",
        PYTHONPATH=os.pathsep.join(p for p in (BENCH_DIR, os.environ.get("PYTHONPATH", "")) if p),
        ANJU_ALLOWED_HOSTS="127.0.0.1",
        ANJU_2FA_REQUIRED_ROLES=",",
    )
    argv = [sys.executable, "-m", "anju.cli", "serve", "--no-migrate", "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"anju serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("anju serve did not answer /healthz within 180 s")


def _cpu_seconds(master_pid: int) -> float:
    """User + system CPU of the server: its master and every worker process (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        if pid == master_pid or ppid == master_pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _http(args) -> int:
    """Requests/s and latency of the intake API against the bare endpoint, through one server, in one run."""
    import loadgen
    from django.db import connection

    from anju.intake.models import Report

    rng = random.Random(11)
    user, villages, token = _api_caller()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_bare_row (v integer)")
    connection.close()  # the server's processes write from here on
    port = args.port or _free_port()
    server = _start_server(port, args.workers, args.threads)
    before = Report.objects.count()
    json_headers = {"Content-Type": "application/json"}
    endpoints = {
        "bare Django view": ("/bench/bare/", lambda: b"{}", json_headers),
        "intake API": (
            "/api/reports",
            _report_bodies(rng, villages),
            json_headers | {"Authorization": f"Bearer {token}"},
        ),
    }
    results: dict[str, list[dict]] = {name: [] for name in endpoints}
    try:
        for path, make_body, headers in endpoints.values():  # warm-up, not counted
            loadgen.run_load(
                "127.0.0.1",
                port,
                path,
                make_body=make_body,
                headers=headers,
                expected=201,
                clients=args.clients,
                seconds=min(3.0, args.seconds),
            )
        print(
            f"server: anju serve --workers {args.workers} --threads {args.threads}; "
            f"{args.clients} clients, {args.seconds:.0f} s per run, {args.rounds} rounds\n"
        )
        print(
            f"{'endpoint':<18} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
            f"{'CPU ms/req':>10} {'client CPU':>10}"
        )
        for _round in range(args.rounds):
            for name, (path, make_body, headers) in endpoints.items():
                cpu, client_cpu = _cpu_seconds(server.pid), time.process_time()
                load = loadgen.run_load(
                    "127.0.0.1",
                    port,
                    path,
                    make_body=make_body,
                    headers=headers,
                    expected=201,
                    clients=args.clients,
                    seconds=args.seconds,
                )
                cpu, client_cpu = _cpu_seconds(server.pid) - cpu, time.process_time() - client_cpu
                row = load.summary() | {"cpu_ms": 1000 * cpu / max(1, load.ok), "client_cpu": client_cpu}
                results[name].append(row)
                print(
                    f"{name:<18} {row['requests_per_s']:>7.1f} {row['p50_ms']:>7.0f} {row['p95_ms']:>7.0f} "
                    f"{row['p99_ms']:>7.0f} {row['errors']:>6} {row['cpu_ms']:>10.1f} "
                    f"{row['client_cpu']:>9.1f}s"
                    + (f"  {row['statuses']} {row['failures']}" if row["errors"] else "")
                )
    finally:
        server.terminate()
        server.wait(timeout=60)
    bare = statistics.median(r["requests_per_s"] for r in results["bare Django view"])
    api = statistics.median(r["requests_per_s"] for r in results["intake API"])
    print(f"\nmedian req/s: intake API {api:.1f}, bare Django view {bare:.1f}; ratio {api / bare:.2f}")
    print(f"reports written by the run: {Report.objects.count() - before:,}")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_row")
    from anju.core.models import ApiToken

    ApiToken.objects.filter(user=user, name="bench-intake").delete()
    return 0


def _profile(args) -> int:
    """Submissions through the API in this process (Django's test client) under cProfile: where one
    request's server time goes, and its SQL statements."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client

    rng = random.Random(13)
    _user, villages, token = _api_caller()
    make_body = _report_bodies(rng, villages)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def submit():
        answer = client.post("/api/reports", make_body(), content_type="application/json")
        if answer.status_code != 201:
            raise RuntimeError(f"the API answered {answer.status_code}: {answer.content[:300]!r}")

    for _ in range(3):
        submit()  # warm-up: model, caches, connections
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    profiler = cProfile.Profile()
    start = time.perf_counter()
    with connection.execute_wrapper(count):
        profiler.enable()
        for _ in range(args.profile):
            submit()
        profiler.disable()
    elapsed = (time.perf_counter() - start) / args.profile
    print(
        f"{args.profile} submissions: {elapsed * 1000:.1f} ms each, {len(statements) / args.profile:.1f} SQL"
    )
    for sql in statements[: len(statements) // args.profile]:
        print("   ", sql[:150])
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
