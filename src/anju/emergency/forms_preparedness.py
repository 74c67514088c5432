"""Forms of the preparedness pages (yearly drill plan, stocktaking, requisition); the actions validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area
from anju.core.scoping import scoped
from anju.emergency.forms import DATE, ScopedForm, _text
from anju.emergency.models import DrillForm, DrillProgramme, OwnerCategory, Plan, ReturnState

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class ProgrammeForm(ScopedForm):
    area = forms.ModelChoiceField(Area.objects.all(), label=_("区域"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class ProgrammeItemForm(forms.Form):
    programme = forms.ModelChoiceField(DrillProgramme.objects.none(), label=_("年度演练计划"))
    title = forms.CharField(max_length=200, label=_("演练名称"))
    target_date = forms.DateField(label=_("计划完成日期"), widget=DATE)
    drill_form = forms.ChoiceField(
        choices=DrillForm.choices, label=_("形式")
    )  # ``form`` names the page's form
    plan = forms.ModelChoiceField(Plan.objects.none(), label=_("检验的预案"), required=False)

    def __init__(self, user, year, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = (
            scoped(user, DrillProgramme).filter(year=year).select_related("area")
        )
        self.fields["plan"].queryset = scoped(user, Plan)


class StocktakeForm(forms.Form):
    counted = forms.DecimalField(label=_("实盘数量"), min_value=0, **AMOUNT)
    note = _text(_("差异说明（实盘与账面不符时必填）"), rows=2, required=False)


class RequisitionForm(forms.Form):
    what = forms.CharField(max_length=200, label=_("征用财产"))
    owner = forms.CharField(max_length=200, label=_("被征用单位"))
    owner_category = forms.ChoiceField(choices=OwnerCategory.choices, label=_("单位类别"))
    started_on = forms.DateField(label=_("征用开始"), widget=DATE)


class RequisitionReturnForm(forms.Form):
    ended_on = forms.DateField(label=_("征用结束"), widget=DATE)
    return_state = forms.ChoiceField(
        choices=[c for c in ReturnState.choices if c[0] != ReturnState.IN_USE], label=_("返还状态")
    )


class CompensationForm(forms.Form):
    amount = forms.DecimalField(label=_("补偿金额（元）"), min_value=0, **AMOUNT)
    paid_on = forms.DateField(label=_("支付日期"), widget=DATE)


class PlanImportForm(forms.Form):
    file = forms.FileField(label=_("预案原文（Word .docx，不超过 10 MB）"))
