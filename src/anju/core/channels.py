"""Delivery channels behind one interface: in-app (always), e-mail and the county's webhook.

Each channel says whether the installation configured it (``configured``), where a user's message goes
(``targets``: none means the user gets nothing on it) and how one message is sent (``send``, run only by the
background worker, ``core/delivery.py``). A channel that is not configured is never offered and never
called: nothing leaves anju unless an operator named a mail server or a webhook.

What leaves anju is the payload built here (``payload_for``): the notice's kind, title, body and link,
and the recipient's account, role, unit and area — no phone numbers, no names of the people a matter is
about (phone and ID numbers typed into a title or body are masked again on the way out).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.crypto import protect_text

IN_APP, EMAIL, WEBHOOK = "in_app", "email", "webhook"
SIGNATURE_HEADER = "X-Anju-Signature"
TIMESTAMP_HEADER = "X-Anju-Timestamp"
DELIVERY_HEADER = "X-Anju-Delivery"


class DeliveryFailed(Exception):
    """A send that did not succeed; ``retry`` says whether trying again later may help."""

    def __init__(self, message: str, *, retry: bool = True):
        super().__init__(message)
        self.retry = retry


class Channel:
    code = ""
    label = ""

    def configured(self) -> bool:
        return False

    def targets(self, user) -> list[str]:
        """Where this user's messages go on this channel ("" = the user's own address, read when sent)."""
        return []

    def send(self, delivery) -> None:
        raise NotImplementedError


class InApp(Channel):
    """The notification centre: the ``Notification`` row is the delivery; nothing to send."""

    code = IN_APP
    label = gettext_lazy("站内通知")

    def configured(self) -> bool:
        return True


class Email(Channel):
    """Django's mail settings (``EMAIL_*``, from ``ANJU_EMAIL_*``); only users with an address get mail."""

    code = EMAIL
    label = gettext_lazy("电子邮件")

    def configured(self) -> bool:
        return bool(getattr(settings, "ANJU_EMAIL_ENABLED", False))

    def targets(self, user) -> list[str]:
        return [""] if user.email else []

    def send(self, delivery) -> None:
        address = delivery.user.email
        if not address:
            raise DeliveryFailed(_("接收人没有电子邮件地址。"), retry=False)
        payload = delivery.payload
        text = payload.get("body", "")
        if payload.get("link"):
            text = f"{text}\n\n{payload['link']}"
        try:
            send_mail(payload.get("title", ""), text, None, [address], fail_silently=False)
        except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would post to an address nobody configured: treat it as a failure instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Webhook(Channel):
    """POST the JSON payload to each URL in ``ANJU_WEBHOOK_URLS`` (an SMS gateway, a 政务微信/钉钉 robot),
    signed with ``ANJU_WEBHOOK_SECRET`` when one is set."""

    code = WEBHOOK
    label = gettext_lazy("短信/政务微信/钉钉推送")

    def endpoints(self) -> list[tuple[str, str]]:
        """(url, secret) pairs: the settings' URLs with the settings' secret, then the active channels an
        administrator configured on the 管理 pages (each with its own secret, else the settings' one)."""
        from anju.core.models_channels import WebhookChannel  # models import this module's constants

        default_secret = getattr(settings, "ANJU_WEBHOOK_SECRET", "")
        pairs = [(url, default_secret) for url in getattr(settings, "ANJU_WEBHOOK_URLS", [])]
        for channel in WebhookChannel.objects.filter(active=True).order_by("pk"):
            pairs.append((channel.url, channel.secret or default_secret))
        return pairs

    def urls(self) -> list[str]:
        return list(dict.fromkeys(url for url, _secret in self.endpoints()))

    def configured(self) -> bool:
        return bool(self.urls())

    def targets(self, user) -> list[str]:
        return [fingerprint(url) for url in self.urls()]

    def url_for(self, target: str) -> str | None:
        found = self.endpoint_for(target)
        return found[0] if found else None

    def endpoint_for(self, target: str) -> tuple[str, str] | None:
        return next((pair for pair in self.endpoints() if fingerprint(pair[0]) == target), None)

    def send(self, delivery) -> None:
        found = self.endpoint_for(delivery.target)
        if found is None:
            raise DeliveryFailed(_("该推送地址已不在配置中。"), retry=False)
        url, secret = found
        body = json.dumps(
            {**delivery.payload, "delivery": delivery.pk}, ensure_ascii=False, sort_keys=True
        ).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", DELIVERY_HEADER: str(delivery.pk)}
        headers.update(signature_headers(body, secret))
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        opener = urllib.request.build_opener(_NoRedirect)
        timeout = getattr(settings, "ANJU_WEBHOOK_TIMEOUT", 10)
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read(1024)
        except urllib.error.HTTPError as exc:
            # the receiver refused this message (4xx): sending it again will not help, except when busy
            retry = exc.code >= 500 or exc.code in (408, 429)
            raise DeliveryFailed(f"HTTP {exc.code}", retry=retry) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None


def fingerprint(url: str) -> str:
    """What a delivery stores for its webhook: robot URLs carry access tokens in their query string, so the
    database and its log keep only a digest, matched against the configured URLs when it is sent."""
    return "sha256:" + hashlib.sha256(url.encode()).hexdigest()[:16]


def signature_headers(body: bytes, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    """``X-Anju-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body>`` and the timestamp, so a
    receiver can check the sender and refuse old replays. No secret, no signature."""
    if not secret:
        return {}
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: f"sha256={digest}"}


CHANNELS: dict[str, Channel] = {c.code: c for c in (InApp(), Email(), Webhook())}
OUTSIDE = (EMAIL, WEBHOOK)  # the channels a user chooses; in-app is always on


def offered() -> list[Channel]:
    """The outside channels this installation configured (the ones a user may choose)."""
    return [CHANNELS[code] for code in OUTSIDE if CHANNELS[code].configured()]


def _outgoing(text: str) -> str:
    return protect_text(text or "")[0]


def absolute(link: str) -> str:
    base = getattr(settings, "ANJU_PUBLIC_URL", "")
    return f"{base}{link}" if link.startswith("/") and base else link


def recipient_of(user) -> dict:
    """Who the message is for, as little as a gateway needs to route it: no name, no phone number."""
    return {
        "username": user.username,
        "role": user.role,
        "unit": user.unit.name if user.unit_id else "",
        "area_code": user.area.code if user.area_id else "",
        "area": user.area.name if user.area_id else "",
    }


def payload_for(notice) -> dict:
    """The JSON sent for one notice (documented in docs/notifications.md)."""
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "title": _outgoing(notice.title),
        "body": _outgoing(notice.body),
        "link": absolute(notice.link),
        "created_at": notice.created_at.isoformat(),
        "recipient": recipient_of(notice.user),
    }


def digest_payload(user, day, notices) -> dict:
    """The JSON of one daily digest: a count, one line per notice, and the items themselves."""
    items = [
        {
            "id": n.pk,
            "kind": n.kind,
            "title": _outgoing(n.title),
            "link": absolute(n.link),
            "created_at": n.created_at.isoformat(),
        }
        for n in notices
    ]
    lines = [f"{i}. {item['title']}" for i, item in enumerate(items, 1)]
    return {
        "id": f"digest-{user.pk}-{day.isoformat()}",
        "kind": "digest",
        "title": _("安居每日通知汇总（%(day)s）：%(n)s 条") % {"day": day.isoformat(), "n": len(items)},
        "body": "\n".join(lines),
        "link": absolute(reverse("core:notifications")),
        "created_at": items[-1]["created_at"] if items else "",
        "recipient": recipient_of(user),
        "items": items,
    }
