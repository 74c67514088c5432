"""Buffer measures (隔离缓冲): the actions' guards, their checks, and the crossings before and after a measure."""

import pytest
from django.core.exceptions import ValidationError
from spread_helpers import at, case, described, domain, link, matter

from anju.cases import actions
from anju.cases.models import BufferMeasure
from anju.cases.spread import case_crossings, ledger_crossings, measure_crossings, split_at
from anju.core.errors import Conflict, WorkflowError
from anju.core.models import AuditEvent
from guards import check_guard, outsider

MAY = {"admin", "centre_staff", "town_staff", "leader"}


def crossing_measure(world, actor=None, **kw):
    fields = dict(
        area=world.town_a,
        from_domain=domain("land_requisition"),
        to_domain=domain("petitions"),
        kind="dedicated_reception",
        content="镇信访办设征地专人接待窗口",
        owner_unit=world.town_centre,
        started_at=at(5),
        now=at(5, 10),
    )
    fields.update(kw)
    return actions.add_measure(actor or world.town_staff, **fields)


def test_add_guard(world):
    measure = check_guard(
        world,
        MAY,
        lambda actor: crossing_measure(world, actor),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )
    assert measure.status == "active" and measure.area == world.town_a
    event = AuditEvent.objects.get(action="cases.buffer_add")
    assert event.actor == world.town_staff


def test_add_guard_on_a_case(world):
    a = matter(world, "land_requisition", world.village_a1, 1, "东一村征地")
    c = case(world, world.village_a1, [a])
    measure = check_guard(
        world,
        MAY,
        lambda actor: actions.add_measure(
            actor, case=c, kind="opinion_guidance", content="统一回应口径", owner_user=world.town_staff
        ),
        insider=world.centre_staff,
        outside=outsider(world, "centre_staff"),
    )
    assert measure.case == c and measure.area == world.village_a1  # the case's area
    assert measure.from_domain is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"from_domain": None, "to_domain": None}, "from_domain", "未选专案时"),
        ({"to_domain": None}, "to_domain", "须同时填写"),
        ({"to_domain": "land_requisition"}, "to_domain", "不能相同"),
        ({"owner_unit": None}, "owner_unit", "责任单位或责任人"),
        ({"content": "  "}, "content", "措施内容"),
        ({"kind": "wall"}, "kind", "措施类型"),
        ({"started_at": at(6)}, "started_at", "不能晚于现在"),
    ],
)
def test_add_refuses_bad_input(world, changes, field, message):
    if changes.get("to_domain") == "land_requisition":
        changes["to_domain"] = domain("land_requisition")
    with pytest.raises(ValidationError) as refused:
        crossing_measure(world, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    assert not BufferMeasure.objects.exists()


def test_end(world):
    measure = crossing_measure(world)
    with pytest.raises(ValidationError, match="结束说明"):
        actions.end_measure(world.town_staff, measure, note=" ", now=at(9))
    with pytest.raises(Conflict):
        actions.end_measure(world.town_staff, measure, note="已无需要", seen_version=measure.version + 1)
    check_guard(
        world,
        MAY,
        lambda actor: actions.end_measure(
            actor, measure, note="诉求已化解，撤销专人接待", seen_version=1, now=at(9)
        ),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )
    measure.refresh_from_db()
    assert (measure.status, measure.ended_at, measure.end_note) == (
        "ended",
        at(9),
        "诉求已化解，撤销专人接待",
    )
    with pytest.raises(WorkflowError, match="已结束"):
        actions.end_measure(world.town_staff, measure, note="再次结束", now=at(10))
    assert AuditEvent.objects.filter(action="cases.buffer_end").count() == 1


def test_crossings_before_and_after_a_crossing_measure(world):
    """征地 → 信访 in 东镇 on the 2nd and 4th (before the measure of the 5th), one on the 8th (after); one in
    西镇 on the 9th is outside the measure's area, and a 征地 → 舆情 one on the 7th is another pair."""
    w = world
    pairs = [
        (w.village_a1, 1, w.village_a1, 2, "petitions", "东一村信访"),
        (w.village_a2, 3, w.village_a2, 4, "petitions", "东二村信访"),
        (w.village_a1, 6, w.village_a2, 8, "petitions", "东二村再信访"),
        (w.village_b1, 6, w.village_b1, 9, "petitions", "西一村信访"),
        (w.village_a1, 6, w.village_a1, 7, "online_opinion", "东一村舆情"),
    ]
    for i, (area_from, day_from, area_to, day_to, to_code, title) in enumerate(pairs):
        source = matter(w, "land_requisition", area_from, day_from, f"征地{i}")
        link(source, matter(w, to_code, area_to, day_to, title), "led_to")
    measure = crossing_measure(world)
    watched = measure_crossings(measure, ledger_crossings(w.admin))
    before, after = split_at(watched, measure.started_at)
    assert [c.target.title for c in before] == ["东一村信访", "东二村信访"]
    assert [c.target.title for c in after] == ["东二村再信访"]


def test_crossings_before_and_after_a_case_measure(world):
    w = world
    land = matter(w, "land_requisition", w.village_a1, 1, "征地")
    petition = matter(w, "petitions", w.village_a2, 3, "信访")
    online = matter(w, "online_opinion", w.village_a2, 6, "舆情")
    c = case(w, w.town_a, [land, petition, online])
    measure = actions.add_measure(
        w.town_staff,
        case=c,
        kind="opinion_guidance",
        content="发布权威信息",
        owner_unit=w.town_centre,
        started_at=at(4),
        now=at(4),
    )
    crossings = case_crossings(c)
    before, after = split_at(measure_crossings(measure, crossings), measure.started_at)
    assert described(before) == [("征地", "信访", "both", "case")]
    assert described(after) == [("信访", "舆情", "domain", "case")]
    narrowed = actions.add_measure(
        w.town_staff,
        case=c,
        from_domain=domain("land_requisition"),
        to_domain=domain("petitions"),
        kind="separate_channel",
        content="征地诉求单独处置",
        owner_unit=w.town_centre,
        started_at=at(4),
        now=at(4),
    )
    before, after = split_at(measure_crossings(narrowed, crossings), narrowed.started_at)
    assert (len(before), len(after)) == (1, 0)
