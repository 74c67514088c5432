"""The gaps closed in issue 15's review: 迟报/漏报 feed 问责, gaps found make a plan's review due with a
revision task, and a county's plans in force are read (not changed) by its towns."""

import datetime as dt

import pytest
from django.utils import timezone
from emergency_helpers import at

from anju.core.errors import NotAllowed
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.emergency import actions
from anju.emergency.models import EmergencyTask, Plan, TaskSource
from anju.emergency.queries import due_reviews
from anju.matters import actions as matter_actions
from anju.matters.models_coordination import AccountabilityRecord
from guards import outsider

pytestmark = pytest.mark.django_db


# 1. 迟报/漏报 → 问责


def test_a_late_first_report_registers_one_pending_accountability_record(world, incident):
    # learned 13:00, 首报 due 14:00, sent 15:30: 90 minutes late
    actions.submit_report(world.town_staff, incident, kind="first", text="首报", now=at(10, 15, 30))
    record = AccountabilityRecord.objects.get()
    assert record.unit == world.town_centre  # the 综治中心 above 东一村
    assert (record.failure, record.role, record.matter) == ("late_report", "head", None)
    assert record.area == world.village_a1
    assert record.pending and record.decision == ""
    assert "迟报 90 分钟" in record.finding and "2026-03-10 14:00" in record.finding
    assert record.source == f"emergency.report:{incident.pk}:first:1"
    assert record.source_link == f"/emergency/incidents/{incident.pk}/"
    # the cron pass and a second flag add nothing: once per report
    assert actions.flag_all_report_failures(now=at(10, 16)) == 0
    assert actions.flag_report_failures(world.town_staff, incident, now=at(10, 17)) == []
    assert AccountabilityRecord.objects.count() == 1


def test_an_on_time_report_registers_nothing(world, incident):
    actions.submit_report(world.town_staff, incident, kind="first", text="首报", now=at(10, 13, 50))
    assert actions.flag_all_report_failures(now=at(10, 13, 55)) == 0
    assert AccountabilityRecord.objects.count() == 0


def test_the_cron_job_registers_missing_reports_once(world, published_plan, incident):
    actions.submit_report(world.town_staff, incident, kind="first", text="首报", now=at(10, 13, 30))
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    # 续报 due 11 March 14:00 and 12 March 14:00; at 12 March 15:00 both are missing
    assert actions.flag_all_report_failures(now=at(12, 15)) == 2
    assert actions.flag_all_report_failures(now=at(12, 16)) == 0
    records = AccountabilityRecord.objects.order_by("source")
    assert [r.source for r in records] == [
        f"emergency.report:{incident.pk}:follow_up:1",
        f"emergency.report:{incident.pk}:follow_up:2",
    ]
    assert {r.failure for r in records} == {"missed_report"}
    assert "2026-03-11 14:00" in records[0].finding and "漏报" in records[0].finding


def test_an_incident_from_a_matter_puts_the_record_on_the_matter_too(world, incident):
    assigned_matter = matter_actions.create_matter(
        world.centre_staff,
        kind="incident",
        domain=world.wages,
        area=world.village_a1,
        title="村民聚餐后集体呕吐",
        description="三十人呕吐。",
    )
    type(incident).objects.filter(pk=incident.pk).update(matter=assigned_matter)
    incident.refresh_from_db()
    actions.submit_report(world.town_staff, incident, kind="first", text="首报", now=at(10, 16))
    record = AccountabilityRecord.objects.get()
    assert record.matter == assigned_matter
    assert assigned_matter.events.filter(kind="accountability").count() == 1


def test_the_records_are_listed_where_accountability_is_shown_and_scoped(world, incident, client):
    actions.submit_report(world.town_staff, incident, kind="first", text="首报", now=at(10, 15, 30))
    west = outsider(world, Role.LEADER)
    assert scoped(world.leader, AccountabilityRecord).count() == 1  # positive control
    assert scoped(west, AccountabilityRecord).count() == 0
    client.force_login(world.leader)
    page = client.get("/matters/accountability/").content.decode()
    assert "东一村聚餐食物中毒" in page and "首报" in page and "待认定" in page and "东镇综治中心" in page
    client.force_login(west)
    assert "东一村聚餐食物中毒" not in client.get("/matters/accountability/").content.decode()


def test_flagging_by_a_person_is_guarded(world, incident):
    with pytest.raises(NotAllowed):
        actions.flag_report_failures(outsider(world, Role.CENTRE_STAFF), incident, now=at(10, 16))
    assert AccountabilityRecord.objects.count() == 0
    assert len(actions.flag_report_failures(world.town_staff, incident, now=at(10, 16))) == 1


