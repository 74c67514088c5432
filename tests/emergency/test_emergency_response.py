"""Incidents: plan matching, activation with tasks, level changes, reports and their deadlines (迟报/漏报)."""

import pytest
from django.core.exceptions import ValidationError
from emergency_helpers import at

from anju.core.errors import WorkflowError
from anju.core.models import Notification
from anju.emergency import actions
from anju.emergency.matching import matching_plans, proposed_level
from anju.emergency.models import ChangeKind, EmergencyTask, ResponseStatus
from anju.emergency.reporting import LATE, MISSING, ON_TIME, flags, schedule


def test_matching_proposes_the_special_plan_before_the_total_plan(world, published_plan, incident):
    total = actions.create_plan(
        world.centre_staff, area=world.county, title="示范县总体应急预案", plan_type="overall"
    )
    version = total.versions.get()
    actions.save_level(world.centre_staff, version, level=3, trigger="较大事件")
    actions.approve_version(world.leader, version)
    actions.publish_version(world.leader, version)
    flood = actions.create_plan(
        world.town_staff, area=world.town_a, title="东镇防汛预案", plan_type="special", classes=["natural"]
    )
    actions.save_level(world.town_staff, flood.versions.get(), level=4, trigger="暴雨")
    actions.approve_version(world.leader, flood.versions.get())
    actions.publish_version(world.leader, flood.versions.get())
    assert matching_plans(incident) == [published_plan, total]
    assert proposed_level(incident) == 4


def test_activation_records_who_and_when_and_creates_the_groups_tasks(world, published_plan, incident):
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    incident.refresh_from_db()
    assert incident.response_status == ResponseStatus.ACTIVE
    assert incident.response_level == 4
    assert incident.activated_at == at(10, 14)
    change = incident.changes.get()
    assert (change.kind, change.level_to, change.by) == (ChangeKind.ACTIVATE, 4, world.leader)
    tasks = EmergencyTask.objects.filter(incident=incident).order_by("pk")
    assert [(t.group, t.title, t.owner_unit) for t in tasks] == [
        ("医疗救治组", "转运病人", world.town_centre),
        ("医疗救治组", "统计人数", world.town_centre),
        ("治安维稳组", "维护现场秩序", world.police),
    ]
    with pytest.raises(WorkflowError):
        actions.activate_response(world.leader, incident, plan=published_plan, level=3)
    # each lead unit's members are told of their tasks, once per task
    notices = Notification.objects.filter(kind="emergency.task")
    assert sorted(notices.filter(user=world.town_staff).values_list("title", flat=True)) == [
        "应急任务：统计人数",
        "应急任务：转运病人",
    ]
    assert list(notices.filter(user=world.officer).values_list("title", flat=True)) == [
        "应急任务：维护现场秩序"
    ]
    assert notices.filter(user=world.leader).count() == 0


def test_raising_lowering_and_ending_are_recorded(world, published_plan, incident):
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    with pytest.raises(ValidationError):  # a reason is needed
        actions.change_level(world.leader, incident, level=3, note="")
    actions.change_level(world.leader, incident, level=3, note="病人增至 45 人", now=at(10, 20))
    actions.change_level(world.leader, incident, level=4, note="病情稳定", now=at(11, 9))
    actions.end_response(world.leader, incident, note="全部出院", now=at(12, 9))
    incident.refresh_from_db()
    kinds = [(c.kind, c.level_from, c.level_to) for c in incident.changes.all()]
    assert kinds == [
        (ChangeKind.ACTIVATE, None, 4),
        (ChangeKind.RAISE, 4, 3),
        (ChangeKind.LOWER, 3, 4),
        (ChangeKind.END, 4, None),
    ]
    assert incident.response_status == ResponseStatus.ENDED and incident.ended_at == at(12, 9)
    with pytest.raises(WorkflowError):
        actions.change_level(world.leader, incident, level=3, note="再提升")


def test_report_deadlines_flag_late_and_missing_reports(world, published_plan, incident):
    # learned at 10 Mar 13:00: the first report is due by 14:00; it came at 14:30 (迟报)
    actions.submit_report(
        world.town_staff, incident, kind="first", text="首报：30 人中毒", now=at(10, 14, 30)
    )
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    # follow-ups every 24 h from 14:00: due 11 Mar 14:00 (sent on time at 12:00), 12 Mar 14:00 (none)
    actions.submit_report(world.town_staff, incident, kind="follow_up", text="续报一", now=at(11, 12))
    slots = schedule(incident, now=at(12, 15))
    assert [(s.kind, s.due_at, s.state) for s in slots] == [
        ("first", at(10, 14), LATE),
        ("follow_up", at(11, 14), ON_TIME),
        ("follow_up", at(12, 14), MISSING),
        ("follow_up", at(13, 14), "due"),
    ]
    assert flags(incident, now=at(12, 15)) == {LATE: 1, MISSING: 1}
    # at 13:59 on the 12th the second follow-up is not yet missing
    assert flags(incident, now=at(12, 13, 59)) == {LATE: 1, MISSING: 0}


def test_the_final_report_is_due_a_day_after_the_end(world, published_plan, incident):
    actions.submit_report(world.town_staff, incident, kind="first", text="首报", now=at(10, 13, 40))
    with pytest.raises(WorkflowError):  # no final report while the response lasts
        actions.submit_report(world.town_staff, incident, kind="final", text="终报")
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    actions.end_response(world.leader, incident, now=at(10, 20))
    slots = schedule(incident, now=at(11, 21))
    assert [(s.kind, s.due_at, s.state) for s in slots] == [
        ("first", at(10, 14), ON_TIME),
        ("final", at(11, 20), MISSING),
    ]
    actions.submit_report(world.town_staff, incident, kind="final", text="终报", now=at(11, 22))
    assert [s.state for s in schedule(incident, now=at(11, 23))] == [ON_TIME, LATE]


def test_a_report_comes_after_the_first_report(world, incident):
    with pytest.raises(WorkflowError):
        actions.submit_report(world.town_staff, incident, kind="follow_up", text="续报")


def test_an_incident_from_a_matter_links_to_it(world, health):
    from anju.matters.actions import create_matter

    matter = create_matter(
        world.centre_staff,
        kind="dispute",
        domain=health,
        area=world.village_a1,
        title="聚餐中毒",
        description="中毒",
    )
    incident = actions.open_incident(
        world.town_staff,
        area=world.village_a1,
        title="聚餐中毒",
        emergency_class="public_health",
        domain=health,
        grade="general",
        occurred_at=at(10, 12),
        learned_at=at(10, 13),
        description="中毒",
        matter=matter,
        now=at(10, 13),
    )
    assert list(matter.incidents.all()) == [incident]
    with pytest.raises(ValidationError) as exc:
        actions.open_incident(
            world.town_staff,
            area=world.village_a1,
            title="",
            emergency_class="x",
            grade="general",
            occurred_at=at(10, 12),
            learned_at=at(10, 11),
            description="",
            now=at(10, 13),
        )
    assert set(exc.value.message_dict) == {"title", "emergency_class", "learned_at", "description"}
