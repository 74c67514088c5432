"""Lists the pages and the board show: stock alerts, overdue plan reviews, open tasks. Reads only."""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from anju.emergency.models import EmergencyTask, Material, Plan, TaskStatus
from anju.emergency.rules import rule


def low_stock(queryset=None):
    """Materials below their minimum stock (最低储备)."""
    qs = queryset if queryset is not None else Material.objects.all()
    return qs.filter(quantity__lt=F("minimum"))


def expiring(today: dt.date, queryset=None):
    """Materials whose expiry falls within ``expiry_warning_days`` of ``today``, or has passed."""
    qs = queryset if queryset is not None else Material.objects.all()
    horizon = today + dt.timedelta(days=rule("expiry_warning_days"))
    return qs.filter(expires_on__isnull=False, expires_on__lte=horizon)


def overdue_reviews(today: dt.date, queryset=None):
    """Plans whose review date (修订期限) has passed."""
    qs = queryset if queryset is not None else Plan.objects.all()
    return qs.filter(review_due__lt=today)


def due_reviews(today: dt.date, queryset=None):
    """Plans whose review is due by ``today``: past their date, or flagged 需修订 today by a drill or an
    incident that found gaps (``actions.revision``)."""
    qs = queryset if queryset is not None else Plan.objects.all()
    return qs.filter(review_due__lte=today)


def open_tasks(queryset=None):
    qs = queryset if queryset is not None else EmergencyTask.objects.all()
    return qs.filter(status=TaskStatus.OPEN)
