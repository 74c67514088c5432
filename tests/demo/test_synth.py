"""`anju synth`: the demo's matters copied, with their dependants, over copies of the county."""

from __future__ import annotations

import pytest

from anju.core.models import Area, Unit, User
from anju.demo.synth import SynthError, synthesize
from anju.intake.models import Report
from anju.matters import actions
from anju.matters.models import Matter, MatterEvent, MatterKind, MatterParty

pytestmark = pytest.mark.django_db


def _matter(world, title, village, phone):
    return actions.create_matter(
        world.centre_staff,
        kind=MatterKind.DISPUTE,
        domain=world.wages,
        area=village,
        title=title,
        description=f"{title}，村民多次反映。",
        parties=[{"role": "applicant", "name": "张三丰", "phone": phone, "id_number": ""}],
    )


def test_the_ledger_grows_over_copies_of_the_county(world):
    User.objects.filter(pk=world.cadre.pk).update(is_demo=True)
    first = _matter(world, "工地拖欠工资", world.village_a1, "13812345678")
    _matter(world, "邻里宅基地纠纷", world.village_b1, "13900001111")
    Report.objects.create(
        channel="online", text="工资拖欠", area=world.village_a1, receipt_code="ABCD-EFGH-JKLM", matter=first
    )
    areas_before, units_before, users_before = (
        Area.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
    )
    events_of_first = MatterEvent.objects.filter(matter=first).count()
    assert events_of_first >= 1

    written = synthesize(9, counties=2, batch=3, say=lambda _line: None)

    assert Matter.objects.count() == 9
    assert written["matters"] == 7
    # the copy of the county: every area, unit and user once more, in a tree of its own
    assert Area.objects.count() == 2 * areas_before
    assert Unit.objects.count() == 2 * units_before
    assert User.objects.count() == 2 * users_before
    copy_root = Area.objects.get(code="S01330100000000")
    assert copy_root.name == "示范县（合成1）" and copy_root.parent is None
    copy_village = Area.objects.get(code="S01330101001000")
    assert copy_village.path == "/S01330100000000/S01330101000000/S01330101001000/"
    assert User.objects.get(username="cun-1").area.code == "S01330101001000"

    # copy i of the 7 repeats matter i mod 2 in county (i div 2) mod 2: copies 2, 3 and 6 lie in the copy
    assert Matter.objects.filter(area__path__startswith=copy_root.path).count() == 3
    titles = sorted(Matter.objects.values_list("title", flat=True))
    assert titles.count("工地拖欠工资") == 5 and titles.count("邻里宅基地纠纷") == 4
    numbers = list(Matter.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 9
    # dependants follow their matter; personal data is copied encrypted and reads the same
    copy = Matter.objects.filter(title="工地拖欠工资", area=copy_village).first()
    assert MatterEvent.objects.filter(matter=copy).count() == events_of_first
    party = MatterParty.objects.get(matter=copy)
    assert party.phone == "13812345678"
    report = Report.objects.get(matter=copy)
    assert report.receipt_code != "ABCD-EFGH-JKLM" and report.area == copy_village

    with pytest.raises(SynthError, match="已有合成数据"):
        synthesize(20, counties=2, say=lambda _line: None)


def test_without_the_demo_it_refuses(world):
    with pytest.raises(SynthError, match="anju load-demo"):
        synthesize(10, say=lambda _line: None)
