"""The in-app notification centre: every notice is created and marked read through these functions."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.screening.models import Notification


def notify(user, *, title: str, body: str = "", url: str = "", key: str = "") -> Notification | None:
    """Send one notice to ``user``. With a ``key``, a second notice with the same key is not sent (→ None)."""
    if key and Notification.objects.filter(user=user, key=key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(user=user, title=title[:200], body=body, url=url, key=key)
    except IntegrityError:  # the same key sent concurrently
        return None


def mark_read(user, notification: Notification) -> Notification:
    if notification.user_id != user.pk:
        raise PermissionError("a notice can only be marked read by its recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def for_user(user):
    """The user's own notices (notices belong to a person, not an area, so they are not area-scoped)."""
    return Notification.objects.filter(user=user)
