"""Imports of legacy 台账 (an old ledger kept as a spreadsheet): the uploaded file, its column mapping, the dry
run's results, and the commit; and named mappings saved for the next sheet of the same layout.

The uploaded file holds names and phone numbers of parties, so its content is stored encrypted like other
personal data (``core.crypto.EncryptedTextField``, base64 of the file's bytes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.crypto import EncryptedTextField
from anju.core.models import Area


class LegacyImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传，待检查")
    CHECKED = "checked", _("已试导入")
    COMMITTED = "committed", _("已导入")


class LegacyImport(Versioned):
    area = models.ForeignKey(Area, verbose_name=_("导入区域"), on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=200)
    file_kind = models.CharField(max_length=10)  # xlsx or csv
    content = EncryptedTextField()  # base64 of the uploaded bytes, encrypted at rest
    headers = models.JSONField(default=list)
    mapping = models.JSONField(_("列对应关系"), default=dict)  # field → column index
    status = models.CharField(
        _("状态"), max_length=20, choices=LegacyImportStatus.choices, default=LegacyImportStatus.UPLOADED
    )
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    valid_count = models.PositiveIntegerField(_("可导入行数"), default=0)
    error_count = models.PositiveIntegerField(_("有误行数"), default=0)
    # the dry run's findings: [{"line", "column", "message"}] and [{"line", "title", "number", "score"}]
    errors = models.JSONField(default=list)
    duplicates = models.JSONField(default=list)
    checked_at = models.DateTimeField(null=True, blank=True)
    matter_count = models.PositiveIntegerField(_("导入事项数"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    scope_area_field = "area"

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("历史台账导入")
        verbose_name_plural = _("历史台账导入")

    def __str__(self) -> str:
        return self.file_name


class LegacyMapping(models.Model):
    """A saved column mapping: header names per field, so it fits a sheet whose columns moved."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    columns = models.JSONField(default=dict)  # field → header name
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="legacy_mapping_unique_name")]

    def __str__(self) -> str:
        return self.name
