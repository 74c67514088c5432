"""Pages of the legacy 台账 import (``intake/legacy_import.py``): the imports of my area and an upload form; an
import's mapping, dry-run results and commit. Each page finds the import in scope (404 outside) and calls one
action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.errors import NotAllowed, WorkflowError
from anju.core.forms import add_action_errors
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.intake import legacy_import
from anju.intake.forms_legacy import ApplyMappingForm, MappingForm, SaveMappingForm, UploadForm
from anju.intake.legacy_sheet import FIELDS, MAX_FILE_BYTES
from anju.intake.models_legacy import LegacyImport, LegacyImportStatus

PAGE_SIZE = 50


def _gate(user) -> None:
    if not user.can(legacy_import.PERMISSION):
        raise PermissionDenied(_("您的角色无权导入历史台账。"))


@login_required
def legacy_list(request):
    _gate(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_FILE_BYTES:
                raise ValidationError({"file": _("文件过大（最多 5 MB），请分批导入。")})
            legacy = legacy_import.upload_legacy_sheet(
                request.user, file_name=upload.name, content=upload.read()
            )
        except NotAllowed as refusal:
            raise PermissionDenied(" ".join(refusal.messages)) from None
        except ValidationError as error:
            add_action_errors(form, error)
            status = 400
        else:
            return redirect("intake:legacy_detail", legacy.pk)
    elif request.method == "POST":
        status = 400
    imports = (
        scoped(request.user, LegacyImport)
        .select_related("area", "uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
    page = Paginator(imports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_manage": may(request.user, "admin.manage")}
    return render(request, "intake/legacy_list.html", context, status=status)


def _legacy_or_404(request, pk) -> LegacyImport:
    _gate(request.user)
    return get_scoped_or_404(request.user, LegacyImport.objects.select_related("area", "uploaded_by"), pk=pk)


def _detail(request, legacy, *, mapping_form=None, save_form=None, apply_form=None, problems=(), status=200):
    initial = {name: str(column) for name, column in legacy.mapping.items()}
    errors = Paginator(legacy.errors, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "legacy": legacy,
        "mapping_form": mapping_form or MappingForm(legacy.headers, initial=initial),
        "save_form": save_form or SaveMappingForm(),
        "apply_form": apply_form or ApplyMappingForm(request.user),
        "page": errors,
        "duplicates": legacy.duplicates[:200],
        "committed": legacy.status == LegacyImportStatus.COMMITTED,
        "checked": legacy.status == LegacyImportStatus.CHECKED,
        "mapped": [
            (FIELDS[name][0], legacy.headers[column])
            for name, column in legacy.mapping.items()
            if name in FIELDS
        ],
        "problems": problems,
        "can_manage": may(request.user, "admin.manage"),
    }
    return render(request, "intake/legacy_detail.html", context, status=status)


@login_required
def legacy_detail(request, pk: int):
    return _detail(request, _legacy_or_404(request, pk))


def _run(request, legacy, call, *, form=None, form_key="mapping_form"):
    """Call one action; a refusal is the 403 page, bad input comes back on the page, a state error as a
    message."""
    try:
        call()
    except NotAllowed as refusal:
        raise PermissionDenied(" ".join(refusal.messages)) from None
    except WorkflowError as error:  # Conflict included
        messages.error(request, " ".join(error.messages))
    except ValidationError as error:
        if form is not None and hasattr(error, "error_dict") and set(error.error_dict) & set(form.fields):
            add_action_errors(form, error)
            return _detail(request, legacy, **{form_key: form}, status=400)
        return _detail(request, legacy, problems=error.messages, status=400)
    return redirect("intake:legacy_detail", legacy.pk)


@login_required
@require_POST
def legacy_mapping(request, pk: int):
    legacy = _legacy_or_404(request, pk)
    form = MappingForm(legacy.headers, request.POST)
    if not form.is_valid():
        return _detail(request, legacy, mapping_form=form, status=400)
    version = request.POST.get("version")
    return _run(
        request,
        legacy,
        lambda: legacy_import.set_legacy_mapping(request.user, legacy, form.mapping(), version=version),
        form=form,
    )


@login_required
@require_POST
def legacy_apply_mapping(request, pk: int):
    legacy = _legacy_or_404(request, pk)
    form = ApplyMappingForm(request.user, request.POST)
    if not form.is_valid():
        return _detail(request, legacy, apply_form=form, status=400)
    saved, version = form.cleaned_data["saved"], request.POST.get("version")
    return _run(
        request,
        legacy,
        lambda: legacy_import.apply_saved_mapping(request.user, legacy, saved, version=version),
    )


@login_required
@require_POST
def legacy_save_mapping(request, pk: int):
    legacy = _legacy_or_404(request, pk)
    form = SaveMappingForm(request.POST)
    if not form.is_valid():
        return _detail(request, legacy, save_form=form, status=400)
    name = form.cleaned_data["name"]
    response = _run(
        request,
        legacy,
        lambda: legacy_import.save_legacy_mapping(request.user, legacy, name=name),
        form=form,
        form_key="save_form",
    )
    if response.status_code == 302:
        messages.success(request, _("已保存对应关系“%(name)s”。") % {"name": name})
    return response


@login_required
@require_POST
def legacy_check(request, pk: int):
    legacy = _legacy_or_404(request, pk)
    version = request.POST.get("version")
    return _run(request, legacy, lambda: legacy_import.dry_run(request.user, legacy, version=version))


@login_required
@require_POST
def legacy_commit(request, pk: int):
    legacy = _legacy_or_404(request, pk)
    if request.POST.get("confirm") != "yes":
        return _detail(request, legacy, problems=[_("请勾选确认后再导入。")], status=400)
    version = request.POST.get("version")
    response = _run(
        request, legacy, lambda: legacy_import.commit_import(request.user, legacy, version=version)
    )
    if response.status_code == 302 and legacy.status == LegacyImportStatus.COMMITTED:
        messages.success(request, _("已导入 %(n)s 件历史事项。") % {"n": legacy.matter_count})
    return response
