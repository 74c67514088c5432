"""Case actions (专案): what each does, its guard (role, scope, positive control), and the arithmetic of a
涉众型经济案件's figures, with expected values written by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from cases_helpers import NOW
from django.core.exceptions import ValidationError

from anju.cases import actions
from anju.cases.models import Case, CaseEvent, CaseMatter, CaseStatus, CaseTask, FraudFigures
from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import AuditEvent
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.matters.models import MatterEvent
from guards import check_guard, outsider

MANAGERS = {"admin", "centre_staff", "town_staff", "leader"}


def _open(world, matters, actor=None, **overrides):
    fields = {"title": "化工厂异味集中投诉", "kind": "general", "lead_unit": world.town_centre}
    fields.update(overrides)
    return actions.open_case(actor or world.town_staff, matters=matters, now=NOW, **fields)


def test_open_case_holds_it_at_the_lowest_common_area_and_links_every_matter(world, town_matters):
    case = _open(world, town_matters)
    assert case.area == world.town_a  # 东一村 and 东二村 meet at 东镇
    assert case.code == "ZA330101-2026-001"
    second = _open(world, town_matters[:1], title="第二个专案")
    assert second.code == "ZA330101-2026-002"
    assert second.area == world.village_a1
    assert set(case.memberships.values_list("matter", flat=True)) == {m.pk for m in town_matters}
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "matter_added"]
    for matter in town_matters:  # each matter's own timeline names the case
        event = MatterEvent.objects.get(matter=matter, kind="case_added", data__case=case.pk)
        assert "ZA330101-2026-001" in event.note and event.at == NOW and not event.public
    assert AuditEvent.objects.filter(action="case.open").count() == 2


def test_open_case_guard(world, town_matters):
    def call(actor):
        return _open(world, town_matters, actor=actor)

    case = check_guard(
        world, MANAGERS, call, insider=world.town_staff, outside=outsider(world, Role.CENTRE_STAFF)
    )
    assert case.memberships.count() == 2


def test_open_case_refuses_a_matter_outside_the_given_area_and_saves_nothing(world, make_matter):
    far = make_matter(world.village_b1)
    with pytest.raises(ValidationError) as exc:
        _open(world, [far], actor=world.centre_staff, area=world.town_a)
    assert "不在专案所属区域" in str(exc.value.message_dict["matters"])
    assert Case.objects.count() == 0 and CaseMatter.objects.count() == 0


def test_open_case_across_towns_is_the_countys(world, make_matter):
    matters = [make_matter(world.village_a1), make_matter(world.village_b1)]
    with pytest.raises(NotAllowed, match="管辖"):  # 东镇 staff may not hold a county case
        _open(world, matters)
    case = _open(world, matters, actor=world.centre_staff, lead_unit=world.centre)
    assert case.area == world.county


def test_add_and_remove_matters_write_both_timelines(world, town_matters, make_matter):
    case = _open(world, town_matters[:1])
    case.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        actions.add_matters_to_case(world.town_staff, case, town_matters[:1], reason="", version=case.version)
    assert set(exc.value.message_dict) == {"matters", "reason"}  # already in, and no reason
    # 东二村 lies outside the case's 东一村: refused, nothing linked
    with pytest.raises(ValidationError, match="不在专案所属区域"):
        actions.add_matters_to_case(world.town_staff, case, town_matters[1:], reason="同一化工厂", now=NOW)
    third = make_matter(world.village_a1, title="化工厂噪声扰民")
    actions.add_matters_to_case(
        world.town_staff, case, [third], reason="同一化工厂", version=case.version, now=NOW
    )
    assert case.memberships.count() == 2
    actions.remove_matter_from_case(world.town_staff, case, third, reason="经核实为另一企业", now=NOW)
    assert list(case.memberships.values_list("matter", flat=True)) == [town_matters[0].pk]
    removed = MatterEvent.objects.get(matter=third, kind="case_removed")
    assert "经核实为另一企业" in removed.note
    assert case.events.filter(kind="matter_removed", text__contains=third.number).exists()
    with pytest.raises(WorkflowError):
        actions.remove_matter_from_case(world.town_staff, case, third, reason="再次", now=NOW)


def test_add_matters_guard_checks_the_matter_scope_too(world, town_matters, make_matter):
    case = _open(world, town_matters, actor=world.centre_staff, lead_unit=world.centre, area=world.county)
    west = make_matter(world.village_b1)
    # 东镇 staff manage nothing of a county case: the case is out of their scope
    with pytest.raises(NotAllowed, match="管辖"):
        actions.add_matters_to_case(world.town_staff, case, [west], reason="同源")

    def call(actor):
        return actions.add_matters_to_case(actor, case, [west], reason="同源", now=NOW)

    check_guard(
        world,
        MANAGERS,  # town_staff's role may; the scope refusal above is theirs
        call,
        insider=world.centre_staff,
        outside=outsider(world, Role.LEADER, area=world.town_a),  # a 东镇 leader: county case is not theirs
    )
    assert case.memberships.filter(matter=west).exists()


def test_stale_version_is_refused(world, town_matters):
    case = _open(world, town_matters)
    seen = case.version
    actions.update_case(
        world.town_staff, case, title="新名称", kind="mass", summary="", version=seen, now=NOW
    )
    assert case.events.get(kind="updated").text == "修改：专案名称、类型。"
    stale = Case.objects.get(pk=case.pk)
    with pytest.raises(Conflict):
        actions.close_case(world.town_staff, stale, note="已化解", version=seen, now=NOW)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_lead_close_and_reopen(world, town_matters):
    case = _open(world, town_matters)
    with pytest.raises(ValidationError, match="领导"):
        actions.set_lead(world.town_staff, case, lead_unit=world.police, lead_leader=world.cadre)
    actions.set_lead(world.town_staff, case, lead_unit=world.police, lead_leader=world.leader, now=NOW)
    case.refresh_from_db()
    assert (case.lead_unit, case.lead_leader) == (world.police, world.leader)
    with pytest.raises(ValidationError):
        actions.close_case(world.town_staff, case, note=" ", now=NOW)

    def close(actor):
        return actions.close_case(actor, case, note="企业停产整改，诉求已化解", now=NOW)

    check_guard(world, MANAGERS, close, insider=world.town_staff, outside=outsider(world, Role.CENTRE_STAFF))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at == NOW
    with pytest.raises(WorkflowError, match="已结案"):
        actions.add_task(world.town_staff, case, title="回访", owner_unit=world.police, now=NOW)
    actions.reopen_case(world.town_staff, case, reason="企业复产后异味再现", now=NOW)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closed_at is None
    assert list(case.events.values_list("kind", flat=True))[-3:] == ["lead", "closed", "reopened"]


def test_tasks_are_completed_by_the_owner_unit_and_flag_overdue(world, town_matters):
    case = _open(world, town_matters)
    task = actions.add_task(
        world.town_staff,
        case,
        title="核查化工厂排放",
        owner_unit=world.police,
        deadline=dt.date(2026, 11, 25),
        now=NOW,
    )
    assert not task.overdue_on(dt.date(2026, 11, 25)) and task.overdue_on(dt.date(2026, 11, 26))
    assert world.officer.notifications.filter(kind="cases.task").count() == 1
    assert task in scoped(world.officer, CaseTask)  # addressed to the police station
    assert task not in scoped(world.cadre_b, CaseTask)

    def call(actor):
        return actions.complete_task(actor, task, note="已约谈企业", now=NOW)

    other_unit_cadre = outsider(world, Role.VILLAGE_CADRE, area=world.village_a2)
    done = check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "leader", "officer", "cadre", "grid_worker"},
        call,
        insider=world.officer,
        outside=other_unit_cadre,
    )
    assert done.status == "done" and done.done_by == world.officer
    assert not done.overdue_on(dt.date(2026, 12, 31))
    with pytest.raises(WorkflowError):
        actions.complete_task(world.officer, task, note="again", now=NOW)


def test_a_task_given_to_a_person_is_theirs_to_complete(world, town_matters):
    case = _open(world, town_matters)
    task = actions.add_task(world.town_staff, case, title="联系企业负责人", owner_user=world.cadre_b, now=NOW)
    # 西一村's cadre is outside 东镇 but the task names them
    actions.complete_task(world.cadre_b, task, note="已联系", now=NOW)
    task.refresh_from_db()
    assert task.status == "done"


def _fraud(world, make_matter):
    matters = [
        make_matter(world.village_a1, title="某理财公司非法集资"),
        make_matter(world.village_a2, title="投资款无法兑付"),
    ]
    return _open(world, matters, kind="fraud", title="某理财公司非法集资案")


def test_fraud_figures_arithmetic(world, make_matter):
    case = _fraud(world, make_matter)
    good = dict(
        people=236, amount_involved="18500000", amount_recovered="6200000.50", amount_returned="3100000"
    )
    entry = actions.record_fraud_figures(world.town_staff, case, on=dt.date(2026, 11, 1), now=NOW, **good)
    assert entry.amount_recovered == Decimal("6200000.50")
    cases = {
        "amount_recovered": dict(good, amount_recovered="18500000.01"),  # more recovered than involved
        "amount_returned": dict(good, amount_returned="6200000.51"),  # more returned than recovered
        "people": dict(good, people=-1),
        "amount_involved": dict(good, amount_involved="-5"),
    }
    for field, values in cases.items():
        with pytest.raises(ValidationError) as exc:
            actions.record_fraud_figures(world.town_staff, case, on=dt.date(2026, 11, 2), now=NOW, **values)
        assert field in exc.value.message_dict, field
    with pytest.raises(ValidationError) as exc:  # tomorrow
        actions.record_fraud_figures(world.town_staff, case, on=dt.date(2026, 11, 21), now=NOW, **good)
    assert exc.value.message_dict["on"] == ["统计日期不能晚于今天。"]
    with pytest.raises(ValidationError, match="已登记过"):
        actions.record_fraud_figures(world.town_staff, case, on=dt.date(2026, 11, 1), now=NOW, **good)
    # equal amounts are allowed: everything recovered has been returned
    equal = dict(good, amount_recovered="18500000", amount_returned="18500000")
    actions.record_fraud_figures(world.town_staff, case, on=dt.date(2026, 11, 20), now=NOW, **equal)
    assert FraudFigures.objects.filter(case=case).count() == 2


def test_fraud_records_only_for_fraud_cases_and_guarded(world, town_matters, make_matter):
    general = _open(world, town_matters)
    with pytest.raises(WorkflowError, match="涉众型"):
        actions.record_education_session(
            world.town_staff,
            general,
            held_on=dt.date(2026, 11, 1),
            place="村委会",
            attendance=30,
            content="政策解读",
            now=NOW,
        )
    case = _fraud(world, make_matter)

    def call(actor):
        return actions.record_education_session(
            actor,
            case,
            held_on=dt.date(2026, 11, 18),
            place="东一村文化礼堂",
            attendance=85,
            content="解读资产处置政策",
            now=NOW,
        )

    session = check_guard(
        world, MANAGERS, call, insider=world.town_staff, outside=outsider(world, Role.CENTRE_STAFF)
    )
    assert session.attendance == 85
    actions.record_fraud_progress(
        world.town_staff, case, track="control", on=dt.date(2026, 11, 10), text="冻结账户 12 个", now=NOW
    )
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))[-2:] == [
        "session",
        "progress",
    ]


GUARDED = {
    "update_case": lambda w, case, m, actor: actions.update_case(
        actor, case, title="新名称", kind="fraud", summary="补充概要", now=NOW
    ),
    "set_lead": lambda w, case, m, actor: actions.set_lead(
        actor, case, lead_unit=w.police, lead_leader=w.leader, now=NOW
    ),
    "remove_matter_from_case": lambda w, case, m, actor: actions.remove_matter_from_case(
        actor, case, m[1], reason="另一企业", now=NOW
    ),
    "add_task": lambda w, case, m, actor: actions.add_task(
        actor, case, title="核查", owner_unit=w.police, now=NOW
    ),
    "record_fraud_figures": lambda w, case, m, actor: actions.record_fraud_figures(
        actor,
        case,
        on=dt.date(2026, 11, 19),
        people=10,
        amount_involved="100",
        amount_recovered="50",
        amount_returned="20",
        now=NOW,
    ),
    "record_fraud_progress": lambda w, case, m, actor: actions.record_fraud_progress(
        actor, case, track="restitution", on=dt.date(2026, 11, 19), text="第一批返还", now=NOW
    ),
}


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_each_case_action_guard(world, town_matters, name):
    case = _open(world, town_matters, kind="fraud")
    before = CaseEvent.objects.filter(case=case).count()
    check_guard(
        world,
        MANAGERS,
        lambda actor: GUARDED[name](world, case, town_matters, actor),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    assert CaseEvent.objects.filter(case=case).count() == before + 1  # the insider's call, on the timeline
    assert CaseEvent.objects.filter(case=case).last().at == NOW


def test_reopen_guard(world, town_matters):
    case = _open(world, town_matters)
    actions.close_case(world.town_staff, case, note="已化解", now=NOW)
    check_guard(
        world,
        MANAGERS,
        lambda actor: actions.reopen_case(actor, case, reason="复发", now=NOW),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_meeting_from_a_case_is_guarded_and_on_its_timeline(world, town_matters):
    case = _open(world, town_matters)
    with pytest.raises(NotAllowed, match="管辖"):
        actions.open_cluster_meeting(outsider(world, Role.CENTRE_STAFF), town_matters, title="x", case=case)
    with pytest.raises(NotAllowed, match="无权"):
        actions.open_cluster_meeting(world.cadre, town_matters, title="x", case=case)
    meeting = actions.open_cluster_meeting(world.town_staff, town_matters, title="x", case=case, now=NOW)
    assert meeting.kind == "topic" and meeting.held_at == NOW + dt.timedelta(days=1)
    assert sorted(meeting.agenda.values_list("matter", flat=True)) == sorted(m.pk for m in town_matters)
    assert case.events.filter(kind="meeting", text=meeting.title).exists()
