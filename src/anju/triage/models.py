"""Trained triage models of this deployment and the corrections staff made to suggestions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        ordering = ["-trained_at", "-id"]


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
