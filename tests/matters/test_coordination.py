"""协调请求 within one area tree: a town centre asks a county department (whose area contains the town) to act
on a matter; the department accepts (a co-handling task) or declines with a reason. Expected values by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core.errors import NotAllowed, WorkflowError
from anju.core.models import Notification
from anju.core.roles import Role
from anju.core.scoping import may_act_on, scoped
from anju.matters import actions
from anju.matters.coordination import received_requests, sent_requests, waiting_for
from anju.matters.models import Matter
from anju.matters.models_coordination import CoordinationRequest
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db

DUE = timezone.localdate() + dt.timedelta(days=7)


def _ask(world, matter, to_unit, actor=None, **kw):
    return actions.request_coordination(
        actor or world.town_staff,
        matter,
        to_unit=to_unit,
        asked=kw.pop("asked", "请县人社局督促用工单位支付拖欠工资"),
        due=kw.pop("due", DUE),
        **kw,
    )


def test_town_asks_a_county_department_which_accepts(world, assigned_matter, county_dept):
    officer = county_dept.officer
    assert not scoped(officer, Matter).filter(pk=assigned_matter.pk).exists()
    request = _ask(world, assigned_matter, county_dept)
    assert (request.from_unit, request.to_unit, request.state) == (world.town_centre, county_dept, "pending")
    # the addressed department sees the request and the matter while it decides, but may not act on it yet
    assert list(received_requests(officer)) == [request]
    assert scoped(officer, Matter).filter(pk=assigned_matter.pk).exists()
    assert not may_act_on(officer, assigned_matter)
    assert waiting_for(officer) == {"requests": 1, "tasks": 0, "overdue_tasks": 0}
    assert Notification.objects.filter(user=officer, kind="matters.coordination_request").count() == 1
    assert list(sent_requests(world.town_staff)) == [request]

    actions.answer_request(officer, request, accept=True, reply="同意，由劳动监察大队办理")
    request.refresh_from_db()
    task = request.task
    assert request.state == "accepted"
    assert (task.unit, task.task, task.deadline, task.state) == (
        county_dept,
        "请县人社局督促用工单位支付拖欠工资",
        DUE,
        "open",
    )
    assert may_act_on(officer, assigned_matter)
    assert waiting_for(officer) == {"requests": 0, "tasks": 1, "overdue_tasks": 0}
    told = Notification.objects.filter(kind="matters.coordination_answer").values_list(
        "user__username", flat=True
    )
    assert list(told) == ["zhen"]  # the requesting town centre
    actions.complete_cohandling(officer, task, note="已责令用工单位限期支付")
    task.refresh_from_db()
    assert task.state == "done"


def test_declining_needs_a_reason_and_ends_the_view(world, assigned_matter, county_dept):
    officer = county_dept.officer
    request = _ask(world, assigned_matter, county_dept)
    with pytest.raises(ValidationError) as err:
        actions.answer_request(officer, request, accept=False, reply="  ")
    assert "reply" in err.value.message_dict
    actions.answer_request(officer, request, accept=False, reply="不属于本部门职责，建议联系住建部门")
    request.refresh_from_db()
    assert (request.state, request.task) == ("declined", None)
    assert not scoped(officer, Matter).filter(pk=assigned_matter.pk).exists()
    assert assigned_matter.events.filter(kind="coordination_declined").count() == 1
    with pytest.raises(WorkflowError):
        actions.answer_request(officer, request, accept=True)


def test_request_checks_its_input(world, assigned_matter, county_dept):
    with pytest.raises(ValidationError) as err:
        _ask(world, assigned_matter, world.committee_a1)  # a village committee, and the responsible unit
    assert "to_unit" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _ask(world, assigned_matter, world.town_centre)  # the actor's own unit
    assert "to_unit" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _ask(world, assigned_matter, county_dept, asked="", due=timezone.localdate() - dt.timedelta(days=1))
    assert set(err.value.message_dict) == {"asked", "due"}
    _ask(world, assigned_matter, county_dept)
    with pytest.raises(ValidationError) as err:
        _ask(world, assigned_matter, county_dept)  # already pending
    assert "等待答复" in err.value.message_dict["to_unit"][0]
    assert CoordinationRequest.objects.count() == 1


def test_request_guard(world, assigned_matter, county_dept):
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: _ask(world, assigned_matter, county_dept, actor=actor),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    assert CoordinationRequest.objects.filter(to_unit=county_dept).count() == 1


def test_answer_guard(world, assigned_matter, county_dept):
    request = _ask(world, assigned_matter, county_dept)
    # only the addressed department's members (and an administrator) answer; other roles holding
    # coordination.answer in the area are refused as not belonging to it
    check_guard(
        world,
        {"admin"},
        lambda actor: actions.answer_request(actor, request, accept=True),
        insider=county_dept.officer,
        outside=outsider(world, Role.DEPARTMENT_OFFICER),
    )
    request.refresh_from_db()
    assert request.state == "accepted"


def test_a_stranger_to_the_unit_cannot_answer_even_in_scope(world, assigned_matter, county_dept):
    request = _ask(world, assigned_matter, county_dept)
    with pytest.raises(NotAllowed, match="县人社局"):
        actions.answer_request(world.centre_staff, request, accept=False, reply="代为拒绝")


def test_pages_list_counts_and_answer(world, assigned_matter, county_dept, client):
    request = _ask(world, assigned_matter, county_dept)
    client.force_login(county_dept.officer)
    page = client.get("/matters/coordination/?box=received").content.decode()
    assert "收到的请求 (1，待答复 1)" in page and assigned_matter.number in page
    detail = client.get(f"/matters/coordination/{request.pk}/")
    assert detail.status_code == 200 and "提交答复" in detail.content.decode()
    bad = client.post(f"/matters/coordination/{request.pk}/answer/", {"decision": "decline", "reply": ""})
    assert bad.status_code == 400 and "拒绝协调请求须说明理由" in bad.content.decode()
    ok = client.post(
        f"/matters/coordination/{request.pk}/answer/",
        {"decision": "accept", "reply": "", "version": request.version},
    )
    assert ok.status_code == 302
    tasks = client.get("/matters/coordination/?box=tasks").content.decode()
    assert "本单位协办任务 (1，协办中 1)" in tasks and "完成协办" in tasks
    client.force_login(world.town_staff)
    sent = client.get("/matters/coordination/?box=sent").content.decode()
    assert "发出的请求 (1)" in sent and "已接受" in sent
    client.force_login(world.cadre_b)  # 西一村: the request is neither in scope nor addressed to its unit
    assert client.get(f"/matters/coordination/{request.pk}/").status_code == 404


def test_matter_page_offers_the_request_form_to_the_town(world, assigned_matter, county_dept, client):
    client.force_login(world.town_staff)
    page = client.get(f"/matters/{assigned_matter.pk}/").content.decode()
    assert "发起协调请求" in page and "县人社局" in page
    posted = client.post(
        f"/matters/{assigned_matter.pk}/coordinate/",
        {
            "coordinate-to_unit": county_dept.pk,
            "coordinate-asked": "请督促支付工资",
            "coordinate-due": DUE.isoformat(),
            "coordinate-version": assigned_matter.version,
        },
    )
    assert posted.status_code == 302
    assert CoordinationRequest.objects.get().asked == "请督促支付工资"
