"""The platform at scale: pages, reports, exports and the scan on a large installation (`anju synth`).

    ANJU_DATABASE_URL=postgres://… ANJU_DATA_DIR=… anju migrate && anju load-demo && anju synth --matters 100000
    ANJU_DATABASE_URL=postgres://… ANJU_DATA_DIR=… python bench/bench_platform.py [--repeat 7]

Measured in this process through Django's test client (server time: URL routing, middleware, queries,
templates; no network), as two users of the demo: ``zhen`` (a town's centre, one town's share) and
``zongzhi`` (the county's centre: the whole installation when ``--counties`` was 1). For each page: the
median and p95 of ``--repeat`` runs after one warm-up, and the number of SQL statements (which must not grow
with the number of rows shown). Exports report their time and the peak memory of a fresh process that only
exports (``ru_maxrss``). The **anchor**, measured in the same run: a bare Django view that inserts one row
and answers — every other figure is also printed as a multiple of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    os.environ["ANJU_2FA_REQUIRED_ROLES"] = ","  # the bench's users sign in without a second factor
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()


def _time(call, repeat: int) -> tuple[float, float, int]:
    """Median and p95 milliseconds of ``call`` after one warm-up, and its SQL statement count."""
    from django.db import connection

    statements = []  # counted at execution: the test client's request_started signal empties queries_log

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(statements)


def _page(client, path: str):
    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if hasattr(response, "streaming_content"):
            for _chunk in response.streaming_content:
                pass

    return get


def _anchor(repeat: int) -> float:
    """A bare Django view inserting one row (a notification for the bench user), through the same stack."""
    from django.db import connection
    from django.http import HttpResponse
    from django.test import RequestFactory

    factory = RequestFactory()

    def bare(request):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO django_cache_bench (v) VALUES (%s)", [1])
        return HttpResponse("ok")

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS django_cache_bench (v integer)")
    median, _p95, _q = _time(lambda: bare(factory.post("/")), repeat * 5)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE django_cache_bench")
    return median


EXPORT_CHILD = """
import os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
import django
django.setup()
from anju.core.models import User
from anju.matters.export import build_workbook
from anju.matters.filters import LedgerFilterForm, apply_filter_form
from django.http import QueryDict
user = User.objects.get(username=sys.argv[1])
form = LedgerFilterForm(user, QueryDict(sys.argv[2], mutable=False))
matters, cleaned = apply_filter_form(form)
start, cpu = time.perf_counter(), time.process_time()
if sys.argv[3] == "xlsx":
    size = len(build_workbook(matters, exporter=user, area=cleaned.get("area") or user.area))
