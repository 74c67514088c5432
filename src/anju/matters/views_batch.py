"""The ledger's batch actions: selected rows → a confirmation page → one single action per matter.

Nothing runs before the user confirms on a page that lists the matters and what will happen to them; the
result page says, per matter, whether it was done or why it was refused. Export of the selection needs no
confirmation (it changes nothing) and goes through the ledger's own export.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.documents import document_response, exported_at
from anju.matters import actions
from anju.matters.export import build_workbook, ledger_title
from anju.matters.filters import LEDGER_RELATED
from anju.matters.forms_batch import ASSIGN, BATCH_PERMISSIONS, DEADLINE, EXPORT, SUPERVISE, BatchForm
from anju.matters.views import _safe_next


def _run(user, form, data) -> list:
    c = form.cleaned_data
    matters = c["ids"].select_related(*LEDGER_RELATED).order_by("number")
    versions = form.versions(data)
    action = c["action"]
    if action == ASSIGN:
        return actions.batch_assign(
            user,
            matters,
            unit=c["unit"],
            person=c["person"],
            deadline=c["deadline"],
            lead_leader=c["lead_leader"],
            note=c["note"],
            versions=versions,
        )
    if action == DEADLINE:
        return actions.batch_set_deadline(
            user, matters, deadline=c["deadline"], note=c["note"], versions=versions
        )
    if action == SUPERVISE:
        return actions.batch_supervise(user, matters, note=c["note"], versions=versions)
    raise ValueError(action)


def _export(user, matters):
    """The selected rows through the ledger's own export, logged like it (the numbers exported)."""
    numbers = sorted(matters.values_list("number", flat=True))
    actions.record_export(user, {"selected": numbers}, len(numbers), area=user.area)
    content = build_workbook(matters, exporter=user, area=user.area)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return document_response(
        content, ledger_title(user.area) + exported_at(), "xlsx", fallback=f"ledger-{stamp}"
    )


@login_required
@require_POST
def batch(request):
    """Selected ledger rows: show what will happen (``confirm`` absent), or run it (``confirm=1``)."""
    request.user.require("matter.view")
    back = _safe_next(request, reverse("matters:ledger"))
    form = BatchForm(request.POST, user=request.user)
    valid = form.is_valid()
    action = form.cleaned_data.get("action") if valid else request.POST.get("action")
    if action in BATCH_PERMISSIONS and not request.user.can(BATCH_PERMISSIONS[action]):
        raise PermissionDenied(
            _("您的角色（%(role)s）无权执行此批量操作。") % {"role": request.user.get_role_display()}
        )
    context = {"form": form, "back": back}
    if not valid:
        return render(request, "matters/batch_confirm.html", context, status=400)
    if action == EXPORT:
        return _export(
            request.user, form.cleaned_data["ids"].select_related(*LEDGER_RELATED).order_by("number")
        )
    matters = list(form.cleaned_data["ids"].select_related(*LEDGER_RELATED).order_by("number"))
    context["matters"] = matters
    context["action_label"] = dict(form.fields["action"].choices)[action]
    if request.POST.get("confirm") != "1":
        return render(request, "matters/batch_confirm.html", context)
    results = _run(request.user, form, request.POST)
    context["results"] = results
    context["done"] = sum(1 for r in results if r.ok)
    context["refused"] = sum(1 for r in results if not r.ok)
    return render(request, "matters/batch_result.html", context)
