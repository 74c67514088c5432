"""Risk levels held as data carry English; standard timeline lines render in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from anju.matters.models import Matter
from anju.matters.risk import current_matrix
from anju.matters.timeline_lines import for_reader


@pytest.mark.django_db  # the current matrix may be a version stored in the database
def test_matrix_levels_and_scales_are_shown_in_the_readers_language():
    matrix = current_matrix()
    with translation.override("en"):
        assert [lv.label for lv in matrix.ordered_levels()] == ["Low", "Medium", "High", "Critical"]
        assert matrix.levels["critical"].action.startswith("Report to the county at once")
        assert matrix.likelihood[0].label == "Rare"
        assert matrix.consequence[4].hint.startswith("100 or more people")
        assert matrix.title.startswith("Default 5×5 risk matrix")
    with translation.override("zh-hans"):
        assert [lv.label for lv in matrix.ordered_levels()] == ["低", "中", "较高", "最高"]
        assert matrix.levels["critical"].action == "立即上报县级，启动应急预案，主要领导督办"
        assert matrix.likelihood[0].label == "极少发生"


def test_level_choices_of_a_matter_follow_the_language():
    matter = Matter(inherent_level="high")
    with translation.override("en"):
        assert str(matter.get_inherent_level_display()) == "High"
    with translation.override("zh-hans"):
        assert str(matter.get_inherent_level_display()) == "较高"


def test_standard_lines_are_rendered_again_in_english():
    with translation.override("en"):
        assert for_reader("研判定级：较高") == "Risk assessed: High"
        assert for_reader("已回访：满意") == "Followed up: Satisfied"
        # the unit's name is user data and stays as entered
        assert (
            for_reader("交办东镇派出所办理，期限 2026-12-01") == "Assigned to 东镇派出所, deadline 2026-12-01"
        )
        # typed text is not a standard line
        assert for_reader("与当事人电话沟通，约定周五再谈") == "与当事人电话沟通，约定周五再谈"
    with translation.override("zh-hans"):
        assert for_reader("研判定级：较高") == "研判定级：较高"


def test_the_matter_page_shows_standard_lines_in_english(client, world):
    from anju.matters import actions
    from anju.matters.models import MatterKind

    matter = actions.create_matter(
        world.centre_staff,
        kind=MatterKind.values[0],
        domain=world.wages,
        area=world.village_a1,
        title="欠薪样例",
        description="工人反映工资拖欠",
    )
    actions.assess(world.centre_staff, matter, likelihood=3, consequence=4, note="先电话核实")
    actions.assess(world.centre_staff, matter, likelihood=4, consequence=4)
    client.force_login(world.centre_staff)
    client.cookies["django_language"] = "en"
    html = client.get(f"/matters/{matter.pk}/").content.decode()
    assert "Risk assessed: Critical" in html
    assert "先电话核实" in html
    assert "研判定级" not in html


def test_bare_standard_lines():
    with translation.override("en"):
        assert for_reader("已回访") == "Followed up"
        assert for_reader("事项已登记").isascii()
