"""Long work started from a page: one ``Job`` row per run, with its progress, outcome and result.

The row is the queue too: ``core/jobs.py`` holds the ``django.tasks`` backend that writes it and the
worker pass (``anju worker``) that claims and runs it. A job is its starter's to see (and an
administrator's); its result file lies under the data folder and is deleted after a few days.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class JobKind(models.TextChoices):
    SIGNAL_SCAN = "signal_scan", _("预警信号扫描")
    LEDGER_EXPORT = "ledger_export", _("导出台账")
    TRIAGE_RETRAIN = "triage_retrain", _("重新训练分流模型")
    MONTHLY_REPORTS = "monthly_reports", _("批量生成月报")
    TRANSMISSION_FIT = "transmission_fit", _("风险传导模型计算")


class Job(models.Model):
    kind = models.CharField(_("任务"), max_length=60, choices=JobKind.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("发起人")
    )
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)  # 0–100
    message = models.CharField(_("进度说明"), max_length=200, blank=True)
    # What to run: the django.tasks task's module path and its JSON arguments (set by the backend).
    task_path = models.CharField(max_length=200, blank=True)
    arguments = models.JSONField(default=dict, blank=True)
    result_url = models.CharField(_("结果链接"), max_length=300, blank=True)
    result_file = models.CharField(max_length=300, blank=True)  # relative to the jobs folder
    result_name = models.CharField(max_length=200, blank=True)  # the download's file name
    error = models.TextField(_("错误"), blank=True)  # in Chinese, for the starter
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=64, blank=True)  # which worker claimed it

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
