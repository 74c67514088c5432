"""稳评 actions' own guards, called directly (see ``tests/guards.py``), one walk through an assessment's life.

At each step, before the right user takes it (the positive control), every user whose role may not is refused
for their role, and a user of a role that may, placed in 西镇, is refused for scope: the item belongs to 东镇.
The sets are written by hand from the README's role table.
"""

from __future__ import annotations

from anju.assessment import actions
from anju.assessment.models import Stage
from anju.core.roles import Role
from guards import check_guard, outsider

from .conftest import days, make_item

ITEM = {"admin", "centre_staff", "town_staff", "leader", "officer"}  # register and edit items
CONDUCT = {"admin", "centre_staff", "town_staff", "officer"}  # plan, consult, analyse, report
LEVEL = {"admin", "centre_staff", "town_staff"}
REVIEW = {"admin", "leader", "officer"}
DECIDE = {"admin", "leader"}
REVISE = {"admin", "centre_staff", "town_staff", "officer"}
TRACK = {"admin", "centre_staff", "town_staff", "officer", "cadre"}

ITEM_VALUES = dict(
    title="东镇农贸市场搬迁改造",
    category="project",
    description="拟将东镇老农贸市场整体搬迁至镇区东侧新址。",
    people_affected=860,
)


def test_every_assessment_action_refuses_role_and_scope(world):
    staff, leader = world.centre_staff, world.leader
    centre_out = outsider(world, Role.CENTRE_STAFF)
    officer_out = outsider(world, Role.DEPARTMENT_OFFICER)
    leader_out = outsider(world, Role.LEADER)

    def guard(may, call, insider=staff, outside=centre_out):
        return check_guard(world, may, call, insider=insider, outside=outside)

    # the register
    item = guard(ITEM, lambda a: make_item(world, actor=a))
    assert item.area == world.town_a
    values = ITEM_VALUES | dict(
        year=item.year,
        sponsor_unit=world.town_centre,
        area=world.town_a,
        affected_areas=[world.village_a1],
        planned_decision_date=days(50),
    )
    assert guard(ITEM, lambda a: actions.update_item(a, item, **values)).planned_decision_date == days(50)
    other = make_item(world, title="东镇老街改造")
    decided = guard(
        ITEM, lambda a: actions.record_item_decided(a, other, decided_on=days(-1), note="镇长办公会")
    )
    assert decided.decided_on == days(-1)

    # plan
    plan = dict(body_unit=world.town_centre, team="张组长、李干事", methods=["notice", "survey"])
    assessment = guard(CONDUCT, lambda a: actions.start_assessment(a, item, **plan))
    when = dict(
        schedule_start=days(-60), schedule_end=days(-5), consult_whom="经营户、居民", decision_body="党委会"
    )
    guard(CONDUCT, lambda a: actions.update_plan(a, assessment, **when))
    assert guard(CONDUCT, lambda a: actions.open_consultation(a, assessment)).stage == Stage.CONSULTATION

    # consultation
    notice = dict(
        channel="公示栏", start_on=days(-50), end_on=days(-30), content="方案公示", opinions_received=3
    )
    guard(CONDUCT, lambda a: actions.add_public_notice(a, assessment, **notice))
    extra = guard(CONDUCT, lambda a: actions.add_public_notice(a, assessment, **notice))
    guard(CONDUCT, lambda a: actions.remove_record(a, extra))
    assert assessment.notices.count() == 1
    groups = [{"group": "经营户", "support": 60, "neutral": 28, "opposed": 12}]
    survey = dict(
        title="问卷", conducted_from=days(-45), conducted_to=days(-35), method="入户", groups=groups
    )
    guard(CONDUCT, lambda a: actions.add_survey(a, assessment, **survey))
    meeting = dict(
        kind="forum",
        held_on=days(-33),
        place="会议室",
        attendance=20,
        participants="代表",
        summary="关注补偿",
    )
    guard(CONDUCT, lambda a: actions.add_meeting(a, assessment, **meeting))
    expert = dict(expert="赵教授", field="规划", score=40, weight=1, opinion="可行", given_on=days(-20))
    guard(CONDUCT, lambda a: actions.add_expert_opinion(a, assessment, **expert))
    for name in ("钱律师", "孙工程师"):  # the rule asks for three experts before a level
        actions.add_expert_opinion(staff, assessment, **(expert | {"expert": name}))
    opinion = guard(
        CONDUCT, lambda a: actions.add_opinion(a, assessment, source="公示", content="免收摊位费")
    )
    handled = guard(CONDUCT, lambda a: actions.handle_opinion(a, opinion, handling="adopted", reason=""))
    assert handled.handling == "adopted"
    assert guard(CONDUCT, lambda a: actions.start_analysis(a, assessment)).stage == Stage.ANALYSIS

    # analysis
    texts = {
        "legality": "符合规划。",
        "rationality": "补偿公开。",
        "feasibility": "资金落实。",
        "controllability": "预案齐全。",
    }
    guard(CONDUCT, lambda a: actions.save_analysis(a, assessment, texts=texts))
    risk = dict(
        dimension="rationality",
        title="补偿争议",
        description="补偿偏低",
        likelihood=4,
        impact=3,
        people_involved=80,
    )
    factor = guard(CONDUCT, lambda a: actions.add_factor(a, assessment, **risk))
    after = guard(
        CONDUCT, lambda a: actions.score_factor_after(a, factor, likelihood_after=2, impact_after=2)
    )
    assert after.likelihood_after == 2
    measure = dict(description="免收摊位费三个月", owner_unit=world.town_centre, due_on=days(30))
    guard(CONDUCT, lambda a: actions.add_measure(a, factor, **measure))

    # level, report, review, decision
    assert guard(LEVEL, lambda a: actions.determine_level(a, assessment)).stage == Stage.LEVELLED
    report = dict(emergency_plan="应急小组到场。", conclusion="风险可控。")
    assert guard(CONDUCT, lambda a: actions.issue_report(a, assessment, **report)).stage == Stage.REPORTED
    assert (
        guard(CONDUCT, lambda a: actions.reopen_analysis(a, assessment, reason="补充")).stage
        == Stage.ANALYSIS
    )
    actions.determine_level(staff, assessment)
    actions.issue_report(staff, assessment, **report)
    review = dict(conclusion="pass", opinion="程序完备。")
    guard(
        REVIEW, lambda a: actions.record_review(a, assessment, **review), insider=leader, outside=officer_out
    )
    decision = dict(outcome="implement", decided_on=days(0), meeting="党委会", summary="同意。")
    guard(
        DECIDE,
        lambda a: actions.record_decision(a, assessment, **decision),
        insider=leader,
        outside=leader_out,
    )
    assessment.refresh_from_db()
    assert assessment.locked

    # tracking and revision
    task = assessment.tasks.get()
    done = guard(TRACK, lambda a: actions.complete_task(a, task, done_on=days(0), note="已免收。"))
    assert done.is_done
    assert guard(TRACK, lambda a: actions.link_matters(a, assessment)) == 0
    new = guard(REVISE, lambda a: actions.revise(a, assessment, reason="方案调整"))
    assert new.revision == 2 and new.previous_id == assessment.pk
