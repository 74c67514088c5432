import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core.errors import NotAllowed
from anju.matters import actions as matter_actions
from anju.matters.actions import WorkflowError
from anju.warning import actions
from anju.warning.models import AgendaKind, AlertStatus, AnalysisMeeting, KeyDate, MeetingKind, Signal


@pytest.fixture
def situation(world):
    today = timezone.localdate()
    staff = world.centre_staff
    high = matter_actions.create_matter(
        staff,
        kind="dispute",
        domain=world.land,
        area=world.village_a1,
        title="征地补偿纠纷",
        description="村民对补偿标准有异议",
        likelihood=4,
        consequence=4,
    )
    # registered and assigned five days ago, with a deadline that passed two days ago
    five_days_ago = timezone.now() - dt.timedelta(days=5)
    late = matter_actions.create_matter(
        staff,
        kind="demand",
        domain=world.wages,
        area=world.village_b1,
        title="欠薪",
        description="拖欠工资",
        likelihood=1,
        consequence=1,
        now=five_days_ago,
    )
    matter_actions.assign(
        staff,
        late,
        unit=world.committee_b1,
        lead_leader=world.leader,
        deadline=today - dt.timedelta(days=2),
        now=five_days_ago,
    )
    signal = Signal.objects.create(
        area=world.village_a1,
        domain=world.wages,
        week=today,
        observed=7,
        expected=1.2,
        upperbound=4.1,
        alarm=True,
        method="farrington_flexible",
    )
    Signal.objects.create(
        area=world.village_a1,
        domain=world.land,
        week=today - dt.timedelta(weeks=8),
        observed=9,
        alarm=True,
        method="farrington_flexible",
    )  # too old for the agenda
    alert = actions.draft_alert(
        staff,
        domain=world.wages,
        level="yellow",
        headline="欠薪预警",
        area=world.village_a1,
        onset=timezone.now(),
        expected="增多",
        measures="排查",
        recipients=[world.committee_a1],
    )
    actions.issue_alert(staff, alert)
    return {"high": high, "late": late, "signal": signal, "alert": alert}


def test_agenda_prefills_from_signals_matters_and_warnings(world, situation):
    meeting = actions.plan_meeting(
        world.centre_staff,
        kind=MeetingKind.REGULAR,
        area=world.county,
        title="十一月定期研判",
        held_at=timezone.now(),
    )
    kinds = {(i.kind, i.signal_id or i.matter_id or i.alert_id) for i in meeting.agenda.all()}
    assert kinds == {
        (AgendaKind.SIGNAL, situation["signal"].pk),
        (AgendaKind.HIGH, situation["high"].pk),
        (AgendaKind.OVERDUE, situation["late"].pk),
        (AgendaKind.ALERT, situation["alert"].pk),
    }
    town = actions.plan_meeting(
        world.centre_staff,
        kind=MeetingKind.TOPIC,
        area=world.town_b,
        title="西镇专题",
        held_at=timezone.now(),
    )
    assert [i.matter_id for i in town.agenda.all()] == [situation["late"].pk]


def test_minutes_and_decisions_become_tasks_or_warnings(world, situation):
    meeting = actions.plan_meeting(
        world.centre_staff,
        kind=MeetingKind.EMERGENCY,
        area=world.town_a,
        title="东一村欠薪紧急研判",
        held_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as exc:
        actions.record_minutes(world.centre_staff, meeting, attendees="", minutes="")
    assert set(exc.value.message_dict) == {"attendees", "minutes"}
    actions.record_minutes(
        world.centre_staff, meeting, attendees="张书记、李主任", minutes="研究部署欠薪化解"
    )
    with pytest.raises(ValidationError):
        actions.add_decision(
            world.centre_staff, meeting, kind="task", text="排查工地", unit=world.committee_a1
        )
    task = actions.add_decision(
        world.centre_staff,
        meeting,
        kind="task",
        text="排查在建工地",
        unit=world.committee_a1,
        deadline=timezone.localdate() + dt.timedelta(days=3),
    )
    warning = actions.add_decision(
        world.centre_staff, meeting, kind="warning", text="发布欠薪风险预警", unit=world.police
    )
    assert warning.alert.status == AlertStatus.DRAFT and warning.alert.domain == world.wages
    with pytest.raises(WorkflowError):
        actions.complete_task(world.cadre_b, task, note="完成")
    actions.complete_task(world.cadre, task, note="已排查 3 个工地")
    with pytest.raises(WorkflowError):
        actions.complete_task(world.cadre, task, note="again")


def test_key_dates_switch_on_one_daily_meeting_per_day(world, situation):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        actions.save_key_date(world.centre_staff, name="春节", start=today, end=today - dt.timedelta(days=1))
    actions.save_key_date(
        world.centre_staff, name="春节", start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=5)
    )
    first = actions.ensure_daily_meetings(today)
    # a county's key date: one daily meeting for the county and one for each of its two towns
    assert sorted(m.area.name for m in first) == ["东镇", "示范县", "西镇"]
    assert all(m.kind == MeetingKind.DAILY for m in first)
    county_meeting = next(m for m in first if m.area == world.county)
    assert county_meeting.agenda.exists()
    assert actions.ensure_daily_meetings(today) == []
    assert len(actions.ensure_daily_meetings(today + dt.timedelta(days=1))) == 3
    assert actions.ensure_daily_meetings(today + dt.timedelta(days=10)) == []


