"""One triage pass per text: the typing panel, the submission and the detail page of one staff-typed
report run the classifier once between them (counted on the classifier, the database is real)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

from anju.intake import actions
from anju.intake.models import Report
from anju.triage import service

from .helpers import report_kwargs

WAGE_TEXT = "工地包工头拖欠我们十二名工人工资八万元，讨薪多次未果"
PHONE = "13812345678"


def test_a_staff_typed_report_runs_the_classifier_once(client, world):
    """Before this change the same report ran it three times: panel, submission, detail page."""
    client.force_login(world.centre_staff)
    title, text = "包工头欠薪", f"{WAGE_TEXT}\r\n联系电话{PHONE}"
    before = service.CLASSIFIER_CALLS["top_k"]
    panel = client.post("/intake/suggest/", {"title": title, "text": text}).content.decode()
    assert "社会保障和民工欠薪" in panel
    response = client.post(
        "/intake/new/", {"channel": "call", "area": world.village_a1.pk, "title": title, "text": text}
    )
    report = Report.objects.get()
    assert response.status_code == 302
    detail = client.get(f"/intake/{report.pk}/").content.decode()
    assert 'name="people_involved" value="12"' in detail  # the stored figures are read
    assert service.CLASSIFIER_CALLS["top_k"] == before + 1
    # stored with the hash of the text it read (as saved: the phone number masked) and of the model
    stored = f"{title}。{report.text}".replace("\r\n", "\n")
    assert PHONE not in stored and PHONE not in str(report.triage)
    assert report.triage["text_sha256"] == hashlib.sha256(stored.encode()).hexdigest()
    assert report.triage["model_sha256"].startswith("lexicon-")
    assert report.triage["domains"][0][0] == world.wages.code and report.suggested_domain == world.wages


def test_a_citizens_report_runs_it_once_and_looks_up_no_duplicates(client, world):
    from anju.intake import duplicates

    before = service.CLASSIFIER_CALLS["top_k"]
    actions.submit_report(None, **report_kwargs(world, channel="online", text=WAGE_TEXT))
    assert service.CLASSIFIER_CALLS["top_k"] == before + 1
    assert duplicates.ledger_index.builds == 0  # no user, no hits shown: the ledger is not searched


def test_record_triage_stores_the_result_and_its_top_domain(world):
    report = actions.submit_report(world.cadre, **report_kwargs(world, text="东一村三组道路积水"))
    result = {"domains": [[world.land.code, 0.7], [world.wages.code, 0.2]], "facts": {}, "cues": []}
    at = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 30))
    actions.record_triage(report, result, now=at, area_from=world.cadre)
    report.refresh_from_db()
    assert report.suggested_domain == world.land
    assert report.triage["domains"] == [["land_requisition", 0.7], ["social_security_wages", 0.2]]
    assert report.triage["at"] == at.isoformat() and report.triage["area"] == "330101001000"
    actions.record_triage(report, result, chosen_domain=world.wages)
    report.refresh_from_db()
    assert report.suggested_domain == world.wages  # what staff chose outranks the suggestion


def test_suggest_panel_renders_one_click_buttons(client, world):
    client.force_login(world.centre_staff)
    html = client.post("/intake/suggest/", {"text": WAGE_TEXT}).content.decode()
    assert "社会保障和民工欠薪" in html and "data-fill=" in html and "涉及 12 人" in html
    empty = client.post("/intake/suggest/", {"text": ""}).content.decode()
    assert "填写诉求内容后显示建议" in empty
    moved = client.post("/triage/suggest/", {"text": WAGE_TEXT})  # a page open since the move
    assert moved.status_code == 307 and moved["Location"] == "/intake/suggest/"


def test_hotspots_page_groups_similar_reports(client, world):
    now = timezone.now()
    for i in range(4):
        actions.submit_report(
            world.centre_staff,
            channel="call",
            area=world.village_a1,
            received_at=now - dt.timedelta(days=i),
            text=f"东一村幸福小区楼下烧烤店油烟和噪音扰民，晚上十二点还在营业，已经反映多次{i}",
        )
    actions.submit_report(
        world.centre_staff, channel="call", area=world.village_a1, text="学校门口校车超载，家长担心安全"
    )
    client.force_login(world.centre_staff)
    html = client.get("/intake/hotspots/?days=30").content.decode()
    assert "4 条" in html and "烧烤" in html
    old = client.get("/triage/hotspots/?days=30")
    assert old.status_code == 301 and old["Location"] == "/intake/hotspots/?days=30"
    client.force_login(world.cadre_b)
    assert "烧烤" not in client.get("/intake/hotspots/?days=30").content.decode()
    client.force_login(world.cadre)  # positive control: the village's own cadre, the same page
    assert "烧烤" in client.get("/intake/hotspots/?days=30").content.decode()


def test_suggest_panel_offers_no_domain_whose_probability_shows_as_zero(client, world, monkeypatch):
    """A stored pass may keep 0.004 (four decimals); shown to two it reads 0.00 and is no suggestion."""
    from anju.core.models import Domain

    land = Domain.objects.get(code="land_requisition")
    panel_pass = service.Suggestions(domains=[(world.wages, 0.91), (land, 0.004)])
    monkeypatch.setattr(service, "suggest", lambda user, text: panel_pass)
    client.force_login(world.centre_staff)
    html = client.post("/intake/suggest/", {"text": WAGE_TEXT}).content.decode()
    assert "社会保障和民工欠薪 0.91" in html
    assert "征地拆迁" not in html and "0.00" not in html
