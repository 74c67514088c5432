"""The data path of one report on a realistic ledger: time per submission and per detail page, and the
classifier runs of one staff-typed report.

    python bench/bench_intake.py                  # 20,000 matters, 5 submissions of each kind
    python bench/bench_intake.py --matters 2000   # quicker

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


def _setup(data_dir: str) -> None:
    os.environ["ANJU_DATA_DIR"] = data_dir
    os.environ.pop("ANJU_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "anju.settings"
    os.environ["ANJU_2FA_REQUIRED_ROLES"] = ","  # the bench's user signs in without a second factor
    import django
    from django.core.management import call_command

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host and in-memory e-mail
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
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
