"""Uploaded versions of the risk matrix (风险矩阵): a version is never edited; a new upload becomes current.

``matters.risk.current_matrix`` reads the newest active one (else the packaged file); ``matrix_for`` finds the
version a matter was graded with, so old matters keep their levels.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RiskMatrixVersion(models.Model):
    """One uploaded risk matrix document, keyed by its own ``id@version``."""

    key = models.CharField(_("矩阵版本"), max_length=50, unique=True)
    document = models.JSONField(_("矩阵定义"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("风险矩阵版本")

    def __str__(self) -> str:
        return self.key
