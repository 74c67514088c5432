"""Forms of the aftermath page (善后); they collect input, the actions in ``actions.aftermath`` validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.models import Unit
from anju.core.scoping import scoped
from anju.emergency.forms import DATE, ScopedForm, _text
from anju.emergency.models import Plan, RecoveryKind
from anju.emergency.rules import rule


class InvestigationForm(forms.Form):
    cause_category = forms.ChoiceField(label=_("原因类别"))
    findings = _text(_("调查结论（内部，勿填个人信息）"), rows=4)
    concluded_at = forms.DateField(label=_("调查完成日期"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cause_category"].choices = [(c, c) for c in rule("cause_categories")]


class ProblemForm(ScopedForm):
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("责任单位"))
    duty = forms.CharField(max_length=200, label=_("涉及职责"))
    finding = _text(_("查明的问题（写单位和职责，不写个人）"), rows=3)
    decision = _text(_("处理决定"), rows=2)


class RectificationForm(ScopedForm):
    title = forms.CharField(max_length=300, label=_("整改任务"))
    owner_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("责任单位"))
    deadline = forms.DateField(label=_("完成期限（默认 30 天）"), required=False, widget=DATE)


class LinkMatterForm(forms.Form):
    matter = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(max_length=300, label=_("关联说明"), required=False)


class PlanRevisionForm(forms.Form):
    plan = forms.ModelChoiceField(Plan.objects.none(), label=_("需修订的预案"))
    reason = forms.CharField(max_length=300, label=_("修订理由"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = scoped(user, Plan)


class RecoveryForm(forms.Form):
    kind = forms.ChoiceField(choices=RecoveryKind.choices, label=_("类型"))
    item = forms.CharField(max_length=300, label=_("内容"))
    recipients = forms.CharField(max_length=100, label=_("对象类别（如受影响农户，不填姓名）"))
    recipient_count = forms.IntegerField(min_value=0, initial=0, label=_("对象数量"))
    amount = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=2, initial=0, label=_("金额（元）")
    )
    date = forms.DateField(label=_("日期"), widget=DATE)


class VerifyForm(forms.Form):
    note = _text(_("验收意见"), rows=2)
