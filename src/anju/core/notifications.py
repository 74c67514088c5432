"""The notification centre: every app sends its notices through ``notify``, and they are read through here.

A notice belongs to one person, not to an area: a user sees, opens and marks read only their own notices,
whatever their role or scope. Apps send with a ``kind`` ("<app>.<what>") and, where a notice must go out
at most once (a reminder per day, a round's opening), with a ``key``.

Every notice is stored in-app; ``notify`` also queues it on the outside channels its recipient chose
(e-mail, the county's webhook; ``core/channels.py``), which the background worker sends (``core/delivery.py``,
``anju worker``). Nothing is sent from inside the caller's request or transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.delivery import enqueue
from anju.core.errors import NotAllowed
from anju.core.models import Notification, User

TITLE_LENGTH = Notification._meta.get_field("title").max_length
LINK_LENGTH = Notification._meta.get_field("link").max_length


def _distinct_recipients(recipients: User | Iterable[User]) -> list[User]:
    if isinstance(recipients, User):
        recipients = [recipients]
    seen: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


def notify(
    recipients: User | Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    key: str = "",
    now: dt.datetime | None = None,
) -> list[Notification]:
    """Send one notice to each recipient (a user or several; the same user twice gets one notice).

    With a ``key``, a recipient who already has a notice with that key gets no second one. Returns the
    notices created, so ``len(notify(...))`` counts who was told. Each is also queued on the recipient's
    chosen outside channels (``delivery.enqueue``).
    """
    if not kind:
        raise ValueError("a notice needs a kind")
    if len(link) > LINK_LENGTH:
        raise ValueError(f"a notice's link is at most {LINK_LENGTH} characters")
    users = _distinct_recipients(recipients)
    if key:
        told = set(Notification.objects.filter(user__in=users, key=key).values_list("user_id", flat=True))
        users = [u for u in users if u.pk not in told]
    created_at = now or timezone.now()
    sent = []
    for user in users:
        try:
            with transaction.atomic():  # a savepoint: a duplicate key sent concurrently skips this one only
                sent.append(
                    Notification.objects.create(
                        user=user,
                        kind=kind,
                        title=title[:TITLE_LENGTH],
                        body=body,
                        link=link,
                        key=key,
                        created_at=created_at,
                    )
                )
        except IntegrityError:
            continue
    enqueue(sent, now=created_at)  # rows in the same transaction: a refused action queues nothing
    return sent


def for_user(user):
    """The user's own notices, newest first."""
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, notification: Notification, *, now: dt.datetime | None = None) -> Notification:
    """Mark one notice read; only its recipient may (``NotAllowed`` otherwise). Already read stays as it was."""
    if notification.user_id != user.pk:
        raise NotAllowed(_("只能查看发给自己的通知。"))
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user, *, now: dt.datetime | None = None) -> int:
    """Mark all of the user's unread notices read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())


def members_of(*units, excluding: User | None = None) -> list[User]:
    """The active users of ``units`` (None skipped): who is told is decided by unit membership, and the
    person who acted is not told of their own action."""
    unit_ids = [u.pk for u in units if u is not None]
    if not unit_ids:
        return []
    users = User.objects.filter(unit_id__in=unit_ids, is_active=True).order_by("pk")
    if excluding is not None and excluding.pk:
        users = users.exclude(pk=excluding.pk)
    return list(users)
