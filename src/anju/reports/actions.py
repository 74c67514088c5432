"""Generating and submitting monthly reports; each writes an audit event."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit
from anju.core.concurrency import lock_checked, parse_version
from anju.core.errors import Conflict, WorkflowError
from anju.core.permissions import require
from anju.reports import figures
from anju.reports.models import MonthlyReport

STALE_REPORT = gettext_lazy("该报表已被他人修改，请刷新后重试。")


def due_date(month: dt.date) -> dt.date:
    """The report of ``month`` is due on the configured day (default the 18th) of the following month."""
    day = int(getattr(settings, "ANJU_REPORT_DUE_DAY", 18))
    following = figures.month_bounds(month)[1] + dt.timedelta(days=1)
    return following.replace(day=min(day, 28))


@transaction.atomic
def generate_report(actor, *, area, month: dt.date, now: dt.datetime | None = None) -> MonthlyReport:
    """Compute (or recompute, while unsubmitted) the report of ``area`` for ``month``."""
    require(actor, "report.monthly", area)  # area None: role only here, then "choose an area" below
    now = now or timezone.now()
    month = month.replace(day=1)
    if month > timezone.localdate(now).replace(day=1):
        raise ValidationError({"month": _("不能生成未来月份的报表。")})
    if area is None:
        raise ValidationError({"area": _("报送区域不在您的管辖范围内。")})
    # The row is created (or found) and locked first, so that two people generating the same month at once
    # queue behind each other instead of colliding on the unique (area, month), and a submission that
    # lands meanwhile is seen.
    report, _created = MonthlyReport.objects.select_for_update().get_or_create(
        area=area, month=month, defaults={"due_date": due_date(month)}
    )
    if report.submitted_at:
        raise WorkflowError(_("该月报表已报送，不能重新生成。"))
    data = figures.compute(area, month)
    report.figures, report.generated_at, report.generated_by = data, now, actor
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
def submit_report(
    actor, report: MonthlyReport, *, version=None, now: dt.datetime | None = None
) -> MonthlyReport:
    """报送 to the parent level: recorded with its time; late when after the due date.

    ``version``: the one the page showed, so that figures regenerated meanwhile are not submitted unseen."""
    require(actor, "report.monthly", report)
    report = lock_checked(report)
    if report.submitted_at:  # a double submit is told so, before any talk of versions
        raise WorkflowError(_("该月报表已报送。"))
    if parse_version(version) not in (None, report.version):
        raise Conflict(STALE_REPORT)
    report.submitted_at, report.submitted_by = now or timezone.now(), actor
    report.save()
    audit.record(
        actor,
        "monthly_report.submit",
        report,
        after={"submitted_at": report.submitted_at, "late": report.submitted_late},
        area=report.area,
    )
    return report
