"""排查 pages: rounds, the completeness board, the return form and a filed return. Thin: actions change state."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anju.core.errors import NotAllowed, WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.models import Area, AreaLevel
from anju.core.params import int_param
from anju.core.permissions import may
from anju.core.roles import UNIT_SCOPED_ROLES
from anju.core.scoping import get_scoped_or_404, in_scope, scoped
from anju.matters.models import Matter
from anju.screening import actions, ledger
from anju.screening.forms import CadenceForm, ReturnForm
from anju.screening.models import FILING_LEVELS, Cadence, Return, ReturnCorrection, ReturnLine, RoundStatus
from anju.screening.queries import (
    completeness,
    completeness_by_parent,
    get_round_or_404,
    pending_for,
    visible_rounds,
)

BOARD_PAGE_SIZE = 100
STATES = [
    ("filed", gettext_lazy("按时报送")),
    ("late", gettext_lazy("逾期报送")),
    ("missing", gettext_lazy("未报送")),
]


def _page_gate(user, permission: str) -> None:
    """A page the user's role cannot see at all is refused before anything is read."""
    if not may(user, permission):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _page_status(exc: ValidationError) -> int:
    """A form shown again: 400 for input to correct, the refusal's own status (403, 409) otherwise."""
    return http_status(exc) if isinstance(exc, WorkflowError) else 400


def _one_button(request, exc: ValidationError):
    """A refused one-button step: a role or scope refusal is the 403 page; any other refusal is said on the
    page the button was on (this app's convention)."""
    if isinstance(exc, NotAllowed):
        raise PermissionDenied(_error_text(exc)) from None
    messages.error(request, _error_text(exc))


