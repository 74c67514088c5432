"""Intake: reports from every channel (群众诉求, 网格上报) and their attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.crypto import EncryptedTextField, mask_id_number, mask_name, mask_phone
from anju.core.models import Area, Domain


class Channel(models.TextChoices):
    VISIT = "visit", _("来访")
    CALL = "call", _("来电")
    LETTER = "letter", _("来信")
    ONLINE = "online", _("网上")
    GRID_PATROL = "grid", _("网格巡查")
    REFERRAL = "referral", _("部门移交")
    OTHER = "other", _("其他")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("已受理，待登记")
    REGISTERED = "registered", _("已登记为事项")
    LINKED = "linked", _("已并入已有事项")
    REJECTED = "rejected", _("不予受理")


class Report(Versioned, models.Model):
    receipt_code = models.CharField(_("回执码"), max_length=16, unique=True, editable=False)
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now, db_index=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("诉求内容"))  # personal data masked: core.crypto.protect_text
    text_original = EncryptedTextField(_("诉求内容（原文）"), blank=True, editable=False)
    area = models.ForeignKey(
        Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="reports"
    )
    location = models.CharField(_("具体地点"), max_length=200, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    suggested_domain = models.ForeignKey(
        Domain, verbose_name=_("建议领域"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymous = models.BooleanField(_("匿名"), default=False)
    reporter_name = EncryptedTextField(_("反映人姓名"), blank=True)
    reporter_phone = EncryptedTextField(_("联系电话"), blank=True)
    reporter_id_number = EncryptedTextField(_("身份证号"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.RECEIVED, db_index=True
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("对应事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    reject_reason = models.TextField(_("不予受理原因"), blank=True)
    triage = models.JSONField(_("智能分拣建议"), default=dict, blank=True)
    # Received through the API: triage's pass is left to ``anju worker`` (actions.triage_pending_reports).
    triage_pending = models.BooleanField(_("待智能分拣"), default=False, db_default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(default=False)
    # Set by a phone that queued the report offline: a draft sent twice is received once (see submit_report).
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, editable=False)

    personal_fields = ("reporter_name", "reporter_phone", "reporter_id_number")
    personal_text_fields = {"text": "text_original"}  # revealed like the reporter's fields
    scope_area_field = "area"

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="intake_report_once_per_key",
            )
        ]
        # the worker's queue of reports awaiting triage: small, so only its rows are indexed
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(triage_pending=True), name="intake_report_triage_queue"
            )
        ]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")

    def __str__(self) -> str:
        return self.title or self.text[:30]

    @property
    def masked_reporter_name(self) -> str:
        return _("匿名") if self.anonymous else mask_name(self.reporter_name)

    @property
    def masked_reporter_phone(self) -> str:
        return mask_phone(self.reporter_phone)

    @property
    def masked_reporter_id_number(self) -> str:
        return mask_id_number(self.reporter_id_number)


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "report__area"


class Rating(models.TextChoices):
    """The citizen's own rating of the handling (the first three of the staff 回访's satisfaction values)."""

    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class SatisfactionRating(models.Model):
    """The citizen rates the handling on the public status page, once per request, by its receipt code.
    Counted beside the staff 回访 records, never mixed into them."""

    report = models.OneToOneField(
        Report, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="satisfaction_rating"
    )
    # The matter as it was rated (a request whose matter is later merged keeps its rating where it was given).
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="citizen_ratings"
    )
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices)
    # Written by the citizen: shown to them on their status page, and to staff as the citizen's words.
    comment = models.TextField(_("群众留言（群众填写）"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now, db_index=True)

    scope_area_field = "matter__area"
    scope_matter_field = "matter"

    class Meta:
        ordering = ["-rated_at", "-pk"]
        verbose_name = _("群众评价")
        verbose_name_plural = _("群众评价")

    def __str__(self) -> str:
        return f"{self.report.receipt_code} {self.get_rating_display()}"


from anju.intake.models_legacy import LegacyImport, LegacyMapping  # noqa: E402,F401  (registered with the app)
