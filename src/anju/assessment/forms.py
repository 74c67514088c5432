"""Forms of the 稳评 pages. They only parse input; the checks with their Chinese messages and the change
itself are in ``assessment.actions`` (so the API and CLI get the same messages)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.assessment import verdict
from anju.assessment.models import (
    AssessmentMethod,
    DecisionOutcome,
    Dimension,
    Handling,
    ItemCategory,
    MeetingKind,
    ReviewConclusion,
    VerdictLevel,
)
from anju.core.fields import IdMultipleChoiceField
from anju.core.models import Area, AreaLevel, Domain, Unit
from anju.core.params import MAX_INT
from anju.core.pickers import pickerise
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_TEXT_CHARS
from anju.matters.risk import current_matrix

SURVEY_ROWS = 4


def _date(required: bool = False, label=""):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _text(label, rows: int = 3, required: bool = False):
    return forms.CharField(
        label=label, required=required, max_length=MAX_TEXT_CHARS, widget=forms.Textarea(attrs={"rows": rows})
    )


def _count(label, required: bool = False):
    return forms.IntegerField(
        label=label,
        required=required,
        max_value=MAX_INT,  # past an integer column; a negative count gets the action's own message
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


# Callable choices: read when a form is made, never at import (the current matrix is data in the database
# and may be replaced by an upload).
def _likelihood_choices():
    return [("", "—")] + [(s.value, f"{s.value} · {s.label}") for s in current_matrix().likelihood]


def _consequence_choices():
    return [("", "—")] + [(s.value, f"{s.value} · {s.label}") for s in current_matrix().consequence]


def _scale(label, required: bool = True):
    return forms.TypedChoiceField(
        label=label, choices=_likelihood_choices, coerce=int, required=required, empty_value=None
    )


def _impact(label, required: bool = True):
    return forms.TypedChoiceField(
        label=label, choices=_consequence_choices, coerce=int, required=required, empty_value=None
    )


class ItemForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"), min_value=1949, max_value=9999, initial=lambda: timezone.localdate().year
    )
    title = forms.CharField(label=_("事项名称"), max_length=200, required=False)
    category = forms.ChoiceField(
        label=_("事项类别"), choices=[("", "—"), *ItemCategory.choices], required=False
    )
    description = _text(_("事项概况"), 4)
    sponsor_unit = forms.ModelChoiceField(
        label=_("决策提出（承办）单位"), queryset=Unit.objects.none(), required=False
    )
    area = forms.ModelChoiceField(label=_("所属区域"), queryset=Area.objects.none(), required=False)
    affected_areas = IdMultipleChoiceField(
        label=_("涉及区域"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("须在所属区域之内。"),
    )
    domains = IdMultipleChoiceField(
        label=_("涉及领域"), queryset=Domain.objects.filter(active=True), required=False
    )
    people_affected = _count(_("预计涉及人数"))
    planned_decision_date = _date(label=_("计划决策日期"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = scoped(user, Area).filter(level__lte=AreaLevel.VILLAGE)
        self.fields["area"].queryset = areas.filter(level__lte=AreaLevel.TOWN)
        self.fields["affected_areas"].queryset = areas
        self.fields["sponsor_unit"].queryset = scoped(user, Unit)
        for name in ("area", "affected_areas"):
            self.fields[name].label_from_instance = lambda a: ("\u3000" * (a.level - 1)) + a.name
        pickerise(self)


class PlanForm(forms.Form):
    body_unit = forms.ModelChoiceField(label=_("评估主体"), queryset=Unit.objects.none(), required=False)
    team = _text(_("评估小组（成员及分工）"))
    methods = forms.MultipleChoiceField(
        label=_("评估方法"),
        choices=AssessmentMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    schedule_start = _date(label=_("计划开始日期"))
    schedule_end = _date(label=_("计划完成日期"))
    consult_whom = _text(_("征求意见对象"), 2)
    decision_body = forms.CharField(label=_("决策机关"), required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body_unit"].queryset = scoped(user, Unit)
        pickerise(self)


class NoticeForm(forms.Form):
    channel = forms.CharField(label=_("公示方式/地点"), required=False)
    start_on = _date(label=_("公示开始日期"))
    end_on = _date(label=_("公示结束日期"))
    opinions_received = _count(_("收到意见数"))
    content = _text(_("公示内容摘要"), 2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = verdict.load_rule()["consultation"]["public_notice_min_days"]
        self.fields["end_on"].help_text = _("公示期含首尾不少于 %(n)s 天（本县设定）。") % {"n": days}


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("问卷名称"), required=False)
    conducted_from = _date(label=_("调查开始日期"))
    conducted_to = _date(label=_("调查结束日期"))
    method = forms.CharField(label=_("调查方式"), required=False, help_text=_("如：入户、线上、现场发放"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(SURVEY_ROWS):
            row = _("群体 %(n)s") % {"n": i + 1}
            self.fields[f"g{i}_group"] = forms.CharField(
                label=row, required=False, widget=forms.TextInput(attrs={"aria-label": row})
            )
            for key, label in (("support", _("支持")), ("neutral", _("中立")), ("opposed", _("反对"))):
                self.fields[f"g{i}_{key}"] = _count(label)
                # the grid shows no label per cell: screen readers get "群体 1 支持"
                self.fields[f"g{i}_{key}"].widget.attrs["aria-label"] = f"{row} {label}"

    def group_rows(self):
        return [
            [self[f"g{i}_{k}"] for k in ("group", "support", "neutral", "opposed")]
            for i in range(SURVEY_ROWS)
        ]

    def to_action(self, data: dict) -> dict:
        groups = [
            {k: data.pop(f"g{i}_{k}") for k in ("group", "support", "neutral", "opposed")}
            for i in range(SURVEY_ROWS)
        ]
        return {**data, "groups": groups}

    @staticmethod
    def error_field(key: str) -> str:
        # action keys "groups-1-neutral" → form field "g1_neutral"
        if key.startswith("groups-"):
            _prefix, index, name = key.split("-", 2)
            return f"g{index}_{name}"
        return key


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("形式"), choices=MeetingKind.choices)
    held_on = _date(label=_("日期"))
    place = forms.CharField(label=_("地点/对象"), required=False)
    attendance = _count(_("参加人数"))
    participants = forms.CharField(label=_("参加人员构成"), required=False)
    summary = _text(_("主要意见摘要"))


class ExpertForm(forms.Form):
    expert = forms.CharField(label=_("专家"), required=False)
    field = forms.CharField(label=_("专业领域/职称"), required=False)
    score = _count(_("风险评分（0–100，越高风险越大）"))
    weight = forms.DecimalField(label=_("权重"), required=False, initial=1, max_digits=4, decimal_places=2)
    given_on = _date(label=_("日期"))
    opinion = _text(_("论证意见"))


class OpinionForm(forms.Form):
    source = forms.CharField(label=_("意见来源"), required=False, help_text=_("如：公示、座谈会、来信"))
    content = _text(_("意见内容"), 2)
    handling = forms.ChoiceField(label=_("处理情况"), choices=Handling.choices, required=False)
    reason = _text(_("处理理由"), 2)


class HandleOpinionForm(forms.Form):
    handling = forms.ChoiceField(label=_("处理情况"), choices=Handling.choices[1:], required=False)
    reason = forms.CharField(label=_("理由"), required=False)


class AnalysisForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dim in verdict.enabled_dimensions():
            self.fields[dim] = _text(Dimension(dim).label, 3)

    def to_action(self, data: dict) -> dict:
        return {"texts": data}


class FactorForm(forms.Form):
    dimension = forms.ChoiceField(label=_("维度"), choices=())
    title = forms.CharField(label=_("风险因素"), required=False)
    description = _text(_("风险描述"), 2)
    likelihood = _scale(_("可能性"), required=False)
    impact = _impact(_("影响程度"), required=False)
    people_involved = _count(_("可能涉及人数"))
    likelihood_after = _scale(_("措施后可能性"), required=False)
    impact_after = _impact(_("措施后影响程度"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = [(d, Dimension(d).label) for d in verdict.enabled_dimensions()]


class ScoreAfterForm(forms.Form):
    likelihood_after = _scale(_("措施后可能性"), required=False)
    impact_after = _impact(_("措施后影响程度"), required=False)


class MeasureForm(forms.Form):
    description = forms.CharField(label=_("措施"), required=False)
    owner_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none(), required=False)
    owner_person = forms.CharField(label=_("责任人"), required=False)
    due_on = _date(label=_("完成时限"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = scoped(user, Unit)
        pickerise(self)


class LevelForm(forms.Form):
    final_level = forms.ChoiceField(
        label=_("措施后风险等级"), required=False, choices=[("", _("采用计算结果")), *VerdictLevel.choices]
    )
    justification = _text(_("调整等级的理由（与计算结果不同时必填）"), 2)


class ReportForm(forms.Form):
    emergency_plan = _text(_("应急处置预案"), 4)
    conclusion = _text(_("评估结论"), 3)
    issued_on = _date(label=_("报告日期"))


class ReviewForm(forms.Form):
    conclusion = forms.ChoiceField(
        label=_("审核结论"), choices=[("", "—"), *ReviewConclusion.choices], required=False
    )
    opinion = _text(_("审核意见"), 3)
    reviewed_on = _date(label=_("审核日期"))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("决策结果"), choices=[("", "—"), *DecisionOutcome.choices], required=False
    )
    decided_on = _date(label=_("决策日期"))
    meeting = forms.CharField(
        label=_("决策会议"), required=False, help_text=_("如：县政府常务会议、镇党委会")
    )
    summary = _text(_("会议纪要要点"), 3)


class ReasonForm(forms.Form):
    reason = _text(_("原因"), 2)


class ItemDecidedForm(forms.Form):
    decided_on = _date(label=_("实际决策日期"))
    note = _text(_("决策情况说明"), 2)


class TaskDoneForm(forms.Form):
    done_on = _date(label=_("完成日期"))
    note = forms.CharField(label=_("落实情况"), required=False)


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None, choices=())
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *ItemCategory.choices]
    )
    coverage = forms.ChoiceField(label=_("应评尽评状态"), required=False, choices=())

    def __init__(self, years, *args, **kwargs):
        from anju.assessment.models.items import Coverage

        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部")), *[(y, y) for y in years]]
        self.fields["coverage"].choices = [
            ("", _("全部")),
            ("flagged", _("需关注（逾期未评/未评先决）")),
            *Coverage.choices,
        ]
