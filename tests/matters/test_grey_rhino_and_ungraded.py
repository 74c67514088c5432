"""灰犀牛 (the mitigation-plan rule, the ledger filter, the overview count, the monthly report line) and the
待定级 queue (the setting, the page, the home and 督办 cards, the map)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.core.errors import WorkflowError
from anju.core.models import AuditEvent
from anju.dashboard import figures as dashboard_figures
from anju.matters import actions, queues
from anju.reports import figures as report_figures
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db


def _assign(world, matter):
    return actions.assign(
        world.centre_staff,
        matter,
        unit=world.police,
        deadline=timezone.localdate() + dt.timedelta(days=10),
        # the level rules: a 包案领导, and a reason to handle a 最高 matter below the county
        lead_leader=world.leader,
        exemption_reason="县级专班已派员驻村，就地处置",
    )


def test_a_grey_rhino_is_assigned_only_with_a_mitigation_plan(world, make_matter):
    rhino = make_matter(likelihood=4, consequence=4)  # at least 4 × 4: grey rhino
    assert rhino.grey_rhino
    with pytest.raises(WorkflowError, match="缓释方案"):
        _assign(world, rhino)
    rhino.refresh_from_db()
    assert rhino.status == "assessed" and rhino.responsible_unit is None
    actions.set_mitigation_plan(world.centre_staff, rhino, plan="每周约谈施工方，工资分三批兑付")
    _assign(world, rhino)
    rhino.refresh_from_db()
    assert rhino.status == "assigned" and rhino.mitigation_plan == "每周约谈施工方，工资分三批兑付"
    ordinary = make_matter(title="普通事项", likelihood=3, consequence=3)
    _assign(world, ordinary)  # not a grey rhino: no plan needed


def test_mitigation_plan_guard(world, make_matter):
    matter = make_matter(likelihood=4, consequence=5)
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: actions.set_mitigation_plan(actor, matter, plan="专班盯办"),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )
    assert matter.events.get(kind="mitigation_plan").note == "缓释方案：专班盯办"
    audit = AuditEvent.objects.get(action="matter.mitigation_plan", object_id=str(matter.pk))
    assert (audit.before, audit.after) == ({"mitigation_plan": ""}, {"mitigation_plan": "专班盯办"})


def test_ledger_filter_and_overview_count_of_grey_rhinos(client, world, make_matter):
    make_matter(title="灰犀牛甲", likelihood=5, consequence=4)
    make_matter(title="灰犀牛乙", likelihood=4, consequence=4)
    make_matter(title="普通丙", likelihood=2, consequence=2)
    closed = make_matter(title="已驳回的灰犀牛", likelihood=4, consequence=4)
    actions.reject(world.centre_staff, closed, reason="重复")
    assert dashboard_figures.key_figures(world.centre_staff)["grey_rhino_open"] == 2
    client.force_login(world.centre_staff)
    html = client.get(reverse("matters:ledger"), {"grey_rhino": "on", "status": "open"}).content.decode()
    assert "灰犀牛甲" in html and "灰犀牛乙" in html and "普通丙" not in html and "已驳回的灰犀牛" not in html
    overview = client.get(reverse("dashboard:index")).content.decode()
    assert "grey_rhino=on" in overview and "灰犀牛（在办）" in overview


def test_monthly_report_counts_grey_rhinos(world, make_matter):
    november = timezone.make_aware(dt.datetime(2026, 11, 10, 10, 0))
    october = timezone.make_aware(dt.datetime(2026, 10, 10, 10, 0))
    old = make_matter(title="十月的灰犀牛", registered_at=october, likelihood=4, consequence=4)
    actions.set_mitigation_plan(world.centre_staff, old, plan="专班")
    make_matter(title="十一月的灰犀牛", registered_at=november, likelihood=5, consequence=5)
    make_matter(title="十一月的普通事项", registered_at=november, likelihood=1, consequence=1)
    got = report_figures.grey_rhinos(world.county, dt.date(2026, 11, 1))
    assert got == {"new": 1, "open": 2, "without_plan": 1}
    assert report_figures.grey_rhinos(world.town_b, dt.date(2026, 11, 1)) == {
        "new": 0,
        "open": 0,
        "without_plan": 0,
    }


def test_ungraded_queue_follows_the_setting(world, make_matter, settings):
    now = timezone.make_aware(dt.datetime(2026, 11, 20, 12, 0))
    old = make_matter(title="登记30小时未定级", registered_at=now - dt.timedelta(hours=30), now=now)
    recent = make_matter(title="登记10小时未定级", registered_at=now - dt.timedelta(hours=10), now=now)
    make_matter(
        title="已定级", registered_at=now - dt.timedelta(hours=50), likelihood=2, consequence=2, now=now
    )
    rejected = make_matter(title="已驳回", registered_at=now - dt.timedelta(hours=40), now=now)
    actions.reject(world.centre_staff, rejected, reason="不属于受理范围", now=now)
    assert list(queues.ungraded(world.centre_staff, now)) == [old]
    settings.ANJU_UNGRADED_HOURS = 6
    assert list(queues.ungraded(world.centre_staff, now)) == [old, recent]


def test_ungraded_page_home_card_and_supervision_are_scoped(client, world, make_matter):
    long_ago = timezone.now() - dt.timedelta(days=3)
    make_matter(title="东镇久未定级", registered_at=long_ago)
    west = outsider(world, "centre_staff")
    client.force_login(west)
    assert "东镇久未定级" not in client.get(reverse("matters:ungraded")).content.decode()
    assert "东镇久未定级" not in client.get(reverse("matters:supervision")).content.decode()
    client.force_login(world.town_staff)  # positive control
    page = client.get(reverse("matters:ungraded")).content.decode()
    assert "东镇久未定级" in page and "72 小时" in page
    assert "东镇久未定级" in client.get(reverse("matters:supervision")).content.decode()
    home = client.get(reverse("dashboard:home"))
    assert home.context["ungraded_count"] == 1 and "待定级" in home.content.decode()


def test_map_paints_ungraded_open_matters_apart_from_no_matters(world, make_matter):
    world.village_a1.longitude, world.village_a1.latitude = 120.1, 30.2
    make_matter(area=world.village_a1)  # open, not graded
    make_matter(area=world.village_a2, likelihood=5, consequence=5)  # open, 最高
    _areas, _towns, stats = dashboard_figures.map_values(world.centre_staff, "level")
    a1, a2, b1 = stats[world.village_a1.pk], stats[world.village_a2.pk], stats[world.village_b1.pk]
    assert (a1["fill"], a1["level_label"], a1["ungraded"]) == ("#9ca3af", "未定级", 1)
    assert (b1["fill"], b1["level_label"], b1["count"]) == ("#e5e7eb", "无", 0)
    assert a2["level_label"] == "最高" and a2["ungraded"] == 0
