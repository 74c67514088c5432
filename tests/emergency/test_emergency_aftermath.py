"""善后: investigation, 问题查处, 整改验收, 举一反三, recovery — each rule, the guards, scoping, the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from emergency_helpers import at

from anju.core.errors import NotAllowed, WorkflowError
from anju.emergency import actions
from anju.emergency.models import Investigation, PlanRevisionLink, TaskSource
from anju.emergency.related import similar_matters
from anju.matters.actions import create_matter
from guards import check_guard, outsider

INCIDENT_ROLES = {"admin", "centre_staff", "town_staff", "leader"}  # emergency.incident, written by hand


@pytest.fixture
def ended(world, published_plan, incident):
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    actions.end_response(world.leader, incident, note="全部出院", now=at(12, 9))
    incident.refresh_from_db()
    return incident


def _investigate(user, incident, **kw):
    values = {
        "cause_category": "管理责任",
        "findings": "宴席凉菜加工储存不当。",
        "concluded_at": dt.date(2026, 3, 14),
        "now": at(15, 9),
    }
    values.update(kw)
    return actions.record_investigation(user, incident, **values)


# ---------------------------------------------------------------- only after the response ended


def test_aftermath_is_refused_while_the_response_has_not_ended(world, published_plan, incident):
    with pytest.raises(WorkflowError, match="应急响应终止后才能开展善后工作"):
        _investigate(world.town_staff, incident)
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    with pytest.raises(WorkflowError, match="应急响应终止后"):
        actions.add_problem_finding(
            world.town_staff, incident, unit=world.police, duty="巡查", finding="未巡查", decision="约谈"
        )
    with pytest.raises(WorkflowError, match="应急响应终止后"):
        actions.add_recovery(
            world.town_staff, incident, kind="relief", item="慰问金", recipients="受影响农户"
        )
    assert not Investigation.objects.exists()


# ---------------------------------------------------------------- 原因调查


def test_an_investigation_takes_a_listed_category_and_masks_personal_data(world, ended):
    with pytest.raises(ValidationError) as refused:
        _investigate(world.town_staff, ended, cause_category="天灾", concluded_at=dt.date(2026, 3, 20))
    assert set(refused.value.message_dict) == {"cause_category", "concluded_at"}
    with pytest.raises(ValidationError) as refused:
        _investigate(world.town_staff, ended, concluded_at=dt.date(2026, 3, 11))  # before the end (3-12)
    assert refused.value.message_dict["concluded_at"] == ["调查完成日期不能早于响应终止日期。"]
    investigation = _investigate(world.town_staff, ended, findings="厨师联系人张三，电话13812345678。")
    assert investigation.findings == "厨师联系人张*，电话138****5678。"
    assert investigation.findings_original == "厨师联系人张三，电话13812345678。"
    ended.refresh_from_db()
    assert ended.cause == "管理责任：厨师联系人张*，电话138****5678。"
    again = _investigate(world.town_staff, ended, cause_category="违法违规", findings="无证经营。")
    assert again.pk == investigation.pk
    assert Investigation.objects.get().cause_category == "违法违规"


def test_the_cause_categories_are_configurable(world, ended, settings):
    settings.ANJU_EMERGENCY = {"cause_categories": ["气象灾害", "其他"]}
    with pytest.raises(ValidationError):
        _investigate(world.town_staff, ended, cause_category="管理责任")
    assert _investigate(world.town_staff, ended, cause_category="气象灾害").cause_category == "气象灾害"


# ---------------------------------------------------------------- 问题查处


def test_a_problem_names_a_unit_and_a_duty_and_masks_free_text(world, ended):
    with pytest.raises(ValidationError) as refused:
        actions.add_problem_finding(world.town_staff, ended, unit=None, duty=" ", finding="", decision="")
    assert set(refused.value.message_dict) == {"unit", "duty", "finding", "decision"}
    problem = actions.add_problem_finding(
        world.town_staff,
        ended,
        unit=world.police,
        duty="农村集体聚餐备案",
        finding="未落实聚餐备案，反映人李四电话13900001111未回访。",
        decision="责令整改，通报批评",
        now=at(15, 10),
    )
    assert problem.unit == world.police
    assert problem.finding == "未落实聚餐备案，反映人李*电话139****1111未回访。"
    assert problem.decision == "责令整改，通报批评"


# ---------------------------------------------------------------- 整改 and its verification


def test_a_rectification_is_verified_by_someone_other_than_who_closed_it(world, ended):
    task = actions.add_aftermath_task(
        world.town_staff, ended, title="建立聚餐备案制度", owner_unit=world.police, now=at(15, 9)
    )
    assert task.source == TaskSource.AFTERMATH and task.deadline == dt.date(2026, 4, 14)
    with pytest.raises(WorkflowError, match="办结后才能验收"):
        actions.verify_task(world.leader, task, note="好")
    actions.complete_task(world.officer, task, note="已建立", now=at(20, 9))
    with pytest.raises(ValidationError) as refused:
        actions.verify_task(world.leader, task, note=" ")
    assert refused.value.message_dict == {"note": ["请填写验收意见。"]}
    verified = actions.verify_task(world.leader, task, note="制度已印发", now=at(21, 9))
    assert verified.verified_by == world.leader and verified.verify_note == "制度已印发"
    with pytest.raises(WorkflowError, match="已验收"):
        actions.verify_task(world.centre_staff, task, note="再次")


def test_who_closed_a_rectification_may_not_verify_it(world, ended):
    task = actions.add_aftermath_task(world.town_staff, ended, title="培训", owner_unit=world.town_centre)
    actions.complete_task(world.town_staff, task, note="已培训")
    with pytest.raises(NotAllowed, match="办结人以外"):
        actions.verify_task(world.town_staff, task, note="自验")


def test_only_aftermath_tasks_are_verified(world, ended):
    response_task = ended.tasks.get(title="转运病人")
    actions.complete_task(world.town_staff, response_task, note="已转运")
    with pytest.raises(WorkflowError, match="只有善后整改任务"):
        actions.verify_task(world.leader, response_task, note="好")


# ---------------------------------------------------------------- 举一反三


def test_similar_matters_share_domain_area_subtree_and_title_words(world, ended, health):
    def matter(title, area, domain):
        return create_matter(
            world.centre_staff, kind="dispute", domain=domain, area=area, title=title, description="排查"
        )

    alike = matter("东一村聚餐食物中毒风险排查", world.village_a1, health)
    canteen = matter("东一村学校食堂食物中毒隐患", world.grid_a1, health)
    matter("东一村聚餐食物中毒风险排查", world.village_a2, health)  # another village: outside the subtree
    matter("东一村聚餐食物中毒风险排查", world.village_a1, world.wages)  # another domain
    matter("村民拖欠工资", world.village_a1, health)  # nothing in common
    found = similar_matters(world.town_staff, ended)
    assert [(s.matter.pk, s.score) for s in found] == [(alike.pk, 0.67), (canteen.pk, 0.33)]
    actions.link_matter(world.town_staff, ended, alike, note="同类风险", now=at(15, 11))
    assert [s.matter.pk for s in similar_matters(world.town_staff, ended)] == [canteen.pk]
    with pytest.raises(ValidationError) as refused:
        actions.link_matter(world.town_staff, ended, alike)
    assert refused.value.message_dict == {"matter": ["该事项已关联。"]}


def test_a_matter_out_of_the_users_scope_is_not_linked(world, ended, health):
    elsewhere = create_matter(
        world.centre_staff,
        kind="dispute",
        domain=health,
        area=world.village_b1,
        title="西一村食物中毒",
        description="x",
    )
    with pytest.raises(ValidationError, match="管辖范围内的事项"):
        actions.link_matter(world.town_staff, ended, elsewhere)
    assert actions.link_matter(world.centre_staff, ended, elsewhere).matter == elsewhere  # positive control


def test_marking_a_plan_for_revision_opens_its_draft(world, ended, published_plan):
    with pytest.raises(NotAllowed):  # a leader handles incidents but does not revise plans
        actions.mark_plan_for_revision(world.leader, ended, published_plan, reason="补充聚餐备案")
    link = actions.mark_plan_for_revision(
        world.town_staff, ended, published_plan, reason="补充聚餐备案要求", now=at(16, 9)
    )
    assert link.version.number == 2 and link.version.status == "draft"
    assert link.version.revision_note == "因“东一村聚餐食物中毒”举一反三修订：补充聚餐备案要求"
    with pytest.raises(ValidationError) as refused:
        actions.mark_plan_for_revision(world.town_staff, ended, published_plan, reason="再次")
    assert refused.value.message_dict == {"plan": ["该预案已标记修订。"]}


def test_a_plan_with_an_open_revision_is_linked_to_it(world, ended, published_plan):
    draft = actions.start_revision(world.town_staff, published_plan)
    link = actions.mark_plan_for_revision(world.town_staff, ended, published_plan, reason="补充")
    assert link.version == draft
    assert published_plan.versions.count() == 2
    assert PlanRevisionLink.objects.count() == 1


# ---------------------------------------------------------------- 善后恢复


def test_recovery_counts_recipients_and_refuses_bad_amounts(world, ended):
    with pytest.raises(ValidationError) as refused:
        actions.add_recovery(
            world.town_staff,
            ended,
            kind="bribe",
            item="",
            recipients="",
            recipient_count=-1,
            amount="-5",
            date=dt.date(2026, 3, 30),
            now=at(16, 9),
        )
    assert set(refused.value.message_dict) == {
        "kind",
        "item",
        "recipients",
        "recipient_count",
        "amount",
        "date",
    }
    recovery = actions.add_recovery(
        world.town_staff,
        ended,
        kind="relief",
        item="住院患者慰问金",
        recipients="住院患者",
        recipient_count=30,
        amount="15000",
        date=dt.date(2026, 3, 16),
        now=at(16, 9),
    )
    assert (recovery.recipient_count, recovery.amount) == (30, Decimal("15000.00"))


# ---------------------------------------------------------------- guards (tests/guards.py)


def test_investigation_guard(world, ended):
    check_guard(
        world,
        INCIDENT_ROLES,
        lambda u: _investigate(u, ended),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )


def test_problem_guard(world, ended):
    check_guard(
        world,
        INCIDENT_ROLES,
        lambda u: actions.add_problem_finding(
            u, ended, unit=world.police, duty="巡查", finding="未巡", decision="约谈"
        ),
        insider=world.leader,
        outside=outsider(world, "leader"),
    )


def test_verify_guard(world, ended):
    task = actions.add_aftermath_task(world.town_staff, ended, title="培训", owner_unit=world.police)
    actions.complete_task(world.officer, task, note="已培训")
    check_guard(
        world,
        INCIDENT_ROLES,
        lambda u: actions.verify_task(u, task, note="合格"),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )


def test_link_and_recovery_guards(world, ended, health):
    matter = create_matter(
        world.centre_staff,
        kind="dispute",
        domain=health,
        area=world.village_a1,
        title="聚餐隐患",
        description="x",
    )
    outside = outsider(world, "centre_staff")
    check_guard(
        world,
        INCIDENT_ROLES,
        lambda u: actions.link_matter(u, ended, matter),
        insider=world.town_staff,
        outside=outside,
    )
    check_guard(
        world,
        INCIDENT_ROLES,
        lambda u: actions.add_recovery(
            u, ended, kind="relief", item="慰问", recipients="农户", recipient_count=3
        ),
        insider=world.town_staff,
        outside=outside,
    )
