"""Forms of the warning pages; they only collect input, the actions validate and change state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.fields import IdMultipleChoiceField
from anju.core.models import Area, Domain, Unit
from anju.core.pickers import pickerise
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_NOTE_CHARS, MAX_TEXT_CHARS
from anju.warning.detection import CONTROL_FIELDS
from anju.warning.models import AlertLevel, Certainty, Method, Urgency

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
        area = self.initial.get("area")
        if not self.is_bound and area is not None and "recipients" not in self.initial:
            # the units of the affected area are the sensible first choice; the user adds or removes
            area = area if isinstance(area, Area) else Area.objects.filter(pk=area).first()
            if area is not None:
                units = self.fields["recipients"].queryset.filter(area__path__startswith=area.path)
                self.initial["recipients"] = list(units.values_list("pk", flat=True))
        pickerise(self)
        # picking the affected area ticks its units, until the user has ticked or cleared one (picker.js)
        self.fields["area"].widget.attrs["data-preselects"] = "recipients"


class ReasonForm(forms.Form):
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 3}), label=_("原因"), required=False
    )


def _control_field(name: str, spec) -> forms.Field:
    """An optional form field for one R control: blank keeps the method's default."""
    common = {"label": spec.label, "required": False}
    if spec.kind == "int":
        return forms.IntegerField(error_messages={"invalid": _("请填写整数。")}, **common)
    if spec.kind == "float":
        return forms.FloatField(error_messages={"invalid": _("请填写数字。")}, **common)
    if spec.kind == "bool":
        return forms.TypedChoiceField(
            choices=[("", _("默认")), ("true", _("是")), ("false", _("否"))],
            coerce=lambda v: v == "true",
            empty_value=None,
            **common,
        )
    if spec.kind == "choice":
        return forms.ChoiceField(choices=[("", _("默认"))] + [(c, c) for c in spec.choices], **common)
    return forms.CharField(max_length=20, **common)  # "pair": cases,weeks


class DetectionForm(forms.Form):
    """A domain's detection method and the controls that differ from the method's defaults (R names)."""

    method = forms.ChoiceField(choices=Method.choices, label=_("监测方法"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, spec in CONTROL_FIELDS.items():
            self.fields[name] = _control_field(name, spec)

    def clean_limit54(self):
        text = (self.cleaned_data.get("limit54") or "").replace("，", ",").replace(" ", "")
        if not text:
            return None
        parts = text.split(",")
        if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
            raise forms.ValidationError(_("请填写两个整数“件数,周数”，如 5,4。"))
        return [int(p) for p in parts]

    def controls(self) -> dict:
        """The controls the user filled in (blank ones keep the method's default)."""
        return {
            name: self.cleaned_data[name]
            for name in CONTROL_FIELDS
            if self.cleaned_data.get(name) not in (None, "")
        }
