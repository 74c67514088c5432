"""Staff pages: intake forms, the scoped list and detail, attachments, reveal, and the handling actions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.intake import actions
from anju.intake.models import Report, ReportStatus
from anju.matters.models import Matter

from .helpers import JPEG_BYTES, NAME, PHONE, jpeg, pdf, report_kwargs, upload


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def report(world):
    return actions.submit_report(
        world.cadre,
        **report_kwargs(world, text="东一村三组两户因宅基地边界争执"),
        reporter_name=NAME,
        reporter_phone=PHONE,
        attachments=[jpeg(), pdf()],
    )


def test_pages_need_login(client, world, report):
    for url in ("/intake/", "/intake/new/", f"/intake/{report.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_form_receives_a_report_with_all_fields(client, world):
    login(client, world.town_staff)
    page = client.get("/intake/new/").content.decode()
    assert "东一村" in page and "西一村" not in page  # area choices are limited to the scope
    login(client, world.centre_staff)
    assert "西一村" in client.get("/intake/new/").content.decode()  # positive control: the county's form
    login(client, world.town_staff)
    response = client.post(
        "/intake/new/",
        {
            "channel": "call",
            "received_at": "2026-11-27T09:30",
            "area": world.village_a2.pk,
            "title": "噪音扰民",
            "text": "夜间工地施工噪音",
            "domain": world.land.pk,
            "location": "东二村口",
            "reporter_name": NAME,
            "reporter_phone": "0571-87654321",
            "reporter_id_number": "",
            "attachments": [jpeg(), pdf()],
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/intake/{report.pk}/"
    assert (
        report.channel == "call" and report.area == world.village_a2 and report.suggested_domain == world.land
    )
    assert timezone.localtime(report.received_at).replace(tzinfo=None) == dt.datetime(2026, 11, 27, 9, 30)
    assert report.attachments.count() == 2 and report.created_by == world.town_staff


def test_staff_form_shows_every_error_at_once(client, world):
    login(client, world.centre_staff)
    response = client.post(
        "/intake/new/",
        {
            "channel": "visit",
            "area": world.village_a1.pk,
            "text": "",
            "reporter_phone": "999",
            "reporter_id_number": "110101199003074515",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写正确的联系电话" in html and "校验位不正确" in html and html.count("has-error") == 3
    assert Report.objects.count() == 0


def test_staff_form_refuses_an_area_outside_scope(client, world):
    login(client, world.cadre)
    client.post("/intake/new/", {"channel": "visit", "area": world.village_b1.pk, "text": "越界"})
    assert Report.objects.count() == 0


def test_leaders_and_auditors_cannot_open_the_intake_form(client, world):
    for user in (world.leader, world.auditor):
        login(client, user)
        assert client.get("/intake/new/").status_code == 403


def test_grid_form_is_phone_friendly_and_fixes_the_channel(client, world):
    login(client, world.grid_worker)
    assert client.get("/intake/new/")["Location"] == "/intake/grid/"
    html = client.get("/intake/grid/").content.decode()
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert "data-geo-button" in html and 'name="latitude"' in html
    assert f'<option value="{world.grid_a1.pk}" selected>' in html
    response = client.post(
        "/intake/grid/",
        {
            "area": world.grid_a1.pk,
            "text": "河道护栏缺失",
            "latitude": "30.25",
            "longitude": "120.16",
            "attachments": [jpeg("IMG_0001.JPG")],
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.channel == "grid" and report.area == world.grid_a1
    assert (report.latitude, report.longitude) == (30.25, 120.16)
    assert report.attachments.get().content_type == "image/jpeg"


def test_grid_form_refuses_a_non_image(client, world):
    login(client, world.grid_worker)
    response = client.post(
        "/intake/grid/", {"area": world.grid_a1.pk, "text": "x", "attachments": [upload("a.jpg", b"text")]}
    )
    assert response.status_code == 200 and "不是 JPG、PNG 图片或 PDF 文件" in response.content.decode()
    assert Report.objects.count() == 0


def test_list_is_scoped_filtered_searchable_and_masked(client, world, report):
    actions.submit_report(
        world.cadre_b,
        **report_kwargs(world, area=world.village_b1, text="西一村水渠堵塞"),
        reporter_name="李四",
    )
    login(client, world.cadre)
    html = client.get("/intake/").content.decode()
    assert "宅基地" in html and "西一村水渠" not in html
    assert "张**" in html and NAME not in html
    login(client, world.centre_staff)
    assert "西一村水渠" in client.get("/intake/").content.decode()
    assert "宅基地" not in client.get("/intake/", {"q": "水渠"}).content.decode()
    assert "宅基地" in client.get("/intake/", {"q": report.receipt_code.lower()}).content.decode()
    assert "宅基地" not in client.get("/intake/", {"area": world.town_b.pk}).content.decode()
    assert "宅基地" not in client.get("/intake/", {"status": "rejected"}).content.decode()
    assert "宅基地" not in client.get("/intake/", {"channel": "letter"}).content.decode()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert "宅基地" not in client.get("/intake/", {"date_from": tomorrow}).content.decode()
    assert "宅基地" in client.get("/intake/", {"date_to": tomorrow}).content.decode()
    assert "没有符合条件的诉求" in client.get("/intake/", {"q": "不存在的内容"}).content.decode()


def test_list_paginates(client, world, settings):
    settings.ANJU_PAGE_SIZE = 2
    for i in range(5):
        actions.submit_report(world.cadre, **report_kwargs(world, text=f"第{i}条诉求"))
    login(client, world.cadre)
    html = client.get("/intake/", {"page": 3}).content.decode()
    assert "第 3 / 3 页" in html and "第0条诉求" in html


def test_report_in_another_village_is_404_for_a_village_cadre(client, world, report):
    login(client, world.cadre_b)
    assert client.get(f"/intake/{report.pk}/").status_code == 404
    attachment = report.attachments.first()
    assert client.get(f"/intake/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/intake/{report.pk}/reject/", {"reason": "x"}).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED


def test_detail_masks_the_reporter_and_reveal_is_logged(client, world, report):
    login(client, world.centre_staff)
    html = client.get(f"/intake/{report.pk}/").content.decode()
    assert "张**" in html and "138****5678" in html and NAME not in html and PHONE not in html
    reveal_url = f"/reveal/report/{report.pk}/reporter_phone/"
    assert f'hx-post="{reveal_url}"' in html
    response = client.post(reveal_url)
    assert PHONE in response.content.decode()
    assert AuditEvent.objects.filter(action="personal_data.reveal", note="reporter_phone").count() == 1


def test_detail_offers_no_reveal_to_roles_without_the_permission(client, world, report):
    login(client, world.cadre)
    html = client.get(f"/intake/{report.pk}/").content.decode()
    assert "/reveal/" not in html and "张**" in html
    assert client.post(f"/reveal/report/{report.pk}/reporter_name/").status_code == 403


def test_attachments_are_served_through_the_scoped_view(client, world, report):
    login(client, world.cadre)
    image = report.attachments.get(content_type="image/jpeg")
    response = client.get(f"/intake/attachments/{image.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == JPEG_BYTES
    assert "/media/" not in client.get(f"/intake/{report.pk}/").content.decode()


def test_register_from_the_detail_page(client, world, report):
    login(client, world.centre_staff)
    html = client.get(f"/intake/{report.pk}/").content.decode()
    assert 'name="likelihood"' in html and "登记为新事项" in html
    response = client.post(
        f"/intake/{report.pk}/register/",
        {
            "kind": "dispute",
            "domain": world.land.pk,
            "title": "宅基地边界纠纷",
            "description": "",
            "people_involved": "2",
            "amount_involved": "0",
            "likelihood": "3",
            "consequence": "2",
        },
    )
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.title == "宅基地边界纠纷" and matter.likelihood == 3 and matter.parties.count() == 1
    report.refresh_from_db()
    assert report.matter == matter and report.status == ReportStatus.REGISTERED
    html = client.get(f"/intake/{report.pk}/").content.decode()
    assert matter.number in html and "登记为新事项" not in html


def test_register_errors_show_on_the_form(client, world, report):
    login(client, world.cadre)
    html = client.get(f"/intake/{report.pk}/").content.decode()
    assert 'name="likelihood"' not in html  # village cadres do not assess
    login(client, world.centre_staff)
    assert 'name="likelihood"' in client.get(f"/intake/{report.pk}/").content.decode()  # positive control
    login(client, world.cadre)
    response = client.post(
        f"/intake/{report.pk}/register/",
        {"kind": "dispute", "domain": "", "title": "", "people_involved": "-1", "amount_involved": "0"},
    )
    assert response.status_code == 200 and response.content.decode().count("has-error") >= 3
    assert Matter.objects.count() == 0


def test_duplicate_candidates_and_linking(client, world, report):
    matter = actions.register_report(
        world.centre_staff, report, kind="dispute", domain=world.land, title="东一村三组宅基地边界争执"
    )
    again = actions.submit_report(world.cadre, **report_kwargs(world, text="三组两户宅基地边界又吵起来了"))
    login(client, world.cadre)
    html = client.get(f"/intake/{again.pk}/").content.decode()
    assert "可能是重复反映" in html and matter.number in html
    found = client.get(f"/intake/{again.pk}/matters/", {"matter_q": matter.number[-6:]}).content.decode()
    assert f'value="{matter.pk}"' in found
    assert "没有找到" in client.get(f"/intake/{again.pk}/matters/", {"matter_q": "无此事项"}).content.decode()
    response = client.post(f"/intake/{again.pk}/link/", {"matter": matter.pk, "note": "同一纠纷"})
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.status == ReportStatus.LINKED and again.matter == matter and Matter.objects.count() == 1


def test_link_to_a_matter_out_of_scope_is_refused(client, world, report):
    b_report = actions.submit_report(world.cadre_b, **report_kwargs(world, area=world.village_b1))
    b_matter = actions.register_report(world.cadre_b, b_report, kind="dispute", domain=world.land, title="西")
    login(client, world.cadre)
    response = client.post(f"/intake/{report.pk}/link/", {"matter": b_matter.pk})
    assert response.status_code == 200 and "不在您的管辖范围内" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED


def test_reject_asks_for_confirmation_and_a_reason(client, world, report):
    login(client, world.centre_staff)
    html = client.get(f"/intake/{report.pk}/").content.decode()
    assert "data-confirm=" in html
    response = client.post(f"/intake/{report.pk}/reject/", {"reason": ""})
    assert response.status_code == 200 and "请填写不予受理的原因" in response.content.decode()
    response = client.post(f"/intake/{report.pk}/reject/", {"reason": "属司法诉讼程序"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED
    # handled reports offer no more actions, and a second attempt changes nothing
    response = client.post(f"/intake/{report.pk}/reject/", {"reason": "再次"}, follow=True)
    assert "不能再登记" in response.content.decode()
    report.refresh_from_db()
    assert report.reject_reason == "属司法诉讼程序"


def test_grid_worker_may_not_register(client, world):
    own = actions.submit_report(world.grid_worker, **report_kwargs(world, channel="grid", area=world.grid_a1))
    login(client, world.grid_worker)
    # a complete form: the refusal is the action's own guard, not a form error
    data = {
        "kind": "dispute",
        "domain": world.land.pk,
        "title": "宅基地",
        "people_involved": 0,
        "amount_involved": 0,
    }
    assert client.post(f"/intake/{own.pk}/register/", data).status_code == 403
    own.refresh_from_db()
    assert own.status == ReportStatus.RECEIVED
    html = client.get(f"/intake/{own.pk}/").content.decode()
    assert "反映内容" in html and "登记为新事项" not in html
    login(client, world.cadre)  # positive control: a role that registers gets the button on the same report
    assert "登记为新事项" in client.get(f"/intake/{own.pk}/").content.decode()


def test_staff_form_preselects_the_area_only_for_village_users(client, world, settings):
    settings.ANJU_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    login(client, world.cadre)
    html = client.get("/intake/new/").content.decode()
    assert re.search(rf'<option value="{world.village_a1.pk}"[^>]* selected>', html)  # (picker data between)
    assert "单个不超过 5 MB" in html  # the limit shown is the configured one
    login(client, world.centre_staff)
    html = client.get("/intake/new/").content.decode()
    assert " selected>示范县" not in html and '<option value="" selected>' in html


def test_detail_shows_who_handled_the_report_but_not_reveals(client, world, report):
    actions.reject_report(world.centre_staff, report, "属司法诉讼程序")
    login(client, world.centre_staff)
    client.post(f"/reveal/report/{report.pk}/reporter_phone/")
    html = client.get(f"/intake/{report.pk}/").content.decode()
    assert "处理记录" in html and "不予受理：属司法诉讼程序" in html
    assert html.count('<div class="when">') == 2  # received, rejected: the reveal is not listed here
