"""Keyset pages of the ledger (matters/seek.py): every matter exactly once, whichever sort, ties, filters,
direction and scope; the page links keep the filters; old ``?page=N`` links and bad cursors."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from anju.core.scoping import scoped
from anju.matters import seek
from anju.matters.filters import LedgerFilterForm, apply_filter_form
from anju.matters.models import Matter

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
D = dt.date(2026, 4, 1)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
# (town, registered_at, deadline, inherent level): ties in every sort key on purpose
SHAPE = [
    ("a", T, None, "high"),
    ("a", T, D, "high"),
    ("a", T, D, "low"),
    ("a", T + HOUR, None, ""),
    ("a", T - DAY, D + DAY, "high"),
    ("a", T - DAY, D, "critical"),
    ("a", T + 2 * HOUR, None, "low"),
    ("b", T, D, "high"),
    ("b", T - DAY, None, ""),
    ("b", T + 3 * HOUR, D + 2 * DAY, "medium"),
]
RANK = {"": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


@pytest.fixture
def ledger(world, make_matter):
    matters = []
    for i, (town, registered, deadline, level) in enumerate(SHAPE):
        area = world.village_a1 if town == "a" else world.village_b1
        matter = make_matter(area=area, title=f"翻页事项{i}")
        Matter.objects.filter(pk=matter.pk).update(
            registered_at=registered, deadline=deadline, inherent_level=level, level_rank=RANK[level]
        )
        matters.append(Matter.objects.get(pk=matter.pk))
    return matters


def _by_hand(matters, sort):
    """The ledger's order written out in Python, independently of the query."""
    ts = {m.pk: m.registered_at.timestamp() for m in matters}
    keys = {
        "-registered": lambda m: (-ts[m.pk], -m.pk),
        "registered": lambda m: (ts[m.pk], m.pk),
        "deadline": lambda m: (m.deadline is None, m.deadline or D, m.pk),
        "-deadline": lambda m: (m.deadline is None, -(m.deadline or D).toordinal(), -m.pk),
        "level": lambda m: (RANK[m.inherent_level], ts[m.pk], m.pk),
        "-level": lambda m: (-RANK[m.inherent_level], -ts[m.pk], -m.pk),
        "number": lambda m: m.number,
        "-number": lambda m: tuple(-ord(c) for c in m.number),
    }
    return [m.pk for m in sorted(matters, key=keys[sort])]


def _ledger(user, **params):
    qs, _cleaned = apply_filter_form(LedgerFilterForm(user, params))
    return qs


def _walk_forward(qs, sort, size):
    pages = [seek.seek(qs, sort, size)]
    while pages[-1].next_cursor:
        assert len(pages) < 50
        pages.append(seek.seek(qs, sort, size, cursor=pages[-1].next_cursor))
    return pages


def _walk_backward(qs, sort, size):
    pages = [seek.seek(qs, sort, size, last=True)]
    while pages[0].previous_cursor:
        assert len(pages) < 50
        pages.insert(0, seek.seek(qs, sort, size, cursor=pages[0].previous_cursor))
    return pages


def _ids(pages):
    return [m.pk for page in pages for m in page]


