"""Pages of the level rules: the county's rules (seen by all staff, a new version saved by its centre staff
and administrators), the progress reports due, and what the matter page shows of its level's rule."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anju.core.errors import Conflict, http_status
from anju.core.permissions import may
from anju.core.scoping import in_scope
from anju.matters import actions
from anju.matters.actions.matrix import MAX_DOCUMENT_CHARS
from anju.matters.filters import OWN_UNIT
from anju.matters.forms_levels import LevelRulesForm
from anju.matters.level_rules import (
    county_of,
    current_set,
    lead_leader_required,
    required_area,
    rule_for,
    rules_for,
)
from anju.matters.models import LevelRuleSet, Matter, MatterKind, RiskMatrixVersion
from anju.matters.queues import progress_reports_due
from anju.matters.risk import current_matrix, file_matrix


def emergency_url() -> str:
    """The emergency app's new-incident page, when that app is installed ("" otherwise)."""
    try:
        return reverse("emergency:incident_new")
    except NoReverseMatch:
        return ""


def offers_incident(matter: Matter) -> bool:
    """An open matter of kind 突发事件, or at the matrix's highest level, offers opening an incident (应急)."""
    if not matter.is_open:
        return False
    if matter.kind == MatterKind.INCIDENT:
        return True
    levels = current_matrix().ordered_levels()
    return bool(levels) and matter.inherent_level == levels[-1].code


def level_context(matter: Matter, user=None) -> dict:
    """What the matter page shows of its level's rule (``matters/_level_rules.html``)."""
    rule = rule_for(matter)
    new_incident_url = emergency_url()
    reports = list(matter.progress_reports.select_related("filed_by").order_by("-due_on", "-id")[:10])
    return {
        "level_rule": rule,
        "level_required_area": required_area(matter, rule) if rule else None,
        "lead_leader_needed": matter.lead_leader_id is None and lead_leader_required(matter, rule),
        "progress_reports": reports,
        "progress_today": timezone.localdate(),
        "emergency_url": new_incident_url if rule and rule.propose_emergency_plan else "",
        # The incidents opened from this matter (the emergency app's reverse relation; none without it).
        "incidents": list(matter.incidents.all()) if hasattr(matter, "incidents") else [],
        "incident_offer_url": new_incident_url
        if offers_incident(matter) and user is not None and may(user, "emergency.incident")
        else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def level_rules(request):
    """The county's level rules in force, their versions, and (for who may) the form for a new version."""
    user = request.user
    user.require("matter.view")
    county = county_of(user.area)
    matrix = current_matrix()
    levels = matrix.ordered_levels()
    rules = rules_for(county, matrix.key)
    latest = current_set(county, matrix.key)
    can_edit = county is not None and may(user, "level_rules.edit") and in_scope(user, county)
    form = None
    status = 200
    if can_edit:
        form = LevelRulesForm(
            request.POST or None,
            levels=levels,
            rules=rules,
            initial={"based_on": latest.number if latest else 0},
        )
    elif request.method == "POST":
        raise PermissionDenied(_("您无权修改等级处置规则。"))
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                saved = actions.save_level_rules(
                    user,
                    county,
                    rules=form.rules(),
                    note=form.cleaned_data["note"],
                    based_on=form.cleaned_data["based_on"],
                )
            except Conflict as exc:
                form.add_error(None, exc.messages)
                status = http_status(exc)
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
                status = 400
            else:
                messages.success(request, _("已保存等级处置规则第 %(n)s 版。") % {"n": saved.number})
                return redirect("matters:level_rules")
        else:
            status = 400
    history = (
        LevelRuleSet.objects.filter(area=county, matrix_key=matrix.key).select_related("created_by")
        if county is not None
        else LevelRuleSet.objects.none()
    )
    return render(
        request,
        "matters/level_rules.html",
        {
            "county": county,
            "matrix": matrix,
            "rows": [(lv, rules.get(lv.code)) for lv in levels],
            "latest": latest,
            "history": history,
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def progress_reports(request):
    """进展报告: the reports due (overdue first) of running matters in the user's scope."""
    request.user.require("matter.view")
    today = timezone.localdate()
    # the 工作台's cards link here with ?mine=unit (the user's unit's matters) and ?overdue=on
    own_unit = request.GET.get("mine") == OWN_UNIT
    overdue_only = request.GET.get("overdue") == "on"
    due = progress_reports_due(
        request.user, own_unit=own_unit, overdue_on=today if overdue_only else None
    ).select_related("matter", "matter__responsible_unit", "matter__lead_leader")
    page = Paginator(due, settings.ANJU_PAGE_SIZE).get_page(request.GET.get("page"))
    for report in page:
        report.days_late = (today - report.due_on).days
    return render(
        request,
        "matters/progress_reports.html",
        {
            "page": page,
            "overdue_count": due.filter(due_on__lt=today).count(),
            "today": today,
            "own_unit": own_unit,
            "overdue_only": overdue_only,
        },
    )


def matrix_rows(matrix) -> list:
    """(likelihood step, its row of levels) for ``matters/_matrix.html``."""
    return [
        (step, [matrix.levels[code] for code in matrix.grid[i]]) for i, step in enumerate(matrix.likelihood)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def risk_matrix(request):
    """风险矩阵: the current matrix, the uploaded versions, and (for who may) the upload of a new version."""
    user = request.user
    user.require("matter.view")
    county = county_of(user.area)
    can_upload = county is not None and may(user, "level_rules.edit") and in_scope(user, county)
    document, error, status = "", "", 200
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied(_("您无权上传风险矩阵。"))
        upload = request.FILES.get("file")
        if upload is not None:
            try:
                document = upload.read(MAX_DOCUMENT_CHARS * 4 + 1).decode("utf-8")
            except UnicodeDecodeError:
                document, error = "", _("文件须是 UTF-8 编码的 JSON。")
        else:
            document = request.POST.get("document", "")
        if not error:
            try:
                saved = actions.upload_risk_matrix(user, county, document)
            except ValidationError as exc:
                error = " ".join(m for msgs in exc.message_dict.values() for m in msgs)
            else:
                messages.success(
                    request, _("已上传风险矩阵 %(key)s，新研判的事项将使用该版本。") % {"key": saved.key}
                )
                return redirect("matters:risk_matrix")
        status = 400
    matrix = current_matrix()
    return render(
        request,
        "matters/risk_matrix.html",
        {
            "matrix": matrix,
            "matrix_rows": matrix_rows(matrix),
            "file_matrix": file_matrix(),
            "versions": RiskMatrixVersion.objects.select_related("uploaded_by"),
            "can_upload": can_upload,
            "document": document,
            "error": error,
        },
        status=status,
    )
