"""预警 pages: list, draft (by hand or from a signal), detail with issue/update/lift/acknowledge, CAP, Atom."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.api_tokens import login_or_token_required
from anju.core.errors import WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.params import id_param
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.warning import actions, cap
from anju.warning.forms import AlertForm, ReasonForm
from anju.warning.models import Alert, AlertLevel, AlertStatus, MessageType, Signal


@login_required
def alert_list(request):
    request.user.require("alert.view")
    alerts = scoped(request.user, Alert).select_related("domain", "area", "issuing_unit")
    state = request.GET.get("state", "current")
    if state == "current":
        alerts = alerts.filter(status=AlertStatus.ISSUED).exclude(msg_type=MessageType.CANCEL)
    elif state == "draft":
        alerts = alerts.filter(status=AlertStatus.DRAFT)
    page = Paginator(alerts, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "warning/alert_list.html",
        {"page": page, "state": state, "can_manage": may(request.user, "alert.manage")},
    )


PREFILL_FIELDS = ("domain", "area", "level", "headline", "expected", "measures")


@login_required
def alert_new(request):
    if request.method == "GET" and not may(request.user, "alert.manage"):
        raise PermissionDenied  # the form is no use to this role; a POST is the action's to refuse
    signal = None
    status = 200
    if (signal_id := id_param(request.GET.get("signal"))) is not None:
        signal = get_scoped_or_404(
            request.user, Signal.objects.select_related("area", "domain"), pk=signal_id
        )
    if request.method == "POST":
        form = AlertForm(request.user, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                alert = actions.draft_alert(request.user, signal=signal, **data)
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = http_status(exc) if isinstance(exc, WorkflowError) else 200
            else:
                messages.success(request, _("预警草稿已保存，核对后请点击“发布”。"))
                return redirect("warning:alert", alert.pk)
    else:
        initial = {"onset": timezone.localtime().replace(second=0, microsecond=0)}
        if signal is not None:
            from anju.warning.describe import alert_text_from_signal

            initial.update(
                domain=signal.domain,
                area=signal.area,
                level="yellow",
                **alert_text_from_signal(signal, timezone.localdate()),
            )
        else:
            # a draft pre-filled by another page (a hotspot or a case: 起草预警); only initial values,
            # the form checks them when the draft is saved
            initial.update({k: request.GET[k] for k in PREFILL_FIELDS if request.GET.get(k)})
        form = AlertForm(request.user, initial=initial)
    return render(request, "warning/alert_form.html", {"form": form, "signal": signal}, status=status)


@login_required
def alert_detail(request, pk: int):
    request.user.require("alert.view")
    return _detail_page(request, pk)


def _incident_offer_url(user, alert: Alert) -> str:
    """A current top-level (red) warning offers opening an incident, when the emergency app is installed."""
    if not (alert.level == AlertLevel.RED and alert.is_current and may(user, "emergency.incident")):
        return ""
    try:
        return reverse("emergency:incident_new")
    except NoReverseMatch:
        return ""


def _detail_page(request, pk: int, *, status: int = 200):
    alert = get_scoped_or_404(
        request.user, Alert.objects.select_related("domain", "area", "issuing_unit", "references"), pk=pk
    )
    recipients = alert.recipients.select_related("unit", "acknowledged_by")
    mine = recipients.filter(unit=request.user.unit).first() if request.user.unit_id else None
    chain = []
    node = alert
    while node.references_id:
        node = node.references
        chain.append(node)
    return render(
        request,
        "warning/alert_detail.html",
        {
            "alert": alert,
            "recipients": recipients,
            "mine": mine,
            "chain": chain,
            "followers": alert.followers.all(),
            "can_manage": may(request.user, "alert.manage"),
            "can_change": may(request.user, "alert.manage") and actions.at_issuing_level(request.user, alert),
            "incidents": list(alert.incidents.all()) if hasattr(alert, "incidents") else [],
            "incident_offer_url": _incident_offer_url(request.user, alert),
            "reason_form": ReasonForm(),
            "update_form": AlertForm(
                request.user,
                initial={
                    f: getattr(alert, f)
                    for f in (
                        "domain",
                        "level",
                        "headline",
                        "area",
                        "expected",
                        "measures",
                        "urgency",
                        "certainty",
                    )
                }
                | {"onset": timezone.localtime(alert.onset), "recipients": [r.unit for r in recipients]},
            ),
        },
        status=status,
    )


@login_required
@require_POST
def alert_action(request, pk: int, action: str):
    request.user.require("alert.view")
    alert = get_scoped_or_404(request.user, Alert, pk=pk)
    note = request.POST.get("note", "")
    version = request.POST.get("version")  # the version the page showed: a stale tab is refused
    try:
        if action == "issue":
            actions.issue_alert(request.user, alert, version=version)
            messages.success(request, _("预警已发布，接收单位须签收。"))
        elif action == "lift":
            cancel = actions.lift_alert(request.user, alert, note=note, version=version)
            messages.success(request, _("预警已解除。"))
            return redirect("warning:alert", cancel.pk)
        elif action == "update":
            form = AlertForm(request.user, request.POST)
            form.is_valid()
            changes = {k: v for k, v in form.cleaned_data.items() if k != "recipients"}
            successor = actions.update_alert(request.user, alert, note=note, version=version, **changes)
            messages.success(request, _("已发布更新。"))
            return redirect("warning:alert", successor.pk)
        elif action == "acknowledge":
            actions.acknowledge_alert(request.user, alert)
            messages.success(request, _("已签收。"))
        else:
            return HttpResponse(status=404)
    except ValidationError as exc:  # WorkflowError and Conflict included: a refusal, never a 500
        for error in exc.messages:
            messages.error(request, error)
        return _detail_page(request, alert.pk, status=http_status(exc))
    return redirect("warning:alert", alert.pk)


@login_or_token_required  # other systems syndicate warnings with an API token (read scope is enough)
def alert_cap(request, pk: int):
    request.user.require("alert.view")
    alert = get_scoped_or_404(
        request.user, Alert.objects.select_related("domain", "area", "issuing_unit"), pk=pk
    )
    try:
        body = cap.to_cap_xml(alert)
    except cap.NotExportable as exc:
        return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/cap+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{alert.identifier}.xml"'
    return response


@login_or_token_required
def alert_feed(request):
    request.user.require("alert.view")
    alerts = (
        scoped(request.user, Alert)
        .filter(status=AlertStatus.ISSUED)
        .exclude(msg_type=MessageType.CANCEL)
        .select_related("domain", "area")
    )
    body = cap.atom_feed(
        alerts,
        feed_url=request.build_absolute_uri(reverse("warning:feed")),
        alert_url=lambda a: request.build_absolute_uri(reverse("warning:cap", args=[a.pk])),
    )
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
