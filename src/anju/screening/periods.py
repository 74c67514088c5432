"""Screening periods: which calendar period contains a day, for each cadence kind. Date arithmetic only."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils.translation import gettext as _

SEMI_MONTHLY = "semi_monthly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_containing(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the ``kind`` period that contains ``day``."""
    if kind == SEMI_MONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), _month_end(day.year, day.month)
    if kind == MONTHLY:
        return day.replace(day=1), _month_end(day.year, day.month)
    if kind == QUARTERLY:
        first_month = 3 * ((day.month - 1) // 3) + 1
        return dt.date(day.year, first_month, 1), _month_end(day.year, first_month + 2)
    raise ValueError(f"unknown period kind {kind!r}")


def period_label(kind: str, start: dt.date) -> str:
    """A short Chinese name of the period, e.g. 2026年11月上半月, 2026年11月, 2026年第4季度."""
    if kind == SEMI_MONTHLY:
        if start.day == 1:
            return _("%(year)d年%(month)d月上半月") % {"year": start.year, "month": start.month}
        return _("%(year)d年%(month)d月下半月") % {"year": start.year, "month": start.month}
    if kind == MONTHLY:
        return _("%(year)d年%(month)d月") % {"year": start.year, "month": start.month}
    if kind == QUARTERLY:
        return _("%(year)d年第%(quarter)d季度") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
    raise ValueError(f"unknown period kind {kind!r}")