@login_required
def index(request):
    user = request.user
    _page_gate(user, "screening.view")
    rounds = visible_rounds(user)
    level = request.GET.get("level", "")
    if (level_value := int_param(level)) is not None:
        rounds = rounds.filter(level=level_value)
    status = request.GET.get("status", "")
    if status in RoundStatus.values:
        rounds = rounds.filter(status=status)
    rounds = rounds.annotate(
        open_first=Case(
            When(status=RoundStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("open_first", "-period_start", "-level", "-id")
    page = Paginator(rounds, 20).get_page(request.GET.get("page"))
    counts = completeness(user, page.object_list)
    items = [{"round": r, "c": counts[r.pk]} for r in page.object_list]
    return render(
        request,
        "screening/index.html",
        {
            "page": page,
            "items": items,
            "pending": pending_for(user) if may(user, "screening.file") else [],
            "levels": FILING_LEVELS,
            "level": level,
            "status": status,
            "statuses": RoundStatus.choices,
            "can_manage": may(user, "screening.manage"),
            "today": timezone.localdate(),
        },
    )


@login_required
def round_board(request, pk: int):
    user = request.user
    _page_gate(user, "screening.view")
    round_ = get_round_or_404(user, pk)
    returns = (
        scoped(user, Return)
        .filter(round=round_)
        .select_related("area", "area__parent", "filed_by", "unit", "department")
    )
    state = request.GET.get("state", "")
    if state == "filed":
        returns = returns.filter(filed_at__isnull=False, late=False)
    elif state == "late":
        returns = returns.filter(late=True)
    elif state == "missing":
        returns = returns.filter(filed_at__isnull=True)
    query = request.GET.get("q", "").strip()
    if query:
        returns = returns.filter(Q(area__name__icontains=query) | Q(department__name__icontains=query))
    page = Paginator(returns, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    may_file = may(user, "screening.file") and round_.is_open
    has_departments = round_.returns.filter(department__isnull=False).exists()
    by_parent = (
        completeness_by_parent(user, round_) if round_.level == AreaLevel.VILLAGE or has_departments else []
    )
    rows = [
        {"ret": r, "state": r.state(today), "can_file": may_file and not r.is_filed} for r in page.object_list
    ]
    return render(
        request,
        "screening/round.html",
        {
            "round": round_,
            "c": completeness(user, [round_])[round_.pk],
            "page": page,
            "rows": rows,
            "state": state,
            "states": STATES,
            "q": query,
            "can_close": may(user, "screening.manage") and round_.is_open and in_scope(user, round_.county),
            "can_remind": may(user, "screening.manage") and round_.is_open,
            "show_town": round_.level == AreaLevel.VILLAGE or has_departments,
            "by_parent": by_parent if len(by_parent) > 1 else [],
        },
    )


@login_required
@require_POST
def round_close(request, pk: int):
    round_ = get_round_or_404(request.user, pk)
    try:
        actions.close_round(request.user, round_, note=request.POST.get("note", ""))
    except ValidationError as exc:
        _one_button(request, exc)
    else:
        messages.success(request, _("本轮排查已结束，未报送的区域在完成情况中标为“未报送”。"))
    return redirect("screening:round", round_.pk)


@login_required
@require_POST
def round_remind(request, pk: int):
    round_ = get_round_or_404(request.user, pk)
    try:
        sent = actions.remind_missing(request.user, round_)
    except ValidationError as exc:
        _one_button(request, exc)
    else:
        if sent:
            messages.success(
                request, _("已向未报送区域发送提醒 %(n)s 条（每个区域每天最多一条）。") % {"n": sent}
            )
        else:
            messages.info(
                request,
                _("没有发送提醒：%(why)s") % {"why": actions.why_no_reminders(request.user, round_)},
            )
    return redirect("screening:round", round_.pk)


def _return_to_file(request, round_):
    """The return filed: ``?unit=`` (a department unit's), ``?area=`` (a centre filing on behalf of an area
    below), else the user's own (a department officer's unit, anyone else's area)."""
    user = request.user
    returns = Return.objects.select_related("area", "round", "department")
    raw_unit = request.POST.get("unit") or request.GET.get("unit")
    raw_area = request.POST.get("area") or request.GET.get("area")
    if raw_unit:
        return get_scoped_or_404(user, returns, round=round_, department=raw_unit)
    if raw_area:
        area = get_scoped_or_404(user, Area, pk=raw_area)
    elif user.role in UNIT_SCOPED_ROLES:
        return get_scoped_or_404(user, returns, round=round_, department=user.unit_id or 0)
    else:
        area = user.area
    return get_scoped_or_404(user, returns, round=round_, area=area, department__isnull=True)


def _form_context(user, ret, form) -> dict:
    return {
        "round": ret.round,
        "ret": ret,
        "area": ret.area,
        "form": form,
        "on_behalf": ret.department_id != user.unit_id if ret.department_id else ret.area_id != user.area_id,
        "can_register": may(user, "matter.create"),
        "domain_count": len(form.rows),
        "today": timezone.localdate(),
    }


@login_required
def file_return(request, pk: int):
    user = request.user
    _page_gate(user, "screening.file")  # the form page itself; filing is the action's to allow
    round_ = get_round_or_404(user, pk)
    ret = _return_to_file(request, round_)
    if ret.is_filed:
        messages.info(request, _("“%(area)s”已填报本轮排查。") % {"area": ret.filer_name})
        return redirect("screening:return", ret.pk)
    domains = ledger.covered_domains(ret)
    found = ledger.candidates(ret, domains)
    if request.method == "POST":
        form = ReturnForm(domains, request.POST, ledger=found)
        if form.is_valid():
            try:
                ret = actions.file_return(
                    user,
                    round_,
                    area=None if ret.department_id else ret.area,
                    department=ret.department,
                    lines=form.lines(),
                    zero_report=form.zero_report,
                    note=form.note,
                    explanation=form.explanation,
                    version=request.POST.get("version"),
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = _page_status(exc)
            else:
                if ret.late:
                    messages.warning(request, _("报表已提交（已超过报送期限，标记为逾期报送）。"))
                else:
                    messages.success(request, _("报表已提交，谢谢！"))
                return redirect("screening:return", ret.pk)
        else:
            form.add_error(None, _("部分事项填写有误，请按提示修改。"))
            status = 400
    else:
        form = ReturnForm(domains, ledger=found)
        status = 200
    return render(request, "screening/file.html", _form_context(user, ret, form), status=status)


@login_required
def correct_return(request, pk: int):
    """更正 a filed return while its round is open: the filing form, filled with the return, and a reason."""
    user = request.user
    _page_gate(user, "screening.file")
    ret = get_scoped_or_404(user, Return.objects.select_related("area", "round", "department"), pk=pk)
    if not ret.is_filed:
        return redirect(_file_url(ret))
    domains = ledger.covered_domains(ret)
    found = ledger.candidates(ret, domains)
    status = 200
    if request.method == "POST":
        form = ReturnForm(domains, request.POST, ledger=found)
        if form.is_valid():
            try:
                actions.correct_return(
                    user,
                    ret,
                    reason=form.reason,
                    lines=form.lines(),
                    zero_report=form.zero_report,
                    note=form.note,
                    explanation=form.explanation,
                    version=request.POST.get("version"),
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = _page_status(exc)
            else:
                messages.success(request, _("报表已更正，更正记录已保存。"))
                return redirect("screening:return", ret.pk)
        else:
            form.add_error(None, _("部分事项填写有误，请按提示修改。"))
            status = 400
    else:
        form = ReturnForm(domains, ledger=found, initial=ret)
    context = _form_context(user, ret, form)
    context["correcting"] = True
    return render(request, "screening/file.html", context, status=status)


def _file_url(ret) -> str:
    url = reverse("screening:file", args=[ret.round_id])
    return url + (f"?unit={ret.department_id}" if ret.department_id else f"?area={ret.area_id}")


@login_required
def return_detail(request, pk: int):
    user = request.user
    _page_gate(user, "screening.view")
    matters = scoped(user, Matter).select_related("domain")
    ret = get_scoped_or_404(
        user,
        Return.objects.select_related("round", "area", "filed_by", "unit", "department").prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("domain").prefetch_related(
                    Prefetch("matters", queryset=matters)
                ),
            ),
            Prefetch("unlisted_matters", queryset=matters),
        ),
        pk=pk,
    )
    if not ret.is_filed:
        if ret.round.is_open and may(user, "screening.file"):
            return redirect(_file_url(ret))
        messages.info(request, _("“%(area)s”未报送本轮排查。") % {"area": ret.filer_name})
        return redirect("screening:round", ret.round_id)
    corrections = ReturnCorrection.objects.filter(ret=ret).select_related("corrected_by")
    return render(
        request,
        "screening/return.html",
        {
            "ret": ret,
            "round": ret.round,
            "corrections": corrections,
            "can_correct": actions.may_correct(user, ret),
        },
    )


@login_required
def cadences(request):
    user = request.user
    _page_gate(user, "screening.manage")  # the page lists the cadences; saving one is the action's to allow
    rows = list(scoped(user, Cadence).select_related("county"))
    forms = {c.pk: CadenceForm(instance=c, prefix=f"c{c.pk}") for c in rows}
    status = 200
    if request.method == "POST":
        cadence = get_scoped_or_404(user, Cadence, pk=request.POST.get("cadence"))
        form = CadenceForm(request.POST, instance=Cadence.objects.get(pk=cadence.pk), prefix=f"c{cadence.pk}")
        if form.is_valid():
            try:
                actions.update_cadence(
                    user, cadence, **{f: form.cleaned_data[f] for f in actions.CADENCE_FIELDS}
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = _page_status(exc)
            else:
                messages.success(request, _("排查周期已保存，下一轮起按新设置开启。"))
                return redirect("screening:cadences")
        forms[cadence.pk] = form
    return render(
        request, "screening/cadences.html", {"rows": [(c, forms[c.pk]) for c in rows]}, status=status
    )
