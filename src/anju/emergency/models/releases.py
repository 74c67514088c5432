"""Public information release (信息发布) about an incident: drafted by staff, approved and published by a
leader; only a published release is shown on the public page and as CAP 1.2."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import User
from anju.emergency.models.incidents import Incident


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", _("待审核")
    PUBLISHED = "published", _("已发布")


class Release(Versioned):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="releases")
    title = models.CharField(_("标题（对外公开）"), max_length=200)
    body = models.TextField(_("发布内容（对外公开）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT
    )
    identifier = models.CharField(_("标识"), max_length=64, unique=True, null=True, blank=True)
    drafted_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    scope_area_field = "incident__area"

    class Meta:
        ordering = ["-published_at", "-drafted_at", "-pk"]
        verbose_name = _("信息发布")
        verbose_name_plural = _("信息发布")

    def __str__(self) -> str:
        return self.title
