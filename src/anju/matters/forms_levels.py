"""Forms of the level rules: the assign form's extra fields, 包案领导, 进展报告 and the rules page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.models import AreaLevel, User
from anju.core.pickers import pickerise
from anju.core.roles import Role
from anju.core.textsafety import MAX_NOTE_CHARS, MAX_TEXT_CHARS
from anju.matters.level_rules import (
    FALLBACK_DEADLINE_DAYS,
    FIELDS,
    lead_leader_required,
    required_area,
    rule_for,
)

INTERNAL_HELP = _("仅内部可见，不向群众公开。")


def leaders_over(matter):
    """Active leaders whose area contains the matter's area (the 包案领导 a matter may get)."""
    return User.objects.filter(role=Role.LEADER, is_active=True, area__in=matter.area.ancestors()).order_by(
        "area__path", "username"
    )


def leader_field(matter, *, required: bool) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("包案领导"),
        queryset=leaders_over(matter),
        required=required,
        empty_label=_("请选择"),
        help_text=_("辖区包含事项发生地的领导。"),
    )


def rule_deadline_days(matter) -> int:
    rule = rule_for(matter)
    return rule.deadline_days if rule else FALLBACK_DEADLINE_DAYS


def add_level_rule_fields(form: forms.Form, matter) -> None:
    """The assign form asks for a 包案领导 (required where the rules need one and none is set) and, where the
    level must be handled higher up, for the reason not to escalate."""
    rule = rule_for(matter)
    needed = lead_leader_required(matter, rule) and matter.lead_leader_id is None
    form.fields["lead_leader"] = leader_field(matter, required=False)
    if matter.lead_leader_id:
        form.fields["lead_leader"].initial = matter.lead_leader_id
    if needed:
        form.fields["lead_leader"].help_text = _("该风险等级须明确包案领导。")
    if rule is not None and required_area(matter, rule) is not None:
        form.fields["exemption_reason"] = forms.CharField(
            label=_("不上报理由"),
            max_length=MAX_NOTE_CHARS,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("按等级处置规则该事项应上报；不上报须写明理由（仅内部可见）。"),
        )
    form.order_fields(["unit", "person", "deadline", "lead_leader", "exemption_reason", "note"])


class LeadLeaderForm(forms.Form):
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=INTERNAL_HELP,
    )

    def __init__(self, *args, matter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"] = leader_field(matter, required=True)
        self.fields["leader"].error_messages["required"] = _("请选择包案领导。")
        if matter.lead_leader_id:
            self.fields["leader"].initial = matter.lead_leader_id
        self.order_fields(["leader", "note"])
        pickerise(self)


class ProgressReportForm(forms.Form):
    text = forms.CharField(
        max_length=MAX_TEXT_CHARS,
        label=_("进展情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写进展情况。")},
        help_text=INTERNAL_HELP,
    )


def level_rules_form_fields(levels) -> dict[str, forms.Field]:
    """One field per level and rule, named "<level>-<rule>", for the rules page."""
    fields = {}
    for level in levels:
        code = level.code
        fields[f"{code}-deadline_days"] = forms.IntegerField(
            label=_("默认办理期限（天）"), min_value=1, max_value=365
        )
        fields[f"{code}-min_handling_level"] = forms.TypedChoiceField(
            label=_("最低办理层级"), choices=AreaLevel.choices, coerce=int
        )
        fields[f"{code}-lead_leader_required"] = forms.BooleanField(label=_("须明确包案领导"), required=False)
        fields[f"{code}-report_every_days"] = forms.IntegerField(
            label=_("进展报告周期（天，0 为不要求）"), min_value=0, max_value=90
        )
        fields[f"{code}-supervise_after_days_overdue"] = forms.IntegerField(
            label=_("超期几天自动督办（0 为不自动）"), min_value=0, max_value=90
        )
        fields[f"{code}-escalate_after_days"] = forms.IntegerField(
            label=_("督办几天未回应报上级领导（0 为不报）"), min_value=0, max_value=90
        )
        fields[f"{code}-propose_emergency_plan"] = forms.BooleanField(
            label=_("建议启动应急预案"), required=False
        )
    return fields


class LevelRulesForm(forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("修改说明"),
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写修改说明。")},
    )

    def __init__(self, *args, levels, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = levels
        self.fields.update(level_rules_form_fields(levels))
        for code, rule in rules.items():
            for name in FIELDS:
                key = f"{code}-{name}"
                if key in self.fields:
                    self.fields[key].initial = getattr(rule, name)

    def rules(self) -> dict[str, dict]:
        c = self.cleaned_data
        return {lv.code: {name: c.get(f"{lv.code}-{name}") for name in FIELDS} for lv in self.levels}

    def rows(self):
        """(level, [bound fields in FIELDS order]) for the table."""
        return [(lv, [self[f"{lv.code}-{name}"] for name in FIELDS]) for lv in self.levels]
