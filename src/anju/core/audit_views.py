"""The auditor's page: the audit log with readable action names, local times, filters and an .xlsx export."""

from __future__ import annotations

import datetime as dt
import io
import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from anju.core import actions, audit
from anju.core.audit_labels import ACTION_GROUPS, action_choices, action_label
from anju.core.documents import document_response, exported_at
from anju.core.forms import DateRangeForm, local_midnight
from anju.core.models import Area, AuditEvent, User
from anju.core.pickers import pickerise
from anju.core.reveal_purposes import RevealPurpose
from anju.core.scoping import scoped
from anju.core.spreadsheet import print_layout, write_cell

PAGE_SIZE = 50


class _AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return "\u3000" * max(0, obj.depth - 1) + obj.name  # indented: the tree reads in a plain <select>


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.username})" if obj.display_name else obj.username


class AuditFilterForm(DateRangeForm):
    user = _UserChoiceField(
        label=_lazy("用户"), queryset=User.objects.none(), required=False, empty_label=_lazy("全部")
    )
    area = _AreaChoiceField(
        label=_lazy("区域"), queryset=Area.objects.none(), required=False, empty_label=_lazy("全部")
    )
    action = forms.ChoiceField(label=_lazy("操作"), required=False, choices=action_choices)
    purpose = forms.ChoiceField(
        label=_lazy("查看用途"),
        required=False,
        choices=[("", _lazy("全部")), *RevealPurpose.choices],
    )
    date_from = forms.DateField(
        label=_lazy("日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_lazy("日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, viewer, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = scoped(viewer, User).order_by("username")
        self.fields["area"].queryset = scoped(viewer, Area).order_by("path")
        pickerise(self)


def filter_events(events: QuerySet, cleaned: dict) -> QuerySet:
    """Narrow already visible events by the form's cleaned values. Dates are local days, both ends included."""
    if user := cleaned.get("user"):
        # The user's own acts, and the sign-in events about their account (failed logins have no actor).
        events = events.filter(
            Q(actor=user)
            | Q(action__startswith="auth.", object_type=user._meta.label_lower, object_id=str(user.pk))
        )
    if area := cleaned.get("area"):
        events = events.filter(area__path__startswith=area.path)
    action = cleaned.get("action") or ""
    if action in ACTION_GROUPS:
        events = events.filter(action__startswith=action)
    elif action:
        events = events.filter(action=action)
    if purpose := cleaned.get("purpose"):
        # the purpose a reveal of personal data named (core.actions.record_reveal)
        events = events.filter(action="personal_data.reveal", after__purpose=purpose)
    if start := cleaned.get("date_from"):
        events = events.filter(at__gte=local_midnight(start))
    if end := cleaned.get("date_to"):
        events = events.filter(at__lt=local_midnight(end + dt.timedelta(days=1)))
    return events


def describe_filters(cleaned: dict) -> dict:
    """The filters as plain values, for the export's own audit event."""
    out = {}
    for name in ("user", "area"):
        if value := cleaned.get(name):
            out[name] = value.pk
    for name in ("action", "purpose"):
        if cleaned.get(name):
            out[name] = cleaned[name]
    for name in ("date_from", "date_to"):
        if value := cleaned.get(name):
            out[name] = value.isoformat()
    return out


def _filtered(request) -> tuple[AuditFilterForm, QuerySet | None]:
    request.user.require("audit.view")
    form = AuditFilterForm(request.user, request.GET or None)
    events = audit.visible_events(request.user).select_related("actor", "area")
    if form.is_bound and not form.is_valid():
        return form, None
    cleaned = form.cleaned_data if form.is_bound else {}
    # newest first: events not yet linked (seq NULL, the last few moments) above the chain, on either database
    return form, filter_events(events, cleaned).order_by(F("seq").desc(nulls_first=True), "-id")


@login_required
@require_GET
def audit_list(request):
    form, events = _filtered(request)
    page = Paginator(events if events is not None else AuditEvent.objects.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(event, action_label(event.action)) for event in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


COLUMNS = [
    (_lazy("序号"), 8),
    (_lazy("时间"), 20),
    (_lazy("操作人"), 14),
    (_lazy("操作"), 18),
    (_lazy("操作代码"), 22),
    (_lazy("对象类型"), 18),
    (_lazy("对象"), 10),
    (_lazy("对象名称"), 24),
    (_lazy("区域"), 14),
    (_lazy("变更前"), 40),
    (_lazy("变更后"), 40),
    (_lazy("说明"), 30),
    (_lazy("哈希"), 20),
]


def _json_text(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _row(event: AuditEvent) -> list:
    return [
        event.seq,
        timezone.localtime(event.at).replace(tzinfo=None),  # a spreadsheet has no time zones: local time
        str(event.actor) if event.actor_id else "",
        action_label(event.action),
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.area.name if event.area_id else "",
        _json_text(event.before),
        _json_text(event.after),
        event.note,
        event.hash,
    ]


def export_title(area: Area | None) -> str:
    """The export's title and file name: ``东镇审计日志（2026年12月2日09时50分导出）``."""
    return (area.name if area else "") + _("审计日志") + exported_at()


def build_workbook(events: QuerySet, title: str = "") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("审计日志"))
    widths = {get_column_letter(index + 1): width for index, (_header, width) in enumerate(COLUMNS)}
    print_layout(sheet, title_rows="1:1", widths=widths, header=title)

    def cells(values):
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet)
            write_cell(cell, value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            out.append(cell)
        return out

    sheet.append(cells([str(header) for header, _width in COLUMNS]))
    for event in events.iterator(chunk_size=2000):
        sheet.append(cells(_row(event)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@login_required
@require_GET
def audit_export(request):
    form, events = _filtered(request)
    if events is None:  # the same page, with the messages beside the fields
        page = Paginator(AuditEvent.objects.none(), PAGE_SIZE).get_page(1)
        return render(request, "core/audit_list.html", {"form": form, "page": page, "rows": [], "query": ""})
    cleaned = form.cleaned_data if form.is_bound else {}
    count = events.count()
    title = export_title(cleaned.get("area"))
    content = build_workbook(events, title)
    actions.record_audit_export(request.user, describe_filters(cleaned), count, area=cleaned.get("area"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return document_response(content, title, "xlsx", fallback=f"audit-{stamp}")
