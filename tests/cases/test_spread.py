"""Crossings (风险传导) with expected values written by hand: along links and within cases, their kind, their
order, no crossing where nothing changed, counts by domain pair, the area and date filters and the scope."""

import datetime as dt

import pytest
from spread_helpers import at, case, described, domain, link, matter

from anju.cases.spread import case_crossings, count_by_pair, ledger_crossings, matrix_of, split_at


@pytest.fixture
def chain(world):
    """征地 (东一村, 1st) –引发→ 信访 (东一村, 3rd) –关联→ 信访 (东二村, 5th) ←同源– 舆情 (西一村, 7th)
    –引发→ 舆情 (西一村, 8th) –复发→ 欠薪 (西一村, 9th)."""
    w = world
    m = {
        "land": matter(w, "land_requisition", w.village_a1, 1, "东一村征地补偿争议"),
        "petition": matter(w, "petitions", w.village_a1, 3, "东一村村民集体上访"),
        "petition2": matter(w, "petitions", w.village_a2, 5, "东二村村民联名信访"),
        "online": matter(w, "online_opinion", w.village_b1, 7, "西一村网络发帖"),
        "online2": matter(w, "online_opinion", w.village_b1, 8, "西一村网络跟帖"),
        "recur": matter(w, "social_security_wages", w.village_b1, 9, "西一村欠薪复发"),
    }
    link(m["land"], m["petition"], "led_to")
    link(m["petition"], m["petition2"], "related")
    link(m["online"], m["petition2"], "same_source")  # stored later → earlier: read in time order
    link(m["online"], m["online2"], "led_to")  # same domain, same village: no crossing
    link(m["online2"], m["recur"], "recurrence")  # a recurrence is no spread
    return m


CHAIN = [
    ("东一村征地补偿争议", "东一村村民集体上访", "domain", "led_to"),
    ("东一村村民集体上访", "东二村村民联名信访", "area", "related"),
    ("东二村村民联名信访", "西一村网络发帖", "both", "same_source"),
]


def test_crossings_along_links_in_time_order(world, chain):
    found = ledger_crossings(world.admin)
    assert described(found) == CHAIN
    first = found[0]
    assert (first.from_domain.name, first.to_domain.name) == ("征地拆迁", "信访突出问题")
    assert (first.from_area.name, first.to_area.name) == ("东一村", "东一村")
    assert first.at == at(3)
    third = found[2]
    assert (third.from_area.name, third.to_area.name) == ("东二村", "西一村")
    assert third.at == at(7)


def test_no_crossing_within_one_domain_and_area(world):
    a = matter(world, "petitions", world.village_a1, 1, "东一村信访甲")
    b = matter(world, "petitions", world.village_a1, 2, "东一村信访乙")
    link(a, b, "led_to")
    case(world, world.village_a1, [a, b])
    assert ledger_crossings(world.admin) == []


def test_case_steps_between_consecutive_matters(world):
    """A case of four matters without links: steps 1→2, 2→3, 3→4 by registration time, whatever the order
    they were added in; 2→3 changes nothing."""
    w = world
    third = matter(w, "petitions", w.village_a2, 6, "专案三 东二村信访")
    first = matter(w, "land_requisition", w.village_a1, 2, "专案一 东一村征地")
    second = matter(w, "petitions", w.village_a2, 4, "专案二 东二村信访")
    fourth = matter(w, "online_opinion", w.village_a2, 8, "专案四 东二村舆情")
    c = case(w, w.town_a, [third, first, fourth, second])
    expected = [
        ("专案一 东一村征地", "专案二 东二村信访", "both", "case"),
        ("专案三 东二村信访", "专案四 东二村舆情", "domain", "case"),
    ]
    assert described(case_crossings(c)) == expected
    assert described(ledger_crossings(w.admin)) == expected


def test_a_link_names_the_step_rather_than_the_case(world):
    w = world
    a = matter(w, "land_requisition", w.village_a1, 1, "征地甲")
    b = matter(w, "petitions", w.village_a1, 2, "信访乙")
    link(a, b, "related")
    link(b, a, "led_to")
    c = case(w, w.village_a1, [a, b])
    assert described(case_crossings(c)) == [("征地甲", "信访乙", "domain", "led_to")]
    assert described(ledger_crossings(w.admin)) == [("征地甲", "信访乙", "domain", "led_to")]


