"""Webhook channels an administrator configures on the 管理 pages, beside ``ANJU_WEBHOOK_URLS``.

The URL (robot URLs carry access tokens) and the secret are encrypted at rest and shown masked."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.crypto import EncryptedTextField


class WebhookChannel(models.Model):
    scope_area_field = "area"

    name = models.CharField(_("名称"), max_length=100)
    url = EncryptedTextField(_("推送地址"))
    secret = EncryptedTextField(_("签名密钥"), blank=True)
    active = models.BooleanField(_("启用"), default=True)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="webhook_channels")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("推送渠道")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_url(self) -> str:
        """The scheme and host only: the path and query may hold a token."""
        scheme, _sep, rest = self.url.partition("://")
        host = rest.split("/", 1)[0].split("?", 1)[0]
        return f"{scheme}://{host}/***"
