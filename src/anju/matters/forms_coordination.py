"""Forms of co-handling, coordination requests and 问责. They only parse input; the actions check it."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.models import Unit
from anju.core.pickers import pickerise
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_NOTE_CHARS
from anju.matters.actions.coordination import askable_units
from anju.matters.forms import INTERNAL_HELP
from anju.matters.models_coordination import AccountableRole, DutyFailure

DEFAULT_TASK_DAYS = 7


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


def _text(label, *, required=True, help_text=INTERNAL_HELP):
    return forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class VersionedForm(forms.Form):
    # The version of the object the page showed; a CharField so a mangled value is a stale version (409).
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class CoHandlerForm(VersionedForm):
    unit = forms.ModelChoiceField(label=_("协办单位"), queryset=Unit.objects.none(), empty_label=_("请选择"))
    task = _text(_("协办事项"))
    deadline = forms.DateField(label=_("协办期限"), widget=_date_input())

    def __init__(self, *args, user, matter, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("deadline", timezone.localdate() + dt.timedelta(days=DEFAULT_TASK_DAYS))
        kwargs["initial"].setdefault("version", matter.version)
        super().__init__(*args, **kwargs)
        units = scoped(user, Unit).select_related("area")
        if matter.responsible_unit_id:
            units = units.exclude(pk=matter.responsible_unit_id)
        self.fields["unit"].queryset = units
        pickerise(self)


class CoordinationRequestForm(VersionedForm):
    to_unit = forms.ModelChoiceField(
        label=_("被请求单位"), queryset=Unit.objects.none(), empty_label=_("请选择")
    )
    asked = _text(_("请求协调事项"))
    due = forms.DateField(label=_("请求办结期限"), widget=_date_input())

    def __init__(self, *args, user, matter, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("due", timezone.localdate() + dt.timedelta(days=DEFAULT_TASK_DAYS))
        kwargs["initial"].setdefault("version", matter.version)
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = askable_units(user, matter).select_related("area")
        self.fields["to_unit"].label_from_instance = lambda u: f"{u.area.name} · {u.name}"
        pickerise(self)


class CompleteTaskForm(VersionedForm):
    note = _text(_("完成情况"))


class WithdrawTaskForm(VersionedForm):
    reason = _text(_("撤回原因"))
    confirm = forms.BooleanField(label=_("确认撤回该协办任务"), required=True)


class AnswerForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("答复"),
        choices=[("accept", _("接受，承担协办")), ("decline", _("拒绝"))],
        widget=forms.RadioSelect,
    )
    reply = _text(_("答复意见"), required=False, help_text=_("拒绝时须说明理由；仅内部可见。"))


class AccountabilityForm(VersionedForm):
    unit = forms.ModelChoiceField(
        label=_("被问责单位"), queryset=Unit.objects.none(), empty_label=_("请选择")
    )
    role = forms.ChoiceField(
        label=_("问责岗位"),
        choices=AccountableRole.choices,
        help_text=_("只记录岗位，不记录个人姓名。"),
    )
    failure = forms.ChoiceField(label=_("失职情形"), choices=DutyFailure.choices)
    finding = _text(_("认定事实"))
    decision = _text(_("处理决定"))
    decided_on = forms.DateField(label=_("决定日期"), widget=_date_input())

    def __init__(self, *args, user, matter, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("decided_on", timezone.localdate())
        kwargs["initial"].setdefault("version", matter.version)
        super().__init__(*args, **kwargs)
        involved = [matter.responsible_unit_id, *matter.cohandling_tasks.values_list("unit_id", flat=True)]
        self.fields["unit"].queryset = (
            scoped(user, Unit) | Unit.objects.filter(pk__in=[pk for pk in involved if pk])
        ).distinct()
        pickerise(self)


class AccountabilityDecisionForm(forms.Form):
    """The decision on a registered (待认定) record: the post, what was decided, when."""

    role = forms.ChoiceField(
        label=_("问责岗位"),
        choices=AccountableRole.choices,
        help_text=_("只记录岗位，不记录个人姓名。"),
    )
    decision = _text(_("处理决定"), required=False)  # the action says what is missing, beside the field
    decided_on = forms.DateField(label=_("决定日期"), widget=_date_input())

    def __init__(self, *args, record, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("role", record.role)
        kwargs["initial"].setdefault("decided_on", timezone.localdate())
        kwargs.setdefault("prefix", f"decide-{record.pk}")  # one form per pending row: ids stay unique
        super().__init__(*args, **kwargs)
