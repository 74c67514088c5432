"""Generating and submitting monthly reports; each writes an audit event."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.errors import WorkflowError
from anju.core.scoping import in_scope
from anju.reports import figures
from anju.reports.models import MonthlyReport


def due_date(month: dt.date) -> dt.date:
    """The report of ``month`` is due on the configured day (default the 18th) of the following month."""
    day = int(getattr(settings, "ANJU_REPORT_DUE_DAY", 18))
    following = figures.month_bounds(month)[1] + dt.timedelta(days=1)
    return following.replace(day=min(day, 28))


@transaction.atomic
def generate_report(actor, *, area, month: dt.date) -> MonthlyReport:
    """Compute (or recompute, while unsubmitted) the report of ``area`` for ``month``."""
    actor.require("report.monthly")
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("不能生成未来月份的报表。")})
    if area is None or not in_scope(actor, area):
        raise ValidationError({"area": _("报送区域不在您的管辖范围内。")})
    report = MonthlyReport.objects.filter(area=area, month=month).first()
    if report is not None and report.submitted_at:
        raise WorkflowError(_("该月报表已报送，不能重新生成。"))
    data = figures.compute(area, month)
    if report is None:
        report = MonthlyReport(area=area, month=month, due_date=due_date(month))
    report.figures, report.generated_at, report.generated_by = data, timezone.now(), actor
    report.save()
    audit.record(
        actor,
        "monthly_report.generate",
        report,
        after={"month": month, "new": data["totals"]["new"]},
        area=area,
    )
    return report


@transaction.atomic
def submit_report(actor, report: MonthlyReport) -> MonthlyReport:
    """报送 to the parent level: recorded with its time; late when after the due date."""
    actor.require("report.monthly")
    if not in_scope(actor, report.area):
        raise WorkflowError(_("报送区域不在您的管辖范围内。"))
    if report.submitted_at:
        raise WorkflowError(_("该月报表已报送。"))
    report.submitted_at, report.submitted_by = timezone.now(), actor
    report.save()
    audit.record(
        actor,
        "monthly_report.submit",
        report,
        after={"submitted_at": report.submitted_at, "late": report.submitted_late},
        area=report.area,
    )
    return report
