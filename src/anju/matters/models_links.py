"""Typed links between matters (关联/引发/同源/复发), each with its reason. Imported by ``matters.models``;
changed only by ``matters.actions``. A link is directed: ``source`` → ``target`` (for 引发, the source led to
the target; for 复发, the target recurs the archived source); 关联 and 同源 read the same both ways."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LinkKind(models.TextChoices):
    RELATED = "related", _("关联")
    LED_TO = "led_to", _("引发")
    SAME_SOURCE = "same_source", _("同源")
    RECURRENCE = "recurrence", _("复发")


class MatterLink(models.Model):
    source = models.ForeignKey(
        "matters.Matter", verbose_name=_("事项"), on_delete=models.CASCADE, related_name="links_out"
    )
    target = models.ForeignKey(
        "matters.Matter", verbose_name=_("关联事项"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("关联类型"), max_length=20, choices=LinkKind.choices)
    reason = models.CharField(_("关联理由"), max_length=300)  # internal
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "source__area"
    scope_matter_field = "source"

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="matter_link_once"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="matter_link_not_self"),
        ]
        verbose_name = _("事项关联")
        verbose_name_plural = _("事项关联")

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.get_kind_display()})"
