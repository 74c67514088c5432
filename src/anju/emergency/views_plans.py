"""Pages of the plan library (应急预案): list, new, a plan with its versions, forms and roster; .docx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.documents import document_response
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, in_scope, scoped
from anju.emergency import actions, queries
from anju.emergency.export import plan_docx, plan_pdf
from anju.emergency.forms import DraftForm, DutyPostForm, GroupForm, LevelForm, NoteForm, PlanNewForm
from anju.emergency.forms_preparedness import PlanImportForm
from anju.emergency.models import (
    Drill,
    EmergencyTask,
    Incident,
    Material,
    Plan,
    ResponseStatus,
    VersionStatus,
)
from anju.emergency.views_common import PageForm, handle


def _open_tasks(request):
    """Open tasks in scope; ``?mine=unit``: those addressed to the user's unit (theirs to see wherever they
    lie; the 工作台's card counts the same list)."""
    user = request.user
    if request.GET.get("mine") == "unit":
        return queries.open_tasks(EmergencyTask.objects.filter(owner_unit_id=user.unit_id or 0))
    return queries.open_tasks(scoped(user, EmergencyTask))


@login_required
def index(request):
    """The overview: incidents in response, overdue plan reviews, stock alerts, open tasks, coming drills."""
    request.user.require("emergency.view")
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "emergency/index.html",
        {
            "active": scoped(user, Incident)
            .filter(response_status=ResponseStatus.ACTIVE)
            .select_related("area"),
            "recent": scoped(user, Incident).select_related("area")[:10],
            "overdue": queries.due_reviews(today, scoped(user, Plan)).select_related("area"),
            "low": queries.low_stock(scoped(user, Material)).select_related("area"),
            "expiring": queries.expiring(today, scoped(user, Material)).select_related("area"),
            "tasks": _open_tasks(request).select_related("owner_unit", "incident")[:20],
            "tasks_mine": request.GET.get("mine") == "unit",
            "drills": scoped(user, Drill).filter(date__gte=today).select_related("area")[:10],
            "today": today,
            "can_incident": may(user, "emergency.incident"),
        },
    )


@login_required
def plan_list(request):
    request.user.require("emergency.view")
    plans = scoped(request.user, Plan).select_related("area", "owner_unit").prefetch_related("domains")
    today = timezone.localdate()
    if request.GET.get("overdue"):
        plans = queries.due_reviews(today, plans)
    page = Paginator(plans, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/plan_list.html",
        {"page": page, "today": today, "can_plan": may(request.user, "emergency.plan")},
    )


@login_required
def plan_new(request):
    if request.method == "GET" and not may(request.user, "emergency.plan"):
        raise PermissionDenied
    user = request.user
    page_forms = {
        "plan": PageForm(
            make=lambda data: PlanNewForm(user, data),
            act=lambda d, v: actions.create_plan(user, **d),
            message=_("预案已创建，请完善草稿后报审。"),
        )
    }
    response, forms, status = handle(
        request, page_forms, lambda plan: reverse("emergency:plan", args=[plan.pk])
    )
    if response is not None:
        return response
    return render(
        request,
        "emergency/form.html",
        {"form": forms["plan"], "form_name": "plan", "title": _("新建应急预案")},
        status=status,
    )


@login_required
def plan_detail(request, pk: int):
    request.user.require("emergency.view")
    user = request.user
    plan = get_scoped_or_404(user, Plan.objects.select_related("area", "owner_unit"), pk=pk)
    versions = list(plan.versions.select_related("created_by", "approved_by", "published_by"))
    working = next((v for v in versions if v.status in (VersionStatus.DRAFT, VersionStatus.APPROVED)), None)
    shown = working or next((v for v in versions if v.status == VersionStatus.PUBLISHED), None) or versions[0]
    draft = working if working and working.status == VersionStatus.DRAFT else None
    page_forms = {
        "revise": PageForm(
            make=lambda data: NoteForm(data),
            act=lambda d, v: actions.start_revision(user, plan, note=d["note"]),
            message=_("已生成修订稿。"),
        ),
    }
    if draft is not None:
        page_forms["import"] = PageForm(
            make=lambda data: PlanImportForm(data, request.FILES if data is not None else None),
            act=lambda d, v: actions.import_plan_text(
                user, draft, name=d["file"].name, data=d["file"].read(), seen_version=v
            ),
            message=_("预案原文已导入。"),
        )
        page_forms |= {
            "draft": PageForm(
                make=lambda data: DraftForm(
                    data,
                    initial={
                        "summary": draft.summary,
                        "command": draft.command,
                        "revision_note": draft.revision_note,
                    },
                ),
                act=lambda d, v: actions.edit_draft(user, draft, seen_version=v, **d),
                message=_("草稿已保存。"),
            ),
            "level": PageForm(
                make=lambda data: LevelForm(data),
                act=lambda d, v: actions.save_level(user, draft, seen_version=v, **d),
                message=_("响应级别已保存。"),
            ),
            "group": PageForm(
                make=lambda data: GroupForm(user, data),
                act=lambda d, v: actions.save_group(user, draft, seen_version=v, **d),
                message=_("工作组已保存。"),
            ),
            "approve": PageForm(
                make=lambda data: NoteForm(data),
                act=lambda d, v: actions.approve_version(user, draft, seen_version=v),
                message=_("预案版本已审批。"),
            ),
        }
    if working is not None and working.status == VersionStatus.APPROVED:
        page_forms["publish"] = PageForm(
            make=lambda data: NoteForm(data),
            act=lambda d, v: actions.publish_version(user, working, seen_version=v),
            message=_("预案版本已发布，下次修订期限已更新。"),
        )
    page_forms["duty"] = PageForm(
        make=lambda data: DutyPostForm(user, data),
        act=lambda d, v: actions.add_duty_post(user, plan, **d),
        message=_("值班岗位已登记。"),
    )
    # a plan of an area above the user's (a county plan a town works under) is theirs to read, not to change
    own = in_scope(user, plan.area)
    if not own:
        if request.method == "POST":
            raise PermissionDenied
        page_forms = {}
    response, forms, status = handle(request, page_forms, request.path)
    if response is not None:
        return response
    return render(
        request,
        "emergency/plan_detail.html",
        {
            "plan": plan,
            "versions": versions,
            "shown": shown,
            "draft": draft,
            "working": working,
            "forms": forms,
            "duty_posts": plan.duty_posts.select_related("unit"),
            "today": timezone.localdate(),
            "own": own,
            "can_plan": own and may(user, "emergency.plan"),
            "can_approve": own and may(user, "emergency.approve"),
            "can_reveal": may(user, "personal_data.reveal"),
        },
        status=status,
    )


@login_required
def plan_export(request, pk: int):
    request.user.require("emergency.view")
    plan = get_scoped_or_404(request.user, Plan.objects.select_related("area", "owner_unit"), pk=pk)
    version = plan.current or plan.versions.first()
    return document_response(plan_docx(plan, version), plan.title, "docx", fallback="plan")


@login_required
def plan_export_pdf(request, pk: int):
    request.user.require("emergency.view")
    plan = get_scoped_or_404(request.user, Plan.objects.select_related("area", "owner_unit"), pk=pk)
    version = plan.current or plan.versions.first()
    return document_response(plan_pdf(plan, version), plan.title, "pdf", fallback="plan")
