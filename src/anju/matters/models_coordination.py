"""Responsibility beyond the responsible unit: co-handling tasks (协办), coordination requests (协调请求) and
accountability records (问责). Imported by ``matters.models``; changed only by ``matters.actions.coordination``.

Each model names the unit it is addressed to in ``scope_unit_field`` (the task's co-handling unit, the
request's addressed unit): objects addressed to a unit are that unit's to see, whatever its area
(``core.scoping``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.crypto import EncryptedTextField
from anju.core.models import Unit


class TaskState(models.TextChoices):
    OPEN = "open", _("协办中")
    DONE = "done", _("已完成")
    WITHDRAWN = "withdrawn", _("已撤回")


# The states in which a co-handling unit sees the matter; only an open task lets it act (core.scoping).
VISIBLE_TASK_STATES = (TaskState.OPEN, TaskState.DONE)


class CoHandlingTask(Versioned, models.Model):
    """One co-handling unit's task on a matter: what it is to do, by when, and how it ended."""

    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("事项"), on_delete=models.CASCADE, related_name="cohandling_tasks"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("协办单位"), on_delete=models.PROTECT, related_name="cohandling_tasks"
    )
    task = models.TextField(_("协办事项"))
    deadline = models.DateField(_("协办期限"))
    state = models.CharField(
        _("状态"), max_length=20, choices=TaskState.choices, default=TaskState.OPEN, db_index=True
    )
    completion_note = models.TextField(_("完成情况"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    scope_area_field = "matter__area"
    scope_matter_field = "matter"
    scope_unit_field = "unit"

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("协办任务")
        verbose_name_plural = _("协办任务")
        constraints = [
            # one open task per unit and matter: a second request for the same unit is its task's to carry
            models.UniqueConstraint(
                fields=["matter", "unit"], condition=Q(state="open"), name="cohandling_one_open_task_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.task[:30]}"

    @property
    def is_overdue(self) -> bool:
        return self.state == TaskState.OPEN and self.deadline < timezone.localdate()


class RequestState(models.TextChoices):
    PENDING = "pending", _("待答复")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已拒绝")


class CoordinationRequest(Versioned, models.Model):
    """A centre asks another unit (a county department, another town's centre) to act on a matter."""

    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="coordination_requests",
    )
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("请求单位"), on_delete=models.PROTECT, related_name="coordination_requests_sent"
    )
    to_unit = models.ForeignKey(
        Unit,
        verbose_name=_("被请求单位"),
        on_delete=models.PROTECT,
        related_name="coordination_requests_received",
    )
    asked = models.TextField(_("请求协调事项"))
    due = models.DateField(_("请求办结期限"))
    state = models.CharField(
        _("状态"), max_length=20, choices=RequestState.choices, default=RequestState.PENDING, db_index=True
    )
    reply = models.TextField(_("答复意见"), blank=True)
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task = models.OneToOneField(
        CoHandlingTask,
        verbose_name=_("协办任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)

    scope_area_field = "matter__area"
    scope_matter_field = "matter"
    scope_unit_field = "to_unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("协调请求")
        verbose_name_plural = _("协调请求")

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit} · {self.asked[:30]}"


class DutyFailure(models.TextChoices):
    LATE_REPORT = "late_report", _("迟报")
    MISSED_REPORT = "missed_report", _("漏报")
    OVERDUE = "overdue", _("超期")
    POOR_HANDLING = "poor_handling", _("处置不力")


class AccountableRole(models.TextChoices):
    """The post held accountable, never a person: 问责 records name units and roles only."""

    HEAD = "head", _("单位主要负责人")
    DEPUTY = "deputy", _("分管负责人")
    HANDLER = "handler", _("承办人员")
    CADRE = "cadre", _("村（社区）干部")
    GRID_WORKER = "grid_worker", _("网格员")
    OTHER = "other", _("其他岗位")


class AccountabilityRecord(models.Model):
    """问责: a failure of duty, the unit and the role held accountable, and the decision.

    Most records are entered on a matter. Others are registered by the job that found the failure (an
    incident's report late or missing: ``emergency``): they name no matter but the place (``area``) and
    what showed it (``source``, once per source, with a label and the page), and wait for the decision
    (``decision`` empty, ``decided_on`` None: 待认定)."""

    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_records",
    )
    area = models.ForeignKey(
        "core.Area", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("被问责单位"), on_delete=models.PROTECT, related_name="accountability_records"
    )
    role = models.CharField(_("问责岗位"), max_length=20, choices=AccountableRole.choices)
    failure = models.CharField(_("失职情形"), max_length=20, choices=DutyFailure.choices)
    finding = models.TextField(_("认定事实"))  # personal data masked: core.crypto.protect_text
    finding_original = EncryptedTextField(_("认定事实（原文）"), blank=True, editable=False)
    decision = models.TextField(_("处理决定"), blank=True)  # masked like the finding; empty: 待认定
    decision_original = EncryptedTextField(_("处理决定（原文）"), blank=True, editable=False)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    # what else showed the failure, when it was not entered on a matter: a key (one record per key),
    # a label and the page where it is seen
    source = models.CharField(_("来源"), max_length=100, blank=True)
    source_label = models.CharField(_("来源说明"), max_length=300, blank=True)
    source_link = models.CharField(_("来源页面"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"
    scope_matter_field = "matter"
    personal_text_fields = {"finding": "finding_original", "decision": "decision_original"}

    class Meta:
        ordering = [models.F("decided_on").desc(nulls_first=True), "-recorded_at", "-id"]
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="accountability_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_failure_display()}"

    @property
    def pending(self) -> bool:
        return self.decided_on is None
