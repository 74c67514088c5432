"""The 疑似黑天鹅 badge says why it was raised and that staff confirm it, on the ledger and the detail page."""

from django.urls import reverse

from anju.matters import actions

WHY = "本区域本领域此前没有登记过此类事项"
HINT = "首次出现且后果严重，待中心研判"


def test_suggested_swan_badge_explains_itself_on_ledger_and_detail(client, world, make_matter):
    first = make_matter(title="首个欠薪事项", likelihood=2, consequence=4)  # first of its kind, severe
    assert first.black_swan_suggested and first.black_swan_confirmed is None
    client.force_login(world.centre_staff)
    for url in (reverse("matters:ledger"), reverse("matters:detail", args=[first.pk])):
        html = client.get(url).content.decode()
        assert "疑似黑天鹅" in html, url
        assert WHY in html and "综治中心研判确认" in html, url  # the tooltip
        assert HINT in html, url  # the visible hint


def test_no_hint_once_staff_have_ruled_the_swan_out(client, world, make_matter):
    first = make_matter(title="首个欠薪事项", likelihood=2, consequence=4)
    second = make_matter(title="第二个欠薪事项", likelihood=2, consequence=5)  # not the first of its kind
    assert not second.black_swan_suggested
    actions.dismiss_black_swan(world.centre_staff, first, reason="同类事项在邻村常见")
    client.force_login(world.centre_staff)
    html = client.get(reverse("matters:detail", args=[first.pk])).content.decode()
    assert "已排除黑天鹅" in html and HINT not in html