else:  # the CSV for other systems, streamed as the page streams it
    from anju.matters.export_data import csv_lines
    size = sum(len(line.encode()) for line in csv_lines(matters))
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
print(matters.count(), round(wall * 1000), round(cpu * 1000), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, size)
"""


def _export(username: str, query: str, fmt: str = "xlsx") -> str:
    """An export in a fresh process: wall and CPU time (the CPU time is this process's own: on a shared
    machine the wall time also holds the waits for a core), rows per CPU second, peak RSS (``ru_maxrss``)."""
    done = subprocess.run(
        [sys.executable, "-c", EXPORT_CHILD, username, query, fmt], capture_output=True, text=True, check=True
    )
    rows, ms, cpu_ms, rss_mb, size = (int(v) for v in done.stdout.split())
    rate = rows * 1000 // max(1, cpu_ms)
    return (
        f"{rows:,} rows: {ms:,} ms wall, {cpu_ms:,} ms CPU ({rate:,} rows per CPU second), "
        f"peak RSS {rss_mb} MB, {size // 1024:,} KB"
    )


def _keyset_pages(user, depth: int) -> list[tuple[str, str]]:
    """The ledger and the API at page ``depth`` by cursor, as a reader gets there following 下一页 / ``next``
    ``depth - 1`` times (the cursor after the last row of page ``depth - 1``), and the last page; none on
    a version without keyset pages."""
    from urllib.parse import quote

    from django.conf import settings

    try:
        from anju.matters import seek
        from anju.matters.filters import filter_matters
    except ImportError:
        return []
    matters, _cleaned = filter_matters(user, {})
    before = matters.order_by(*seek.ordering("-registered"))[(depth - 1) * settings.ANJU_PAGE_SIZE - 1 :][:1]
    if not before:
        return []
    cursor = quote(seek.encode("-registered", seek.AFTER, before[0]))
    by_level, _cleaned = filter_matters(user, {"sort": "-level"})
    level_before = by_level[(depth - 1) * settings.ANJU_PAGE_SIZE - 1 :][:1]
    level_pages = []
    if level_before:
        level_cursor = quote(seek.encode("-level", seek.AFTER, level_before[0]))
        level_pages = [
            (f"ledger level page {depth} (cursor)", f"/matters/?sort=-level&cursor={level_cursor}"),
            (f"/api/matters level page {depth}", f"/api/matters?sort=-level&cursor={level_cursor}"),
        ]
    return [
        (f"ledger page {depth} (by cursor)", f"/matters/?cursor={cursor}"),
        ("ledger last page (page=last)", "/matters/?page=last"),
        (f"/api/matters page {depth} (cursor)", f"/api/matters?cursor={cursor}"),
        *level_pages,
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--skip-exports", action="store_true", help="leave out the .xlsx and CSV exports (minutes)"
    )
    parser.add_argument(
        "--lists-only",
        action="store_true",
        help="only the ledger and /api/matters pages (no dashboard, report, exports or scan)",
    )
    parser.add_argument(
        "--depth", type=int, default=1000, help="the deep page measured by cursor and by number (1000)"
    )
    parser.add_argument(
        "--skip-direct",
        action="store_true",
        help="leave out the overview computed from the ledger without its aggregates (seconds per run)",
    )
    parser.add_argument(
        "--only", default="", help="measure only the rows whose name contains this text (e.g. dashboard)"
    )
    args = parser.parse_args()
    _setup()
    from django.conf import settings
    from django.test import Client, override_settings

    from anju.core.models import Area, AreaLevel, User
    from anju.matters.models import Matter
    from anju.reports import figures as report_figures
    from anju.warning.actions import run_scan

    total = Matter.objects.count()
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, matters: {total:,}")
    anchor = _anchor(args.repeat)
    print(f"anchor (bare Django view inserting one row): {anchor:.2f} ms\n")
    print(f"{'user':<8} {'measurement':<34} {'median ms':>10} {'p95 ms':>8} {'SQL':>4} {'× anchor':>9}")

    def row(user, what, median, p95, queries):
        if args.only not in what:
            return
        print(f"{user:<8} {what:<34} {median:>10.0f} {p95:>8.0f} {queries:>4} {median / anchor:>9.0f}")

    town_user = User.objects.get(username="zhen")
    county_user = User.objects.get(username="zongzhi")
    domain_id = Matter.objects.values_list("domain_id", flat=True).first()
    year_ago = (dt.date.today() - dt.timedelta(days=365)).isoformat()
    some_matter = Matter.objects.filter(area__path__startswith=town_user.area.path).order_by("-pk").first()
    for user in (town_user, county_user):
        client = Client()
        client.force_login(user)
        visible = Matter.objects.filter(area__path__startswith=user.area.path).count()
        last_page = max(1, -(-visible // settings.ANJU_PAGE_SIZE))
        depth = args.depth
        pages = [
            ("ledger page 1", "/matters/"),
            (
                "ledger town+domain+1 year",
                f"/matters/?area={town_user.area_id}&domain={domain_id}&date_from={year_ago}",
            ),
            (f"ledger page {depth} (by number)", f"/matters/?page={depth}"),
            ("ledger last page (by number)", f"/matters/?page={last_page}"),
            ("ledger search 拆迁", "/matters/?q=拆迁"),
            ("ledger search 拆迁安置", "/matters/?q=拆迁安置"),
            ("ledger search 拆 (one character)", "/matters/?q=拆"),
            ("ledger search 鱼 (one, rare)", "/matters/?q=鱼"),
            ("ledger level page 1", "/matters/?sort=-level"),
            ("ledger level, last page", "/matters/?sort=-level&page=last"),
            *_keyset_pages(user, depth),
            ("matter detail", f"/matters/{some_matter.pk}/"),
            ("dashboard", "/dashboard/"),
            ("dashboard map (counts)", "/dashboard/?map=count"),
            ("/api/matters page 1", "/api/matters?page=1"),
            (f"/api/matters page {depth}", f"/api/matters?page={depth}"),
            ("/api/matters last page (by number)", f"/api/matters?page={last_page}"),
        ]
        if args.lists_only:
            pages = [(what, path) for what, path in pages if "dashboard" not in what and "detail" not in what]
        for what, path in pages:
            if args.only in what:
                row(user.username, what, *_time(_page(client, path), args.repeat))
        # the overview as it was before its aggregates (dashboard.rollup): every figure from the ledger
        if not args.lists_only and not args.skip_direct:
            with override_settings(ANJU_DASHBOARD_COUNTS=False):
                for what, path in (
                    ("dashboard (direct)", "/dashboard/"),
                    ("dashboard map (direct)", "/dashboard/?map=count"),
                ):
                    if args.only in what:
                        row(user.username, what, *_time(_page(client, path), args.repeat))
        if args.lists_only or (args.only and args.only not in "monthly report figures"):
            continue
        month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        # the figures are the report's cost (generate_report computes them, then stores one row)
        row(
            user.username,
            "monthly report figures",
            *_time(lambda a=user.area, m=month: report_figures.compute(a, m), max(2, args.repeat // 3)),
        )
    if args.only in "rollup refresh (nothing changed)":
        from anju.dashboard import rollup

        # the minute's refresh when no matter changed: it re-reads the last MARGIN of updated_at only
        row("-", "rollup refresh (nothing changed)", *_time(lambda: rollup.refresh(wait=False), args.repeat))
    print()
    if args.lists_only or args.only:
        return 0
    town = Area.objects.filter(level=AreaLevel.TOWN).order_by("path").first()
    if not args.skip_exports:
        print(f"export (town, filtered): {_export('zongzhi', f'area={town.pk}&domain={domain_id}')}")
        print(f"export (whole ledger):   {_export('zongzhi', '')}")
        print(f"CSV (whole ledger):      {_export('zongzhi', '', 'csv')}")
    start = time.perf_counter()
    scan = run_scan(None, weeks=4)
    print(
        f"warn-scan --weeks 4: {time.perf_counter() - start:.1f} s wall, {scan.points_evaluated:,} points, "
        f"this process's peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
