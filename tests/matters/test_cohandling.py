"""协办: a co-handling unit's task on a matter — adding, completing, withdrawing, and what the unit may then see
and do. Expected values are written by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import AuditEvent, Notification
from anju.core.roles import Role
from anju.core.scoping import may_act_on, scoped
from anju.matters import actions
from anju.matters.models import Matter, MatterEvent
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + dt.timedelta(days=5)


def _add(world, matter, actor=None, unit=None, **kw):
    return actions.add_cohandler(
        actor or world.town_staff,
        matter,
        unit=unit or world.police,
        task=kw.pop("task", "核实用工单位欠薪情况"),
        deadline=kw.pop("deadline", SOON),
        **kw,
    )


def test_co_handling_unit_sees_and_acts_only_while_its_task_is_open(world, assigned_matter):
    officer = world.officer  # 东镇派出所: neither responsible nor serving the wages domain
    assert not scoped(officer, Matter).filter(pk=assigned_matter.pk).exists()
    assert not may_act_on(officer, assigned_matter)

    task = _add(world, assigned_matter)
    assert scoped(officer, Matter).filter(pk=assigned_matter.pk).exists()
    assert scoped(officer, MatterEvent).filter(matter=assigned_matter).count() >= 1
    assert may_act_on(officer, assigned_matter)
    # the officer may now record on the matter like its responsible unit
    actions.add_note(officer, assigned_matter, note="派出所已联系用工单位")

    actions.complete_cohandling(officer, task, note="已约谈用工单位负责人，承诺月底前支付")
    task.refresh_from_db()
    assert task.state == "done"
    assert task.completed_by == officer
    # done: still visible, no longer acting
    assert scoped(officer, Matter).filter(pk=assigned_matter.pk).exists()
    assert not may_act_on(officer, assigned_matter)
    with pytest.raises(NotAllowed):
        actions.add_note(officer, assigned_matter, note="再补充一句")


def test_withdrawn_task_takes_the_matter_away(world, assigned_matter):
    task = _add(world, assigned_matter)
    assert scoped(world.officer, Matter).filter(pk=assigned_matter.pk).exists()
    actions.withdraw_cohandling(world.town_staff, task, reason="经核实无需公安协助")
    task.refresh_from_db()
    assert (task.state, task.withdrawn_reason) == ("withdrawn", "经核实无需公安协助")
    assert not scoped(world.officer, Matter).filter(pk=assigned_matter.pk).exists()
    with pytest.raises(WorkflowError):
        actions.complete_cohandling(world.officer, task, note="已办")


def test_timeline_audit_and_notices(world, assigned_matter):
    task = _add(world, assigned_matter)
    assert Notification.objects.filter(user=world.officer, kind="matters.cohandling").count() == 1
    actions.complete_cohandling(world.officer, task, note="已约谈用工单位")
    # the responsible unit (东一村村委会: cadre and grid worker) is told
    told = set(
        Notification.objects.filter(kind="matters.cohandling_done").values_list("user__username", flat=True)
    )
    assert told == {"cun", "wangge"}
    kinds = list(assigned_matter.events.filter(kind__startswith="cohandling").values_list("kind", flat=True))
    assert kinds == ["cohandling_added", "cohandling_completed"]
    assert not assigned_matter.events.filter(kind__startswith="cohandling", public=True).exists()
    codes = set(AuditEvent.objects.filter(action__startswith="cohandling.").values_list("action", flat=True))
    assert codes == {"cohandling.add", "cohandling.complete"}


def test_add_checks_its_input(world, assigned_matter):
    with pytest.raises(ValidationError) as err:
        _add(world, assigned_matter, deadline=timezone.localdate() - dt.timedelta(days=1), task=" ")
    assert set(err.value.message_dict) == {"deadline", "task"}
    with pytest.raises(ValidationError) as err:
        _add(world, assigned_matter, unit=world.committee_a1)  # the responsible unit itself
    assert "责任单位" in err.value.message_dict["unit"][0]
    _add(world, assigned_matter)
    with pytest.raises(ValidationError) as err:
        _add(world, assigned_matter)  # a second open task for the same unit
    assert "未完成" in err.value.message_dict["unit"][0]
    with pytest.raises(ValidationError) as err:
        _add(world, assigned_matter, unit=world.committee_b1)  # 西镇: outside the town's area
    assert "协调请求" in err.value.message_dict["unit"][0]
    assert assigned_matter.cohandling_tasks.count() == 1


def test_stale_version_and_closed_matter_are_refused(world, assigned_matter):
    seen = assigned_matter.version
    actions.start(world.town_staff, assigned_matter)
    with pytest.raises(Conflict):
        _add(world, assigned_matter, version=seen)
    task = _add(world, assigned_matter, version=assigned_matter.version)
    seen_task = task.version
    actions.complete_cohandling(world.officer, task, note="已办")
    with pytest.raises(Conflict):
        actions.withdraw_cohandling(world.town_staff, task, reason="撤回", version=seen_task)
    actions.resolve(world.town_staff, assigned_matter, outcome="已支付", public_note="已办结")
    with pytest.raises(WorkflowError):
        _add(world, assigned_matter, unit=world.town_centre)


def test_a_matter_with_two_co_units_is_listed_once(world, assigned_matter, county_dept):
    _add(world, assigned_matter)
    actions.add_cohandler(
        world.centre_staff, assigned_matter, unit=county_dept, task="核查劳动合同", deadline=SOON
    )
    for user in (world.centre_staff, world.town_staff, world.officer, county_dept.officer):
        assert scoped(user, Matter).filter(pk=assigned_matter.pk).count() == 1, user.username


def test_matter_page_shows_co_handlers_progress(world, assigned_matter, client):
    task = _add(world, assigned_matter)
    actions.complete_cohandling(world.officer, task, note="已约谈用工单位负责人")
    client.force_login(world.cadre)  # the responsible unit
    page = client.get(f"/matters/{assigned_matter.pk}/").content.decode()
    assert "东镇派出所" in page and "核实用工单位欠薪情况" in page and "已约谈用工单位负责人" in page
    assert "已完成" in page


def test_pages_add_complete_and_withdraw(world, assigned_matter, client):
    client.force_login(world.town_staff)
    url = f"/matters/{assigned_matter.pk}/cohandle/"
    bad = client.post(url, {"cohandle-unit": world.police.pk, "cohandle-task": "", "cohandle-deadline": SOON})
    assert bad.status_code == 400
    assert 'class="field has-error"' in bad.content.decode()
    assert assigned_matter.cohandling_tasks.count() == 0
    ok = client.post(
        url,
        {
            "cohandle-unit": world.police.pk,
            "cohandle-task": "核实欠薪",
            "cohandle-deadline": SOON,
            "cohandle-version": assigned_matter.version,
        },
    )
    assert ok.status_code == 302
    task = assigned_matter.cohandling_tasks.get()
    client.force_login(world.officer)
    done = client.post(
        f"/matters/cohandling/{task.pk}/complete/",
        {f"task{task.pk}-note": "已办", f"task{task.pk}-version": task.version},
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.state == "done"
    client.force_login(world.cadre_b)  # 西村: the task is not in scope
    assert client.post(f"/matters/cohandling/{task.pk}/withdraw/", {}).status_code == 404


def test_add_cohandler_guard(world, assigned_matter):
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "leader"},
        lambda actor: actions.add_cohandler(
            actor, assigned_matter, unit=world.police, task="协办", deadline=SOON
        ),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    assert assigned_matter.cohandling_tasks.filter(unit=world.police).count() == 1


def test_complete_guard(world, assigned_matter):
    task = _add(world, assigned_matter)  # for the police station: only its officer (and an administrator)
    check_guard(
        world,
        {"admin", "officer"},
        lambda actor: actions.complete_cohandling(actor, task, note="已办"),
        insider=world.officer,
        outside=outsider(world, Role.DEPARTMENT_OFFICER),
    )
    task.refresh_from_db()
    assert task.state == "done"


def test_withdraw_guard(world, assigned_matter):
    task = _add(world, assigned_matter)
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "leader"},
        lambda actor: actions.withdraw_cohandling(actor, task, reason="不再需要"),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    task.refresh_from_db()
    assert task.state == "withdrawn"


def test_actions_take_their_time_from_now(world, assigned_matter):
    at = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 30))
    task = actions.add_cohandler(
        world.town_staff,
        assigned_matter,
        unit=world.police,
        task="核实",
        deadline=dt.date(2026, 3, 9),  # not before the action's own day
        now=at,
    )
    actions.complete_cohandling(world.officer, task, note="已办", now=at + dt.timedelta(hours=2))
    task.refresh_from_db()
    assert (task.created_at, task.completed_at) == (at, at + dt.timedelta(hours=2))
    times = list(assigned_matter.events.filter(kind__startswith="cohandling").values_list("at", flat=True))
    assert times == [at, at + dt.timedelta(hours=2)]


def test_a_co_handling_unit_records_but_does_not_move_the_matter(world, assigned_matter):
    officer = world.officer
    _add(world, assigned_matter)
    actions.add_note(officer, assigned_matter, note="派出所已走访用工单位")  # recording: allowed
    for move in (
        lambda: actions.start(officer, assigned_matter),
        lambda: actions.resolve(officer, assigned_matter, outcome="已支付"),
        lambda: actions.return_matter(officer, assigned_matter, reason="不属本单位职责"),
        lambda: actions.escalate(officer, assigned_matter, reason="需县里协调"),
    ):
        with pytest.raises(NotAllowed):
            move()
    assigned_matter.refresh_from_db()
    assert assigned_matter.status == "assigned"  # unchanged
    # positive control: the responsible unit's own cadre moves it
    actions.start(world.cadre, assigned_matter)
    assigned_matter.refresh_from_db()
    assert assigned_matter.status == "resolving"
