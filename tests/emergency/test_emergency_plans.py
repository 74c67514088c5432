"""Plans: versions, approval, publication, revision history, review dates, the duty roster's phones."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from emergency_helpers import at

from anju.core.errors import WorkflowError
from anju.emergency import actions
from anju.emergency.models import DutyPost, Plan, VersionStatus
from anju.emergency.queries import overdue_reviews


def test_a_new_plan_starts_as_a_draft_with_the_default_groups(world):
    plan = actions.create_plan(
        world.town_staff,
        area=world.town_a,
        title="东镇突发事件总体应急预案",
        plan_type="overall",
        now=at(1, 9),
    )
    version = plan.versions.get()
    assert version.number == 1
    assert version.status == VersionStatus.DRAFT
    assert [g.name for g in version.groups.all()] == [
        "综合协调组",
        "抢险救援组",
        "医疗救治组",
        "治安维稳组",
        "宣传引导组",
        "后勤保障组",
        "善后处置组",
    ]
    assert version.command_positions()[0] == ("指挥长", "党委书记、镇长")
    assert plan.review_due is None


def test_a_draft_without_a_response_level_cannot_be_approved(world):
    plan = actions.create_plan(world.town_staff, area=world.town_a, title="东镇防汛预案", plan_type="special")
    with pytest.raises(WorkflowError):
        actions.approve_version(world.leader, plan.versions.get())
    with pytest.raises(WorkflowError):  # not approved: cannot be published
        actions.publish_version(world.leader, plan.versions.get())


def test_publishing_sets_the_review_date_three_years_on(published_plan):
    assert published_plan.published_on == dt.date(2026, 3, 2)
    assert published_plan.review_due == dt.date(2029, 3, 2)
    assert published_plan.current.number == 1


def test_a_revision_copies_the_version_and_supersedes_it_when_published(world, published_plan):
    draft = actions.start_revision(world.town_staff, published_plan, note="机构调整", now=at(20, 9))
    assert draft.number == 2
    assert draft.status == VersionStatus.DRAFT
    assert [lv.level for lv in draft.levels.all()] == [4]
    assert [(g.name, g.tasks) for g in draft.groups.all()] == [
        ("医疗救治组", "转运病人\n统计人数"),
        ("治安维稳组", "维护现场秩序"),
    ]
    with pytest.raises(WorkflowError):  # one unpublished revision at a time
        actions.start_revision(world.town_staff, published_plan)
    actions.edit_draft(
        world.town_staff, draft, summary="新总则", command="指挥长｜镇长", seen_version=draft.version
    )
    actions.approve_version(world.leader, draft, now=at(21, 9))
    actions.publish_version(world.leader, draft, now=at(21, 10))
    statuses = dict(published_plan.versions.values_list("number", "status"))
    assert statuses == {1: VersionStatus.SUPERSEDED, 2: VersionStatus.PUBLISHED}
    published_plan.refresh_from_db()
    assert published_plan.review_due == dt.date(2029, 3, 21)
    assert published_plan.current.summary == "新总则"


def test_a_published_version_is_not_edited(world, published_plan):
    version = published_plan.current
    with pytest.raises(WorkflowError):
        actions.save_level(world.town_staff, version, level=3, trigger="50 人以上")


def test_overdue_reviews_lists_plans_past_their_review_date(world, published_plan):
    other = actions.create_plan(
        world.town_staff, area=world.town_a, title="东镇防汛预案", plan_type="special"
    )
    assert list(overdue_reviews(dt.date(2029, 3, 2))) == []
    assert list(overdue_reviews(dt.date(2029, 3, 3))) == [published_plan]
    assert other not in overdue_reviews(dt.date(2040, 1, 1))  # never published: no review date yet
    assert Plan.objects.count() == 2


def test_a_duty_phone_is_encrypted_and_masked(world, published_plan):
    post = actions.add_duty_post(
        world.town_staff, published_plan, position="带班领导", unit=world.town_centre, phone="138 0013 8000"
    )
    assert post.masked_phone == "138****8000"
    raw = DutyPost.objects.filter(pk=post.pk).values_list("phone", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM emergency_dutypost WHERE id = %s", [post.pk])
        stored = cursor.fetchone()[0]
    assert "13800138000" not in stored
    assert list(raw) == ["13800138000"]
    with pytest.raises(ValidationError):
        actions.add_duty_post(world.town_staff, published_plan, position="值班员", phone="12345")
