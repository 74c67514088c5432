"""A monthly report for other systems: its stored figures as JSON of the schema ``anju.report/1``
(docs/exports.md). The figures are those the report was generated with, never recomputed on export."""

from __future__ import annotations

from django.utils import timezone

from anju.reports.models import MonthlyReport

SCHEMA = "anju.report/1"


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def report_data(report: MonthlyReport) -> dict:
    return {
        "schema": SCHEMA,
        "id": report.pk,
        "area_code": report.area.code,
        "area_name": report.area.name,
        "unit": report.unit.name if report.unit_id else None,
        "month": report.month.strftime("%Y-%m"),
        "generated_at": _iso(report.generated_at),
        "due_date": report.due_date.isoformat(),
        "submitted_at": _iso(report.submitted_at),
        "special_actions": report.special_actions,
        "survey_work": report.survey_work,
        "figures": report.figures,
    }
