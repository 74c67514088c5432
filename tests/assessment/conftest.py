"""Helpers that walk an assessment through its stages with the real actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.assessment import actions


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def make_item(world, actor=None, **overrides):
    values = dict(
        year=timezone.localdate().year,
        title="东镇农贸市场搬迁改造",
        category="project",
        description="拟将东镇老农贸市场整体搬迁至镇区东侧新址，涉及经营户和周边居民。",
        sponsor_unit=world.town_centre,
        area=world.town_a,
        affected_areas=[world.village_a1, world.village_a2],
        domains=[world.land],
        people_affected=860,
        planned_decision_date=days(60),
    )
    values.update(overrides)
    return actions.create_item(actor or world.centre_staff, **values)


def plan(world, item, actor=None):
    actor = actor or world.centre_staff
    assessment = actions.start_assessment(
        actor,
        item,
        body_unit=world.town_centre,
        team="张组长、李干事、镇司法所王所长",
        methods=["notice", "survey", "forum", "expert"],
        schedule_start=days(-60),
        schedule_end=days(-5),
        consult_whom="市场经营户、周边居民、村民代表",
        decision_body="东镇党委会",
    )
    return actions.open_consultation(actor, assessment)


def consult(world, assessment, actor=None, opposed=(12, 40)):
    actor = actor or world.centre_staff
    actions.add_public_notice(
        actor,
        assessment,
        channel="镇政务公开栏、村务公开栏",
        start_on=days(-50),
        end_on=days(-30),
        content="搬迁方案公示",
        opinions_received=14,
    )
    actions.add_survey(
        actor,
        assessment,
        title="搬迁意愿问卷",
        conducted_from=days(-45),
        conducted_to=days(-35),
        method="入户",
        groups=[
            {"group": "市场经营户", "support": 60, "neutral": 28, "opposed": opposed[0]},
            {"group": "周边居民", "support": 150, "neutral": 10, "opposed": opposed[1]},
        ],
    )
    actions.add_meeting(
        actor,
        assessment,
        kind="forum",
        held_on=days(-33),
        place="东镇政府会议室",
        attendance=26,
        participants="经营户代表12人、居民代表10人、部门4人",
        summary="关注过渡期摊位费和停车。",
    )
    for name, score in (("赵教授", 40), ("钱律师", 30), ("孙工程师", 50)):
        actions.add_expert_opinion(
            actor,
            assessment,
            expert=name,
            field="城乡规划",
            score=score,
            weight=1,
            opinion="方案总体可行，需做好过渡安置。",
            given_on=days(-20),
        )
    actions.add_opinion(
        actor, assessment, source="公示意见", content="希望过渡期免收摊位费", handling="adopted", reason=""
    )
    actions.add_opinion(
        actor,
        assessment,
        source="座谈会",
        content="反对搬迁，新址太远",
        handling="not_adopted",
        reason="新址距原址 1.2 公里，开通免费接驳车。",
    )
    return actions.start_analysis(actor, assessment)


def analyse(world, assessment, actor=None):
    actor = actor or world.centre_staff
    actions.save_analysis(
        actor,
        assessment,
        texts={
            "legality": "搬迁符合镇国土空间规划，用地手续齐全。",
            "rationality": "兼顾经营户和居民利益，补偿标准公开。",
            "feasibility": "资金已列入年度预算，新址已建成。",
            "controllability": "已制定过渡方案和应急预案。",
        },
    )
    factor = actions.add_factor(
        actor,
        assessment,
        dimension="rationality",
        title="经营户补偿争议",
        description="部分经营户认为过渡期补偿偏低。",
        likelihood=4,
        impact=3,
        people_involved=80,
        likelihood_after=2,
        impact_after=2,
    )
    actions.add_measure(
        actor,
        factor,
        description="过渡期免收摊位费三个月",
        owner_unit=world.town_centre,
        owner_person="李干事",
        due_on=days(30),
    )
    factor2 = actions.add_factor(
        actor,
        assessment,
        dimension="controllability",
        title="搬迁当日交通拥堵",
        description="搬迁集中在一天，可能引发拥堵和口角。",
        likelihood=3,
        impact=2,
        people_involved=200,
        likelihood_after=1,
        impact_after=2,
    )
    actions.add_measure(
        actor,
        factor2,
        description="分批搬迁并安排交警疏导",
        owner_unit=world.police,
        owner_person="",
        due_on=days(45),
    )
    return assessment


def to_reported(world, assessment, actor=None, review=True):
    actions.determine_level(actor or world.centre_staff, assessment)
    assessment = actions.issue_report(
        actor or world.centre_staff,
        assessment,
        emergency_plan="成立应急处置小组，发现聚集苗头 30 分钟内到场。",
        conclusion="风险总体可控，建议采取措施后实施。",
    )
    if review:
        actions.record_review(world.leader, assessment, conclusion="pass", opinion="程序完备，同意提交决策。")
    return assessment


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The shared ``world`` fixture creates nine users; a cheap hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def item(world):
    return make_item(world)


@pytest.fixture
def analysed(world, item):
    assessment = consult(world, plan(world, item))
    return analyse(world, assessment)


@pytest.fixture
def reported(world, analysed):
    return to_reported(world, analysed)
