"""Pages of resources (应急资源): teams, materials with their stock alerts, shelters; a material's dispatches."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.emergency import actions, queries
from anju.emergency.forms import AmountForm, DispatchForm, MaterialForm, ShelterForm, TeamForm
from anju.emergency.forms_preparedness import StocktakeForm
from anju.emergency.models import Dispatch, Material, Shelter, Team
from anju.emergency.views_common import PageForm, handle


@login_required
def resources(request):
    request.user.require("emergency.view")
    user = request.user
    today = timezone.localdate()
    page_forms = {
        "team": PageForm(
            lambda data: TeamForm(user, data), lambda d, v: actions.add_team(user, **d), _("队伍已登记。")
        ),
        "material": PageForm(
            lambda data: MaterialForm(user, data),
            lambda d, v: actions.add_material(user, **d),
            _("物资已登记。"),
        ),
        "shelter": PageForm(
            lambda data: ShelterForm(user, data),
            lambda d, v: actions.add_shelter(user, **d),
            _("避难场所已登记。"),
        ),
    }
    response, forms, status = handle(request, page_forms, request.path)
    if response is not None:
        return response
    materials = scoped(user, Material).select_related("area", "owner_unit")
    return render(
        request,
        "emergency/resources.html",
        {
            "teams": scoped(user, Team).select_related("area", "unit"),
            "materials": materials,
            "shelters": scoped(user, Shelter).select_related("area"),
            "low_ids": set(queries.low_stock(materials).values_list("pk", flat=True)),
            "expiring_ids": set(queries.expiring(today, materials).values_list("pk", flat=True)),
            "forms": forms,
            "can_manage": may(user, "emergency.resource"),
        },
        status=status,
    )


@login_required
def material_detail(request, pk: int):
    request.user.require("emergency.view")
    user = request.user
    material = get_scoped_or_404(user, Material.objects.select_related("area", "owner_unit"), pk=pk)
    page_forms = {
        "dispatch": PageForm(
            lambda data: DispatchForm(user, data),
            lambda d, v: actions.dispatch_material(user, material, seen_version=v, **d),
            _("已调拨，库存已减少。"),
        ),
        "restock": PageForm(
            lambda data: AmountForm(data),
            lambda d, v: actions.restock(user, material, seen_version=v, **d),
            _("已入库。"),
        ),
        "stocktake": PageForm(
            lambda data: StocktakeForm(data),
            lambda d, v: actions.record_stocktake(user, material, seen_version=v, **d),
            _("盘点已登记，账面已按实盘数量更正。"),
        ),
    }
    returning = request.POST.get("dispatch_id") if request.method == "POST" else None
    if returning:
        dispatch = get_scoped_or_404(user, Dispatch.objects.filter(material=material), pk=returning)
        page_forms["return"] = PageForm(
            lambda data: AmountForm(data),
            lambda d, v: actions.return_material(user, dispatch, **d),
            _("归还已登记，库存已增加。"),
        )
    response, forms, status = handle(request, page_forms, request.path)
    if response is not None:
        return response
    return render(
        request,
        "emergency/material_detail.html",
        {
            "material": material,
            "dispatches": material.dispatches.select_related("incident", "dispatched_by"),
            "stocktakes": material.stocktakes.select_related("counted_by"),
            "forms": forms,
            "can_manage": may(user, "emergency.resource"),
        },
        status=status,
    )
