"""The demo's care content, on the test world (its users carry the demo's user names zongzhi and cun)."""

from __future__ import annotations

from anju.care.demo import load_care_demo
from anju.care.models import CarePlan, CareVisit, NeedMarker
from anju.core.models import AuditEvent, Notification


def test_care_demo_plans_visits_needs_and_reminders(world, cadres_matter, other_matter):
    summary = load_care_demo()
    assert "关爱计划 2 个" in summary
    plans = CarePlan.objects.order_by("pk")
    assert {p.party.matter for p in plans} == {cadres_matter, other_matter}
    assert {p.care_person for p in plans} == {world.cadre}  # the village cadre: both matters are in 东一村
    assert CareVisit.objects.filter(done_on__isnull=False).count() == 4
    assert CareVisit.objects.filter(done_on__isnull=True).count() == 3
    assert NeedMarker.objects.count() == 3
    assert Notification.objects.filter(user=world.cadre, kind="care.visit_overdue").count() == 1
    purposes = AuditEvent.objects.filter(action="personal_data.reveal").values_list(
        "after__purpose", flat=True
    )
    assert sorted(purposes) == ["follow_up", "mediation"]
    assert load_care_demo() == ""  # once
