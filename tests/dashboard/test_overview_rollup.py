"""The overview's figures from the aggregates (dashboard.rollup) equal the figures counted from the ledger.

A hand-built ledger with matters at the local (Asia/Shanghai) day, week and month boundaries, where UTC dates
would differ; every expected value below is counted by hand from the list of matters. Each figure is checked
three ways: counted from the ledger (``direct``), from a full rebuild, and from refreshes that read only what
changed.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from anju.core.scoping import scoped
from anju.dashboard import counted, figures, rollup
from anju.dashboard.models import MatterFact, RollupMark
from anju.matters import actions
from anju.matters.models import Matter
from anju.matters.unit_figures import unit_figures

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 12, 3)  # a Thursday; its week begins on Monday 30 November


def local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def _matter(world, area, domain, at, title):
    return actions.create_matter(
        world.centre_staff,
        kind="demand",
        domain=domain,
        area=area,
        title=title,
        description="测试事项",
        likelihood=1,
        consequence=2,  # 较低 on the default matrix: no level rule asks for a leader or a higher level
        occurred_at=at,
        registered_at=at,
        now=at,
    )


def build_ledger(world) -> dict:
    staff = world.centre_staff
    m = {}
    # A 东一村, wages: Sunday 29 Nov 23:59:30 local (week of 23 Nov, last month); stays open (研判)
    m["A"] = _matter(world, world.village_a1, world.wages, local(2026, 11, 29, 23, 59, 30), "A")
    # B 东二村, wages: 1 Dec 00:00:10 local = 30 Nov in UTC; assigned to the police, due 2 Dec: overdue
    m["B"] = _matter(world, world.village_a2, world.wages, local(2026, 12, 1, 0, 0, 10), "B")
    actions.assign(
        staff, m["B"], unit=world.police, deadline=dt.date(2026, 12, 2), now=local(2026, 12, 1, 0, 1)
    )
    # C 西一村, land: Monday 30 Nov 00:00:30 local = Sunday 29 Nov in UTC; resolved 1 Dec 00:00:05 local
    # (30 Nov in UTC), its deadline that day: on time, this month, never escalated
    m["C"] = _matter(world, world.village_b1, world.land, local(2026, 11, 30, 0, 0, 30), "C")
    actions.assign(
        staff, m["C"], unit=world.committee_b1, deadline=dt.date(2026, 12, 1), now=local(2026, 11, 30, 8)
    )
    actions.resolve(staff, m["C"], outcome="已化解", now=local(2026, 12, 1, 0, 0, 5))
    # D 东一村第一网格, wages: Friday 20 Nov; escalated, assessed again, assigned to the police, due 30 Nov,
    # resolved 30 Nov 23:59:59 local: on time, last month, escalated
    m["D"] = _matter(world, world.grid_a1, world.wages, local(2026, 11, 20, 10), "D")
    actions.escalate(staff, m["D"], reason="需镇协调", now=local(2026, 11, 20, 11))
    actions.assess(staff, m["D"], likelihood=1, consequence=2, now=local(2026, 11, 20, 12))
    actions.assign(
        staff, m["D"], unit=world.police, deadline=dt.date(2026, 11, 30), now=local(2026, 11, 20, 13)
    )
    actions.resolve(staff, m["D"], outcome="已化解", now=local(2026, 11, 30, 23, 59, 59))
    # E 东一村, land: 10 Nov (week of 9 Nov); due 15 Nov, resolved 20 Nov (late), then archived
    m["E"] = _matter(world, world.village_a1, world.land, local(2026, 11, 10, 9), "E")
    actions.assign(
        staff, m["E"], unit=world.committee_a1, deadline=dt.date(2026, 11, 15), now=local(2026, 11, 10, 10)
    )
    actions.resolve(staff, m["E"], outcome="已化解", now=local(2026, 11, 20, 9))
    actions.archive(staff, m["E"], now=local(2026, 11, 21, 9))
    # F 西一村, wages: 2 Dec, rejected (不予受理)
    m["F"] = _matter(world, world.village_b1, world.wages, local(2026, 12, 2, 8), "F")
    actions.reject(staff, m["F"], reason="不属于受理范围", now=local(2026, 12, 2, 9))
    # G 东一村, wages: 2 Dec, merged into A
    m["G"] = _matter(world, world.village_a1, world.wages, local(2026, 12, 2, 9), "G")
    actions.merge(staff, m["G"], into=m["A"], now=local(2026, 12, 2, 10))
    # H 西一村, land: 3 Dec 07:59 local = 2 Dec in UTC; assigned with 包案领导 lingdao, due today: not overdue
    m["H"] = _matter(world, world.village_b1, world.land, local(2026, 12, 3, 7, 59), "H")
    actions.assign(
        staff,
        m["H"],
        unit=world.committee_b1,
        lead_leader=world.leader,
        deadline=dt.date(2026, 12, 3),
        now=local(2026, 12, 3, 8),
    )
    return m


@pytest.fixture(params=["direct", "rebuilt", "refreshed"])
def way(request, world):
    """The ledger, and how the figures are read: from the ledger, a full rebuild, or refreshes only."""
    if request.param == "refreshed":
        rollup.rebuild()  # counted while the ledger was empty; everything below arrives by refreshes
        build_ledger(world)
        done = rollup.refresh()
        assert done["changed"] == 8 and not done["behind"]
    else:
        build_ledger(world)
        if request.param == "rebuilt":
            rollup.rebuild()
    return request.param


def _key(user, way):
    return figures.key_figures(user, TODAY, direct=way == "direct")


def test_key_figures_count_local_days_and_months(world, way):
    # new this month (from 1 Dec local): B, F, G, H; resolved this month: C; resolved C, D, E of the closed
    # C, D, E, F (G merged is not closed); never escalated: C, E of the three
    assert _key(world.centre_staff, way) == {
        "open": 3,  # A, B, H
        "overdue": 1,  # B
        "high_open": 0,
        "grey_rhino_open": 0,
        "new_month": 4,
        "resolved_month": 1,
        "resolution_rate": 75.0,
        "grassroots_rate": 66.7,
    }
    # 东镇: A, B, D, E, G; new: B, G; resolved D, E of the closed D, E; never escalated: E
    assert _key(world.town_staff, way) == {
        "open": 2,
        "overdue": 1,
        "high_open": 0,
        "grey_rhino_open": 0,
        "new_month": 2,
        "resolved_month": 0,
        "resolution_rate": 100.0,
        "grassroots_rate": 50.0,
    }
    # 西一村: C, F, H
    cadre_b = _key(world.cadre_b, way)
    assert (cadre_b["new_month"], cadre_b["resolved_month"], cadre_b["resolution_rate"]) == (2, 1, 50.0)


def _last_weeks(user, way, weeks=4):
    trends = figures.weekly_trends(user, today=TODAY, direct=way == "direct")
    return {t["domain"].code: t["counts"][-weeks:] for t in trends if t["total"]}


def test_weekly_trends_count_by_local_week(world, way):
    # weeks of 9, 16, 23 and 30 Nov: wages D | A | B, F, G; land E | — | C, H
    assert _last_weeks(world.centre_staff, way) == {
        "social_security_wages": [0, 1, 1, 3],
        "land_requisition": [1, 0, 0, 2],
    }
    assert _last_weeks(world.town_staff, way) == {
        "social_security_wages": [0, 1, 1, 2],  # D | A | B, G
        "land_requisition": [1, 0, 0, 0],  # E
    }


def _units(user, way, by="unit"):
    if way == "direct":
        return unit_figures(scoped(user, Matter), as_of=TODAY, by=by)
    return counted.unit_rows(user, as_of=TODAY, by=by)


def _levels(low=0):
    return {"critical": 0, "high": 0, "medium": 0, "low": low, "unassessed": 0}


def test_figures_per_unit_and_lead_leader(world, way):
    police = {  # B (open, overdue), D (resolved on time, escalated)
        "unit_id": world.police.pk,
        "unit": "东镇派出所",
        "assigned": 2,
        "resolved": 1,
        "resolution_rate": 50.0,
        "on_time_rate": 100.0,
        "overdue": 1,
        "grassroots_rate": 0.0,
        "open_by_level": _levels(low=1),
        "open": 1,
    }
    committee_a1 = {  # E (resolved late)
        "unit_id": world.committee_a1.pk,
        "unit": "东一村村委会",
        "assigned": 1,
        "resolved": 1,
        "resolution_rate": 100.0,
        "on_time_rate": 0.0,
        "overdue": 0,
        "grassroots_rate": 100.0,
        "open_by_level": _levels(),
        "open": 0,
    }
    committee_b1 = {  # C (resolved on time), H (open, due today)
        "unit_id": world.committee_b1.pk,
        "unit": "西一村村委会",
        "assigned": 2,
        "resolved": 1,
        "resolution_rate": 50.0,
        "on_time_rate": 100.0,
        "overdue": 0,
        "grassroots_rate": 100.0,
        "open_by_level": _levels(low=1),
        "open": 1,
    }
    # ordered by the unit's area: 东镇, 东一村, 西一村 (F rejected and G merged are not counted)
    assert _units(world.centre_staff, way) == [police, committee_a1, committee_b1]
    assert _units(world.town_staff, way) == [police, committee_a1]
    assert _units(world.centre_staff, way, by="leader") == [
        {
            "unit_id": world.leader.pk,
            "unit": "lingdao",
            "assigned": 1,
            "resolved": 0,
            "resolution_rate": 0.0,
            "on_time_rate": None,
            "overdue": 0,
            "grassroots_rate": None,
            "open_by_level": _levels(low=1),
            "open": 1,
        }
    ]


def test_a_refresh_moves_a_changed_matter_out_of_its_old_counts(world):
    ledger = build_ledger(world)
    rollup.rebuild()
    # A moves from 东一村 to 西一村 and from wages to land; B is resolved on 2 Dec local (1 Dec 16:30 UTC)
    actions.correct_facts(
        world.centre_staff,
        ledger["A"],
        reason="地点和领域登记有误",
        area=world.village_b1,
        domain=world.land,
        now=local(2026, 12, 2, 12),
    )
    actions.resolve(world.centre_staff, ledger["B"], outcome="已支付", now=local(2026, 12, 2, 0, 30))
    assert rollup.refresh()["changed"] == 2
    assert _last_weeks(world.town_staff, "rebuilt") == {
        "social_security_wages": [0, 1, 0, 2],  # D | — | B, G
        "land_requisition": [1, 0, 0, 0],
    }
    assert _last_weeks(world.centre_staff, "rebuilt")["land_requisition"] == [1, 0, 1, 2]  # E | A | C, H
    town = _key(world.town_staff, "rebuilt")
    # 东镇 now: B resolved on time (police), D, E resolved; grassroots: B, E of three
    assert (town["open"], town["resolved_month"], town["grassroots_rate"]) == (0, 1, 66.7)
    police = _units(world.town_staff, "rebuilt")[0]
    assert (police["resolved"], police["overdue"], police["on_time_rate"], police["open"]) == (2, 0, 100.0, 0)
    # and the counts equal the ledger's own, figure by figure
    for user in (world.centre_staff, world.town_staff, world.cadre_b):
        assert _key(user, "rebuilt") == _key(user, "direct")
        assert _last_weeks(user, "rebuilt", 156) == _last_weeks(user, "direct", 156)
        assert _units(user, "rebuilt") == _units(user, "direct")
        assert _units(user, "rebuilt", "leader") == _units(user, "direct", "leader")


def test_a_refresh_reads_only_matters_changed_since_its_mark(world):
    ledger = build_ledger(world)
    rollup.rebuild()
    # the ledger's rows as if saved an hour ago: the next refresh reads none of them
    Matter.objects.update(updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert rollup.refresh() == {"read": 0, "changed": 0, "behind": False, "skipped": False}
    actions.start(world.centre_staff, ledger["H"])
    assert rollup.refresh() == {"read": 1, "changed": 1, "behind": False, "skipped": False}
    # read again within the safety margin (a transaction may commit late), changing nothing
    assert rollup.refresh() == {"read": 1, "changed": 0, "behind": False, "skipped": False}
    assert MatterFact.objects.get(pk=ledger["H"].pk).status == "resolving"


def test_counting_from_scratch_goes_in_bounded_batches(world):
    build_ledger(world)
    steps = []
    while True:
        done = rollup.refresh(limit=3)
        steps.append((done["read"], done["behind"]))
        if not done["behind"]:
            break
        assert rollup.counted_as_of() is None  # not complete yet: the overview keeps counting the ledger
        assert not figures.use_counts(world.centre_staff)
    assert steps == [(3, True), (3, True), (2, False)]
    assert figures.use_counts(world.centre_staff)
    assert _key(world.centre_staff, "counted") == _key(world.centre_staff, "direct")
    assert _units(world.centre_staff, "counted") == _units(world.centre_staff, "direct")


def test_department_officers_figures_stay_counted_from_the_ledger(world):
    """The counts cannot tell a unit's matters apart: an officer's figures are direct (and scoped)."""
    ledger = build_ledger(world)
    rollup.rebuild()
    assert counted.serves(world.town_staff)  # positive control
    assert not counted.serves(world.officer) and not figures.use_counts(world.officer)
    with override_settings(ANJU_DEPARTMENT_VISIBILITY="unit"):
        officer = _key(world.officer, "counted")
    # the police's matters B and D only (both 东镇); D resolved and escalated, B open and overdue
    assert (officer["open"], officer["overdue"], officer["grassroots_rate"]) == (1, 1, 0.0)
    assert ledger["B"].responsible_unit_id == world.police.pk


def test_the_overview_says_how_recent_its_counts_are_and_catches_up_when_stale(client, world):
    build_ledger(world)
    client.force_login(world.centre_staff)
    assert "数据截至" not in client.get("/dashboard/").content.decode()  # never counted: all from the ledger
    rollup.rebuild()
    RollupMark.objects.update(as_of=dt.datetime(2026, 12, 3, 1, 5, tzinfo=dt.UTC))  # 09:05 local
    _matter(world, world.village_a2, world.wages, dt.datetime.now(dt.UTC), "新事项")
    html = client.get("/dashboard/").content.decode()
    mark = RollupMark.objects.get()
    assert mark.as_of > dt.datetime(2026, 12, 3, 1, 5, tzinfo=dt.UTC)  # refreshed by the page itself
    assert MatterFact.objects.filter(matter__title="新事项").exists()
    assert "数据截至" in html and "09:05" not in html


def test_the_rollup_commands_rebuild_then_refresh(world, capsys):
    from anju.cli import main

    build_ledger(world)
    assert main(["rollup-rebuild"]) == 0
    assert "事项 8 件" in capsys.readouterr().out
    assert main(["rollup-refresh"]) == 0  # all eight were saved within the safety margin: read, unchanged
    assert "读取事项 8 件，其中有变化 0 件" in capsys.readouterr().out
    assert _key(world.centre_staff, "counted")["resolution_rate"] == 75.0
