"""Locking after the decision, revisions, tracking tasks and linked matters."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anju.assessment import actions
from anju.assessment.models import Assessment, Stage
from anju.matters import actions as matter_actions
from anju.matters.actions import WorkflowError

from .conftest import days


def decide(world, assessment, outcome="implement"):
    return actions.record_decision(
        world.leader,
        assessment,
        outcome=outcome,
        decided_on=days(0),
        meeting="东镇党委会",
        summary="研究决定。",
    )


def test_decided_assessment_is_locked(world, reported):
    decide(world, reported)
    factor = reported.factors.first()
    level_after = factor.level_after
    with pytest.raises(WorkflowError, match="锁定"):
        actions.add_factor(
            world.centre_staff,
            reported,
            dimension="legality",
            title="x",
            description="y",
            likelihood=1,
            impact=1,
        )
    with pytest.raises(WorkflowError, match="锁定"):
        actions.score_factor_after(world.centre_staff, factor, likelihood_after=5, impact_after=5)
    with pytest.raises(WorkflowError, match="锁定"):
        actions.record_decision(
            world.leader, reported, outcome="reject", decided_on=days(0), meeting="m", summary="s"
        )
    factor.refresh_from_db()
    assert factor.level_after == level_after != "critical"


def test_revision_copies_records_and_keeps_the_old_one(world, reported):
    decide(world, reported, outcome="postpone")
    with pytest.raises(ValidationError):
        actions.revise(world.centre_staff, reported, reason="")
    new = actions.revise(world.centre_staff, reported, reason="方案调整：新增过渡安置点")
    assert new.revision == 2 and new.previous == reported and new.stage == Stage.ANALYSIS and not new.locked
    assert new.factors.count() == reported.factors.count() == 2
    assert new.surveys.get().groups.count() == 2 and new.experts.count() == 3
    assert sum(f.measures.count() for f in new.factors.all()) == 2
    assert new.final_level == "" and not new.report_docx
    # edit the new revision; the old one is unchanged and still has its report and decision
    actions.add_factor(
        world.centre_staff,
        new,
        dimension="feasibility",
        title="资金到位",
        description="预算",
        likelihood=1,
        impact=2,
        likelihood_after=1,
        impact_after=1,
    )
    old = Assessment.objects.get(pk=reported.pk)
    assert old.locked and old.factors.count() == 2 and old.decision.outcome == "postpone" and old.report_docx
    assert old.item.current_assessment == new
    with pytest.raises(WorkflowError, match="后续版本"):
        actions.revise(world.centre_staff, old, reason="again")
    # the new revision goes through level, report and its own decision
    actions.determine_level(world.centre_staff, new)
    actions.issue_report(world.centre_staff, new, emergency_plan="预案", conclusion="可实施")
    new.refresh_from_db()
    assert (
        new.report_number.endswith("-2") and new.passed_review is None
    )  # the old review does not carry over
    actions.record_review(world.leader, new, conclusion="pass", opinion="同意")
    decide(world, new)
    assert old.item.decided_assessment == new


def test_revise_only_locked(world, reported):
    with pytest.raises(WorkflowError, match="直接修改"):
        actions.revise(world.centre_staff, reported, reason="x")


def test_reopen_withdraws_level_and_report(world, reported):
    actions.reopen_analysis(world.centre_staff, reported, reason="补充走访")
    reported.refresh_from_db()
    assert (
        reported.stage == Stage.ANALYSIS and reported.final_level == "" and reported.report_issued_on is None
    )


def test_implement_decision_creates_tasks_and_tracks_them(world, reported):
    decide(world, reported)
    tasks = list(reported.tasks.order_by("deadline"))
    assert [t.title for t in tasks] == ["过渡期免收摊位费三个月", "分批搬迁并安排交警疏导"]
    assert tasks[0].deadline == days(30) and tasks[0].status_label() == "进行中"
    assert tasks[0].is_overdue(today=days(31)) and tasks[0].status_label(today=days(31)) == "已超期"
    with pytest.raises(ValidationError) as err:
        actions.complete_task(world.centre_staff, tasks[0], done_on=days(5), note="")
    assert {"done_on", "note"} <= set(err.value.message_dict)
    actions.complete_task(world.centre_staff, tasks[0], done_on=days(0), note="已发布免费通知")
    tasks[0].refresh_from_db()
    assert tasks[0].is_done and tasks[0].status_label() == "已完成"


def test_postpone_creates_no_tasks(world, reported):
    decide(world, reported, outcome="postpone")
    assert not reported.tasks.exists()


def test_matters_after_the_decision_are_linked(world, reported):
    def matter(area, domain, title):
        return matter_actions.create_matter(
            world.centre_staff,
            kind="dispute",
            domain=domain,
            area=area,
            title=title,
            description="情况",
            people_involved=12,
            likelihood=3,
            consequence=3,
        )

    before = matter(world.grid_a1, world.land, "决策前的纠纷")
    from django.utils import timezone

    type(before).objects.filter(pk=before.pk).update(
        registered_at=timezone.now() - timezone.timedelta(days=3)
    )
    decide(world, reported)
    inside = matter(world.grid_a1, world.land, "新址摊位分配纠纷")
    matter(world.village_b1, world.land, "西镇的事")  # other area
    matter(world.grid_a1, world.wages, "欠薪")  # other domain
    assert actions.link_matters(world.centre_staff, reported) == 1
    assert list(reported.matter_links.values_list("matter", flat=True)) == [inside.pk]
    assert actions.link_matters(world.centre_staff, reported) == 0  # idempotent
    from anju.assessment.tracking import forecast_vs_actual

    comparison = forecast_vs_actual(reported)
    assert comparison["actual_count"] == 1 and comparison["actual_people"] == 12
    assert comparison["forecast_level"] == "medium" and comparison["forecast_people"] == 280


def test_tracking_job_links_matters_for_every_decided_assessment(world, reported, capsys):
    import argparse

    from anju.assessment.cli import register

    decide(world, reported)
    matter_actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.land,
        area=world.village_a2,
        title="新址噪音投诉",
        description="情况",
        people_involved=3,
    )
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["assessment-track"])
    assert args.func(args) == 0
    assert "新关联事项 1 件" in capsys.readouterr().out
    assert reported.matter_links.count() == 1
    from anju.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="assessment.matters.link", actor__isnull=True).exists()
