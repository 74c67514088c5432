"""Matters: the ledger (same filters as the ledger page), one matter with its timeline, registering one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from anju.api import lookups
from anju.api.errors import ErrorOut
from anju.api.matter_schemas import MatterDetailOut, MatterIn, MatterPage, matter_detail_out, matter_out
from anju.api.pagination import PageParams
from anju.api.schemas import RevealIn, RevealOut, check_revealable
from anju.api.strict import IsoDate, QueryBool
from anju.api.versions import with_etag
from anju.care import actions as care_actions
from anju.core import actions as core_actions
from anju.core.models import Area, Domain
from anju.core.scoping import get_scoped_or_404
from anju.matters import actions, seek
from anju.matters.filters import DEFAULT_SORT, LedgerFilterForm, apply_filter_form
from anju.matters.models import Matter, MatterKind, MatterParty
from anju.matters.risk import LEVEL_CHOICES

router = Router(tags=["matters"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
DETAIL_RELATED = (
    "domain",
    "area",
    "handling_area",
    "responsible_unit",
    "responsible_person",
    "merged_into",
)


class MatterFilters(Schema):
    """The ledger page's filters; area and domain by code instead of by database id."""

    q: str | None = Field(None, description="number, title or description contains")
    area: str | None = Field(None, description="area code: that area and everything below it")
    domain: str | None = Field(None, description="domain code (includes its sub-domains)")
    kind: MatterKind | None = None
    status: str | None = Field(None, description="a status, or 'open' for every open status")
    level: str | None = Field(None, description=" / ".join(code for code, _ in LEVEL_CHOICES))
    overdue: QueryBool = False
    grey_rhino: QueryBool = Field(False, description="only 灰犀牛 matters")
    date_from: IsoDate | None = Field(None, description="registered on or after")
    date_to: IsoDate | None = Field(None, description="registered on or before")
    sort: str | None = Field(
        None,
        description="-registered (default), registered, deadline, -deadline, level, -level, number, -number",
    )


def _ledger_params(filters: MatterFilters) -> dict:
    params = {k: v for k, v in filters.dict().items() if v not in (None, "", False)}
    # The ledger form takes database ids; an unknown code becomes an id that matches nothing, so the
    # form reports it as an invalid choice instead of silently widening the query.
    if "area" in params:
        params["area"] = Area.objects.filter(code=params["area"]).values_list("pk", flat=True).first() or 0
    if "domain" in params:
        params["domain"] = (
            Domain.objects.filter(code=params["domain"]).values_list("pk", flat=True).first() or 0
        )
    for key in ("date_from", "date_to"):
        if key in params:
            params[key] = params[key].isoformat()
    if "kind" in params:
        params["kind"] = str(params["kind"].value)
    for key in ("overdue", "grey_rhino"):
        if params.get(key):
            params[key] = "on"
    return params


class CursorParams(Schema):
    cursor: str | None = Field(
        None,
        max_length=1000,
        description="a position from a previous answer's `next` or `previous` link (opaque); the page it "
        "names costs the same at any depth, and carries no count. Without it, `page` numbers the pages "
        "(exact count; deep pages are slow on a large ledger)",
    )


@router.get(
    "/matters",
    response={200: MatterPage, 400: ErrorOut, **ERRORS},
    summary="The ledger (事项台账)",
    description="Pages by number (`page`, with the exact `count`) or by cursor (`cursor`, from the `next` "
    "and `previous` links of any answer). Follow `next` to read a large ledger: a page by cursor costs "
    "the same at any depth, a numbered page reads every row before it. A cursor that does not parse or "
    "was made for another `sort` is refused with 400.",
)
def list_matters(
    request, filters: Query[MatterFilters], page: Query[PageParams], position: Query[CursorParams]
):
    user = request.auth
    user.require("matter.view")
    form = LedgerFilterForm(user, _ledger_params(filters))
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    matters, cleaned = apply_filter_form(form)
    sort = cleaned.get("sort") or DEFAULT_SORT
    size = page.page_size or settings.ANJU_PAGE_SIZE
    out = {"page_size": size, "count": None, "page": None, "pages": None}
    if position.cursor:
        try:
            found = seek.seek(matters, sort, size, cursor=position.cursor)
        except seek.BadCursor:
            message = _("分页游标无效或已过期（它须来自同一排序的 next/previous 链接）。")
            return Status(400, {"detail": message, "errors": {"cursor": [message]}})
    else:
        count = matters.count()
        pages = max(1, -(-count // size))
        out.update(count=count, page=page.page, pages=pages)
        # a page past the end is empty (and never asks the database for an absurd OFFSET)
        found = seek.by_number(matters if page.page <= pages else matters.none(), sort, size, page.page)
    return {
        **out,
        "next": _link(request, found.next_cursor),
        "previous": _link(request, found.previous_cursor),
        "items": [matter_out(matter) for matter in found],
    }


def _link(request, cursor: str | None) -> str | None:
    """This request's URL at another position: its filters and page size kept, ``page`` dropped."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query.pop("page", None)
    query["cursor"] = cursor
    return f"{request.path}?{query.urlencode()}"


def scoped_matter_or_404(user, matter_id: int) -> Matter:
    user.require("matter.view")
    return get_scoped_or_404(user, Matter.objects.select_related(*DETAIL_RELATED), pk=matter_id)


@router.get(
    "/matters/{matter_id}",
    response={200: MatterDetailOut, **ERRORS},
    summary="One matter with its timeline (personal data masked)",
)
def get_matter(request, matter_id: int, response: HttpResponse):
    matter = scoped_matter_or_404(request.auth, matter_id)
    return matter_detail_out(request.auth, with_etag(response, matter))


@router.post("/matters", response={201: MatterDetailOut, **ERRORS}, summary="Register a matter (登记)")
def create_matter(request, payload: MatterIn):
    user = request.auth
    user.require("matter.create")
    area = lookups.scoped_area(user, payload.area)
    domain = lookups.domain(payload.domain)
    data = payload.dict(exclude={"area", "domain", "kind", "parties"})
    parties = [{**p.dict(), "role": str(p.role.value)} for p in payload.parties]
    matter = actions.create_matter(
        user, kind=str(payload.kind.value), domain=domain, area=area, parties=parties, **data
    )
    return Status(201, matter_detail_out(user, scoped_matter_or_404(user, matter.pk)))


@router.post(
    "/matters/{matter_id}/parties/{party_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Reveal one personal-data field of a party, for a purpose (logged)",
    description="The roles that may reveal personal data reveal any field of a party in their scope; the "
    "matter's handlers (its responsible person, members of its responsible and co-handling units) reveal "
    "its parties' name and phone. Either names a purpose, recorded with the reveal.",
)
def reveal_party(request, matter_id: int, party_id: int, payload: RevealIn):
    user = request.auth
    matter = scoped_matter_or_404(user, matter_id)
    party = get_scoped_or_404(
        user, MatterParty.objects.filter(matter=matter).select_related("matter__area"), pk=party_id
    )
    value = care_actions.reveal_party(
        user, party, payload.field, purpose=payload.purpose, purpose_text=payload.purpose_text
    )
    return {"field": payload.field, "value": value}


@router.post(
    "/matters/{matter_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Reveal the original of a matter's free text, stored masked: field description (logged)",
)
def reveal_matter_text(request, matter_id: int, payload: RevealIn):
    user = request.auth
    matter = scoped_matter_or_404(user, matter_id)
    check_revealable(user, matter, payload.field)
    return {"field": payload.field, "value": core_actions.reveal_personal_data(user, matter, payload.field)}
