"""Analysis meetings (研判会) and the key-date calendar (节点) that switches daily analysis on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area


class KeyDate(models.Model):
    """A holiday or major event during which stability information is analysed daily. It holds in its area:
    a county's key date for the county and every town below it, a town's own for that town."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        Area, verbose_name=_("适用范围"), on_delete=models.PROTECT, related_name="key_dates"
    )
    start = models.DateField(_("开始"))
    end = models.DateField(_("结束"))
    daily_analysis = models.BooleanField(_("每日研判"), default=True)

    scope_area_field = "area"

    class Meta:
        ordering = ["start"]
        verbose_name = _("重要节点")


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("定期研判")
    DAILY = "daily", _("节点每日研判")
    TOPIC = "topic", _("专题研判")
    EMERGENCY = "emergency", _("紧急研判")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("待召开")
    HELD = "held", _("已召开")


class AnalysisMeeting(Versioned):
    kind = models.CharField(_("类型"), max_length=12, choices=MeetingKind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("研判范围"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("主题"), max_length=200)
    held_at = models.DateTimeField(_("召开时间"))
    key_date = models.ForeignKey(
        KeyDate, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    attendees = models.TextField(_("参会人员"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("研判会")

    def __str__(self) -> str:
        return self.title


class AgendaKind(models.TextChoices):
    SIGNAL = "signal", _("新预警信号")
    HIGH = "high", _("较高及以上风险在办事项")
    OVERDUE = "overdue", _("超期事项")
    ALERT = "alert", _("有效预警")
    OTHER = "other", _("其他")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(AnalysisMeeting, on_delete=models.CASCADE, related_name="agenda")
    kind = models.CharField(max_length=10, choices=AgendaKind.choices)
    summary = models.CharField(max_length=300)
    signal = models.ForeignKey(
        "warning.Signal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matter = models.ForeignKey(
        "matters.Matter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    alert = models.ForeignKey(
        "warning.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]


class DecisionKind(models.TextChoices):
    TASK = "task", _("交办任务")
    WARNING = "warning", _("发布预警")


class MeetingDecision(models.Model):
    """A decision of a meeting, tracked as a task or turned into a (draft) warning."""

    meeting = models.ForeignKey(AnalysisMeeting, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("类型"), max_length=10, choices=DecisionKind.choices)
    text = models.TextField(_("决定事项"))
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)
    alert = models.ForeignKey(
        "warning.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_area_field = "meeting__area"
    scope_unit_field = "unit"  # the responsible unit sees and completes its task, whatever the meeting's area

    class Meta:
        ordering = ["id"]

    @property
    def is_overdue(self) -> bool:
        return bool(self.deadline and not self.done_at and self.deadline < timezone.localdate())
