import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from anju.dashboard import figures, geo
from anju.matters import actions


def square(lon, lat, d=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
    }


@pytest.fixture
def ledger(world):
    for area, (lon, lat) in (
        (world.village_a1, (120.0, 30.0)),
        (world.village_a2, (120.02, 30.0)),
        (world.village_b1, (120.04, 30.0)),
    ):
        area.boundary = square(lon, lat)
        area.save()
    staff = world.centre_staff
    critical = actions.create_matter(
        staff,
        kind="dispute",
        domain=world.land,
        area=world.village_a1,
        title="征地",
        description="征地补偿纠纷",
        likelihood=5,
        consequence=5,
    )
    low = actions.create_matter(
        staff,
        kind="demand",
        domain=world.wages,
        area=world.grid_a1,
        title="欠薪",
        description="拖欠工资",
        likelihood=1,
        consequence=1,
    )
    done = actions.create_matter(
        staff,
        kind="demand",
        domain=world.wages,
        area=world.village_b1,
        title="欠薪",
        description="拖欠工资",
        likelihood=2,
        consequence=2,
    )
    actions.assign(
        staff,
        done,
        unit=world.committee_b1,
        lead_leader=world.leader,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    actions.resolve(staff, done, outcome="已支付")
    # registered and assigned five days ago, with a deadline that passed three days ago
    five_days_ago = timezone.now() - dt.timedelta(days=5)
    overdue = actions.create_matter(
        staff,
        kind="demand",
        domain=world.wages,
        area=world.village_b1,
        title="超期",
        description="超期事项",
        likelihood=3,
        consequence=3,
        now=five_days_ago,
    )
    actions.assign(
        staff,
        overdue,
        unit=world.committee_b1,
        lead_leader=world.leader,
        deadline=timezone.localdate() - dt.timedelta(days=3),
        now=five_days_ago,
    )
    return {"critical": critical, "low": low, "done": done, "overdue": overdue}


def test_key_figures_match_the_ledger(world, ledger):
    f = figures.key_figures(world.centre_staff)
    # three matters registered today; the overdue one five days ago, this month or the last
    overdue_this_month = (
        timezone.localtime(ledger["overdue"].registered_at).month == timezone.localdate().month
    )
    assert f["new_month"] == 3 + overdue_this_month
    assert f["open"] == 3 and f["overdue"] == 1 and f["resolved_month"] == 1
    assert f["high_open"] == 2  # 5×5 → 最高, 3×3 → 较高 on the default matrix
    assert f["resolution_rate"] == 100.0 and f["grassroots_rate"] == 100.0
    assert figures.key_figures(world.cadre)["open"] == 2  # 东一村 only (grid rolls up)


def test_map_colours_villages_by_highest_open_level(world, ledger):
    areas, towns, stats = figures.map_values(world.centre_staff, "level")
    assert {a.name for a in areas} == {"东一村", "东二村", "西一村"} and len(towns) == 2
    assert stats[world.village_a1.pk]["level"] == "critical" and stats[world.village_a1.pk]["count"] == 2
    assert stats[world.village_a2.pk]["count"] == 0 and stats[world.village_a2.pk]["fill"] == "#e5e7eb"
    drawn = geo.project(areas, stats)
    assert not drawn["empty"] and all(s["path"].startswith("M") for s in drawn["shapes"])


def test_weekly_trends_count_by_domain(world, ledger):
    trends = {t["domain"].code: t for t in figures.weekly_trends(world.centre_staff)}
    assert trends["social_security_wages"]["total"] == 3 and trends["land_requisition"]["last4"] == 1


def test_dashboard_page_renders_map_and_figures(client, world, ledger):
    client.force_login(world.leader)
    html = client.get("/dashboard/").content.decode()
    assert "<svg" in html and "东一村" in html and "超期" in html
    assert client.get("/dashboard/?map=count").status_code == 200
    client.force_login(world.cadre_b)
    html = client.get("/dashboard/").content.decode()
    assert "东一村" not in html


# stat cards lead to the ledger rows behind them ---------------------------------------------------------

CARD = re.compile(
    r'<a class="card card-link" href="([^"]+)"[^>]*><div class="kpi[^"]*">([^<]+)</div>'
    r'<div class="kpi-label">([^<]+)</div></a>'
)


def _cards(client, url):
    return {label: (html.unescape(href), number) for href, number, label in CARD.findall(_get(client, url))}


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _ledger_count(client, href):
    found = re.search(r"共 (\d+) 件事项", _get(client, href))
    return int(found.group(1)) if found else 0


def test_home_and_situation_cards_link_to_ledgers_with_their_counts(client, world, ledger):
    client.force_login(world.centre_staff)
    home = _cards(client, "/")
    # hand-counted from the fixture: open = critical, low, overdue; overdue = the one assigned 5 days ago
    # 待定级: every open matter of the fixture is graded, so none waits (the queue has its own page)
    assert home.pop("待定级") == ("/matters/ungraded/", "0")
    assert {label: number for label, (_href, number) in home.items()} == {"在办事项": "3", "超期事项": "1"}
    situation = _cards(client, "/dashboard/")
    assert situation["在办事项"][1] == "3" and situation["超期"][1] == "1"
    assert situation["较高及以上风险（在办）"][1] == "2"
    for label, (href, number) in [*home.items(), *situation.items()]:
        assert href.startswith("/matters/?"), (label, href)
        expected = int(number.split("/")[0])  # 本月新增 / 本月化解: the card links to the new ones
        assert _ledger_count(client, href) == expected, (label, href)
    # the cards follow scope: a village cadre sees 东一村's two open matters and reaches the same two
    client.force_login(world.cadre)
    cadre_home = _cards(client, "/")
    assert cadre_home["在办事项"][1] == "2"
    assert _ledger_count(client, cadre_home["在办事项"][0]) == 2


def test_the_lead_leader_figure_counts_open_and_overdue_matters_in_scope(client, world):
    """包案领导: per lead leader, their open matters and the overdue among them; scoped like the rest."""
    staff = world.centre_staff
    past = timezone.now() - dt.timedelta(days=20)

    def high(area, title, *, now=None, deadline=None):
        m = actions.create_matter(
            staff,
            kind="dispute",
            domain=world.wages,
            area=area,
            title=title,
            description="欠薪",
            likelihood=3,
            consequence=3,
            now=now,
        )
        actions.assign(staff, m, unit=world.police, lead_leader=world.leader, deadline=deadline, now=now)
        return m

    high(world.village_a1, "包案甲", now=past, deadline=(past + dt.timedelta(days=5)).date())  # overdue
    high(world.village_a1, "包案乙")
    high(world.village_b1, "包案丙")  # 西镇
    actions.create_matter(
        staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="未包案",
        description="欠薪",
        likelihood=3,
        consequence=3,
    )
    client.force_login(world.centre_staff)
    html = client.get("/dashboard/").content.decode()
    part = html.split('class="card lead-leaders"', 1)[1].split("</div>\n", 1)[0]
    assert '<td>lingdao</td><td>3</td><td><strong class="bad">1</strong></td>' in part
    assert '<strong class="bad">1</strong> 件较高及以上风险或灰犀牛在办事项尚未明确包案领导' in html
    client.force_login(world.town_staff)  # 东镇 only: 甲, 乙 and the one without a leader
    html = client.get("/dashboard/").content.decode()
    assert '<td>lingdao</td><td>2</td><td><strong class="bad">1</strong></td>' in html
