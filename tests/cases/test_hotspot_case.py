"""From a hotspot cluster (intake's hotspots page) and from duplicate suggestions: 建立专案, 专题研判 and
起草预警, one click each, through the cases view the templates name by string."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

from django.utils import timezone

from anju.cases.models import Case, CaseMatter
from anju.intake import actions as intake_actions
from anju.matters.models import MatterEvent
from anju.warning.models_analysis import AgendaItem, AnalysisMeeting

TEXTS = [
    "东一村化工厂夜间排放刺鼻气味，村民晚上无法开窗睡觉，已经反映多次",
    "东二村化工厂夜间排放刺鼻气味，孩子咳嗽，村民晚上不敢开窗，要求停产整改",
    "东一村化工厂夜间排放刺鼻气味熏人，晚上无法开窗睡觉，要求环保部门查处",
]


def _cluster(world):
    """Three reports about one chemical plant, each registered as its own matter."""
    now = timezone.now()
    matters = []
    for i, text in enumerate(TEXTS):
        report = intake_actions.submit_report(
            world.centre_staff,
            channel="call",
            area=world.village_a2 if i == 1 else world.village_a1,
            received_at=now - dt.timedelta(days=i),
            text=text,
        )
        matters.append(
            intake_actions.register_report(
                world.centre_staff, report, kind="dispute", domain=world.land, title=f"化工厂异味投诉{i}"
            )
        )
    return matters


def _buttons(html: str) -> dict:
    """The hidden fields of the first hotspot's action form."""
    form = re.search(r'<form class="hotspot-actions" method="post" action="([^"]+)">(.*?)</form>', html, re.S)
    assert form, "no action form on the hotspot"
    return {
        "action": form.group(1),
        "matter": re.findall(r'name="matter" value="(\d+)"', form.group(2)),
        "title": re.search(r'name="title" value="([^"]*)"', form.group(2)).group(1),
        "do": re.findall(r'name="do" value="(\w+)"', form.group(2)),
    }


def test_hotspot_becomes_a_case_with_its_matters(client, world):
    matters = _cluster(world)
    client.force_login(world.town_staff)
    form = _buttons(client.get("/intake/hotspots/?days=30").content.decode())
    assert form["action"] == "/cases/from-cluster/"
    assert sorted(form["matter"]) == sorted(str(m.pk) for m in matters)
    assert form["do"] == ["case", "meeting", "alert"]
    r = client.post(form["action"], {"matter": form["matter"], "title": form["title"], "do": "case"})
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    assert case.area == world.town_a and case.lead_unit == world.town_centre
    assert set(CaseMatter.objects.values_list("matter", flat=True)) == {m.pk for m in matters}
    assert MatterEvent.objects.filter(kind="case_added").count() == 3


def test_hotspot_opens_a_topic_meeting_with_the_cluster_as_agenda(client, world):
    matters = _cluster(world)
    client.force_login(world.town_staff)
    form = _buttons(client.get("/intake/hotspots/?days=30").content.decode())
    r = client.post(form["action"], {"matter": form["matter"], "title": form["title"], "do": "meeting"})
    meeting = AnalysisMeeting.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/warning/meetings/{meeting.pk}/"
    assert meeting.kind == "topic" and meeting.area == world.town_a and meeting.title.startswith("专题研判：")
    agenda = AgendaItem.objects.filter(meeting=meeting)
    assert sorted(agenda.values_list("matter", flat=True)) == sorted(m.pk for m in matters)
    html = client.get(r["Location"]).content.decode()
    assert all(m.number in html for m in matters)


def test_hotspot_prefills_a_warning_draft(client, world):
    matters = _cluster(world)
    client.force_login(world.town_staff)
    form = _buttons(client.get("/intake/hotspots/?days=30").content.decode())
    r = client.post(form["action"], {"matter": form["matter"], "title": form["title"], "do": "alert"})
    assert r.status_code == 302
    url = urlparse(r["Location"])
    assert url.path == "/warning/new/"
    query = parse_qs(url.query)
    assert query["area"] == [str(world.town_a.pk)] and query["domain"] == [str(world.land.pk)]
    assert "共 3 件事项" in query["expected"][0] and matters[0].number in query["expected"][0]
    html = client.get(r["Location"]).content.decode()
    assert "共 3 件事项" in html  # the form starts filled in; nothing is saved until the user saves it


def test_matters_outside_scope_are_dropped_and_roles_without_the_action_get_no_button(client, world):
    matters = _cluster(world)
    client.force_login(world.cadre_b)  # 西一村: none of these matters are theirs
    r = client.post("/cases/from-cluster/", {"matter": [m.pk for m in matters], "title": "x", "do": "case"})
    assert r.status_code == 302 and Case.objects.count() == 0
    client.force_login(world.cadre)  # sees the hotspot, may not open cases or meetings
    html = client.get("/intake/hotspots/?days=30").content.decode()
    assert "化工厂" in html and "/cases/from-cluster/" not in html
    r = client.post("/cases/from-cluster/", {"matter": [m.pk for m in matters], "title": "x", "do": "case"})
    assert r.status_code == 302 and Case.objects.count() == 0  # refused with a message, nothing made


def test_duplicate_suggestions_offer_a_case(client, world):
    matters = _cluster(world)
    report = intake_actions.submit_report(
        world.centre_staff, channel="call", area=world.village_a1, text=TEXTS[0] + "，今天又闻到了"
    )
    client.force_login(world.town_staff)
    html = client.get(f"/intake/{report.pk}/").content.decode()
    assert "这些相近的事项反映同一问题时" in html
    ids = re.findall(r'name="matter" value="(\d+)">', html.split("这些相近的事项")[0].rsplit("<form", 1)[1])
    assert {int(i) for i in ids} <= {m.pk for m in matters} and len(ids) >= 2
