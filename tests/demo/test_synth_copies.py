"""`anju synth`'s copies: the demo's shares, its personal data as stored, its 排查 and signals per county."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from anju.core.models import Area, AreaLevel, User
from anju.demo.synth import synthesize
from anju.intake import receipts
from anju.intake.models import Report
from anju.matters import actions
from anju.matters.models import Matter, MatterKind, MatterParty
from anju.screening.models import Cadence, Return, ReturnLine, Round
from anju.warning.models import Signal

pytestmark = pytest.mark.django_db


def _matter(world, title, domain, village, name, phone, id_number):
    return actions.create_matter(
        world.centre_staff,
        kind=MatterKind.DISPUTE,
        domain=domain,
        area=village,
        title=title,
        description=f"{title}，联系电话 {phone}。",
        parties=[{"role": "applicant", "name": name, "phone": phone, "id_number": id_number}],
    )


def _stored(table, column, pk):
    """The value as the database holds it (ciphertext for an encrypted field)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (names are ours)
        return cursor.fetchone()[0]


def _checks(table):
    """The table's foreign keys and indexes, by name, with their columns."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return sorted(
        (name, tuple(c["columns"]), c["foreign_key"], c["index"], c["unique"])
        for name, c in constraints.items()
    )


def test_copies_keep_the_demo_shares_and_its_personal_data_as_stored(world):
    User.objects.filter(pk=world.cadre.pk).update(is_demo=True)
    wages = [
        _matter(
            world,
            "工地拖欠工资",
            world.wages,
            world.village_a1,
            "张三丰",
            "13812345678",
            "330102198001011234",
        ),
        _matter(world, "厂里拖欠工资", world.wages, world.village_a1, "李四光", "13900001111", ""),
        _matter(world, "工程款拖欠", world.wages, world.village_b1, "王五", "13700002222", ""),
    ]
    land = _matter(world, "征地补偿争议", world.land, world.village_b1, "赵六", "13600003333", "")
    Report.objects.create(
        channel="phone",
        text="工资拖欠",
        area=world.village_a1,
        receipt_code=receipts.new_code(),
        matter=wages[0],
        reporter_name="张三丰",
        reporter_phone="13812345678",
    )
    tables = ("matters_matter", "matters_matterevent", "matters_matterparty", "intake_report")
    checks_before = {t: _checks(t) for t in tables}
    assert sum(1 for check in checks_before["matters_matter"] if check[2]) == 8  # foreign keys
    assert ("matters_matterevent_at_b9a9cb50", ("at",), None, True, False) in checks_before[
        "matters_matterevent"
    ]
    originals = [m.pk for m in (*wages, land)]

    written = synthesize(20, batch=5, say=lambda _line: None)

    # 16 copies = the 4 matters 4 times: wages 3 of 4, land 1 of 4, villages a1 and b1 half each
    assert written["matters"] == 16
    copies = Matter.objects.exclude(pk__in=originals)
    assert copies.filter(domain=world.wages).count() / copies.count() == pytest.approx(0.75, abs=0.01)
    assert copies.filter(domain=world.land).count() / copies.count() == pytest.approx(0.25, abs=0.01)
    assert copies.filter(area=world.village_a1).count() == 8
    assert copies.filter(area=world.village_b1).count() == 8

    first = copies.filter(title="工地拖欠工资")
    assert first.count() == 4
    original_party = MatterParty.objects.get(matter=wages[0])
    for copy in first:
        party = MatterParty.objects.get(matter=copy)
        assert (party.name, party.phone, party.id_number) == ("张三丰", "13812345678", "330102198001011234")
        # the ciphertext itself is copied (a Fernet token without the row in it), not encrypted anew
        for column in ("name", "phone", "id_number"):
            stored = _stored("matters_matterparty", column, party.pk)
            assert stored.startswith("enc2:")
            assert stored == _stored("matters_matterparty", column, original_party.pk)
        assert copy.description == "工地拖欠工资，联系电话 138****5678。"
        assert copy.description_original == "工地拖欠工资，联系电话 13812345678。"
        report = Report.objects.get(matter=copy)
        assert (report.reporter_name, report.reporter_phone) == ("张三丰", "13812345678")
        assert receipts.normalise(report.receipt_code) == report.receipt_code
    codes = list(Report.objects.values_list("receipt_code", flat=True))
    assert len(codes) == 5 == len(set(codes))
    # numbers continue per town and year
    assert len(set(Matter.objects.values_list("number", flat=True))) == 20
    # the foreign keys and indexes are all there again (PostgreSQL drops them for the run, then adds them back)
    assert {t: _checks(t) for t in tables} == checks_before


def test_each_county_copy_gets_the_demo_screening_and_signals(world):
    User.objects.filter(pk=world.cadre.pk).update(is_demo=True)
    matter = _matter(world, "工地拖欠工资", world.wages, world.village_a1, "张三丰", "13812345678", "")
    cadence = Cadence.objects.create(county=world.county, level=AreaLevel.VILLAGE, period_kind="monthly")
    round_ = Round.objects.create(
        cadence=cadence,
        county=world.county,
        level=AreaLevel.VILLAGE,
        period_kind="monthly",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        due_date=dt.date(2026, 11, 3),
    )
    filed = Return.objects.create(
        round=round_,
        area=world.village_a1,
        unit=world.committee_a1,
        filed_by=world.cadre,
        filed_at=timezone.now(),
        matters_found=1,
    )
    Return.objects.create(round=round_, area=world.village_b1)  # not filed
    line = ReturnLine.objects.create(ret=filed, domain=world.wages, matters_count=1)
    line.matters.add(matter)
    ReturnLine.objects.create(ret=filed, domain=world.land, nothing_found=True)
    Signal.objects.create(
        area=world.village_a1,
        domain=world.wages,
        week=dt.date(2026, 11, 2),
        method="farrington_flexible",
        observed=3,
        expected=0.4,
        upperbound=1.9,
        alarm=True,
    )

    # the one demo matter: its copy 0 stays in the demo county, copy 1 is the first in the county copy
    written = synthesize(3, counties=2, say=lambda _line: None)

    assert written["matters"] == 2 and written["return"] == 2 and written["signal"] == 1
    copy_village = Area.objects.get(code="S01330101001000")
    copy_matter = Matter.objects.get(area=copy_village)
    copied = Return.objects.get(area=copy_village)
    assert (
        copied.round.county.code == "S01330100000000" and copied.round.cadence.county == copied.round.county
    )
    assert copied.filed_by.username == "cun-1" and copied.unit.area == copy_village
    assert copied.matters_found == 1 and copied.is_filed
    lines = {line.domain_id: line for line in copied.lines.all()}
    assert list(lines[world.wages.pk].matters.all()) == [copy_matter]
    assert lines[world.land.pk].nothing_found
    assert not Return.objects.get(area__code="S01330102001000").is_filed
    signal = Signal.objects.get(area=copy_village)
    assert (signal.observed, signal.alarm, signal.week) == (3, True, dt.date(2026, 11, 2))
    # the demo county's own rows are untouched
    assert list(line.matters.all()) == [matter]
    assert Signal.objects.filter(area=world.village_a1).count() == 1
