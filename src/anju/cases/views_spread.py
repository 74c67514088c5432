"""Pages of risk spread (风险传导): a case's timeline and crossings, an area's domain→domain matrix, and the
buffer measures (隔离缓冲) on them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.cases import actions
from anju.cases.forms_spread import BufferMeasureForm, EndMeasureForm, SpreadFilterForm
from anju.cases.models import BufferMeasure, Case
from anju.cases.spread import (
    case_crossings,
    case_steps,
    count_by_pair,
    ledger_crossings,
    matrix_of,
    measure_crossings,
    split_at,
)
from anju.cases.spread_timeline import layout
from anju.core.errors import http_status
from anju.core.forms import add_action_errors
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.matters.models import Matter

TOP_PAIRS = 5
RECENT = 20


class Watch:
    """A measure and the crossings it watches, before and since it started."""

    def __init__(self, measure, crossings):
        self.measure = measure
        self.before, self.after = split_at(crossings, measure.started_at)
        self.end_form = EndMeasureForm() if measure.is_active else None

    @property
    def held(self) -> bool:
        return not self.after


def _visible_matter_ids(user, matters) -> set[int]:
    return set(scoped(user, Matter).filter(pk__in=[m.pk for m in matters]).values_list("pk", flat=True))


@login_required
def case_spread(request, pk: int):
    request.user.require("cases.view")
    user = request.user
    case = get_scoped_or_404(user, Case.objects.select_related("area", "lead_unit"), pk=pk)
    matters, links = case_steps(case)
    crossings = case_crossings(case, matters, links)
    measures = list(
        case.buffer_measures.select_related("from_domain", "to_domain", "owner_unit", "owner_user")
    )
    marks = [(m.started_at, m.get_kind_display()) for m in measures]
    return render(
        request,
        "cases/case_spread.html",
        {
            "case": case,
            "matters": matters,
            "crossings": crossings,
            "layout": layout(matters, links, crossings, marks),
            "linkable": _visible_matter_ids(user, matters),
            "watches": [Watch(m, measure_crossings(m, crossings)) for m in measures],
            "can_buffer": may(user, "cases.buffer"),
            "new_url": f"{reverse('cases:buffer_new')}?case={case.pk}",
        },
    )


@login_required
def area_spread(request):
    request.user.require("cases.view")
    user = request.user
    form = SpreadFilterForm(user, request.GET or None)
    area, since, until = user.area, None, None
    if form.is_bound and form.is_valid():
        area = form.cleaned_data["area"] or user.area
        since, until = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    everywhere = ledger_crossings(user)  # the measures' before/after ignore the date filter
    crossings = ledger_crossings(user, area=area, since=since, until=until)
    pairs = count_by_pair(crossings)
    chosen = _chosen_pair(request.GET.get("pair"), pairs)
    measures = (
        scoped(user, BufferMeasure)
        .filter(case__isnull=True)
        .select_related("area", "from_domain", "to_domain", "owner_unit", "owner_user")
    )
    if area is not None:  # and those addressed to the user's unit, wherever they stand
        mine = Q(owner_unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
        measures = measures.filter(Q(area__path__startswith=area.path) | mine)
    query = request.GET.copy()
    query.pop("pair", None)
    return render(
        request,
        "cases/area_spread.html",
        {
            "form": form,
            "area": area,
            "crossings": crossings,
            "matrix": matrix_of(pairs),
            "top_pairs": [p for p in pairs if not p.same_domain][:TOP_PAIRS],
            "chosen": chosen,
            "recent": crossings[::-1][:RECENT],
            "query": query.urlencode(),
            "watches": [Watch(m, measure_crossings(m, everywhere)) for m in measures],
            "can_buffer": may(user, "cases.buffer"),
            "new_url": reverse("cases:buffer_new") + (f"?area={area.pk}" if area is not None else ""),
        },
    )


def _chosen_pair(value, pairs):
    if not value or "-" not in value:
        return None
    for p in pairs:
        if value == f"{p.from_domain.pk}-{p.to_domain.pk}":
            return p
    return None


@login_required
def buffer_new(request):
    """A new measure, on ``?case=`` or on a crossing (``?area=&from_domain=&to_domain=`` pre-fill)."""
    user = request.user
    if not may(user, "cases.buffer"):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    case = None
    if source.get("case"):
        case = get_scoped_or_404(user, Case, pk=_int(source.get("case")))
    initial = {k: source.get(k) for k in ("area", "from_domain", "to_domain") if source.get(k)}
    form = BufferMeasureForm(
        user, request.POST if request.method == "POST" else None, case=case, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                actions.add_measure(user, case=case, **data)
            except ValidationError as exc:  # NotAllowed included
                add_action_errors(form, exc)
                status = 400 if type(exc) is ValidationError else http_status(exc)
            else:
                messages.success(request, _("隔离缓冲措施已登记。"))
                return redirect(_back(case))
    return render(request, "cases/buffer_new.html", {"form": form, "case": case}, status=status)


@login_required
@require_POST
def buffer_end(request, pk: int):
    user = request.user
    measure = get_scoped_or_404(user, BufferMeasure.objects.select_related("case"), pk=pk)
    form = EndMeasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写结束说明。"))
        return redirect(_back(measure.case))
    try:
        actions.end_measure(
            user, measure, note=form.cleaned_data["note"], seen_version=request.POST.get("version")
        )
    except ValidationError as exc:  # NotAllowed, Conflict, WorkflowError included
        if http_status(exc) == 403:
            raise PermissionDenied(" ".join(exc.messages)) from exc
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("措施已结束。"))
    return redirect(_back(measure.case))


def _back(case) -> str:
    return reverse("cases:case_spread", args=[case.pk]) if case is not None else reverse("cases:spread")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
