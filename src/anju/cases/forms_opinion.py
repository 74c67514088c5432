"""Forms of 舆情应对: registering an online item, and one form per step."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.cases.models import Case, ReportedBy, Verification
from anju.core.params import MAX_INT
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_NOTE_CHARS, MAX_TEXT_CHARS, refuse_invisible
from anju.matters.models import Matter

INTERNAL_HELP = _("仅内部可见，不向群众公开。")
PUBLIC_HELP = _("对外公开：此内容将向社会发布。")


def _text(label, *, rows=3, help_text=INTERNAL_HELP, required=True, max_length=MAX_TEXT_CHARS):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        validators=[refuse_invisible],
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _datetime(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=help_text,
    )


class VersionedForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class OpenOpinionForm(forms.Form):
    matter_number = forms.CharField(
        label=_("所涉事项编号"), max_length=30, help_text=_("舆情所涉及的线下事项，如 330101-2026-000012")
    )
    case_code = forms.CharField(label=_("所属专案编号"), max_length=20, required=False)
    title = forms.CharField(label=_("舆情摘要"), max_length=200, validators=[refuse_invisible])
    platform = forms.CharField(
        label=_("发现平台"),
        max_length=100,
        help_text=_("如 微博、抖音、本地论坛、微信群"),
        validators=[refuse_invisible],
    )
    source_text = _text(
        _("来源说明"),
        rows=2,
        required=False,
        max_length=MAX_NOTE_CHARS,
        help_text=_("网址或所见位置，按工作人员或群众报告填写；系统不抓取网络内容。仅内部可见。"),
    )
    reported_by = forms.ChoiceField(label=_("信息来源"), choices=[("", _("请选择")), *ReportedBy.choices])
    seen_at = _datetime(_("发现时间"), required=False, help_text=_("不填则为当前时间。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_matter_number(self):
        number = self.cleaned_data["matter_number"].strip()
        matter = scoped(self.user, Matter).filter(number=number).first()
        if matter is None:
            raise forms.ValidationError(
                _("未找到编号为 %(n)s 的事项（或不在您的管辖范围内）。") % {"n": number}
            )
        self.cleaned_data["matter"] = matter
        return number

    def clean_case_code(self):
        code = self.cleaned_data["case_code"].strip()
        self.cleaned_data["case"] = None
        if code:
            case = scoped(self.user, Case).filter(code=code).first()
            if case is None:
                raise forms.ValidationError(
                    _("未找到编号为 %(n)s 的专案（或不在您的管辖范围内）。") % {"n": code}
                )
            self.cleaned_data["case"] = case
        return code


class VerifyForm(VersionedForm):
    result = forms.ChoiceField(label=_("核实结论"), choices=[("", _("请选择")), *Verification.choices])
    note = _text(_("核实情况"))


class WordingForm(VersionedForm):
    wording = _text(_("回应口径"), rows=4, help_text=PUBLIC_HELP)


class ApproveWordingForm(VersionedForm):
    wording = _text(
        _("审定的回应口径"),
        rows=4,
        required=False,
        help_text=_("对外公开。可在审定时修改；不填则按草稿审定。"),
    )


class RespondForm(VersionedForm):
    channel = forms.CharField(
        label=_("发布渠道"), max_length=100, help_text=_("如 政务微博、镇政府公众号、原帖下回复")
    )
    published_at = _datetime(_("发布时间"))
    text = _text(_("发布内容"), rows=4, help_text=PUBLIC_HELP)


class TrackingForm(VersionedForm):
    on_date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    posts = forms.IntegerField(label=_("相关帖文数"), min_value=0, max_value=MAX_INT)
    views = forms.IntegerField(label=_("浏览量"), min_value=0, max_value=MAX_INT)
    note = _text(_("说明"), rows=2, required=False, max_length=MAX_NOTE_CHARS)


class CloseForm(VersionedForm):
    summary = _text(_("处置小结"))
