"""Information release (信息发布): drafted, approved and published; the public page and CAP 1.2 show only
what was published."""

from pathlib import Path

import pytest
from emergency_helpers import at
from lxml import etree

from anju.core.errors import WorkflowError
from anju.emergency import actions
from guards import check_guard, outsider

SCHEMA = etree.XMLSchema(
    etree.parse(str(Path(__file__).parent.parent / "warning" / "schema" / "CAP-v1.2.xsd"))
)


def test_only_a_published_release_reaches_the_public(client, world, incident):
    draft = actions.draft_release(
        world.town_staff,
        incident,
        title="关于东一村疑似食物中毒的通报",
        body="30 名村民送医，病情稳定。",
        now=at(10, 15),
    )
    assert client.get("/public/emergency/").status_code == 200
    assert "关于东一村疑似食物中毒的通报" not in client.get("/public/emergency/").content.decode()
    assert client.get(f"/public/emergency/{draft.pk}/").status_code == 404
    assert client.get(f"/public/emergency/{draft.pk}/cap.xml").status_code == 404
    actions.publish_release(world.leader, draft, now=at(10, 16))
    with pytest.raises(WorkflowError):
        actions.publish_release(world.leader, draft)
    listing = client.get("/public/emergency/").content.decode()
    assert "关于东一村疑似食物中毒的通报" in listing
    assert "村民聚餐后 30 人出现呕吐腹泻" not in listing  # the internal account stays internal
    page = client.get(f"/public/emergency/{draft.pk}/").content.decode()
    assert "30 名村民送医，病情稳定。" in page
    response = client.get(f"/public/emergency/{draft.pk}/cap.xml")
    assert response["Content-Type"].startswith("application/cap+xml")
    document = etree.fromstring(response.content)
    SCHEMA.assertValid(document)
    ns = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
    assert document.findtext("cap:scope", namespaces=ns) == "Public"
    assert document.findtext("cap:info/cap:category", namespaces=ns) == "Health"
    assert document.findtext("cap:info/cap:severity", namespaces=ns) == "Minor"  # 一般
    assert document.findtext("cap:info/cap:headline", namespaces=ns) == "关于东一村疑似食物中毒的通报"
    assert document.findtext("cap:sent", namespaces=ns) == "2026-03-10T16:00:00+08:00"
    assert incident.log.filter(text__contains="对外发布信息").exists()


def test_publishing_needs_an_approver_in_scope(world, incident):
    release = actions.draft_release(world.town_staff, incident, title="通报", body="内容")
    check_guard(
        world,
        {"admin", "leader"},
        lambda u: actions.publish_release(u, release),
        insider=world.leader,
        outside=outsider(world, "leader"),
    )
