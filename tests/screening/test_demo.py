"""The screening demo: rounds of the last months, filed through the actions, idempotent."""

from __future__ import annotations

import datetime as dt

from anju.core.models import AreaLevel
from anju.matters.models import Matter
from anju.screening.demo import load_screening_demo
from anju.screening.models import Return, ReturnLine, Round, RoundStatus


def test_demo_rounds_and_returns(world):
    today = dt.date(2026, 11, 20)
    summary = load_screening_demo(today=today, seed=7)
    assert summary.startswith("排查：")
    village = Round.objects.filter(level=AreaLevel.VILLAGE)
    assert village.count() == 8  # 2026-08-01 … 2026-11-16, twice a month
    assert (
        village.filter(status=RoundStatus.OPEN).exists()
        and village.filter(status=RoundStatus.CLOSED).exists()
    )
    assert all(r.is_demo for r in Round.objects.all())
    filed = Return.objects.filter(filed_at__isnull=False)
    assert filed.count() > Return.objects.filter(filed_at__isnull=True).count()
    for ret in filed:
        assert ret.lines.count() == 15
        assert ret.late == (ret.filed_at.date() > ret.round.due_date)
    found = ReturnLine.objects.filter(nothing_found=False)
    for line in found:
        assert line.matters.count() == line.matters_count > 0
        assert all(m.is_demo and m.domain_id == line.domain_id for m in line.matters.all())
    # every matter the demo registered is listed, and a matter of a village lies in its town's subtree too:
    # the town's (and its units') later returns list it from the ledger instead of saying 无 over it
    listed = set(Matter.objects.filter(pk__in=ReturnLine.objects.values("matters")))
    assert listed == set(Matter.objects.filter(is_demo=True))
    assert sum(line.matters_count for line in found) >= len(listed) > 0
    # 东镇派出所 (a 镇直单位) filed its own returns in the town rounds, through its officer
    police = Return.objects.filter(department=world.police, filed_at__isnull=False)
    assert police.exists() and {r.filed_by for r in police} == {world.officer}
    assert {r.round.level for r in Return.objects.filter(department=world.police)} == {AreaLevel.TOWN}
    assert load_screening_demo(today=today) == "排查演示数据已存在。"
    assert Round.objects.count() == Round.objects.filter(is_demo=True).count()
