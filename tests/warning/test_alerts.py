import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from lxml import etree

from anju.core.errors import NotAllowed
from anju.core.models import AuditEvent
from anju.matters.actions import WorkflowError
from anju.warning import actions, cap
from anju.warning.models import Alert, AlertStatus, MessageType, Signal

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("schema") / "CAP-v1.2.xsd")))
NS = {"cap": cap.CAP_NS}


@pytest.fixture
def draft(world):
    world.village_a1.boundary = {
        "type": "Polygon",
        "coordinates": [[[120.1, 30.1], [120.2, 30.1], [120.2, 30.2], [120.1, 30.1]]],
    }
    world.village_a1.save()
    return actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline="东一村欠薪诉求异常增多预警",
        area=world.village_a1,
        onset=timezone.now(),
        expected="本周欠薪类事项 8 件，明显高于往年同期。",
        measures="立即排查在建工地，逐件登记化解。",
        recipients=[world.committee_a1, world.police],
    )


def _validate(xml: bytes):
    doc = etree.fromstring(xml)
    SCHEMA.assertValid(doc)
    return doc


def test_draft_requires_content_and_recipients(world):
    with pytest.raises(ValidationError) as exc:
        actions.draft_alert(
            world.centre_staff,
            domain=world.wages,
            level="purple",
            headline=" ",
            area=world.village_b1,
            onset=timezone.now(),
            expires=timezone.now() - dt.timedelta(hours=1),
            expected="",
            measures="",
            recipients=[],
        )
    assert set(exc.value.message_dict) == {
        "headline",
        "expected",
        "measures",
        "expires",
        "level",
        "recipients",
    }
    with pytest.raises(NotAllowed):
        actions.draft_alert(
            world.cadre,
            domain=world.wages,
            level="blue",
            headline="x",
            area=world.village_a1,
            onset=timezone.now(),
            expected="x",
            measures="x",
            recipients=[world.police],
        )
    assert not Alert.objects.exists()


def test_lifecycle_issue_update_lift_with_references(world, draft):
    with pytest.raises(cap.NotExportable):
        cap.to_cap_xml(draft)
    with pytest.raises(WorkflowError):
        actions.lift_alert(world.centre_staff, draft, note="误报")  # lifted before it was issued
    assert Alert.objects.get(pk=draft.pk).status == AlertStatus.DRAFT

    issued = actions.issue_alert(world.centre_staff, draft)
    assert issued.status == AlertStatus.ISSUED and len(issued.identifier.split("_")[0]) == 14
    with pytest.raises(WorkflowError):
        actions.issue_alert(world.centre_staff, issued)

    update = actions.update_alert(world.centre_staff, issued, note="人数增加", level="orange")
    issued.refresh_from_db()
    assert issued.status == AlertStatus.SUPERSEDED
    assert update.msg_type == MessageType.UPDATE and update.references == issued and update.level == "orange"
    assert update.recipients.count() == 2

    cancel = actions.lift_alert(world.centre_staff, update, note="已化解")
    update.refresh_from_db()
    assert update.status == AlertStatus.LIFTED and cancel.msg_type == MessageType.CANCEL
    assert [e.action for e in AuditEvent.objects.filter(object_type="warning.alert").order_by("id")].count(
        "alert.issue"
    ) == 3

    doc = _validate(cap.to_cap_xml(cancel))
    assert doc.findtext("cap:msgType", namespaces=NS) == "Cancel"
    assert update.identifier in doc.findtext("cap:references", namespaces=NS)


def test_cap_export_validates_and_carries_chinese_fields(world, draft):
    alert = actions.issue_alert(world.centre_staff, draft)
    doc = _validate(cap.to_cap_xml(alert))
    info = doc.find("cap:info", NS)
    assert info.findtext("cap:severity", namespaces=NS) == "Moderate"  # yellow, per the configured mapping
    assert info.findtext("cap:urgency", namespaces=NS) == "Expected"
    assert info.findtext("cap:certainty", namespaces=NS) == "Likely"
    assert info.findtext("cap:category", namespaces=NS) == "Security"
    params = {
        p.findtext("cap:valueName", namespaces=NS): p.findtext("cap:value", namespaces=NS)
        for p in info.findall("cap:parameter", NS)
    }
    assert (
        params["预警级别"] == "三级"
        and params["预警颜色"] == "黄色"
        and params["风险领域"] == "社会保障和民工欠薪"
    )
    geocodes = {
        g.findtext("cap:valueName", namespaces=NS): g.findtext("cap:value", namespaces=NS)
        for g in info.findall("cap:area/cap:geocode", NS)
    }
    assert geocodes["GB/T 2260"] == "330101"
    polygon = info.findtext("cap:area/cap:polygon", namespaces=NS).split()
    assert polygon[0] == polygon[-1] == "30.100000,120.100000"


def test_acknowledgement_by_recipient_units_only(world, draft):
    with pytest.raises(WorkflowError):
        actions.acknowledge_alert(world.cadre, draft)  # a draft cannot be acknowledged
    actions.issue_alert(world.centre_staff, draft)
    actions.acknowledge_alert(world.cadre, draft)
    with pytest.raises(WorkflowError):
        actions.acknowledge_alert(world.cadre, draft)  # twice
    with pytest.raises(WorkflowError):
        actions.acknowledge_alert(world.cadre_b, draft)  # not a recipient
    assert draft.recipients.filter(acknowledged_at__isnull=False).count() == 1


def test_pages_feed_and_cap_download(client, world, draft):
    client.force_login(world.centre_staff)
    assert client.get(f"/warning/{draft.pk}/cap.xml").status_code == 409
    assert client.post(f"/warning/{draft.pk}/issue/").status_code == 302
    response = client.get(f"/warning/{draft.pk}/cap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/cap+xml")
    _validate(response.content)
    feed = etree.fromstring(client.get("/warning/feed.atom").content)
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 1
    client.force_login(world.cadre)
    assert "签收" in client.get(f"/warning/{draft.pk}/").content.decode()
    client.post(f"/warning/{draft.pk}/acknowledge/")
    assert draft.recipients.get(unit=world.committee_a1).acknowledged_at is not None
    client.force_login(world.cadre_b)
    assert client.get(f"/warning/{draft.pk}/").status_code == 404


def test_draft_prefilled_from_a_signal(world):
    signal = Signal.objects.create(
        area=world.village_a1,
        domain=world.wages,
        week=timezone.localdate(),
        method="farrington_flexible",
        observed=7,
        expected=1.2,
        upperbound=4.1,
        alarm=True,
    )
    alert = actions.draft_from_signal(world.centre_staff, signal, recipients=[world.committee_a1])
    assert alert.signal == signal and "7 件" in alert.expected and "4.1" in alert.expected