@pytest.mark.parametrize("sort", list(seek.SORT_KEYS))
@pytest.mark.parametrize("size", [1, 3, 4])
def test_every_matter_once_forwards_and_backwards_in_every_sort(world, ledger, sort, size):
    qs = _ledger(world.centre_staff, sort=sort)
    expected = _by_hand(ledger, sort)
    forward = _walk_forward(qs, sort, size)
    backward = _walk_backward(qs, sort, size)
    assert _ids(forward) == expected
    assert _ids(backward) == expected
    assert all(0 < len(page) <= size for page in forward + backward)
    assert len(forward) == -(-len(ledger) // size)  # pages are full until the last one
    assert not forward[0].has_previous and not forward[-1].has_next
    assert not backward[0].has_previous and not backward[-1].has_next


def test_the_default_order_by_hand(world, ledger):
    # newest first; the four registered at T in descending id; the two of T - 1 day last
    qs = _ledger(world.centre_staff)
    numbers = [m.pk for m in _walk_forward(qs, "-registered", 4)[0]]
    assert numbers == [ledger[9].pk, ledger[6].pk, ledger[3].pk, ledger[7].pk]
    second = _walk_forward(qs, "-registered", 4)[1]
    assert [m.pk for m in second] == [ledger[2].pk, ledger[1].pk, ledger[0].pk, ledger[8].pk]


def test_a_page_and_its_previous_link_are_inverse(world, ledger):
    qs = _ledger(world.centre_staff, sort="deadline")
    first = seek.seek(qs, "deadline", 3)
    second = seek.seek(qs, "deadline", 3, cursor=first.next_cursor)
    back = seek.seek(qs, "deadline", 3, cursor=second.previous_cursor)
    assert [m.pk for m in back] == [m.pk for m in first] and not back.has_previous
    assert {m.pk for m in second}.isdisjoint({m.pk for m in first})


def test_filtered_pages_hold_only_and_all_the_filtered_matters(world, ledger):
    qs = _ledger(world.centre_staff, level="high", sort="-deadline")
    expected = _by_hand([ledger[0], ledger[1], ledger[4], ledger[7]], "-deadline")
    assert expected == [ledger[4].pk, ledger[7].pk, ledger[1].pk, ledger[0].pk]  # the hand order itself
    assert _ids(_walk_forward(qs, "-deadline", 1)) == expected
    assert _ids(_walk_backward(qs, "-deadline", 3)) == expected


def test_a_town_users_pages_hold_only_their_towns_matters(world, ledger):
    eastern = [m for m in ledger[:7]]
    qs = _ledger(world.town_staff)
    for pages in (_walk_forward(qs, "-registered", 2), _walk_backward(qs, "-registered", 2)):
        assert _ids(pages) == _by_hand(eastern, "-registered")  # positive control: all seven of 东镇
    western = _ids(_walk_forward(_ledger(world.cadre_b, sort="number"), "number", 2))
    assert western == _by_hand(ledger[7:], "number")
    # a cursor made from another town's matter positions the query, it does not widen it
    foreign = seek.encode("-registered", seek.AFTER, ledger[9])
    assert {m.pk for m in seek.seek(qs, "-registered", 20, cursor=foreign)} <= {m.pk for m in eastern}


def test_bad_cursors_are_refused(world, ledger):
    qs = _ledger(world.centre_staff)
    good = seek.encode("number", seek.AFTER, ledger[0])
    for token in ("!!!", "e30", good[:-3], "eyJzIjoxfQ", seek.encode("-registered", "after", ledger[0])):
        with pytest.raises(seek.BadCursor):
            seek.seek(qs, "number", 3, cursor=token)
    assert len(seek.seek(qs, "number", 3, cursor=good)) == 3  # positive control


def test_count_is_capped(world, ledger, monkeypatch):
    qs = scoped(world.centre_staff, Matter)
    assert seek.count_capped(qs) == (10, False)
    assert seek.count_capped(qs, cap=4) == (4, True)
    assert seek.count_capped(qs, cap=10) == (10, False)


# the page -----------------------------------------------------------------------------------------------


def _numbers(html: str) -> list[str]:
    return re.findall(r'<td class="nowrap"><a href="/matters/\d+/">([^<]+)</a></td>', html)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    if not found:
        return None
    href = found.group(1).replace("&amp;", "&")
    return href if href.startswith("/") else "/matters/" + href


def test_ledger_links_walk_every_page_keeping_the_filters(client, world, ledger, settings):
    settings.ANJU_PAGE_SIZE = 2
    client.force_login(world.centre_staff)
    html = client.get("/matters/", {"sort": "number", "q": "翻页事项"}).content.decode()
    assert "共 10 件事项" in html and _link(html, "prev") is None and "第一页" in html
    seen = _numbers(html)
    while nxt := _link(html, "next"):
        assert "sort=number" in nxt and "q=%E7%BF%BB" in nxt and "cursor=" in nxt
        html = client.get(nxt).content.decode()
        seen += _numbers(html)
    assert seen == sorted(m.number for m in ledger)
    assert "最后一页" in html and _link(html, "last") is None
    first = client.get(_link(html, "first")).content.decode()
    assert _numbers(first) == seen[:2]


def test_last_page_and_old_page_numbers(client, world, ledger, settings):
    settings.ANJU_PAGE_SIZE = 4
    client.force_login(world.centre_staff)
    ordered = sorted(m.number for m in ledger)
    last = client.get("/matters/?sort=number&page=last").content.decode()
    assert _numbers(last) == ordered[6:]  # the last four, a full page
    assert _link(last, "next") is None and _link(last, "prev")
    old = client.get("/matters/?sort=number&page=2").content.decode()
    assert _numbers(old) == ordered[4:8] and "第 2 页" in old
    assert _numbers(client.get(_link(old, "next")).content.decode()) == ordered[8:]
    assert _numbers(client.get(_link(old, "prev")).content.decode()) == ordered[:4]
    past_end = client.get("/matters/?sort=number&page=99").content.decode()
    assert _numbers(past_end) == ordered[6:]


def test_a_broken_cursor_shows_the_first_page_with_a_message(client, world, ledger, settings):
    settings.ANJU_PAGE_SIZE = 3
    client.force_login(world.centre_staff)
    wrong_sort = seek.encode("-registered", seek.AFTER, ledger[0])
    for cursor in ("garbage", wrong_sort):
        response = client.get("/matters/", {"sort": "number", "cursor": cursor})
        html = response.content.decode()
        assert response.status_code == 200
        assert _numbers(html) == sorted(m.number for m in ledger)[:3]
        assert "分页链接已失效" in html


def test_a_large_ledger_says_it_counted_only_so_far(client, world, ledger, monkeypatch):
    monkeypatch.setattr(seek, "COUNT_CAP", 5)
    client.force_login(world.centre_staff)
    html = client.get("/matters/").content.decode()
    assert "超过 5 件事项" in html and "共 10 件事项" not in html
    monkeypatch.setattr(seek, "COUNT_CAP", 10)  # exactly at the cap: still exact
    assert "共 10 件事项" in client.get("/matters/").content.decode()


def test_two_character_search_finds_exactly_the_matters_containing_it(world, make_matter):
    # on PostgreSQL a two-character word goes through the bigram index as well (filters.search_q)
    in_title = make_matter(title="征地拆迁补偿纠纷", description="村民反映补偿款未到位。")
    in_description = make_matter(title="补偿款纠纷", description="因道路拆迁引发的补偿争议。")
    apart = make_matter(title="拆除违建后迁出", description="拆 迁 两字分开，不算。")
    latin = make_matter(title="QR 码门牌 ab 纠纷", description="无")
    found = {m.pk for m in _ledger(world.centre_staff, q="拆迁")}
    assert found == {in_title.pk, in_description.pk}
    assert apart.pk not in found
    assert {m.pk for m in _ledger(world.centre_staff, q="Ab")} == {latin.pk}  # any case
    assert {m.pk for m in _ledger(world.centre_staff, q="门牌 a")} == {latin.pk}  # a space: the LIKE alone
