"""The workflow order, bad input refused with field messages and nothing changed, roles and scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anju.assessment import actions
from anju.assessment.models import Assessment, AssessmentItem, PublicNotice, Stage, Survey, SurveyGroup
from anju.core.models import AuditEvent
from anju.matters.actions import WorkflowError

from .conftest import analyse, consult, days, make_item, plan


def test_walk_through_every_stage_writes_audit_events(world, reported):
    assert reported.stage == Stage.REPORTED
    decision = actions.record_decision(
        world.leader,
        reported,
        outcome="implement",
        decided_on=days(0),
        meeting="东镇党委会",
        summary="同意采取措施后实施。",
    )
    reported.refresh_from_db()
    assert reported.stage == Stage.DECIDED and reported.locked
    assert decision.assessment.item.decided_on == days(0)
    kinds = set(AuditEvent.objects.filter(action__startswith="assessment.").values_list("action", flat=True))
    assert {
        "assessment.item.create",
        "assessment.start",
        "assessment.stage",
        "assessment.notice.add",
        "assessment.survey.add",
        "assessment.factor.add",
        "assessment.level",
        "assessment.report",
        "assessment.decide",
    } <= kinds


def test_consultation_records_refused_while_planning(world, item):
    assessment = actions.start_assessment(world.centre_staff, item, body_unit=world.town_centre)
    with pytest.raises(WorkflowError, match="征求意见"):
        actions.add_public_notice(
            world.centre_staff, assessment, channel="公示栏", start_on=days(-30), end_on=days(-1)
        )
    assert not PublicNotice.objects.exists()


def test_plan_must_be_complete_before_consultation(world, item):
    assessment = actions.start_assessment(world.centre_staff, item, body_unit=world.town_centre)
    with pytest.raises(ValidationError) as err:
        actions.open_consultation(world.centre_staff, assessment)
    assert {"team", "methods", "schedule_end", "consult_whom"} <= set(err.value.message_dict)
    assessment.refresh_from_db()
    assert assessment.stage == Stage.PLAN


def test_level_refused_during_consultation(world, item):
    assessment = plan(world, item)
    with pytest.raises(WorkflowError, match="分析论证"):
        actions.determine_level(world.centre_staff, assessment)


def test_analysis_needs_a_consultation_record(world, item):
    assessment = plan(world, item)
    with pytest.raises(ValidationError, match="尚无任何征求意见记录"):
        actions.start_analysis(world.centre_staff, assessment)
    assert Assessment.objects.get(pk=assessment.pk).stage == Stage.CONSULTATION


def test_decision_before_report_is_refused(world, analysed):
    actions.determine_level(world.centre_staff, analysed)
    with pytest.raises(WorkflowError, match="评估报告尚未形成"):
        actions.record_decision(
            world.leader, analysed, outcome="implement", decided_on=days(0), meeting="党委会", summary="同意"
        )
    analysed.refresh_from_db()
    assert analysed.stage == Stage.LEVELLED and not analysed.locked
    assert not hasattr(analysed, "decision")


def test_decision_dated_before_the_report_is_refused(world, reported):
    with pytest.raises(ValidationError) as err:
        actions.record_decision(
            world.leader, reported, outcome="implement", decided_on=days(-3), meeting="党委会", summary="同意"
        )
    assert "不能早于评估报告日期" in err.value.message_dict["decided_on"][0]
    reported.refresh_from_db()
    assert not reported.locked


def test_report_refused_before_level(world, analysed):
    with pytest.raises(WorkflowError):
        actions.issue_report(world.centre_staff, analysed, emergency_plan="预案", conclusion="结论")


@pytest.mark.parametrize(
    "start, end, message",
    [
        (-10, -20, "不能早于开始日期"),
        (-19, -1, "少于规定的最短 20 天"),
    ],
)
def test_public_notice_dates_and_minimum_period(world, item, start, end, message):
    assessment = plan(world, item)
    with pytest.raises(ValidationError) as err:
        actions.add_public_notice(
            world.centre_staff, assessment, channel="公示栏", start_on=days(start), end_on=days(end)
        )
    assert message in err.value.message_dict["end_on"][0]
    assert not PublicNotice.objects.exists()


def test_minimum_notice_period_is_configurable(world, item, settings, tmp_path):
    import json

    from anju.assessment.verdict import PACKAGED

    rule = json.loads(PACKAGED.read_text(encoding="utf-8"))
    rule["consultation"]["public_notice_min_days"] = 7
    path = tmp_path / "rule.json"
    path.write_text(json.dumps(rule), encoding="utf-8")
    settings.ANJU_ASSESSMENT_RULE = str(path)
    assessment = plan(world, item)
    notice = actions.add_public_notice(
        world.centre_staff, assessment, channel="公示栏", start_on=days(-8), end_on=days(-1)
    )
    assert notice.days == 8


def test_negative_counts_refused_nothing_saved(world, item):
    assessment = plan(world, item)
    with pytest.raises(ValidationError) as err:
        actions.add_survey(
            world.centre_staff,
            assessment,
            title="问卷",
            conducted_from=days(-5),
            conducted_to=days(-1),
            groups=[
                {"group": "居民", "support": 10, "neutral": 2, "opposed": 3},
                {"group": "商户", "support": 5, "neutral": -1, "opposed": 1},
            ],
        )
    assert "不能为负数" in err.value.message_dict["groups-1-neutral"][0]
    assert not Survey.objects.exists() and not SurveyGroup.objects.exists()
    with pytest.raises(ValidationError) as err:
        actions.add_meeting(
            world.centre_staff,
            assessment,
            kind="forum",
            held_on=days(-1),
            place="会议室",
            attendance=-3,
            summary="意见",
        )
    assert "不能为负数" in err.value.message_dict["attendance"][0]


def test_survey_dates_out_of_order(world, item):
    assessment = plan(world, item)
    with pytest.raises(ValidationError) as err:
        actions.add_survey(
            world.centre_staff,
            assessment,
            title="问卷",
            conducted_from=days(-1),
            conducted_to=days(-5),
            groups=[{"group": "居民", "support": 1}],
        )
    assert "不能早于开始日期" in err.value.message_dict["conducted_to"][0]


def test_plan_dates_out_of_order(world, item):
    with pytest.raises(ValidationError) as err:
        actions.start_assessment(
            world.centre_staff,
            item,
            body_unit=world.town_centre,
            schedule_start=days(10),
            schedule_end=days(1),
        )
    assert "schedule_end" in err.value.message_dict
    assert not Assessment.objects.exists()


def test_not_adopted_opinion_needs_a_reason(world, item):
    assessment = plan(world, item)
    with pytest.raises(ValidationError) as err:
        actions.add_opinion(
            world.centre_staff, assessment, source="座谈会", content="反对", handling="not_adopted"
        )
    assert "理由" in err.value.message_dict["reason"][0]


def test_factor_scored_on_the_matrix(world, item):
    assessment = consult(world, plan(world, item))
    factor = actions.add_factor(
        world.centre_staff,
        assessment,
        dimension="legality",
        title="审批程序",
        description="用地手续未齐",
        likelihood=5,
        impact=5,
        people_involved=10,
    )
    assert factor.level_before == "critical" and factor.level_after == ""
    with pytest.raises(ValidationError):
        actions.add_factor(
            world.centre_staff,
            assessment,
            dimension="legality",
            title="x",
            description="y",
            likelihood=6,
            impact=1,
        )
    with pytest.raises(ValidationError, match="已启用"):
        actions.add_factor(
            world.centre_staff,
            assessment,
            dimension="safety",
            title="x",
            description="y",
            likelihood=1,
            impact=1,
        )


def test_item_validation_and_scope(world):
    with pytest.raises(ValidationError) as err:
        make_item(world, title="", people_affected=-5, affected_areas=[world.village_b1])
    assert {"title", "people_affected", "affected_areas"} <= set(err.value.message_dict)
    assert not AssessmentItem.objects.exists()
    # a town officer cannot register an item in the other town
    with pytest.raises(WorkflowError, match="管辖范围"):
        make_item(world, actor=world.town_staff, area=world.town_b, affected_areas=[world.village_b1])


def test_roles(world, reported):
    with pytest.raises(WorkflowError, match="无权"):
        actions.record_decision(
            world.centre_staff,
            reported,
            outcome="implement",
            decided_on=days(0),
            meeting="会",
            summary="同意",
        )
    with pytest.raises(WorkflowError, match="无权"):
        make_item(world, actor=world.grid_worker)


def test_item_decided_outside_without_assessment_is_flagged(world, item):
    assert item.coverage() == "not_started"
    actions.record_item_decided(world.centre_staff, item, decided_on=days(-1), note="镇长办公会直接决定")
    assert item.coverage() == "decided_unassessed" and item.is_flagged()


def test_overdue_item_is_flagged(world):
    late = make_item(world, planned_decision_date=days(-1))
    assert late.coverage() == "overdue"
    analyse(world, consult(world, plan(world, make_item(world, title="另一事项"))))


def test_decision_needs_a_passed_review_by_someone_else(world, analysed):
    from .conftest import to_reported

    reported = to_reported(world, analysed, review=False)
    with pytest.raises(WorkflowError, match="尚未经审核通过"):
        actions.record_decision(
            world.leader, reported, outcome="implement", decided_on=days(0), meeting="党委会", summary="同意"
        )
    # the author of the report (here the admin) may not review it
    other = actions.reopen_analysis(world.admin, reported, reason="补充")
    actions.determine_level(world.admin, other)
    actions.issue_report(world.admin, other, emergency_plan="预案", conclusion="结论")
    with pytest.raises(WorkflowError, match="不能审核自己"):
        actions.record_review(world.admin, other, conclusion="pass", opinion="同意")
    with pytest.raises(WorkflowError, match="无权"):
        actions.record_review(world.centre_staff, other, conclusion="pass", opinion="同意")
    actions.record_review(world.leader, other, conclusion="pass", opinion="同意提交")
    # re-issuing the report after the review needs a new review
    actions.issue_report(world.admin, other, emergency_plan="预案（修订）", conclusion="结论")
    with pytest.raises(WorkflowError, match="尚未经审核通过"):
        actions.record_decision(
            world.leader, other, outcome="implement", decided_on=days(0), meeting="会", summary="同意"
        )


def test_review_sending_back_withdraws_level_and_report(world, analysed):
    from .conftest import to_reported

    reported = to_reported(world, analysed, review=False)
    with pytest.raises(ValidationError) as err:
        actions.record_review(world.officer, reported, conclusion="revise", opinion="")
    assert "opinion" in err.value.message_dict
    actions.record_review(
        world.officer, reported, conclusion="revise", opinion="缺少对商户过渡期收入影响的分析"
    )
    reported.refresh_from_db()
    assert reported.stage == Stage.ANALYSIS and reported.final_level == "" and not reported.report_number
    assert reported.reviews.get().conclusion == "revise"
