"""Generating, writing and submitting monthly reports, and progress reports (工作进展报送); each writes an
audit event.

A department officer (职能部门) acts only on their own unit's monthly report, and only where department units
report (``settings.ANJU_UNIT_MONTHLY_REPORTS``); everyone else acts on areas' reports and on units' reports on
their behalf."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit
from anju.core.concurrency import lock_checked, parse_version
from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import Unit, UnitKind, User
from anju.core.notifications import notify
from anju.core.permissions import require
from anju.core.replica import reading_from_replica
from anju.core.roles import UNIT_SCOPED_ROLES, roles_with
from anju.reports import figures, unit_figures
from anju.reports.models import MonthlyReport, ProgressReport

STALE_REPORT = gettext_lazy("该报表已被他人修改，请刷新后重试。")
SECTION_MAX = 5000  # characters of each free-text section
SECTIONS = {
    "special_actions": gettext_lazy("专项行动开展情况"),
    "survey_work": gettext_lazy("摸排调研工作情况"),
}
PROGRESS_TEXT_MAX = 5000


def due_date(month: dt.date) -> dt.date:
    """The report of ``month`` is due on the configured day (default the 18th) of the following month."""
    day = int(getattr(settings, "ANJU_REPORT_DUE_DAY", 18))
    following = figures.month_bounds(month)[1] + dt.timedelta(days=1)
    return following.replace(day=min(day, 28))


def units_report() -> bool:
    """Whether department units submit monthly reports of their own (``ANJU_UNIT_MONTHLY_REPORTS``)."""
    return bool(getattr(settings, "ANJU_UNIT_MONTHLY_REPORTS", True))


def _unit_rule(actor, unit: Unit | None) -> None:
    """A department officer acts only on their unit's own report; nobody on a unit's while units do not report."""
    unit_scoped = getattr(actor, "role", None) in UNIT_SCOPED_ROLES
    if unit is None:
        if unit_scoped:
            raise NotAllowed(_("职能部门无权生成或报送区域月报，请使用本单位的月报。"))
        return
    if not units_report():
        raise NotAllowed(_("本系统未启用职能部门月报（ANJU_UNIT_MONTHLY_REPORTS），职能部门无权报送月报。"))
    if unit_scoped and actor.unit_id != unit.pk:
        raise NotAllowed(_("您只能生成和报送本单位的月报，无权处理“%(unit)s”的月报。") % {"unit": unit.name})


def generate_report(
    actor, *, area=None, month: dt.date, unit: Unit | None = None, now: dt.datetime | None = None
) -> MonthlyReport:
    """Compute (or recompute, while unsubmitted) the report of ``area`` — or of department unit ``unit``,
    over the matters assigned to it — for ``month``. The free-text sections are kept.

    The figures are computed first, outside the transaction, so that a read replica (core/replica.py) can
    serve that heavy read; the report row is then locked, checked and written in one transaction."""
    if unit is not None:
        area = unit.area
    require(actor, "report.monthly", area)  # area None: role only here, then "choose an area" below
    _unit_rule(actor, unit)
    now = now or timezone.now()
    month = month.replace(day=1)
    if month > timezone.localdate(now).replace(day=1):
        raise ValidationError({"month": _("不能生成未来月份的报表。")})
    if area is None:
        raise ValidationError({"area": _("报送区域不在您的管辖范围内。")})
    if unit is not None and unit.kind != UnitKind.DEPARTMENT:
        raise ValidationError({"unit": _("只有职能部门报送本单位的月报。")})
    if MonthlyReport.objects.filter(area=area, unit=unit, month=month, submitted_at__isnull=False).exists():
        raise WorkflowError(_("该月报表已报送，不能重新生成。"))
    with reading_from_replica():
        data = unit_figures.compute(unit, month) if unit is not None else figures.compute(area, month)
    return _store_figures(actor, area=area, unit=unit, month=month, data=data, now=now)


@transaction.atomic
def _store_figures(actor, *, area, unit, month, data, now) -> MonthlyReport:
    # The row is created (or found) and locked, so that two people generating the same month at once
    # queue behind each other instead of colliding on the unique (area, month), and a submission that
    # landed while the figures were computed is seen.
    report, _created = MonthlyReport.objects.select_for_update().get_or_create(
        area=area, unit=unit, month=month, defaults={"due_date": due_date(month)}
    )
    if report.submitted_at:
        raise WorkflowError(_("该月报表已报送，不能重新生成。"))
    report.figures, report.generated_at, report.generated_by = data, now, actor
    report.save()
    audit.record(
        actor,
        "monthly_report.generate",
        report,
        after={"month": month, "new": data["totals"]["new"], "unit": unit.pk if unit else None},
        area=area,
    )
    return report


@transaction.atomic
def write_sections(
    actor,
    report: MonthlyReport,
    *,
    special_actions: str,
    survey_work: str,
    version=None,
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """Write the report's free-text sections (专项行动开展情况, 摸排调研工作情况) before it is submitted."""
    require(actor, "report.monthly", report)
    _unit_rule(actor, report.unit)
    report = lock_checked(report)
    if report.submitted_at:
        raise WorkflowError(_("该月报表已报送，不能再修改。"))
    if parse_version(version) not in (None, report.version):
        raise Conflict(STALE_REPORT)
    texts = {"special_actions": (special_actions or "").strip(), "survey_work": (survey_work or "").strip()}
    errors = {
        key: _("“%(section)s”不能超过 %(n)s 字。") % {"section": SECTIONS[key], "n": SECTION_MAX}
        for key, text in texts.items()
        if len(text) > SECTION_MAX
    }
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(report, list(texts))
    report.special_actions, report.survey_work = texts["special_actions"], texts["survey_work"]
    report.save()
    old, new = audit.changed(before, audit.snapshot(report, list(texts)))
    audit.record(actor, "monthly_report.sections", report, before=old, after=new, area=report.area)
    return report


