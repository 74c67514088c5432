"""Emergency work across the platform: the offer to open an incident on matter and warning pages, the
overview's panel and resource layer, the 工作台 card, the monthly report's figures and the public Atom feed."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from emergency_helpers import at
from lxml import etree

from anju.core.models import Area
from anju.dashboard import workbench
from anju.dashboard.emergency_panel import resource_layer
from anju.emergency import actions
from anju.emergency.models import Plan
from anju.matters import actions as matter_actions
from anju.reports.document import _emergency_line
from anju.reports.figures import emergency_figures
from anju.warning import actions as warning_actions

OFFER = "启动应急响应（登记突发事件）"


def _matter(world, **overrides):
    fields = {
        "kind": "dispute",
        "domain": world.wages,
        "area": world.village_a1,
        "title": "工地拖欠工资",
        "description": "工人反映工资拖欠。",
    }
    fields.update(overrides)
    return matter_actions.create_matter(world.centre_staff, **fields)


def test_a_matter_of_kind_incident_or_of_the_highest_level_offers_an_incident(client, world, health):
    plain = _matter(world)
    kind_incident = _matter(world, kind="incident", title="村民聚餐后集体呕吐")
    highest = _matter(world, title="群体讨薪可能堵路", likelihood=5, consequence=5)
    assert highest.inherent_level == "critical"  # 最高 in the default matrix
    client.force_login(world.centre_staff)
    assert OFFER not in client.get(f"/matters/{plain.pk}/").content.decode()  # negative control
    page = client.get(f"/matters/{kind_incident.pk}/").content.decode()
    assert OFFER in page
    assert f'href="/emergency/incidents/new/?matter={kind_incident.pk}"' in page
    assert (
        f"/emergency/incidents/new/?matter={highest.pk}"
        in client.get(f"/matters/{highest.pk}/").content.decode()
    )
    # a village cadre sees the matter but may not open incidents: no offer
    client.force_login(world.cadre)
    assert OFFER not in client.get(f"/matters/{kind_incident.pk}/").content.decode()
    # once opened, the matter page links its incident
    incident = actions.open_incident(
        world.town_staff,
        area=world.village_a1,
        title="东一村聚餐呕吐事件",
        emergency_class="public_health",
        domain=health,
        grade="general",
        occurred_at=at(10, 12),
        learned_at=at(10, 13),
        description="聚餐后多人呕吐。",
        matter=kind_incident,
        now=at(10, 13, 10),
    )
    client.force_login(world.centre_staff)
    page = client.get(f"/matters/{kind_incident.pk}/").content.decode()
    assert f'href="/emergency/incidents/{incident.pk}/"' in page
    assert "东一村聚餐呕吐事件" in page


def test_a_current_red_warning_offers_an_incident_a_yellow_one_does_not(client, world):
    def issued(level, headline):
        alert = warning_actions.draft_alert(
            world.centre_staff,
            domain=world.wages,
            level=level,
            headline=headline,
            area=world.village_a1,
            onset=timezone.now(),
            expected="可能聚集",
            measures="加强值守",
            recipients=[world.town_centre],
        )
        return warning_actions.issue_alert(world.centre_staff, alert)

    red = issued("red", "东一村红色预警")
    yellow = issued("yellow", "东一村黄色预警")
    client.force_login(world.centre_staff)
    page = client.get(f"/warning/{red.pk}/").content.decode()
    assert f'href="/emergency/incidents/new/?alert={red.pk}"' in page
    assert OFFER not in client.get(f"/warning/{yellow.pk}/").content.decode()


def test_the_overview_shows_incidents_not_ended_and_resource_alerts(client, world, incident, published_plan):
    actions.add_material(
        world.town_staff,
        area=world.village_a1,
        category="药品",
        item="口服补液盐",
        quantity=Decimal(2),
        measure="盒",
        site="东一村卫生室",
        minimum=Decimal(10),
    )
    actions.add_material(
        world.town_staff,
        area=world.village_a1,
        category="生活物资",
        item="饮用水",
        quantity=Decimal(100),
        measure="箱",
        site="东镇物资仓库",
        minimum=Decimal(10),
        expires_on=timezone.localdate() + dt.timedelta(days=5),
    )
    client.force_login(world.centre_staff)
    page = client.get("/dashboard/").content.decode()
    assert 'id="dash-emergency"' in page
    assert '<strong class="incident-count">1</strong>' in page
    assert "东一村聚餐食物中毒" in page
    assert '<strong class="low-stock-count">1</strong>' in page
    assert '<strong class="expiring-count">1</strong>' in page
    actions.activate_response(world.town_staff, incident, plan=published_plan, level=4, now=at(10, 14))
    actions.end_response(world.town_staff, incident, note="病人全部出院", now=at(12, 9))
    page = client.get("/dashboard/").content.decode()
    assert '<strong class="incident-count">0</strong>' in page


def test_the_resource_layer_draws_resources_at_the_deepest_drawn_area(world):
    actions.add_team(
        world.town_staff, area=world.village_a1, name="东一村应急分队", speciality="综合", size=12
    )
    actions.add_shelter(
        world.town_staff, area=world.town_a, name="东镇中学避难场所", capacity=500, location="东镇中学"
    )
    actions.add_shelter(
        world.centre_staff, area=world.village_b1, name="西一村礼堂", capacity=80, location="礼堂"
    )
    town = Area.objects.get(pk=world.town_a.pk)
    village = Area.objects.get(pk=world.village_a1.pk)
    shapes = [
        {"area": town, "x": 100.0, "y": 50.0},
        {"area": village, "x": 120.0, "y": 60.0},
        {"area": world.village_a2, "x": None, "y": None},
    ]
    markers = resource_layer(world.centre_staff, shapes)
    assert [(m["area"].name, m["kind"], m["x"], m["y"], m["names"]) for m in markers] == [
        ("东镇", "shelter", 109.0, 62.0, ["东镇中学避难场所"]),
        ("东一村", "team", 111.0, 72.0, ["东一村应急分队"]),
    ]  # 西一村's shelter lies in no drawn area
    assert resource_layer(world.centre_staff, [{"area": town, "x": None, "y": None}]) == []


def test_the_workbench_card_counts_open_tasks_of_the_users_unit(world, incident, published_plan):
    actions.activate_response(world.town_staff, incident, plan=published_plan, level=4, now=at(10, 14))
    today = dt.date(2026, 3, 10)
    police_card = [c for c in workbench.cards_for(world.officer, today) if c.key == "emergency_tasks"]
    assert [(c.count, c.tone) for c in police_card] == [(1, "")]  # 维护现场秩序, due today
    assert police_card[0].url == "/emergency/?mine=unit#tasks"
    town_card = [
        c for c in workbench.cards_for(world.town_staff, dt.date(2026, 3, 11)) if c.key == "emergency_tasks"
    ]
    assert [(c.count, c.tone) for c in town_card] == [(2, "bad")]  # 转运病人, 统计人数: due yesterday
    cadre_card = [c for c in workbench.cards_for(world.cadre, today) if c.key == "emergency_tasks"]
    assert [c.count for c in cadre_card] == [0]
    assert not [c for c in workbench.cards_for(world.leader, today) if c.key == "emergency_tasks"]


def test_the_workbench_link_lists_the_same_tasks(client, world, incident, published_plan):
    actions.activate_response(world.town_staff, incident, plan=published_plan, level=4, now=at(10, 14))
    client.force_login(world.officer)
    page = client.get("/emergency/?mine=unit").content.decode()
    assert "维护现场秩序" in page
    assert "转运病人" not in page  # the town centre's task


def test_the_monthly_report_counts_incidents_drills_and_overdue_reviews(world, incident, published_plan):
    march = dt.date(2026, 3, 1)
    drill = actions.plan_drill(
        world.town_staff, area=world.town_a, title="食物中毒桌面推演", date=dt.date(2026, 3, 5)
    )
    actions.record_drill(world.town_staff, drill, date=dt.date(2026, 3, 5), summary="推演完成", now=at(5, 18))
    assert emergency_figures(world.county, march) == {
        "incidents": 1,
        "by_class": {"public_health": 1},
        "by_grade": {"general": 1},
        "drills": 1,
        "reviews_overdue": 0,
    }
    Plan.objects.filter(pk=published_plan.pk).update(review_due=dt.date(2026, 3, 20))
    figures = emergency_figures(world.county, march)
    assert figures["reviews_overdue"] == 1
    assert emergency_figures(world.county, dt.date(2026, 2, 1))["reviews_overdue"] == 0
    assert emergency_figures(world.town_b, march)["incidents"] == 0
    assert _emergency_line({"emergency": figures}) == (
        "应急：本月发生突发事件 1 起（按类别：公共卫生事件 1 起；按分级：一般 1 起），"
        "开展应急演练 1 次，预案修订逾期 1 件。"
    )
    assert _emergency_line({}) == ""  # a report generated before the figure existed


def test_the_public_atom_feed_lists_published_releases_only(client, world, incident):
    draft = actions.draft_release(
        world.town_staff, incident, title="草稿通报", body="尚未发布", now=at(10, 15)
    )
    published = actions.draft_release(
        world.town_staff, incident, title="关于东一村食物中毒的通报", body="病人情况稳定。", now=at(10, 15)
    )
    actions.publish_release(world.leader, published, now=at(10, 16))
    response = client.get("/public/emergency/feed.atom")  # no login
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)  # raises when not well-formed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)] == [
        "关于东一村食物中毒的通报"
    ]
    entry = feed.find("a:entry", ns)
    assert entry.findtext("a:updated", namespaces=ns) == "2026-03-10T16:00:00+08:00"
    links = {link.get("type"): link.get("href") for link in entry.findall("a:link", ns)}
    assert links == {
        "text/html": f"http://testserver/public/emergency/{published.pk}/",
        "application/cap+xml": f"http://testserver/public/emergency/{published.pk}/cap.xml",
    }
    assert draft.title not in response.content.decode()
    assert "/public/emergency/feed.atom" in client.get("/public/emergency/").content.decode()


def test_the_overview_map_draws_the_resource_layer(client, world):
    Area.objects.filter(pk=world.village_a1.pk).update(longitude=120.10, latitude=30.20)
    Area.objects.filter(pk=world.village_b1.pk).update(longitude=120.30, latitude=30.10)
    actions.add_team(world.town_staff, area=world.grid_a1, name="东一网格巡防队", speciality="巡防", size=8)
    client.force_login(world.centre_staff)
    page = client.get("/dashboard/").content.decode()
    assert 'class="res res-team"' in page
    assert "东一村 · 应急队伍：东一网格巡防队" in page  # a grid's team at its village's point
    assert "resource-legend" in page
    assert 'class="res res-shelter"' not in page.split("resource-legend")[0]  # no shelters: no marker
