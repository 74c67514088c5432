"""The ledger filters: each one narrows the scoped matters, invalid input never widens them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.matters import actions
from anju.matters.filters import filter_matters
from anju.matters.models import Matter, MatterKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world, make_matter, advance):
    """Five matters that differ in one attribute each from the first."""
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    m = {
        "base": make_matter(title="工资拖欠"),
        "hazard": make_matter(
            kind=MatterKind.HAZARD, title="危房隐患", description="老旧房屋墙体开裂", now=three_days_ago
        ),
        "land": make_matter(domain=world.land, area=world.village_a2, title="征地补偿纠纷"),
        "west": make_matter(
            area=world.village_b1, title="西镇山林权属", now=timezone.now() - dt.timedelta(days=40)
        ),
        "grid": make_matter(area=world.grid_a1, title="网格内邻里噪音"),
    }
    # level high (3×3), registered and assigned three days ago with a deadline that passed two days ago
    advance(
        m["hazard"], "resolving", now=three_days_ago, deadline=timezone.localdate() - dt.timedelta(days=2)
    )
    actions.assess(world.centre_staff, m["land"], likelihood=1, consequence=1)  # low, assessed
    return {k: Matter.objects.get(pk=v.pk) for k, v in m.items()}


def titles(user, **params):
    qs, _cleaned = filter_matters(user, params)
    return {m.title for m in qs}


ALL = {"工资拖欠", "危房隐患", "征地补偿纠纷", "西镇山林权属", "网格内邻里噪音"}


def test_no_filter_lists_the_users_whole_scope(world, ledger):
    assert titles(world.centre_staff) == ALL
    assert titles(world.town_staff) == ALL - {"西镇山林权属"}
    assert titles(world.cadre) == {"工资拖欠", "危房隐患", "网格内邻里噪音"}


def test_area_filter_takes_the_subtree(world, ledger):
    assert titles(world.centre_staff, area=world.village_a1.pk) == {"工资拖欠", "危房隐患", "网格内邻里噪音"}
    assert titles(world.centre_staff, area=world.grid_a1.pk) == {"网格内邻里噪音"}
    assert titles(world.centre_staff, area=world.town_b.pk) == {"西镇山林权属"}


def test_an_area_outside_scope_is_refused_not_widened(world, ledger):
    qs, cleaned = filter_matters(world.cadre, {"area": world.town_b.pk})
    assert "area" not in cleaned
    assert {m.title for m in qs} == {"工资拖欠", "危房隐患", "网格内邻里噪音"}


def test_domain_kind_status_and_level_filters(world, ledger):
    staff = world.centre_staff
    assert titles(staff, domain=world.land.pk) == {"征地补偿纠纷"}
    assert titles(staff, kind="hazard") == {"危房隐患"}
    assert titles(staff, status="resolving") == {"危房隐患"}
    assert titles(staff, status="registered") == {"工资拖欠", "西镇山林权属", "网格内邻里噪音"}
    assert titles(staff, status="open") == ALL
    assert titles(staff, level="high") == {"危房隐患"}
    assert titles(staff, level="low") == {"征地补偿纠纷"}


def test_level_filter_uses_the_residual_level_once_there_is_one(world, ledger):
    actions.set_residual_risk(world.centre_staff, ledger["hazard"], likelihood=1, consequence=1)
    assert titles(world.centre_staff, level="high") == set()
    assert titles(world.centre_staff, level="low") == {"危房隐患", "征地补偿纠纷"}


def test_overdue_only(world, ledger):
    assert titles(world.centre_staff, overdue="on") == {"危房隐患"}


def test_registered_date_range(world, ledger):
    today = timezone.localdate()
    staff = world.centre_staff
    assert titles(staff, date_to=(today - dt.timedelta(days=30)).isoformat()) == {"西镇山林权属"}
    assert titles(staff, date_from=(today - dt.timedelta(days=7)).isoformat()) == ALL - {"西镇山林权属"}
    today_only = ALL - {"西镇山林权属", "危房隐患"}  # registered 40 and 3 days ago
    assert titles(staff, date_from=(today - dt.timedelta(days=1)).isoformat()) == today_only
    assert titles(staff, date_from=today.isoformat(), date_to=today.isoformat()) == today_only


def test_reversed_date_range_is_a_field_error_and_ignored(world, ledger):
    today = timezone.localdate()
    qs, cleaned = filter_matters(
        world.centre_staff,
        {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=5)).isoformat()},
    )
    assert "date_to" not in cleaned
    assert qs.count() == 3  # registered since today: all but those of 40 and 3 days ago


def test_free_text_searches_number_title_and_description(world, ledger):
    staff = world.centre_staff
    assert titles(staff, q="墙体开裂") == {"危房隐患"}
    assert titles(staff, q="山林") == {"西镇山林权属"}
    assert titles(staff, q=ledger["land"].number) == {"征地补偿纠纷"}
    assert titles(staff, q="没有这样的事项") == set()


def test_filters_combine(world, ledger):
    assert titles(world.centre_staff, area=world.village_a1.pk, kind="dispute", status="registered") == {
        "工资拖欠",
        "网格内邻里噪音",
    }


def test_invalid_values_are_ignored(world, ledger):
    qs, cleaned = filter_matters(
        world.centre_staff, {"status": "nonsense", "level": "x", "date_from": "2024-13-45", "sort": "evil"}
    )
    assert not {"status", "level", "date_from", "sort"} & set(cleaned)
    assert qs.count() == 5


def test_sorting(world, ledger):
    staff = world.centre_staff

    def order(sort):
        qs, _cleaned = filter_matters(staff, {"sort": sort})
        return [m.title for m in qs]

    assert order("-level")[:2] == ["危房隐患", "征地补偿纠纷"]
    assert order("level")[-2:] == ["征地补偿纠纷", "危房隐患"]
    assert order("registered")[0] == "西镇山林权属"
    assert order("-registered")[-1] == "西镇山林权属"
    assert order("deadline")[0] == "危房隐患"  # the only deadline; empty deadlines sort last
    numbers = [m.number for m in filter_matters(staff, {"sort": "number"})[0]]
    assert numbers == sorted(numbers)
    assert [m.number for m in filter_matters(staff, {"sort": "-number"})[0]] == sorted(numbers, reverse=True)
