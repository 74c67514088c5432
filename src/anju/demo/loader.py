"""``load_demo``: the fictional 示范县 with its organisation and years of synthetic matters.

Areas, units and users are created through ``anju.core.actions``; the history goes through the bulk
action ``anju.intake.history_import.import_historical_matters`` (matters whose life already happened,
with historical timestamps). Everything is one transaction and deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter

import numpy as np
from django.db import transaction
from django.utils import timezone

from anju.core import actions
from anju.core.bootstrap import ensure_reference_data
from anju.core.models import Area, Domain
from anju.demo import geography, history
from anju.demo.lifecycle import Simulator
from anju.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD, create_organisation
from anju.intake.actions import submit_report
from anju.intake.history_import import import_historical_matters
from anju.matters.models import Matter
from anju.matters.workflow import Status

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "load_demo", "DemoAlreadyLoaded"]


class DemoAlreadyLoaded(Exception):
    """The demo county (or another area with its code) is already in the database."""


def _create_areas(actor, spec: geography.AreaSpec, parent=None) -> Area:
    area = actions.create_area(
        actor,
        code=spec.code,
        name=spec.name,
        level=spec.level,
        parent=parent,
        latitude=spec.latitude,
        longitude=spec.longitude,
        boundary=spec.geojson(),
    )
    for child in spec.children:
        _create_areas(actor, child, area)
    return area


def _say(progress: bool, started: float, message: str) -> None:
    if progress:
        print(f"  [{time.monotonic() - started:5.1f}s] {message}", flush=True)


def load_demo(
    seed: int = 2024, years: int = 3, progress: bool = False, today: dt.date | None = None, scale: float = 1.0
) -> str:
    """Create the demo county and ``years`` years of history ending ``today``; return a summary.

    ``scale`` multiplies the baseline rates (the planted surges stay full size), so tests can load a
    small county quickly.
    """
    started = time.monotonic()
    ensure_reference_data()
    if Area.objects.filter(code=geography.COUNTY_CODE).exists():
        raise DemoAlreadyLoaded("示范县演示数据已存在 / the demo county is already loaded")
    real_now = timezone.now()
    today = today or timezone.localdate()
    end_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time(23, 59)))
    now = min(real_now, end_of_today)
    rng = random.Random(seed)  # synthetic demo data, reproducible by seed  # nosec B311
    np_rng = np.random.default_rng(seed)

    with transaction.atomic():
        county = _create_areas(None, geography.build_county(seed))
        _say(progress, started, f"区域 {Area.objects.subtree(county).count()} 个（含边界）")
        org = create_organisation(None, county, rng)
        _say(progress, started, f"单位与用户已创建（用户 {org.user_count} 个）")

        villages = [
            history.Village(v.pk, v.code, v.name, v.parent.name, v.parent_id, _profile(v))
            for v in Area.objects.subtree(county).filter(level=3).select_related("parent")
        ]
        occurrences, planted = history.occurrences(villages, today, years, np_rng, scale)
        simulator = Simulator(
            org=org,
            domains={d.code: d for d in Domain.objects.all()},
            areas={v.pk: v for v in Area.objects.subtree(county).filter(level=3)},
            rng=rng,
            now=now,
            year_now=today.year,
        )
        rows = [row for occ in occurrences if (row := simulator.matter(occ)) is not None]
        _say(progress, started, f"已模拟 {len(rows)} 件事项的办理过程")
        matters = import_historical_matters(org.admin, rows, now=now)
        _say(progress, started, "历史事项已写入")
        for report in simulator.pending:
            submit_report(report.pop("actor"), **report)
        _say(progress, started, f"待登记诉求 {len(simulator.pending)} 件")
    return _summary(matters, len(simulator.pending), planted, today, time.monotonic() - started)


def _profile(village: Area) -> str:
    for town in geography.TOWNS:
        if town.name == village.parent.name:
            for plan in town.villages:
                if plan.name == village.name:
                    return plan.profile
    return "rural"


def _summary(
    matters: list[Matter], pending: int, planted: list[history.PlantedSurge], today: dt.date, seconds: float
) -> str:
    statuses = Counter(m.status for m in matters)
    overdue = Matter.objects.filter(pk__in=[m.pk for m in matters]).overdue(today).count()
    open_count = sum(
        n
        for s, n in statuses.items()
        if s in {"registered", "assessed", "assigned", "resolving", "escalated", "returned"}
    )
    first = min(m.registered_at for m in matters) if matters else None
    status_text = "、".join(f"{Status(s).label} {n}" for s, n in statuses.most_common())
    surge_text = "；".join(
        f"{p.label}：{'、'.join(p.villages)}，{len(p.weeks)} 周（{p.weeks[0]:%Y-%m-%d} 起），{p.count} 件"
        for p in planted
        if p.weeks
    )
    return (
        f"示范县演示数据已载入（{seconds:.0f} 秒）：3 个乡镇/街道、{Area.objects.filter(level=3).count()} 个村（社区）、"
        f"{Area.objects.filter(level=4).count()} 个网格；事项 {len(matters)} 件"
        f"（{timezone.localtime(first):%Y-%m-%d} 至 {today:%Y-%m-%d}），其中{status_text}；在办 {open_count} 件，"
        f"超期 {overdue} 件；待登记诉求 {pending} 件。预置的异常聚集：{surge_text}。"
        f" / Demo county loaded in {seconds:.0f}s: {len(matters)} matters, {open_count} open, {overdue} overdue."
    )
