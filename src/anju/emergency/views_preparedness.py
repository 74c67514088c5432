"""Pages of the preparedness records: the yearly drill plans with their completion figures, and the
requisitions (征用) of an incident with their return and compensation. Stocktaking is on the material page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.emergency import actions
from anju.emergency.figures import programme_figures
from anju.emergency.forms_preparedness import (
    CompensationForm,
    ProgrammeForm,
    ProgrammeItemForm,
    RequisitionForm,
    RequisitionReturnForm,
)
from anju.emergency.models import DrillProgramme, Incident, Requisition
from anju.emergency.views_common import PageForm, handle


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except (TypeError, ValueError):
        return today.year
    return year if 2000 <= year <= 2100 else today.year


@login_required
def programmes(request):
    """年度演练计划: the figures per area for a year (``?year=``), each area's plan with its drills, and the
    forms that make a plan and add drills to it."""
    request.user.require("emergency.view")
    user = request.user
    year = _year(request)
    today = timezone.localdate()
    page_forms = {}
    if may(user, "emergency.drill"):
        page_forms["programme"] = PageForm(
            make=lambda data: ProgrammeForm(user, data, initial={"year": year}),
            act=lambda d, v: actions.create_programme(user, **d),
            message=_("年度演练计划已建立。"),
        )
        page_forms["item"] = PageForm(
            make=lambda data: ProgrammeItemForm(user, year, data),
            act=lambda d, v: actions.add_programme_item(
                user, d.pop("programme"), form=d.pop("drill_form"), **d
            ),
            message=_("计划演练已加入，演练已登记为计划中。"),
        )
    response, forms, status = handle(request, page_forms, f"{request.path}?year={year}")
    if response is not None:
        return response
    rows, total = programme_figures(user, year, today)
    plans = (
        scoped(user, DrillProgramme).filter(year=year).select_related("area").prefetch_related("items__drill")
    )
    return render(
        request,
        "emergency/programmes.html",
        {
            "year": year,
            "years": (year - 1, year + 1),
            "today": today,
            "rows": rows,
            "total": total,
            "programmes": plans,
            "forms": forms,
            "can_drill": may(user, "emergency.drill"),
        },
        status=status,
    )


@login_required
def requisitions(request, pk: int):
    """征用 of one incident: what, from whom, the period, how it came back, the compensation paid."""
    request.user.require("emergency.view")
    user = request.user
    incident = get_scoped_or_404(user, Incident.objects.select_related("area"), pk=pk)
    page_forms = {
        "requisition": PageForm(
            make=lambda data: RequisitionForm(data, initial={"started_on": timezone.localdate()}),
            act=lambda d, v: actions.requisition(user, incident, **d),
            message=_("征用已登记。"),
        )
    }
    chosen = request.POST.get("requisition_id") if request.method == "POST" else None
    if chosen:
        item = get_scoped_or_404(user, Requisition.objects.filter(incident=incident), pk=chosen)
        page_forms["return"] = PageForm(
            make=lambda data: RequisitionReturnForm(data),
            act=lambda d, v: actions.return_requisitioned(user, item, seen_version=v, **d),
            message=_("返还已登记。"),
        )
        page_forms["compensation"] = PageForm(
            make=lambda data: CompensationForm(data),
            act=lambda d, v: actions.record_compensation(user, item, seen_version=v, **d),
            message=_("补偿已登记。"),
        )
    response, forms, status = handle(
        request, page_forms, reverse("emergency:requisitions", args=[incident.pk])
    )
    if response is not None:
        return response
    return render(
        request,
        "emergency/requisitions.html",
        {
            "incident": incident,
            "items": incident.requisitions.all(),
            "forms": forms,
            "return_form": RequisitionReturnForm(),
            "compensation_form": CompensationForm(),
            "can_manage": may(user, "emergency.incident"),
        },
        status=status,
    )
