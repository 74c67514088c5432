"""Forms of re-grading, correcting facts, the 黑天鹅 review, 根因分析 and the 缓释方案 (``actions.regrade``,
``actions.swans``). They only parse input; the actions check everything again."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area, Domain, Unit
from anju.core.params import MAX_INT
from anju.core.pickers import pickerise
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_NOTE_CHARS, MAX_TEXT_CHARS
from anju.matters.filters import AreaChoiceField
from anju.matters.forms import INTERNAL_HELP, AssessForm
from anju.matters.models import MatterKind

ROOT_CAUSE_DAYS = 30  # default deadline of a 根因分析 task


def _reason_field(label):
    return forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=label,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=INTERNAL_HELP,
    )


class RegradeForm(AssessForm):
    """重新定级: the same scales as 研判定级, and the reason instead of an optional note."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        self.fields["reason"] = _reason_field(_("调整原因"))


class CorrectFactsForm(forms.Form):
    """更正事项信息, shown with the current values; only what differs is changed."""

    people_involved = forms.IntegerField(label=_("涉及人数"), min_value=0, max_value=MAX_INT)
    amount_involved = forms.DecimalField(
        label=_("涉及金额（元）"), min_value=0, max_digits=14, decimal_places=2
    )
    domain = forms.ModelChoiceField(label=_("风险领域"), queryset=Domain.objects.filter(active=True))
    area = AreaChoiceField(label=_("发生地"), queryset=Area.objects.none())
    kind = forms.ChoiceField(label=_("类型"), choices=MatterKind.choices)
    reason = _reason_field(_("更正原因"))

    def __init__(self, *args, user, matter, **kwargs):
        kwargs["initial"] = {
            "people_involved": matter.people_involved,
            "amount_involved": matter.amount_involved,
            "domain": matter.domain_id,
            "area": matter.area_id,
            "kind": matter.kind,
        }
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped(user, Area).order_by("path")
        pickerise(self, "area")


class BlackSwanConfirmForm(forms.Form):
    reason = _reason_field(_("研判理由"))
    unit = forms.ModelChoiceField(
        label=_("根因分析牵头单位"), queryset=Unit.objects.none(), empty_label=_("请选择")
    )
    deadline = forms.DateField(label=_("根因分析完成期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("deadline", timezone.localdate() + dt.timedelta(days=ROOT_CAUSE_DAYS))
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(user, Unit).select_related("area")
        pickerise(self)


class BlackSwanDismissForm(forms.Form):
    reason = _reason_field(_("排除理由"))


class MitigationForm(forms.Form):
    plan = forms.CharField(
        max_length=MAX_TEXT_CHARS,
        label=_("缓释方案"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("降低可能性或减轻后果的措施、责任分工和时间安排。仅内部可见。"),
    )

    def __init__(self, *args, matter, **kwargs):
        kwargs["initial"] = {"plan": matter.mitigation_plan}
        super().__init__(*args, **kwargs)


class RootCauseForm(forms.Form):
    findings = forms.CharField(
        max_length=MAX_TEXT_CHARS,
        label=_("根因分析结论"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=INTERNAL_HELP,
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)
