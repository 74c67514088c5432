"""Tasks of emergency work: a working group's task on activation, a drill finding's improvement (整改), an
aftermath rectification. One model so that a unit sees all it owes in one list."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, Unit, User
from anju.emergency.models.common import TaskStatus


class TaskSource(models.TextChoices):
    RESPONSE = "response", _("应急处置")
    DRILL = "drill", _("演练整改")
    AFTERMATH = "aftermath", _("善后整改")
    REVISION = "revision", _("预案修订")


class EmergencyTask(Versioned):
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=20, choices=TaskSource.choices)
    incident = models.ForeignKey(
        "emergency.Incident", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    drill_finding = models.OneToOneField(
        "emergency.DrillFinding", null=True, blank=True, on_delete=models.CASCADE, related_name="task"
    )
    # a revision task (预案修订): the plan a drill or an incident showed gaps in
    plan = models.ForeignKey(
        "emergency.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="revision_tasks"
    )
    group = models.CharField(_("工作组"), max_length=50, blank=True)
    title = models.CharField(_("任务"), max_length=300)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    done_note = models.TextField(_("办结情况"), blank=True)
    # 整改 is verified (验收) by someone other than who closed it; only aftermath tasks are verified
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    verified_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verify_note = models.TextField(_("验收意见"), blank=True)

    scope_area_field = "area"

    class Meta:
        ordering = ["status", "deadline", "pk"]
        verbose_name = _("应急任务")
        verbose_name_plural = _("应急任务")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status == TaskStatus.OPEN and self.deadline is not None and self.deadline < today
