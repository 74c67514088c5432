"""``intake.history_import.import_historical_matters``: historical timelines, validated, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.intake.history_import import (
    HistoricalEvent,
    HistoricalFollowUp,
    HistoricalMatter,
    HistoricalMediation,
    HistoricalReport,
    import_historical_matters,
)
from anju.intake.models import Report
from anju.intake.receipts import normalise
from anju.matters import actions
from anju.matters.models import Matter, MatterEvent

pytestmark = pytest.mark.django_db


def at(days_ago: float, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def archived_row(w, key="a", days_ago=400, **overrides) -> HistoricalMatter:
    mediation = HistoricalMediation(
        held_on=(at(days_ago - 5)).date(),
        mediators="东镇司法所",
        summary="释法说理",
        result="agreed",
        recorded_by=w.officer,
        recorded_at=at(days_ago - 5),
    )
    visit = HistoricalFollowUp(
        visited_on=at(days_ago - 12).date(), satisfaction="satisfied", visited_by=w.cadre
    )
    fields = dict(
        key=key,
        kind="dispute",
        domain=w.wages,
        area=w.village_a1,
        title="东一村欠薪纠纷",
        description="务工人员反映工资被拖欠。",
        occurred_at=at(days_ago + 2),
        people_involved=6,
        amount_involved=48000,
        likelihood=3,
        consequence=2,
        responsible_unit=w.police,
        responsible_person=w.officer,
        deadline=at(days_ago - 20).date(),
        outcome="已足额支付。",
        parties=[{"role": "applicant", "name": "王小明", "phone": "19900001234"}],
        report=HistoricalReport(
            channel="visit",
            received_at=at(days_ago, 9),
            created_by=w.cadre,
            reporter_name="王小明",
            reporter_phone="19900001234",
        ),
        mediations=[mediation],
        follow_ups=[visit],
        is_demo=True,
        events=[
            HistoricalEvent(at(days_ago), w.cadre, "registered", "事项已登记"),
            HistoricalEvent(at(days_ago - 1), w.town_staff, "assessed", "研判定级：中"),
            HistoricalEvent(at(days_ago - 1, 15), w.town_staff, "assigned", "交办东镇派出所"),
            HistoricalEvent(at(days_ago - 3), w.officer, "started", "开始化解"),
            HistoricalEvent(at(days_ago - 5), w.officer, "mediation", "调解成功", record=mediation),
            HistoricalEvent(at(days_ago - 8), w.officer, "resolved", "事项已化解"),
            HistoricalEvent(at(days_ago - 12), w.cadre, "followed_up", "已回访", record=visit),
            HistoricalEvent(at(days_ago - 20), w.town_staff, "archived", "已归档"),
        ],
    )
    fields.update(overrides)
    if not any(e.kind == "assigned" for e in fields["events"]):
        fields.update(responsible_unit=None, responsible_person=None, deadline=None)
    return HistoricalMatter(**fields)


def test_imports_a_whole_life_with_historical_times(world):
    [matter] = import_historical_matters(world.admin, [archived_row(world)])
    matter.refresh_from_db()
    assert matter.status == "archived"
    assert matter.inherent_level == "medium" and matter.matrix_version
    assert matter.level_rank == 2  # the ledger's 风险等级 sort key, written by the bulk import too
    assert matter.registered_at == at(400)
    assert matter.resolved_at == at(392)
    assert matter.satisfaction == "satisfied"
    assert matter.number == f"330101-{at(400):%Y}-000001"
    events = list(matter.events.all())
    assert [e.kind for e in events] == [
        "registered",
        "assessed",
        "assigned",
        "started",
        "mediation",
        "resolved",
        "followed_up",
        "archived",
    ]
    assert [(e.from_status, e.to_status) for e in events[:4]] == [
        ("", "registered"),
        ("registered", "assessed"),
        ("assessed", "assigned"),
        ("assigned", "resolving"),
    ]
    assert (events[4].from_status, events[4].to_status) == ("", "")  # mediation while resolving: no change
    assert events[4].data["session"] == matter.mediation_sessions.get().pk
    assert events[6].data["visit"] == matter.follow_ups.get().pk
    assert all(e.at < timezone.now() - dt.timedelta(days=300) for e in events)
    report = Report.objects.get(matter=matter)
    assert report.received_at == at(400, 9) and report.is_demo and normalise(report.receipt_code)
    assert report.reporter_phone == "19900001234"  # stored encrypted, read back in clear
    party = matter.parties.get()
    assert party.masked_name == "王**"
    audit = AuditEvent.objects.get(action="matter.import")
    assert audit.actor == world.admin and audit.after["count"] == 1 and audit.area == world.village_a1


def test_numbers_continue_after_matters_registered_through_the_actions(world):
    live = actions.create_matter(
        world.centre_staff,
        kind="demand",
        domain=world.wages,
        area=world.village_a1,
        title="t",
        description="d",
    )
    just_now = HistoricalEvent(timezone.now() - dt.timedelta(seconds=1), world.cadre, "registered")
    row = archived_row(
        world, events=[just_now], mediations=[], follow_ups=[], likelihood=None, consequence=None
    )
    row.responsible_unit = world.police
    with pytest.raises(ValidationError, match="未交办"):
        import_historical_matters(world.admin, [row])
    row.responsible_unit = None
    [imported] = import_historical_matters(world.admin, [row])
    prefix, year, seq = live.number.rsplit("-", 2)
    assert imported.number == f"{prefix}-{year}-{int(seq) + 1:06d}"
    assert imported.status == "registered"


def test_an_illegal_transition_rejects_the_whole_import(world):
    bad = archived_row(world, key="b")
    bad.events = [bad.events[0], HistoricalEvent(at(399), world.officer, "resolved", "跳过研判直接办结")]
    with pytest.raises(ValidationError) as exc:
        import_historical_matters(world.admin, [archived_row(world), bad])
    assert "不能执行" in str(exc.value)
    assert not Matter.objects.exists() and not MatterEvent.objects.exists() and not Report.objects.exists()


def test_every_event_needs_an_actor_who_may_do_it_in_that_place(world):
    row = archived_row(world)
    row.events[1] = HistoricalEvent(at(399), world.grid_worker, "assessed", "网格员无权研判")
    with pytest.raises(ValidationError, match="无权"):
        import_historical_matters(world.admin, [row])
    row = archived_row(world)
    row.events[0] = HistoricalEvent(at(400), world.cadre_b, "registered", "别村村干部")
    with pytest.raises(ValidationError, match="无权"):
        import_historical_matters(world.admin, [row])
    assert not Matter.objects.exists()


def test_a_report_may_come_from_inside_the_area_but_not_from_elsewhere(world):
    row = archived_row(world)
    row.report.area = world.grid_a1
    [matter] = import_historical_matters(world.admin, [row])
    assert Report.objects.get(matter=matter).area == world.grid_a1
    row = archived_row(world, key="x")
    row.report.area = world.grid_b1
    with pytest.raises(ValidationError, match="诉求所在区域"):
        import_historical_matters(world.admin, [row])


def test_levels_and_supervision_need_the_matching_history(world):
    row = archived_row(world, events=archived_row(world).events[:1])
    with pytest.raises(ValidationError, match="未研判"):
        import_historical_matters(world.admin, [row])
    row = archived_row(world)
    row.events.append(HistoricalEvent(at(300), world.town_staff, "supervised", "归档后督办"))
    with pytest.raises(ValidationError, match="只能督办在办事项"):
        import_historical_matters(world.admin, [row])


def test_only_an_admin_may_import(world):
    with pytest.raises(ValidationError):
        import_historical_matters(world.centre_staff, [archived_row(world)])


def test_history_cannot_lie_in_the_future_or_out_of_order(world):
    row = archived_row(world)
    row.events[-1] = HistoricalEvent(timezone.now() + dt.timedelta(days=2), world.town_staff, "archived")
    with pytest.raises(ValidationError, match="不能晚于当前时间"):
        import_historical_matters(world.admin, [row])
    row = archived_row(world)
    row.events[2], row.events[3] = row.events[3], row.events[2]
    with pytest.raises(ValidationError):
        import_historical_matters(world.admin, [row])


def test_merge_target_must_be_open_when_merged(world):
    target = archived_row(world, key="t", days_ago=400)
    duplicate = archived_row(
        world,
        key="d",
        days_ago=300,
        merged_into="t",
        likelihood=None,
        events=[
            HistoricalEvent(at(300), world.cadre, "registered"),
            HistoricalEvent(at(299), world.town_staff, "merged", "重复反映"),
        ],
    )
    with pytest.raises(ValidationError, match="在办"):
        import_historical_matters(world.admin, [target, duplicate])

    open_target = archived_row(
        world, key="t", days_ago=10, events=archived_row(world, days_ago=10).events[:3]
    )
    duplicate = archived_row(
        world,
        key="d",
        days_ago=9,
        merged_into="t",
        likelihood=None,
        events=[
            HistoricalEvent(at(9), world.cadre, "registered"),
            HistoricalEvent(at(8), world.town_staff, "merged", "重复反映"),
        ],
    )
    target_matter, merged = import_historical_matters(world.admin, [open_target, duplicate])
    merged.refresh_from_db()
    assert merged.status == "merged" and merged.merged_into == target_matter
    assert Report.objects.filter(matter=target_matter).count() == 2  # the duplicate's report follows it
    assert target_matter.events.filter(kind="merge_received").exists()


def test_escalation_moves_the_handling_area_up(world):
    row = archived_row(
        world,
        days_ago=20,
        events=[
            HistoricalEvent(at(20), world.cadre, "registered"),
            HistoricalEvent(at(19), world.cadre, "escalated", "上报"),
            HistoricalEvent(at(18), world.town_staff, "assessed"),
            HistoricalEvent(at(18, 11), world.town_staff, "escalated", "再上报"),
        ],
    )
    [matter] = import_historical_matters(world.admin, [row])
    assert matter.status == "escalated" and matter.handling_area == world.county


def test_imported_timelines_follow_the_audience_rule(world):
    """Imported staff notes stay internal; only an event's ``public_text`` (resolve, reject, note) is public."""
    row = archived_row(world)
    row.events[5].public_text = "问题已解决，感谢监督。"  # resolved
    [matter] = import_historical_matters(world.admin, [row])
    public = {e.kind: (e.public, e.public_text) for e in matter.events.all()}
    assert public == {
        "registered": (True, ""),
        "assessed": (True, ""),
        "assigned": (True, ""),
        "started": (True, ""),
        "mediation": (True, ""),
        "resolved": (True, "问题已解决，感谢监督。"),
        "followed_up": (True, ""),
        "archived": (True, ""),
    }

    leaky = archived_row(world, key="c")
    leaky.events[1].public_text = "研判定级：中"  # assessed carries nothing for the citizen
    with pytest.raises(ValidationError, match="对外公开说明"):
        import_historical_matters(world.admin, [leaky])
    assert Matter.objects.count() == 1


def test_imported_text_is_cleaned_and_an_invisible_name_refused(world):
    """An import gets what typed input gets: control and invisible characters out of free text, and a
    party name with a bidirectional override refused (nothing written)."""
    spoofed = archived_row(world, parties=[{"role": "applicant", "name": "王\u202e明小"}])
    with pytest.raises(ValidationError, match="不可见字符"):
        import_historical_matters(world.admin, [spoofed])
    assert not Matter.objects.exists()
    row = archived_row(
        world, title="东一村\x0b欠薪\u200b纠纷", description="务工人员\x00反映\u2066工资被拖欠。"
    )
    [matter] = import_historical_matters(world.admin, [row])
    matter.refresh_from_db()
    assert matter.title == "东一村欠薪纠纷" and matter.description == "务工人员反映工资被拖欠。"
