"""The case pages: list with filters and pagination, a new case, the case page (matters, tasks, the
涉众型 panel), forms that come back with Chinese errors beside the fields, confirmations, and scope (404)."""

from __future__ import annotations

import datetime as dt

from cases_helpers import NOW

from anju.cases import actions
from anju.cases.models import Case, CaseStatus


def _case(world, matters, **overrides):
    fields = {"title": "化工厂异味集中投诉", "kind": "general", "lead_unit": world.town_centre}
    fields.update(overrides)
    return actions.open_case(world.town_staff, matters=matters, now=NOW, **fields)


def test_list_filters_and_scope(client, world, town_matters, make_matter):
    east = _case(world, town_matters)
    fraud = _case(world, town_matters[:1], kind="fraud", title="某理财公司非法集资案")
    west = actions.open_case(
        world.centre_staff,
        title="西镇征地补偿",
        kind="mass",
        lead_unit=world.centre,
        matters=[make_matter(world.village_b1)],
        now=NOW,
    )
    client.force_login(world.centre_staff)
    html = client.get("/cases/").content.decode()
    assert all(c.title in html for c in (east, fraud, west))
    html = client.get("/cases/?kind=fraud").content.decode()
    assert fraud.title in html and east.title not in html
    html = client.get(f"/cases/?area={world.village_b1.pk}").content.decode()
    assert west.title in html and east.title not in html
    html = client.get("/cases/?q=集资").content.decode()
    assert fraud.title in html and west.title not in html
    actions.close_case(world.town_staff, east, note="已化解", now=NOW)
    html = client.get("/cases/?status=closed").content.decode()
    assert east.title in html and fraud.title not in html
    client.force_login(world.cadre_b)  # 西一村: its own village's case, not 东镇's
    html = client.get("/cases/").content.decode()
    assert west.title in html and east.code not in html
    assert client.get(f"/cases/{east.pk}/").status_code == 404
    client.force_login(world.town_staff)  # positive control
    assert client.get(f"/cases/{east.pk}/").status_code == 200


def test_list_paginates(client, world, town_matters):
    for i in range(23):
        _case(world, town_matters[:1], title=f"专案{i:02d}")
    client.force_login(world.town_staff)
    html = client.get("/cases/").content.decode()
    assert "专案22" in html and "专案02" not in html and "第 1 / 2 页" in html
    assert "专案02" in client.get("/cases/?page=2").content.decode()


