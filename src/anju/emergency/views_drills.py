"""Pages of drills (应急演练): list, new, a drill with its record and findings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.emergency import actions
from anju.emergency.figures import programme_figures
from anju.emergency.forms import DrillNewForm, DrillRecordForm, FindingForm
from anju.emergency.models import Drill, DrillStatus
from anju.emergency.views_common import PageForm, handle


@login_required
def drill_list(request):
    request.user.require("emergency.view")
    drills = scoped(request.user, Drill).select_related("area", "plan")
    page = Paginator(drills, 20).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows, total = programme_figures(request.user, today.year, today)
    return render(
        request,
        "emergency/drill_list.html",
        {
            "page": page,
            "can_drill": may(request.user, "emergency.drill"),
            "figures_year": today.year,
            "figures_rows": rows,
            "figures_total": total,
        },
    )


@login_required
def drill_new(request):
    if request.method == "GET" and not may(request.user, "emergency.drill"):
        raise PermissionDenied
    user = request.user
    page_forms = {
        "drill": PageForm(
            make=lambda data: DrillNewForm(user, data),
            act=lambda d, v: actions.plan_drill(user, form=d.pop("drill_form"), **d),
            message=_("演练计划已登记。"),
        )
    }
    response, forms, status = handle(
        request, page_forms, lambda drill: reverse("emergency:drill", args=[drill.pk])
    )
    if response is not None:
        return response
    return render(
        request,
        "emergency/form.html",
        {"form": forms["drill"], "form_name": "drill", "title": _("计划应急演练")},
        status=status,
    )


@login_required
def drill_detail(request, pk: int):
    request.user.require("emergency.view")
    user = request.user
    drill = get_scoped_or_404(user, Drill.objects.select_related("area", "plan"), pk=pk)
    page_forms = {}
    if drill.status == DrillStatus.PLANNED:
        page_forms["record"] = PageForm(
            make=lambda data: DrillRecordForm(data, initial={"date": drill.date}),
            act=lambda d, v: actions.record_drill(user, drill, seen_version=v, **d),
            message=_("演练已记录为已实施。"),
        )
    else:
        page_forms["finding"] = PageForm(
            make=lambda data: FindingForm(user, data),
            act=lambda d, v: actions.add_finding(user, drill, **d),
            message=_("问题已登记，整改任务已下达。"),
        )
    response, forms, status = handle(request, page_forms, request.path)
    if response is not None:
        return response
    return render(
        request,
        "emergency/drill_detail.html",
        {
            "drill": drill,
            "findings": drill.findings.select_related("task__owner_unit"),
            "forms": forms,
            "can_drill": may(user, "emergency.drill"),
        },
        status=status,
    )
