"""The level rules (等级处置规则): each default rule, what 交办 and 上报 enforce, the 包案领导, the rules' versions,
and the guards of the new actions. Expected values are written by hand from the matrix's action texts
(risk_matrix_v1.json) and docs/level-rules.md, never read from the rules module."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core import actions as core_actions
from anju.core.errors import Conflict
from anju.core.models import AuditEvent, Notification
from anju.core.roles import Role
from anju.matters import actions
from anju.matters.level_rules import rule_for
from anju.matters.models import LevelRule
from guards import check_guard, outsider

# level -> (deadline days, lowest handling level 1 county … 4 grid, 包案领导, report every n days,
#           automatic 督办 after n days overdue, unanswered 督办 reported up after n days, emergency plan)
DEFAULTS = {
    "low": (30, 4, False, 0, 7, 0, False),
    "medium": (15, 4, False, 0, 3, 7, False),
    "high": (10, 4, True, 7, 1, 3, False),
    "critical": (5, 1, True, 1, 1, 1, True),
}
# (likelihood, consequence) scoring each level on the default matrix
SCORES = {"low": (1, 1), "medium": (2, 2), "high": (3, 3), "critical": (5, 5)}


@pytest.mark.parametrize("level", list(DEFAULTS))
def test_each_default_rule_follows_the_matrix_action_text(level, make_matter):
    matter = make_matter(likelihood=SCORES[level][0], consequence=SCORES[level][1])
    assert matter.inherent_level == level
    rule = rule_for(matter)
    got = (
        rule.deadline_days,
        rule.min_handling_level,
        rule.lead_leader_required,
        rule.report_every_days,
        rule.supervise_after_days_overdue,
        rule.escalate_after_days,
        rule.propose_emergency_plan,
    )
    assert got == DEFAULTS[level]
    assert rule.version == "default"


def test_assign_without_a_deadline_takes_the_rules_days(world, make_matter):
    now = timezone.make_aware(dt.datetime(2026, 3, 2, 9))
    matter = make_matter(likelihood=2, consequence=2, now=now)  # 中: 15 days
    actions.assign(world.centre_staff, matter, unit=world.police, now=now)
    assert matter.deadline == dt.date(2026, 3, 17)
    high = make_matter(likelihood=3, consequence=3, now=now)  # 较高: 10 days
    actions.assign(world.centre_staff, high, unit=world.police, lead_leader=world.leader, now=now)
    assert high.deadline == dt.date(2026, 3, 12)


def test_a_critical_matter_in_a_town_is_refused_until_escalated_then_goes_to_the_county(world, make_matter):
    matter = make_matter(area=world.town_a, likelihood=5, consequence=5)
    actions.set_mitigation_plan(world.town_staff, matter, plan="专班盯办")  # 5 × 5 is also a 灰犀牛
    assert "建议上报" in matter.events.get(kind="assessed").note
    with pytest.raises(ValidationError) as info:
        actions.assign(world.town_staff, matter, unit=world.police, lead_leader=world.leader)
    message = info.value.message_dict["exemption_reason"][0]
    assert "县级办理" in message and "上报" in message
    matter.refresh_from_db()
    assert matter.status == "assessed" and matter.responsible_unit is None
    actions.escalate(world.town_staff, matter, reason="最高风险，报县处置")
    assert matter.handling_area == world.county
    actions.assess(world.centre_staff, matter, likelihood=5, consequence=5)
    assert "建议上报" not in matter.events.filter(kind="assessed").last().note
    actions.assign(world.centre_staff, matter, unit=world.police, lead_leader=world.leader)
    assert matter.status == "assigned" and matter.lead_leader == world.leader


def test_escalating_a_critical_village_matter_goes_straight_to_the_county(world, make_matter):
    matter = make_matter(likelihood=5, consequence=5)  # 东一村
    actions.escalate(world.centre_staff, matter, reason="最高风险")
    assert matter.handling_area == world.county
    medium = make_matter(likelihood=2, consequence=2)
    actions.escalate(world.centre_staff, medium, reason="跨村协调")
    assert medium.handling_area == world.town_a  # one level up, as before


def test_an_exemption_reason_lets_a_critical_matter_be_assigned_where_it_is_and_is_recorded(
    world, make_matter
):
    matter = make_matter(area=world.town_a, likelihood=5, consequence=5)
    actions.set_mitigation_plan(world.town_staff, matter, plan="专班盯办")  # 5 × 5 is also a 灰犀牛
    actions.assign(
        world.town_staff,
        matter,
        unit=world.police,
        lead_leader=world.leader,
        exemption_reason="县应急指挥部已派员驻镇，由镇就地处置",
    )
    matter.refresh_from_db()
    assert matter.handling_exemption == "县应急指挥部已派员驻镇，由镇就地处置"
    assert "不上报理由" in matter.events.get(kind="assigned").note


def test_a_high_matter_needs_a_lead_leader_over_its_place(world, make_matter):
    matter = make_matter(likelihood=3, consequence=3)
    with pytest.raises(ValidationError) as info:
        actions.assign(world.centre_staff, matter, unit=world.police)
    assert "包案领导" in info.value.message_dict["lead_leader"][0]
    town_b_leader = core_actions.create_user(
        None, username="xizhen-lingdao", password="test-pass-123", role=Role.LEADER, area=world.town_b
    )
    with pytest.raises(ValidationError) as info:
        actions.assign(world.centre_staff, matter, unit=world.police, lead_leader=town_b_leader)
    assert "辖区" in info.value.message_dict["lead_leader"][0]
    with pytest.raises(ValidationError) as info:
        actions.assign(world.centre_staff, matter, unit=world.police, lead_leader=world.town_staff)
    assert "领导" in info.value.message_dict["lead_leader"][0]
    matter.refresh_from_db()
    assert matter.status == "assessed" and matter.lead_leader is None
    # set beforehand by its own action, 交办 needs no leader in the form
    actions.set_lead_leader(world.centre_staff, matter, leader=world.leader)
    actions.assign(world.centre_staff, matter, unit=world.police)
    assert matter.status == "assigned" and matter.lead_leader == world.leader
    assert Notification.objects.filter(user=world.leader, kind="matters.lead_leader").count() == 1


def test_a_grey_rhino_needs_a_lead_leader_whatever_its_level(world, make_matter):
    matter = make_matter(likelihood=2, consequence=2)  # 中: no leader by the level
    actions.assign(world.centre_staff, matter, unit=world.police)  # positive control
    rhino = make_matter(likelihood=2, consequence=2)
    actions.set_grey_rhino(world.centre_staff, rhino, marked=True)
    actions.set_mitigation_plan(world.centre_staff, rhino, plan="每周走访")
    with pytest.raises(ValidationError) as info:
        actions.assign(world.centre_staff, rhino, unit=world.police)
    assert info.value.message_dict["lead_leader"] == ["灰犀牛事项须明确包案领导。"]


def _rules(**changes):
    rows = {
        level: dict(
            zip(
                (
                    "deadline_days",
                    "min_handling_level",
                    "lead_leader_required",
                    "report_every_days",
                    "supervise_after_days_overdue",
                    "escalate_after_days",
                    "propose_emergency_plan",
                ),
                values,
                strict=True,
            )
        )
        for level, values in DEFAULTS.items()
    }
    for level, values in changes.items():
        rows[level].update(values)
    return rows


def test_a_new_rules_version_applies_and_the_old_one_stays_as_it_was(world, make_matter):
    first = actions.save_level_rules(
        world.centre_staff,
        world.county,
        rules=_rules(medium={"deadline_days": 20}),
        note="中风险期限放宽",
        based_on=0,
    )
    second = actions.save_level_rules(
        world.centre_staff, world.county, rules=_rules(medium={"deadline_days": 8}), note="收紧", based_on=1
    )
    assert (first.number, second.number) == (1, 2)
    assert LevelRule.objects.get(rule_set=first, level="medium").deadline_days == 20
    now = timezone.make_aware(dt.datetime(2026, 3, 2, 9))
    matter = make_matter(likelihood=2, consequence=2, now=now)
    assert rule_for(matter).version == "v2"
    actions.assign(world.centre_staff, matter, unit=world.police, now=now)
    assert matter.deadline == dt.date(2026, 3, 10)
    assert AuditEvent.objects.filter(action="level_rules.saved").count() == 2
    # a page showing version 1 may not overwrite version 2
    with pytest.raises(Conflict):
        actions.save_level_rules(world.centre_staff, world.county, rules=_rules(), note="旧页面", based_on=1)


def test_bad_rules_are_refused_field_by_field_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as info:
        actions.save_level_rules(
            world.centre_staff,
            world.county,
            rules=_rules(high={"deadline_days": 0}, low={"min_handling_level": 9}),
            note="",
        )
    errors = info.value.message_dict
    assert set(errors) == {"high-deadline_days", "low-min_handling_level", "note"}
    assert not LevelRule.objects.exists()


def test_the_town_cannot_save_county_rules(world):
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: actions.save_level_rules(actor, world.county, rules=_rules(), note="调整"),
        insider=world.centre_staff,
        outside=world.town_staff,
    )


def test_set_lead_leader_guard(world, make_matter):
    matter = make_matter(likelihood=3, consequence=3)
    result = check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "leader"},
        lambda actor: actions.set_lead_leader(actor, matter, leader=world.leader),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )
    assert result.lead_leader == world.leader
    assert matter.events.filter(kind="lead_leader").count() == 1


def test_file_progress_report_guard(world, make_matter, advance):
    matter = advance(make_matter(likelihood=3, consequence=3), "assigned")  # to 东镇派出所
    report = check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "officer", "cadre"},
        lambda actor: actions.file_progress_report(actor, matter, text="已召集双方协商"),
        insider=world.officer,
        outside=outsider(world, "village_cadre", area=world.village_b1),
    )
    assert report.filed_by == world.officer and report.filed_at is not None
