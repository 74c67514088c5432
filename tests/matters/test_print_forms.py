"""The printable 交办单 and 督办单: scoped like the matter page, with the fields the paper needs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.matters import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(world, make_matter, advance):
    matter = advance(make_matter(title="东一村欠薪纠纷"), "assessed")
    actions.assign(
        world.centre_staff,
        matter,
        unit=world.police,
        person=world.officer,
        lead_leader=world.leader,
        deadline=timezone.localdate() + dt.timedelta(days=7),
        note="请于三日内约谈施工方",
    )
    matter.refresh_from_db()
    return matter


def get(client, user, name, matter):
    client.force_login(user)
    response = client.get(reverse(name, args=[matter.pk]))
    return response, response.content.decode()


def test_assignment_slip_has_the_paper_fields(client, world, assigned):
    response, html = get(client, world.centre_staff, "matters:print_assignment", assigned)
    assert response.status_code == 200
    deadline = (timezone.localdate() + dt.timedelta(days=7)).strftime("%Y-%m-%d")
    for expected in [
        "交办单",
        assigned.number,
        "东一村欠薪纠纷",
        "社会保障和民工欠薪",  # the domain of make_matter's default (world.wages)
        "东一村",
        "东镇派出所",
        str(world.officer),
        deadline,
        "请于三日内约谈施工方",
        "交办人（签字）",
        "接收人（签字）",
        "东镇综治中心",  # the nearest centre above the matter's village
        "data-print",
        "anju/print.css",
    ]:
        assert expected in html, expected
    assert "<script>" not in html and "onclick" not in html


def test_supervision_slip_lists_the_entries_and_reply_lines(client, world, assigned):
    actions.supervise(world.centre_staff, assigned, note="进度滞后，请加快办理")
    response, html = get(client, world.leader, "matters:print_supervision", assigned)
    assert response.status_code == 200
    for expected in [
        "督办单",
        assigned.number,
        "东一村欠薪纠纷",
        "进度滞后，请加快办理",
        "办理回复",
        "回复日期",
    ]:
        assert expected in html, expected


@pytest.mark.parametrize("name", ["matters:print_assignment", "matters:print_supervision"])
def test_slips_are_scoped_like_the_matter_page(client, world, assigned, name):
    in_scope, _ = get(client, world.cadre, name, assigned)  # positive control: the village of the matter
    assert in_scope.status_code == 200
    out_of_scope, _ = get(client, world.cadre_b, name, assigned)
    assert out_of_scope.status_code == 404


def test_matter_page_links_the_slips_once_assigned(client, world, make_matter, assigned):
    _, html = get(client, world.centre_staff, "matters:detail", assigned)
    assert reverse("matters:print_assignment", args=[assigned.pk]) in html
    assert "打印交办单" in html and "打印督办单" in html
    fresh = make_matter(title="未交办事项")
    _, html = get(client, world.centre_staff, "matters:detail", fresh)
    assert "打印交办单" not in html
