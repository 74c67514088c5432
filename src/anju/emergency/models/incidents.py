"""Incidents (突发事件) and their response: level changes, reports (首报/续报/终报), the response log."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, Domain, EmergencyClass, User
from anju.emergency.models.common import Grade, ResponseLevel
from anju.emergency.models.plans import Plan


class ResponseStatus(models.TextChoices):
    NONE = "none", _("未启动响应")
    ACTIVE = "active", _("响应中")
    ENDED = "ended", _("响应已终止")


class Incident(Versioned):
    area = models.ForeignKey(Area, verbose_name=_("发生地"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("事件名称"), max_length=200)
    emergency_class = models.CharField(_("事件类别"), max_length=20, choices=EmergencyClass.choices)
    domain = models.ForeignKey(
        Domain, verbose_name=_("风险领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("事件分级"), max_length=20, choices=Grade.choices, default=Grade.GENERAL)
    occurred_at = models.DateTimeField(_("发生时间"))
    learned_at = models.DateTimeField(_("获知时间"))
    description = models.TextField(_("事件经过"))
    affected = models.PositiveIntegerField(_("涉及人数"), default=0)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    injuries = models.PositiveIntegerField(_("受伤人数"), default=0)
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("来源事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    alert = models.ForeignKey(
        "warning.Alert",
        verbose_name=_("来源预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("启动的预案"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_status = models.CharField(
        _("响应状态"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.NONE
    )
    response_level = models.PositiveSmallIntegerField(
        _("响应级别"), choices=ResponseLevel.choices, null=True, blank=True
    )
    activated_at = models.DateTimeField(_("启动响应时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("终止响应时间"), null=True, blank=True)
    cause = models.TextField(_("原因调查结论"), blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")

    def __str__(self) -> str:
        return self.title


class ChangeKind(models.TextChoices):
    ACTIVATE = "activate", _("启动响应")
    RAISE = "raise", _("提升响应级别")
    LOWER = "lower", _("降低响应级别")
    END = "end", _("终止响应")


class ResponseChange(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("变更"), max_length=10, choices=ChangeKind.choices)
    level_from = models.PositiveSmallIntegerField(choices=ResponseLevel.choices, null=True, blank=True)
    level_to = models.PositiveSmallIntegerField(choices=ResponseLevel.choices, null=True, blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)

    scope_area_field = "incident__area"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("响应变更")
        verbose_name_plural = _("响应变更")


class ReportKind(models.TextChoices):
    FIRST = "first", _("首报")
    FOLLOW_UP = "follow_up", _("续报")
    FINAL = "final", _("终报")


class IncidentReport(models.Model):
    """A report sent up (信息报送); whether it was on time is computed against the schedule (``reporting``)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("报告类型"), max_length=10, choices=ReportKind.choices)
    text = models.TextField(_("报告内容"))
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    scope_area_field = "incident__area"

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("事件报告")
        verbose_name_plural = _("事件报告")


class LogEntry(models.Model):
    """The response log (处置日志): what was done and when; the actions write it too."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("处置情况"))

    scope_area_field = "incident__area"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("处置日志")
        verbose_name_plural = _("处置日志")