def test_case_crossings_use_only_links_inside_the_case(world, chain):
    c = case(world, world.town_a, [chain["land"], chain["petition"]])
    assert described(case_crossings(c)) == [CHAIN[0]]


def test_counts_by_domain_pair(world, chain):
    w = world
    again = matter(w, "land_requisition", w.village_a2, 2, "东二村征地")
    later = matter(w, "petitions", w.village_a2, 10, "东二村再次信访")
    link(again, later, "led_to")
    pairs = count_by_pair(ledger_crossings(w.admin))
    assert [(p.from_domain.name, p.to_domain.name, p.count) for p in pairs] == [
        ("征地拆迁", "信访突出问题", 2),
        ("信访突出问题", "信访突出问题", 1),  # area only: the diagonal
        ("信访突出问题", "网络舆情", 1),
    ]
    assert {c.target.title for c in pairs[0].crossings} == {"东一村村民集体上访", "东二村再次信访"}
    matrix = matrix_of(pairs)
    assert [d.name for d in matrix.domains] == ["征地拆迁", "信访突出问题", "网络舆情"]
    counts = [[cell.count if cell else 0 for cell in cells] for _d, cells in matrix.rows]
    assert counts == [[0, 2, 0], [0, 1, 1], [0, 0, 0]]


def test_area_and_date_filters(world, chain):
    w = world
    # touching 东二村: the step into it and the step out of it
    assert described(ledger_crossings(w.admin, area=w.village_a2)) == CHAIN[1:]
    assert described(ledger_crossings(w.admin, area=w.town_b)) == CHAIN[2:]
    # by the later matter's registration day, both ends included
    assert described(ledger_crossings(w.admin, since=dt.date(2026, 3, 5))) == CHAIN[1:]
    assert described(ledger_crossings(w.admin, until=dt.date(2026, 3, 5))) == CHAIN[:2]
    assert described(ledger_crossings(w.admin, since=dt.date(2026, 3, 4), until=dt.date(2026, 3, 6))) == [
        CHAIN[1]
    ]


def test_scope(world, chain):
    w = world
    assert described(ledger_crossings(w.town_staff)) == CHAIN[:2]  # positive control: 东镇's two steps
    assert described(ledger_crossings(w.cadre)) == CHAIN[:1]  # 东一村 only: both ends in sight
    assert ledger_crossings(w.cadre_b) == []


def test_case_step_over_a_hidden_matter_is_not_invented(world):
    """东一村 → 西一村 → 东一村 in one case: the 东一村 cadre sees the first and the last only, and must not
    be shown a step between them."""
    w = world
    a = matter(w, "land_requisition", w.village_a1, 1, "东一村征地")
    b = matter(w, "petitions", w.village_b1, 2, "西一村信访")
    c = matter(w, "online_opinion", w.village_a1, 3, "东一村舆情")
    case(w, w.county, [a, b, c])
    assert described(ledger_crossings(w.admin)) == [
        ("东一村征地", "西一村信访", "both", "case"),
        ("西一村信访", "东一村舆情", "both", "case"),
    ]
    assert ledger_crossings(w.cadre) == []


def test_merged_matters_take_no_part(world, chain):
    chain["petition2"].status = "merged"
    chain["petition2"].save()
    assert described(ledger_crossings(world.admin)) == CHAIN[:1]


def test_split_at_a_moment(world, chain):
    before, after = split_at(ledger_crossings(world.admin), at(5))
    assert described(before) == CHAIN[:1]
    assert described(after) == CHAIN[1:]  # at the moment itself counts as after
    assert domain("petitions").name == "信访突出问题"


def test_a_merged_duplicate_in_a_case_is_stepped_over(world):
    w = world
    a = matter(w, "land_requisition", w.village_a1, 1, "东一村征地")
    duplicate = matter(w, "petitions", w.village_a1, 2, "东一村信访（重复）")
    c = matter(w, "online_opinion", w.village_a1, 3, "东一村舆情")
    the_case = case(w, w.village_a1, [a, duplicate, c])
    duplicate.status = "merged"
    duplicate.save()
    expected = [("东一村征地", "东一村舆情", "domain", "case")]
    assert described(case_crossings(the_case)) == expected
    assert described(ledger_crossings(w.admin)) == expected
    assert described(ledger_crossings(w.cadre)) == expected
