"""No lost update, no double action, for warnings: real threads, each with its own database connection.

Each pair starts two conflicting actions at the same moment (a barrier), both with the version their page
showed. Every pair must end with exactly one of them applied and the other refused with a clear message,
and the warning's stored state must equal what its last audit event (its timeline) says.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from anju.core.errors import Conflict, WorkflowError
from anju.core.models import AuditEvent, User
from anju.warning import actions
from anju.warning.models import Alert, AlertRecipient, AlertStatus, MessageType
from racing import run_pair

PAIRS = 8
STALE = "该预警已被他人修改，请刷新后重试。"


def _draft(world, n):
    return actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline=f"东一村欠薪诉求异常增多预警 {n}",
        area=world.village_a1,
        onset=timezone.now(),
        expected="本周欠薪类事项 8 件，明显高于往年同期。",
        measures="立即排查在建工地，逐件登记化解。",
        recipients=[world.committee_a1, world.police],
    )


def _last_event(alert):
    return (
        AuditEvent.objects.filter(object_type="warning.alert", object_id=str(alert.pk)).order_by("id").last()
    )


def _staff(world):
    """A fresh instance per thread: nothing is shared between the threads but the database."""
    return User.objects.get(pk=world.centre_staff.pk)


@pytest.mark.django_db(transaction=True)
def test_double_issue_from_two_tabs_issues_once(world):
    outcomes = []
    for n in range(PAIRS):
        draft = _draft(world, n)
        seen = draft.version
        results = run_pair(
            *[lambda pk=draft.pk, seen=seen: actions.issue_alert(_staff(world), Alert(pk=pk), version=seen)]
            * 2
        )
        kinds = sorted(r[0] for r in results)
        outcomes.append(tuple(kinds))
        assert kinds == ["ok", "refused"]
        refusal = next(r[1] for r in results if r[0] == "refused")
        assert isinstance(refusal, Conflict) and refusal.messages == [STALE]
        draft.refresh_from_db()
        assert draft.status == AlertStatus.ISSUED and draft.version == seen + 1
        issues = AuditEvent.objects.filter(
            object_type="warning.alert", object_id=str(draft.pk), action="alert.issue"
        )
        assert issues.count() == 1
        last = _last_event(draft)
        assert last.action == "alert.issue" and last.after["status"] == draft.status
        assert last.after["identifier"] == draft.identifier
    assert outcomes == [("ok", "refused")] * PAIRS
    assert len(set(Alert.objects.values_list("identifier", flat=True))) == PAIRS


@pytest.mark.django_db(transaction=True)
def test_double_issue_without_a_version_issues_once(world):
    """A command or API client that sends no version: the row lock alone lets only one through."""
    for n in range(PAIRS):
        draft = _draft(world, n)
        results = run_pair(*[lambda pk=draft.pk: actions.issue_alert(_staff(world), Alert(pk=pk))] * 2)
        assert sorted(r[0] for r in results) == ["ok", "refused"]
        refusal = next(r[1] for r in results if r[0] == "refused")
        assert isinstance(refusal, WorkflowError) and refusal.messages == ["只有草稿状态的预警可以发布。"]
        assert AuditEvent.objects.filter(object_id=str(draft.pk), action="alert.issue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_update_against_lift_on_the_same_warning_applies_one(world):
    """The same page open twice: one person updates, the other lifts. One wins; the warning is in the
    state that the winner's audit event says, and has exactly one successor."""
    won = {"update": 0, "lift": 0}
    for n in range(PAIRS):
        issued = actions.issue_alert(world.centre_staff, _draft(world, n))
        seen = issued.version
        results = run_pair(
            lambda pk=issued.pk, seen=seen: actions.update_alert(
                _staff(world), Alert(pk=pk), note="人数增加", level="orange", version=seen
            ),
            lambda pk=issued.pk, seen=seen: actions.lift_alert(
                _staff(world), Alert(pk=pk), note="已化解", version=seen
            ),
        )
        assert sorted(r[0] for r in results) == ["ok", "refused"]
        refusal = next(r[1] for r in results if r[0] == "refused")
        assert isinstance(refusal, Conflict) and refusal.messages == [STALE]
        winner = "update" if results[0][0] == "ok" else "lift"
        won[winner] += 1
        issued.refresh_from_db()
        expected = AlertStatus.SUPERSEDED if winner == "update" else AlertStatus.LIFTED
        assert issued.status == expected
        followers = list(Alert.objects.filter(references=issued))
        assert len(followers) == 1
        assert followers[0].msg_type == (MessageType.UPDATE if winner == "update" else MessageType.CANCEL)
        assert followers[0].status == AlertStatus.ISSUED
        last = _last_event(issued)
        assert last.action == ("alert.supersede" if winner == "update" else "alert.lift")
        assert last.after["status"] == issued.status
    assert won["update"] + won["lift"] == PAIRS
    print(f"update against lift, {PAIRS} pairs: {won}")  # shown with -s: which side the races went


