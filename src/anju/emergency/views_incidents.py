"""Pages of incidents (突发事件): list, open (directly, ``?matter=<id>`` or ``?alert=<id>``), the board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anju.core.errors import NotAllowed
from anju.core.params import id_param
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, in_scope, scoped
from anju.emergency import actions, reporting
from anju.emergency.forms import (
    ActivateForm,
    AftermathTaskForm,
    CasualtiesForm,
    CauseForm,
    IncidentForm,
    LevelChangeForm,
    LogForm,
    NoteForm,
    ReleaseForm,
    ReportForm,
    TaskDoneForm,
)
from anju.emergency.matching import matching_plans, proposed_level
from anju.emergency.models import EmergencyTask, Incident, Plan, Release, ResponseStatus
from anju.emergency.views_common import PageForm, handle
from anju.matters.models import Matter
from anju.warning.models import Alert


@login_required
def incident_list(request):
    request.user.require("emergency.view")
    incidents = scoped(request.user, Incident).select_related("area", "plan")
    status = request.GET.get("status")
    if status in ResponseStatus.values:
        incidents = incidents.filter(response_status=status)
    page = Paginator(incidents, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/incident_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ResponseStatus.choices,
            "can_incident": may(request.user, "emergency.incident"),
        },
    )


def _source(request):
    """The matter or warning the incident is opened from, found in the user's scope (404 outside)."""
    matter = alert = None
    if request.GET.get("matter"):
        pk = id_param(request.GET["matter"])
        matter = get_scoped_or_404(request.user, Matter.objects.select_related("area", "domain"), pk=pk)
    if request.GET.get("alert"):
        pk = id_param(request.GET["alert"])
        alert = get_scoped_or_404(request.user, Alert.objects.select_related("area", "domain"), pk=pk)
    return matter, alert


def _initial(matter, alert) -> dict:
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"occurred_at": now, "learned_at": now}
    source = matter or alert
    if matter is not None:
        initial |= {
            "title": matter.title,
            "description": matter.description,
            "occurred_at": matter.occurred_at or now,
        }
    elif alert is not None:
        initial |= {"title": alert.headline, "description": alert.expected, "occurred_at": alert.onset or now}
    if source is not None:
        initial |= {
            "area": source.area_id,
            "domain": source.domain_id,
            "emergency_class": source.domain.emergency_class,
        }
    return initial


@login_required
def incident_new(request):
    if request.method == "GET" and not may(request.user, "emergency.incident"):
        raise PermissionDenied
    user = request.user
    matter, alert = _source(request)
    page_forms = {
        "incident": PageForm(
            make=lambda data: IncidentForm(user, data, initial=_initial(matter, alert)),
            act=lambda d, v: actions.open_incident(user, matter=matter, alert=alert, **d),
            message=gettext_lazy("突发事件已登记，请尽快报送首报并研究启动响应。"),
        )
    }
    response, forms, status = handle(
        request, page_forms, lambda i: reverse("emergency:incident", args=[i.pk])
    )
    if response is not None:
        return response
    return render(
        request,
        "emergency/incident_form.html",
        {"form": forms["incident"], "matter": matter, "alert": alert},
        status=status,
    )


