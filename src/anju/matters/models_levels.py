"""Level rules (等级处置规则) and the progress reports they make due.

A county's rules for one matrix version are a ``LevelRuleSet`` numbered 1, 2, …: a set is never edited once
written; a change is a new set (``matters.actions.rules.save_level_rules``). Without any set, the packaged
defaults of ``matters/data/level_rules_v1.json`` apply (``matters.level_rules``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area, AreaLevel
from anju.matters.risk import LEVEL_CHOICES


class LevelRuleSet(models.Model):
    """One version of a county's level rules for one version of the risk matrix."""

    area = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    matrix_key = models.CharField(_("矩阵版本"), max_length=50)
    number = models.PositiveIntegerField(_("规则版本"))
    note = models.TextField(_("修改说明"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_area_field = "area"

    class Meta:
        ordering = ["-number"]
        verbose_name = _("等级处置规则")
        constraints = [
            models.UniqueConstraint(fields=["area", "matrix_key", "number"], name="level_rule_set_number"),
        ]

    def __str__(self) -> str:
        return f"{self.matrix_key} v{self.number}"


class LevelRule(models.Model):
    """What one risk level demands of a matter's handling."""

    rule_set = models.ForeignKey(LevelRuleSet, on_delete=models.CASCADE, related_name="rules")
    level = models.CharField(_("风险等级"), max_length=10, choices=LEVEL_CHOICES)
    deadline_days = models.PositiveSmallIntegerField(_("默认办理期限（天）"))
    min_handling_level = models.PositiveSmallIntegerField(_("最低办理层级"), choices=AreaLevel.choices)
    lead_leader_required = models.BooleanField(_("须明确包案领导"))
    report_every_days = models.PositiveSmallIntegerField(_("进展报告周期（天，0 为不要求）"))
    supervise_after_days_overdue = models.PositiveSmallIntegerField(_("超期几天自动督办（0 为不自动）"))
    escalate_after_days = models.PositiveSmallIntegerField(_("督办几天未回应报上级领导（0 为不报）"))
    propose_emergency_plan = models.BooleanField(_("建议启动应急预案"))

    class Meta:
        verbose_name = _("等级处置规则")
        constraints = [models.UniqueConstraint(fields=["rule_set", "level"], name="level_rule_per_level")]


class ProgressReport(models.Model):
    """进展报告: one report due on ``due_on`` for a matter whose level asks for periodic reports."""

    matter = models.ForeignKey("matters.Matter", on_delete=models.CASCADE, related_name="progress_reports")
    due_on = models.DateField(_("应报日期"))
    filed_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("进展情况"), blank=True)  # internal; personal data masked at input

    scope_area_field = "matter__area"
    scope_matter_field = "matter"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("进展报告")
        constraints = [models.UniqueConstraint(fields=["matter", "due_on"], name="progress_report_due_once")]

    @property
    def scope_area(self):
        return self.matter.area
