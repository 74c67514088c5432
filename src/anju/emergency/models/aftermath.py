"""The aftermath (善后) of an incident once its response has ended: the cause investigation (原因调查), the
problems found and how they were handled (问题查处: units and duties, never persons), links drawn across the
area (举一反三: similar matters in the ledger, plans to revise) and compensation and recovery (善后恢复).
Rectification tasks (整改) are ``EmergencyTask`` rows of source 善后整改."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.crypto import EncryptedTextField
from anju.core.models import Unit, User


class Investigation(Versioned):
    """原因调查: one per incident; the category comes from ``rules.cause_categories``."""

    incident = models.OneToOneField(
        "emergency.Incident", on_delete=models.CASCADE, related_name="investigation"
    )
    cause_category = models.CharField(_("原因类别"), max_length=50)
    findings = models.TextField(_("调查结论"))  # internal; personal data masked: core.crypto.protect_text
    findings_original = EncryptedTextField(blank=True, editable=False)
    concluded_at = models.DateField(_("调查完成日期"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "incident__area"

    class Meta:
        verbose_name = _("原因调查")
        verbose_name_plural = _("原因调查")


class ProblemFinding(models.Model):
    """问题查处: what a unit failed in, under which duty, and what was decided. No person is named."""

    incident = models.ForeignKey("emergency.Incident", on_delete=models.CASCADE, related_name="problems")
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    duty = models.CharField(_("涉及职责"), max_length=200)
    finding = models.TextField(_("查明的问题"))  # personal data masked like the findings
    finding_original = EncryptedTextField(blank=True, editable=False)
    decision = models.TextField(_("处理决定"))  # masked like the finding
    decision_original = EncryptedTextField(blank=True, editable=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "incident__area"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("问题查处")
        verbose_name_plural = _("问题查处")


class RelatedMatter(models.Model):
    """举一反三: a matter of the ledger found similar to the incident and linked to it."""

    incident = models.ForeignKey(
        "emergency.Incident", on_delete=models.CASCADE, related_name="related_matters"
    )
    matter = models.ForeignKey("matters.Matter", on_delete=models.PROTECT, related_name="related_incidents")
    note = models.CharField(_("关联说明"), max_length=300, blank=True)
    linked_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "incident__area"

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "matter"], name="emergency_related_matter_once")
        ]
        verbose_name = _("举一反三关联事项")
        verbose_name_plural = _("举一反三关联事项")


class PlanRevisionLink(models.Model):
    """举一反三: a plan marked for revision because of the incident, with the draft that revision opened."""

    incident = models.ForeignKey(
        "emergency.Incident", on_delete=models.CASCADE, related_name="plan_revisions"
    )
    plan = models.ForeignKey("emergency.Plan", on_delete=models.PROTECT, related_name="incident_revisions")
    version = models.ForeignKey(
        "emergency.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("修订理由"), max_length=300)
    linked_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "incident__area"

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "plan"], name="emergency_plan_revision_once")
        ]
        verbose_name = _("举一反三预案修订")
        verbose_name_plural = _("举一反三预案修订")


class RecoveryKind(models.TextChoices):
    COMPENSATION = "compensation", _("补偿")
    RELIEF = "relief", _("救助")
    RECONSTRUCTION = "reconstruction", _("恢复重建")
    OTHER = "other", _("其他")


class Recovery(models.Model):
    """善后恢复: what was given or restored, to whom as a category and a count (never named persons)."""

    incident = models.ForeignKey("emergency.Incident", on_delete=models.CASCADE, related_name="recoveries")
    kind = models.CharField(_("类型"), max_length=20, choices=RecoveryKind.choices)
    item = models.CharField(_("内容"), max_length=300)  # personal data masked at input
    recipients = models.CharField(_("对象类别"), max_length=100)  # e.g. 受影响农户, never a name
    recipient_count = models.PositiveIntegerField(_("对象数量"), default=0)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, default=0)
    date = models.DateField(_("日期"))
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "incident__area"

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="emergency_recovery_amount")
        ]
        verbose_name = _("善后恢复")
        verbose_name_plural = _("善后恢复")
