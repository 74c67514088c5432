"""Error pages that speak Chinese and offer a way back (the templates 400/403/404/500.html do the rest)."""

from __future__ import annotations

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A stale form or a lost session: say so plainly instead of Django's English debug page."""
    return render(request, "csrf_failure.html", status=403)
