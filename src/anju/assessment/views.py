"""稳评 pages: the register with its 应评尽评 coverage, an item, and an assessment with one tab per step.

Views stay thin: queries come through ``anju.core.scoping``; every change is one ``assessment.actions`` call,
whose field messages are put back next to the form fields.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anju.assessment import actions, forms, verdict
from anju.assessment import report as report_document
from anju.assessment.actions._common import PLAN_FIELDS
from anju.assessment.models import Assessment, AssessmentItem, Opinion, RiskFactor, Stage, TrackingTask
from anju.assessment.models.items import FLAGGED
from anju.assessment.tracking import coverage_summary, forecast_vs_actual
from anju.core.documents import content_disposition, document_response
from anju.core.errors import NotAllowed, WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.core.uploads import open_stored, upload_response

TABS = [
    ("plan", gettext_lazy("评估方案")),
    ("consultation", gettext_lazy("征求意见")),
    ("analysis", gettext_lazy("分析论证")),
    ("level", gettext_lazy("风险等级")),
    ("report", gettext_lazy("评估报告")),
    ("decision", gettext_lazy("集体决策")),
    ("tracking", gettext_lazy("跟踪落实")),
]
DEFAULT_TAB = {
    Stage.PLAN: "plan",
    Stage.CONSULTATION: "consultation",
    Stage.ANALYSIS: "analysis",
    Stage.LEVELLED: "report",
    Stage.REPORTED: "decision",
    Stage.DECIDED: "tracking",
}


def _require_view(user) -> None:
    """Every 稳评 page is refused to a role that may not see 稳评 at all, before anything is read."""
    if not may(user, "assessment.view"):
        raise PermissionDenied(_("您的角色无权查看稳评。"))


def _page_status(err: ValidationError) -> int:
    """A form shown again: 400 for input to correct, the refusal's own status (403, 409) otherwise."""
    return http_status(err) if isinstance(err, WorkflowError) else 400


def _one_button(request, err: ValidationError) -> None:
    """A refused step without a form: a role or scope refusal is the 403 page; any other refusal is said on
    the tab the button was on (this app's convention)."""
    if isinstance(err, NotAllowed):
        raise PermissionDenied(" ".join(err.messages)) from None
    for msg in err.messages:
        messages.error(request, msg)


# ---------------------------------------------------------------- register and coverage


def _register(request):
    """The scoped, filtered register rows and the filter form (shared by the page and its export)."""
    items = (
        scoped(request.user, AssessmentItem)
        .select_related("sponsor_unit", "area")
        .prefetch_related("assessments__decision", "affected_areas")
    )
    years = sorted(set(items.values_list("year", flat=True)), reverse=True)
    form = forms.ItemFilterForm(years, request.GET or None)
    wanted = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            items = items.filter(
                Q(title__icontains=data["q"])
                | Q(description__icontains=data["q"])
                | Q(sponsor_unit__name__icontains=data["q"])
            )
        if data["year"]:
            items = items.filter(year=data["year"])
        if data["category"]:
            items = items.filter(category=data["category"])
        wanted = data["coverage"]
    rows = list(items)
    summary = coverage_summary(rows)
    if wanted == "flagged":
        rows = [i for i in rows if i.coverage() in FLAGGED]
    elif wanted:
        rows = [i for i in rows if i.coverage() == wanted]
    return form, rows, summary


@login_required
def index(request):
    _require_view(request.user)
    form, rows, summary = _register(request)
    page = Paginator(rows, settings.ANJU_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessment/index.html",
        {
            "form": form,
            "page": page,
            "summary": summary,
            "flagged": FLAGGED,
            "query": query.urlencode(),
            "can_add": may(request.user, "assessment.item"),
            "can_track": may(request.user, "assessment.track"),
        },
    )


