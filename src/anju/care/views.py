"""Pages of care (关心关爱): my care plans, a party's care page, a plan's visits, the purpose-bound reveal of
a party's contact and the centre's roll-up. Thin: find the object (404 outside), check the form, call one
action, show its errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Min, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from anju.care import access, actions, forms
from anju.care.models import CarePlan, PlanStatus
from anju.care.rollup import high_open_matters, rollup
from anju.core.errors import NotAllowed, http_status
from anju.core.forms import add_action_errors
from anju.core.permissions import may
from anju.core.scoping import scoped

PAGE_SIZE = 30
FIELD_LABELS = {"name": _lazy("姓名/名称"), "phone": _lazy("联系电话"), "id_number": _lazy("身份证号")}


def _need(user, permission: str) -> None:
    if not may(user, permission):
        raise PermissionDenied


@dataclass
class PageForm:
    make: Callable  # (data or None) -> form
    act: Callable  # (cleaned_data, seen_version) -> calls one action
    message: str


def _handle(request, page_forms: dict[str, PageForm], success_url: str):
    """Unbound forms for a GET; for a POST the form named by ``form``: accepted → redirect, else the form
    again with the action's errors and its status. Returns (response or None, forms, status)."""
    bound = {name: pf.make(None) for name, pf in page_forms.items()}
    if request.method != "POST":
        return None, bound, 200
    name = request.POST.get("form")
    if name not in page_forms:
        return None, bound, 400
    form = page_forms[name].make(request.POST)
    status = 400
    if form.is_valid():
        try:
            page_forms[name].act(form.cleaned_data, request.POST.get("version"))
        except ValidationError as exc:  # NotAllowed, Conflict and WorkflowError included
            add_action_errors(form, exc)
            status = http_status(exc)
        else:
            messages.success(request, str(page_forms[name].message))
            return redirect(success_url), bound, 302
    bound[name] = form
    return None, bound, status


def _refusal(request, page_forms, status) -> list[str]:
    """The refusal of a failed step (stale page, plan already ended …), shown at the top of the page: the
    form it came from may no longer be offered."""
    form = page_forms.get(request.POST.get("form")) if status >= 400 else None
    return list(form.non_field_errors()) if form is not None else []


def _plans_of(user):
    """Plans the user may open: those in their scope, and those they are the care person of."""
    return CarePlan.objects.filter(Q(pk__in=scoped(user, CarePlan).values("pk")) | Q(care_person=user))


@login_required
def index(request):
    """My care plans: the ones I am the care person of, the next visit first."""
    _need(request.user, "care.view")
    status = request.GET.get("status", PlanStatus.ACTIVE)
    if status not in PlanStatus.values:
        status = PlanStatus.ACTIVE
    plans = (
        CarePlan.objects.filter(care_person=request.user, status=status)
        .select_related("party__matter__area")
        .annotate(next_visit=Min("visits__planned_on", filter=Q(visits__done_on__isnull=True)))
        .order_by(F("next_visit").asc(nulls_last=True), "-created_at", "pk")
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "care/index.html",
        {
            "page": page,
            "status": status,
            "statuses": PlanStatus.choices,
            "query": f"status={status}",
            "can_rollup": may(request.user, "care.rollup"),
        },
    )


@login_required
def party(request, pk: int):
    """A party's care page: contact (masked, revealed for a purpose), needs, care plans, a new plan."""
    party = access.party_or_404(request.user, pk)
    if not access.may_reveal_party(request.user, party):
        raise PermissionDenied(_("您不是该事项的承办或关爱人员。"))
    matter = party.matter
    user = request.user
    response, page_forms, status = _handle(
        request,
        {
            "needs": PageForm(
                make=lambda data: forms.NeedsForm(
                    data, initial={"needs": list(party.needs.values_list("need", flat=True))}
                ),
                act=lambda c, v: actions.set_needs(user, party, c["needs"]),
                message=_("需求标记已保存。"),
            ),
            "plan": PageForm(
                make=lambda data: forms.OpenPlanForm(matter, data),
                act=lambda c, v: actions.open_plan(
                    user, party, care_person=c["care_person"], reason=c["reason"]
                ),
                message=_("关爱计划已建立。"),
            ),
        },
        request.path,
    )
    if response is not None:
        return response
    context = {
        "party": party,
        "matter": matter,
        "fields": access.revealable_fields_for(user, party),
        "needs": party.needs.all(),
        "plans": party.care_plans.select_related("care_person").order_by("-created_at"),
        "has_active": party.care_plans.filter(status=PlanStatus.ACTIVE).exists(),
        "forms": page_forms,
        "may_plan": may(user, "care.plan"),
        "refusal": _refusal(request, page_forms, status),
    }
    return render(request, "care/party.html", context, status=status)


