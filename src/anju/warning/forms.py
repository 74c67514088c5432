"""Forms of the warning pages; they only collect input, the actions validate and change state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.fields import IdMultipleChoiceField
from anju.core.models import Area, Domain, Unit
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_NOTE_CHARS, MAX_TEXT_CHARS
from anju.warning.models import AlertLevel, Certainty, Urgency

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AlertForm(forms.Form):
    domain = forms.ModelChoiceField(Domain.objects.filter(active=True), label=_("类别（风险领域）"))
    level = forms.ChoiceField(choices=AlertLevel.choices, label=_("预警级别"), initial=AlertLevel.YELLOW)
    headline = forms.CharField(max_length=200, label=_("标题"))
    area = forms.ModelChoiceField(Area.objects.none(), label=_("影响区域"))
    onset = forms.DateTimeField(label=_("起始时间"), widget=DATETIME)
    expires = forms.DateTimeField(label=_("截止时间"), required=False, widget=DATETIME)
    expected = forms.CharField(max_length=MAX_TEXT_CHARS, widget=forms.Textarea, label=_("预计情况"))
    measures = forms.CharField(max_length=MAX_TEXT_CHARS, widget=forms.Textarea, label=_("应采取的措施"))
    urgency = forms.ChoiceField(choices=Urgency.choices, label=_("紧迫性"), initial=Urgency.EXPECTED)
    certainty = forms.ChoiceField(choices=Certainty.choices, label=_("确定性"), initial=Certainty.LIKELY)
    recipients = IdMultipleChoiceField(
        Unit.objects.none(), label=_("接收单位（须签收）"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped(user, Area)
        self.fields["recipients"].queryset = scoped(user, Unit).select_related("area")
        self.fields["recipients"].required = False  # the action says what is missing, in Chinese


class ReasonForm(forms.Form):
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 3}), label=_("原因"), required=False
    )
