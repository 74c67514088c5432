"""Forms of the emergency pages; they only collect input, the actions validate and change state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.fields import IdMultipleChoiceField
from anju.core.models import Area, Domain, EmergencyClass, Unit
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_TEXT_CHARS
from anju.emergency.models import (
    DrillForm,
    DrillScope,
    Grade,
    Plan,
    PlanType,
    Readiness,
    ReportKind,
    ResponseLevel,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label, rows=3, required=True):
    return forms.CharField(
        label=label, max_length=MAX_TEXT_CHARS, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class ScopedForm(forms.Form):
    """A form whose area and unit choices are the user's scope."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model in (Area, Unit):
                field.queryset = scoped(user, field.queryset.model)
                if name == "area" and user.area_id:
                    field.initial = field.initial or user.area_id


class PlanNewForm(ScopedForm):
    title = forms.CharField(max_length=200, label=_("预案名称"))
    plan_type = forms.ChoiceField(choices=PlanType.choices, label=_("预案类型"))
    area = forms.ModelChoiceField(Area.objects.all(), label=_("适用区域"))
    classes = forms.MultipleChoiceField(
        choices=EmergencyClass.choices,
        label=_("适用事件类别（不选为全部）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    domains = IdMultipleChoiceField(
        Domain.objects.filter(active=True),
        label=_("适用风险领域（不选为全部）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("编制单位"), required=False)
    review_years = forms.IntegerField(
        label=_("评估修订周期（年）"), min_value=1, max_value=10, required=False
    )
    summary = _text(_("总则与适用范围"), required=False)


class DraftForm(forms.Form):
    summary = _text(_("总则与适用范围"), rows=5, required=False)
    command = _text(_("指挥机构（每行一个职位：职位｜由谁担任）"), rows=4, required=False)
    revision_note = _text(_("修订说明"), rows=2, required=False)


class LevelForm(forms.Form):
    level = forms.TypedChoiceField(choices=ResponseLevel.choices, coerce=int, label=_("响应级别"))
    trigger = _text(_("启动条件"), rows=2)
    measures = _text(_("响应措施"), rows=3, required=False)


class GroupForm(ScopedForm):
    name = forms.CharField(max_length=50, label=_("工作组"))
    lead_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("牵头单位"), required=False)
    duties = _text(_("职责"), rows=2, required=False)
    tasks = _text(_("启动响应时的任务（每行一项）"), rows=3, required=False)


class DutyPostForm(ScopedForm):
    position = forms.CharField(max_length=50, label=_("值班岗位"))
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("所属单位"), required=False)
    shift = forms.CharField(max_length=50, label=_("班次"), required=False)
    phone = forms.CharField(max_length=30, label=_("联系电话（加密保存，默认隐藏）"), required=False)


class NoteForm(forms.Form):
    note = _text(_("说明"), rows=2, required=False)


class DrillNewForm(ScopedForm):
    title = forms.CharField(max_length=200, label=_("演练名称"))
    area = forms.ModelChoiceField(Area.objects.all(), label=_("区域"))
    plan = forms.ModelChoiceField(Plan.objects.none(), label=_("检验的预案"), required=False)
    # not ``form``: the page's hidden ``form`` input names which of its forms was sent
    drill_form = forms.ChoiceField(choices=DrillForm.choices, label=_("形式"))
    scope = forms.ChoiceField(choices=DrillScope.choices, label=_("规模"))
    date = forms.DateField(label=_("日期"), widget=DATE)
    units = IdMultipleChoiceField(
        Unit.objects.all(), label=_("参演单位"), required=False, widget=forms.CheckboxSelectMultiple
    )
    scenario = _text(_("演练情景"), required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["plan"].queryset = scoped(user, Plan)
        self.fields["units"].queryset = scoped(user, Unit)


class DrillRecordForm(forms.Form):
    date = forms.DateField(label=_("实施日期"), widget=DATE)
    summary = _text(_("演练总结"), rows=4)


class FindingForm(ScopedForm):
    text = _text(_("发现的问题"), rows=2)
    owner_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("整改责任单位"))
    deadline = forms.DateField(label=_("整改期限（默认 30 天）"), required=False, widget=DATE)
    needs_plan_revision = forms.BooleanField(
        label=_("需修订预案（所检验预案的修订期限提前到今天）"), required=False
    )


class TeamForm(ScopedForm):
    name = forms.CharField(max_length=100, label=_("队伍名称"))
    area = forms.ModelChoiceField(Area.objects.all(), label=_("区域"))
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("所属单位"), required=False)
    speciality = forms.CharField(max_length=50, label=_("专业类别"))
    size = forms.IntegerField(label=_("人数"), min_value=1)
    readiness = forms.ChoiceField(choices=Readiness.choices, label=_("战备状态"))


