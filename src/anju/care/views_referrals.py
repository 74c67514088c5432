"""Pages of referrals (转介): the form from a matter, the receiving unit's inbox, a referral with its answer
forms, and the directory of service units. Thin: find the object in scope (404 outside), call one action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.care import actions
from anju.care.forms_referrals import (
    CloseForm,
    DeclineForm,
    OutcomeForm,
    ReferralForm,
    ServiceForm,
    directory_for,
)
from anju.care.models import Referral, ReferralStatus, ServiceKind, ServiceUnit
from anju.core.errors import NotAllowed, http_status
from anju.core.forms import add_action_errors
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, in_scope, scoped
from anju.matters.models import Matter

PAGE_SIZE = 30


def _require_view(user) -> None:
    if not may(user, "care.referral_view"):
        raise PermissionDenied(_("您的角色无权查看转介。"))


def _run(form, call):
    """Call the action with the valid form's data; returns (result, status): the action's errors go beside
    the form's fields, a refusal, a stale version or a step the state does not allow at the top."""
    if not form.is_valid():
        return None, 400
    try:
        return call(form.cleaned_data), 200
    except ValidationError as exc:  # NotAllowed, Conflict and WorkflowError included
        add_action_errors(form, exc)
        return None, http_status(exc)


@login_required
def referral_new(request, matter_pk: int):
    user = request.user
    matter = get_scoped_or_404(user, Matter.objects.select_related("area"), pk=matter_pk)
    if not may(user, "care.refer"):
        raise PermissionDenied(_("您的角色无权转介。"))
    form = ReferralForm(matter, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        referral, status = _run(
            form,
            lambda d: actions.send_referral(
                user,
                matter,
                party=d["party"],
                service_unit=d["service_unit"],
                purpose=d["purpose"],
                consent=d["consent"] == "yes",
                consent_method=d["consent_method"],
                consent_note=d["consent_note"],
            ),
        )
        if referral is not None:
            messages.success(request, _("转介已发送。"))
            return redirect("care:referral", referral.pk)
    referrals = scoped(user, Referral).filter(matter=matter).select_related("service_unit", "party")
    context = {"matter": matter, "form": form, "referrals": referrals, "has_parties": matter.parties.exists()}
    return render(request, "care/referral_form.html", context, status=status)


@login_required
def referral_list(request):
    """The inbox: referrals addressed to the user's unit (待接收 first); ``?box=sent``: those of the user's
    area, as the handlers of the matters see them."""
    user = request.user
    _require_view(user)
    box = "sent" if request.GET.get("box") == "sent" else "received"
    referrals = scoped(user, Referral).select_related("matter", "service_unit", "party")
    if box == "received":
        referrals = referrals.filter(service_unit__unit_id=user.unit_id) if user.unit_id else referrals.none()
    status = request.GET.get("status", "")
    if status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    waiting_first = Case(
        When(status=ReferralStatus.SENT, then=0), When(status=ReferralStatus.ACCEPTED, then=1), default=2
    )
    ordered = referrals.order_by(waiting_first, "-sent_at", "-pk")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "box": box,
        "status": status,
        "statuses": ReferralStatus.choices,
        "waiting": scoped(user, Referral)
        .filter(service_unit__unit_id=user.unit_id, status=ReferralStatus.SENT)
        .count()
        if user.unit_id
        else 0,
    }
    return render(request, "care/referral_list.html", context)


def _detail_context(user, referral: Referral, forms: dict | None = None) -> dict:
    receiving = referral.service_unit.unit_id is not None and user.unit_id == referral.service_unit.unit_id
    answers = receiving or (referral.service_unit.unit_id is None and may(user, "care.refer"))
    forms = forms or {}
    return {
        "referral": referral,
        "matter_visible": scoped(user, Matter).filter(pk=referral.matter_id).exists(),
        "receiving": receiving,
        "may_answer": answers and may(user, "care.receive" if receiving else "care.refer"),
        "may_close": may(user, "care.refer")
        and in_scope(user, referral.matter.area)
        and referral.status != ReferralStatus.CLOSED,
        "may_contact": (receiving and referral.is_open) or (not receiving and may(user, "care.refer")),
        "decline_form": forms.get("decline") or DeclineForm(),
        "outcome_form": forms.get("outcome") or OutcomeForm(),
        "close_form": forms.get("close") or CloseForm(),
        "statuses": ReferralStatus,
    }


def _referral_or_404(user, pk: int) -> Referral:
    return get_scoped_or_404(
        user,
        Referral.objects.select_related(
            "matter", "matter__area", "service_unit", "service_unit__unit", "party"
        ),
        pk=pk,
    )


@login_required
def referral_detail(request, pk: int):
    user = request.user
    _require_view(user)
    referral = _referral_or_404(user, pk)
    return render(request, "care/referral_detail.html", _detail_context(user, referral))


