"""研判会 pages: list, plan (agenda pre-filled), meeting page (minutes, decisions, tasks), key dates."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anju.core.errors import NotAllowed, WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.models import Area, AreaLevel, Unit
from anju.core.permissions import may
from anju.core.pickers import pickerise
from anju.core.scoping import get_scoped_or_404, scoped
from anju.warning import actions
from anju.warning.forms import DATETIME
from anju.warning.models import AlertLevel
from anju.warning.models_analysis import AnalysisMeeting, DecisionKind, MeetingDecision, MeetingKind


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(choices=MeetingKind.choices, label=gettext_lazy("类型"))
    title = forms.CharField(max_length=200, label=gettext_lazy("主题"), required=False)
    area = forms.ModelChoiceField(Area.objects.none(), label=gettext_lazy("研判范围"))
    held_at = forms.DateTimeField(label=gettext_lazy("召开时间"), widget=DATETIME)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped(user, Area).filter(level__lte=3)
        self.fields["area"].initial = user.area


class MinutesForm(forms.Form):
    attendees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("参会人员"), required=False
    )
    minutes = forms.CharField(widget=forms.Textarea, label=gettext_lazy("会议纪要"), required=False)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(choices=DecisionKind.choices, label=gettext_lazy("类型"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("决定事项"), required=False
    )
    unit = forms.ModelChoiceField(Unit.objects.none(), label=gettext_lazy("责任单位"), required=False)
    deadline = forms.DateField(
        label=gettext_lazy("完成期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    alert_level = forms.ChoiceField(
        choices=AlertLevel.choices, label=gettext_lazy("预警级别（发布预警时）"), initial=AlertLevel.YELLOW
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(user, Unit)
        pickerise(self)


class KeyDateForm(forms.Form):
    name = forms.CharField(max_length=100, label=gettext_lazy("名称"), required=False)
    area = forms.ModelChoiceField(Area.objects.none(), label=gettext_lazy("适用范围"), required=False)
    start = forms.DateField(label=gettext_lazy("开始"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("结束"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a county's key date holds for every town below it; a town adds its own
        self.fields["area"].queryset = scoped(user, Area).filter(level__lte=AreaLevel.TOWN)
        pickerise(self)
        self.fields["area"].initial = user.area


@login_required
def meeting_list(request):
    request.user.require("analysis.view")
    meetings = scoped(request.user, AnalysisMeeting).select_related("area", "key_date")
    page = Paginator(meetings, 20).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "warning/meeting_list.html",
        {
            "page": page,
            "can_manage": may(request.user, "analysis.manage"),
            "key_dates": actions.key_dates_for(request.user)
            .filter(end__gte=today)
            .select_related("area")[:10],
            "active": actions.active_key_dates(today, area=request.user.area)
            if request.user.area_id
            else actions.active_key_dates(today),
            "open_tasks": scoped(request.user, MeetingDecision)
            .filter(kind=DecisionKind.TASK, done_at__isnull=True)
            .select_related("unit", "meeting")[:20],
            "key_date_form": KeyDateForm(request.user),
        },
    )


@login_required
def meeting_new(request):
    if request.method == "GET" and not may(request.user, "analysis.manage"):
        raise PermissionDenied  # the form is no use to this role; a POST is the action's to refuse
    status = 200
    form = MeetingForm(
        request.user,
        request.POST or None,
        initial={
            "held_at": timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.plan_meeting(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
            status = http_status(exc) if isinstance(exc, WorkflowError) else 200
        else:
            messages.success(request, _("已创建研判会，议程已自动生成。"))
            return redirect("warning:meeting", meeting.pk)
    return render(request, "warning/meeting_form.html", {"form": form}, status=status)


@login_required
def meeting_detail(request, pk: int):
    request.user.require("analysis.view")
    meeting = get_scoped_or_404(request.user, AnalysisMeeting.objects.select_related("area"), pk=pk)
    minutes_form = MinutesForm(initial={"attendees": meeting.attendees, "minutes": meeting.minutes})
    decision_form = DecisionForm(request.user)
    # The version the minutes form was shown with; a refused save keeps it, so resubmitting stays refused.
    minutes_version = meeting.version
    status = 200
    if request.method == "POST":
        what = request.POST.get("form")
        form = MinutesForm(request.POST) if what == "minutes" else DecisionForm(request.user, request.POST)
        if form.is_valid():
            try:
                if what == "minutes":
                    actions.record_minutes(
                        request.user, meeting, version=request.POST.get("version"), **form.cleaned_data
                    )
                    messages.success(request, _("会议纪要已保存。"))
                else:
                    actions.add_decision(request.user, meeting, **form.cleaned_data)
                    messages.success(request, _("决定已记录。"))
                return redirect("warning:meeting", meeting.pk)
            except ValidationError as exc:  # WorkflowError and Conflict included
                add_action_errors(form, exc)
                status = http_status(exc)
        else:
            status = 400
        if what == "minutes":
            minutes_form = form
            minutes_version = request.POST.get("version", "")
        else:
            decision_form = form
    return render(
        request,
        "warning/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda.select_related("signal", "matter", "alert"),
            "decisions": meeting.decisions.select_related("unit", "alert"),
            "minutes_form": minutes_form,
            "minutes_version": minutes_version,
            "decision_form": decision_form,
            "can_manage": may(request.user, "analysis.manage"),
        },
        status=status,
    )


@login_required
@require_POST
def task_done(request, pk: int):
    decision = get_scoped_or_404(request.user, MeetingDecision, pk=pk)
    try:
        actions.complete_task(request.user, decision, note=request.POST.get("note", ""))
        messages.success(request, _("任务已办结。"))
    except NotAllowed as exc:  # not the responsible unit: the 403 page
        raise PermissionDenied(" ".join(exc.messages)) from None
    except ValidationError as exc:  # WorkflowError included: said on the meeting's page
        messages.error(request, " ".join(exc.messages))
    if request.POST.get("back") == "task":  # the task's own page, for a unit outside the meeting's area
        return redirect("warning:task", decision.pk)
    return redirect("warning:meeting", decision.meeting_id)


@login_required
@require_POST
def key_date_new(request):
    form = KeyDateForm(request.user, request.POST)
    if form.is_valid():
        try:
            actions.save_key_date(request.user, **form.cleaned_data)
            messages.success(request, _("重要节点已保存，期间每天自动生成研判会。"))
        except NotAllowed as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    elif "area" in form.errors:
        messages.error(request, _("适用范围须在您的管辖范围内。"))
    else:
        messages.error(request, _("请填写完整的起止日期。"))
    return redirect("warning:meetings")
