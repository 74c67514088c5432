"""The spread demo on the test world: the case crosses 征地 → 信访 → 舆情 over three villages, its measure holds,
and planted links give the ledger crossings of several domain pairs."""

import datetime as dt

from spread_helpers import described, matter

from anju.cases.demo_spread import load_spread_demo
from anju.cases.models import Case
from anju.cases.spread import case_crossings, count_by_pair, ledger_crossings, measure_crossings, split_at
from anju.core import actions as core_actions
from anju.core.models import AreaLevel


def test_spread_demo(world):
    w = world
    core_actions.create_area(
        None, code="330101003000", name="东三村", level=AreaLevel.VILLAGE, parent=w.town_a
    )
    # the ledger: 欠薪 in 东一村 (March 1st) and 信访 in 东二村 (March 20th) of one town; 舆情 in 西镇
    matter(w, "social_security_wages", w.village_a1, 1, "东一村工地欠薪")
    matter(w, "petitions", w.village_a2, 20, "东二村讨薪信访")
    matter(w, "online_opinion", w.village_b1, 21, "西一村网帖")
    now = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    summary = load_spread_demo(now)
    case = Case.objects.get(title="东镇工业园区二期征地补偿专案")
    assert f"专案 {case.code}" in summary and "另设 1 条" in summary
    crossings = case_crossings(case)
    assert [(c.from_domain.name, c.to_domain.name, c.from_area.name, c.to_area.name) for c in crossings] == [
        ("征地拆迁", "信访突出问题", "东一村", "东二村"),
        ("信访突出问题", "网络舆情", "东二村", "东三村"),
    ]
    measure = case.buffer_measures.get()
    before, after = split_at(measure_crossings(measure, crossings), measure.started_at)
    assert (len(before), len(after)) == (2, 0)
    pairs = [
        (p.from_domain.name, p.to_domain.name, p.count) for p in count_by_pair(ledger_crossings(w.admin))
    ]
    assert ("社会保障和民工欠薪", "信访突出问题", 1) in pairs
    assert ("征地拆迁", "信访突出问题", 1) in pairs
    assert described(ledger_crossings(w.cadre_b)) == []
    assert load_spread_demo(now) == ""  # once only
