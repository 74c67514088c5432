"""Early-warning actions' own guards, called directly (see ``tests/guards.py``): scan, detection config,
warnings and analysis meetings. The sets of who may are written by hand from the README's role table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.core.errors import NotAllowed
from anju.core.roles import Role
from anju.warning import actions
from anju.warning.models import AlertStatus, DomainDetection, MessageType, Signal
from anju.warning.models_analysis import DecisionKind
from guards import check_guard, outsider

SCAN = {"admin", "centre_staff", "town_staff"}
CONFIGURE = {"admin", "centre_staff", "town_staff"}  # and a scope over every village: town_staff is refused
ALERTS = {"admin", "centre_staff", "town_staff"}  # draft, issue, update, lift
ANALYSIS = {"admin", "centre_staff", "town_staff", "leader"}  # meetings, minutes, decisions, key dates


def test_scan(world):
    """A scan evaluates every village's series at once: no area to be outside of."""
    scan = check_guard(world, SCAN, lambda a: actions.run_scan(a, weeks=1), insider=world.town_staff)
    assert scan.actor == world.town_staff


def test_configure_detection(world):
    setting = check_guard(
        world,
        CONFIGURE,
        lambda a: actions.configure_domain(a, world.wages, method="ears_c1"),
        outside=world.town_staff,  # 东镇's centre: the method would change 西镇's scans too
        insider=world.centre_staff,
    )
    assert setting.method == "ears_c1" and DomainDetection.objects.count() == 1


def _draft(actor, world, area=None):
    return actions.draft_alert(
        actor,
        domain=world.wages,
        level="yellow",
        headline="东一村欠薪诉求异常增多预警",
        area=area or world.village_a1,
        onset=timezone.now(),
        expected="本周欠薪类事项明显增多。",
        measures="排查在建工地。",
        recipients=[world.committee_a1, world.police],
    )


def test_warning_actions(world):
    centre_out = outsider(world, Role.CENTRE_STAFF)

    def guard(call):
        return check_guard(world, ALERTS, call, outside=centre_out, insider=world.town_staff)

    draft = guard(lambda a: _draft(a, world))
    issued = guard(lambda a: actions.issue_alert(a, draft))
    assert issued.status == AlertStatus.ISSUED
    update = guard(lambda a: actions.update_alert(a, issued, note="人数增加", level="orange"))
    assert update.msg_type == MessageType.UPDATE and update.references_id == issued.pk
    cancel = guard(lambda a: actions.lift_alert(a, update, note="已化解"))
    assert cancel.msg_type == MessageType.CANCEL


def test_warning_refuses_an_area_outside_scope_when_drafting_and_updating(world):
    with pytest.raises(NotAllowed):  # 东镇's centre warns 西一村
        _draft(world.town_staff, world, area=world.village_b1)
    issued = actions.issue_alert(world.town_staff, _draft(world.town_staff, world))  # the town's own warning
    with pytest.raises(NotAllowed):  # nor may it move its own warning there
        actions.update_alert(world.town_staff, issued, note="范围扩大", area=world.village_b1)
    issued.refresh_from_db()
    assert issued.status == AlertStatus.ISSUED
    moved = actions.update_alert(world.town_staff, issued, note="范围扩大", area=world.village_a2)  # its own
    assert moved.area == world.village_a2


def test_draft_from_signal(world):
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
    alert = check_guard(
        world,
        ALERTS,
        lambda a: actions.draft_from_signal(a, signal, recipients=[world.committee_a1]),
        outside=outsider(world, Role.CENTRE_STAFF),
        insider=world.town_staff,
    )
    assert alert.signal == signal


def test_acknowledge_is_for_the_recipient_units(world):
    """No role holds this: the guard is the recipient list (东一村村委会 and 东镇派出所 here)."""
    issued = actions.issue_alert(world.centre_staff, _draft(world.centre_staff, world))
    for name in ("admin", "centre_staff", "town_staff", "leader", "auditor", "cadre_b"):  # other units
        with pytest.raises(NotAllowed):
            actions.acknowledge_alert(getattr(world, name), issued)
    assert not issued.recipients.filter(acknowledged_at__isnull=False).exists()
    for name in ("cadre", "officer"):  # positive controls: a member of each recipient unit
        assert actions.acknowledge_alert(getattr(world, name), issued).acknowledged_at is not None


@pytest.fixture
def meeting(world):
    return actions.plan_meeting(
        world.centre_staff, kind="regular", area=world.town_a, title="东镇月度研判", held_at=timezone.now()
    )


def test_analysis_meeting_actions(world, meeting):
    leader_out = outsider(world, Role.LEADER)

    def guard(call):
        return check_guard(world, ANALYSIS, call, outside=leader_out, insider=world.leader)

    planned = guard(
        lambda a: actions.plan_meeting(
            a, kind="regular", area=world.town_a, title="研判", held_at=timezone.now()
        )
    )
    assert planned.area == world.town_a
    held = guard(lambda a: actions.record_minutes(a, meeting, attendees="张主任", minutes="逐项研判。"))
    assert held.minutes == "逐项研判。"
    deadline = timezone.localdate() + dt.timedelta(days=7)
    decision = guard(
        lambda a: actions.add_decision(
            a, meeting, kind=DecisionKind.TASK, text="排查", unit=world.police, deadline=deadline
        )
    )
    assert decision.unit == world.police


def test_key_dates(world):
    """A key date holds in its area: a manager of 西镇 may not set one for 东镇."""
    today = timezone.localdate()
    key_date = check_guard(
        world,
        ANALYSIS,
        lambda a: actions.save_key_date(
            a, name="春节", area=world.town_a, start=today, end=today + dt.timedelta(days=3)
        ),
        insider=world.leader,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    assert key_date.name == "春节" and key_date.area == world.town_a


def test_complete_task_is_for_the_responsible_unit_or_a_manager_in_scope(world, meeting):
    def task():
        deadline = timezone.localdate() + dt.timedelta(days=7)
        return actions.add_decision(
            world.centre_staff,
            meeting,
            kind=DecisionKind.TASK,
            text="排查",
            unit=world.police,
            deadline=deadline,
        )

    first = task()
    for name in ("cadre", "grid_worker", "auditor"):  # neither the police station nor analysis.manage
        with pytest.raises(NotAllowed, match="责任单位"):
            actions.complete_task(getattr(world, name), first, note="已办")
    with pytest.raises(NotAllowed, match="管辖范围"):  # a manager of 西镇
        actions.complete_task(outsider(world, Role.CENTRE_STAFF), first, note="已办")
    first.refresh_from_db()
    assert first.done_at is None
    # positive controls: the responsible unit's officer, and a manager of 东镇
    assert actions.complete_task(world.officer, first, note="已排查").done_at is not None
    assert actions.complete_task(world.town_staff, task(), note="已排查").done_at is not None