class MaterialForm(ScopedForm):
    category = forms.CharField(max_length=50, label=_("物资类别"))
    item = forms.CharField(max_length=100, label=_("物资名称"))
    area = forms.ModelChoiceField(Area.objects.all(), label=_("区域"))
    quantity = forms.DecimalField(label=_("库存数量"), min_value=0, max_digits=12, decimal_places=2)
    measure = forms.CharField(max_length=20, label=_("计量单位"))
    site = forms.CharField(max_length=200, label=_("存放地点"))
    owner_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("管理单位"), required=False)
    expires_on = forms.DateField(label=_("有效期至"), required=False, widget=DATE)
    minimum = forms.DecimalField(
        label=_("最低储备"), min_value=0, max_digits=12, decimal_places=2, required=False, initial=0
    )


class ShelterForm(ScopedForm):
    name = forms.CharField(max_length=100, label=_("避难场所"))
    area = forms.ModelChoiceField(Area.objects.all(), label=_("区域"))
    capacity = forms.IntegerField(label=_("可容纳人数"), min_value=1)
    location = forms.CharField(max_length=200, label=_("位置"))


class DispatchForm(forms.Form):
    quantity = forms.DecimalField(label=_("调拨数量"), min_value=0, max_digits=12, decimal_places=2)
    destination = forms.CharField(max_length=200, label=_("调往"))
    incident = forms.ModelChoiceField(None, label=_("用于突发事件"), required=False)

    def __init__(self, user, *args, **kwargs):
        from anju.emergency.models import Incident, ResponseStatus

        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = scoped(user, Incident).exclude(
            response_status=ResponseStatus.ENDED
        )


class AmountForm(forms.Form):
    quantity = forms.DecimalField(label=_("数量"), min_value=0, max_digits=12, decimal_places=2)


class IncidentForm(ScopedForm):
    title = forms.CharField(max_length=200, label=_("事件名称"))
    area = forms.ModelChoiceField(Area.objects.all(), label=_("发生地"))
    emergency_class = forms.ChoiceField(choices=EmergencyClass.choices, label=_("事件类别"))
    domain = forms.ModelChoiceField(Domain.objects.filter(active=True), label=_("风险领域"), required=False)
    grade = forms.ChoiceField(choices=Grade.choices, label=_("事件分级"), initial=Grade.GENERAL)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=DATETIME)
    learned_at = forms.DateTimeField(label=_("获知时间"), widget=DATETIME)
    description = _text(_("事件经过"), rows=4)
    affected = forms.IntegerField(label=_("涉及人数"), min_value=0, initial=0)
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0, initial=0)
    injuries = forms.IntegerField(label=_("受伤人数"), min_value=0, initial=0)
    missing = forms.IntegerField(label=_("失踪人数"), min_value=0, initial=0)


class ActivateForm(forms.Form):
    plan = forms.ModelChoiceField(Plan.objects.none(), label=_("启动的预案"))
    level = forms.TypedChoiceField(choices=ResponseLevel.choices, coerce=int, label=_("响应级别"))
    note = _text(_("说明"), rows=2, required=False)

    def __init__(self, plans, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(pk__in=[p.pk for p in plans])


class LevelChangeForm(forms.Form):
    level = forms.TypedChoiceField(choices=ResponseLevel.choices, coerce=int, label=_("调整为"))
    note = _text(_("调整理由"), rows=2)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportKind.choices, label=_("报告类型"))
    text = _text(_("报告内容"), rows=4)


class LogForm(forms.Form):
    text = _text(_("处置情况"), rows=2)


class CasualtiesForm(forms.Form):
    affected = forms.IntegerField(label=_("涉及人数"), min_value=0)
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0)
    injuries = forms.IntegerField(label=_("受伤人数"), min_value=0)
    missing = forms.IntegerField(label=_("失踪人数"), min_value=0)


class CauseForm(forms.Form):
    cause = _text(_("原因调查结论"), rows=4)


class AftermathTaskForm(ScopedForm):
    title = forms.CharField(max_length=300, label=_("整改任务"))
    owner_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("责任单位"))
    deadline = forms.DateField(label=_("完成期限（默认 30 天）"), required=False, widget=DATE)


class TaskDoneForm(forms.Form):
    note = _text(_("办结情况"), rows=2)


class ReleaseForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("标题（对外公开）"))
    body = _text(_("发布内容（对外公开，发布后任何人可见）"), rows=4)
