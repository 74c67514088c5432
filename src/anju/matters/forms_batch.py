"""The ledger's batch form: the selected matters, the action, and what that action needs."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import IdMultipleChoiceField
from anju.core.models import Unit, User
from anju.core.pickers import pickerise
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_NOTE_CHARS
from anju.matters.forms import DEFAULT_DEADLINE_DAYS, INTERNAL_HELP, _date_input
from anju.matters.models import Matter

ASSIGN, DEADLINE, SUPERVISE, EXPORT = "assign", "deadline", "supervise", "export"
BATCH_ACTIONS = [
    (ASSIGN, _("批量交办")),
    (DEADLINE, _("批量设定期限")),
    (SUPERVISE, _("批量督办")),
    (EXPORT, _("导出所选")),
]
# the permission each batch action needs, to offer only what the user's role may run
BATCH_PERMISSIONS = {
    ASSIGN: "matter.assign",
    DEADLINE: "matter.supervise",
    SUPERVISE: "matter.supervise",
    EXPORT: "ledger.export",
}


def batch_choices(user) -> list[tuple[str, str]]:
    return [(key, label) for key, label in BATCH_ACTIONS if user.can(BATCH_PERMISSIONS[key])]


class BatchForm(forms.Form):
    ids = IdMultipleChoiceField(
        label=_("所选事项"),
        queryset=Matter.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("请先勾选事项。")},
    )
    action = forms.ChoiceField(label=_("批量操作"), choices=BATCH_ACTIONS)
    unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Unit.objects.none(), required=False, empty_label=_("请选择")
    )
    person = forms.ModelChoiceField(
        label=_("责任人"), queryset=User.objects.none(), required=False, empty_label=_("（不指定）")
    )
    deadline = forms.DateField(label=_("办理期限"), required=False, widget=_date_input())
    lead_leader = forms.ModelChoiceField(
        label=_("包案领导"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("（不指定）"),
        help_text=_("较高、最高风险和灰犀牛事项须明确包案领导。"),
    )
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=_("意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=INTERNAL_HELP,
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault(
            "deadline", timezone.localdate() + dt.timedelta(days=DEFAULT_DEADLINE_DAYS)
        )
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["ids"].queryset = scoped(user, Matter)
        self.fields["action"].choices = batch_choices(user)
        units = scoped(user, Unit).select_related("area")
        self.fields["unit"].queryset = units
        self.fields["person"].queryset = User.objects.filter(unit__in=units, is_active=True).order_by(
            "username"
        )
        leaders = User.objects.filter(role=Role.LEADER, is_active=True)
        if user.area_id is not None:  # the leaders over the user's area, and those within it
            leaders = leaders.filter(
                Q(area__in=user.area.ancestors()) | Q(area__path__startswith=user.area.path)
            )
        self.fields["lead_leader"].queryset = leaders.order_by("area__path", "username")
        pickerise(self)

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == ASSIGN:
            if not cleaned.get("unit"):
                self.add_error("unit", _("请选择责任单位。"))
            if not cleaned.get("deadline"):
                self.add_error("deadline", _("请填写办理期限。"))
            person = cleaned.get("person")
            if person and cleaned.get("unit") and person.unit_id != cleaned["unit"].pk:
                self.add_error("person", _("责任人须属于责任单位。"))
        elif action == DEADLINE and not cleaned.get("deadline"):
            self.add_error("deadline", _("请填写办理期限。"))
        elif action == SUPERVISE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("请填写督办意见。"))
        return cleaned

    def versions(self, data) -> dict[int, int]:
        """The version of each matter the confirmation page showed (``version-<id>``), to refuse a stale one."""
        out = {}
        for matter in self.cleaned_data.get("ids") or ():
            raw = data.get(f"version-{matter.pk}", "")
            if raw.isdigit():
                out[matter.pk] = int(raw)
        return out
