"""监测方法 pages: each domain's detection method and controls, and the form that changes them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from anju.core.errors import WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.models import Domain
from anju.core.permissions import may
from anju.warning import actions
from anju.warning.detection import (
    CONTROL_FIELDS,
    DEFAULT_METHOD,
    applicable_controls,
    control_text,
    effective_controls,
)
from anju.warning.forms import DetectionForm
from anju.warning.models import DomainDetection, Method


def _controls_line(controls: dict) -> str:
    return "，".join(f"{name} = {control_text(value)}" for name, value in controls.items())


@login_required
def detection_list(request):
    request.user.require("signals.view")
    configured = {d.domain_id: d for d in DomainDetection.objects.all()}
    rows = []
    for domain in Domain.objects.filter(active=True).order_by("sort_order", "code"):
        setting = configured.get(domain.pk)
        method = setting.method if setting else DEFAULT_METHOD
        own = setting.controls if setting else {}
        rows.append(
            {
                "domain": domain,
                "method": Method(method).label,
                "configured": setting is not None,
                "controls": _controls_line(effective_controls(method, own)),
                "own": _controls_line(own),
            }
        )
    return render(
        request,
        "warning/detection_list.html",
        {
            "rows": rows,
            "can_configure": may(request.user, "signals.configure"),
            "default_method": Method(DEFAULT_METHOD).label,
        },
    )


def _field_help() -> dict[str, str]:
    """For each control: the methods it applies to and the default each of them uses."""
    help_texts = {}
    for name in CONTROL_FIELDS:
        defaults: dict[str, list[str]] = {}
        for method in Method:
            if name in applicable_controls(method):
                value = control_text(effective_controls(method, {})[name])
                defaults.setdefault(value, []).append(str(method.label))
        help_texts[name] = _("默认：%(defaults)s") % {
            "defaults": "；".join(f"{'、'.join(methods)} {value}" for value, methods in defaults.items())
        }
    return help_texts


@login_required
def detection_edit(request, pk: int):
    if request.method == "GET" and not may(request.user, "signals.configure"):
        raise PermissionDenied  # the form is no use to this role; a POST is the action's to refuse
    domain = get_object_or_404(Domain, pk=pk, active=True)
    setting = DomainDetection.objects.filter(domain=domain).first()
    may_change = actions.may_configure_detection(request.user)
    status = 200
    if request.method == "POST":
        form = DetectionForm(request.POST)
        if form.is_valid():
            try:
                actions.configure_domain(
                    request.user,
                    domain,
                    method=form.cleaned_data["method"],
                    controls=form.controls(),
                    seen_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:  # WorkflowError: not allowed (403) or changed meanwhile (409)
                add_action_errors(form, exc)
                status = http_status(exc) if isinstance(exc, WorkflowError) else 200
            else:
                messages.success(request, _("已保存“%(domain)s”的监测方法。") % {"domain": domain.name})
                return redirect("warning:detection")
    else:
        initial = {
            "method": setting.method if setting else DEFAULT_METHOD,
            "version": setting.version if setting else 0,
        }
        for name, value in (setting.controls if setting else {}).items():
            if name in CONTROL_FIELDS:
                kind = CONTROL_FIELDS[name].kind
                initial[name] = (
                    ("true" if value else "false")
                    if kind == "bool"
                    else (control_text(value) if kind == "pair" else value)
                )
        form = DetectionForm(initial=initial)
    help_texts = _field_help()
    fields = [(form[name], help_texts[name]) for name in CONTROL_FIELDS]
    return render(
        request,
        "warning/detection_form.html",
        {"form": form, "domain": domain, "fields": fields, "may_change": may_change},
        status=status,
    )
