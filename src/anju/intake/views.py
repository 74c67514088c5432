"""Staff pages for reports: intake forms, the list, the detail page and its actions (thin: actions decide)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from anju.core.errors import WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.letterhead import centre_name
from anju.core.models import AuditEvent
from anju.core.permissions import may
from anju.core.roles import Role
from anju.core.scoping import get_scoped_or_404, scoped
from anju.core.uploads import open_stored, upload_response
from anju.intake import actions, duplicates, receipts, triaging
from anju.intake.forms import (
    GridReportForm,
    LinkForm,
    RegisterForm,
    RejectForm,
    ReportFilterForm,
    StaffReportForm,
)
from anju.intake.models import Attachment, Channel, Report, ReportStatus
from anju.matters.models import Matter
from anju.matters.risk import current_matrix

MATTER_SEARCH_LIMIT = 10
# What the report's own history shows (reveals of personal data are in the audit log, for auditors).
HISTORY_ACTIONS = {
    "report.submit": _lazy("受理"),
    "report.register": _lazy("登记为事项"),
    "report.link": _lazy("并入已有事项"),
    "report.reject": _lazy("不予受理"),
}


def submit_from_form(request, form, *, channel: str) -> tuple[Report | None, int]:
    """Run ``submit_report`` with a valid form's data: the report, or None with errors on the form and the
    page's status (200 for input to correct, ``http_status`` for a refusal such as an area out of scope)."""
    data = form.cleaned_data
    duplicate_of = None
    if data.get("matter"):
        duplicate_of = scoped(request.user, Matter).filter(pk=data["matter"]).first()
        if duplicate_of is None:
            form.add_error("matter", _("未找到要并入的事项，或不在您的管辖范围内。"))
            return None, 200
    try:
        report = actions.submit_report(
            request.user,
            channel=channel,
            text=data["text"],
            area=data["area"],
            title=data.get("title", ""),
            received_at=data.get("received_at"),
            location=data.get("location", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            anonymous=data.get("anonymous", False),
            reporter_name=data.get("reporter_name", ""),
            reporter_phone=data.get("reporter_phone", ""),
            reporter_id_number=data.get("reporter_id_number", ""),
            attachments=data.get("attachments", []),
            suggested_domain=data.get("domain"),
            duplicate_of=duplicate_of,
            idempotency_key=data.get("idempotency_key") or None,
        )
    except ValidationError as error:
        add_action_errors(form, error)
        return None, http_status(error) if isinstance(error, WorkflowError) else 200
    return report, 200


def received_message(report: Report) -> str:
    code = receipts.display(report.receipt_code)
    if report.matter_id:
        return _("已受理并并入事项 %(n)s，回执码 %(code)s。") % {"n": report.matter.number, "code": code}
    return _("已受理，回执码 %(code)s。") % {"code": code}


def _received(request, report: Report):
    messages.success(request, received_message(report))
    return redirect("intake:detail", pk=report.pk)


@login_required
def report_new(request):
    request.user.require("report.create")
    if request.user.role == Role.GRID_WORKER and request.method == "GET" and not request.GET.get("full"):
        return redirect("intake:grid")  # grid workers report from their phones
    form = StaffReportForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        report, status = submit_from_form(request, form, channel=form.cleaned_data["channel"])
        if report is not None:
            return _received(request, report)
    return render(request, "intake/report_form.html", {"form": form}, status=status)


@login_required
def report_grid(request):
    request.user.require("report.create")
    form = GridReportForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        report, status = submit_from_form(request, form, channel=Channel.GRID_PATROL)
        if report is not None:
            return _received(request, report)
    # The offline script sends queued drafts with the CSRF cookie as it is then (a cached page's token ages).
    context = {"form": form, "csrf_cookie_name": settings.CSRF_COOKIE_NAME}
    return render(request, "intake/grid_form.html", context, status=status)


@login_required
def report_list(request):
    request.user.require("report.view")
    # An aggregate drops the model's default ordering, so it is repeated here for stable pages.
    reports = (
        scoped(request.user, Report)
        .select_related("area", "matter")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-received_at", "-id")
    )
    form = ReportFilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            code = receipts.normalise(data["q"])
            query = Q(text__icontains=data["q"]) | Q(title__icontains=data["q"])
            reports = reports.filter(query | Q(receipt_code=code) if code else query)
        if data["status"]:
            reports = reports.filter(status=data["status"])
        if data["channel"]:
            reports = reports.filter(channel=data["channel"])
        if data["area"]:
            reports = reports.filter(area__path__startswith=data["area"].path)
        if data["date_from"]:
            reports = reports.filter(received_at__date__gte=data["date_from"])
        if data["date_to"]:
            reports = reports.filter(received_at__date__lte=data["date_to"])
    page = Paginator(reports, settings.ANJU_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/report_list.html",
        {
            "page": page,
            "form": form,
            "can_create": may(request.user, "report.create"),
            "can_import_legacy": may(request.user, "intake.legacy_import"),
        },
    )


def _matter_url(matter: Matter) -> str | None:
    try:
        return reverse("matters:detail", args=[matter.pk])
    except NoReverseMatch:  # the ledger pages may not be installed in this checkout
        return None


def _history(user, report: Report) -> list[tuple[AuditEvent, str]]:
    events = (
        scoped(user, AuditEvent)
        .filter(
            object_type=Report._meta.label_lower, object_id=str(report.pk), action__in=list(HISTORY_ACTIONS)
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    return [(event, HISTORY_ACTIONS[event.action]) for event in events]


def _detail(request, report: Report, *, register_form=None, link_form=None, reject_form=None, status=200):
    user = request.user
    can_handle = may(user, "report.register") and report.status == ReportStatus.RECEIVED
    context = {
        "report": report,
        "attachments": report.attachments.all(),
        "can_reveal": may(user, "personal_data.reveal"),
        "can_handle": can_handle,
        "matter_url": _matter_url(report.matter) if report.matter_id else None,
        "receipt_display": receipts.display(report.receipt_code),
        "history": _history(user, report),
    }
    if can_handle:
        default_title = report.title or report.text[:40]
        triage, domain_id = triaging.stored_or_live(report)
        facts = triage.get("facts") or {}  # figures triage read from the text
        context.update(
            register_form=register_form
            or RegisterForm(
                can_assess=may(user, "matter.assess"),
                initial={
                    "title": default_title,
                    "domain": domain_id,
                    "kind": "demand",
                    "people_involved": facts.get("max_people") or 0,
                    "amount_involved": facts.get("max_money") or 0,
                },
            ),
            link_form=link_form or LinkForm(),
            reject_form=reject_form or RejectForm(),
            candidates=duplicates.candidates(user, report),
            # similar matters found for this report can become one case or one 专题研判 (cases' page,
            # named by string in the template)
            can_open_case=may(user, "cases.manage"),
            can_meet=may(user, "analysis.manage"),
            search_results=_search_matters(user, request.GET.get("matter_q", "")),
            matter_q=request.GET.get("matter_q", "")[:100],
            matrix_title=current_matrix().title,
        )
    return render(request, "intake/report_detail.html", context, status=status)


@login_required
def report_detail(request, pk: int):
    request.user.require("report.view")
    report = get_scoped_or_404(
        request.user, Report.objects.select_related("area", "matter", "created_by"), pk=pk
    )
    return _detail(request, report)


def _refused(request, report: Report, error: WorkflowError):
    """An action the report's status, the user's role or scope, or a stale page does not allow: the report
    as it is now, the reason above it, and the refusal's status (``http_status``: 403 or 409)."""
    messages.error(request, " ".join(error.messages))
    report.refresh_from_db()
    return _detail(request, report, status=http_status(error))


def _form_again(request, report: Report, **bound):
    """The report with the posted form and its errors. A role that is shown no handling form there has
    nothing to correct, so its post answers 403 whatever it sent (an action refuses it when it is complete)."""
    if not may(request.user, "report.register"):
        raise PermissionDenied
    report.refresh_from_db()
    return _detail(request, report, **bound)


def _report_in_scope(request, pk: int) -> Report:
    """The report a POST acts on (404 outside the user's scope); who may act on it is the action's guard."""
    return get_scoped_or_404(request.user, Report, pk=pk)


@login_required
@require_POST
def report_register(request, pk: int):
    report = _report_in_scope(request, pk)
    form = RegisterForm(request.POST, can_assess=may(request.user, "matter.assess"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            matter = actions.register_report(
                request.user,
                report,
                kind=data["kind"],
                domain=data["domain"],
                title=data["title"],
                description=data["description"],
                people_involved=data["people_involved"],
                amount_involved=data["amount_involved"],
                likelihood=data.get("likelihood"),
                consequence=data.get("consequence"),
                version=request.POST.get("version"),
            )
        except WorkflowError as error:
            return _refused(request, report, error)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已登记为事项 %(n)s。") % {"n": matter.number})
            return redirect(_matter_url(matter) or reverse("intake:detail", args=[report.pk]))
    return _form_again(request, report, register_form=form)


@login_required
@require_POST
def report_link(request, pk: int):
    report = _report_in_scope(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            matter = get_scoped_or_404(request.user, Matter, pk=form.cleaned_data["matter"])
        except Http404:
            form.add_error("matter", _("未找到该事项，或不在您的管辖范围内。"))
        else:
            try:
                actions.link_report(
                    request.user,
                    report,
                    matter,
                    note=form.cleaned_data["note"],
                    version=request.POST.get("version"),
                )
            except WorkflowError as error:
                return _refused(request, report, error)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, _("已并入事项 %(n)s。") % {"n": matter.number})
                return redirect("intake:detail", pk=report.pk)
    return _form_again(request, report, link_form=form)


@login_required
@require_POST
def report_reject(request, pk: int):
    report = _report_in_scope(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            actions.reject_report(
                request.user, report, form.cleaned_data["reason"], version=request.POST.get("version")
            )
        except WorkflowError as error:
            return _refused(request, report, error)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已作不予受理处理。"))
            return redirect("intake:detail", pk=report.pk)
    return _form_again(request, report, reject_form=form)


def _search_matters(user, query: str) -> list[Matter]:
    query = (query or "").strip()[:100]
    if not query:
        return []
    matters = scoped(user, Matter).open().filter(Q(number__icontains=query) | Q(title__icontains=query))
    return list(matters.select_related("area", "domain")[:MATTER_SEARCH_LIMIT])


@login_required
@require_GET
def matter_search(request, pk: int):
    """htmx: open matters in scope matching a number or title, to link a report to."""
    if not may(request.user, "report.register"):  # a helper of the handling forms only
        raise PermissionDenied
    report = _report_in_scope(request, pk)
    query = request.GET.get("matter_q", "")
    return render(
        request,
        "intake/_matter_results.html",
        {"report": report, "search_results": _search_matters(request.user, query), "matter_q": query},
    )


@login_required
def attachment(request, pk: int):
    """Attachments are served only through scoping; uploads are never reachable from a public URL."""
    request.user.require("report.view")
    item = get_scoped_or_404(request.user, Attachment, pk=pk)
    return upload_response(
        open_stored(item.file), content_type=item.content_type, filename=item.original_name
    )


@login_required
@require_GET
def report_receipt(request, pk: int):
    """The 受理回执 handed to a walk-in citizen: only what the citizen may see (no internal notes; the
    reporter's name and phone masked), with the public address where the code is tracked."""
    request.user.require("report.view")
    report = get_scoped_or_404(request.user, Report.objects.select_related("area"), pk=pk)
    track_path = reverse("public:track")
    base = settings.ANJU_PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "intake/print_receipt.html",
        {
            "report": report,
            "code": receipts.display(report.receipt_code),
            "centre": centre_name(report.area),
            "track_url": f"{base}{track_path}",
        },
    )