@transaction.atomic
def submit_report(
    actor, report: MonthlyReport, *, version=None, now: dt.datetime | None = None
) -> MonthlyReport:
    """报送 to the parent level: recorded with its time; late when after the due date.

    ``version``: the one the page showed, so that figures regenerated meanwhile are not submitted unseen."""
    require(actor, "report.monthly", report)
    _unit_rule(actor, report.unit)
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


# progress reports (工作进展报送) -----------------------------------------------------------------------------


def addressee(actor):
    """(area, unit, to_area) of a progress report by ``actor``: a department officer reports for their unit
    to the centre of the unit's area; anyone else for their area to the area above."""
    if getattr(actor, "role", None) in UNIT_SCOPED_ROLES and actor.unit_id:
        return actor.unit.area, actor.unit, actor.unit.area
    area = getattr(actor, "area", None)
    return area, None, area.parent if area is not None else None


@transaction.atomic
def submit_progress(
    actor,
    *,
    title: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    text: str,
    attachment=None,
    now: dt.datetime | None = None,
    is_demo: bool = False,
) -> ProgressReport:
    """工作进展报送: a short report to the level above, whose centre is told (``reports.progress_submitted``).
    ``attachment``: an uploaded file already checked by the form (type and size), or None."""
    area, unit, to_area = addressee(actor)
    require(actor, "progress.submit", area)
    if to_area is None:
        raise WorkflowError(_("县级没有上级可报送工作进展。"))
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > 200:
        errors["title"] = _("标题不能超过 200 字。")
    if not text:
        errors["text"] = _("请填写工作进展情况。")
    elif len(text) > PROGRESS_TEXT_MAX:
        errors["text"] = _("进展情况不能超过 %(n)s 字。") % {"n": PROGRESS_TEXT_MAX}
    if period_start is None:
        errors["period_start"] = _("请填写起始日期。")
    if period_end is None:
        errors["period_end"] = _("请填写截止日期。")
    elif period_start is not None and period_end < period_start:
        errors["period_end"] = _("截止日期不能早于起始日期。")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    report = ProgressReport(
        area=area,
        unit=unit,
        to_area=to_area,
        title=title,
        period_start=period_start,
        period_end=period_end,
        text=text,
        submitted_by=actor,
        submitted_at=now,
        is_demo=is_demo,
    )
    if attachment:
        report.attachment = attachment
    report.save()
    notify(
        User.objects.filter(area=to_area, is_active=True, role__in=roles_with("progress.read"))
        .exclude(role__in=UNIT_SCOPED_ROLES)
        .exclude(pk=actor.pk),
        kind="reports.progress_submitted",
        title=_("%(who)s报送工作进展：%(title)s") % {"who": report.reporter_name, "title": title},
        body=f"{period_start:%Y-%m-%d} – {period_end:%Y-%m-%d}",
        link=reverse("reports:progress", args=[report.pk]),
        key=f"reports:progress:{report.pk}",
        now=now,
    )
    audit.record(
        actor,
        "progress_report.submit",
        report,
        after={"title": title, "to_area": to_area.pk, "unit": unit.pk if unit else None},
        area=area,
    )
    return report


@transaction.atomic
def mark_progress_read(actor, report: ProgressReport, *, now: dt.datetime | None = None) -> ProgressReport:
    """阅知: the level the report was addressed to has read it (the first reader is recorded; idempotent)."""
    require(actor, "progress.read", report.to_area)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.read_at is not None:
        return report
    report.read_at, report.read_by = now or timezone.now(), actor
    report.save(update_fields=["read_at", "read_by"])
    audit.record(actor, "progress_report.read", report, after={"read_at": report.read_at}, area=report.area)
    return report
