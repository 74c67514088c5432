"""The citizen's pages: /public/submit (no login, rate-limited, honeypot) and /public/track."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from anju.intake import actions, public_views, receipts
from anju.intake.models import Attachment, Report
from anju.matters import actions as matter_actions

from .helpers import NAME, PHONE, jpeg, report_kwargs, upload


def submit_data(world, **overrides):
    data = {
        "area": world.village_a1.pk,
        "text": "小区门口路灯坏了一个月",
        "location": "东一村三组",
        "reporter_name": NAME,
        "reporter_phone": PHONE,
    }
    data.update(overrides)
    return data


def test_public_urls_are_exactly_as_printed():
    assert reverse("public:submit") == "/public/submit"
    assert reverse("public:track") == "/public/track"
    assert reverse("public:receipt") == "/public/receipt"


def test_trailing_slash_redirects_to_the_canonical_address(client):
    response = client.get("/public/track/?code=abc")
    assert response.status_code == 302 and response["Location"] == "/public/track?code=abc"


def test_submit_form_needs_no_login_and_lists_villages_by_town(client, world):
    response = client.get("/public/submit")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="东镇">' in html and "东一村" in html and "西一村" in html
    assert "东一村第一网格" not in html  # only villages/communities are offered


def test_submit_returns_a_receipt_code_and_saves_an_online_report(client, world):
    response = client.post("/public/submit", submit_data(world, attachments=[jpeg()]), follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain == [("/public/receipt", 303)]
    report = Report.objects.get()
    assert report.channel == "online" and report.created_by is None and report.attachments.count() == 1
    assert receipts.display(report.receipt_code) in html
    assert "保存" in html and "/public/track?code=" in html
    assert NAME not in html and PHONE not in html


def test_submit_shows_field_errors_next_to_the_fields(client, world):
    response = client.post("/public/submit", submit_data(world, text="", area="", reporter_phone="123"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写反映的内容" in html and "请选择所在村（社区）" in html and "联系电话" in html
    assert html.count('class="field has-error') == 3
    assert Report.objects.count() == 0


def test_submit_refuses_a_fake_image_and_keeps_nothing(client, world):
    fake = upload("photo.jpg", b"GIF89a not allowed either", "image/jpeg")
    response = client.post("/public/submit", submit_data(world, attachments=[jpeg(), fake]))
    assert "不是 JPG、PNG 图片或 PDF 文件" in response.content.decode()
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0


def test_honeypot_submissions_are_dropped_silently(client, world):
    response = client.post("/public/submit", submit_data(world, homepage="http://spam.example"))
    assert response.status_code == 303 and response["Location"] == "/public/receipt"
    receipt = client.get("/public/receipt")
    html = receipt.content.decode()
    assert receipt.status_code == 200 and "已收到" in html and 'id="receipt-code"' not in html
    assert Report.objects.count() == 0


def test_reloading_the_receipt_shows_the_same_code_and_creates_nothing(client, world):
    """Post/Redirect/Get: the receipt is a GET page; reloading it (or going back to it) submits nothing."""
    response = client.post("/public/submit", submit_data(world))
    assert response.status_code == 303 and response["Location"] == "/public/receipt"
    report = Report.objects.get()
    code = receipts.display(report.receipt_code)
    pages = [client.get("/public/receipt") for _ in range(3)]
    assert all(p.status_code == 200 and code in p.content.decode() for p in pages)
    assert Report.objects.count() == 1
    # a second submission replaces the receipt shown
    client.post("/public/submit", submit_data(world, text="另一件事：水管漏水"))
    second = Report.objects.exclude(pk=report.pk).get()
    html = client.get("/public/receipt").content.decode()
    assert receipts.display(second.receipt_code) in html and code not in html


def test_the_receipt_page_without_a_submission_goes_to_the_form(client, world):
    response = client.get("/public/receipt")
    assert response.status_code == 302 and response["Location"] == "/public/submit"
    other = Client()  # another browser never sees this browser's receipt
    client.post("/public/submit", submit_data(world))
    assert other.get("/public/receipt").status_code == 302


def test_the_receipt_is_shown_for_half_an_hour_only(client, world):
    client.post("/public/submit", submit_data(world))
    code = receipts.display(Report.objects.get().receipt_code)
    assert code in client.get("/public/receipt").content.decode()
    session = client.session  # the submission, as if made half an hour and a second ago
    session[public_views.RECEIPT_SESSION_KEY]["at"] -= public_views.RECEIPT_SHOWN_SECONDS + 1
    session.save()
    assert client.get("/public/receipt").status_code == 302


def test_rate_limit_answers_429_with_a_friendly_message(client, world, settings):
    settings.ANJU_PUBLIC_SUBMIT_PER_HOUR = 3
    for _ in range(3):
        assert client.post("/public/submit", submit_data(world)).status_code == 303
    response = client.post("/public/submit", submit_data(world))
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert client.get("/public/submit").status_code == 429
    assert Report.objects.count() == 3
    # another client address has its own allowance
    assert client.post("/public/submit", submit_data(world), REMOTE_ADDR="10.0.0.9").status_code == 303


def test_invalid_attempts_count_towards_the_limit(client, world, settings):
    settings.ANJU_PUBLIC_SUBMIT_PER_HOUR = 2
    client.post("/public/submit", submit_data(world, text=""))
    client.post("/public/submit", submit_data(world, homepage="x"))
    assert client.post("/public/submit", submit_data(world)).status_code == 429
    assert Report.objects.count() == 0


@pytest.fixture
def tracked(world):
    report = actions.submit_report(
        None, **report_kwargs(world, channel="online"), reporter_name=NAME, reporter_phone=PHONE
    )
    matter = actions.register_report(
        world.centre_staff, report, kind="demand", domain=world.land, title="路灯维修"
    )
    matter_actions.add_note(world.centre_staff, matter, note="内部备注：反映人为张小明", public=False)
    matter_actions.add_note(world.centre_staff, matter, note="已通知村委会安排维修", public=True)
    return report


def test_track_shows_status_and_public_notes_only(client, world, tracked):
    response = client.get("/public/track", {"code": tracked.receipt_code})
    html = response.content.decode()
    assert response.status_code == 200
    assert "已通知村委会安排维修" in html and "已登记受理" in html and "东镇 东一村" in html
    assert "内部备注" not in html
    for secret in (NAME, PHONE, "138****5678", "张*", "zongzhi"):
        assert secret not in html
    # positive control: staff see the internal note on the matter's own page
    client.force_login(world.centre_staff)
    assert "内部备注" in client.get(f"/matters/{tracked.matter_id}/").content.decode()


def test_track_accepts_post_and_sloppy_typing(tracked):
    client = Client(enforce_csrf_checks=True)  # a plain POST of a code, with no form token, still works
    sloppy = " " + receipts.display(tracked.receipt_code).lower().replace("-", " - ") + " "
    response = client.post("/public/track", {"code": sloppy})
    assert response.status_code == 200 and "已通知村委会安排维修" in response.content.decode()


def wrong_check_char(code: str) -> str:
    other = next(c for c in receipts.ALPHABET if c != code[-1])
    return code[:-1] + other


@pytest.mark.parametrize(
    "code",
    [
        "abc",
        "2345-6789-ABCD",
        "' OR '1'='1",
        "1; DROP TABLE intake_report; --",
        "<script>alert(1)</script>",
        "X" * 10_000,
        "%00%ff",
        "０１２３",
        "\u202e\u0000",
    ],
)
def test_malformed_or_unknown_codes_are_a_friendly_not_found(client, world, code):
    response = client.get("/public/track", {"code": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert "未找到" in html
    assert "<script>alert(1)</script>" not in html
    assert 'name="code" value="' + "X" * 33 not in html  # garbage is not echoed back into the form


def test_a_code_with_a_wrong_check_character_is_not_found(client, tracked):
    response = client.get("/public/track", {"code": wrong_check_char(tracked.receipt_code)})
    assert response.status_code == 200 and "未找到" in response.content.decode()


def test_track_without_a_code_shows_just_the_form(client, world):
    html = client.get("/public/track").content.decode()
    assert 'name="code"' in html and "未找到" not in html


def test_receipt_code_normalisation():
    code = receipts.new_code()
    assert receipts.normalise(code.lower()) == code
    assert receipts.normalise(receipts.display(code)) == code
    assert receipts.normalise(" " + " ".join(code) + " ") == code
    assert receipts.normalise(wrong_check_char(code)) is None
    assert receipts.normalise(code[:-1]) is None and receipts.normalise(None) is None
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", receipts.display(code))


def submission_token(client) -> str:
    html = client.get("/public/submit").content.decode()
    return re.search(r'name="submission" value="([^"]+)"', html).group(1)


def test_the_same_form_sent_twice_creates_one_request(client, world):
    token = submission_token(client)
    first = client.post("/public/submit", submit_data(world, submission=token))
    again = client.post("/public/submit", submit_data(world, submission=token))
    assert first.status_code == again.status_code == 303
    report = Report.objects.get()
    assert receipts.display(report.receipt_code) in client.get("/public/receipt").content.decode()
    # a fresh form is a new request
    client.post("/public/submit", submit_data(world, submission=submission_token(client)))
    assert Report.objects.count() == 2


def test_a_refused_form_may_be_sent_again_with_its_token(client, world):
    token = submission_token(client)
    refused = client.post("/public/submit", submit_data(world, text="", submission=token))
    assert refused.status_code == 200 and f'value="{token}"' in refused.content.decode()
    assert client.post("/public/submit", submit_data(world, submission=token)).status_code == 303
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_sends_two_posts_at_once_and_creates_one_request(world):
    """Two POSTs of one form at the same moment, in real threads: one request, the same receipt for both."""
    for _ in range(5):
        browser = Client()
        token = submission_token(browser)
        barrier = threading.Barrier(2)
        answers = []

        def send(browser=browser, token=token, barrier=barrier, answers=answers):
            try:
                barrier.wait(timeout=30)
                answers.append(browser.post("/public/submit", submit_data(world, submission=token)))
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert [a.status_code for a in answers] == [303, 303]
        assert [a["Location"] for a in answers] == ["/public/receipt"] * 2
    assert Report.objects.count() == 5
