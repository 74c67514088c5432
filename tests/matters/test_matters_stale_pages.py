"""A stale page: every action form carries the version it showed; a change made since is refused with 409
and the message next to the form, nothing is changed, and no refusal is ever a 500."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.matters import actions

pytestmark = pytest.mark.django_db

STALE = "该事项已被他人修改，请刷新后重试。"


def post_panel(client, matter, action, data):
    return client.post(
        reverse("matters:act", args=[matter.pk, action]), {f"{action}-{k}": v for k, v in data.items()}
    )


def test_every_action_form_carries_the_version_shown(client, world, make_matter):
    matter = make_matter()
    actions.set_grey_rhino(world.centre_staff, matter, marked=True)  # version 2
    client.force_login(world.centre_staff)
    html = client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    forms = re.findall(r"<form method=\"post\" action=\"/matters/\d+/act/([\w-]+)/\".*?</form>", html, re.S)
    assert len(forms) >= 5  # assess, black_swan, grey_rhino, note, party … for the centre staff
    for key in forms:
        assert f'name="{key}-version" value="2"' in html, key


def test_a_stale_flag_edit_is_refused_next_to_the_form_and_changes_nothing(client, world, make_matter):
    matter = make_matter()
    shown = matter.version
    # another user confirms 黑天鹅 while this page is open
    actions.confirm_black_swan(world.town_staff, matter, confirmed=False)
    events_before = matter.events.count()
    client.force_login(world.centre_staff)
    response = post_panel(client, matter, "grey_rhino", {"marked": "yes", "version": shown})
    html = response.content.decode()
    assert response.status_code == 409
    form = re.search(r'action="/matters/\d+/act/grey_rhino/".*?</form>', html, re.S).group(0)
    assert STALE in form  # next to the form it concerns, not only as a page message
    matter.refresh_from_db()
    assert matter.grey_rhino is False and matter.events.count() == events_before
    # the reloaded page carries the new version; sent with it, the same edit goes through
    response = post_panel(client, matter, "grey_rhino", {"marked": "yes", "version": matter.version})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.grey_rhino is True and matter.black_swan_confirmed is False


def test_a_double_submit_and_a_stale_tab_answer_with_a_message_never_500(client, world, make_matter):
    matter = make_matter(likelihood=3, consequence=3)
    client.force_login(world.centre_staff)
    data = {
        "unit": world.police.pk,
        "deadline": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "version": matter.version,
    }
    first = post_panel(client, matter, "assign", data)
    second = post_panel(client, matter, "assign", data)  # the same form again: a double click
    assert first.status_code == 302
    assert second.status_code == 409 and STALE in second.content.decode()
    # a tab opened before the assignment, without the version field (an old page): the workflow refuses
    old_tab = post_panel(client, matter, "assign", {**data, "version": ""})
    assert old_tab.status_code == 302
    followed = client.get(old_tab["Location"]).content.decode()
    assert "不能执行“交办”" in followed
    matter.refresh_from_db()
    assert matter.events.filter(kind="assigned").count() == 1


def test_a_garbage_version_counts_as_stale(client, world, make_matter):
    matter = make_matter()
    client.force_login(world.centre_staff)
    response = post_panel(client, matter, "note", {"note": "核实情况", "version": "abc"})
    assert response.status_code == 409 and STALE in response.content.decode()
    assert not matter.events.filter(kind="note").exists()
