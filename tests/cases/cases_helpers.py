"""Shared values of the cases tests (a module of its own: ``conftest`` is a name every test folder uses)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

NOW = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0))