def test_a_pending_record_gets_its_decision_once_and_the_guard_holds(world, incident, client):
    from anju.core.errors import WorkflowError
    from anju.matters import actions as matter_actions_

    actions.submit_report(world.town_staff, incident, kind="first", text="首报", now=at(10, 15, 30))
    record = AccountabilityRecord.objects.get()
    today = timezone.localdate()
    with pytest.raises(NotAllowed):  # 网格员 holds no accountability.record
        matter_actions_.decide_accountability(
            world.grid_worker, record, role="head", decision="通报批评", decided_on=today
        )
    with pytest.raises(NotAllowed):  # a leader of 西镇: outside the scope
        matter_actions_.decide_accountability(
            outsider(world, Role.LEADER), record, role="head", decision="通报批评", decided_on=today
        )
    client.force_login(world.leader)
    listing = client.get("/matters/accountability/").content.decode()
    assert f'action="/matters/accountability/{record.pk}/decide/"' in listing
    bad = client.post(
        f"/matters/accountability/{record.pk}/decide/",
        {
            f"decide-{record.pk}-role": "head",
            f"decide-{record.pk}-decision": " ",
            f"decide-{record.pk}-decided_on": today.isoformat(),
        },
    )
    assert bad.status_code == 400 and "请填写处理决定" in bad.content.decode()
    record.refresh_from_db()
    assert record.pending
    done = client.post(
        f"/matters/accountability/{record.pk}/decide/",
        {
            f"decide-{record.pk}-role": "deputy",
            f"decide-{record.pk}-decision": "约谈分管负责人，责令书面检查",
            f"decide-{record.pk}-decided_on": today.isoformat(),
        },
    )
    assert done.status_code == 302
    record.refresh_from_db()
    assert (record.role, record.decided_on, record.decision) == (
        "deputy",
        today,
        "约谈分管负责人，责令书面检查",
    )
    assert not record.pending
    with pytest.raises(WorkflowError):
        matter_actions_.decide_accountability(
            world.leader, record, role="head", decision="改", decided_on=today
        )
    assert (
        f"/matters/accountability/{record.pk}/decide/"
        not in client.get("/matters/accountability/").content.decode()
    )


# 2. gaps found → the plan's review due now, and a revision task


def test_a_drill_finding_makes_the_review_due_with_one_revision_task(world, published_plan):
    drill = actions.plan_drill(
        world.town_staff,
        area=world.town_a,
        title="食物中毒桌面推演",
        plan=published_plan,
        date=dt.date(2026, 3, 5),
        scenario="聚餐后多人中毒",
        units=[world.town_centre],
    )
    actions.record_drill(world.town_staff, drill, date=dt.date(2026, 3, 5), summary="完成", now=at(5, 12))
    for text in ("医疗救治组联系方式过时", "转运车辆不足"):
        actions.add_finding(
            world.town_staff,
            drill,
            text=text,
            owner_unit=world.town_centre,
            needs_plan_revision=True,
            now=at(6, 9),
        )
    published_plan.refresh_from_db()
    assert published_plan.review_due == dt.date(2026, 3, 6)
    assert list(due_reviews(dt.date(2026, 3, 6))) == [published_plan]
    revision = EmergencyTask.objects.get(source=TaskSource.REVISION)
    assert revision.plan == published_plan and revision.owner_unit == world.town_centre
    assert revision.deadline == dt.date(2026, 4, 5)  # 30 days
    assert "医疗救治组联系方式过时" in revision.title


def test_an_incident_aftermath_marking_the_plan_makes_the_review_due_with_a_revision_task(
    world, published_plan, incident
):
    actions.submit_report(world.town_staff, incident, kind="first", text="首报", now=at(10, 13, 30))
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    actions.end_response(world.leader, incident, note="结束", now=at(10, 20))
    assert published_plan.revision_tasks.count() == 0
    actions.mark_plan_for_revision(
        world.town_staff, incident, published_plan, reason="未规定集体聚餐报备", now=at(12, 9)
    )
    published_plan.refresh_from_db()
    assert published_plan.review_due == dt.date(2026, 3, 12)  # was 2029-03-02
    task = published_plan.revision_tasks.get()
    assert task.source == TaskSource.REVISION and task.status == "open"
    assert "未规定集体聚餐报备" in task.title and "东一村聚餐食物中毒" in task.title


# 4. a county's plans in force are its towns' to read; a town's plans stay its own


def _county_plan(world, *, publish=True):
    plan = actions.create_plan(
        world.centre_staff, area=world.county, title="示范县突发事件总体应急预案", plan_type="overall"
    )
    if publish:
        version = plan.versions.get()
        actions.save_level(world.centre_staff, version, level=4, trigger="一般事件")
        actions.approve_version(world.leader, version)
        actions.publish_version(world.leader, version)
    return plan