def test_new_case_form_errors_and_success(client, world, town_matters):
    client.force_login(world.town_staff)
    assert client.get("/cases/new/").status_code == 200
    r = client.post(
        "/cases/new/",
        {"title": "", "kind": "general", "lead_unit": world.town_centre.pk, "matters": "NOPE-1"},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "这个字段是必填项" in html or "必填" in html
    assert "未找到这些事项" in html and "NOPE-1" in html
    numbers = " ".join(m.number for m in town_matters)
    r = client.post(
        "/cases/new/",
        {"title": "化工厂", "kind": "general", "lead_unit": world.town_centre.pk, "matters": numbers},
    )
    case = Case.objects.get(title="化工厂")
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    assert case.area == world.town_a and case.memberships.count() == 2
    client.force_login(world.cadre)
    assert client.get("/cases/new/").status_code == 403


def test_detail_shows_matters_tasks_and_the_matter_page_shows_its_case(client, world, town_matters):
    case = _case(world, town_matters)
    actions.add_task(world.town_staff, case, title="约谈企业负责人", owner_unit=world.police, now=NOW)
    client.force_login(world.town_staff)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    for m in town_matters:
        assert m.number in html and f'href="/matters/{m.pk}/"' in html
    assert "东二村" in html and "约谈企业负责人" in html and "东镇派出所" in html
    assert "涉案数据" not in html  # not a 涉众型 case
    assert 'name="do" value="alert"' in html and f'action="/cases/{case.pk}/meeting/"' in html
    html = client.get(f"/matters/{town_matters[0].pk}/").content.decode()
    assert "所属专案" in html and case.code in html and "纳入专案" in html
    client.force_login(
        world.cadre
    )  # 东一村: sees the matter and its timeline line, not a link to 东镇's case
    html = client.get(f"/matters/{town_matters[0].pk}/").content.decode()
    assert "所属专案" not in html and f'href="/cases/{case.pk}/"' not in html


def test_add_matters_form_errors_stay_beside_the_field(client, world, town_matters, make_matter):
    case = _case(world, town_matters[:1])
    client.force_login(world.town_staff)
    far = make_matter(world.village_b1)
    r = client.post(
        f"/cases/{case.pk}/matters/", {"matters": far.number, "reason": "同源", "version": case.version}
    )
    assert r.status_code == 400 and "未找到这些事项" in r.content.decode()  # 西一村 is outside 东镇
    r = client.post(
        f"/cases/{case.pk}/matters/",
        {"matters": town_matters[1].number, "reason": "同源", "version": case.version},
    )
    assert r.status_code == 400 and "不在专案所属区域" in r.content.decode()  # case is 东一村's


def test_remove_and_close_ask_first(client, world, town_matters):
    case = _case(world, town_matters)
    client.force_login(world.town_staff)
    matter = town_matters[1]
    page = client.get(f"/cases/{case.pk}/matters/{matter.pk}/remove/")
    assert page.status_code == 200 and "确定把事项" in page.content.decode()
    assert case.memberships.count() == 2  # asking changed nothing
    r = client.post(f"/cases/{case.pk}/matters/{matter.pk}/remove/", {"reason": "", "version": case.version})
    assert r.status_code == 400 and case.memberships.count() == 2
    r = client.post(
        f"/cases/{case.pk}/matters/{matter.pk}/remove/", {"reason": "另一企业", "version": case.version}
    )
    assert r.status_code == 302 and case.memberships.count() == 1
    assert "确定结案" in client.get(f"/cases/{case.pk}/close/").content.decode()
    case.refresh_from_db()
    stale = case.version - 1
    r = client.post(f"/cases/{case.pk}/close/", {"note": "已化解", "version": stale})
    assert r.status_code == 409
    r = client.post(f"/cases/{case.pk}/close/", {"note": "已化解", "version": case.version})
    case.refresh_from_db()
    assert r.status_code == 302 and case.status == CaseStatus.CLOSED
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "重新办理" in html and "纳入事项</summary>" not in html


def test_fraud_panel_latest_figures_table_and_chart(client, world, town_matters):
    case = _case(world, town_matters, kind="fraud", title="某理财公司非法集资案")
    for day, recovered, returned in (
        (1, "1000000", "0"),
        (10, "2500000", "800000"),
        (19, "4000000", "2000000"),
    ):
        actions.record_fraud_figures(
            world.town_staff,
            case,
            on=dt.date(2026, 11, day),
            people=120,
            amount_involved="10000000",
            amount_recovered=recovered,
            amount_returned=returned,
            now=NOW,
        )
    client.force_login(world.town_staff)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "4000000.00 （40.0%）" in html  # recovered 4,000,000 of 10,000,000
    assert "2000000.00 （20.0%）" in html  # returned
    assert "8000000.00" in html  # not yet returned
    # the returned line: 0 → 800,000 → 2,000,000 of 10,000,000 over 140 px of height, from y = 170
    assert '<polyline class="returned" points="30.0,170.0 280.0,158.8 530.0,142.0"/>' in html
    r = client.post(
        f"/cases/{case.pk}/figures/",
        {
            "on": "2026-11-20",
            "people": 120,
            "amount_involved": "10000000",
            "amount_recovered": "3000000",
            "amount_returned": "3500000",
            "version": case.version,
        },
    )
    assert r.status_code == 400 and "已返还金额不能超过已追缴金额。" in r.content.decode()


def test_task_page_for_the_owner_unit(client, world, town_matters):
    case = _case(world, town_matters)
    task = actions.add_task(world.town_staff, case, title="核查排放", owner_unit=world.police, now=NOW)
    client.force_login(world.officer)
    assert client.get(f"/cases/tasks/{task.pk}/").status_code == 200
    r = client.post(f"/cases/tasks/{task.pk}/", {"note": "已核查", "version": task.version})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    client.force_login(world.cadre_b)
    assert client.get(f"/cases/tasks/{task.pk}/").status_code == 404


def test_nav_link_for_roles_with_cases_view(client, world):
    client.force_login(world.cadre)
    assert 'href="/cases/"' in client.get("/cases/").content.decode()
