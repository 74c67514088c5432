"""Helpers of the care tests: the moments the tests act at, and sending a referral with consent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.care import actions as care


def at(day: int, hour: int = 10) -> dt.datetime:
    """A moment of the test month: day ``day`` of the month two months ago (complete and in the past)."""
    first = (timezone.localdate().replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    return timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=day - 1), dt.time(hour)))


def send(world, matter, service, *, actor=None, party=None, now=None, **kw):
    """A referral with consent (口头), by 东镇综治中心 unless ``actor`` says otherwise."""
    return care.send_referral(
        actor or world.town_staff,
        matter,
        party=party or matter.parties.order_by("pk").first(),
        service_unit=service,
        purpose=kw.pop("purpose", "当事人因欠薪焦虑失眠，需要心理疏导"),
        consent=kw.pop("consent", True),
        consent_method=kw.pop("consent_method", "oral"),
        consent_note=kw.pop("consent_note", "调解时当面征得同意"),
        now=now or at(3),
    )
