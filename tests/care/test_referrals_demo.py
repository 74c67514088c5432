"""The referrals demo on the `world` (东镇 stands for the featured town; no 县司法局 user, so no 法律援助 answer)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.care.demo_referrals import load_referrals_demo
from anju.care.models import Referral, ServiceUnit
from anju.intake import actions as intake
from anju.intake.models import SatisfactionRating
from anju.matters import actions as m

pytestmark = pytest.mark.django_db


def test_referrals_demo(world):
    for n in range(6):
        m.create_matter(
            world.centre_staff,
            kind="dispute",
            domain=world.wages,
            area=world.village_a1,
            title=f"演示欠薪{n}",
            description="工人反映欠薪。",
            parties=[{"role": "applicant", "name": f"演示人{n}", "phone": "13800000000"}],
        )
    report = intake.submit_report(
        None, channel="online", text="东一村路灯不亮，夜间出行不便。", area=world.village_a1
    )
    matter = intake.register_report(
        world.centre_staff,
        report,
        kind="demand",
        domain=world.land,
        title="路灯",
        likelihood=2,
        consequence=2,
    )
    m.assign(
        world.centre_staff,
        matter,
        unit=world.committee_a1,
        deadline=timezone.localdate() + dt.timedelta(days=3),
    )
    m.start(world.centre_staff, matter)
    m.resolve(world.centre_staff, matter, outcome="已修复", public_note="已修复")

    summary = load_referrals_demo()
    assert summary == "转介：6 个服务机构，5 件转介；群众评价 1 件。"
    assert ServiceUnit.objects.filter(area=world.town_a, name="东镇就业服务站", unit=world.police).exists()
    states = sorted(Referral.objects.values_list("service_unit__kind", "status"))
    assert states == [
        ("assistance", "accepted"),
        ("counselling", "closed"),
        ("counselling", "sent"),
        ("employment", "done"),
        ("medical", "sent"),
    ]
    served = Referral.objects.get(status="closed")
    assert served.outcome and served.answered_by.username == "xinli"
    assert SatisfactionRating.objects.get().report == report

    assert load_referrals_demo() == summary  # a second run adds nothing
    assert Referral.objects.count() == 5 and SatisfactionRating.objects.count() == 1