def test_a_towns_own_key_date_gives_the_town_its_daily_meetings(world):
    today = timezone.localdate()
    key_date = actions.save_key_date(
        world.town_staff, name="东镇物资交流会", start=today, end=today + dt.timedelta(days=1)
    )
    assert key_date.area == world.town_a  # by default the actor's own area
    created = actions.ensure_daily_meetings(today)
    assert [(m.area.name, m.key_date.name) for m in created] == [("东镇", "东镇物资交流会")]
    # the town's key date holds in the town, not in the county nor in the other town
    assert list(actions.active_key_dates(today, area=world.town_a)) == [key_date]
    assert list(actions.active_key_dates(today, area=world.village_a1)) == [key_date]
    assert list(actions.active_key_dates(today, area=world.town_b)) == []
    assert list(actions.active_key_dates(today, area=world.county)) == []
    # a town may not set a key date for the county, nor for another town
    with pytest.raises(NotAllowed):
        actions.save_key_date(world.town_staff, name="春节", area=world.county, start=today, end=today)
    with pytest.raises(NotAllowed):
        actions.save_key_date(world.town_staff, name="春节", area=world.town_b, start=today, end=today)
    with pytest.raises(ValidationError):  # a village is below where key dates are kept
        actions.save_key_date(world.centre_staff, name="x", area=world.village_a1, start=today, end=today)


def test_key_dates_page_lists_own_and_those_from_above(client, world):
    today = timezone.localdate()
    actions.save_key_date(world.centre_staff, name="全县春节", start=today, end=today + dt.timedelta(days=3))
    actions.save_key_date(world.town_staff, name="东镇庙会", start=today, end=today + dt.timedelta(days=3))
    actions.save_key_date(
        world.centre_staff,
        name="西镇赛龙舟",
        area=world.town_b,
        start=today,
        end=today + dt.timedelta(days=3),
    )
    client.force_login(world.town_staff)
    html = client.get("/warning/meetings/").content.decode()
    assert "全县春节" in html and "东镇庙会" in html
    assert "西镇赛龙舟" not in html  # another town's key date
    client.force_login(world.centre_staff)
    html = client.get("/warning/meetings/").content.decode()
    assert "全县春节" in html and "东镇庙会" in html and "西镇赛龙舟" in html
    # the form offers the user's own areas down to towns: a town posts its own key date
    client.force_login(world.town_staff)
    client.post(
        "/warning/meetings/key-dates/",
        {"name": "东镇灯会", "area": world.town_a.pk, "start": today.isoformat(), "end": today.isoformat()},
    )
    assert KeyDate.objects.get(name="东镇灯会").area == world.town_a
    response = client.post(
        "/warning/meetings/key-dates/",
        {"name": "越权节点", "area": world.county.pk, "start": today.isoformat(), "end": today.isoformat()},
    )
    assert response.status_code == 302 and not KeyDate.objects.filter(name="越权节点").exists()


def test_permissions_and_pages(client, world, situation):
    with pytest.raises(NotAllowed):
        actions.plan_meeting(
            world.cadre, kind="regular", area=world.village_a1, title="x", held_at=timezone.now()
        )
    client.force_login(world.centre_staff)
    response = client.post(
        "/warning/meetings/new/",
        {"kind": "regular", "title": "", "area": world.county.pk, "held_at": "2026-11-30T09:00"},
    )
    assert (
        response.status_code == 200
        and "请填写主题" in response.content.decode()
        or "必填" in response.content.decode()
    )
    response = client.post(
        "/warning/meetings/new/",
        {"kind": "regular", "title": "周研判", "area": world.county.pk, "held_at": "2026-11-30T09:00"},
    )
    meeting = AnalysisMeeting.objects.get(title="周研判")
    assert response.status_code == 302
    html = client.get(f"/warning/meetings/{meeting.pk}/").content.decode()
    assert "征地补偿纠纷" in html and "新预警信号" in html
    client.force_login(world.cadre_b)
    assert client.get(f"/warning/meetings/{meeting.pk}/").status_code in (403, 404)
