"""The matter workflow through ``matters.actions``: legal transitions, refusals that change nothing, side paths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.intake import actions as intake_actions
from anju.intake.models import Channel, Report
from anju.intake.receipts import new_code
from anju.matters import actions, audience
from anju.matters.actions import NotAllowed, WorkflowError
from anju.matters.models import Matter, MatterEvent, MatterKind
from anju.matters.workflow import WORKFLOW, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def reach(world, make_matter, advance):
    """A fresh matter in the given status."""

    def build(status):
        matter = make_matter()
        staff = world.centre_staff
        if status in ("assessed", "assigned", "resolving", "resolved", "followed_up", "archived"):
            return advance(matter, status)
        if status == Status.ESCALATED:
            actions.escalate(staff, matter, reason="涉及跨村，需镇里协调")
        elif status == Status.RETURNED:
            advance(matter, "assigned")
            actions.return_matter(staff, matter, reason="不属于本单位职责")
        elif status == Status.MERGED:
            actions.merge(staff, matter, into=make_matter(title="另一件"))
        elif status == Status.REJECTED:
            actions.reject(staff, matter, reason="不属于受理范围")
        matter.refresh_from_db()
        assert matter.status == status
        return matter

    return build


def perform(action, actor, matter, world, into=None):
    today = timezone.localdate()
    calls = {
        "assess": lambda: actions.assess(actor, matter, likelihood=2, consequence=2),
        "assign": lambda: actions.assign(
            actor,
            matter,
            unit=world.police,
            person=world.officer,
            lead_leader=world.leader,
            deadline=today + dt.timedelta(days=5),
        ),
        "start": lambda: actions.start(actor, matter),
        "resolve": lambda: actions.resolve(actor, matter, outcome="双方达成和解"),
        "follow_up": lambda: actions.follow_up(actor, matter, visited_on=today, satisfaction="basically"),
        "archive": lambda: actions.archive(actor, matter),
        "escalate": lambda: actions.escalate(actor, matter, reason="需要上级协调"),
        "return": lambda: actions.return_matter(actor, matter, reason="材料不全"),
        "merge": lambda: actions.merge(actor, matter, into=into),
        "reject": lambda: actions.reject(actor, matter, reason="重复反映"),
        "mediation": lambda: actions.record_mediation(
            actor, matter, held_on=today, mediators="李调解员", summary="双方到场协商", result="agreed"
        ),
        "supervise": lambda: actions.supervise(actor, matter, note="请加快办理"),
        "note": lambda: actions.add_note(actor, matter, note="已电话联系"),
        "parties": lambda: actions.add_party(
            actor, matter, role="respondent", name="某建筑公司", is_organisation=True
        ),
        "residual": lambda: actions.set_residual_risk(actor, matter, likelihood=1, consequence=1),
        "black_swan": lambda: actions.confirm_black_swan(
            actor,
            matter,
            reason="首次出现且后果严重",
            unit=world.police,
            deadline=today + dt.timedelta(days=30),
        ),
        "black_swan_dismiss": lambda: actions.dismiss_black_swan(actor, matter, reason="同类事项并不罕见"),
        "grey_rhino": lambda: actions.set_grey_rhino(actor, matter, marked=True),
        "mitigation": lambda: actions.set_mitigation_plan(actor, matter, plan="每周走访，分批兑付"),
        "regrade": lambda: actions.regrade(actor, matter, likelihood=4, consequence=2, reason="人数增加"),
        "correct": lambda: actions.correct_facts(actor, matter, people_involved=30, reason="登记时人数有误"),
        "lead_leader": lambda: actions.set_lead_leader(actor, matter, leader=world.leader),
        "progress_report": lambda: actions.file_progress_report(actor, matter, text="已约谈双方，正在协商"),
    }
    return calls[action]()


OPEN = {"registered", "assessed", "assigned", "resolving", "escalated", "returned"}
EVERY = OPEN | {"resolved", "followed_up", "archived", "merged", "rejected"}
# action -> (the statuses it may run in, the status it moves the matter to; None: it changes no status).
# Written by hand from the workflow of docs/ and the README, not read from matters.workflow.
EXPECTED = {
    "assess": ({"registered", "escalated", "returned", "assessed"}, "assessed"),
    "assign": ({"assessed", "returned"}, "assigned"),
    "start": ({"assigned"}, "resolving"),
    "resolve": ({"assigned", "resolving"}, "resolved"),
    "follow_up": ({"resolved"}, "followed_up"),
    "archive": ({"resolved", "followed_up"}, "archived"),
    "escalate": ({"registered", "assessed", "assigned", "resolving", "returned"}, "escalated"),
    "return": ({"assigned", "resolving"}, "returned"),
    "merge": (OPEN, "merged"),
    "reject": ({"registered", "assessed", "escalated"}, "rejected"),
    "mediation": ({"assigned", "resolving"}, "resolving"),  # a first session starts the resolution
    "supervise": (OPEN, None),
    "note": (EVERY, None),
    "parties": (OPEN, None),
    "residual": (OPEN | {"resolved"}, None),
    "black_swan": (EVERY, None),
    "black_swan_dismiss": (EVERY, None),
    "grey_rhino": (EVERY, None),
    "mitigation": (OPEN, None),
    "regrade": (OPEN, None),
    "correct": (OPEN, None),
    "lead_leader": (OPEN, None),
    "progress_report": ({"assigned", "resolving", "returned"}, None),
}


def test_the_expected_table_covers_every_action_of_the_workflow():
    assert set(EXPECTED) | {"create"} == set(WORKFLOW)


@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_action_moves_every_legal_source_and_refuses_the_rest(
    action, world, make_matter, reach, db_state
):
    sources, target = EXPECTED[action]
    for status in Status.values:
        matter = reach(status)
        into = make_matter(title="合并目标")
        if status in sources:
            perform(action, world.centre_staff, matter, world, into)
            matter.refresh_from_db()
            assert matter.status == (target or status), (action, status)
            event = matter.events.order_by("-id").first()
            if target is None or (action == "mediation" and status == target):
                moved = ("", "")  # no status change: the timeline records none
            else:
                moved = (status, target)
            assert (event.from_status, event.to_status) == moved, (action, status)
            assert AuditEvent.objects.filter(object_id=str(matter.pk), action=f"matter.{event.kind}").exists()
        else:
            before = db_state(matter)  # row, timeline and audit log
            with pytest.raises(WorkflowError) as info:
                perform(action, world.centre_staff, matter, world, into)
            assert not isinstance(info.value, NotAllowed), (action, status)  # the status, not the role: 409
            if target is not None and action != "mediation":
                assert "不能执行" in info.value.messages[0]
            assert db_state(matter) == before, (action, status)


# action -> (permission, timeline event, who reads that event: public / internal / on request), by hand from
# matters/permissions.py's comments, the README's role table and docs/audience.md.
EXPECTED_RULES = {
    "create": ("matter.create", "registered", "public"),
    "assess": ("matter.assess", "assessed", "public"),
    "assign": ("matter.assign", "assigned", "public"),
    "start": ("matter.start", "started", "public"),
    "resolve": ("matter.resolve", "resolved", "public"),
    "follow_up": ("matter.follow_up", "followed_up", "public"),
    "archive": ("matter.archive", "archived", "public"),
    "escalate": ("matter.escalate", "escalated", "public"),
    "return": ("matter.return", "returned", "internal"),
    "merge": ("matter.merge", "merged", "public"),
    "reject": ("matter.reject", "rejected", "public"),
    "mediation": ("mediation.record", "mediation", "public"),
    "supervise": ("matter.supervise", "supervised", "internal"),
    "note": ("matter.note", "note", "on request"),
    "parties": ("matter.note", "party_added", "internal"),
    "residual": ("matter.assess", "residual_assessed", "internal"),
    "black_swan": ("matter.flag", "black_swan", "internal"),
    "black_swan_dismiss": ("matter.flag", "black_swan_dismissed", "internal"),
    "grey_rhino": ("matter.flag", "grey_rhino", "internal"),
    "mitigation": ("matter.flag", "mitigation_plan", "internal"),
    "regrade": ("matter.assess", "regraded", "internal"),
    "correct": ("matter.correct", "facts_corrected", "internal"),
    "lead_leader": ("matter.lead_leader", "lead_leader", "internal"),
    "progress_report": ("matter.progress_report", "progress_report", "internal"),
}


def test_each_action_needs_its_permission_and_writes_its_event_for_its_audience():
    table = {k: (a.permission, a.event, a.audience) for k, a in WORKFLOW.items()}
    assert table == EXPECTED_RULES
    # the citizen's wording (matters.audience) exists for exactly the public events
    public = {event for _perm, event, who in EXPECTED_RULES.values() if who == "public"}
    assert set(audience.PUBLIC_LINES) == public
    assert audience.PUBLIC_TEXT_KINDS == {"resolved", "rejected", "note"}


WRONG_ROLE = {
    "assess": "grid_worker",
    "assign": "officer",
    "start": "leader",
    "resolve": "grid_worker",
    "follow_up": "officer",
    "archive": "cadre",
    "escalate": "leader",
    "return": "grid_worker",
    "merge": "cadre",
    "reject": "officer",
}
SOURCE_FOR = {
    "assess": "registered",
    "assign": "assessed",
    "start": "assigned",
    "resolve": "resolving",
    "follow_up": "resolved",
    "archive": "followed_up",
    "escalate": "registered",
    "return": "assigned",
    "merge": "registered",
    "reject": "registered",
}


@pytest.mark.parametrize("action", list(WRONG_ROLE))
def test_a_role_without_the_permission_is_refused_and_nothing_changes(
    action, world, make_matter, reach, db_state
):
    actor = getattr(world, WRONG_ROLE[action])
    assert not actor.can(f"matter.{action}")
    matter = reach(SOURCE_FOR[action])
    into = make_matter(title="合并目标")
    before = db_state(matter)
    with pytest.raises(NotAllowed) as info:  # 403, not the 409 of a state that does not allow the step
        perform(action, actor, matter, world, into)
    assert "无权" in info.value.messages[0]
    assert db_state(matter) == before


def test_an_actor_outside_the_matters_area_is_refused(world, make_matter, advance, db_state):
    matter = advance(make_matter(), "resolving")
    before = db_state(matter)
    with pytest.raises(NotAllowed, match="管辖范围"):
        actions.resolve(world.cadre_b, matter, outcome="越权办结")
    assert db_state(matter) == before


@pytest.mark.parametrize("action", ["escalate", "return", "reject"])
def test_reason_is_required(action, world, make_matter, advance, db_state):
    matter = make_matter()
    if action == "return":
        advance(matter, "assigned")
    call = {"escalate": actions.escalate, "return": actions.return_matter, "reject": actions.reject}[action]
    before = db_state(matter)
    with pytest.raises(ValidationError) as info:
        call(world.centre_staff, matter, reason="   ")
    assert "原因" in info.value.message_dict["reason"][0]
    assert db_state(matter) == before


def test_escalation_climbs_the_area_tree_and_stops_at_the_top(world, make_matter):
    staff = world.centre_staff
    matter = make_matter()
    actions.escalate(staff, matter, reason="村级无法化解")
    matter.refresh_from_db()
    assert matter.handling_area == world.town_a and matter.area == world.village_a1
    assert matter.closing_reason == "村级无法化解"
    actions.assess(staff, matter, likelihood=4, consequence=4)
    actions.escalate(staff, matter, reason="镇级无法化解")
    matter.refresh_from_db()
    assert matter.handling_area == world.county
    actions.assess(staff, matter, likelihood=4, consequence=4)
    with pytest.raises(WorkflowError, match="最高层级"):
        actions.escalate(staff, matter, reason="再上报")
    matter.refresh_from_db()
    assert matter.status == Status.ASSESSED and matter.handling_area == world.county


def test_merge_moves_the_reports_and_logs_on_both_matters(world, make_matter):
    duplicate, target = make_matter(title="重复登记"), make_matter(title="原事项")
    report = Report.objects.create(
        receipt_code=new_code(),
        channel=Channel.CALL,
        text="同一件事",
        area=world.village_a1,
        matter=duplicate,
    )
    actions.merge(world.centre_staff, duplicate, into=target)
    duplicate.refresh_from_db()
    report.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == target
    assert report.matter == target
    assert target.events.filter(kind="merge_received").exists()
    assert duplicate.events.get(kind="merged").data == {"into": target.pk, "reports_moved": 1}


def test_the_intake_action_that_moves_the_reports_has_its_own_guard(world, make_matter):
    """``intake.actions.relink_reports`` (merge's hand-over of the reports) refuses whoever may not merge
    or, positive control, moves the reports for who may."""
    duplicate, target = make_matter(title="重复登记"), make_matter(title="原事项")
    report = Report.objects.create(
        receipt_code=new_code(),
        channel=Channel.CALL,
        text="同一件事",
        area=world.village_a1,
        matter=duplicate,
    )
    for refused in (world.cadre, world.grid_worker):  # 村干部 and 网格员 may not merge
        with pytest.raises(NotAllowed):
            intake_actions.relink_reports(refused, duplicate, target)
    outside = make_matter(area=world.village_b1, title="西一村的事项")
    with pytest.raises(NotAllowed):
        intake_actions.relink_reports(world.town_staff, duplicate, outside)  # 西镇 is not 东镇's
    report.refresh_from_db()
    assert report.matter == duplicate
    assert intake_actions.relink_reports(world.town_staff, duplicate, target) == 1
    report.refresh_from_db()
    assert report.matter == target


def test_merge_into_itself_or_a_closed_matter_is_refused(world, make_matter, reach, db_state):
    matter = make_matter()
    before = db_state(matter)
    with pytest.raises(ValidationError) as info:
        actions.merge(world.centre_staff, matter, into=matter)
    assert "into" in info.value.message_dict
    with pytest.raises(ValidationError):
        actions.merge(world.centre_staff, matter, into=reach("archived"))
    assert db_state(matter)[:2] == before[:2]


def test_black_swan_is_suggested_only_for_the_first_of_its_kind_in_an_area_and_domain(world, make_matter):
    severe = {"likelihood": 2, "consequence": 4}  # consequence at the default threshold
    first = make_matter(**severe)
    same = make_matter(title="又一起欠薪", **severe)
    other_kind = make_matter(kind=MatterKind.HAZARD, **severe)
    other_area = make_matter(area=world.village_a2, **severe)
    other_domain = make_matter(domain=world.land, **severe)
    assert first.black_swan_suggested
    assert not same.black_swan_suggested
    assert (
        other_kind.black_swan_suggested
        and other_area.black_swan_suggested
        and other_domain.black_swan_suggested
    )
    confirmation = {"reason": "首次出现", "unit": world.police, "deadline": dt.date(2099, 1, 31)}
    actions.confirm_black_swan(world.centre_staff, first, **confirmation)
    first.refresh_from_db()
    assert first.black_swan_confirmed is True
    with pytest.raises(NotAllowed):
        actions.confirm_black_swan(world.cadre, same, **confirmation)


@pytest.mark.parametrize(
    ("likelihood", "consequence", "level", "rhino"),
    [
        (1, 1, "low", False),
        (3, 3, "high", False),
        (3, 5, "critical", False),
        (4, 4, "critical", True),
        (5, 4, "critical", True),
        (4, 3, "high", False),
    ],
)
def test_assessment_scores_on_the_matrix_and_marks_grey_rhinos(
    world, make_matter, likelihood, consequence, level, rhino
):
    matter = actions.assess(world.centre_staff, make_matter(), likelihood=likelihood, consequence=consequence)
    matter.refresh_from_db()
    assert (matter.inherent_level, matter.grey_rhino, matter.matrix_version) == (
        level,
        rhino,
        "default-5x5@1",
    )


def test_grey_rhino_can_be_marked_and_cleared_by_centre_staff(world, make_matter):
    matter = make_matter()
    actions.set_grey_rhino(world.centre_staff, matter, marked=True)
    assert Matter.objects.get(pk=matter.pk).grey_rhino
    actions.set_grey_rhino(world.centre_staff, matter, marked=False)
    assert not Matter.objects.get(pk=matter.pk).grey_rhino


def test_out_of_range_scores_are_field_errors(world, make_matter, db_state):
    matter = make_matter()
    before = db_state(matter)
    with pytest.raises(ValidationError) as info:
        actions.assess(world.centre_staff, matter, likelihood=6, consequence=1)
    assert "likelihood" in info.value.message_dict
    assert db_state(matter) == before


def test_residual_level_is_kept_beside_the_inherent_one(world, make_matter, advance):
    matter = advance(make_matter(), "resolving")
    assert matter.inherent_level == "high"
    actions.set_residual_risk(world.centre_staff, matter, likelihood=1, consequence=2, note="已分期支付")
    matter.refresh_from_db()
    assert (matter.inherent_level, matter.residual_level) == ("high", "low")
    assert matter.level_for_display == "low" and matter.matrix_version == "default-5x5@1"
    assert matter.events.filter(kind="residual_assessed").exists()


def test_residual_level_cannot_change_after_archiving(world, make_matter, advance, db_state):
    matter = advance(make_matter(), "archived")
    before = db_state(matter)
    with pytest.raises(WorkflowError):
        actions.set_residual_risk(world.centre_staff, matter, likelihood=1, consequence=1)
    assert db_state(matter) == before


def test_assign_checks_unit_person_and_deadline(world, make_matter, advance, db_state):
    matter = advance(make_matter(), "assessed")
    before = db_state(matter)
    with pytest.raises(ValidationError) as info:
        actions.assign(
            world.centre_staff,
            matter,
            unit=world.police,
            person=world.cadre,
            lead_leader=world.leader,
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )
    assert set(info.value.message_dict) == {"person", "deadline"}
    assert db_state(matter) == before


def test_overdue_means_past_deadline_while_the_deadline_runs(world, make_matter, advance):
    # assigned ten days ago with a deadline that passed three days ago; one of them resolved since
    then = timezone.now() - dt.timedelta(days=10)
    past = timezone.localdate() - dt.timedelta(days=3)
    late = advance(make_matter(title="超期", now=then), "resolving", now=then, deadline=past)
    on_time = advance(make_matter(title="未超期"), "assigned")
    done_late = advance(make_matter(title="已办结", now=then), "assigned", now=then, deadline=past)
    actions.resolve(world.centre_staff, done_late, outcome="已支付")
    overdue = set(Matter.objects.overdue().values_list("pk", flat=True))
    assert overdue == {late.pk}
    assert Matter.objects.get(pk=late.pk).is_overdue and not Matter.objects.get(pk=on_time.pk).is_overdue


def test_supervision_note_sets_a_new_deadline(world, make_matter, advance):
    matter = advance(make_matter(), "assigned")
    new_deadline = timezone.localdate() + dt.timedelta(days=30)
    actions.supervise(world.leader, matter, note="请本周内化解", new_deadline=new_deadline)
    matter.refresh_from_db()
    assert matter.deadline == new_deadline
    assert matter.supervision_notes.get().note == "请本周内化解"
    with pytest.raises(NotAllowed):
        actions.supervise(world.officer, matter, note="部门无督办权")


def test_mediation_on_an_assigned_matter_starts_resolution(world, make_matter, advance):
    matter = advance(make_matter(), "assigned")
    actions.record_mediation(
        world.officer,
        matter,
        held_on=timezone.localdate(),
        mediators="李调解员",
        summary="双方当面协商",
        result="agreed",
        agreement_text="分两期支付",
    )
    matter.refresh_from_db()
    assert matter.status == Status.RESOLVING
    event = matter.events.get(kind="mediation")
    assert (event.from_status, event.to_status) == ("assigned", "resolving")


def test_every_action_writes_timeline_and_audit_in_step(world, make_matter, advance):
    matter = advance(make_matter(), "archived")
    kinds = list(matter.events.values_list("kind", flat=True))
    assert kinds == ["registered", "assessed", "assigned", "started", "resolved", "followed_up", "archived"]
    audited = AuditEvent.objects.filter(object_type="matters.matter", object_id=str(matter.pk)).count()
    assert audited == MatterEvent.objects.filter(matter=matter).count()


def test_record_export_is_audited_and_needs_the_permission(world):
    event = actions.record_export(world.centre_staff, {"status": "open"}, 42)
    assert event.action == "ledger.export" and event.after == {"filters": {"status": "open"}, "count": 42}
    with pytest.raises(NotAllowed):
        actions.record_export(world.grid_worker, {}, 1)


def test_registration_time_of_a_filing_made_earlier(world):
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from anju.matters.actions import create_matter
    from anju.matters.models import Matter

    filed = timezone.now() - dt.timedelta(days=20)
    matter = create_matter(
        world.cadre,
        kind="hazard",
        domain=world.land,
        area=world.village_a1,
        title="排查发现",
        description="排查中发现的隐患",
        registered_at=filed,
    )
    assert matter.registered_at == filed and matter.occurred_at == filed
    assert matter.events.get(kind="registered").at == filed
    with pytest.raises(ValidationError):
        create_matter(
            world.cadre,
            kind="hazard",
            domain=world.land,
            area=world.village_a1,
            title="未来",
            description="未来",
            registered_at=timezone.now() + dt.timedelta(days=1),
        )
    assert Matter.objects.count() == 1


def test_staff_remarks_on_transitions_are_not_public(world):
    import datetime as dt

    from django.utils import timezone

    from anju.matters import actions

    matter = actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.land,
        area=world.village_a1,
        title="宅基地纠纷",
        description="两户宅基地边界纠纷",
        likelihood=2,
        consequence=2,
    )
    actions.assign(
        world.centre_staff,
        matter,
        unit=world.committee_a1,
        lead_leader=world.leader,
        deadline=timezone.localdate() + dt.timedelta(days=5),
        note="请村调委会三日内组织调解，注意当事人情绪",
    )
    public = list(matter.events.filter(public=True).values_list("note", flat=True))
    assert all("情绪" not in n for n in public) and any("交办东一村村委会办理" in n for n in public)
    assert matter.events.get(kind="note", public=False).note.startswith("请村调委会三日内")
