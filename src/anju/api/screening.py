"""排查 (screening): rounds with their completeness, returns, and filing a return through ``screening.actions``.

A round belongs to a county, but a user sees of it only the returns in their scope (``screening.queries``):
a village cadre sees the rounds their village files, with their own return. A return is filed through
``screening.actions.file_return`` (every active domain answered, or a zero report); send the ``version`` of
the return you read, a stale one is 409.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from anju.api import lookups
from anju.api.errors import ErrorOut
from anju.api.pagination import PageParams, paginate
from anju.api.schemas import AreaRef, Page, PersonRef, UnitRef, area_ref, person_ref, unit_ref
from anju.api.strict import IsoDate, StrictBool, StrictIn, StrictInt, StrictStr, Text, masked
from anju.api.versions import seen_version, with_etag
from anju.core.models import Domain
from anju.core.scoping import get_scoped_or_404, scoped
from anju.matters.models import Matter, MatterKind
from anju.screening import actions
from anju.screening.models import FILING_LEVELS, Return, ReturnLine, RoundStatus
from anju.screening.queries import completeness, get_round_or_404, visible_rounds

router = Router(tags=["screening"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
STATE_LABELS = {
    "filed": gettext_lazy("按时报送"),
    "late": gettext_lazy("逾期报送"),
    "overdue": gettext_lazy("逾期未报送"),
    "pending": gettext_lazy("待报送"),
}
LEVELS = "、".join(f"{value}={label}" for value, label in FILING_LEVELS)


# output ----------------------------------------------------------------------------------------------------
class CompletenessOut(Schema):
    expected: int = Field(description="returns in your scope")
    filed: int
    late: int
    zero: int
    overdue: int = Field(description="not filed, past the due date")
    missing: int
    rate: float = Field(description="filed / expected, percent")


class RoundOut(Schema):
    id: int
    label: str
    county: AreaRef
    level: int
    level_label: str
    period_kind: str
    period_kind_label: str
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    status: str
    status_label: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None = None
    completeness: CompletenessOut


class RoundRef(Schema):
    id: int
    label: str
    due_date: dt.date
    status: str


class RoundPage(Page):
    items: list[RoundOut]


class ReturnOut(Schema):
    id: int
    round: RoundRef
    area: AreaRef
    state: str = Field(description="filed / late / overdue (not filed, past due) / pending")
    state_label: str
    filed_at: dt.datetime | None = None
    late: bool
    zero_report: bool
    matters_found: int
    unit: UnitRef | None = None
    department: UnitRef | None = Field(
        None, description="the department unit (镇直单位) whose own return it is"
    )
    filed_by: PersonRef | None = None


class FoundMatterOut(Schema):
    id: int
    number: str
    title: str
    description: str = Field(description="stored masked")


class LineOut(Schema):
    domain: str
    domain_name: str
    nothing_found: bool
    matters_count: int
    matters: list[FoundMatterOut] = Field(description="those in your scope")


class ReturnDetailOut(ReturnOut):
    version: int = Field(description="send it back as `version` or If-Match when filing; stale: 409")
    note: str = Field(description="personal data masked")
    lines: list[LineOut]


class ReturnPage(Page):
    items: list[ReturnOut]


def _counts(c) -> dict:
    return {
        "expected": c.expected,
        "filed": c.filed,
        "late": c.late,
        "zero": c.zero,
        "overdue": c.overdue,
        "missing": c.missing,
        "rate": c.rate,
    }


def round_out(round_, counts) -> dict:
    return {
        "id": round_.pk,
        "label": round_.label,
        "county": area_ref(round_.county),
        "level": round_.level,
        "level_label": str(round_.get_level_display()),
        "period_kind": round_.period_kind,
        "period_kind_label": str(round_.get_period_kind_display()),
        "period_start": round_.period_start,
        "period_end": round_.period_end,
        "due_date": round_.due_date,
        "status": round_.status,
        "status_label": str(round_.get_status_display()),
        "opened_at": round_.opened_at,
        "closed_at": round_.closed_at,
        "completeness": _counts(counts),
    }


def return_out(ret) -> dict:
    state = ret.state()
    return {
        "id": ret.pk,
        "round": {
            "id": ret.round_id,
            "label": ret.round.label,
            "due_date": ret.round.due_date,
            "status": ret.round.status,
        },
        "area": area_ref(ret.area),
        "state": state,
        "state_label": str(STATE_LABELS[state]),
        "filed_at": ret.filed_at,
        "late": ret.late,
        "zero_report": ret.zero_report,
        "matters_found": ret.matters_found,
        "unit": unit_ref(ret.unit),
        "department": unit_ref(ret.department),
        "filed_by": person_ref(ret.filed_by),
    }


def return_detail_out(ret) -> dict:
    out = return_out(ret)
    out.update(
        version=ret.version,
        note=masked(ret.note),
        lines=[
            {
                "domain": line.domain.code,
                "domain_name": line.domain.name,
                "nothing_found": line.nothing_found,
                "matters_count": line.matters_count,
                "matters": [
                    {"id": m.pk, "number": m.number, "title": m.title, "description": m.description}
                    for m in line.matters.all()
                ],
            }
            for line in ret.lines.all()
        ],
    )
    return out


# input -----------------------------------------------------------------------------------------------------
class RoundFilters(Schema):
    level: int | None = Field(None, description=LEVELS)
    status: RoundStatus | None = None
    since: IsoDate | None = Field(None, description="periods ending on or after (YYYY-MM-DD)")


class ReturnFilters(Schema):
    round: int | None = Field(None, description="round id")
    area: str | None = Field(None, description="area code: that area and everything below it")
    state: Literal["filed", "late", "missing", "overdue", "pending"] | None = Field(
        None, description="filed (on time), late, missing (not filed), overdue (missing, past due), pending"
    )
    zero_report: bool | None = Field(None, description="filed returns with (true) or without (false) 零报告")
    q: str | None = Field(None, description="area name contains")


class FoundMatterIn(StrictIn):
    kind: MatterKind
    title: StrictStr = Field(..., max_length=200)
    description: Text = Field(..., description="personal data is stored masked, the original encrypted")
    people_involved: StrictInt = Field(0, ge=0)
    amount_involved: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2, description="yuan")


class LineIn(StrictIn):
    domain: StrictStr = Field(..., description="domain code")
    nothing_found: StrictBool = Field(False, description="无: nothing found in this domain")
    matters: list[FoundMatterIn] = Field([], description="matters found; each is registered in the ledger")


class FileReturnIn(StrictIn):
    version: StrictInt | None = Field(None, description="the return's version you read; stale: 409")
    zero_report: StrictBool = Field(False, description="零报告: nothing found in any domain (send no lines)")
    lines: list[LineIn] = Field([], description="one per active domain, unless zero_report")
    note: Text = ""
    explanation: Text = Field(
        "", description="why 无 or 零报告 where the ledger holds matters of the period (then required)"
    )


# routes ----------------------------------------------------------------------------------------------------
@router.get("/screening/rounds", response={200: RoundPage, **ERRORS}, summary="Screening rounds (排查轮次)")
def list_rounds(request, filters: Query[RoundFilters], page: Query[PageParams]):
    user = request.auth
    user.require("screening.view")
    rounds = visible_rounds(user)
    if filters.level is not None:
        rounds = rounds.filter(level=filters.level)
    if filters.status:
        rounds = rounds.filter(status=filters.status)
    if filters.since:
        rounds = rounds.filter(period_end__gte=filters.since)
    rounds = rounds.annotate(
        open_first=Case(
            When(status=RoundStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("open_first", "-period_start", "-level", "-id")
    result = paginate(rounds, page, lambda round_: round_)
    counts = completeness(user, result["items"])
    result["items"] = [round_out(r, counts[r.pk]) for r in result["items"]]
    return result


@router.get(
    "/screening/rounds/{round_id}",
    response={200: RoundOut, **ERRORS},
    summary="One round, with the completeness of the returns in your scope",
)
def get_round(request, round_id: int):
    user = request.auth
    user.require("screening.view")
    round_ = get_round_or_404(user, round_id)
    return round_out(round_, completeness(user, [round_])[round_.pk])


RETURN_RELATED = ("round", "area", "unit", "department", "filed_by")


@router.get("/screening/returns", response={200: ReturnPage, **ERRORS}, summary="Returns (排查报表)")
def list_returns(request, filters: Query[ReturnFilters], page: Query[PageParams]):
    user = request.auth
    user.require("screening.view")
    returns = scoped(user, Return).select_related(*RETURN_RELATED)
    if filters.round is not None:
        returns = returns.filter(round_id=filters.round)
    if filters.area:
        area = lookups.scoped_area(user, filters.area)
        returns = returns.filter(area__path__startswith=area.path)
    today = timezone.localdate()
    state = {
        "filed": Q(filed_at__isnull=False, late=False),
        "late": Q(late=True),
        "missing": Q(filed_at__isnull=True),
        "overdue": Q(filed_at__isnull=True, round__due_date__lt=today),
        "pending": Q(filed_at__isnull=True, round__due_date__gte=today),
    }
    if filters.state:
        returns = returns.filter(state[filters.state])
    if filters.zero_report is not None:
        returns = returns.filter(zero_report=filters.zero_report, filed_at__isnull=False)
    if filters.q:
        returns = returns.filter(area__name__icontains=filters.q.strip())
    return paginate(returns.order_by("-round__period_start", "area__path", "id"), page, return_out)


def _return_or_404(user, return_id: int) -> Return:
    matters = scoped(user, Matter)
    lines = ReturnLine.objects.select_related("domain").prefetch_related(
        Prefetch("matters", queryset=matters)
    )
    return get_scoped_or_404(
        user,
        Return.objects.select_related(*RETURN_RELATED).prefetch_related(Prefetch("lines", queryset=lines)),
        pk=return_id,
    )


@router.get(
    "/screening/returns/{return_id}",
    response={200: ReturnDetailOut, **ERRORS},
    summary="One return with its lines and the matters registered from it",
)
def get_return(request, return_id: int, response: HttpResponse):
    request.auth.require("screening.view")
    return return_detail_out(with_etag(response, _return_or_404(request.auth, return_id)))


def _lines(payload: FileReturnIn) -> list[dict]:
    """The action's lines: domain codes resolved (an unknown one is an error at its place in the list)."""
    domains = {d.code: d for d in Domain.objects.filter(active=True)}
    errors, lines = {}, []
    for i, line in enumerate(payload.lines):
        domain = domains.get(line.domain.strip())
        if domain is None:
            errors[f"lines.{i}.domain"] = _("风险领域不存在或已停用。")
        matters = [{**m.dict(), "kind": str(m.kind.value)} for m in line.matters]
        lines.append({"domain": domain, "nothing_found": line.nothing_found, "matters": matters})
    if errors:
        raise ValidationError(errors)
    return lines


@router.post(
    "/screening/returns/{return_id}/file",
    response={200: ReturnDetailOut, **ERRORS},
    summary="File a return: every active domain 无 or with the matters found, or a zero report (零报告)",
)
def file_return(request, return_id: int, payload: FileReturnIn, response: HttpResponse):
    user = request.auth
    ret = get_scoped_or_404(user, Return.objects.select_related("round", "area", "department"), pk=return_id)
    actions.file_return(
        user,
        ret.round,
        area=None if ret.department_id else ret.area,
        department=ret.department,
        lines=_lines(payload),
        zero_report=payload.zero_report,
        note=payload.note,
        explanation=payload.explanation,
        version=seen_version(request, payload),
    )
    return return_detail_out(with_etag(response, _return_or_404(user, return_id)))
