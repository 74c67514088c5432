"""Bulk import of areas and units (管理 → 批量导入区域和单位): template, upload and dry run, confirmation.

The dry run checks every row and writes nothing; the rows travel to the confirmation in a signed hidden field
(the file is not kept) and ``admin_actions.import_organisation`` checks them all again before creating
anything, all in one transaction. Accounts have their own import (``user_import_views``), in the same style.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core import admin_actions
from anju.core.admin_forms import OrgImportForm
from anju.core.admin_views import gate
from anju.core.errors import NotAllowed
from anju.core.forms import add_action_errors
from anju.core.org_import import (
    OrgRowErrors,
    check_org_rows,
    read_org_file,
    rows_from_payload,
    rows_payload,
    template_workbook,
)
from anju.core.uploads import harden_download

SIGNING_SALT = "anju.core.org_import"
PREVIEW_MAX_AGE_S = 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = "core/admin/import.html"


def _render_plan(request, form, plan, areas, units, status=None):
    payload = (
        "" if plan.errors else signing.dumps(rows_payload(areas, units), salt=SIGNING_SALT, compress=True)
    )
    context = {"form": form, "plan": plan, "payload": payload, "checked": True}
    return render(request, TEMPLATE, context, status=status or (422 if plan.errors else 200))


@login_required
def org_import(request):
    """Upload a workbook and see the dry run: each bad row with its sheet, row, column and reason, and the
    changes a file without problems would make."""
    gate(request)
    form = OrgImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            areas, units = read_org_file(form.cleaned_data["file"].read())
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return _render_plan(request, form, check_org_rows(request.user, areas, units), areas, units)
    return render(request, TEMPLATE, {"form": form}, status=422 if form.errors else 200)


@login_required
@require_POST
def org_import_confirm(request):
    gate(request)
    form = OrgImportForm()
    try:
        data = signing.loads(request.POST.get("payload", ""), salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE_S)
        areas, units = rows_from_payload(data)
    except (signing.BadSignature, TypeError, KeyError, ValueError, AttributeError):
        problems = [_("预览已过期或无效，请重新上传文件。")]
        return render(request, TEMPLATE, {"form": form, "problems": problems}, status=400)
    try:
        created_areas, created_units = admin_actions.import_organisation(request.user, areas, units)
    except NotAllowed as error:
        raise PermissionDenied(" ".join(error.messages)) from None
    except OrgRowErrors as error:  # something changed since the dry run (a code taken meanwhile)
        return _render_plan(request, form, error.plan, areas, units, status=409)
    except ValidationError as error:
        return render(request, TEMPLATE, {"form": form, "problems": error.messages}, status=409)
    messages.success(
        request,
        _("已导入 %(a)s 个区域、%(u)s 个单位。") % {"a": len(created_areas), "u": len(created_units)},
    )
    return redirect("core:manage_areas")


@login_required
@require_GET
def org_import_template(request):
    gate(request)
    response = HttpResponse(template_workbook(request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="area-unit-import-template.xlsx"'
    return harden_download(response)
