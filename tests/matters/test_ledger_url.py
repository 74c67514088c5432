"""The ledger's filters, sort and page live in its URL: the same URL shows the same rows, page links keep them."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def five_matters(world, make_matter, advance, settings):
    settings.ANJU_PAGE_SIZE = 2
    matters = [make_matter(title=f"台账事项{i}") for i in range(1, 6)]
    advance(matters[4], "assessed")  # filtered out by status=registered
    return matters


def _numbers(html: str) -> list[str]:
    return re.findall(r'<td class="nowrap"><a href="/matters/\d+/">([^<]+)</a></td>', html)


@pytest.mark.django_db
def test_filtered_sorted_second_page_url_renders_the_same_rows(client, world, five_matters):
    client.force_login(world.centre_staff)
    url = "/matters/?status=registered&sort=-number&page=2"
    first = client.get(url).content.decode()
    again = client.get(url).content.decode()
    # registered matters 1–4, newest number first, two a page: page 2 holds matters 2 and 1
    expected = [five_matters[1].number, five_matters[0].number]
    assert _numbers(first) == expected
    assert _numbers(again) == expected


@pytest.mark.django_db
def test_page_links_keep_the_filters(client, world, five_matters):
    client.force_login(world.centre_staff)
    html = client.get("/matters/?status=registered&sort=-number&page=2").content.decode()
    assert '<span class="current" aria-current="page">第 2 页</span>' in html
    previous = re.search(r'<a href="\?([^"]+)" rel="prev">', html).group(1).replace("&amp;", "&")
    assert previous.startswith("status=registered&sort=-number&cursor=")
    # the previous page by its link: registered matters 4 and 3
    back = client.get(f"/matters/?{previous}").content.decode()
    assert _numbers(back) == [five_matters[3].number, five_matters[2].number]
    # the batch form returns to this very page
    assert 'name="next" value="/matters/?status=registered&amp;sort=-number&amp;page=2"' in html


@pytest.mark.django_db
def test_rows_carry_checkboxes_only_for_roles_with_a_batch_action(client, world, five_matters):
    client.force_login(world.centre_staff)
    assert 'name="ids"' in client.get("/matters/").content.decode()
    client.force_login(world.grid_worker)
    html = client.get("/matters/").content.decode()
    assert 'name="ids"' not in html and 'id="batch-form"' not in html
