"""``load_demo`` end to end on a small county (one year, 60 % of the baseline rates, full surges).

The demo is loaded once for the module inside a transaction that is rolled back afterwards, so other
tests never see it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils import timezone

from anju.core.models import Area, AreaLevel, AuditEvent, Unit, UnitKind, User
from anju.core.roles import Role
from anju.demo import history
from anju.demo.loader import DEMO_LOGINS, DEMO_PASSWORD, DemoAlreadyLoaded, load_demo
from anju.intake.models import Report, ReportStatus
from anju.intake.receipts import normalise
from anju.intake.validation import is_valid_id_number
from anju.matters.models import (
    FollowUpVisit,
    Matter,
    MatterEvent,
    MatterParty,
    MediationSession,
    SupervisionNote,
)
from anju.matters.workflow import OPEN_STATUSES, TRANSITIONS

from .conftest import FAST_HASHERS

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            summary = load_demo(seed=3, years=1, today=TODAY, scale=0.6)
            yield summary
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_summary_names_counts_and_surges(demo):
    assert "示范县" in demo and "件" in demo and "金桥村" in demo and "石门村" in demo
    assert str(Matter.objects.count()) in demo


def test_area_tree_three_towns_thirty_villages_with_grids_and_boundaries(demo):
    county = Area.objects.get(code="339901000000")
    towns = Area.objects.filter(level=AreaLevel.TOWN)
    villages = Area.objects.filter(level=AreaLevel.VILLAGE)
    assert towns.count() == 3 and villages.count() >= 30
    assert all(v.children.exists() for v in villages)
    for area in Area.objects.subtree(county):
        assert len(area.code) == 12 and area.latitude and area.longitude
        ring = area.boundary["coordinates"][0]
        assert area.boundary["type"] == "Polygon" and ring[0] == ring[-1] and len(ring) >= 4


def test_units_for_county_towns_and_every_village(demo):
    assert Unit.objects.filter(kind=UnitKind.CENTRE).count() == 4
    for town in Area.objects.filter(level=AreaLevel.TOWN):
        names = set(town.units.values_list("name", flat=True))
        for suffix in ("综治中心", "派出所", "司法所", "人社所", "信访办"):
            assert f"{town.name}{suffix}" in names
    for village in Area.objects.filter(level=AreaLevel.VILLAGE):
        assert village.units.filter(kind=UnitKind.VILLAGE_COMMITTEE).count() == 1


def test_every_role_and_the_demo_logins_work(demo):
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert not User.objects.filter(is_demo=False).exists()
    for username, description in DEMO_LOGINS:
        assert description
        # a sign-in carries its request (django-axes counts failures per account and address)
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password=DEMO_PASSWORD) is not None, username
    cun, wangge, bumen = (User.objects.get(username=u) for u in ("cun", "wangge", "bumen"))
    assert cun.role == Role.VILLAGE_CADRE and cun.area.name == "金桥村"
    assert wangge.role == Role.GRID_WORKER and wangge.area.parent == cun.area
    assert bumen.role == Role.DEPARTMENT_OFFICER and bumen.unit.name == "青山镇人社所"
    assert User.objects.get(username="lingdao").role == Role.LEADER
    assert User.objects.get(username="zongzhi").area.level == AreaLevel.COUNTY
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="shenji").role == Role.AUDITOR


def test_bumen_sees_the_labour_office_and_wage_matters_of_the_town_only(demo):
    """The demo's department officer (青山镇人社所, serving 社会保障和民工欠薪) sees a part of the town: the
    matters assigned to the office and the town's wage matters, not the police station's other matters."""
    from anju.core.scoping import scoped

    bumen = User.objects.get(username="bumen")
    assert list(bumen.unit.domains.values_list("code", flat=True)) == ["social_security_wages"]
    town = Matter.objects.filter(area__path__startswith=bumen.area.path)
    expected = set(town.filter(responsible_unit=bumen.unit).values_list("pk", flat=True)) | set(
        town.filter(domain__code="social_security_wages").values_list("pk", flat=True)
    )
    seen = set(scoped(bumen, Matter).values_list("pk", flat=True))
    assert seen == expected
    assert 0 < len(seen) < town.count()


def test_cun_logs_in_and_sees_the_home_page(demo, client):
    signed_in = client.post("/login/", {"username": "cun", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/").status_code == 200


def test_everything_is_marked_demo_and_personal_data_is_fake(demo):
    assert Matter.objects.count() > 300
    assert not Matter.objects.filter(is_demo=False).exists()
    assert not Report.objects.filter(is_demo=False).exists()
    grid_reports = Report.objects.filter(channel="grid")
    assert grid_reports.exists() and not grid_reports.exclude(area__level=AreaLevel.GRID).exists()
    assert all(is_valid_id_number(p.id_number) for p in MatterParty.objects.exclude(id_number="")[:100])
    phones = [p.phone for p in MatterParty.objects.all()[:300] if p.phone]
    assert phones and all(p.startswith("1990000") and len(p) == 11 for p in phones)
    assert all(p.masked_phone.startswith("199****") for p in MatterParty.objects.exclude(phone="")[:50])


def test_every_matter_has_a_report_and_a_consistent_timeline(demo):
    matters = list(Matter.objects.prefetch_related("events", "reports"))
    for matter in matters:
        reports = list(matter.reports.all())
        assert reports or matter.status == "merged", matter.number
        assert all(normalise(r.receipt_code) for r in reports)
        own = [e for e in matter.events.all() if e.kind != "merge_received"]
        assert own[0].kind == "registered" and own[0].at == matter.registered_at
        status = ""
        for event in own:
            if event.to_status and event.kind != "registered":
                assert event.from_status == status
                action = {
                    "started": "start",
                    "followed_up": "follow_up",
                    "archived": "archive",
                    "returned": "return",
                    "escalated": "escalate",
                    "rejected": "reject",
                    "merged": "merge",
                    "assigned": "assign",
                    "assessed": "assess",
                    "resolved": "resolve",
                }.get(event.kind)
                if action:
                    assert (
                        status in TRANSITIONS[action].sources
                        and event.to_status == TRANSITIONS[action].target
                    )
            status = event.to_status or status
        assert status == matter.status, matter.number
        if any(e.kind in ("escalated", "returned", "rejected") for e in own):
            assert matter.closing_reason, matter.number


def test_history_is_historical_and_statuses_vary_with_age(demo):
    first = Matter.objects.order_by("registered_at").first()
    assert (TODAY - first.registered_at.date()).days > 365
    assert MatterEvent.objects.filter(at__date__lt=TODAY - dt.timedelta(days=300)).exists()
    statuses = Counter(Matter.objects.values_list("status", flat=True))
    assert len(statuses) >= 7, statuses
    assert statuses["rejected"] and statuses["merged"] and statuses["archived"]
    old = Matter.objects.filter(registered_at__date__lt=TODAY - dt.timedelta(days=180))
    assert old.exclude(status__in=OPEN_STATUSES).count() > 0.95 * old.count()
    recent = Matter.objects.filter(registered_at__date__gte=TODAY - dt.timedelta(days=14))
    recent_open = recent.filter(status__in=OPEN_STATUSES).count() / recent.count()
    old_open = old.filter(status__in=OPEN_STATUSES).count() / old.count()
    assert recent_open > 0.3 and recent_open > 10 * old_open


def test_some_open_matters_are_overdue_but_not_most(demo):
    open_matters = Matter.objects.open().count()
    overdue = Matter.objects.overdue(TODAY).count()
    assert 1 <= overdue <= 0.3 * open_matters


def test_risk_levels_mediation_follow_up_and_supervision_are_present(demo):
    levels = Counter(Matter.objects.values_list("inherent_level", flat=True))
    assert {"low", "medium", "high"} <= set(levels)
    assert (
        MediationSession.objects.exists()
        and FollowUpVisit.objects.exists()
        and SupervisionNote.objects.exists()
    )
    assert Matter.objects.exclude(handling_area=F("area")).exists(), "some matters were escalated"


def test_planted_surges_stand_out_in_the_ledger(demo):
    wages = Matter.objects.filter(area__name="金桥村", domain__code="social_security_wages")
    by_week = Counter(history.monday(m.occurred_at.date()) for m in wages)
    festival_week = history.monday(dt.date(2026, 2, 17))
    surge = sum(by_week[festival_week - dt.timedelta(weeks=k)] for k in range(1, 5))
    assert surge >= 16
    land = Matter.objects.filter(
        area__name__in=["上埠村", "下埠村", "沙洲村"], domain__code="land_requisition"
    )
    announced = history.monday(TODAY) - dt.timedelta(weeks=history.LAND_ANNOUNCED_WEEKS_AGO)
    after = land.filter(
        registered_at__date__gte=announced, registered_at__date__lt=announced + dt.timedelta(weeks=8)
    )
    assert after.count() >= 20
    odour = Matter.objects.filter(
        area__name="石门村",
        domain__code="environment_projects",
        registered_at__date__gte=history.monday(TODAY) - dt.timedelta(weeks=2),
    )
    assert odour.count() >= 8
    assert odour.filter(status__in=OPEN_STATUSES).exists()


def test_recent_reports_wait_in_the_intake_queue(demo):
    pending = Report.objects.filter(status=ReportStatus.RECEIVED)
    assert pending.exists()
    assert all(r.matter_id is None and r.is_demo for r in pending)
    assert all(r.received_at.date() >= TODAY - dt.timedelta(days=4) for r in pending)
    assert AuditEvent.objects.filter(action="report.submit").count() == pending.count()


def test_the_import_is_audited_and_loading_twice_is_refused(demo):
    assert AuditEvent.objects.filter(action="matter.import").count() >= 30
    with pytest.raises(DemoAlreadyLoaded):
        load_demo(seed=3, years=1, today=TODAY, scale=0.6)


def test_the_village_logins_have_notices_waiting(demo):
    """cun and wangge of 金桥村村委会 get the demo's 交办 notice; wangge also hears that a grid report was not
    accepted (the other logins get theirs from the reminders and the other apps' demo content)."""
    from anju.core.models import Notification
    from anju.demo.notifications import _village_events

    before = {
        name: Notification.objects.filter(user__username=name, read_at__isnull=True).count()
        for name in ("cun", "wangge", "zhen")
    }
    assert len(_village_events(timezone.now())) == 2
    kinds = {
        name: sorted(
            Notification.objects.filter(user__username=name, read_at__isnull=True).values_list(
                "kind", flat=True
            )
        )
        for name in ("cun", "wangge")
    }
    assert kinds["cun"].count("matters.assigned") >= 1
    assert "intake.rejected" in kinds["wangge"] and "matters.assigned" in kinds["wangge"]
    assert len(kinds["cun"]) == before["cun"] + 1
    assert len(kinds["wangge"]) == before["wangge"] + 2
    # the town centre acted: it is not told of its own actions
    assert Notification.objects.filter(user__username="zhen", read_at__isnull=True).count() == before["zhen"]
