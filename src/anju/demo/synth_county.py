"""What `anju synth` gives each copy of the demo county besides its ledger: its 排查 and its signals.

A copied county screens like the demo county: the same cadences, rounds, returns (filed, late, missing) and
their lines per domain, its areas, units and users being the copy's, and a line's registered matters (and a
return's 台账已登记但未列入 matters) being the copies of the demo's matters in that county — where the ledger
was grown far enough to hold them. Its early-warning signals are the demo county's weekly evaluations per
(village, domain) on the copied areas, as the demo's last scan left them: they describe one copy of the demo's
history, and ``anju warn-scan`` recomputes them from the grown ledger.
"""

from __future__ import annotations

from anju.demo import synth_bulk as bulk
from anju.screening.models import Cadence, Return, ReturnLine, Round
from anju.warning.models import Signal


def _row(obj, **changes) -> dict:
    row = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    return row | changes


def copy_screening(county, copy, matter_copies: dict[int, int]) -> dict[str, int]:
    """The demo county's 排查 for county copy ``copy``; ``matter_copies`` maps demo matter ids to their copies
    there. Returns the rows written per table."""
    cadences = {
        c.pk: Cadence.objects.create(**_row(c, county_id=copy.areas[c.county_id]))
        for c in Cadence.objects.filter(county=county)
    }
    rounds = {
        r.pk: Round.objects.create(
            **_row(r, cadence_id=cadences[r.cadence_id].pk, county_id=copy.areas[r.county_id])
        )
        for r in Round.objects.filter(county=county).order_by("pk")
    }
    originals = list(Return.objects.filter(round__in=list(rounds)).order_by("pk"))
    returns = Return.objects.bulk_create(
        Return(
            **_row(
                r,
                round_id=rounds[r.round_id].pk,
                area_id=copy.areas.get(r.area_id, r.area_id),
                department_id=copy.units.get(r.department_id, r.department_id),
                unit_id=copy.units.get(r.unit_id, r.unit_id),
                filed_by_id=copy.user(r.filed_by_id),
                version=1,
            )
        )
        for r in originals
    )
    return_ids = {o.pk: n.pk for o, n in zip(originals, returns, strict=True)}
    original_lines = list(ReturnLine.objects.filter(ret_id__in=list(return_ids)).order_by("pk"))
    lines = ReturnLine.objects.bulk_create(
        ReturnLine(**_row(line, ret_id=return_ids[line.ret_id])) for line in original_lines
    )
    line_ids = {o.pk: n.pk for o, n in zip(original_lines, lines, strict=True)}
    listed = ReturnLine.matters.through
    listed_rows = listed.objects.bulk_create(
        listed(returnline_id=line_ids[link.returnline_id], matter_id=matter_copies[link.matter_id])
        for link in listed.objects.filter(returnline_id__in=list(line_ids))
        if link.matter_id in matter_copies
    )
    unlisted = Return.unlisted_matters.through
    unlisted_rows = unlisted.objects.bulk_create(
        unlisted(return_id=return_ids[link.return_id], matter_id=matter_copies[link.matter_id])
        for link in unlisted.objects.filter(return_id__in=list(return_ids))
        if link.matter_id in matter_copies
    )
    return {
        "cadence": len(cadences),
        "round": len(rounds),
        "return": len(returns),
        "returnline": len(lines),
        "returnline_matters": len(listed_rows) + len(unlisted_rows),
    }


def copy_signals(county, copy) -> int:
    """The demo county's signals on the copy's areas (one statement; tens of thousands of rows)."""
    return bulk.insert_select(
        Signal,
        source=bulk.qn(Signal._meta.db_table),
        plan=f"(SELECT {int(copy.index)} AS county)",
        join_on=f"s.area_id IN (SELECT id FROM {bulk.qn('core_area')} WHERE path LIKE %s)",  # nosec B608 - an integer and a constant table; the path is a parameter
        fixed={},
        now=None,
        order="s.id",
        params=[county.path + "%"],
    )