@login_required
def plan(request, pk: int):
    """A care plan: its party (masked), visits done and planned, and the forms of its care person."""
    _need(request.user, "care.view")
    try:
        plan = _plans_of(request.user).select_related("party__matter__area", "care_person").get(pk=pk)
    except (CarePlan.DoesNotExist, ValueError):
        raise Http404 from None
    user = request.user
    response, page_forms, status = _handle(
        request,
        {
            "visit": PageForm(
                make=lambda data: forms.PlanVisitForm(data),
                act=lambda c, v: actions.plan_visit(
                    user, plan, kind=c["kind"], planned_on=c["planned_on"], version=v
                ),
                message=_("走访已安排。"),
            ),
            "record": PageForm(
                make=lambda data: forms.RecordVisitForm(plan, data),
                act=lambda c, v: actions.record_visit(
                    user,
                    plan,
                    kind=c["kind"],
                    done_on=c["done_on"],
                    note=c["note"],
                    visit=c["visit"],
                    version=v,
                ),
                message=_("走访已记录。"),
            ),
            "close": PageForm(
                make=lambda data: forms.ClosePlanForm(data),
                act=lambda c, v: actions.close_plan(user, plan, reason=c["reason"], version=v),
                message=_("关爱计划已结束。"),
            ),
        },
        request.path,
    )
    if response is not None:
        return response
    reach = access.may_reveal_party(user, plan.party)
    context = {
        "plan": plan,
        "party": plan.party,
        "matter": plan.party.matter,
        "visits": plan.visits.select_related("done_by").order_by("planned_on", "pk"),
        "forms": page_forms,
        "refusal": _refusal(request, page_forms, status),
        "reach": reach,
        "fields": access.revealable_fields_for(user, plan.party),
        "needs": plan.party.needs.all() if reach else (),
        "may_work": plan.is_active and may(user, "care.plan") and (reach or user.pk == plan.care_person_id),
        "may_close": plan.is_active
        and (user.pk == plan.care_person_id or may(user, "personal_data.reveal") and reach),
    }
    return render(request, "care/plan.html", context, status=status)


@login_required
def reveal(request, pk: int, field: str):
    """GET: the purpose form for revealing one field of a party; POST: the value, revealed and logged.
    Loaded into the party's cell by htmx (a fragment), or as a page of its own without script."""
    party = access.party_or_404(request.user, pk)
    if field not in FIELD_LABELS:
        raise Http404
    if field not in access.revealable_fields_for(request.user, party):  # the action refuses too
        raise PermissionDenied(_("您不是该事项的承办或关爱人员。"))
    fragment = request.headers.get("HX-Request") == "true"
    form = forms.RevealPurposeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            value = actions.reveal_party(
                request.user,
                party,
                field,
                purpose=form.cleaned_data["purpose"],
                purpose_text=form.cleaned_data["purpose_text"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        except ValidationError as exc:
            add_action_errors(form, exc)
            # htmx swaps only a 2xx answer: the fragment with its errors comes back as 200
            status = 200 if fragment else 400
        else:
            template = "care/_revealed.html" if fragment else "care/revealed_page.html"
            return render(request, template, {"value": value, "party": party, "field": field})
    elif request.method == "POST":
        status = 200 if fragment else 400
    context = {"form": form, "party": party, "field": field, "field_label": FIELD_LABELS[field]}
    template = "care/_reveal_form.html" if fragment else "care/reveal_page.html"
    return render(request, template, context, status=status)


@login_required
def roll_up(request):
    """The open 较高/最高 matters in scope, each with its parties masked and who looks after them."""
    _need(request.user, "care.rollup")
    page = Paginator(high_open_matters(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "care/rollup.html", {"page": page, "rows": rollup(page.object_list), "query": ""})
