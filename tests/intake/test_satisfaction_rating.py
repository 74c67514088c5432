"""The citizen rates the handling on the status page (满意/基本满意/不满意 + comment): once per request, by its
receipt code, only after the matter is resolved, limited like the public form. Expected values by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core.errors import WorkflowError
from anju.core.models import AuditEvent
from anju.intake import actions, receipts
from anju.intake.models import SatisfactionRating
from anju.matters import actions as m

from .helpers import NAME, PHONE, report_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(world):
    """An online request registered as a matter (assessed 2 × 2), not yet resolved."""
    report = actions.submit_report(
        None, **report_kwargs(world, channel="online"), reporter_name=NAME, reporter_phone=PHONE
    )
    actions.register_report(
        world.centre_staff,
        report,
        kind="demand",
        domain=world.land,
        title="路灯维修",
        likelihood=2,
        consequence=2,
    )
    report.refresh_from_db()
    return report


def resolve(world, matter):
    staff = world.centre_staff
    m.assign(staff, matter, unit=world.committee_a1, deadline=timezone.localdate() + dt.timedelta(days=7))
    m.start(staff, matter)
    m.resolve(staff, matter, outcome="已修复路灯", public_note="路灯已修复")


def test_rated_once_after_resolution_and_shown_back(client, world, request_):
    code = receipts.display(request_.receipt_code)
    page = client.get("/public/track", {"code": code}).content.decode()
    assert "评价办理结果" not in page  # not resolved yet: no form
    with pytest.raises(WorkflowError, match="办结后"):
        actions.rate_handling(code, rating="satisfied")

    resolve(world, request_.matter)
    page = client.get("/public/track", {"code": code}).content.decode()
    assert "评价办理结果" in page and 'value="basically"' in page

    response = client.post(
        "/public/rate", {"code": code, "rating": "basically", "comment": "维修及时，希望多巡查"}
    )
    assert response.status_code == 303
    rating = SatisfactionRating.objects.get()
    assert (rating.report, rating.matter, rating.rating) == (request_, request_.matter, "basically")
    page = client.get(response["Location"]).content.decode()
    assert "感谢您的评价" in page and "基本满意" in page and "维修及时，希望多巡查" in page
    assert "评价办理结果" not in page

    # a second attempt shows the rating given, and changes nothing
    again = client.post("/public/rate", {"code": code, "rating": "unsatisfied", "comment": "再评一次"})
    html = again.content.decode()
    assert again.status_code == 409 and "已经评价过" in html and "基本满意" in html
    assert SatisfactionRating.objects.count() == 1 and SatisfactionRating.objects.get().rating == "basically"

    event = AuditEvent.objects.get(action="report.citizen_rating")
    assert event.actor is None and event.area == world.village_a1
    assert event.after == {"rating": "basically", "matter": request_.matter_id, "commented": True}


def test_wrong_code_and_bad_input(client, world, request_):
    resolve(world, request_.matter)
    wrong = client.post("/public/rate", {"code": "2345-6789-ABCD", "rating": "satisfied"})
    assert wrong.status_code == 400 and "没有找到" in wrong.content.decode()
    code = receipts.display(request_.receipt_code)
    missing = client.post("/public/rate", {"code": code, "rating": ""})
    assert missing.status_code == 400 and "请选择满意、基本满意或不满意" in missing.content.decode()
    with pytest.raises(ValidationError) as refused:
        actions.rate_handling(code, rating="great")
    assert "rating" in refused.value.message_dict
    assert SatisfactionRating.objects.count() == 0
    assert not AuditEvent.objects.filter(action="report.citizen_rating").exists()


def test_the_comment_keeps_no_phone_number(world, request_):
    resolve(world, request_.matter)
    rating = actions.rate_handling(request_.receipt_code, rating="unsatisfied", comment="请回电 13912345678")
    assert "13912345678" not in rating.comment and rating.comment.startswith("请回电")


def test_rating_attempts_are_limited_like_the_public_form(client, world, request_, settings):
    settings.ANJU_PUBLIC_SUBMIT_PER_HOUR = 2
    resolve(world, request_.matter)
    client.post("/public/rate", {"code": "2345-6789-ABCD", "rating": "satisfied"})
    client.post("/public/rate", {"code": "2345-6789-ABCE", "rating": "satisfied"})
    code = receipts.display(request_.receipt_code)
    limited = client.post("/public/rate", {"code": code, "rating": "satisfied"})
    assert limited.status_code == 429
    assert SatisfactionRating.objects.count() == 0
    # another address is not held back
    assert (
        client.post("/public/rate", {"code": code, "rating": "satisfied"}, REMOTE_ADDR="10.0.0.7").status_code
        == 303
    )


def test_staff_follow_up_records_stay_apart(world, request_):
    resolve(world, request_.matter)
    actions.rate_handling(request_.receipt_code, rating="unsatisfied")
    matter = request_.matter
    matter.refresh_from_db()
    assert matter.follow_ups.count() == 0 and matter.satisfaction == ""  # the citizen's rating is not a 回访
    assert matter.status == "resolved"
