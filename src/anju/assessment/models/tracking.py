"""The collective decision, and tracking after an implement decision: tasks from measures, linked matters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DecisionOutcome(models.TextChoices):
    IMPLEMENT = "implement", _("实施")
    POSTPONE = "postpone", _("暂缓实施")
    ADJUST = "adjust", _("调整后实施")
    REJECT = "reject", _("不实施")


IMPLEMENTING = frozenset({DecisionOutcome.IMPLEMENT, DecisionOutcome.ADJUST})


class Decision(models.Model):
    assessment = models.OneToOneField(
        "assessment.Assessment", on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("决策结果"), max_length=20, choices=DecisionOutcome.choices)
    decided_on = models.DateField(_("决策日期"))
    meeting = models.CharField(_("决策会议"), max_length=200)
    summary = models.TextField(_("会议纪要要点"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "assessment__item__area"

    class Meta:
        verbose_name = _("集体决策")

    @property
    def implements(self) -> bool:
        return self.outcome in IMPLEMENTING


class TrackingTask(models.Model):
    """A mitigation measure turned into a tracked task after an implement decision."""

    assessment = models.ForeignKey("assessment.Assessment", on_delete=models.PROTECT, related_name="tasks")
    measure = models.OneToOneField("assessment.Measure", on_delete=models.PROTECT, related_name="task")
    title = models.TextField(_("任务"))
    owner_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("落实情况"), blank=True)

    scope_area_field = "assessment__item__area"
    scope_unit_field = "owner_unit"  # the responsible unit sees and completes its task, whatever the area

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("跟踪任务")

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.done_on is None and self.deadline < today

    def status_label(self, today=None) -> str:
        if self.is_done:
            return _("已完成")
        return _("已超期") if self.is_overdue(today) else _("进行中")


class MatterLink(models.Model):
    """A matter registered after the decision in the item's areas and domains: what actually happened."""

    assessment = models.ForeignKey(
        "assessment.Assessment", on_delete=models.CASCADE, related_name="matter_links"
    )
    matter = models.ForeignKey("matters.Matter", on_delete=models.CASCADE, related_name="assessment_links")
    linked_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "assessment__item__area"

    class Meta:
        ordering = ["-linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "matter"], name="assessment_matter_once")
        ]
