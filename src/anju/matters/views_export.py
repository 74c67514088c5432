"""The ledger as CSV or JSON for other systems (``matters/export_data.py``, docs/exports.md): the ledger's
filters and scope, streamed; each export is logged like the .xlsx one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anju.matters import actions, export_data
from anju.matters.filters import LedgerFilterForm, apply_filter_form, describe_filters

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


@login_required
@require_GET
def export_data_view(request, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404
    if not request.user.can("ledger.export"):
        raise PermissionDenied(_("您的角色无权导出台账。"))
    form = LedgerFilterForm(request.user, request.GET)
    matters, cleaned = apply_filter_form(form)
    area = cleaned.get("area") or request.user.area
    filters = describe_filters(cleaned) | {"format": fmt, "schema": export_data.SCHEMA}
    actions.record_export(request.user, filters, matters.count(), area=area)
    body = export_data.csv_lines(matters) if fmt == "csv" else export_data.json_chunks(matters)
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="anju-matters-{stamp}.{fmt}"'
    response["X-Anju-Schema"] = export_data.SCHEMA
    return response
