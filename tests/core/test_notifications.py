"""The notification centre in core: the notify service any app calls, read/unread, whose notices a user sees,
the page and the bell, and the migration that moved screening's notices here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from anju.core import notifications
from anju.core.context import notifications as bell
from anju.core.errors import NotAllowed
from anju.core.models import Notification

NOON = timezone.make_aware(dt.datetime(2026, 12, 2, 12, 0))


def _send(users, title="通知", **kw):
    kw.setdefault("kind", "test.notice")
    return notifications.notify(users, title=title, **kw)


# --- the service ----------------------------------------------------------------------------------------------
def test_notify_sends_one_notice_to_each_distinct_recipient(world):
    sent = _send(
        [world.cadre, world.cadre_b, world.cadre, None],
        title="排查开始",
        body="请报送",
        link="/screening/",
        kind="screening.round_opened",
        now=NOON,
    )
    assert [n.user.username for n in sent] == ["cun", "cun_b"]
    notice = Notification.objects.get(user=world.cadre)
    assert (notice.kind, notice.title, notice.body, notice.link, notice.created_at, notice.read_at) == (
        "screening.round_opened",
        "排查开始",
        "请报送",
        "/screening/",
        NOON,
        None,
    )
    assert len(_send(world.leader)) == 1  # one user, not a list


def test_a_key_sends_at_most_once_per_recipient(world):
    assert len(_send(world.cadre, key="round:1")) == 1
    again = _send([world.cadre, world.cadre_b], key="round:1")
    assert [n.user.username for n in again] == ["cun_b"]  # cun had it already
    assert _send([world.cadre, world.cadre_b], key="round:1") == []
    assert len(_send(world.cadre, key="round:2")) == 1  # another key is another notice
    assert len(_send(world.cadre)) == len(_send(world.cadre)) == 1  # no key: every call sends
    assert Notification.objects.filter(user=world.cadre).count() == 4


def test_notify_needs_a_kind_and_a_link_that_fits_and_cuts_a_long_title(world):
    with pytest.raises(ValueError):
        notifications.notify(world.cadre, kind="", title="x")
    with pytest.raises(ValueError):
        _send(world.cadre, link="/" + "x" * 500)
    assert Notification.objects.count() == 0
    (notice,) = _send(world.cadre, title="长" * 250)
    assert len(notice.title) == 200


def test_each_user_sees_only_their_own_notices(world):
    _send(world.cadre, title="给村干部")
    _send(world.leader, title="给领导")
    assert [n.title for n in notifications.for_user(world.cadre)] == ["给村干部"]
    assert [n.title for n in notifications.for_user(world.leader)] == ["给领导"]
    # a notice belongs to a person, not an area: the county centre, whose scope covers the village, sees none
    assert list(notifications.for_user(world.centre_staff)) == []


def test_read_and_unread(world):
    first, second = _send(world.cadre, title="一")[0], _send(world.cadre, title="二")[0]
    _send(world.cadre_b, title="别人的")
    assert notifications.unread_count(world.cadre) == 2
    notifications.mark_read(world.cadre, first, now=NOON)
    notifications.mark_read(world.cadre, first, now=NOON + dt.timedelta(hours=1))  # stays read at noon
    first.refresh_from_db()
    assert first.read_at == NOON and notifications.unread_count(world.cadre) == 1
    assert notifications.mark_all_read(world.cadre, now=NOON) == 1
    second.refresh_from_db()
    assert second.read_at == NOON and notifications.unread_count(world.cadre) == 0
    assert notifications.unread_count(world.cadre_b) == 1  # someone else's stay unread
    assert notifications.mark_all_read(world.cadre) == 0


def test_only_the_recipient_may_mark_a_notice_read(world):
    (notice,) = _send(world.cadre_b)
    with pytest.raises(NotAllowed):
        notifications.mark_read(world.centre_staff, notice)  # in scope of the area, still not theirs
    notice.refresh_from_db()
    assert notice.read_at is None
    notifications.mark_read(world.cadre_b, notice)  # positive control: the recipient may
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_unread_count_of_nobody_is_zero(world):
    from django.contrib.auth.models import AnonymousUser

    assert notifications.unread_count(None) == notifications.unread_count(AnonymousUser()) == 0


# --- the page and the bell ------------------------------------------------------------------------------------
def test_the_page_lists_own_notices_and_filters_unread(client, world):
    _send(world.cadre, title="未读的通知")
    (read,) = _send(world.cadre, title="已读的通知")
    notifications.mark_read(world.cadre, read)
    _send(world.cadre_b, title="别人的通知")
    client.force_login(world.cadre)
    body = client.get(reverse("core:notifications")).content.decode()
    assert "未读的通知" in body and "已读的通知" in body and "别人的通知" not in body
    assert "1 条未读" in body
    unread = client.get(reverse("core:notifications"), {"show": "unread"}).content.decode()
    assert "未读的通知" in unread and "已读的通知" not in unread


def test_opening_a_notice_marks_it_read_and_follows_only_a_local_link(client, world):
    (local,) = _send(world.cadre, link="/screening/")
    (outside,) = _send(world.cadre, link="https://evil.example/")
    client.force_login(world.cadre)
    response = client.post(reverse("core:notification_open", args=[local.pk]), {"go": "1"})
    assert (response.status_code, response["Location"]) == (302, "/screening/")
    response = client.post(reverse("core:notification_open", args=[outside.pk]), {"go": "1"})
    assert (response.status_code, response["Location"]) == (302, reverse("core:notifications"))
    assert Notification.objects.filter(user=world.cadre, read_at__isnull=True).count() == 0


def test_another_users_notice_is_not_found_and_stays_unread(client, world):
    (theirs,) = _send(world.cadre_b)
    (mine,) = _send(world.cadre)
    client.force_login(world.cadre)
    assert client.post(reverse("core:notification_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("core:notification_open", args=[mine.pk])).status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is not None


def test_read_all_marks_only_the_users_own(client, world):
    _send([world.cadre, world.cadre_b])
    _send(world.cadre)
    client.force_login(world.cadre)
    response = client.post(reverse("core:notifications_read_all"), follow=True)
    assert "已将 2 条通知标为已读。" in response.content.decode()
    assert notifications.unread_count(world.cadre) == 0 and notifications.unread_count(world.cadre_b) == 1
    assert client.get(reverse("core:notifications_read_all")).status_code == 405


def test_the_bell_shows_the_unread_count_on_every_page(client, world):
    _send(world.cadre)
    _send(world.cadre)

    class Request:
        user = world.cadre

    assert bell(Request()) == {"unread_notifications": 2}
    client.force_login(world.cadre)
    body = client.get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("core:notifications")}">通知 <span class="badge overdue">2</span>' in body


def test_the_pages_need_a_login(client, world):
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- the migration from screening -----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_screenings_notices_into_core_and_back(world):
    from django.db.migrations.executor import MigrationExecutor

    before_move = [("screening", "0002_versioned_for_concurrency"), ("core", "0006_unit_domains")]
    executor = MigrationExecutor(connection)
    executor.migrate(before_move)
    old = executor.loader.project_state(before_move).apps.get_model("screening", "Notification")
    rows = [
        dict(id=7, user_id=world.cadre.pk, title="第1期排查已开始", url="/screening/rounds/1/file/",
             key="screening:open:1:3", read_at=NOON),
        dict(id=8, user_id=world.cadre.pk, title="【逾期】东一村尚未报送第1期", key="screening:remind:1:3:2026-12-20"),
        dict(id=9, user_id=world.cadre.pk, title="东一村的第1期尚未报送", key="screening:remind:1:3:2026-12-15"),
        dict(id=12, user_id=world.town_staff.pk, title="东镇有 2 个单位逾期未报送", body="东一村、东二村",
             key="screening:overdue:1:2"),
        dict(id=13, user_id=world.leader.pk, title="手工通知"),
    ]  # fmt: skip
    for row in rows:
        old.objects.create(created_at=NOON, **row)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    moved = {
        n.id: (n.user_id, n.kind, n.title, n.body, n.link, n.read_at, n.key, n.created_at)
        for n in Notification.objects.all()
    }
    assert moved == {
        7: (world.cadre.pk, "screening.round_opened", "第1期排查已开始", "", "/screening/rounds/1/file/",
            NOON, "screening:open:1:3", NOON),
        8: (world.cadre.pk, "screening.overdue", "【逾期】东一村尚未报送第1期", "", "", None,
            "screening:remind:1:3:2026-12-20", NOON),
        9: (world.cadre.pk, "screening.reminder", "东一村的第1期尚未报送", "", "", None,
            "screening:remind:1:3:2026-12-15", NOON),
        12: (world.town_staff.pk, "screening.missing_below", "东镇有 2 个单位逾期未报送", "东一村、东二村", "",
             None, "screening:overdue:1:2", NOON),
        13: (world.leader.pk, "screening.notice", "手工通知", "", "", None, "", NOON),
    }  # fmt: skip
    assert "screening_notification" not in connection.introspection.table_names()
    # a new notice takes an id after the moved ones, and the moved keys still hold
    (new,) = _send(world.leader)
    assert new.id > 13
    assert _send(world.cadre, key="screening:open:1:3") == []

    executor = MigrationExecutor(connection)
    executor.migrate(before_move)  # and back: the notices return to screening's table, links as urls
    old = executor.loader.project_state(before_move).apps.get_model("screening", "Notification")
    assert set(old.objects.values_list("id", "url")) == {
        (7, "/screening/rounds/1/file/"), (8, ""), (9, ""), (12, ""), (13, ""), (new.id, "")
    }  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Notification.objects.count() == 6
