"""Forms of the spread (风险传导) pages: the area filter and a buffer measure. They only collect input; the
action validates and changes state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.cases.models import BufferKind
from anju.core.forms import DateRangeForm
from anju.core.models import Area, Domain, Unit, User
from anju.core.pickers import pickerise
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_TEXT_CHARS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SpreadFilterForm(DateRangeForm):
    area = forms.ModelChoiceField(Area.objects.none(), label=_("区域"), required=False)
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=DATE)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.all() if user.area_id is None else Area.objects.subtree(user.area)
        # villages and above: a grid is too small a place to read a matrix for
        self.fields["area"].queryset = areas.filter(level__lte=3)
        self.fields["area"].empty_label = _("我的辖区")
        pickerise(self)


class BufferMeasureForm(forms.Form):
    kind = forms.ChoiceField(choices=BufferKind.choices, label=_("措施类型"))
    content = forms.CharField(max_length=300, label=_("措施内容"))
    area = forms.ModelChoiceField(Area.objects.none(), label=_("区域"), required=False)
    from_domain = forms.ModelChoiceField(
        Domain.objects.filter(active=True), label=_("来源领域"), required=False
    )
    to_domain = forms.ModelChoiceField(
        Domain.objects.filter(active=True), label=_("传导领域"), required=False
    )
    owner_unit = forms.ModelChoiceField(Unit.objects.none(), label=_("责任单位"), required=False)
    owner_user = forms.ModelChoiceField(User.objects.none(), label=_("责任人"), required=False)
    started_at = forms.DateTimeField(label=_("开始时间"), required=False, widget=DATETIME)
    note = forms.CharField(
        label=_("备注"), max_length=MAX_TEXT_CHARS, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, user, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = scoped(user, Unit)
        self.fields["owner_user"].queryset = scoped(user, User).filter(is_active=True)
        if case is not None:
            del self.fields["area"]  # the case's area
            self.fields["from_domain"].help_text = _("可选：只针对本专案中这一领域传导。")
        else:
            self.fields["area"].queryset = (
                Area.objects.all() if user.area_id is None else Area.objects.subtree(user.area)
            )
        pickerise(self)


class EndMeasureForm(forms.Form):
    note = forms.CharField(
        label=_("结束说明"), max_length=MAX_TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )
