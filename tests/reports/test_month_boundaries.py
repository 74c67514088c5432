"""The monthly figures count by the local calendar (Asia/Shanghai): a matter registered at 23:30 on the last
day of a month belongs to that month, one registered at 00:10 on the first day to the next, although both
fall on the same UTC date. Every expected number below was worked out by hand from the hand-built ledger."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from anju.matters import actions as m
from anju.reports import figures

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER, NOVEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def local(month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def ledger(world, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    staff = world.centre_staff

    def new(domain, area, title, when):
        return m.create_matter(
            staff,
            kind="demand",
            domain=domain,
            area=area,
            title=title,
            description=title,
            likelihood=2,
            consequence=2,
            now=when,
        )

    def assign(matter, deadline, when):
        m.assign(
            staff, matter, unit=world.committee_a1, lead_leader=world.leader, deadline=deadline, now=when
        )

    # September's last minutes (UTC: 30 Sept 15:50); resolved 1 Oct 00:30 local (UTC: still 30 Sept)
    late_sep = new(world.wages, world.village_a1, "九月末", local(9, 30, 23, 50))
    assign(late_sep, dt.date(2026, 10, 30), local(9, 30, 23, 55))
    m.resolve(staff, late_sep, outcome="已化解", now=local(10, 1, 0, 30))
    # October's first minutes (UTC: 30 Sept 16:05), escalated at 00:30 (UTC: 30 Sept), a 灰犀牛 without a plan
    early_oct = new(world.land, world.village_b1, "十月初", local(10, 1, 0, 5))
    m.escalate(staff, early_oct, reason="涉及人数多", now=local(10, 1, 0, 30))
    m.set_grey_rhino(staff, early_oct, marked=True, now=local(10, 2, 9, 0))
    # mid-October, deadline 20 Oct, resolved at the month's last minute: resolved late, but in October
    mid_oct = new(world.land, world.village_a1, "十月中", local(10, 15, 10, 0))
    assign(mid_oct, dt.date(2026, 10, 20), local(10, 15, 10, 5))
    m.resolve(staff, mid_oct, outcome="已化解", now=local(10, 31, 23, 59))
    # October's last half hour; deadline 31 Oct, resolved 1 Nov 00:20 local (UTC: 31 Oct 16:20)
    late_oct = new(world.wages, world.village_a1, "十月末", local(10, 31, 23, 30))
    assign(late_oct, dt.date(2026, 10, 31), local(10, 31, 23, 35))
    m.resolve(staff, late_oct, outcome="已化解", now=local(11, 1, 0, 20))
    # November's first minutes (UTC: 31 Oct 16:10), escalated at 00:15 (UTC: 31 Oct)
    early_nov = new(world.wages, world.village_a2, "十一月初", local(11, 1, 0, 10))
    m.escalate(staff, early_nov, reason="涉及人数多", now=local(11, 1, 0, 15))
    # a rejected matter of October is not counted anywhere
    rejected = new(world.wages, world.village_a1, "不予受理", local(10, 10, 9, 0))
    m.reject(staff, rejected, reason="不属于受理范围", now=local(10, 10, 9, 30))
    return world


def _row(rows, name):
    return {
        k: v for k, v in next(r for r in rows if r["name"] == name).items() if k not in ("name_en", "code")
    }


def test_october_counts_by_the_local_calendar(ledger):
    f = figures.compute(ledger.county, OCTOBER)
    # new: 十月初, 十月中, 十月末; resolved: 九月末 (1 Oct 00:30), 十月中 (31 Oct 23:59); escalated: 十月初;
    # overdue at 31 Oct: 十月末 (deadline 31 Oct, resolved only on 1 Nov)
    assert f["totals"] == {"new": 3, "resolved": 2, "escalated": 1, "overdue": 1, "new_resolved_by_end": 1}
    assert f["resolution_rate"] == 33.3 and f["grassroots_rate"] == 100.0
    assert _row(f["by_domain"], "社会保障和民工欠薪") == {
        "name": "社会保障和民工欠薪",
        "new": 1,
        "resolved": 1,
        "escalated": 0,
        "overdue": 1,
    }
    assert _row(f["by_domain"], "征地拆迁") == {
        "name": "征地拆迁",
        "new": 2,
        "resolved": 1,
        "escalated": 1,
        "overdue": 0,
    }
    assert len(f["by_domain"]) == 2
    areas = {r["name"]: (r["new"], r["resolved"], r["escalated"], r["overdue"]) for r in f["by_area"]}
    assert areas == {"东一村": (2, 2, 0, 1), "东二村": (0, 0, 0, 0), "西一村": (1, 0, 1, 0)}
    assert f["previous_new"] == 1  # 九月末
    assert f["grey_rhino"] == {"new": 1, "open": 1, "without_plan": 1}
    # the committee: registered in October 十月中 and 十月末 (2), resolved in October 九月末 and 十月中 (2);
    # of the two registered, 十月中 resolved by 31 Oct (50 %); on time: 九月末 yes, 十月中 no (50 %);
    # overdue (deadline before 31 Oct, unresolved then): none; open at 31 Oct: 十月末
    (unit,) = f["by_unit"]
    assert unit["unit"] == "东一村村委会"
    assert (unit["assigned"], unit["resolved"], unit["overdue"], unit["open"]) == (2, 2, 0, 1)
    assert (unit["resolution_rate"], unit["on_time_rate"], unit["grassroots_rate"]) == (50.0, 50.0, 100.0)
    (leader,) = f["by_leader"]
    assert (leader["assigned"], leader["resolved"], leader["open"]) == (2, 2, 1)


def test_november_counts_by_the_local_calendar(ledger):
    f = figures.compute(ledger.county, NOVEMBER)
    # new: 十一月初; resolved: 十月末 (1 Nov 00:20); escalated: 十一月初; overdue at 30 Nov: none
    assert f["totals"] == {"new": 1, "resolved": 1, "escalated": 1, "overdue": 0, "new_resolved_by_end": 0}
    assert f["resolution_rate"] == 0.0 and f["grassroots_rate"] == 100.0
    areas = {r["name"]: (r["new"], r["resolved"], r["escalated"], r["overdue"]) for r in f["by_area"]}
    assert areas == {"东一村": (0, 1, 0, 0), "东二村": (1, 0, 1, 0), "西一村": (0, 0, 0, 0)}
    assert f["previous_new"] == 3
    assert f["grey_rhino"] == {"new": 0, "open": 1, "without_plan": 1}
    (unit,) = f["by_unit"]
    # registered in November: none; resolved in November: 十月末, after its deadline; open at 30 Nov: none
    assert (unit["assigned"], unit["resolved"], unit["overdue"], unit["open"]) == (0, 1, 0, 0)
    assert (unit["resolution_rate"], unit["on_time_rate"], unit["grassroots_rate"]) == (None, 0.0, 100.0)


def test_a_town_and_a_unit_see_their_share(ledger):
    from anju.reports import unit_figures

    town = figures.compute(ledger.town_a, OCTOBER)
    assert town["totals"] == {"new": 2, "resolved": 2, "escalated": 0, "overdue": 1, "new_resolved_by_end": 1}
    unit = unit_figures.compute(ledger.committee_a1, OCTOBER)
    # the committee's matters: 九月末, 十月中, 十月末 (十月初 and 十一月初 were never assigned)
    assert unit["totals"] == {"new": 2, "resolved": 2, "escalated": 0, "overdue": 1, "new_resolved_by_end": 1}
