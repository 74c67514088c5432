"""Screening actions' own guards, called directly (see ``tests/guards.py``): close a round, change a cadence,
file a return, remind by hand. The sets of who may are written by hand from the README's role table."""

from __future__ import annotations

import pytest

from anju.core.errors import NotAllowed
from anju.core.models import Notification
from anju.core.roles import Role
from anju.screening import actions
from anju.screening.models import Cadence, Return
from guards import check_guard, outsider

# action -> users of the world whose role may (case a). Closing a round and changing a cadence act on the
# county's own rows, so a town centre (town_staff), whose role may, is refused there for scope (case b).
MAY = {
    "close_round": {"admin", "centre_staff", "town_staff"},
    "update_cadence": {"admin", "centre_staff", "town_staff"},
    "file_return": {"admin", "centre_staff", "town_staff", "cadre"},  # for 东一村
    "remind_missing": {"admin", "centre_staff", "town_staff"},
    # 东镇派出所's own return (a 镇直单位): its officer, or a centre on its behalf; a village cadre may not
    "file_department_return": {"admin", "centre_staff", "town_staff", "officer"},
    "correct_return": {"admin", "centre_staff", "town_staff", "cadre"},  # 东一村's filed return
}


def test_close_round(world, village_round):
    round_ = check_guard(
        world,
        MAY["close_round"],
        lambda actor: actions.close_round(actor, village_round, note="本轮结束"),
        outside=world.town_staff,  # a town centre: the round is the county's
        insider=world.centre_staff,
    )
    assert not round_.is_open


def test_update_cadence(world, village_round):
    cadence = Cadence.objects.get(pk=village_round.cadence_id)

    def call(actor):
        return actions.update_cadence(
            actor, cadence, period_kind="monthly", due_offset_days=4, close_after_days=None, active=True
        )

    check_guard(world, MAY["update_cadence"], call, outside=world.town_staff, insider=world.centre_staff)
    cadence.refresh_from_db()
    assert cadence.period_kind == "monthly" and cadence.due_offset_days == 4


def test_file_return(world, village_round):
    ret = check_guard(
        world,
        MAY["file_return"],
        lambda actor: actions.file_return(actor, village_round, area=world.village_a1, zero_report=True),
        outside=world.cadre_b,  # 西一村's cadre, for 东一村
        insider=world.cadre,
    )
    assert ret.is_filed and ret.filed_by == world.cadre


@pytest.mark.parametrize("name", sorted(MAY["file_return"]))
def test_file_return_for_each_role_that_may(world, village_round, name):
    """Every user of the table files 东一村's return (one round each, as a return is filed once)."""
    ret = actions.file_return(getattr(world, name), village_round, area=world.village_a1, zero_report=True)
    assert ret.is_filed


def test_file_return_scope_outside_the_county(world, village_round):
    """A centre of another county holds the permission but none of this county's villages."""
    other = outsider(world, Role.CENTRE_STAFF, area=_other_county())
    with pytest.raises(NotAllowed):
        actions.file_return(other, village_round, area=world.village_a1, zero_report=True)
    assert not Return.objects.get(round=village_round, area=world.village_a1).is_filed


def test_remind_missing(world, village_round):
    """No area to be outside of: the round is the county's, and each centre reminds the villages it holds."""
    sent = check_guard(
        world,
        MAY["remind_missing"],
        lambda actor: actions.remind_missing(actor, village_round),
        insider=world.town_staff,
    )
    reminded = set(
        Notification.objects.filter(key__startswith="screening:remind:").values_list("user__area", flat=True)
    )
    assert sent == 1 and reminded == {world.village_a1.pk}  # 东一村's cadre; 西一村 is not 东镇's


def _other_county():
    from anju.core import actions as core_actions
    from anju.core.models import AreaLevel

    return core_actions.create_area(None, code="330200000000", name="邻县", level=AreaLevel.COUNTY)


def test_file_department_return(world, rounds):
    from anju.core.models import AreaLevel

    town_round = rounds[AreaLevel.TOWN]
    ret = check_guard(
        world,
        MAY["file_department_return"],
        lambda actor: actions.file_return(actor, town_round, department=world.police, zero_report=True),
        outside=outsider(world, Role.CENTRE_STAFF),  # 西镇's centre, for 东镇's unit
        insider=world.officer,
    )
    assert ret.is_filed and ret.department == world.police and ret.filed_by == world.officer


def test_correct_return(world, village_round):
    filed = actions.file_return(world.cadre, village_round, zero_report=True)
    correction = check_guard(
        world,
        MAY["correct_return"],
        lambda actor: actions.correct_return(
            actor, filed, reason="补充说明", zero_report=True, note="已核实"
        ),
        outside=world.cadre_b,
        insider=world.cadre,
    )
    assert correction.corrected_by == world.cadre and correction.changes[0]["after"] == "已核实"