STEPS = {
    "accept": (None, lambda user, r, d, v: actions.accept_referral(user, r, version=v), _("已接收转介。")),
    "decline": (
        DeclineForm,
        lambda user, r, d, v: actions.decline_referral(user, r, reason=d["reason"], version=v),
        _("已拒绝转介。"),
    ),
    "outcome": (
        OutcomeForm,
        lambda user, r, d, v: actions.record_outcome(
            user, r, outcome=d["outcome"], outcome_on=d["outcome_on"], version=v
        ),
        _("服务结果已记录。"),
    ),
    "close": (
        CloseForm,
        lambda user, r, d, v: actions.close_referral(user, r, note=d["note"], version=v),
        _("转介已结束。"),
    ),
}


@login_required
@require_POST
def referral_step(request, pk: int, step: str):
    user = request.user
    _require_view(user)
    referral = _referral_or_404(user, pk)
    form_class, act, message = STEPS[step]
    version = request.POST.get("version")
    if form_class is None:
        try:
            act(user, referral, {}, version)
        except NotAllowed as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, message)
        return redirect("care:referral", referral.pk)
    form = form_class(request.POST)
    result, status = _run(form, lambda d: act(user, referral, d, version))
    if result is not None:
        messages.success(request, message)
        return redirect("care:referral", referral.pk)
    referral.refresh_from_db()
    context = _detail_context(user, referral, {step: form})
    return render(request, "care/referral_detail.html", context, status=status)


@login_required
@require_POST
def referral_contact(request, pk: int):
    """The party's phone for the service (htmx), each reveal logged by the action."""
    user = request.user
    _require_view(user)
    referral = _referral_or_404(user, pk)
    try:
        phone = actions.reveal_referral_contact(user, referral)
    except ValidationError as exc:  # a refusal or a referral already answered
        raise PermissionDenied(" ".join(exc.messages)) from None
    return HttpResponse(f'<span class="revealed">{escape(phone) or "—"}</span>')


# The directory of service units


@login_required
def service_list(request):
    user = request.user
    _require_view(user)
    services = directory_for(user)
    kind = request.GET.get("kind", "")
    if kind in ServiceKind.values:
        services = services.filter(kind=kind)
    if request.GET.get("inactive") != "1":
        services = services.filter(active=True)
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "editable": set(
            scoped(user, ServiceUnit).filter(pk__in=[s.pk for s in page]).values_list("pk", flat=True)
        ),
        "kind": kind,
        "kinds": ServiceKind.choices,
        "show_inactive": request.GET.get("inactive") == "1",
        "can_manage": may(user, "care.services"),
    }
    return render(request, "care/service_list.html", context)


def _service_fields(d: dict) -> dict:
    return {
        k: d[k]
        for k in ("name", "kind", "area", "unit", "contact_position", "contact_phone", "address", "note")
    }


@login_required
def service_new(request):
    user = request.user
    if not may(user, "care.services"):
        raise PermissionDenied(_("您的角色无权管理服务机构。"))
    form = ServiceForm(user, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        service, status = _run(form, lambda d: actions.create_service(user, **_service_fields(d)))
        if service is not None:
            messages.success(request, _("服务机构已登记。"))
            return redirect("care:services")
    return render(request, "care/service_form.html", {"form": form, "service": None}, status=status)


@login_required
def service_edit(request, pk: int):
    user = request.user
    if not may(user, "care.services"):
        raise PermissionDenied(_("您的角色无权管理服务机构。"))
    service = get_scoped_or_404(user, ServiceUnit, pk=pk)
    initial = {
        **{k: getattr(service, k) for k in ("name", "kind", "contact_position", "contact_phone")},
        "area": service.area_id,
        "unit": service.unit_id,
        "address": service.address,
        "note": service.note,
    }
    form = ServiceForm(user, request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        version = request.POST.get("version")
        saved, status = _run(
            form, lambda d: actions.update_service(user, service, version=version, **_service_fields(d))
        )
        if saved is not None:
            messages.success(request, _("服务机构已保存。"))
            return redirect("care:services")
        service.refresh_from_db()
    return render(request, "care/service_form.html", {"form": form, "service": service}, status=status)


@login_required
@require_POST
def service_active(request, pk: int):
    """Deactivate (停用) or reactivate a service unit, after the page's confirmation."""
    user = request.user
    if not may(user, "care.services"):
        raise PermissionDenied(_("您的角色无权管理服务机构。"))
    service = get_scoped_or_404(user, ServiceUnit, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        actions.set_service_active(user, service, active, version=request.POST.get("version"))
    except NotAllowed as exc:
        raise PermissionDenied(" ".join(exc.messages)) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("服务机构已启用。") if active else _("服务机构已停用。"))
    return redirect("care:services")
