"""镇直单位 in 排查: department units file their own return in the town rounds; 零报告 and 无 are checked
against the ledger; a filed return is corrected, with its history, while the round is open."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anju.core import actions as core_actions
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.models import AreaLevel, AuditEvent, UnitKind
from anju.core.roles import Role
from anju.matters.actions import create_matter
from anju.screening.actions import close_round, correct_return, file_return, open_due_rounds
from anju.screening.models import Return, ReturnCorrection
from anju.screening.queries import completeness, completeness_by_parent, pending_for, returns_due_count

from .conftest import a_matter, all_nothing, lines_with


@pytest.fixture
def labour(world):
    """东镇人社所, serving 社会保障和民工欠薪, with its officer; created before the rounds open."""
    unit = core_actions.create_unit(
        None, name="东镇人社所", kind=UnitKind.DEPARTMENT, area=world.town_a, domains=[world.wages]
    )
    officer = core_actions.create_user(
        None,
        username="renshe",
        password="test-pass-123",
        role=Role.DEPARTMENT_OFFICER,
        area=world.town_a,
        unit=unit,
        display_name="renshe",
    )
    return unit, officer


@pytest.fixture
def town_round(world, labour, today):
    return {r.level: r for r in open_due_rounds(today)}[AreaLevel.TOWN]


def _register(world, domain, area, title="拖欠务工人员工资"):
    return create_matter(
        world.centre_staff,
        kind="dispute",
        domain=domain,
        area=area,
        title=title,
        description="包工头拖欠务工人员工资，多次讨要未果。",
    )


def test_the_town_round_lists_each_department_unit_and_tells_its_officer(world, labour, town_round):
    unit, officer = labour
    returns = {(r.area.name, r.department.name if r.department else None) for r in town_round.returns.all()}
    assert returns == {
        ("东镇", None),
        ("西镇", None),
        ("东镇", "东镇派出所"),
        ("东镇", "东镇人社所"),
    }
    assert [n.title for n in officer.notifications.all()] == [f"{town_round.label}已开始"]
    assert f"?unit={unit.pk}" in officer.notifications.get().link
    # the officer owes their unit's return, not the town's; the town centre the town's
    assert [r.department for r in pending_for(officer)] == [unit]
    assert returns_due_count(officer) == 1
    assert [(r.round.level, r.department) for r in pending_for(world.town_staff)] == [(AreaLevel.TOWN, None)]


def test_a_department_covers_the_domains_it_serves(world, labour, town_round):
    unit, officer = labour
    ret = file_return(officer, town_round, zero_report=True)
    assert ret.department == unit and ret.area == world.town_a and ret.filed_by == officer
    assert [line.domain.code for line in ret.lines.all()] == ["social_security_wages"]
    assert ret.zero_report and ret.explanation == ""


def test_a_zero_report_over_the_units_registered_matters_is_refused_naming_them(world, labour, town_round):
    unit, officer = labour
    wages = _register(world, world.wages, world.village_a1)
    _register(world, world.land, world.village_a1, title="征地补偿争议")  # not the unit's domain
    with pytest.raises(ValidationError) as refused:
        file_return(officer, town_round, zero_report=True)
    message = refused.value.message_dict["zero_report"][0]
    assert "不能报零报告" in message and wages.number in message and "拖欠务工人员工资" in message
    assert "征地补偿争议" not in message
    assert not Return.objects.get(round=town_round, department=unit).is_filed

    # listed in the line: filed, the matter counted as found
    ret = file_return(
        officer,
        town_round,
        lines=[{"domain": world.wages, "nothing_found": False, "existing": [wages]}],
    )
    assert not ret.zero_report and ret.matters_found == 1
    assert list(ret.lines.get().matters.all()) == [wages]


def test_an_explanation_lets_a_contradicted_zero_report_through_and_keeps_the_matters(
    world, labour, town_round
):
    unit, officer = labour
    wages = _register(world, world.wages, world.village_a2)
    ret = file_return(officer, town_round, zero_report=True, explanation="该事项已由县人社局直接受理。")
    assert ret.zero_report and ret.explanation == "该事项已由县人社局直接受理。"
    assert list(ret.unlisted_matters.all()) == [wages]
    event = AuditEvent.objects.get(action="screening.return_filed", object_id=str(ret.pk))
    assert event.after["unlisted"] == [wages.pk]


def test_a_village_nothing_found_over_its_own_matters_is_refused_beside_the_domain(world, village_round):
    wages = _register(world, world.wages, world.grid_a1)  # a grid of 东一村: the village's own
    with pytest.raises(ValidationError) as refused:
        file_return(world.cadre, village_round, lines=all_nothing())
    errors = refused.value.message_dict
    assert list(errors) == ["line:social_security_wages"]
    assert wages.number in errors["line:social_security_wages"][0]
    # positive control: 东二村's zero report is not concerned by 东一村's matter
    assert file_return(world.town_staff, village_round, area=world.village_a2, zero_report=True).zero_report


def test_a_matter_of_another_period_does_not_contradict(world, past_village_round, village_round):
    from django.utils import timezone

    matter = _register(world, world.wages, world.village_a1)
    assert timezone.localdate(matter.registered_at) > past_village_round.period_end
    assert file_return(world.cadre, past_village_round, zero_report=True).zero_report


def test_listing_a_matter_of_another_area_is_refused(world, village_round):
    other = _register(world, world.wages, world.village_b1)
    lines = lines_with(world.wages)
    for line in lines:
        if line["domain"] == world.wages:
            line["existing"] = [other]
    with pytest.raises(ValidationError) as refused:
        file_return(world.cadre, village_round, lines=lines)
    assert "不属于本期" in refused.value.message_dict["line:social_security_wages"][0]


def test_who_files_a_department_return(world, labour, town_round):
    unit, officer = labour
    with pytest.raises(NotAllowed, match="无权填报区域"):
        file_return(officer, town_round, area=world.town_a, zero_report=True)
    with pytest.raises(NotAllowed, match="无权填报其他单位"):
        file_return(world.officer, town_round, department=unit, zero_report=True)  # 派出所 for 人社所
    with pytest.raises(NotAllowed, match="村干部无权"):
        file_return(world.cadre, town_round, department=unit, zero_report=True)
    assert not Return.objects.get(round=town_round, department=unit).is_filed
    # a town centre files on the unit's behalf
    ret = file_return(world.town_staff, town_round, department=unit, zero_report=True)
    assert ret.is_filed and ret.filed_by == world.town_staff and ret.department == unit


def test_the_board_counts_department_returns_with_their_town(world, labour, town_round):
    unit, officer = labour
    file_return(officer, town_round, zero_report=True)
    c = completeness(world.town_staff, [town_round])[town_round.pk]
    assert (c.expected, c.filed) == (3, 1)  # 东镇, 东镇派出所, 东镇人社所
    county = completeness(world.centre_staff, [town_round])[town_round.pk]
    assert (county.expected, county.filed) == (4, 1)
    by_town = {
        g["name"]: (g["c"].expected, g["c"].filed)
        for g in completeness_by_parent(world.centre_staff, town_round)
    }
    assert by_town == {"东镇": (3, 1), "西镇": (1, 0)}  # each town with its department units


def test_a_filed_return_is_corrected_with_its_history(world, labour, town_round):
    unit, officer = labour
    ret = file_return(officer, town_round, zero_report=True)
    wages = _register(world, world.wages, world.village_a1)
    correction = correct_return(
        officer,
        ret,
        reason="补报本期登记的欠薪事项",
        lines=[{"domain": world.wages, "nothing_found": False, "existing": [wages]}],
    )
    ret.refresh_from_db()
    assert not ret.zero_report and ret.matters_found == 1 and ret.version == 3  # created, filed, corrected
    assert correction.corrected_by == officer and correction.reason == "补报本期登记的欠薪事项"
    assert correction.changes == [{"field": "社会保障和民工欠薪", "before": "无", "after": wages.number}]
    event = AuditEvent.objects.get(action="screening.return_corrected", object_id=str(ret.pk))
    assert event.before == {"社会保障和民工欠薪": "无"} and event.after == {
        "社会保障和民工欠薪": wages.number
    }
    assert event.note == "补报本期登记的欠薪事项"


def test_a_correction_needs_a_reason_and_a_change(world, labour, town_round):
    unit, officer = labour
    ret = file_return(officer, town_round, zero_report=True)
    with pytest.raises(ValidationError) as refused:
        correct_return(officer, ret, reason=" ", zero_report=True, note="改")
    assert refused.value.message_dict == {"reason": ["请填写更正原因。"]}
    with pytest.raises(ValidationError) as refused:
        correct_return(officer, ret, reason="核对", zero_report=True)
    assert refused.value.message_dict == {"reason": ["报表内容没有变化，无需更正。"]}
    assert not ReturnCorrection.objects.exists()


def test_a_correction_keeps_the_ledger_check(world, village_round):
    ret = file_return(world.cadre, village_round, zero_report=True)
    _register(world, world.wages, world.village_a1)
    with pytest.raises(ValidationError) as refused:
        correct_return(world.cadre, ret, reason="补充说明", zero_report=True, note="补充")
    assert "不能报零报告" in refused.value.message_dict["zero_report"][0]
    correction = correct_return(
        world.cadre, ret, reason="补充说明", zero_report=True, explanation="事项系本期末登记，下期报送。"
    )
    assert correction.changes == [
        {"field": "与台账不一致的说明", "before": "—", "after": "事项系本期末登记，下期报送。"}
    ]


def test_no_correction_once_the_round_is_closed_or_before_filing(world, labour, town_round):
    unit, officer = labour
    pending = Return.objects.get(round=town_round, department=world.police)
    with pytest.raises(WorkflowError):
        correct_return(world.officer, pending, reason="更正", zero_report=True)
    ret = file_return(officer, town_round, zero_report=True)
    close_round(world.centre_staff, town_round)
    with pytest.raises(ValidationError) as refused:
        correct_return(officer, ret, reason="更正", lines=lines_with(world.wages, a_matter()))
    assert refused.value.message_dict == {"round": ["本轮排查已结束，报表不能再更正。"]}


def test_reminders_go_to_the_units_officer_and_the_overdue_list_to_its_town(world, labour, today):
    import datetime as dt

    from anju.core.models import Notification
    from anju.screening.actions import ensure_default_cadences, send_reminders
    from anju.screening.models import Cadence

    unit, officer = labour
    ensure_default_cadences()
    Cadence.objects.update(close_after_days=None)
    opened = open_due_rounds(today - dt.timedelta(days=40))
    town_round = next(r for r in opened if r.level == AreaLevel.TOWN)
    file_return(world.officer, town_round, department=world.police, zero_report=True)  # 派出所 filed
    send_reminders(today)
    reminders = Notification.objects.filter(
        kind="screening.overdue", key__startswith=f"screening:remind:{town_round.pk}:"
    ).order_by("user__username")
    # 东镇人社所's officer for the unit, 东镇's centre for the town (西镇 has no centre user in this world)
    assert [(n.user.username, n.title) for n in reminders] == [
        ("renshe", f"【逾期】东镇人社所尚未报送{town_round.label}"),
        ("zhen", f"【逾期】东镇尚未报送{town_round.label}"),
    ]
    told = Notification.objects.get(key=f"screening:overdue:{town_round.pk}:{world.town_a.pk}")
    assert told.user == world.town_staff and told.body == "东镇人社所"  # 派出所 has filed