def test_town_users_see_the_county_plans_in_force_but_not_other_towns_plans(world, published_plan, client):
    county = _county_plan(world)
    county_draft = _county_plan(world, publish=False)
    west = outsider(world, Role.CENTRE_STAFF)
    assert set(scoped(world.town_staff, Plan)) == {published_plan, county}  # own plan: positive control
    assert set(scoped(west, Plan)) == {county}  # 东镇's plan stays 东镇's; the county draft the county's
    assert set(scoped(world.centre_staff, Plan)) == {published_plan, county, county_draft}
    client.force_login(west)
    assert client.get(f"/emergency/plans/{county.pk}/").status_code == 200
    assert client.get(f"/emergency/plans/{published_plan.pk}/").status_code == 404
    assert client.get(f"/emergency/plans/{county_draft.pk}/").status_code == 404
    listing = client.get("/emergency/plans/").content.decode()
    assert "示范县突发事件总体应急预案" in listing and "东镇食品安全事故专项应急预案" not in listing


def test_a_town_reads_the_county_plan_but_cannot_change_it(world, client):
    county = _county_plan(world)
    client.force_login(world.town_staff)
    page = client.get(f"/emergency/plans/{county.pk}/").content.decode()
    assert "仅供查阅" in page and 'name="form" value="revise"' not in page
    assert client.post(f"/emergency/plans/{county.pk}/", {"form": "revise", "note": "x"}).status_code == 403
    with pytest.raises(NotAllowed):
        actions.start_revision(world.town_staff, county, note="改")


def test_an_incident_in_a_town_is_proposed_the_county_plan_through_the_towns_scope(world, incident, client):
    from anju.emergency.matching import matching_plans

    county = _county_plan(world)
    assert matching_plans(incident, scoped(world.town_staff, Plan)) == [county]
    # the board shows it to the town for reference; the county's command activates it
    client.force_login(world.town_staff)
    page = client.get(f"/emergency/incidents/{incident.pk}/").content.decode()
    assert "适用的上级预案" in page and f'href="/emergency/plans/{county.pk}/"' in page
    assert f'<option value="{county.pk}"' not in page
    with pytest.raises(NotAllowed):
        actions.activate_response(world.town_staff, incident, plan=county, level=4)
    client.force_login(world.centre_staff)  # positive control: the county offers its own plan
    assert (
        f'<option value="{county.pk}"' in client.get(f"/emergency/incidents/{incident.pk}/").content.decode()
    )


# 5. the incident board: unique ids, whatever forms it shows


def _ids(html: str) -> list[str]:
    import re

    return re.findall(r'\sid="([^"]+)"', html)


def test_the_incident_board_has_unique_ids_in_every_state(world, published_plan, incident, client):
    client.force_login(world.town_staff)
    url = f"/emergency/incidents/{incident.pk}/"
    pages = [client.get(url).content.decode()]
    actions.submit_report(world.town_staff, incident, kind="first", text="首报", now=at(10, 13, 30))
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    pages.append(client.get(url).content.decode())
    actions.end_response(world.leader, incident, note="结束", now=at(10, 20))
    pages.append(client.get(url).content.decode())
    for html in pages:
        ids = _ids(html)
        assert len(ids) > 10  # positive control: the forms' fields carry ids
        assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert 'id="id_level_note"' in pages[1] and 'id="id_end_note"' in pages[1]
    # a form sent back with errors keeps its named ids
    again = client.post(url, {"form": "log", "text": ""})
    assert again.status_code == 400
    ids = _ids(again.content.decode())
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# 6. the response log shows dispatches and returns beside decisions and reports


def test_a_dispatch_and_its_return_are_in_the_response_log(world, incident):
    from decimal import Decimal

    water = actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="生活类",
        item="瓶装水",
        quantity=Decimal(500),
        measure="箱",
        site="东镇仓库",
    )
    dispatch = actions.dispatch_material(
        world.town_staff,
        water,
        quantity=Decimal(50),
        destination="东一村卫生室",
        incident=incident,
        now=at(10, 15),
    )
    actions.return_material(world.town_staff, dispatch, quantity=Decimal("20.5"), now=at(11, 9))
    lines = [(e.at, e.text) for e in incident.log.all()]
    assert (at(10, 15), "调拨瓶装水 50 箱至东一村卫生室。") in lines
    assert (at(11, 9), "归还瓶装水 20.5 箱。") in lines
    water.refresh_from_db()
    assert water.quantity == Decimal("470.5")
