"""The ledger filters, in one place: the ledger page, its export and the API filter matters the same way.

``filter_matters(user, params)`` takes the query-string parameters and returns the scoped, filtered and
sorted queryset together with the cleaned filter values. Invalid parameters are ignored (and reported on
the bound form) rather than widening or breaking the query.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.forms import DateRangeForm, local_midnight
from anju.core.models import Area, Domain
from anju.core.pickers import pickerise
from anju.core.scoping import scoped
from anju.matters.models import Matter, MatterKind, MatterLink
from anju.matters.risk import LEVEL_CHOICES
from anju.matters.seek import SORT_KEYS, ordering
from anju.matters.workflow import DEADLINE_STATUSES, OPEN_STATUSES, Status

OPEN = "open"  # pseudo-status: every open status
OWN_UNIT = "unit"  # the matters the user's own unit is responsible for (the 工作台's unit cards link here)
LEAD_ME = "me"  # the matters the user leads as 包案领导 (the leader's 工作台 card links here)
HIGH_AND_ABOVE = "high_up"  # pseudo-level: 较高 or 最高 (the 态势 card "较高及以上风险")

SORT_CHOICES = [
    ("-registered", _("登记时间（新→旧）")),
    ("registered", _("登记时间（旧→新）")),
    ("deadline", _("办理期限（近→远）")),
    ("-deadline", _("办理期限（远→近）")),
    ("-level", _("风险等级（高→低）")),
    ("level", _("风险等级（低→高）")),
    ("number", _("编号（升序）")),
    ("-number", _("编号（降序）")),
]
DEFAULT_SORT = "-registered"
LEDGER_RELATED = ("domain", "area", "handling_area", "responsible_unit", "responsible_person")


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        # Indent by depth so the tree reads in a plain <select>.
        return "\u3000" * max(0, obj.depth - 1) + obj.name


class LedgerFilterForm(DateRangeForm):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("编号/标题/描述")}),
    )
    area = AreaChoiceField(
        label=_("区域"), queryset=Area.objects.none(), required=False, empty_label=_("全部")
    )
    domain = forms.ModelChoiceField(
        label=_("风险领域"),
        queryset=Domain.objects.filter(active=True),
        required=False,
        empty_label=_("全部"),
    )
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *MatterKind.choices])
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), (OPEN, _("在办（全部）")), *Status.choices]
    )
    level = forms.ChoiceField(
        label=_("风险等级"),
        required=False,
        choices=[("", _("全部")), *LEVEL_CHOICES, (HIGH_AND_ABOVE, _("较高及以上"))],
    )
    overdue = forms.BooleanField(label=_("仅超期"), required=False)
    due_soon = forms.BooleanField(label=_("即将到期"), required=False)
    mine = forms.ChoiceField(
        label=_("承办单位"), required=False, choices=[("", _("全部")), (OWN_UNIT, _("本单位承办"))]
    )
    lead = forms.ChoiceField(
        label=_("包案领导"), required=False, choices=[("", _("全部")), (LEAD_ME, _("我包案的"))]
    )
    grey_rhino = forms.BooleanField(label=_("仅灰犀牛"), required=False)
    escalated = forms.BooleanField(label=_("督办未回应已报领导"), required=False)
    date_from = forms.DateField(
        label=_("登记日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("登记日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)
    linked_to = forms.CharField(
        label=_("关联于事项"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": _("事项编号")}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].queryset = scoped(user, Area).order_by("path")
        pickerise(self, "area")

    def clean_linked_to(self):
        """A matter number (or id) the user may see: the ledger then lists the matters linked to it."""
        value = (self.cleaned_data.get("linked_to") or "").strip()
        if not value:
            return ""
        matters = scoped(self.user, Matter)
        found = matters.filter(number=value).first()
        if found is None and value.isdigit():
            found = matters.filter(pk=int(value)).first()
        if found is None:
            self.cleaned_data["linked_none"] = True  # a filter that finds nothing, not one that is dropped
            raise forms.ValidationError(
                _("未找到编号为 %(n)s 的事项（或不在您的管辖范围内）。") % {"n": value}
            )
        self.cleaned_data["linked_matter"] = found
        return found.number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mine") == OWN_UNIT:
            # a user without a unit has no unit's matters: an id no unit has
            cleaned["responsible_unit_id"] = self.user.unit_id or 0
        if cleaned.get("lead") == LEAD_ME:
            cleaned["lead_leader_id"] = self.user.pk
        return cleaned


def due_soon_q(today: dt.date, days: int | None = None) -> Q:
    """Deadline running and falling within the reminder window (``ANJU_DEADLINE_REMINDER_DAYS``), not past."""
    from django.conf import settings

    days = settings.ANJU_DEADLINE_REMINDER_DAYS if days is None else days
    return Q(status__in=DEADLINE_STATUSES, deadline__gte=today, deadline__lte=today + dt.timedelta(days=days))


def escalated_supervision_q() -> Q:
    """Running matters with a 督办 left unanswered and reported to the leaders (``escalate_unanswered``)."""
    from anju.matters.models import SupervisionNote

    escalated = SupervisionNote.objects.filter(escalated_at__isnull=False).values("matter")
    return Q(status__in=DEADLINE_STATUSES, pk__in=escalated)


def current_level_q(code: str) -> Q:
    """The level a matter shows now: its residual level when assessed after measures, else its inherent one."""
    return Q(residual_level=code) | Q(residual_level="", inherent_level=code)


def search_q(q: str) -> Q:
    """Number, title or description contains ``q``, in any case.

    On PostgreSQL this is served by indexes (migrations 0013, 0016): trigram indexes for three characters or
    more. Two characters, the usual length of a Chinese word, make no trigram, so the bigram index is asked
    too: the bigrams of the three fields joined by spaces contain a two-character word without spaces
    exactly when one of the fields does. One character (a single 字) is looked up the same way in the index
    of each matter's distinct characters. Either condition adds no row and removes none; it lets the planner
    read a rare word's rows from the index, while a common word's page walks the ledger in order with the
    cheap ``LIKE`` tested first."""
    contains = Q(number__icontains=q) | Q(title__icontains=q) | Q(description__icontains=q)
    if connection.vendor != "postgresql" or len(q) > 2 or any(c.isspace() for c in q):
        return contains
    grams = "anju_matter_bigrams" if len(q) == 2 else "anju_matter_chars"
    split = "anju_bigrams" if len(q) == 2 else "anju_chars"
    text = TextField()  # the SQL type is text[]; Django only needs a field to resolve the expression
    fields = Func(F("number"), F("title"), F("description"), function=grams, output_field=text)
    word = Func(Upper(Value(q)), function=split, output_field=text)
    return contains & Q(
        Func(fields, word, template="%(expressions)s", arg_joiner=" @> ", output_field=BooleanField())
    )


def apply_filters(qs: QuerySet, cleaned: dict) -> QuerySet:
    """Narrow an already scoped matter queryset by cleaned filter values (missing keys are ignored)."""
    if q := (cleaned.get("q") or "").strip():
        qs = qs.filter(search_q(q))
    if area := cleaned.get("area"):
        qs = qs.filter(area__path__startswith=area.path)
    if domain := cleaned.get("domain"):
        qs = qs.filter(Q(domain=domain) | Q(domain__parent=domain))
    if kind := cleaned.get("kind"):
        qs = qs.filter(kind=kind)
    status = cleaned.get("status")
    if status == OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    level = cleaned.get("level")
    if level == HIGH_AND_ABOVE:
        qs = qs.filter(current_level_q("high") | current_level_q("critical"))
    elif level:
        qs = qs.filter(current_level_q(level))
    if cleaned.get("overdue"):
        qs = qs.overdue()
    if cleaned.get("due_soon"):
        qs = qs.filter(due_soon_q(timezone.localdate()))
    if (unit_id := cleaned.get("responsible_unit_id")) is not None:
        qs = qs.filter(responsible_unit_id=unit_id)
    if (leader_id := cleaned.get("lead_leader_id")) is not None:
        qs = qs.filter(lead_leader_id=leader_id)
    if cleaned.get("grey_rhino"):
        qs = qs.filter(grey_rhino=True)
    if cleaned.get("linked_none"):
        qs = qs.none()
    if (linked := cleaned.get("linked_matter")) is not None:
        # both directions: the matters it links to and those linking to it
        linked_ids = MatterLink.objects.filter(source=linked).values("target")
        linking_ids = MatterLink.objects.filter(target=linked).values("source")
        qs = qs.filter(Q(pk__in=linked_ids) | Q(pk__in=linking_ids))
    if cleaned.get("escalated"):
        qs = qs.filter(escalated_supervision_q())
    if start := cleaned.get("date_from"):
        qs = qs.filter(registered_at__gte=local_midnight(start))
    if end := cleaned.get("date_to"):
        qs = qs.filter(registered_at__lt=local_midnight(end + dt.timedelta(days=1)))
    sort = cleaned.get("sort") or DEFAULT_SORT
    # every sort is a key ending in a unique column (seek.SORT_KEYS): a total order, which keyset pages need
    return qs.order_by(*ordering(sort if sort in SORT_KEYS else DEFAULT_SORT))


def apply_filter_form(form: LedgerFilterForm) -> tuple[QuerySet, dict]:
    """The filtered queryset for a bound form; fields that failed validation are left out."""
    form.is_valid()
    cleaned = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    qs = scoped(form.user, Matter).select_related(*LEDGER_RELATED)
    return apply_filters(qs, cleaned), cleaned


def filter_matters(user, params) -> tuple[QuerySet, dict]:
    """The user's matters narrowed by query-string ``params`` (a QueryDict or a plain dict)."""
    return apply_filter_form(LedgerFilterForm(user, params))


def describe_filters(cleaned: dict) -> dict:
    """The cleaned filters as plain JSON values, for the audit log of an export."""
    out = {}
    for key, value in cleaned.items():
        if value in (None, "", False):
            continue
        if isinstance(value, Matter):
            out[key] = value.number
        elif isinstance(value, (Area, Domain)):
            out[key] = value.name
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out