@pytest.mark.django_db(transaction=True)
def test_two_updates_of_the_same_version_apply_one(world):
    for n in range(PAIRS):
        issued = actions.issue_alert(world.centre_staff, _draft(world, n))
        seen = issued.version
        results = run_pair(
            *[
                lambda level=level, pk=issued.pk, seen=seen: actions.update_alert(
                    _staff(world), Alert(pk=pk), note="调整级别", level=level, version=seen
                )
                for level in ("orange", "red")
            ]
        )
        assert sorted(r[0] for r in results) == ["ok", "refused"]
        followers = Alert.objects.filter(references=issued)
        assert followers.count() == 1
        applied = next(r[1] for r in results if r[0] == "ok")
        assert followers.get().pk == applied.pk
        assert _last_event(issued).after["status"] == AlertStatus.SUPERSEDED


@pytest.mark.django_db(transaction=True)
def test_double_acknowledgement_signs_once(world):
    cadre = world.cadre
    for n in range(PAIRS):
        issued = actions.issue_alert(world.centre_staff, _draft(world, n))
        results = run_pair(
            *[
                lambda pk=issued.pk: actions.acknowledge_alert(User.objects.get(pk=cadre.pk), Alert(pk=pk))
                for _ in range(2)
            ]
        )
        assert sorted(r[0] for r in results) == ["ok", "refused"]
        refusal = next(r[1] for r in results if r[0] == "refused")
        assert refusal.messages == ["您的单位已签收。"]
        mine = AlertRecipient.objects.get(alert=issued, unit=world.committee_a1)
        assert mine.acknowledged_by_id == cadre.pk
        assert AuditEvent.objects.filter(object_id=str(issued.pk), action="alert.acknowledge").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_editors_of_the_minutes_never_overwrite_each_other(world):
    """Two people save the minutes of one meeting from pages showing the same version: one is saved,
    the other refused; the stored minutes are the winner's and its audit event is the last."""
    from anju.warning.models_analysis import AnalysisMeeting, MeetingStatus

    winners = []
    for n in range(PAIRS):
        meeting = actions.plan_meeting(
            world.centre_staff, kind="regular", area=world.county, title=f"周研判 {n}", held_at=timezone.now()
        )
        seen = meeting.version
        results = run_pair(
            *[
                lambda text=text, pk=meeting.pk, seen=seen: actions.record_minutes(
                    _staff(world), AnalysisMeeting(pk=pk), attendees="张主任", minutes=text, version=seen
                )
                for text in ("纪要甲", "纪要乙")
            ]
        )
        assert sorted(r[0] for r in results) == ["ok", "refused"]
        refusal = next(r[1] for r in results if r[0] == "refused")
        assert isinstance(refusal, Conflict) and refusal.messages == ["该研判会已被他人修改，请刷新后重试。"]
        winner = "纪要甲" if results[0][0] == "ok" else "纪要乙"
        winners.append(winner)
        meeting.refresh_from_db()
        assert meeting.minutes == winner and meeting.status == MeetingStatus.HELD
        assert meeting.version == seen + 1
        saved = AuditEvent.objects.filter(
            object_type="warning.analysismeeting", object_id=str(meeting.pk), action="analysis.minutes"
        )
        assert saved.count() == 1 and saved.get().after == {"status": meeting.status}
    assert len(winners) == PAIRS
    print(f"two minutes editors, {PAIRS} pairs, won by: {sorted(winners)}")  # shown with -s