@login_required
def export(request):
    from anju.assessment.export import build_register, register_title

    _require_view(request.user)
    form, rows, _summary = _register(request)
    year = form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None
    title = register_title(request.user.area, year, timezone.localdate())
    return document_response(build_register(rows, title), title, "xlsx", fallback="assessment-register")


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request):
    _require_view(request.user)
    if request.method == "GET" and not may(request.user, "assessment.item"):
        raise PermissionDenied  # the empty form is no use to this role; a POST is the action's to refuse
    form = forms.ItemForm(request.user, request.POST or None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.create_item(request.user, **form.cleaned_data)
        except ValidationError as err:
            add_action_errors(form, err)
            status = _page_status(err)
        else:
            messages.success(request, _("已列入评估事项目录。"))
            return redirect("assessment:item", item.pk)
    return render(request, "assessment/item_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    _require_view(request.user)
    item = get_scoped_or_404(request.user, AssessmentItem, pk=pk)
    if request.method == "GET" and not may(request.user, "assessment.item"):
        raise PermissionDenied  # the form is no use to this role; a POST is the action's to refuse
    initial = {
        f: getattr(item, f)
        for f in (
            "year",
            "title",
            "category",
            "description",
            "sponsor_unit",
            "area",
            "people_affected",
            "planned_decision_date",
        )
    }
    initial.update(affected_areas=list(item.affected_areas.all()), domains=list(item.domains.all()))
    form = forms.ItemForm(request.user, request.POST or None, initial=initial)
    status = 400 if form.is_bound and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_item(request.user, item, **form.cleaned_data)
        except ValidationError as err:
            add_action_errors(form, err)
            status = _page_status(err)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assessment:item", item.pk)
    return render(request, "assessment/item_form.html", {"form": form, "item": item}, status=status)


def _item_page(request, item, *, plan_form=None, decided_form=None, status=200):
    user = request.user
    return render(
        request,
        "assessment/item_detail.html",
        {
            "item": item,
            "assessments": item.assessments.select_related("decision").order_by("-revision"),
            "plan_form": plan_form or forms.PlanForm(user, initial={"body_unit": item.sponsor_unit}),
            "decided_form": decided_form or forms.ItemDecidedForm(),
            "can_item": may(user, "assessment.item"),
            "can_conduct": may(user, "assessment.conduct"),
        },
        status=status,
    )


@login_required
def item_detail(request, pk: int):
    _require_view(request.user)
    return _item_page(request, get_scoped_or_404(request.user, AssessmentItem, pk=pk))


@login_required
@require_POST
def item_start(request, pk: int):
    _require_view(request.user)
    item = get_scoped_or_404(request.user, AssessmentItem, pk=pk)
    form = forms.PlanForm(request.user, request.POST)
    status = 400
    if form.is_valid():
        try:
            assessment = actions.start_assessment(request.user, item, **form.cleaned_data)
        except ValidationError as err:
            add_action_errors(form, err)
            status = _page_status(err)
        else:
            messages.success(request, _("评估已启动，请完善评估方案。"))
            return redirect("assessment:detail", assessment.pk)
    return _item_page(request, item, plan_form=form, status=status)


@login_required
@require_POST
def item_decided(request, pk: int):
    _require_view(request.user)
    item = get_scoped_or_404(request.user, AssessmentItem, pk=pk)
    form = forms.ItemDecidedForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.record_item_decided(request.user, item, **form.cleaned_data)
        except ValidationError as err:
            add_action_errors(form, err, field_for=lambda key: {"decided_note": "note"}.get(key, key))
            status = _page_status(err)
        else:
            messages.success(request, _("已记录决策情况。"))
            return redirect("assessment:item", item.pk)
    return _item_page(request, item, decided_form=form, status=status)


# ---------------------------------------------------------------- an assessment, one tab per step


def _target(user, model, assessment, request):
    """The record a per-row form acts on; it must belong to this assessment and the user's scope."""
    return get_scoped_or_404(user, model, pk=request.POST.get("target"), assessment=assessment)


# name → (form factory, call(user, assessment, data, request), tab after success)
ACTIONS = {
    "plan": (lambda u, d: forms.PlanForm(u, d), lambda u, a, d, r: actions.update_plan(u, a, **d), "plan"),
    "open_consultation": (None, lambda u, a, d, r: actions.open_consultation(u, a, **d), "consultation"),
    "notice": (
        lambda u, d: forms.NoticeForm(d),
        lambda u, a, d, r: actions.add_public_notice(u, a, **d),
        "consultation",
    ),
    "survey": (
        lambda u, d: forms.SurveyForm(d),
        lambda u, a, d, r: actions.add_survey(u, a, **d),
        "consultation",
    ),
    "meeting": (
        lambda u, d: forms.MeetingForm(d),
        lambda u, a, d, r: actions.add_meeting(u, a, **d),
        "consultation",
    ),
    "expert": (
        lambda u, d: forms.ExpertForm(d),
        lambda u, a, d, r: actions.add_expert_opinion(u, a, **d),
        "consultation",
    ),
    "opinion": (
        lambda u, d: forms.OpinionForm(d),
        lambda u, a, d, r: actions.add_opinion(u, a, **d),
        "consultation",
    ),
    "handle_opinion": (
        lambda u, d: forms.HandleOpinionForm(d),
        lambda u, a, d, r: actions.handle_opinion(u, _target(u, Opinion, a, r), **d),
        "consultation",
    ),
    "start_analysis": (None, lambda u, a, d, r: actions.start_analysis(u, a, **d), "analysis"),
    "analysis": (
        lambda u, d: forms.AnalysisForm(d),
        lambda u, a, d, r: actions.save_analysis(u, a, **d),
        "analysis",
    ),
    "factor": (
        lambda u, d: forms.FactorForm(d),
        lambda u, a, d, r: actions.add_factor(u, a, **d),
        "analysis",
    ),
    "score_after": (
        lambda u, d: forms.ScoreAfterForm(d),
        lambda u, a, d, r: actions.score_factor_after(u, _target(u, RiskFactor, a, r), **d),
        "analysis",
    ),
    "measure": (
        lambda u, d: forms.MeasureForm(u, d),
        lambda u, a, d, r: actions.add_measure(u, _target(u, RiskFactor, a, r), **d),
        "analysis",
    ),
    "level": (
        lambda u, d: forms.LevelForm(d),
        lambda u, a, d, r: actions.determine_level(u, a, **d),
        "level",
    ),
    "reopen": (
        lambda u, d: forms.ReasonForm(d),
        lambda u, a, d, r: actions.reopen_analysis(u, a, **d),
        "analysis",
    ),
    "report": (
        lambda u, d: forms.ReportForm(d),
        lambda u, a, d, r: actions.issue_report(u, a, **d),
        "report",
    ),
    "review": (
        lambda u, d: forms.ReviewForm(d),
        lambda u, a, d, r: actions.record_review(u, a, **d),
        "decision",
    ),
    "decision": (
        lambda u, d: forms.DecisionForm(d),
        lambda u, a, d, r: actions.record_decision(u, a, **d),
        "decision",
    ),
    "revise": (lambda u, d: forms.ReasonForm(d), lambda u, a, d, r: actions.revise(u, a, **d), "analysis"),
    "task_done": (
        lambda u, d: forms.TaskDoneForm(d),
        lambda u, a, d, r: actions.complete_task(u, _target(u, TrackingTask, a, r), **d),
        "tracking",
    ),
    "link_matters": (None, lambda u, a, d, r: actions.link_matters(u, a), "tracking"),
}
# The actions that change the assessment itself: they refuse a page that showed an older version of it.
# (Records added alongside, e.g. one more survey, do not conflict with each other.)
VERSIONED = {
    "plan",
    "open_consultation",
    "start_analysis",
    "analysis",
    "level",
    "reopen",
    "report",
    "review",
    "decision",
    "revise",
}
SUCCESS = {
    "open_consultation": gettext_lazy("已进入征求意见环节。"),
    "start_analysis": gettext_lazy("已进入分析论证环节。"),
    "level": gettext_lazy("风险等级已确定。"),
    "report": gettext_lazy("评估报告已形成，可下载 Word 和 PDF。"),
    "decision": gettext_lazy("决策已记录，本版本已锁定。"),
    "revise": gettext_lazy("已创建新版本，原版本保持只读。"),
    "reopen": gettext_lazy("已退回分析论证，原等级和报告已撤回。"),
    "review": gettext_lazy("审核意见已记录。"),
}


def _blank_forms(user, assessment) -> dict:
    plan_initial = {f: getattr(assessment, f) for f in PLAN_FIELDS}
    today = timezone.localdate()
    return {
        "plan": forms.PlanForm(user, initial=plan_initial),
        "notice": forms.NoticeForm(),
        "survey": forms.SurveyForm(),
        "meeting": forms.MeetingForm(),
        "expert": forms.ExpertForm(),
        "opinion": forms.OpinionForm(),
        "analysis": forms.AnalysisForm(initial=assessment.analysis or {}),
        "factor": forms.FactorForm(),
        "measure": forms.MeasureForm(user),
        "score_after": forms.ScoreAfterForm(),
        "level": forms.LevelForm(),
        "report": forms.ReportForm(
            initial={
                "emergency_plan": assessment.emergency_plan,
                "conclusion": assessment.conclusion,
                "issued_on": today,
            }
        ),
        "decision": forms.DecisionForm(initial={"decided_on": today}),
        "review": forms.ReviewForm(initial={"reviewed_on": today}),
        "reason": forms.ReasonForm(),
        "task_done": forms.TaskDoneForm(initial={"done_on": today}),
        "handle_opinion": forms.HandleOpinionForm(),
        # per-row forms: the bound one (with errors) is shown only on the row it was posted for
        "measure_blank": forms.MeasureForm(user),
        "score_after_blank": forms.ScoreAfterForm(),
        "handle_opinion_blank": forms.HandleOpinionForm(),
        "task_done_blank": forms.TaskDoneForm(initial={"done_on": today}),
    }


def _detail(request, assessment, *, tab=None, bound=None, bound_name="", target="", status=200):
    user = request.user
    tab = tab or request.GET.get("tab") or DEFAULT_TAB[assessment.stage]
    if tab not in dict(TABS):
        tab = DEFAULT_TAB[assessment.stage]
    page_forms = _blank_forms(user, assessment)
    if bound is not None:
        page_forms["reason" if bound_name in ("revise", "reopen") else bound_name] = bound
    rule = verdict.load_rule()
    preview = (
        verdict.evaluate(assessment, rule) if assessment.stage in (Stage.ANALYSIS, Stage.LEVELLED) else None
    )
    decision = getattr(assessment, "decision", None)
    editable = not assessment.locked and assessment.stage in actions.RECORD_STAGES
    context = {
        "a": assessment,
        "item": assessment.item,
        "tab": tab,
        "tabs": TABS,
        "forms": page_forms,
        "bound_name": bound_name,
        "target": str(target),
        "stage_index": assessment.stage_index(),
        "stages": list(Stage),
        "revisions": assessment.item.assessments.order_by("-revision"),
        "current": assessment.item.current_assessment,
        "notices": assessment.notices.all(),
        "surveys": assessment.surveys.prefetch_related("groups"),
        "meetings": assessment.meetings.all(),
        "experts": assessment.experts.all(),
        "opinions": assessment.opinions.all(),
        "factors": assessment.factors.prefetch_related("measures__owner_unit"),
        "dimensions": [
            (d, dict(forms.Dimension.choices)[d], (assessment.analysis or {}).get(d, ""))
            for d in verdict.enabled_dimensions(rule)
        ],
        "preview": preview,
        "rule": rule,
        "decision": decision,
        "tasks": assessment.tasks.select_related("owner_unit"),
        "comparison": forecast_vs_actual(assessment) if decision else None,
        "linked": assessment.matter_links.select_related("matter__area", "matter__domain")[:50],
        "editable": editable,
        "can_conduct": may(user, "assessment.conduct") and not assessment.locked,
        "can_level": may(user, "assessment.level") and not assessment.locked,
        "can_decide": may(user, "assessment.decide") and not assessment.locked,
        "can_review": may(user, "assessment.review")
        and not assessment.locked
        and user.pk != assessment.report_issued_by_id,
        "reviews": assessment.reviews.select_related("reviewer"),
        "cleared": assessment.passed_review is not None or not rule.get("decision", {}).get("require_review"),
        "can_revise": may(user, "assessment.revise")
        and assessment.locked
        and assessment.item.current_assessment == assessment,
        "can_track": may(user, "assessment.track"),
        "recommendations": [
            (lv, verdict.LEVEL_LABELS[lv], verdict.recommendation_text(lv, rule))
            for lv in ("high", "medium", "low")
        ],
    }
    return render(request, "assessment/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    _require_view(request.user)
    assessment = get_scoped_or_404(
        request.user, Assessment.objects.select_related("item", "body_unit"), pk=pk
    )
    return _detail(request, assessment)


@login_required
@require_POST
def act(request, pk: int, name: str):
    _require_view(request.user)
    assessment = get_scoped_or_404(request.user, Assessment.objects.select_related("item"), pk=pk)
    if name not in ACTIONS:
        raise Http404
    make_form, call, tab = ACTIONS[name]
    form = make_form(request.user, request.POST) if make_form else None
    target = request.POST.get("target", "")
    if form is not None and not form.is_valid():
        return _detail(request, assessment, tab=tab, bound=form, bound_name=name, target=target, status=400)
    data = dict(form.cleaned_data) if form is not None else {}
    if hasattr(form, "to_action"):
        data = form.to_action(data)
    if name in VERSIONED:
        data["version"] = request.POST.get("version")
    try:
        result = call(request.user, assessment, data, request)
    except ValidationError as err:
        if form is None:
            _one_button(request, err)
            return redirect(reverse("assessment:detail", args=[assessment.pk]) + f"?tab={tab}")
        add_action_errors(form, err, field_for=getattr(form, "error_field", None))
        status = _page_status(err)
        return _detail(
            request, assessment, tab=tab, bound=form, bound_name=name, target=target, status=status
        )
    if name == "link_matters":
        messages.success(request, _("新关联事项 %(n)s 件。") % {"n": result})
    else:
        messages.success(request, SUCCESS.get(name, _("已保存。")))
    if name == "revise":
        return redirect(reverse("assessment:detail", args=[result.pk]) + "?tab=analysis")
    return redirect(reverse("assessment:detail", args=[assessment.pk]) + f"?tab={tab}")


@login_required
@require_POST
def remove(request, pk: int, kind: str, record_pk: int):
    from anju.assessment import models

    _require_view(request.user)
    assessment = get_scoped_or_404(request.user, Assessment, pk=pk)
    model = {
        "notice": models.PublicNotice,
        "survey": models.Survey,
        "meeting": models.Meeting,
        "expert": models.ExpertOpinion,
        "opinion": models.Opinion,
        "factor": models.RiskFactor,
    }.get(kind)
    if model is None:
        if kind != "measure":
            raise Http404
        record = get_scoped_or_404(request.user, models.Measure, pk=record_pk, factor__assessment=assessment)
    else:
        record = get_scoped_or_404(request.user, model, pk=record_pk, assessment=assessment)
    try:
        actions.remove_record(request.user, record)
    except ValidationError as err:
        _one_button(request, err)
    else:
        messages.success(request, _("已删除。"))
    tab = "analysis" if kind in ("factor", "measure") else "consultation"
    return redirect(reverse("assessment:detail", args=[assessment.pk]) + f"?tab={tab}")


@login_required
def report_file(request, pk: int, fmt: str):
    _require_view(request.user)
    assessment = get_scoped_or_404(request.user, Assessment.objects.select_related("item"), pk=pk)
    field = {"docx": assessment.report_docx, "pdf": assessment.report_pdf}.get(fmt)
    if not field:
        raise Http404(_("报告尚未形成。"))
    response = upload_response(open_stored(field), filename=f"report.{fmt}")  # built from typed text: inert
    response["Content-Disposition"] = content_disposition(
        report_document.filename_title(assessment),
        fmt,
        fallback=f"assessment-{assessment.item_id}-r{assessment.revision}",
    )
    return response
