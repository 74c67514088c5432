"""Demo content of the preparedness records: the county's yearly drill plan (one drill on time, one late,
one overdue, one ahead), a stocktake that found a difference, and a requisition for the demo's incident that
came back and was compensated. Called by ``demo.load_emergency_demo``; every step goes through the actions."""

from __future__ import annotations

import datetime as dt

from anju.emergency import actions
from anju.emergency.models import Incident, Material


def _in_year(day: dt.date, year: int) -> dt.date:
    return min(max(day, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def load_preparedness_demo(staff, county, today: dt.date, now: dt.datetime) -> str:
    year = today.year
    programme = actions.create_programme(staff, area=county, year=year, now=now)
    on_time = actions.add_programme_item(
        staff,
        programme,
        title="森林防火桌面推演",
        target_date=_in_year(today - dt.timedelta(days=50), year),
        form="tabletop",
    )
    late = actions.add_programme_item(
        staff,
        programme,
        title="危化品运输事故实战演练",
        target_date=_in_year(today - dt.timedelta(days=40), year),
        form="live",
        scope="comprehensive",
    )
    actions.add_programme_item(
        staff,
        programme,
        title="地质灾害避险转移演练",
        target_date=_in_year(today - dt.timedelta(days=10), year),
    )
    actions.add_programme_item(
        staff,
        programme,
        title="冬季燃气安全桌面推演",
        target_date=_in_year(today + dt.timedelta(days=60), year),
    )
    actions.record_drill(
        staff,
        on_time.drill,
        date=min(on_time.target_date - dt.timedelta(days=3), today),
        summary="各组按预案分工完成推演。",
        now=now,
    )
    actions.record_drill(
        staff,
        late.drill,
        date=min(late.target_date + dt.timedelta(days=6), today),
        summary="因参演单位调整推迟实施，处置流程顺畅。",
        now=now,
    )

    salts = Material.objects.filter(area=county, item="口服补液盐").first()
    if salts is not None:
        actions.record_stocktake(
            staff,
            salts,
            counted=salts.quantity - 2,
            note="2 盒包装破损，已报废",
            now=now - dt.timedelta(days=3),
        )

    incident = Incident.objects.filter(area__path__startswith=county.path).order_by("pk").first()
    if incident is not None:
        started = incident.learned_at.date()
        truck = actions.requisition(
            staff,
            incident,
            what="冷藏运输车 1 辆（转运封存食品）",
            owner="示范县鲜达物流有限公司",
            owner_category="company",
            started_on=started,
            now=max(incident.learned_at, now - dt.timedelta(days=400)),
        )
        if started + dt.timedelta(days=1) <= today:
            actions.return_requisitioned(
                staff, truck, ended_on=started + dt.timedelta(days=1), return_state="intact", now=now
            )
            if started + dt.timedelta(days=10) <= today:
                actions.record_compensation(
                    staff, truck, amount="1200", paid_on=started + dt.timedelta(days=10), now=now
                )
    return f"年度演练计划 {programme.items.count()} 项"
