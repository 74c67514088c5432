"""Account administration: importing user accounts from a spreadsheet (upload → preview → confirm).

The preview checks every row and writes nothing; the checked rows travel to the confirmation in a signed
hidden field (the file is not kept), and ``actions.import_users`` checks them all again. The initial
passwords are shown once on the result page and offered once as a download: until then the session holds
them encrypted with the field key, and the download removes them.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core import actions, crypto
from anju.core.errors import NotAllowed
from anju.core.forms import UserImportForm, add_action_errors
from anju.core.permissions import may
from anju.core.roles import Role
from anju.core.uploads import harden_download
from anju.core.user_import import (
    AreaFinder,
    UserRow,
    UserRowErrors,
    check_user_rows,
    password_list_rows,
    password_list_workbook,
    read_user_file,
    template_workbook,
)

SIGNING_SALT = "anju.core.user_import"
PREVIEW_MAX_AGE_S = 3600
PASSWORDS_KEY = "anju_user_import_passwords"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _administrator(request) -> None:
    """Only administrators see these pages; the action checks its own permission and scope again."""
    if not may(request.user, "admin.manage"):
        raise PermissionDenied(_("您的角色无权管理账号。"))


def _preview_rows(checked) -> list[dict]:
    finder = AreaFinder()
    return [
        {
            "line": c.row.line,
            "row": c.row,
            "role": dict(Role.choices).get(c.role, ""),
            "area": finder.full_name(finder.areas[c.area.pk]) if c.area is not None else "",
            "unit": c.unit.name if c.unit is not None else "",
            "phone": crypto.mask_phone(c.phone or c.row.phone),
            "errors": c.errors,
        }
        for c in checked
    ]


def _render_preview(request, form, checked, status=200):
    bad = [c for c in checked if c.errors]
    payload = (
        "" if bad else signing.dumps([c.row.as_dict() for c in checked], salt=SIGNING_SALT, compress=True)
    )
    context = {
        "form": form,
        "rows": _preview_rows(checked),
        "bad_count": len(bad),
        "payload": payload,
    }
    return render(request, "core/user_import.html", context, status=status)


@login_required
def user_import(request):
    """Upload a file and see every row checked; a file without problems can then be confirmed."""
    _administrator(request)
    form = UserImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_user_file(upload.name, upload.read())
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            checked = check_user_rows(request.user, rows)
            return _render_preview(
                request, form, checked, status=422 if any(c.errors for c in checked) else 200
            )
    return render(request, "core/user_import.html", {"form": form}, status=422 if form.errors else 200)


@login_required
@require_POST
def user_import_confirm(request):
    _administrator(request)
    form = UserImportForm()
    try:
        data = signing.loads(request.POST.get("payload", ""), salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE_S)
        rows = [UserRow.from_dict(item) for item in data]
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        problems = [_("预览已过期或无效，请重新上传文件。")]
        return render(request, "core/user_import.html", {"form": form, "problems": problems}, status=400)
    try:
        created = actions.import_users(request.user, rows)
    except NotAllowed:
        raise PermissionDenied(_("您的角色无权管理账号。")) from None
    except UserRowErrors as error:  # something changed since the preview (a user name taken meanwhile)
        return _render_preview(request, form, error.rows, status=422)
    except ValidationError as error:
        return render(
            request, "core/user_import.html", {"form": form, "problems": error.messages}, status=409
        )
    listing = password_list_rows(created)
    request.session[PASSWORDS_KEY] = crypto.encrypt(json.dumps(listing, ensure_ascii=False))
    response = render(request, "core/user_import_done.html", {"header": listing[0], "rows": listing[1:]})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def user_import_passwords(request):
    """The initial passwords as .xlsx, once: the session's encrypted copy is removed as it is sent."""
    _administrator(request)
    stored = request.session.pop(PASSWORDS_KEY, None)
    if not stored:
        messages.warning(request, _("初始密码清单已下载过或已失效，不能再次下载。"))
        return redirect("core:user_import")
    listing = json.loads(crypto.decrypt(stored))
    response = HttpResponse(password_list_workbook(listing), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="initial-passwords-{stamp}.xlsx"'
    return harden_download(response)


@login_required
@require_GET
def user_import_template(request):
    _administrator(request)
    response = HttpResponse(template_workbook(request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="user-import-template.xlsx"'
    return harden_download(response)
