"""The stored level rank (Matter.level_rank) behind the ledger's 风险等级 sort, and one-character search.

The orders are written by hand; the ranks are set only through the actions (研判, 重新定级, 措施后风险)."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.matters import actions, seek
from anju.matters.filters import filter_matters
from anju.matters.models import Matter

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


@pytest.fixture
def graded(world, make_matter):
    """Eight matters graded through 研判 (5×5 matrix: 1×1 低, 1×3 中, 3×3 较高, 5×5 最高), with ties."""
    staff = world.centre_staff
    plan = [  # title, registered, (likelihood, consequence) or None, residual
        ("甲", T, (5, 5), None),
        ("乙", T + HOUR, (3, 3), None),
        ("丙", T, (3, 3), None),
        ("丁", T + 2 * HOUR, (3, 3), (1, 1)),  # 较高, but 低 after measures: shown (and sorted) as 低
        ("戊", T - DAY, (1, 3), None),
        ("己", T + 3 * HOUR, None, None),  # not graded yet
        ("庚", T - 2 * DAY, (1, 1), None),
        ("辛", T, (3, 3), None),  # same level and time as 丙, registered after it (a larger id)
    ]
    matters = {}
    for title, registered, score, residual in plan:
        matter = make_matter(title=title)
        if score:
            actions.assess(staff, matter, likelihood=score[0], consequence=score[1])
        if residual:
            actions.set_residual_risk(staff, matter, likelihood=residual[0], consequence=residual[1])
        Matter.objects.filter(pk=matter.pk).update(registered_at=registered)
        matters[title] = matter
    return matters


def _ranks():
    return dict(Matter.objects.values_list("title", "level_rank"))


def _titles(user, sort):
    qs, _cleaned = filter_matters(user, {"sort": sort})
    return "".join(m.title for m in qs)


def test_the_actions_store_the_rank_of_the_level_shown(world, graded):
    assert _ranks() == {"甲": 4, "乙": 3, "丙": 3, "丁": 1, "戊": 2, "己": 0, "庚": 1, "辛": 3}


def test_the_ledger_sorted_by_level_gives_the_hand_written_order(world, graded):
    # 高→低, newest first within a level (ties in time: the later registered first)
    assert _titles(world.centre_staff, "-level") == "甲乙辛丙戊丁庚己"
    # 低→高: exactly the reverse
    assert _titles(world.centre_staff, "level") == "己庚丁戊丙辛乙甲"


@pytest.mark.parametrize(
    ("sort", "expected"), [("-level", "甲乙辛丙戊丁庚己"), ("level", "己庚丁戊丙辛乙甲")]
)
def test_pages_by_cursor_follow_the_level_order_both_ways(world, graded, sort, expected):
    qs, _cleaned = filter_matters(world.centre_staff, {"sort": sort})
    pages = [seek.seek(qs, sort, 3)]
    while pages[-1].next_cursor:
        pages.append(seek.seek(qs, sort, 3, cursor=pages[-1].next_cursor))
    assert ["".join(m.title for m in page) for page in pages] == [expected[:3], expected[3:6], expected[6:]]
    backwards = [seek.seek(qs, sort, 3, last=True)]
    while backwards[-1].previous_cursor:
        backwards.append(seek.seek(qs, sort, 3, cursor=backwards[-1].previous_cursor))
    assert ["".join(m.title for m in page) for page in backwards] == [
        expected[5:],
        expected[2:5],
        expected[:2],
    ]


def test_the_rank_follows_a_level_change_through_the_actions(world, graded):
    staff, matter = world.centre_staff, graded["己"]
    assert _titles(staff, "-level")[-1] == "己"
    actions.assess(staff, matter, likelihood=1, consequence=3)  # 中
    assert _ranks()["己"] == 2
    actions.regrade(staff, matter, likelihood=5, consequence=5, reason="涉及人数增加")  # 最高
    assert _ranks()["己"] == 4
    # newer than 甲 at the same level: first
    assert _titles(staff, "-level") == "己甲乙辛丙戊丁庚"
    actions.set_residual_risk(staff, matter, likelihood=1, consequence=1)  # 低 after measures
    assert _ranks()["己"] == 1
    assert _titles(staff, "-level") == "甲乙辛丙戊己丁庚"


def test_a_save_that_names_only_the_level_fields_writes_the_rank(world, graded):
    matter = Matter.objects.get(pk=graded["庚"].pk)
    matter.inherent_level = "critical"
    matter.save(update_fields=["inherent_level"])
    assert _ranks()["庚"] == 4


# one-character search ---------------------------------------------------------------------------------


@pytest.fixture
def texts(world, make_matter):
    for title, description in [
        ("拆迁补偿纠纷", "征收安置款未到位"),
        ("违章搭建", "村民擅自拆除承重墙"),  # the character in the description only
        ("邻里噪音", "夜间施工扰民"),
        ("x光机辐射隐患", "诊所设备未年检"),
    ]:
        make_matter(title=title, description=description)


def _found(user, q):
    qs, _cleaned = filter_matters(user, {"q": q})
    return {m.title for m in qs}


def test_a_one_character_search_finds_every_matter_with_the_character(world, texts):
    staff = world.centre_staff
    assert _found(staff, "拆") == {"拆迁补偿纠纷", "违章搭建"}
    assert _found(staff, "扰") == {"邻里噪音"}
    assert _found(staff, "X") == {"x光机辐射隐患"}  # any case, as longer searches
    assert _found(staff, "鱼") == set()
    assert _found(staff, "拆迁") == {"拆迁补偿纠纷"}


def test_a_one_character_search_stays_in_scope(world, make_matter, texts):
    make_matter(area=world.village_b1, title="西镇拆迁")
    assert _found(world.centre_staff, "拆") == {"拆迁补偿纠纷", "违章搭建", "西镇拆迁"}  # positive control
    assert _found(world.cadre_b, "拆") == {"西镇拆迁"}
