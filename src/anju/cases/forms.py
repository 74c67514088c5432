"""Forms of the case pages. They only read and convert input; the actions decide what is allowed."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.cases.models import CaseKind, CaseStatus, ProgressTrack
from anju.core.models import Area, AreaLevel, Unit, User
from anju.core.pickers import pickerise
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.matters.models import Matter

DATE = forms.DateInput(attrs={"type": "date"})


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *CaseStatus.choices]
    )
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *CaseKind.choices])
    area = forms.ModelChoiceField(Area.objects.none(), label=_("区域"), required=False, empty_label=_("全部"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped(user, Area).filter(level__lte=AreaLevel.VILLAGE)

    def apply(self, cases):
        if not self.is_valid():
            return cases
        data = self.cleaned_data
        if data["q"]:
            cases = cases.filter(title__icontains=data["q"]) | cases.filter(code__icontains=data["q"])
        if data["status"]:
            cases = cases.filter(status=data["status"])
        if data["kind"]:
            cases = cases.filter(kind=data["kind"])
        if data["area"]:
            # a case held in the area or below it, or one holding a matter there
            cases = cases.filter(area__path__startswith=data["area"].path) | cases.filter(
                memberships__matter__area__path__startswith=data["area"].path
            )
        return cases.distinct()


class MatterNumbersField(forms.CharField):
    """Matter numbers (编号) separated by spaces, commas or new lines, found in the user's scope."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, *args, **kwargs):
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        numbers = [n for n in re.split(r"[\s,，、;；]+", value or "") if n]
        if not numbers:
            return []
        found = {
            m.number: m for m in scoped(self.user, Matter).filter(number__in=numbers).select_related("area")
        }
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("未找到这些事项（或不在您的管辖范围内）：%(n)s") % {"n": "、".join(missing)}
            )
        return [found[n] for n in dict.fromkeys(numbers)]


def _leaders():
    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("display_name")


class CaseForm(forms.Form):
    title = forms.CharField(label=_("专案名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=CaseKind.choices)
    area = forms.ModelChoiceField(
        Area.objects.none(),
        label=_("所属区域"),
        required=False,
        help_text=_("不填时取所纳入事项共同的最低一级区域。"),
    )
    lead_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("牵头单位"))
    lead_leader = forms.ModelChoiceField(User.objects.none(), label=_("包案领导"), required=False)
    summary = forms.CharField(label=_("案情概要"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    matters = MatterNumbersField(
        label=_("纳入事项编号"), required=False, help_text=_("多个编号用空格、逗号或换行分隔。")
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped(user, Area)
        self.fields["lead_leader"].queryset = _leaders()
        self.fields["matters"].user = user
        if user.unit_id and not self.is_bound:
            self.fields["lead_unit"].initial = user.unit_id
        pickerise(self)


class CaseEditForm(forms.Form):
    title = forms.CharField(label=_("专案名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=CaseKind.choices)
    summary = forms.CharField(label=_("案情概要"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class LeadForm(forms.Form):
    lead_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("牵头单位"))
    lead_leader = forms.ModelChoiceField(User.objects.none(), label=_("包案领导"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_leader"].queryset = _leaders()
        pickerise(self)


class AddMattersForm(forms.Form):
    matters = MatterNumbersField(label=_("事项编号"))
    reason = forms.CharField(label=_("纳入理由"), max_length=200)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matters"].user = user


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=200)


class CloseForm(forms.Form):
    note = forms.CharField(label=_("结案说明"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("任务"), max_length=300)
    owner_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("责任单位"), required=False)
    owner_user = forms.ModelChoiceField(
        User.objects.filter(is_active=True), label=_("责任人"), required=False
    )
    deadline = forms.DateField(label=_("完成期限"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pickerise(self)


class TaskDoneForm(forms.Form):
    note = forms.CharField(label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 2}))


class FiguresForm(forms.Form):
    on = forms.DateField(label=_("统计日期"), widget=DATE, initial=timezone.localdate)
    people = forms.IntegerField(label=_("涉案人数"))
    amount_involved = forms.DecimalField(label=_("涉案金额（元）"), max_digits=16, decimal_places=2)
    amount_recovered = forms.DecimalField(label=_("已追缴金额（元）"), max_digits=16, decimal_places=2)
    amount_returned = forms.DecimalField(label=_("已返还金额（元）"), max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(forms.Form):
    track = forms.ChoiceField(label=_("工作类别"), choices=ProgressTrack.choices)
    on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 2}))


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    place = forms.CharField(label=_("地点"), max_length=200)
    attendance = forms.IntegerField(label=_("参加人数"))
    content = forms.CharField(label=_("疏导内容"), widget=forms.Textarea(attrs={"rows": 2}))
