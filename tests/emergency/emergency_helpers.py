"""Helpers of the emergency tests (imported by name: the test folders are not packages)."""

import datetime as dt

from django.utils import timezone


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A local moment in March 2026."""
    return timezone.make_aware(dt.datetime(2026, 3, day, hour, minute))
