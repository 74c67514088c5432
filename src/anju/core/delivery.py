"""The background delivery of notices: queueing (called by ``notify``), the daily digest, and the worker's
claim–send–record loop (``anju worker``). Nothing here runs inside a web request except ``enqueue``, which
only writes rows.

Claiming is one short transaction: the due rows are locked with ``SELECT … FOR UPDATE SKIP LOCKED``, their
attempt counted and their next attempt moved a lease ahead, then committed; only then is anything sent. So
two workers, on one host or two, never hold the same row, and a worker that dies mid-send leaves the row
due again once its lease has run out. (On SQLite, which has no row locks, the IMMEDIATE transaction makes
claims take turns.)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from anju.core.channels import CHANNELS, DeliveryFailed, digest_payload, offered, payload_for
from anju.core.models import Delivery, DeliveryStatus, Notification, NotificationPreference, User

MAX_BACKOFF = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=5)
DEFAULT_DIGEST_HOUR = 17


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … × the base, at most six hours."""
    base = getattr(settings, "ANJU_DELIVERY_RETRY_SECONDS", 60)
    return min(dt.timedelta(seconds=base * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


def preferences_of(users: Iterable[User]) -> dict[int, NotificationPreference]:
    return {p.user_id: p for p in NotificationPreference.objects.filter(user__in=list(users))}


def chosen_channels(preference: NotificationPreference | None) -> list:
    """The outside channels the user chose that this installation offers."""
    if preference is None:
        return []
    return [c for c in offered() if getattr(preference, c.code, False)]


def enqueue(notices: list[Notification], *, now: dt.datetime) -> list[Delivery]:
    """Queue each notice on the outside channels its recipient chose (a digest user's wait for the digest)."""
    if not notices:
        return []
    preferences = preferences_of(n.user for n in notices)
    rows = []
    for notice in notices:
        preference = preferences.get(notice.user_id)
        if preference is None or preference.daily_digest:
            continue
        for channel in chosen_channels(preference):
            for target in channel.targets(notice.user):
                rows.append(
                    Delivery(
                        user=notice.user,
                        notification=notice,
                        channel=channel.code,
                        target=target,
                        payload=payload_for(notice),
                        created_at=now,
                        next_attempt_at=now,
                    )
                )
    return Delivery.objects.bulk_create(rows)


def digest_hour() -> int:
    return int(getattr(settings, "ANJU_DIGEST_HOUR", DEFAULT_DIGEST_HOUR))


def queue_digests(now: dt.datetime | None = None) -> int:
    """Queue today's digest for every user who chose one: the notices since their previous digest (or the
    last 24 hours), one per chosen channel. At most one digest per user, channel and day, however often it
    runs; a user with nothing new gets none. Returns the digests queued."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    queued = 0
    waiting = NotificationPreference.objects.filter(daily_digest=True).exclude(
        user__deliveries__digest_day=day  # done for today: the worker asks again every few seconds
    )
    for preference in waiting.select_related("user__unit", "user__area"):
        user = preference.user
        if not user.is_active:
            continue
        previous = (
            Delivery.objects.filter(user=user, digest_day__isnull=False, digest_day__lt=day)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        since = previous or now - dt.timedelta(days=1)
        notices = list(
            Notification.objects.filter(user=user, created_at__gt=since, created_at__lte=now).order_by(
                "created_at", "id"
            )
        )
        if not notices:
            continue
        payload = digest_payload(user, day, notices)
        for channel in chosen_channels(preference):
            for target in channel.targets(user):
                try:
                    with transaction.atomic():  # the constraint keeps one per user, channel and day
                        Delivery.objects.create(
                            user=user,
                            digest_day=day,
                            channel=channel.code,
                            target=target,
                            payload=payload,
                            created_at=now,
                            next_attempt_at=now,
                        )
                except IntegrityError:
                    continue
                queued += 1
    return queued


def claim(now: dt.datetime, *, limit: int = 20) -> list[Delivery]:
    """Take up to ``limit`` due deliveries for this worker (see the module's note)."""
    lease = max(LEASE, dt.timedelta(seconds=3 * getattr(settings, "ANJU_WEBHOOK_TIMEOUT", 10)))
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1, next_attempt_at=now + lease)
    return list(Delivery.objects.filter(pk__in=ids).select_related("user__unit", "user__area").order_by("pk"))


def attempt(delivery: Delivery, now: dt.datetime) -> str:
    """Send one claimed delivery and record the outcome: "sent", "retry" or "failed"."""
    channel = CHANNELS.get(delivery.channel)
    try:
        if channel is None or not channel.configured():
            raise DeliveryFailed(f"channel {delivery.channel!r} is not configured", retry=False)
        channel.send(delivery)
    except DeliveryFailed as exc:
        error = str(exc)[:1000]
        if exc.retry and delivery.attempts < getattr(settings, "ANJU_DELIVERY_MAX_ATTEMPTS", 6):
            Delivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=now + backoff(delivery.attempts), last_error=error
            )
            return "retry"
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, last_error=error)
        return "failed"
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=now, last_error="")
    return "sent"


def deliver_due(now: dt.datetime | None = None, *, limit: int = 500, batch: int = 20) -> Counter:
    """Send what is due now, batch by batch, up to ``limit``; counts of "sent", "retry", "failed"."""
    outcomes: Counter = Counter()
    while sum(outcomes.values()) < limit:
        when = now or timezone.now()
        claimed = claim(when, limit=min(batch, limit - sum(outcomes.values())))
        if not claimed:
            break
        for delivery in claimed:
            outcomes[attempt(delivery, now or timezone.now())] += 1
    return outcomes


def digest_due(now: dt.datetime) -> bool:
    return timezone.localtime(now).hour >= digest_hour()


def work_once(now: dt.datetime | None = None) -> Counter:
    """One pass of the worker: queue today's digests once their hour has come, then send what is due."""
    now = now or timezone.now()
    digests = queue_digests(now) if digest_due(now) else 0
    outcomes = deliver_due(now)
    outcomes["digests"] = digests
    return outcomes
