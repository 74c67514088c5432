"""Counts by service kind on the overview (态势) and in the monthly report, and the 回访 figures with the
citizens' ratings counted apart from the staff's records. Expected numbers are written by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from care_helpers import at, send
from django.urls import reverse
from django.utils import timezone

from anju.care import actions as care
from anju.intake import actions as intake
from anju.matters import actions as m
from anju.reports import actions as reports
from anju.reports import document

pytestmark = pytest.mark.django_db


def _row(rows, kind):
    return next(r for r in rows if r["kind"] == kind)


@pytest.fixture
def month_of_referrals(world, matter, directory):
    """In the test month: 社会心理服务 ×3 (one served, one declined, one accepted only after the month),
    法律援助 ×1 (accepted), 就业服务 ×1 (unanswered); one more 社会心理服务 the month before."""
    member = directory.member
    r1 = send(world, matter, directory.counselling, now=at(3))
    care.accept_referral(member, r1, now=at(4))
    care.record_outcome(member, r1, outcome="已开展心理疏导", outcome_on=at(10).date(), now=at(10))
    r2 = send(world, matter, directory.counselling, now=at(5))
    care.decline_referral(member, r2, reason="排期已满", now=at(6))
    r3 = send(world, matter, directory.legal, now=at(7))
    care.accept_referral(world.town_staff, r3, now=at(8))
    send(world, matter, directory.employment, now=at(9))
    r6 = send(world, matter, directory.counselling, now=at(28))
    care.accept_referral(member, r6, now=at(28) + dt.timedelta(days=7))  # after the month's end
    send(world, matter, directory.counselling, now=at(1) - dt.timedelta(days=3))  # the month before


def _resolved_request(world, text):
    report = intake.submit_report(None, channel="online", text=text, area=world.village_a1)
    matter = intake.register_report(
        world.centre_staff,
        report,
        kind="demand",
        domain=world.land,
        title=text[:10],
        likelihood=2,
        consequence=2,
    )
    m.assign(
        world.centre_staff,
        matter,
        unit=world.committee_a1,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    m.start(world.centre_staff, matter)
    m.resolve(world.centre_staff, matter, outcome="已处理", public_note="已处理")
    return report, matter


@pytest.fixture
def ratings(world):
    """In the test month: citizens rate 满意 and 不满意; staff make one 回访 (基本满意). Today: one 满意."""
    first, first_matter = _resolved_request(world, "东一村三组路灯不亮，夜间出行不便。")
    second, _second_matter = _resolved_request(world, "东一村垃圾清运不及时，影响环境卫生。")
    today, _ = _resolved_request(world, "东一村健身器材损坏，存在安全隐患。")
    intake.rate_handling(first.receipt_code, rating="satisfied", now=at(12))
    intake.rate_handling(second.receipt_code, rating="unsatisfied", comment="处理太慢", now=at(13))
    intake.rate_handling(today.receipt_code, rating="satisfied")
    m.follow_up(world.centre_staff, first_matter, visited_on=at(14).date(), satisfaction="basically")


def test_monthly_report_counts_referrals_by_kind_and_follow_up_apart(world, month_of_referrals, ratings):
    report = reports.generate_report(world.centre_staff, area=world.county, month=at(1).date())
    f = report.figures["referrals"]
    assert _row(f["by_kind"], "counselling") == {
        "kind": "counselling",
        "label": "社会心理服务",
        "sent": 3,
        "accepted": 1,
        "declined": 1,
        "with_outcome": 1,
    }
    assert {
        k: _row(f["by_kind"], "legal_aid")[k] for k in ("sent", "accepted", "declined", "with_outcome")
    } == {
        "sent": 1,
        "accepted": 1,
        "declined": 0,
        "with_outcome": 0,
    }
    assert _row(f["by_kind"], "employment")["sent"] == 1 and _row(f["by_kind"], "medical")["sent"] == 0
    assert f["totals"] == {"sent": 5, "accepted": 2, "declined": 1, "with_outcome": 1}

    u = report.figures["follow_up"]
    assert u["staff"] == {
        "satisfied": 0,
        "basically": 1,
        "unsatisfied": 0,
        "unreachable": 0,
        "total": 1,
        "rate": 100.0,
    }
    assert u["citizen"] == {"satisfied": 1, "basically": 0, "unsatisfied": 1, "total": 2, "rate": 50.0}

    texts = [b.text for b in document.blocks(report) if getattr(b, "text", None)]
    assert "本月转介 5 人次，至月末已接收 2、被拒绝 1、已反馈结果 1。" in texts
    assert any("群众在查询页自行评价 2 件（满意 1、基本满意 0、不满意 1，满意率 50.0%）" in t for t in texts)
    table = next(
        b for b in document.blocks(report) if b.kind == "table" and b.rows and b.rows[0][0] == "社会心理服务"
    )
    assert table.rows[0] == ["社会心理服务", "3", "1", "1", "1"]

    west = reports.generate_report(world.centre_staff, area=world.town_b, month=at(1).date())
    assert west.figures["referrals"]["totals"] == {"sent": 0, "accepted": 0, "declined": 0, "with_outcome": 0}
    assert west.figures["follow_up"]["citizen"]["total"] == 0


def test_overview_counts_what_the_user_may_see(client, world, month_of_referrals, ratings, directory):
    client.force_login(world.town_staff)
    care_ctx = client.get(reverse("dashboard:index")).context["care"]
    counselling = _row(care_ctx["referrals"], "counselling")
    assert (
        counselling["sent"],
        counselling["accepted"],
        counselling["declined"],
        counselling["with_outcome"],
    ) == (
        4,
        2,
        1,
        1,
    )
    assert care_ctx["referral_totals"] == {"sent": 6, "accepted": 3, "declined": 1, "with_outcome": 1}
    assert (
        care_ctx["open_referrals"] == 4
    )  # r3 and r6 accepted, the employment one and the month before's sent
    # this month: only today's citizen rating
    assert care_ctx["follow_up"]["citizen"]["total"] == 1 and care_ctx["follow_up"]["staff"]["total"] == 0

    client.force_login(directory.member)  # the receiving unit: only what is addressed to it
    care_ctx = client.get(reverse("dashboard:index")).context["care"]
    assert care_ctx["referral_totals"] == {"sent": 4, "accepted": 2, "declined": 1, "with_outcome": 1}

    client.force_login(world.cadre_b)  # 西镇: none of them
    page = client.get(reverse("dashboard:index"))
    assert page.context["care"]["referral_totals"]["sent"] == 0
    assert "dash-care" in page.content.decode()
