"""Trained triage models of this deployment and the corrections staff made to suggestions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned

DEFAULT_TARGET_PRECISION = Decimal("0.970")


class ClassifierModel(models.Model):
    """One training run. The model itself is a file in the data folder (trusted path only)."""

    trained_at = models.DateTimeField(default=timezone.now)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20)  # "trained" or "lexicon"
    path = models.CharField(max_length=500)
    n_labelled = models.PositiveIntegerField(default=0)
    labels = models.JSONField(default=list)
    size_bytes = models.PositiveIntegerField(default=0)
    # the file's SHA-256 when it was written: a file changed since is never unpickled
    sha256 = models.CharField(max_length=64, blank=True)
    active = models.BooleanField(default=True)
    # Selective triage (docs/triage.md "Reading the confidence"): the out-of-fold check made at training
    # ({"confidence": [...], "correct": [...]}, one entry per labelled matter, no text), the target it was
    # routed for, the threshold found (None: everything to review) and its figures (coverage, precision,
    # their 95 % intervals, ECE).
    oof_check = models.JSONField(default=dict, blank=True)
    target_precision = models.DecimalField(max_digits=4, decimal_places=3, default=DEFAULT_TARGET_PRECISION)
    route_threshold = models.FloatField(null=True, blank=True)
    routing = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-trained_at", "-id"]


class RoutingSetting(Versioned, models.Model):
    """The county's target precision for suggestions taken without a second look (可直接采用): one row,
    changed by administrators on the model page (``actions.set_target_precision``)."""

    target_precision = models.DecimalField(
        _("目标准确率"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_TARGET_PRECISION,
        validators=[MinValueValidator(Decimal("0.500")), MaxValueValidator(Decimal("0.999"))],
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.target_precision}"

    @classmethod
    def current(cls) -> RoutingSetting:
        return cls.objects.get_or_create(pk=1)[0]


class LabelConfirmation(models.Model):
    """A person confirmed or set a matter's domain from the 待标注 queue: the matter leaves the queue
    while its domain stays the one confirmed (written by ``matters.actions.confirm_domain``)."""

    matter = models.ForeignKey("matters.Matter", on_delete=models.CASCADE, related_name="label_confirmations")
    domain_code = models.CharField(max_length=50)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["matter", "domain_code"])]


class Correction(models.Model):
    """A suggestion that staff did not accept: what was suggested and what they chose instead."""

    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        "intake.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="triage_corrections"
    )
    matter = models.ForeignKey(
        "matters.Matter", null=True, blank=True, on_delete=models.CASCADE, related_name="triage_corrections"
    )
    field = models.CharField(_("字段"), max_length=20)  # domain / area
    suggested = models.CharField(_("建议"), max_length=100, blank=True)
    chosen = models.CharField(_("采用"), max_length=100)

    class Meta:
        ordering = ["-at", "-id"]
