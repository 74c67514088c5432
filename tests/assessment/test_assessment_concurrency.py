"""稳评: no lost update, no double stage move. Real threads (each its own connection) for pairs of
conflicting actions on one assessment; page tests for a stale tab."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.assessment import actions
from anju.assessment.models import Assessment, Stage
from anju.core.errors import Conflict
from anju.core.models import AuditEvent, User
from racing import run_pair

from .conftest import days, make_item

PAIRS = 5
STALE = "该评估已被他人修改，请刷新后重试。"


def _planned(world, n):
    item = make_item(world, title=f"东镇农贸市场搬迁改造（{n}）")
    return actions.start_assessment(
        world.centre_staff,
        item,
        body_unit=world.town_centre,
        team="张组长、李干事",
        methods=["notice", "survey"],
        schedule_start=days(-60),
        schedule_end=days(-5),
        consult_whom="市场经营户、周边居民",
        decision_body="东镇党委会",
    )


def _fresh(pk):
    return Assessment.objects.select_related("item").get(pk=pk)


def _staff(world):
    return User.objects.get(pk=world.centre_staff.pk)


def _events(assessment):
    return AuditEvent.objects.filter(object_type="assessment.assessment", object_id=str(assessment.pk))


@pytest.mark.django_db(transaction=True)
def test_double_open_consultation_moves_the_stage_once(world):
    for n in range(PAIRS):
        assessment = _planned(world, n)
        seen = assessment.version
        results = run_pair(
            *[
                lambda pk=assessment.pk, seen=seen: actions.open_consultation(
                    _staff(world), _fresh(pk), version=seen
                )
            ]
            * 2
        )
        assert sorted(r[0] for r in results) == ["ok", "refused"]
        refusal = next(r[1] for r in results if r[0] == "refused")
        assert isinstance(refusal, Conflict) and refusal.messages == [STALE]
        assessment.refresh_from_db()
        assert assessment.stage == Stage.CONSULTATION
        moves = _events(assessment).filter(action="assessment.stage")
        assert moves.count() == 1
        assert _events(assessment).order_by("id").last().after == {"stage": assessment.stage}


@pytest.mark.django_db(transaction=True)
def test_plan_edit_against_opening_consultation_loses_nothing(world):
    """From the same page: one person edits the plan's team, another opens the consultation. Either the
    edit lands and the stale move is refused, or the move lands and the edit (now in the wrong stage, and
    stale) is refused; never an edit silently lost or made after the plan was closed."""
    outcomes = []
    for n in range(PAIRS):
        assessment = _planned(world, n)
        seen = assessment.version
        results = run_pair(
            lambda pk=assessment.pk, seen=seen: actions.update_plan(
                _staff(world), _fresh(pk), team="张组长、李干事、王所长", version=seen
            ),
            lambda pk=assessment.pk, seen=seen: actions.open_consultation(
                _staff(world), _fresh(pk), version=seen
            ),
        )
        assert sorted(r[0] for r in results) == ["ok", "refused"]
        assert next(r[1] for r in results if r[0] == "refused").messages == [STALE]
        assessment.refresh_from_db()
        last = _events(assessment).order_by("id").last()
        if results[0][0] == "ok":
            outcomes.append("plan edited; move refused")
            assert assessment.stage == Stage.PLAN and assessment.team == "张组长、李干事、王所长"
            assert last.action == "assessment.plan"
        else:
            outcomes.append("moved; edit refused")
            assert assessment.stage == Stage.CONSULTATION and assessment.team == "张组长、李干事"
            assert last.action == "assessment.stage" and last.after == {"stage": assessment.stage}
    assert len(outcomes) == PAIRS
    print(f"plan edit against open consultation, {PAIRS} pairs: {sorted(outcomes)}")  # shown with -s


def test_stale_tab_answers_with_the_message(client, world):
    assessment = _planned(world, 0)
    client.force_login(world.centre_staff)
    page = client.get(reverse("assessment:detail", args=[assessment.pk]) + "?tab=plan").content.decode()
    assert f'name="version" value="{assessment.version}"' in page
    seen = assessment.version
    actions.update_plan(world.centre_staff, assessment, consult_whom="市场经营户、周边居民、村民代表")
    plan = client.post(
        reverse("assessment:act", args=[assessment.pk, "plan"]),
        {
            "version": seen,
            "body_unit": world.town_centre.pk,
            "team": "另一个小组",
            "methods": ["notice"],
            "schedule_start": days(-60).isoformat(),
            "schedule_end": days(-5).isoformat(),
            "consult_whom": "仅经营户",
            "decision_body": "东镇党委会",
        },
    )
    assert plan.status_code == 409 and STALE in plan.content.decode()
    move = client.post(
        reverse("assessment:act", args=[assessment.pk, "open_consultation"]), {"version": seen}
    )
    assert move.status_code == 302
    assert STALE in client.get(move["Location"]).content.decode()
    assessment.refresh_from_db()
    assert assessment.stage == Stage.PLAN and assessment.team == "张组长、李干事"
    assert assessment.consult_whom == "市场经营户、周边居民、村民代表"
