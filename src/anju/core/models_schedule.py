"""One row per run of a scheduled tick: the unique (name, slot) pair is what makes a run happen once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("已跳过")


class ScheduledRun(models.Model):
    """A scheduled tick's run for one due time (slot). Every host's worker tries to insert it; the database's
    unique constraint lets exactly one succeed, and a retry is claimed by a conditional update."""

    name = models.CharField(_("定时任务"), max_length=60)
    slot = models.DateTimeField(_("应运行时间"))
    status = models.CharField(_("状态"), max_length=10, choices=ScheduledRunStatus.choices)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=1)
    host = models.CharField(_("运行主机"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    output = models.TextField(_("输出"), blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering = ["-slot", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="scheduled_run_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"
