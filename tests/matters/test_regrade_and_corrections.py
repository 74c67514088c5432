"""Re-grading (重新定级) and correcting facts (更正事项信息) at any open stage: the previous grading and the old
values are kept, a reason is required, and each action guards itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anju.core.errors import WorkflowError
from anju.core.models import AuditEvent
from anju.matters import actions
from anju.matters.models import Grading
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db


def test_regrade_after_assignment_keeps_the_previous_grading(world, make_matter, advance):
    matter = advance(make_matter(), "resolving")  # graded 3 × 3 (较高) by `advance`
    when = timezone.make_aware(dt.datetime(2026, 11, 20, 9, 30))
    grading = actions.regrade(
        world.town_staff, matter, likelihood=4, consequence=4, reason="欠薪人数增至五十人", now=when
    )
    matter.refresh_from_db()
    # 4 × 4 is 最高 on the packaged matrix, and at least 4 × 4 is a grey rhino
    assert (matter.likelihood, matter.consequence, matter.inherent_level) == (4, 4, "critical")
    assert matter.status == "resolving" and matter.grey_rhino
    assert (grading.previous_likelihood, grading.previous_consequence, grading.previous_level) == (
        3,
        3,
        "high",
    )
    assert (grading.likelihood, grading.consequence, grading.level) == (4, 4, "critical")
    assert grading.matrix_version == "default-5x5@1"
    event = matter.events.get(kind="regraded")
    assert event.at == when and "较高 → 最高" in event.note and "欠薪人数增至五十人" in event.note
    audit = AuditEvent.objects.get(action="matter.regraded", object_id=str(matter.pk))
    assert audit.before["inherent_level"] == "high" and audit.after["inherent_level"] == "critical"


def test_the_page_lists_every_grading_in_order(client, world, make_matter, advance):
    matter = advance(make_matter(), "assigned")
    actions.regrade(world.centre_staff, matter, likelihood=2, consequence=2, reason="已部分支付")
    actions.regrade(world.centre_staff, matter, likelihood=5, consequence=5, reason="出现聚集苗头")
    assert list(Grading.objects.filter(matter=matter).values_list("previous_level", "level")) == [
        ("high", "medium"),  # 3 × 3 → 2 × 2
        ("medium", "critical"),  # 2 × 2 → 5 × 5
    ]
    client.force_login(world.centre_staff)
    html = client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    assert "定级记录" in html
    assert html.index("已部分支付") < html.index("出现聚集苗头")


def test_regrade_needs_a_reason_and_an_open_matter(world, make_matter, advance):
    matter = advance(make_matter(), "assigned")
    with pytest.raises(ValidationError) as info:
        actions.regrade(world.centre_staff, matter, likelihood=2, consequence=2, reason="  ")
    assert "reason" in info.value.message_dict
    with pytest.raises(ValidationError):
        actions.regrade(world.centre_staff, matter, likelihood=9, consequence=2, reason="超出刻度")
    matter.refresh_from_db()
    assert matter.inherent_level == "high" and not matter.gradings.exists()
    actions.resolve(world.centre_staff, matter, outcome="已支付")
    with pytest.raises(WorkflowError):
        actions.regrade(world.centre_staff, matter, likelihood=2, consequence=2, reason="已办结")


def test_regrade_through_the_page_with_the_version_shown(client, world, make_matter, advance):
    matter = advance(make_matter(), "resolving")
    client.force_login(world.centre_staff)
    html = client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    assert 'id="panel-regrade"' in html and 'id="panel-correct"' in html
    url = reverse("matters:act", args=[matter.pk, "regrade"])
    data = {"regrade-likelihood": "1", "regrade-consequence": "2", "regrade-version": str(matter.version)}
    missing = client.post(url, data)
    assert missing.status_code == 400 and "调整原因" in missing.content.decode()
    done = client.post(url, {**data, "regrade-reason": "已签订还款协议"})
    assert done.status_code == 302
    matter.refresh_from_db()
    assert matter.inherent_level == "low"


def test_regrade_guard(world, make_matter, advance):
    matter = advance(make_matter(), "assigned")
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: actions.regrade(actor, matter, likelihood=2, consequence=3, reason="复核"),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )
    assert matter.gradings.count() == 1


def test_correct_facts_keeps_old_and_new_values(world, make_matter, advance):
    matter = advance(make_matter(), "assigned")  # 12 people, 86000 yuan, 东一村, 欠薪, 矛盾纠纷
    actions.correct_facts(
        world.centre_staff,
        matter,
        people_involved=40,
        amount_involved="120000.50",
        domain=world.land,
        area=world.village_a2,
        kind="hazard",
        reason="核实后发现登记有误",
    )
    matter.refresh_from_db()
    assert matter.people_involved == 40 and matter.amount_involved == Decimal("120000.50")
    assert matter.domain == world.land and matter.kind == "hazard"
    assert matter.area == world.village_a2 and matter.handling_area == world.village_a2
    event = matter.events.get(kind="facts_corrected")
    assert "涉及人数：12 → 40" in event.note and "核实后发现登记有误" in event.note
    assert event.data["changes"]["people_involved"] == [12, 40]
    assert event.data["changes"]["amount_involved"] == ["86000.00", "120000.50"]
    assert event.data["changes"]["area"] == [world.village_a1.pk, world.village_a2.pk]
    audit = AuditEvent.objects.get(action="matter.facts_corrected", object_id=str(matter.pk))
    assert audit.before["people_involved"] == 12 and audit.after["people_involved"] == 40


def test_correct_facts_refuses_a_place_outside_the_actors_area_and_changes_nothing(world, make_matter):
    matter = make_matter(area=world.village_a1)
    with pytest.raises(ValidationError) as info:
        actions.correct_facts(world.town_staff, matter, area=world.village_b1, reason="搬到西镇")
    assert info.value.message_dict["area"] == ["发生地须在您的管辖范围内。"]
    with pytest.raises(ValidationError) as info:
        actions.correct_facts(world.town_staff, matter, people_involved=12, reason="无变化")
    assert "reason" in info.value.message_dict  # nothing differs
    with pytest.raises(ValidationError) as info:
        actions.correct_facts(world.town_staff, matter, people_involved=20, reason="")
    assert "reason" in info.value.message_dict
    matter.refresh_from_db()
    assert matter.area == world.village_a1 and matter.people_involved == 12
    assert not matter.events.filter(kind="facts_corrected").exists()
    # positive control: the county centre may move it to town B
    actions.correct_facts(world.centre_staff, matter, area=world.village_b1, reason="实际发生在西一村")
    matter.refresh_from_db()
    assert matter.area == world.village_b1


def test_correct_facts_guard(world, make_matter):
    matter = make_matter()
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: actions.correct_facts(actor, matter, people_involved=15, reason="复核人数"),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )
    matter.refresh_from_db()
    assert matter.people_involved == 15
