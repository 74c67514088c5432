"""Areas (the user's subtree) and the risk-domain taxonomy."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from anju.api.errors import ErrorOut
from anju.api.pagination import PageParams, paginate
from anju.api.schemas import AreaDetailOut, AreaPage, DomainOut, area_out, domain_out
from anju.api.strict import QueryBool
from anju.core.models import Area, AreaLevel, Domain
from anju.core.scoping import get_scoped_or_404, scoped

router = Router(tags=["areas"])


class AreaFilters(Schema):
    level: AreaLevel | None = Field(None, description="1 县, 2 乡镇/街道, 3 村/社区, 4 网格")
    parent: str | None = Field(None, description="code of the parent area: its direct children")
    q: str | None = Field(None, description="name or code contains")


@router.get("/areas", response={200: AreaPage, 422: ErrorOut}, summary="Areas in the user's scope")
def list_areas(request, filters: Query[AreaFilters], page: Query[PageParams]):
    areas = scoped(request.auth, Area).select_related("parent")
    if filters.level is not None:
        areas = areas.filter(level=filters.level)
    if filters.parent:
        areas = areas.filter(parent__code=filters.parent)
    if filters.q:
        q = filters.q.strip()
        areas = areas.filter(name__icontains=q) | areas.filter(code__startswith=q)
    return paginate(areas.order_by("path"), page, area_out)


@router.get("/areas/{code}", response={200: AreaDetailOut, 404: ErrorOut}, summary="One area")
def get_area(request, code: str):
    user = request.auth
    area = get_scoped_or_404(user, Area.objects.select_related("parent"), code=code)
    out = area_out(area)
    out["full_name"] = area.full_name()
    out["children"] = [
        {"code": c.code, "name": c.name} for c in scoped(user, area.children.all()).order_by("path")
    ]
    return out


@router.get("/domains", response=list[DomainOut], summary="Risk domains (the taxonomy, not scoped)")
def list_domains(request, active: QueryBool | None = None):
    domains = Domain.objects.select_related("parent")
    if active is not None:
        domains = domains.filter(active=active)
    return [domain_out(d) for d in domains]
