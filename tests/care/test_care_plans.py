"""Care plans: who opens one and for whom, visits planned and recorded again and again, closing with a
reason by the care person, reminders of due and overdue visits from the daily job, and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from anju.care import actions
from anju.care.models import CarePlan, CareVisit, PlanStatus
from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import AuditEvent, Notification
from anju.matters import actions as matter_actions
from guards import check_guard, outsider

REASON = "拖欠工资致家庭生活困难，需定期走访"


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _plan(world, matter, person=None):
    return actions.open_plan(
        world.cadre, matter.parties.get(), care_person=person or world.cadre, reason=REASON
    )


def test_open_plan_guard(world, cadres_matter):
    """Roles without care.plan are refused; a centre of another town for scope; the matter's handlers (and
    the roles that may reveal personal data in their scope) open plans."""
    matter_actions.add_cohandler(
        world.town_staff, cadres_matter, unit=world.police, task="核查用工", deadline=cadres_matter.deadline
    )
    party = cadres_matter.parties.get()

    def call(actor):
        plan = actions.open_plan(actor, party, care_person=world.grid_worker, reason=REASON)
        return plan

    may = {"admin", "centre_staff", "town_staff", "officer", "cadre", "grid_worker"}
    plan = check_guard(world, may, call, insider=world.cadre, outside=outsider(world, "centre_staff"))
    assert plan.care_person == world.grid_worker
    assert plan.status == PlanStatus.ACTIVE
    assert AuditEvent.objects.filter(action="care.plan_open", object_id=str(plan.pk)).count() == 1


def test_a_cadre_cannot_plan_care_on_another_matter_of_their_village(world, cadres_matter, other_matter):
    assert _plan(world, cadres_matter).pk  # the positive control
    with pytest.raises(NotAllowed, match="承办或关爱人员"):
        actions.open_plan(world.cadre, other_matter.parties.get(), care_person=world.cadre, reason=REASON)


def test_care_person_is_staff_of_the_place_and_one_plan_at_a_time(world, cadres_matter):
    party = cadres_matter.parties.get()
    with pytest.raises(ValidationError, match="辖区内或承办"):
        actions.open_plan(world.cadre, party, care_person=world.cadre_b, reason=REASON)
    with pytest.raises(ValidationError, match="在岗的工作人员"):
        actions.open_plan(world.cadre, party, care_person=world.auditor, reason=REASON)
    with pytest.raises(ValidationError, match="关爱原因"):
        actions.open_plan(world.cadre, party, care_person=world.grid_worker, reason="  ")
    plan = actions.open_plan(world.cadre, party, care_person=world.grid_worker, reason=REASON)
    with pytest.raises(WorkflowError, match="已有进行中的关爱计划"):
        actions.open_plan(world.cadre, party, care_person=world.cadre, reason=REASON)
    notice = Notification.objects.get(user=world.grid_worker, kind="care.assigned")
    assert notice.link == f"/care/plans/{plan.pk}/"


def test_visits_are_planned_and_recorded_again_and_again(world, cadres_matter):
    plan = _plan(world, cadres_matter)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="不能早于今天"):
        actions.plan_visit(world.cadre, plan, kind="visit", planned_on=today - dt.timedelta(days=1))
    first = actions.plan_visit(world.cadre, plan, kind="visit", planned_on=today)
    second = actions.plan_visit(world.cadre, plan, kind="follow_up", planned_on=today + dt.timedelta(days=30))
    with pytest.raises(ValidationError, match="请记录走访情况"):
        actions.record_visit(world.cadre, plan, visit=first, done_on=today, note="")
    actions.record_visit(world.cadre, plan, visit=first, done_on=today, note="已领到部分工资，情绪平稳")
    with pytest.raises(WorkflowError, match="已记录"):
        actions.record_visit(world.cadre, plan, visit=first, done_on=today, note="再次记录")
    unplanned = actions.record_visit(
        world.cadre, plan, kind="follow_up", done_on=today, note="电话回访，无新诉求"
    )
    with pytest.raises(ValidationError, match="不能晚于今天"):
        actions.record_visit(world.cadre, plan, done_on=today + dt.timedelta(days=1), note="明天的")

    rows = list(
        CareVisit.objects.filter(plan=plan).order_by("pk").values_list("kind", "planned_on", "done_on")
    )
    assert rows == [
        ("visit", today, today),
        ("follow_up", today + dt.timedelta(days=30), None),
        ("follow_up", today, today),
    ]
    assert unplanned.done_by == world.cadre
    assert second.done_on is None
    assert AuditEvent.objects.filter(action="care.visit_done", object_id=str(plan.pk)).count() == 2


def test_stale_version_is_refused(world, cadres_matter):
    plan = _plan(world, cadres_matter)
    seen = plan.version
    actions.plan_visit(world.cadre, plan, kind="visit", planned_on=timezone.localdate(), version=seen)
    with pytest.raises(Conflict):
        actions.close_plan(world.cadre, CarePlan.objects.get(pk=plan.pk), reason="已稳定", version=seen)


def test_only_the_care_person_closes_with_a_reason(world, cadres_matter):
    plan = _plan(world, cadres_matter, person=world.grid_worker)
    with pytest.raises(NotAllowed, match="只有关爱责任人"):
        actions.close_plan(world.cadre, plan, reason="已稳定")
    with pytest.raises(ValidationError, match="结束原因"):
        actions.close_plan(world.grid_worker, plan, reason="")
    now = timezone.now()
    actions.close_plan(world.grid_worker, plan, reason="工资已全部兑现，生活恢复正常", now=now)
    plan.refresh_from_db()
    assert (plan.status, plan.closed_by, plan.closed_at) == (PlanStatus.CLOSED, world.grid_worker, now)
    with pytest.raises(WorkflowError, match="已结束"):
        actions.plan_visit(world.grid_worker, plan, kind="visit", planned_on=timezone.localdate())
    # a new plan may follow an ended one
    assert _plan(world, cadres_matter).status == PlanStatus.ACTIVE


def test_the_care_person_reaches_the_party_they_care_for(world, cadres_matter, other_matter):
    """A care person from outside the handling units (the town centre's staff are in scope anyway): a grid
    worker caring for a party of the other matter reaches that party, and only for as long as the plan runs."""
    party = other_matter.parties.get()
    plan = actions.open_plan(world.town_staff, party, care_person=world.grid_worker, reason=REASON)
    from anju.care.actions import reveal_party

    assert reveal_party(world.grid_worker, party, "phone", purpose="support")
    actions.close_plan(world.grid_worker, plan, reason="已结束帮扶")
    with pytest.raises(NotAllowed):
        reveal_party(world.grid_worker, party, "phone", purpose="support")


def test_daily_job_reminds_due_and_overdue_visits_once_a_day(world, cadres_matter):
    plan = _plan(world, cadres_matter)
    today = timezone.localdate()
    due = actions.plan_visit(world.cadre, plan, kind="visit", planned_on=today + dt.timedelta(days=1))
    later = actions.plan_visit(world.cadre, plan, kind="follow_up", planned_on=today + dt.timedelta(days=20))
    done = actions.plan_visit(world.cadre, plan, kind="visit", planned_on=today + dt.timedelta(days=2))
    actions.record_visit(world.cadre, plan, visit=done, done_on=today, note="提前走访")

    assert actions.remind_visits(_at(today)) == 1
    assert actions.remind_visits(_at(today, 15)) == 0  # once a day
    notice = Notification.objects.get(user=world.cadre, kind="care.visit_due")
    assert notice.link == f"/care/plans/{plan.pk}/"
    assert due.planned_on.isoformat() in notice.body

    # three days later the first visit is overdue; the later one not yet due
    assert actions.remind_visits(_at(today + dt.timedelta(days=3))) == 1
    overdue = Notification.objects.get(user=world.cadre, kind="care.visit_overdue")
    assert "逾期" in overdue.title
    assert later.done_on is None
    assert not Notification.objects.filter(
        kind__startswith="care.visit", body__contains=str(later.planned_on)
    ).exists()


def test_pages_my_plans_and_a_plan(world, cadres_matter, other_matter):
    plan = _plan(world, cadres_matter)
    cadre = Client()
    cadre.force_login(world.cadre)
    mine = cadre.get("/care/").content.decode()
    assert cadres_matter.number in mine and other_matter.number not in mine

    page = cadre.post(
        f"/care/plans/{plan.pk}/",
        {
            "form": "record",
            "kind": "follow_up",
            "done_on": timezone.localdate().isoformat(),
            "note": "",
            "version": plan.version,
        },
    )
    assert page.status_code == 400
    assert "这个字段是必填项" in page.content.decode() or "必填" in page.content.decode()
    ok = cadre.post(
        f"/care/plans/{plan.pk}/",
        {
            "form": "record",
            "kind": "follow_up",
            "done_on": timezone.localdate().isoformat(),
            "note": "电话回访",
            "version": plan.version,
        },
    )
    assert ok.status_code == 302
    assert CareVisit.objects.get(plan=plan).note == "电话回访"

    west = Client()
    west.force_login(world.cadre_b)
    assert west.get(f"/care/plans/{plan.pk}/").status_code == 404
    auditor = Client()
    auditor.force_login(world.auditor)
    assert auditor.get(f"/care/plans/{plan.pk}/").status_code == 403
    assert auditor.get("/care/").status_code == 403


def test_need_markers_are_seen_only_by_those_who_may_reveal_the_party(world, cadres_matter):
    plan = _plan(world, cadres_matter)
    party = cadres_matter.parties.get()
    with pytest.raises(ValidationError):
        actions.set_needs(world.cadre, party, ["risky"])
    assert actions.set_needs(world.cadre, party, ["counselling", "hardship"]) == ["counselling", "hardship"]
    event = AuditEvent.objects.get(action="care.needs")
    assert event.after["added"] == ["counselling", "hardship"]

    cadre = Client()
    cadre.force_login(world.cadre)
    assert "心理疏导需求" in cadre.get(f"/care/plans/{plan.pk}/").content.decode()
    assert "心理疏导需求" in cadre.get(f"/care/parties/{party.pk}/").content.decode()
    leader = Client()
    leader.force_login(world.leader)  # sees the plan in scope, may not reveal the party
    page = leader.get(f"/care/plans/{plan.pk}/")
    assert page.status_code == 200
    assert "心理疏导需求" not in page.content.decode()
    assert leader.get(f"/care/parties/{party.pk}/").status_code == 403


def test_a_step_on_an_ended_plan_says_why(world, cadres_matter):
    plan = _plan(world, cadres_matter)
    seen = plan.version
    actions.close_plan(world.cadre, plan, reason="已稳定")
    cadre = Client()
    cadre.force_login(world.cadre)
    answer = cadre.post(
        f"/care/plans/{plan.pk}/",
        {"form": "visit", "kind": "visit", "planned_on": timezone.localdate().isoformat(), "version": seen},
    )
    assert answer.status_code == 409
    assert "该关爱计划已被他人修改，请刷新后重试。" in answer.content.decode()
    assert not CareVisit.objects.filter(plan=plan).exists()
