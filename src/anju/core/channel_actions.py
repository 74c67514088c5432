"""The actions on webhook channels (管理 → 推送渠道): create or edit, switch on or off.

Each checks ``admin.manage`` on the channel's area. The audit says that the URL or secret changed, never
what they are: robot URLs carry access tokens."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.models import Area
from anju.core.models_channels import WebhookChannel
from anju.core.permissions import require


def check_webhook_url(url: str) -> None:
    """https:// anywhere; plain http:// only to a private or local address (a gateway inside the network)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname:
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            address = None
        if parts.hostname == "localhost" or (
            address is not None and (address.is_private or address.is_loopback)
        ):
            return
        raise ValidationError({"url": _("http:// 只能用于内网地址，其他地址请使用 https://。")})
    raise ValidationError({"url": _("推送地址须以 https:// 开头。")})


def _public(channel: WebhookChannel) -> dict:
    return {"name": channel.name, "active": channel.active, "area": channel.area_id}


@transaction.atomic
def save_webhook_channel(
    actor,
    channel: WebhookChannel | None = None,
    *,
    name: str,
    url: str = "",
    secret: str = "",
    area: Area,
    active: bool = True,
    now=None,
) -> WebhookChannel:
    """Create (``channel`` None) or edit a channel. On an edit an empty URL or secret keeps the stored one."""
    now = now or timezone.now()
    require(actor, "admin.manage", area)
    name, url, secret = name.strip(), url.strip(), secret.strip()
    if not name:
        raise ValidationError({"name": _("请填写名称。")})
    if channel is None:
        if not url:
            raise ValidationError({"url": _("请填写推送地址。")})
        check_webhook_url(url)
        channel = WebhookChannel.objects.create(
            name=name, url=url, secret=secret, area=area, active=active, created_at=now
        )
        audit.record(
            actor,
            "webhook_channel.create",
            channel,
            after=_public(channel) | {"secret_set": bool(secret)},
            at=now,
        )
        return channel
    channel = WebhookChannel.objects.select_for_update().get(pk=channel.pk)
    require(actor, "admin.manage", channel.area)
    before = _public(channel)
    if url:
        check_webhook_url(url)
    url_changed = bool(url) and url != channel.url
    secret_changed = bool(secret) and secret != channel.secret
    channel.name, channel.area, channel.active = name, area, active
    if url_changed:
        channel.url = url
    if secret_changed:
        channel.secret = secret
    channel.save()
    after = _public(channel) | {"url_changed": url_changed, "secret_changed": secret_changed}
    audit.record(actor, "webhook_channel.update", channel, before=before, after=after, at=now)
    return channel


@transaction.atomic
def set_webhook_channel_active(actor, channel: WebhookChannel, active: bool, *, now=None) -> WebhookChannel:
    now = now or timezone.now()
    require(actor, "admin.manage", channel.area)
    channel = WebhookChannel.objects.select_for_update().get(pk=channel.pk)
    before = _public(channel)
    channel.active = active
    channel.save(update_fields=["active"])
    audit.record(actor, "webhook_channel.active", channel, before=before, after=_public(channel), at=now)
    return channel
