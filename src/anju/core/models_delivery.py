"""Delivery of notices beyond the app: each user's channel choices, and one row per message to send out.

A notice is always stored in-app (``Notification``); for the other channels a recipient chose, ``notify``
adds a ``Delivery`` that the background worker (``anju worker``, ``core/delivery.py``) sends with retries.
A user who chose the daily digest gets one ``Delivery`` per channel and day instead (``digest_day``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    """What one user chose: the in-app centre is always on; e-mail and the county's webhook are optional,
    and so is one daily summary instead of one message per notice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("电子邮件"), default=False)
    webhook = models.BooleanField(_("短信/政务微信/钉钉推送"), default=False)
    daily_digest = models.BooleanField(_("每日汇总"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return str(self.user)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """One message to send on one channel: a notice, or a user's daily digest. The log of what left anju."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    notification = models.ForeignKey(
        "core.Notification",
        verbose_name=_("通知"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    digest_day = models.DateField(_("汇总日期"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=20)
    # where it goes: a digest of the webhook's URL (URLs may hold access tokens), matched against the
    # configured URLs before each attempt; e-mail reads the user's address when it is sent
    target = models.CharField(_("地址"), max_length=64, blank=True)
    payload = models.JSONField(_("内容"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    scope_area_field = "user__area"  # administrators read the log of their area's users

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知投递")
        verbose_name_plural = _("通知投递")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_delivery_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "target", "digest_day"],
                condition=Q(digest_day__isnull=False),
                name="core_delivery_one_digest_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.user}"
