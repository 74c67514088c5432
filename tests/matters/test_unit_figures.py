"""Figures per responsible unit on a small hand-built ledger; every expected number is worked out by hand
in the comments (window: March 2026, as of 31 March)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.matters.models import Matter, MatterEvent
from anju.matters.unit_figures import leader_figures, unit_figures
from anju.reports import document, figures
from guards import outsider

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
END = dt.date(2026, 3, 31)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def ledger(world, make_matter):
    """东一村村委会 (U1) and 东镇派出所 (U2) as responsible units:

    m1 U1 reg 03-02, due 03-10, resolved 03-08         on time
    m2 U1 reg 03-05, due 03-12, resolved 03-20         late, escalated once
    m3 U1 reg 03-10, due 03-20, open, level high       overdue at 03-31
    m4 U1 reg 02-10, due 02-20, resolved 03-03         before the window, resolved in it, late
    m5 U1 reg 03-15, due 04-10, open, not assessed     open, not overdue
    m6 U1 reg 03-16, merged                            not counted
    m7 U2 reg 03-01, no deadline, resolved 03-31       resolved, no deadline
    m8 U2 reg 04-02, open                              after the window: not counted
    """
    d = dt.date
    rows = [
        ("m1", world.committee_a1, d(2026, 3, 2), d(2026, 3, 10), d(2026, 3, 8), "resolved", "medium"),
        ("m2", world.committee_a1, d(2026, 3, 5), d(2026, 3, 12), d(2026, 3, 20), "archived", "medium"),
        ("m3", world.committee_a1, d(2026, 3, 10), d(2026, 3, 20), None, "resolving", "high"),
        ("m4", world.committee_a1, d(2026, 2, 10), d(2026, 2, 20), d(2026, 3, 3), "followed_up", "low"),
        ("m5", world.committee_a1, d(2026, 3, 15), d(2026, 4, 10), None, "assigned", ""),
        ("m6", world.committee_a1, d(2026, 3, 16), d(2026, 3, 20), None, "merged", "low"),
        ("m7", world.police, d(2026, 3, 1), None, d(2026, 3, 31), "resolved", "low"),
        ("m8", world.police, d(2026, 4, 2), d(2026, 4, 9), None, "assigned", "low"),
    ]
    made = {}
    for name, unit, registered, deadline, resolved, status, level in rows:
        matter = make_matter(title=name)
        Matter.objects.filter(pk=matter.pk).update(
            responsible_unit=unit,
            registered_at=_at(registered),
            occurred_at=_at(registered),
            deadline=deadline,
            resolved_at=_at(resolved) if resolved else None,
            status=status,
            inherent_level=level,
        )
        made[name] = matter
    MatterEvent.objects.create(matter=made["m2"], kind="escalated", at=_at(dt.date(2026, 3, 6)))
    return made


def test_figures_of_march(world, ledger):
    rows = unit_figures(Matter.objects.all(), since=MARCH, as_of=END)
    assert [r["unit"] for r in rows] == ["东镇派出所", "东一村村委会"]  # by the unit's area, then name
    police, village = rows
    # U1: registered in March and counted m1 m2 m3 m5 (4), of which resolved by 03-31 m1 m2 → 50.0
    # resolved in March m1 m2 m4 (3), all with a deadline, on time only m1 → 33.3; never escalated m1 m4 → 66.7
    # overdue at 03-31: m3 (due 03-20, open); m5 is due 04-10. Open: m3 (high), m5 (unassessed).
    assert village == {
        "unit_id": world.committee_a1.pk,
        "unit": "东一村村委会",
        "assigned": 4,
        "resolved": 3,
        "resolution_rate": 50.0,
        "on_time_rate": 33.3,
        "overdue": 1,
        "grassroots_rate": 66.7,
        "open_by_level": {"critical": 0, "high": 1, "medium": 0, "low": 0, "unassessed": 1},
        "open": 2,
    }
    # U2: m7 only (m8 came after the window) — resolved, no deadline: no on-time rate
    assert police == {
        "unit_id": world.police.pk,
        "unit": "东镇派出所",
        "assigned": 1,
        "resolved": 1,
        "resolution_rate": 100.0,
        "on_time_rate": None,
        "overdue": 0,
        "grassroots_rate": 100.0,
        "open_by_level": {"critical": 0, "high": 0, "medium": 0, "low": 0, "unassessed": 0},
        "open": 0,
    }


def test_whole_history_as_of_april(world, ledger):
    rows = {r["unit"]: r for r in unit_figures(Matter.objects.all(), as_of=dt.date(2026, 4, 30))}
    # no window start: U1's m1–m5 are assigned (5), resolved m1 m2 m4 (3) → 60.0; overdue at 04-30: m3, m5
    village = rows["东一村村委会"]
    assert (village["assigned"], village["resolution_rate"], village["overdue"]) == (5, 60.0, 2)
    # U2 now has m8 too (due 04-09, open at 04-30: overdue)
    police = rows["东镇派出所"]
    assert (police["assigned"], police["resolution_rate"], police["overdue"], police["open"]) == (
        2,
        50.0,
        1,
        1,
    )


def test_scoped_like_everything_else(world, ledger, client):
    west = outsider(world, Role.LEADER)
    assert unit_figures(scoped(west, Matter), as_of=END) == []
    assert len(unit_figures(scoped(world.leader, Matter), as_of=END)) == 2  # positive control
    client.force_login(world.leader)
    page = client.get("/dashboard/").content.decode()
    assert "各责任单位办理情况" in page and "东一村村委会" in page
    client.force_login(west)
    page = client.get("/dashboard/").content.decode()
    assert "各责任单位办理情况" in page and "东一村村委会" not in page


def test_monthly_report_has_the_by_unit_table(world, ledger):
    rows = figures.by_unit(world.town_a, MARCH)
    assert [(r["unit"], r["assigned"], r["on_time_rate"]) for r in rows] == [
        ("东镇派出所", 1, None),
        ("东一村村委会", 4, 33.3),
    ]
    blocks = document.unit_blocks(rows)
    table = blocks[-1]
    assert table.header[:4] == ["责任单位", "交办", "化解", "化解率"]
    assert table.rows[1] == ["东一村村委会", "4", "3", "50.0%", "33.3%", "1", "66.7%", "2"]
    assert document.unit_blocks(None) == []  # a report generated before the table existed
    assert figures.by_unit(world.town_b, MARCH) == []


def test_figures_per_lead_leader(world, ledger, client):
    """包案领导: the leader leads m1, m3 and m7 (of two units); m2 has none and counts for nobody."""
    Matter.objects.filter(pk__in=[ledger[n].pk for n in ("m1", "m3", "m7")]).update(lead_leader=world.leader)
    rows = leader_figures(Matter.objects.all(), since=MARCH, as_of=END)
    assert len(rows) == 1
    row = rows[0]
    # registered in March: m1 m3 m7 (3), resolved by 03-31 m1 m7 → 66.7; resolved in March m1 m7 (2), with a
    # deadline only m1, on time → 100.0; never escalated → 100.0; overdue at 03-31: m3; open: m3 (high)
    assert {k: row[k] for k in ("assigned", "resolved", "resolution_rate", "on_time_rate", "overdue")} == {
        "assigned": 3,
        "resolved": 2,
        "resolution_rate": 66.7,
        "on_time_rate": 100.0,
        "overdue": 1,
    }
    assert (row["grassroots_rate"], row["open"], row["open_by_level"]["high"]) == (100.0, 1, 1)
    client.force_login(world.leader)
    page = client.get("/dashboard/").content.decode()
    assert "各包案领导办理情况" in page
    assert document.leader_blocks([row])[1].rows[0][1:4] == ["3", "2", "66.7%"]
