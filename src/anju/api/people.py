"""Who is calling (``/me``), and the units and people a matter can be assigned to."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from anju.api import lookups
from anju.api.errors import ErrorOut
from anju.api.pagination import PageParams, paginate
from anju.api.schemas import AreaRef, Page, area_ref
from anju.core.models import Unit, UnitKind, User
from anju.core.roles import permissions_of
from anju.core.scoping import get_scoped_or_404, scoped

router = Router(tags=["people and units"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    area: AreaRef | None = None
    unit: str | None = None
    permissions: list[str] = Field(description="from the role table")


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    area: AreaRef


class UnitPage(Page):
    items: list[UnitOut]


class MemberOut(Schema):
    id: int
    name: str
    role: str
    role_label: str


class UnitFilters(Schema):
    area: str | None = Field(None, description="area code: units of that area and below")
    kind: UnitKind | None = None


def unit_out(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "kind": unit.kind,
        "kind_label": str(unit.get_kind_display()),
        "area": area_ref(unit.area),
    }


@router.get("/me", response=MeOut, summary="The authenticated user, their scope and permissions")
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "name": str(user),
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "area": area_ref(user.area),
        "unit": user.unit.name if user.unit_id else None,
        "permissions": permissions_of(user.role) if user.is_active else [],
    }


@router.get(
    "/units", response={200: UnitPage, 401: ErrorOut, 422: ErrorOut}, summary="Units in the user's scope"
)
def list_units(request, filters: Query[UnitFilters], page: Query[PageParams]):
    user = request.auth
    units = scoped(user, Unit).select_related("area")
    if filters.area:
        units = units.filter(area__path__startswith=lookups.scoped_area(user, filters.area).path)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    return paginate(units.order_by("area__path", "kind", "name"), page, unit_out)


@router.get(
    "/units/{unit_id}/members",
    response={200: list[MemberOut], 401: ErrorOut, 404: ErrorOut},
    summary="Active members of a unit: the people a matter can be assigned to",
)
def unit_members(request, unit_id: int):
    unit = get_scoped_or_404(request.auth, Unit, pk=unit_id)
    members = User.objects.filter(unit=unit, is_active=True).order_by("username")
    return [
        {"id": u.pk, "name": str(u), "role": u.role, "role_label": str(u.get_role_display())} for u in members
    ]
