"""The ledger page's rows (matters/ledger_rows.py): the values each layout prints, and a page's SQL
statements that do not grow with the rows it shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anju.matters.models import Matter

pytestmark = pytest.mark.django_db


def _ledger(user, query: str = "") -> tuple[str, int]:
    client = Client()
    client.force_login(user)
    client.get("/matters/")  # the first visit keeps the area picker's choices; count a later one
    with CaptureQueriesContext(connection) as statements:
        response = client.get("/matters/" + query)
    assert response.status_code == 200
    return response.content.decode(), len(statements.captured_queries)


def test_statements_do_not_grow_with_the_rows_shown(world, make_matter):
    make_matter(title="第一件")
    make_matter(title="第二件", area=world.village_b1)
    html, few = _ledger(world.centre_staff)
    assert html.count('class="card ledger-card') == 2
    # more rows, each with what a row may look up: another unit, handled elsewhere, other areas and domains
    units = [world.police, world.town_centre, world.committee_a1, None]
    for i in range(7):
        matter = make_matter(
            title=f"新增{i}", area=[world.village_a1, world.village_a2, world.village_b1][i % 3]
        )
        Matter.objects.filter(pk=matter.pk).update(
            responsible_unit=units[i % 4],
            handling_area=world.town_a if i % 2 else matter.area,
            inherent_level=["low", "high", "critical", ""][i % 4],
            domain=world.wages if i % 2 else matter.domain,
        )
    html, more = _ledger(world.centre_staff)
    assert html.count('class="card ledger-card') == 9
    assert more == few


def test_a_row_shows_the_same_values_in_the_table_and_the_card(world, make_matter):
    today = timezone.localdate()
    matter = make_matter(title="东一村土地流转纠纷")
    Matter.objects.filter(pk=matter.pk).update(
        status="assigned",
        deadline=today - dt.timedelta(days=3),
        responsible_unit=world.police,
        handling_area=world.town_a,
        inherent_level="high",
        registered_at=dt.datetime(2026, 5, 3, 23, 30, tzinfo=dt.UTC),  # 07:30 on 4 May in Shanghai
    )
    html, _statements = _ledger(world.centre_staff)
    row = re.search(r'<tr class="row-overdue">.*?</tr>', html, re.S).group(0)
    assert f'<a href="/matters/{matter.pk}/">{matter.number}</a>' in row
    assert '<td class="nowrap">2026-05-04 07:30</td>' in row
    assert '<td>东一村 <span class="badge" title="当前办理层级">→东镇</span></td>' in row
    assert '<span class="badge level-high">较高</span>' in row
    assert '<span class="badge status-assigned">交办</span>' in row
    assert '<td class="hide-sm">东镇派出所</td>' in row
    overdue_day = (today - dt.timedelta(days=3)).isoformat()
    assert f'{overdue_day} <span class="badge overdue">超期</span>' in row
    card = re.search(r'<li class="card ledger-card row-overdue">.*?</li>', html, re.S).group(0)
    assert f'<a class="ledger-card-title" href="/matters/{matter.pk}/">东一村土地流转纠纷</a>' in card
    assert '<span class="badge level-high">较高</span>' in card
    assert "<dd>东一村 →东镇</dd>" in card
    assert "<dd>2026-05-04</dd>" in card
    assert f"<dd>{overdue_day}</dd>" in card
    assert "<dd>东镇派出所</dd>" in card


def test_a_row_without_deadline_unit_or_level(world, make_matter):
    make_matter(title="尚未研判的事项")
    html, _statements = _ledger(world.centre_staff)
    row = re.search(r"<tr>\s*<td class=\"select\">.*?</tr>", html, re.S).group(0)
    assert '<span class="badge">未研判</span>' in row
    assert '<td class="hide-sm">—</td>' in row
    assert "超期" not in row and "→" not in row
    card = re.search(r'<li class="card ledger-card">.*?</li>', html, re.S).group(0)
    assert card.count("<dd>—</dd>") == 2  # no deadline, no responsible unit
