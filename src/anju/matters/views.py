"""Matter pages: the ledger, its export, a matter's page with its action panel, registration, supervision.

Views stay thin: queries come from ``scoping``/``filters``, every change is one ``matters.actions`` call.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.core import jobs
from anju.core.documents import document_response, exported_at
from anju.core.errors import Conflict, WorkflowError, http_status
from anju.core.models import JobKind, Unit, User
from anju.core.pickers import person_label, pinyin_keys
from anju.core.replica import replica_reads
from anju.core.scoping import get_scoped_or_404, handles, may_act_on, scoped
from anju.core.uploads import open_stored, upload_response
from anju.matters import actions, queues, seek
from anju.matters.export import build_workbook, ledger_title
from anju.matters.filters import (
    DEFAULT_SORT,
    LEDGER_RELATED,
    LedgerFilterForm,
    apply_filter_form,
    current_level_q,
    describe_filters,
)
from anju.matters.forms import NewMatterForm
from anju.matters.forms_batch import BatchForm, batch_choices
from anju.matters.ledger_rows import ledger_rows
from anju.matters.models import Matter, MediationSession, SupervisionNote
from anju.matters.panels import PANELS, panels_for
from anju.matters.panels_coordination import coordination_context
from anju.matters.panels_links import links_context
from anju.matters.risk import current_matrix
from anju.matters.tasks import export_ledger
from anju.matters.views_levels import level_context


def _matter_or_404(user, pk) -> Matter:
    qs = Matter.objects.select_related(*LEDGER_RELATED, "merged_into", "created_by", "lead_leader")
    return get_scoped_or_404(user, qs, pk=pk)


@login_required
@require_GET
def ledger(request):
    request.user.require("matter.view")
    form = LedgerFilterForm(request.user, request.GET)
    matters, cleaned = apply_filter_form(form)
    sort = cleaned.get("sort") or DEFAULT_SORT
    page = _ledger_page(request, matters, sort)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    batch = BatchForm(user=request.user) if batch_choices(request.user) else None
    return render(
        request,
        "matters/ledger.html",
        {
            "form": form,
            "page": page,
            "rows": ledger_rows(page.object_list),
            "sort": sort,
            "query": query.urlencode(),
            "can_export": request.user.can("ledger.export"),
            "can_create": request.user.can("matter.create"),
            "batch_form": batch,
            "linked_matter": cleaned.get("linked_matter"),
            "query_without_link": _without(query, "linked_to"),
        },
    )


def _ledger_page(request, matters, sort: str) -> seek.SeekPage:
    """The page the URL asks for: ``?cursor=`` (the page links), ``?page=last``, or an old ``?page=N``
    (OFFSET, kept for bookmarks; past the end it is the last page). The total is counted up to 10,000."""
    size = settings.ANJU_PAGE_SIZE
    wanted = request.GET.get("page", "")
    page = None
    if cursor := request.GET.get("cursor"):
        try:
            page = seek.seek(matters, sort, size, cursor=cursor)
        except seek.BadCursor:
            messages.warning(request, _("分页链接已失效（可能已更改排序），已回到第一页。"))
    elif wanted == "last":
        page = seek.seek(matters, sort, size, last=True)
    elif wanted.isdigit() and int(wanted) > 1:
        page = seek.by_number(matters, sort, size, min(int(wanted), 10**6))
        if not page.object_list:
            page = seek.seek(matters, sort, size, last=True)
    if page is None:
        page = seek.seek(matters, sort, size)
    page.count, page.count_capped = seek.count_capped(matters)
    return page


def _without(query, key: str) -> str:
    """The query string less one filter (the chip's 取消 link)."""
    rest = query.copy()
    rest.pop(key, None)
    return rest.urlencode()


@login_required
@require_GET
@replica_reads
def export(request):
    if not request.user.can("ledger.export"):
        raise PermissionDenied(_("您的角色无权导出台账。"))
    form = LedgerFilterForm(request.user, request.GET)
    matters, cleaned = apply_filter_form(form)
    area = cleaned.get("area") or request.user.area
    if matters.count() > settings.ANJU_EXPORT_INLINE_LIMIT:  # too large to write inside the request
        params = {key: request.GET.getlist(key) for key in request.GET}
        job = jobs.start(export_ledger, user=request.user, kind=JobKind.LEDGER_EXPORT, params=params)
        return render(request, "matters/export_job.html", {"job": job})
    content = build_workbook(matters, exporter=request.user, area=area)
    actions.record_export(request.user, describe_filters(cleaned), matters.count(), area=area)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    title = ledger_title(area) + exported_at()
    return document_response(content, title, "xlsx", fallback=f"ledger-{stamp}")


def _report_links(matter) -> list[dict]:
    items = []
    for report in matter.reports.all().order_by("received_at"):
        try:
            url = reverse("intake:detail", args=[report.pk])
        except NoReverseMatch:
            url = None
        items.append({"report": report, "url": url})
    return items


def _detail_context(request, matter: Matter, bound: tuple[str, object] | None = None) -> dict:
    user = request.user
    panels = []
    for panel in panels_for(user, matter):
        form = bound[1] if bound and bound[0] == panel.key else panel.form(user, matter)
        panels.append({"panel": panel, "form": form, "open": bool(bound and bound[0] == panel.key)})
    matrix = current_matrix()
    return {
        "matter": matter,
        "area_path": matter.area.full_name(),
        "parties": matter.parties.all(),
        "can_reveal": user.can("personal_data.reveal"),
        # the matter's handlers reach its parties' contact too, for a purpose (care's reveal page)
        "can_reach_parties": user.can("personal_data.reveal")
        or (user.can("care.reveal_contact") and handles(user, matter)),
        "can_refer": user.can("care.refer"),  # 转介: the care app's page, named by URL
        "reports": _report_links(matter),
        "events": matter.events.select_related("actor").order_by("at", "id"),
        "sessions": matter.mediation_sessions.select_related("recorded_by"),
        "follow_ups": matter.follow_ups.select_related("visited_by"),
        "supervision_notes": matter.supervision_notes.select_related("by"),
        "gradings": matter.gradings.select_related("by"),
        "root_cause_tasks": matter.root_cause_tasks.select_related("unit"),
        "merged_matters": matter.merged_matters.only("id", "number", "title"),
        **level_context(matter, user),
        "panels": panels,
        **coordination_context(user, matter, bound),
        **links_context(user, matter, bound),
        "matrix": matrix,
        "anju_current_matrix": matrix,  # the level badges' (matters_extras.level_badge): not read again
        "matrix_rows": [
            (step, [matrix.levels[code] for code in matrix.grid[i]])
            for i, step in enumerate(matrix.likelihood)
        ],
        "matrix_json": {
            "grid": [list(row) for row in matrix.grid],
            "levels": {c: {"label": lv.label, "action": lv.action} for c, lv in matrix.levels.items()},
        },
    }


@login_required
@require_GET
def detail(request, pk: int):
    request.user.require("matter.view")
    matter = _matter_or_404(request.user, pk)
    return render(request, "matters/detail.html", _detail_context(request, matter))


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
@require_POST
def act(request, pk: int, action: str):
    """Validate one panel's form and call its single action."""
    panel = PANELS.get(action)
    if panel is None:
        raise Http404
    matter = _matter_or_404(request.user, pk)
    back = _safe_next(request, reverse("matters:detail", args=[matter.pk]))
    if not request.user.can(panel.permission):
        messages.error(
            request,
            _("您的角色（%(role)s）无权执行“%(action)s”。")
            % {"role": request.user.get_role_display(), "action": panel.label},
        )
        return redirect(back)
    if not may_act_on(request.user, matter):
        messages.error(request, _("该事项未交办给您的单位，您只能办理本单位承办的事项。"))
        return redirect(back)
    form = panel.form(request.user, matter, request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            panel.run(request.user, matter, form.cleaned_data)
        except Conflict as exc:
            # A stale page: keep what the user typed, say why next to the form, show the stored state.
            form.add_error(None, exc.messages)
            status = http_status(exc)
        except WorkflowError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        except ValidationError as exc:
            _attach_errors(form, exc, panel.error_fields)
        else:
            messages.success(request, panel.success)
            return redirect(back)
    if status != 409 and request.POST.get("inline"):
        # A one-line form on a list (督办 on the supervision page): say what is missing on that list
        # rather than leaving it for the detail page.
        messages.error(request, _inline_errors_message(panel.label, form))
        return redirect(back)
    # The action changed nothing; reload the matter so the page shows the stored state.
    matter = _matter_or_404(request.user, pk)
    if status == 409:  # stale: said at the top too, as the panel may no longer be offered for the new state
        messages.error(request, " ".join(form.non_field_errors()))
    else:
        messages.error(request, _("“%(action)s”未提交成功，请按提示修改。") % {"action": panel.label})
    return render(
        request, "matters/detail.html", _detail_context(request, matter, (panel.key, form)), status=status
    )


def _inline_errors_message(action_label, form) -> str:
    """One line naming each field that was refused and why, for a form submitted from a list."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = "；".join(str(e) for e in errors)
        named = field is None or str(field.label) in text  # 请填写督办意见 names its field already
        parts.append(text if named else f"{field.label}：{text}")
    return _("“%(action)s”未提交：%(errors)s") % {"action": action_label, "errors": "；".join(parts)}


def _attach_errors(form, exc: ValidationError, renames: dict) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        name = renames.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


@login_required
@require_GET
def unit_members(request):
    """<option>s of a unit's members, for the assign form's person select (htmx)."""
    unit_id = next((v for k, v in request.GET.items() if k == "unit" or k.endswith("-unit")), "")
    options = format_html('<option value="">{}</option>', _("（不指定）"))
    if not unit_id:
        return HttpResponse(options)
    unit = get_scoped_or_404(request.user, Unit, pk=unit_id)
    members = User.objects.filter(unit=unit, is_active=True).select_related("unit").order_by("username")
    rows = format_html_join(
        "",
        '<option value="{}" data-pinyin="{}" data-group="{}">{}</option>',
        ((u.pk, pinyin_keys(person_label(u)), unit.name, person_label(u)) for u in members),
    )
    return HttpResponse(options + rows)


@login_required
@require_GET
def agreement_file(request, pk: int):
    """Download a mediation agreement; scoped like its matter."""
    session = get_scoped_or_404(request.user, MediationSession, pk=pk)
    if not session.agreement_file:
        raise Http404
    return upload_response(
        open_stored(session.agreement_file), filename=session.agreement_file.name.rsplit("/", 1)[-1]
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    request.user.require("matter.create")
    form = NewMatterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            matter = actions.create_matter(
                request.user,
                kind=c["kind"],
                domain=c["domain"],
                area=c["area"],
                title=c["title"],
                description=c["description"],
                people_involved=c["people_involved"],
                amount_involved=c["amount_involved"],
                occurred_at=c["occurred_at"],
                parties=form.parties(),
                likelihood=c.get("likelihood"),
                consequence=c.get("consequence"),
            )
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _attach_errors(
                form,
                exc,
                {"name": "applicant_name", "phone": "applicant_phone", "id_number": "applicant_id_number"},
            )
        else:
            messages.success(request, _("事项 %(n)s 已登记。") % {"n": matter.number})
            return redirect("matters:detail", pk=matter.pk)
    return render(request, "matters/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def supervision(request):
    """督办: overdue matters first, then open matters at the two highest levels."""
    request.user.require("matter.view")
    today = timezone.localdate()
    last_note = SupervisionNote.objects.filter(matter=OuterRef("pk")).order_by("-at", "-id")
    matters = (
        scoped(request.user, Matter)
        .select_related(*LEDGER_RELATED)
        .annotate(
            last_note=Subquery(last_note.values("note")[:1]),
            last_note_at=Subquery(last_note.values("at")[:1]),
        )
    )
    overdue = matters.overdue(today).order_by("deadline", "id")
    page = Paginator(overdue, settings.ANJU_PAGE_SIZE).get_page(request.GET.get("page"))
    for m in page:
        m.days_overdue = (today - m.deadline).days
    high = (
        matters.open()
        .filter(current_level_q("high") | current_level_q("critical"))
        .exclude(pk__in=overdue.values("pk"))
        .order_by("deadline", "-registered_at")[:50]
    )
    can_supervise = request.user.can("matter.supervise")
    ungraded = queues.ungraded(request.user).select_related(*LEDGER_RELATED)
    return render(
        request,
        "matters/supervision.html",
        {
            "page": page,
            "high": high,
            "can_supervise": can_supervise,
            "ungraded": ungraded[:10],
            "ungraded_count": ungraded.count(),
        },
    )
