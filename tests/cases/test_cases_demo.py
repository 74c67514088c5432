"""The demo's cases, loaded on a small county named like the demo's (青山镇 with 石门村, the county's police
and ecology departments, and three complaints about the chemical plant)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anju.cases.demo import ODOUR_COMPANY, load_cases_demo
from anju.cases.models import Case
from anju.core import actions as core_actions
from anju.core.models import Area, UnitKind
from anju.matters import actions as matter_actions
from anju.warning.models_analysis import AnalysisMeeting


def test_demo_cases(world):
    Area.objects.filter(pk=world.town_a.pk).update(name="青山镇")
    Area.objects.filter(pk=world.village_a2.pk).update(name="石门村")
    third = core_actions.create_area(None, code="330101003000", name="东三村", level=3, parent=world.town_a)
    core_actions.create_unit(None, name="县公安局", kind=UnitKind.DEPARTMENT, area=world.county)
    core_actions.create_unit(None, name="县生态环境分局", kind=UnitKind.DEPARTMENT, area=world.county)
    core_actions.create_unit(
        None, name="石门村村委会", kind=UnitKind.VILLAGE_COMMITTEE, area=world.village_a2
    )
    now = timezone.now()
    for days in (9, 5, 1):
        matter_actions.create_matter(
            world.centre_staff,
            kind="demand",
            domain=world.land,
            area=world.village_a2,
            title="石门村群众反映化工异味",
            description=f"居民反映{ODOUR_COMPANY}夜间排放刺鼻异味。",
            now=now - dt.timedelta(days=days),
        )
    line = load_cases_demo(now=now)
    assert "涉众型案件（4 件事项）" in line and "化工厂投诉（3 件事项）" in line

    fund = Case.objects.get(kind="fraud")
    villages = set(fund.memberships.values_list("matter__area__name", flat=True))
    assert villages == {"东一村", "石门村", "东三村"} and third.name in villages
    figures = list(fund.fraud_figures.order_by("on"))
    assert len(figures) == 5
    assert [f.amount_returned for f in figures] == [
        Decimal("0"),
        Decimal("0"),
        Decimal("2400000"),
        Decimal("4950000"),
        Decimal("6600000"),
    ]
    assert fund.education_sessions.count() == 2 and fund.fraud_progress.count() == 4

    odour = Case.objects.get(kind="mass")
    assert odour.area.name == "石门村" and odour.tasks.count() == 3
    assert AnalysisMeeting.objects.filter(kind="topic", title__contains=ODOUR_COMPANY).exists()
