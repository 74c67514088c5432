"""Filing returns: zero reports, matters registered into the ledger, late marking, and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from anju.core.models import AuditEvent
from anju.matters.actions import WorkflowError
from anju.matters.models import Matter, MatterEvent
from anju.screening.actions import close_round, file_return
from anju.screening.models import Return, ReturnLine

from .conftest import a_matter, all_nothing, lines_with


def test_zero_report_covers_every_domain_with_nothing(world, village_round):
    ret = file_return(world.cadre, village_round, zero_report=True, note="本期未发现")
    assert ret.area == world.village_a1 and ret.unit == world.committee_a1 and ret.filed_by == world.cadre
    assert ret.zero_report and not ret.late and ret.matters_found == 0 and ret.filed_at is not None
    assert ret.lines.count() == 15 and ret.lines.filter(nothing_found=True).count() == 15
    assert AuditEvent.objects.filter(action="screening.return_filed", object_id=str(ret.pk)).exists()


def test_every_domain_ticked_nothing_counts_as_a_zero_report(world, village_round):
    ret = file_return(world.cadre, village_round, lines=all_nothing())
    assert ret.zero_report


def test_a_return_with_matters_registers_them_in_the_ledger(world, village_round):
    ret = file_return(
        world.cadre,
        village_round,
        lines=lines_with(
            world.wages,
            a_matter(
                title="包工头拖欠 8 名村民工资", kind="dispute", people_involved=8, amount_involved="36000"
            ),
            a_matter(title="务工人员社保断缴", kind="demand"),
        ),
    )
    assert not ret.zero_report and ret.matters_found == 2
    line = ret.lines.get(domain=world.wages)
    assert not line.nothing_found and line.matters_count == 2
    matters = Matter.objects.filter(pk__in=line.matters.values("pk"))
    assert matters.count() == 2
    wages = matters.get(title="包工头拖欠 8 名村民工资")
    assert (wages.domain, wages.area, wages.kind, wages.people_involved) == (
        world.wages,
        world.village_a1,
        "dispute",
        8,
    )
    assert str(wages.amount_involved) == "36000.00"
    kinds = set(MatterEvent.objects.filter(matter=wages).values_list("kind", flat=True))
    assert {"registered", "note"} <= kinds
    assert village_round.label in MatterEvent.objects.get(matter=wages, kind="note").note
    assert ret.lines.filter(nothing_found=True).count() == 14


def test_late_return_is_accepted_and_marked_late(world, past_village_round):
    ret = file_return(world.cadre, past_village_round, zero_report=True)
    assert ret.late and ret.filed_at is not None


def test_on_due_date_is_not_late(world, village_round):
    due_evening = dt.datetime.combine(village_round.due_date, dt.time(22, 0))
    from django.utils import timezone

    ret = file_return(world.cadre, village_round, zero_report=True, now=timezone.make_aware(due_evening))
    assert not ret.late


def _nothing_saved(round_, area):
    ret = Return.objects.get(round=round_, area=area)
    assert ret.filed_at is None and not ret.zero_report
    assert not ReturnLine.objects.filter(ret=ret).exists()


def test_zero_report_with_matters_is_refused_and_nothing_changes(world, village_round):
    before = Matter.objects.count()
    with pytest.raises(ValidationError) as exc:
        file_return(world.cadre, village_round, zero_report=True, lines=lines_with(world.land, a_matter()))
    assert "零报告" in exc.value.message_dict["zero_report"][0]
    assert Matter.objects.count() == before
    _nothing_saved(village_round, world.village_a1)


def test_return_for_a_closed_round_is_refused(world, village_round):
    close_round(world.centre_staff, village_round)
    with pytest.raises(ValidationError) as exc:
        file_return(world.cadre, village_round, zero_report=True)
    assert "已结束" in exc.value.message_dict["round"][0]
    _nothing_saved(village_round, world.village_a1)


def test_missing_domains_are_refused_per_domain(world, village_round):
    lines = [line for line in all_nothing() if line["domain"] != world.land]
    with pytest.raises(ValidationError) as exc:
        file_return(world.cadre, village_round, lines=lines)
    assert list(exc.value.message_dict) == ["line:land_requisition"]
    assert "征地拆迁" in exc.value.message_dict["line:land_requisition"][0]
    with pytest.raises(ValidationError) as exc:
        file_return(world.cadre, village_round, lines=[])
    assert "lines" in exc.value.message_dict
    _nothing_saved(village_round, world.village_a1)


def test_nothing_found_with_matters_and_incomplete_matters_are_refused(world, village_round):
    lines = lines_with(world.land, a_matter(title="", description=""), a_matter(amount_involved="-5"))
    lines[0]["matters"] = [a_matter()]  # the first domain says 无 and lists a matter
    before = Matter.objects.count()
    with pytest.raises(ValidationError) as exc:
        file_return(world.cadre, village_round, lines=lines)
    errors = exc.value.message_dict
    first = lines[0]["domain"].code
    assert "不能同时登记" in errors[f"line:{first}"][0]
    assert errors["line:land_requisition:0:title"] == ["请填写标题。"]
    assert errors["line:land_requisition:0:description"] == ["请填写情况描述。"]
    assert "line:land_requisition:1:amount_involved" in errors
    assert Matter.objects.count() == before
    _nothing_saved(village_round, world.village_a1)


def test_an_error_from_the_ledger_rolls_back_the_matters_already_registered(world, village_round):
    # the second matter fails only in the ledger's own check (title too long for the model)
    lines = lines_with(world.land, a_matter(), a_matter(title="长" * 250))
    before = Matter.objects.count()
    with pytest.raises(ValidationError) as exc:
        file_return(world.cadre, village_round, lines=lines)
    assert "line:land_requisition:1:title" in exc.value.message_dict
    assert Matter.objects.count() == before
    _nothing_saved(village_round, world.village_a1)


def test_filing_twice_is_refused(world, village_round):
    file_return(world.cadre, village_round, zero_report=True)
    with pytest.raises(ValidationError) as exc:
        file_return(world.cadre, village_round, zero_report=True)
    assert "已于" in exc.value.message_dict["round"][0]


def test_out_of_scope_and_wrong_roles_are_refused(world, village_round):
    with pytest.raises(WorkflowError):  # another village's cadre
        file_return(world.cadre_b, village_round, area=world.village_a1, zero_report=True)
    with pytest.raises(WorkflowError):  # leaders do not file
        file_return(world.leader, village_round, area=world.village_a1, zero_report=True)
    with pytest.raises(WorkflowError):  # a grid worker's area is below the village
        file_return(world.grid_worker, village_round, zero_report=True)
    with pytest.raises(WorkflowError):  # the town is not a filer of the village round
        file_return(world.town_staff, village_round, zero_report=True)
    _nothing_saved(village_round, world.village_a1)


def test_the_town_centre_may_file_on_behalf_of_a_village(world, village_round):
    ret = file_return(world.town_staff, village_round, area=world.village_a2, zero_report=True)
    assert ret.filed_by == world.town_staff and ret.area == world.village_a2


def test_close_round_needs_the_county_centre_and_only_once(world, village_round):
    with pytest.raises(WorkflowError):
        close_round(world.town_staff, village_round)
    with pytest.raises(WorkflowError):
        close_round(world.cadre, village_round)
    close_round(world.centre_staff, village_round)
    with pytest.raises(WorkflowError):
        close_round(world.centre_staff, village_round)
    assert AuditEvent.objects.filter(action="screening.round_closed").count() == 1
