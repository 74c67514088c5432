"""A case's own work: its timeline, its tasks, and for a 涉众型经济案件 the figures, progress notes and
教育疏导 sessions. Every text here is internal (for staff); nothing is shown to citizens."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Unit, User


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("立案")
    UPDATED = "updated", _("修改专案信息")
    MATTER_ADDED = "matter_added", _("纳入事项")
    MATTER_REMOVED = "matter_removed", _("移出事项")
    LEAD = "lead", _("调整牵头单位/包案领导")
    CLOSED = "closed", _("结案")
    REOPENED = "reopened", _("重新办理")
    TASK_ADDED = "task_added", _("下达任务")
    TASK_DONE = "task_done", _("完成任务")
    FIGURES = "figures", _("登记涉案数据")
    PROGRESS = "progress", _("工作进展")
    SESSION = "session", _("教育疏导")
    MEETING = "meeting", _("专题研判")
    ALERT = "alert", _("起草预警")


class CaseEvent(models.Model):
    """One line of the case's timeline, written only by ``cases.actions`` at the action's time."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类别"), max_length=20, choices=CaseEventKind.choices)
    text = models.TextField(_("内容"), blank=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    scope_area_field = "case__area"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("专案记录")
        verbose_name_plural = _("专案记录")


class CaseTaskStatus(models.TextChoices):
    OPEN = "open", _("未完成")
    DONE = "done", _("已完成")


class CaseTask(Versioned):
    """A task of the case, given to a unit and/or a person; the owner unit's members complete it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=300)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_user = models.ForeignKey(
        User, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CaseTaskStatus.choices, default=CaseTaskStatus.OPEN
    )
    done_note = models.TextField(_("完成情况"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "case__area"
    scope_unit_field = "owner_unit"

    class Meta:
        ordering = ["status", "deadline", "pk"]
        verbose_name = _("专案任务")
        verbose_name_plural = _("专案任务")

    def __str__(self) -> str:
        return self.title

    def overdue_on(self, today: dt.date) -> bool:
        return self.status == CaseTaskStatus.OPEN and self.deadline is not None and self.deadline < today

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


class FraudFigures(models.Model):
    """The victim group of a 涉众型经济案件 as numbers on one date: counts and amounts, never identities.
    Each entry is the state on its date (cumulative), so the newest entry is the current state."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="fraud_figures")
    on = models.DateField(_("统计日期"))
    people = models.PositiveIntegerField(_("涉案人数"))
    amount_involved = models.DecimalField(_("涉案金额（元）"), max_digits=16, decimal_places=2)
    amount_recovered = models.DecimalField(_("已追缴金额（元）"), max_digits=16, decimal_places=2)
    amount_returned = models.DecimalField(_("已返还金额（元）"), max_digits=16, decimal_places=2)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "case__area"

    class Meta:
        ordering = ["on", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "on"], name="fraud_figures_once_a_day")]
        verbose_name = _("涉案数据")
        verbose_name_plural = _("涉案数据")


class ProgressTrack(models.TextChoices):
    CONTROL = "control", _("控赃控人")
    RESTITUTION = "restitution", _("资产返还")


class FraudProgress(models.Model):
    """A progress note of a 涉众型经济案件 on one of its two tracks."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="fraud_progress")
    track = models.CharField(_("工作类别"), max_length=12, choices=ProgressTrack.choices)
    on = models.DateField(_("日期"))
    text = models.TextField(_("进展情况"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "case__area"

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("工作进展")
        verbose_name_plural = _("工作进展")


class EducationSession(models.Model):
    """An 教育疏导 session with the victim group: where, when, how many came, what was said."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="education_sessions")
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    attendance = models.PositiveIntegerField(_("参加人数"))
    content = models.TextField(_("疏导内容"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "case__area"

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("教育疏导")
        verbose_name_plural = _("教育疏导")