@login_required
def incident_detail(request, pk: int):
    """The incident board: situation, response, tasks by group, resources dispatched, reports due, log."""
    request.user.require("emergency.view")
    user = request.user
    incident = get_scoped_or_404(
        user, Incident.objects.select_related("area", "domain", "plan", "matter", "alert"), pk=pk
    )
    matched = (
        matching_plans(incident, scoped(user, Plan))
        if incident.response_status == ResponseStatus.NONE
        else []
    )
    # a plan of an area above the user's (the county's, seen by a town) applies, but its own level
    # activates it: it is shown for reference, not offered
    plans = [p for p in matched if in_scope(user, p.area)]
    plans_above = [p for p in matched if not in_scope(user, p.area)]
    page_forms = {
        "report": PageForm(
            lambda data: ReportForm(data),
            lambda d, v: actions.submit_report(user, incident, **d),
            gettext_lazy("报告已报送。"),
        ),
        "log": PageForm(
            lambda data: LogForm(data),
            lambda d, v: actions.add_log_entry(user, incident, **d),
            gettext_lazy("已记录。"),
        ),
        "casualties": PageForm(
            lambda data: CasualtiesForm(
                data,
                initial={f: getattr(incident, f) for f in ("affected", "deaths", "injuries", "missing")},
            ),
            lambda d, v: actions.update_casualties(user, incident, seen_version=v, **d),
            gettext_lazy("人数已更新。"),
        ),
    }
    page_forms["release"] = PageForm(
        lambda data: ReleaseForm(data),
        lambda d, v: actions.draft_release(user, incident, **d),
        gettext_lazy("信息已起草，待领导审核发布。"),
    )
    publishing = request.POST.get("release_id") if request.method == "POST" else None
    if publishing:
        release = get_scoped_or_404(user, Release.objects.filter(incident=incident), pk=publishing)
        page_forms["publish_release"] = PageForm(
            lambda data: NoteForm(data),
            lambda d, v: actions.publish_release(user, release, seen_version=v),
            gettext_lazy("信息已发布到公众页面。"),
        )
    if incident.response_status == ResponseStatus.NONE:
        page_forms["activate"] = PageForm(
            lambda data: ActivateForm(
                plans,
                data,
                initial={"plan": plans[0].pk if plans else None, "level": proposed_level(incident)},
            ),
            lambda d, v: actions.activate_response(user, incident, seen_version=v, **d),
            gettext_lazy("应急响应已启动，任务已下达各工作组。"),
        )
    elif incident.response_status == ResponseStatus.ACTIVE:
        page_forms["level"] = PageForm(
            lambda data: LevelChangeForm(data),
            lambda d, v: actions.change_level(user, incident, seen_version=v, **d),
            gettext_lazy("响应级别已调整。"),
        )
        page_forms["end"] = PageForm(
            lambda data: NoteForm(data),
            lambda d, v: actions.end_response(user, incident, seen_version=v, **d),
            gettext_lazy("应急响应已终止，请报送终报并开展善后。"),
        )
    else:
        page_forms["cause"] = PageForm(
            lambda data: CauseForm(data, initial={"cause": incident.cause}),
            lambda d, v: actions.record_cause(user, incident, seen_version=v, **d),
            gettext_lazy("原因调查结论已登记。"),
        )
        page_forms["aftermath"] = PageForm(
            lambda data: AftermathTaskForm(user, data),
            lambda d, v: actions.add_aftermath_task(user, incident, **d),
            gettext_lazy("整改任务已下达。"),
        )
    response, forms, status = handle(request, page_forms, request.path)
    if response is not None:
        return response
    tasks = list(incident.tasks.select_related("owner_unit"))
    groups: dict[str, list] = {}
    for task in tasks:
        groups.setdefault(task.group or _("其他"), []).append(task)
    slots = reporting.schedule(incident)
    return render(
        request,
        "emergency/incident_detail.html",
        {
            "incident": incident,
            "plans": plans,
            "plans_above": plans_above,
            "groups": groups,
            "open_count": sum(1 for t in tasks if t.status == "open"),
            "dispatches": incident.dispatches.select_related("material"),
            "slots": slots,
            "late": sum(1 for s in slots if s.state == reporting.LATE),
            "missing": sum(1 for s in slots if s.state == reporting.MISSING),
            "changes": incident.changes.select_related("by"),
            "releases": incident.releases.all(),
            "can_approve": may(user, "emergency.approve"),
            "log": incident.log.select_related("by"),
            "forms": forms,
            "done_form": TaskDoneForm(),
            "today": timezone.localdate(),
            "can_incident": may(user, "emergency.incident"),
            "can_command": may(user, "emergency.command"),
            "can_task": may(user, "emergency.task"),
        },
        status=status,
    )


@login_required
@require_POST
def task_done(request, pk: int):
    task = get_scoped_or_404(request.user, EmergencyTask, pk=pk)
    form = TaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写办结情况。"))
    else:
        try:
            actions.complete_task(
                request.user, task, seen_version=request.POST.get("version"), **form.cleaned_data
            )
            messages.success(request, _("任务已办结。"))
        except NotAllowed as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("emergency:index")
    return redirect(back)
