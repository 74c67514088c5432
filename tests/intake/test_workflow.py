"""Register, link and reject a report; what the citizen's status lookup returns."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from anju.core.models import AuditEvent
from anju.intake import actions, receipts
from anju.intake.models import Report, ReportStatus
from anju.matters import actions as matter_actions
from anju.matters.actions import WorkflowError
from anju.matters.models import Matter, MatterEvent, MatterParty, PartyRole
from anju.matters.workflow import Status

from .helpers import ID_NUMBER, NAME, PHONE, report_kwargs


@pytest.fixture
def report(world):
    return actions.submit_report(
        None,
        **report_kwargs(world, channel="online", text="工地拖欠二十名工人工资三个月"),
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_id_number=ID_NUMBER,
    )


def register(world, report, actor=None, **overrides):
    kwargs = {
        "kind": "dispute",
        "domain": world.wages,
        "title": "工地欠薪",
        "people_involved": 20,
        "amount_involved": "180000",
    }
    kwargs.update(overrides)
    return actions.register_report(actor or world.centre_staff, report, **kwargs)


def test_register_creates_the_matter_links_the_report_and_copies_the_reporter(world, report):
    matter = register(world, report)
    report.refresh_from_db()
    assert report.status == ReportStatus.REGISTERED and report.matter == matter
    assert matter.area == world.village_a1 and matter.description == report.text
    assert matter.status == Status.REGISTERED and matter.occurred_at == report.received_at
    party = matter.parties.get()
    assert party.role == PartyRole.APPLICANT
    assert (party.name, party.phone, party.id_number) == (NAME, PHONE, ID_NUMBER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, id_number FROM matters_matterparty WHERE id = %s", [party.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("enc2:") for value in raw)
    assert NAME not in raw[0] and PHONE not in raw[1] and ID_NUMBER not in raw[2]
    audit = AuditEvent.objects.get(action="report.register", object_id=str(report.pk))
    assert audit.after == {"status": "registered", "matter": matter.pk} and audit.note == matter.number


def test_register_with_likelihood_and_consequence_assesses_at_once(world, report):
    matter = register(world, report, likelihood=4, consequence=4)
    assert matter.status == Status.ASSESSED and matter.inherent_level


def test_only_both_or_neither_of_likelihood_and_consequence(world, report):
    with pytest.raises(ValidationError) as excinfo:
        register(world, report, likelihood=3)
    assert "consequence" in excinfo.value.message_dict
    assert Matter.objects.count() == 0


def test_a_village_cadre_registers_but_cannot_assess(world, report):
    with pytest.raises(ValidationError) as excinfo:
        register(world, report, actor=world.cadre, likelihood=2, consequence=2)
    assert "likelihood" in excinfo.value.message_dict
    matter = register(world, report, actor=world.cadre)
    assert matter.created_by == world.cadre


def test_anonymous_report_registers_without_a_party(world):
    anonymous = actions.submit_report(None, **report_kwargs(world), anonymous=True)
    matter = register(world, anonymous)
    assert not matter.parties.exists()


def test_register_refuses_bad_fields_and_saves_nothing(world, report):
    with pytest.raises(ValidationError) as excinfo:
        register(world, report, kind="nonsense", domain=None)
    assert {"kind", "domain"} <= set(excinfo.value.message_dict)
    with pytest.raises(ValidationError) as excinfo:
        register(world, report, title="  ")
    assert "title" in excinfo.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED and Matter.objects.count() == 0
    assert not MatterParty.objects.exists()


def test_a_report_is_registered_only_once(world, report):
    register(world, report)
    stale = Report.objects.get(pk=report.pk)
    with pytest.raises(WorkflowError):
        register(world, stale)
    with pytest.raises(WorkflowError):
        actions.reject_report(world.centre_staff, stale, "重复")
    assert Matter.objects.count() == 1


def test_roles_and_scope_are_checked(world, report):
    with pytest.raises(WorkflowError):
        register(world, report, actor=world.grid_worker)  # may report, may not register
    with pytest.raises(WorkflowError):
        register(world, report, actor=world.cadre_b)  # another village
    assert Matter.objects.count() == 0


def test_link_a_repeated_report_to_the_existing_matter(world, report):
    matter = register(world, report)
    again = actions.submit_report(
        world.grid_worker,
        **report_kwargs(world, channel="grid", area=world.grid_a1, text="工地工人又来反映欠薪"),
    )
    actions.link_report(world.centre_staff, again, matter, note="同一工地")
    again.refresh_from_db()
    assert again.status == ReportStatus.LINKED and again.matter == matter
    assert Matter.objects.count() == 1
    note = MatterEvent.objects.filter(matter=matter, kind="note").get()
    assert not note.public and "重复反映" in note.note and "同一工地" in note.note
    assert AuditEvent.objects.filter(action="report.link", object_id=str(again.pk)).exists()


def test_link_refuses_closed_merged_and_out_of_scope_matters(world, report):
    matter = register(world, report)
    other = actions.submit_report(world.centre_staff, **report_kwargs(world, area=world.village_a2))
    target = register(world, other, title="另一事项")
    matter_actions.merge(world.centre_staff, matter, into=target)
    second = actions.submit_report(world.centre_staff, **report_kwargs(world))
    with pytest.raises(ValidationError) as excinfo:
        actions.link_report(world.centre_staff, second, matter)
    assert target.number in excinfo.value.message_dict["matter"][0]
    matter_actions.reject(world.centre_staff, target, reason="不属于受理范围")
    with pytest.raises(ValidationError):
        actions.link_report(world.centre_staff, second, target)
    with pytest.raises(ValidationError):
        actions.link_report(world.centre_staff, second, None)
    b_report = actions.submit_report(world.cadre_b, **report_kwargs(world, area=world.village_b1))
    b_matter = register(world, b_report, actor=world.cadre_b)
    with pytest.raises(ValidationError):
        actions.link_report(world.cadre, second, b_matter)
    second.refresh_from_db()
    assert second.status == ReportStatus.RECEIVED and second.matter is None


def test_reject_needs_a_reason_and_is_final(world, report):
    with pytest.raises(ValidationError) as excinfo:
        actions.reject_report(world.centre_staff, report, "  ")
    assert "reason" in excinfo.value.message_dict
    actions.reject_report(world.centre_staff, report, "不属于本平台受理范围，请向法院起诉。")
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED and report.reject_reason.startswith("不属于")
    with pytest.raises(WorkflowError):
        register(world, report)
    assert AuditEvent.objects.filter(action="report.reject", object_id=str(report.pk)).exists()


def test_public_status_shows_public_events_only_and_nothing_personal(world, report):
    matter = register(world, report)
    matter_actions.add_note(world.centre_staff, matter, note="内部：联系人张小明情绪激动", public=False)
    matter_actions.add_note(world.centre_staff, matter, note="已约谈施工方", public=True)
    status = actions.public_status(report.receipt_code)
    lines = [(e["line"], e["text"]) for e in status["events"]]
    assert lines == [("已登记受理", ""), ("办理说明", "已约谈施工方")]
    assert status["status_label"] == "已登记" and status["area"] == "东镇 东一村"
    flat = str(status)
    for secret in (NAME, PHONE, ID_NUMBER, "zongzhi", "内部"):
        assert secret not in flat


def test_public_status_of_a_received_and_a_rejected_report(world, report):
    status = actions.public_status(receipts.display(report.receipt_code).lower())
    assert status["status"] == "received" and status["events"] == []
    actions.reject_report(world.centre_staff, report, "请向劳动监察大队反映")
    assert actions.public_status(report.receipt_code)["reject_reason"] == "请向劳动监察大队反映"


def test_a_grid_worker_hears_that_their_report_was_not_accepted(world):
    from anju.core.models import Notification

    grid_report = actions.submit_report(
        world.grid_worker, **report_kwargs(world, channel="grid", area=world.grid_a1)
    )
    actions.reject_report(world.town_staff, grid_report, "属供电所日常报修事项")
    notices = Notification.objects.filter(user=world.grid_worker, kind="intake.rejected")
    assert [n.body for n in notices] == ["属供电所日常报修事项"]
    assert notices[0].link == f"/intake/{grid_report.pk}/"
    assert not Notification.objects.filter(user=world.town_staff, kind="intake.rejected").exists()


def test_public_status_area_stops_at_village_level(world):
    grid_report = actions.submit_report(
        world.grid_worker, **report_kwargs(world, channel="grid", area=world.grid_a1)
    )
    assert actions.public_status(grid_report.receipt_code)["area"] == "东镇 东一村"


@pytest.mark.parametrize("code", ["", "abc", "2222-2222-2222", "' OR 1=1 --", "X" * 10_000, None])
def test_public_status_of_malformed_codes_is_none(world, report, code):
    assert actions.public_status(code) is None
