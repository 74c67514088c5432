"""The grid form as an installable web app that works offline (网格上报 in villages with weak signal).

The phone keeps reports made without a connection as drafts (``intake/grid_offline.js``, IndexedDB) and
sends each one here with the key it was given when it was made; ``submit_report`` receives a key once.
The service worker (``intake/grid_sw.js``) keeps a copy of the form page and its static files so the form
opens offline; it holds no report data. The manifest and the worker are code, not data: served to anyone.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from anju import __version__
from anju.intake import receipts
from anju.intake.forms import GridReportForm
from anju.intake.models import Channel
from anju.intake.views import received_message, submit_from_form

THEME_COLOUR = "#1f5f8b"  # the favicon's blue


@login_required
@require_POST
def grid_send(request):
    """A draft sent by the grid form's script: JSON in reply (the script shows it in the queue).

    200 ``{"ok": true, "receipt", "url"}`` also when the key was received before (the first report);
    400 ``{"ok": false, "errors": [...]}`` for input the server refuses. A signed-out phone gets the login
    redirect, which the script reads as "sign in again" and keeps the draft."""
    request.user.require("report.create")
    form = GridReportForm(request.POST, request.FILES, user=request.user)
    report, status = None, 400
    if form.is_valid():
        report, status = submit_from_form(request, form, channel=Channel.GRID_PATROL)
    if report is None:
        errors = [str(message) for field_errors in form.errors.values() for message in field_errors]
        return JsonResponse({"ok": False, "errors": errors}, status=max(status, 400))
    if request.POST.get("live") == "1":  # sent from the open form: the report's page says it was received
        messages.success(request, received_message(report))
    return JsonResponse(
        {
            "ok": True,
            "receipt": receipts.display(report.receipt_code),
            "url": reverse("intake:detail", args=[report.pk]),
        }
    )


@require_GET
def grid_manifest(request):
    grid_url = reverse("intake:grid")
    manifest = {
        "name": _("安居·网格上报"),
        "short_name": _("网格上报"),
        "description": _("网格员巡查上报：无网络时先保存在手机上，联网后自动发送。"),
        "lang": request.LANGUAGE_CODE,
        "start_url": grid_url,
        "scope": grid_url,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static(f"intake/icons/grid-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@never_cache  # the browser compares the worker byte for byte to find an update
@require_GET
def grid_service_worker(request):
    # A new release or new static files give a new cache name, and the worker drops the old cache.
    version = hashlib.sha256(f"{__version__}|{static('intake/grid_offline.js')}".encode()).hexdigest()[:12]
    return render(
        request,
        "intake/grid_sw.js",
        {
            "cache_name": f"anju-grid-{version}",
            "grid_url": reverse("intake:grid"),
            "static_url": settings.STATIC_URL,
        },
        content_type="text/javascript; charset=utf-8",
    )
