"""Forms parse and type-check input; the rules live in ``anju.intake.actions``.

Views pass ``cleaned_data`` to an action and put the action's field errors back on the form.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area, AreaLevel, Domain
from anju.core.params import MAX_ID, MAX_INT
from anju.core.pickers import pickerise
from anju.core.scoping import scoped
from anju.core.textsafety import refuse_invisible
from anju.core.uploads import browser_check_attrs
from anju.intake.actions import MAX_ATTACHMENTS
from anju.intake.models import Channel, Rating, ReportStatus
from anju.intake.validation import (
    ID_NUMBER_MESSAGE,
    PHONE_MESSAGE,
    is_valid_id_number,
    is_valid_phone,
    normalise_id_number,
    normalise_phone,
)
from anju.matters.models import MatterKind
from anju.matters.risk import current_matrix

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the real checks (size, content) are made by the action."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [data] if data else []


class AreaChoiceField(forms.ModelChoiceField):
    """Areas indented by depth below the top of the list, so the tree reads in a plain select."""

    top_depth: int | None = None

    def label_from_instance(self, obj):
        if self.top_depth is None:  # areas are ordered by path, so the first one is the shallowest
            self.top_depth = obj.depth
        return "\u3000" * max(0, obj.depth - self.top_depth) + obj.name


def attachment_help() -> str:
    megabytes = settings.ANJU_ATTACHMENT_MAX_BYTES / (1024 * 1024)
    return _("JPG、PNG 图片或 PDF，单个不超过 %(mb)s MB，最多 %(n)d 个。") % {
        "mb": f"{megabytes:g}",
        "n": MAX_ATTACHMENTS,
    }


def accept_attribute() -> str:
    return "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


class ContactFields(forms.Form):
    anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    reporter_name = forms.CharField(
        label=_("姓名"), required=False, max_length=50, validators=[refuse_invisible]
    )
    reporter_phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )

    # Checked here as well as in the action, so every mistake shows on the first submit.
    def clean_reporter_phone(self):
        phone = normalise_phone(self.cleaned_data.get("reporter_phone", ""))
        if phone and not is_valid_phone(phone):
            raise ValidationError(PHONE_MESSAGE)
        return phone

    def clean_reporter_id_number(self):
        number = normalise_id_number(self.cleaned_data.get("reporter_id_number", ""))
        if number and not is_valid_id_number(number):
            raise ValidationError(ID_NUMBER_MESSAGE)
        return number


class StaffReportForm(ContactFields):
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices, initial=Channel.VISIT)
    received_at = forms.DateTimeField(
        label=_("受理时间"),
        required=False,
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("留空为当前时间。"),
    )
    area = AreaChoiceField(Area.objects.none(), label=_("所在区域"), empty_label=_("请选择"))
    title = forms.CharField(
        label=_("标题"), required=False, max_length=200, help_text=_("可留空，登记为事项时再拟定。")
    )
    text = forms.CharField(label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 7}))
    domain = forms.ModelChoiceField(
        Domain.objects.filter(active=True),
        label=_("所属领域（初判）"),
        required=False,
        empty_label=_("暂不确定"),
    )
    location = forms.CharField(label=_("具体地点"), required=False, max_length=200)
    latitude = forms.FloatField(label=_("纬度"), required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(label=_("经度"), required=False, widget=forms.HiddenInput)
    reporter_id_number = forms.CharField(label=_("身份证号"), required=False, max_length=30)
    # Set by triage's "关联到此事项" suggestion: the new report repeats this matter and is linked to it.
    matter = forms.IntegerField(required=False, max_value=MAX_ID, widget=forms.HiddenInput)
    attachments = MultipleFileField(
        label=_("附件"),
        widget=MultipleFileInput(attrs={"accept": accept_attribute()}),
    )

    field_order = [
        "channel",
        "received_at",
        "area",
        "domain",
        "title",
        "text",
        "location",
        "anonymous",
        "reporter_name",
        "reporter_phone",
        "reporter_id_number",
        "attachments",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaChoiceField(
            scoped(user, Area), label=_("所在区域"), empty_label=_("请选择")
        )
        # A village cadre's reports are about their village; a county centre must choose.
        if user.area_id and user.area.level >= AreaLevel.VILLAGE and "area" not in self.initial:
            self.initial["area"] = user.area_id
        self.fields["attachments"].help_text = attachment_help()
        self.fields["attachments"].widget.attrs.update(browser_check_attrs(max_files=MAX_ATTACHMENTS))
        pickerise(self, "area")


class GridReportForm(ContactFields):
    """网格巡查 on a phone: few fields, big targets, photo straight from the camera."""

    area = AreaChoiceField(Area.objects.none(), label=_("网格/区域"), empty_label=None)
    text = forms.CharField(label=_("发现的情况"), widget=forms.Textarea(attrs={"rows": 6}))
    location = forms.CharField(label=_("具体地点"), required=False, max_length=200)
    latitude = forms.FloatField(label=_("纬度"), required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(label=_("经度"), required=False, widget=forms.HiddenInput)
    attachments = MultipleFileField(
        label=_("现场照片"),
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    # Made by the page's script for each report (a UUID); the action checks it (see submit_report).
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    field_order = ["area", "text", "location", "attachments", "anonymous", "reporter_name", "reporter_phone"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaChoiceField(scoped(user, Area), label=_("网格/区域"), empty_label=None)
        if user.area_id and "area" not in self.initial:
            self.initial["area"] = user.area_id
        self.fields["attachments"].help_text = attachment_help()
        self.fields["attachments"].widget.attrs.update(browser_check_attrs(max_files=MAX_ATTACHMENTS))


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def villages_grouped_by_town() -> list[tuple[str, list[tuple[int, str]]]]:
    """Select choices for the public form: villages/communities under their town."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for village in Area.objects.filter(level=AreaLevel.VILLAGE).select_related("parent").order_by("path"):
        town = village.parent.name if village.parent_id else ""
        groups.setdefault(town, []).append((village.pk, village.name))
    return [("", [("", _("请选择所在村（社区）"))])] + list(groups.items())


class PublicRatingForm(forms.Form):
    """The citizen's rating on the status page; the comment is theirs and shown back to them."""

    rating = forms.ChoiceField(
        label=_("您对办理结果的评价"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意、基本满意或不满意。"),
            "invalid_choice": _("请选择满意、基本满意或不满意。"),
        },
    )
    comment = forms.CharField(
        label=_("留言（选填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("您的留言会显示在本页，工作人员也会看到。请勿填写电话、身份证号等个人信息。"),
        error_messages={"max_length": _("留言不能超过 %(limit_value)s 字。")},
    )


class PublicReportForm(ContactFields):
    area = VillageChoiceField(
        Area.objects.filter(level=AreaLevel.VILLAGE),
        label=_("所在村（社区）"),
        error_messages={
            "required": _("请选择所在村（社区）。"),
            "invalid_choice": _("请选择所在村（社区）。"),
        },
    )
    text = forms.CharField(
        label=_("反映内容"),
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={"required": _("请填写反映的内容。")},
    )
    location = forms.CharField(label=_("具体地点"), required=False, max_length=200)
    attachments = MultipleFileField(
        label=_("图片或材料"),
        widget=MultipleFileInput(attrs={"accept": accept_attribute()}),
    )
    # Honeypot: hidden from people by CSS; bots that fill every field give themselves away.
    homepage = forms.CharField(
        required=False,
        label=_("请勿填写此项"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = ["area", "text", "location", "attachments", "anonymous", "reporter_name", "reporter_phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = villages_grouped_by_town()
        self.fields["attachments"].help_text = _("可选。") + attachment_help()
        self.fields["attachments"].widget.attrs.update(browser_check_attrs(max_files=MAX_ATTACHMENTS))


def _scale_choices(steps) -> list[tuple[str, str]]:
    return [("", _("暂不研判"))] + [(str(s.value), f"{s.value} {s.label}") for s in steps]


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_("事项类型"), choices=MatterKind.choices)
    domain = forms.ModelChoiceField(
        Domain.objects.filter(active=True), label=_("风险领域"), empty_label=_("请选择")
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(
        label=_("情况描述"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("留空则使用诉求原文。"),
    )
    people_involved = forms.IntegerField(label=_("涉及人数"), min_value=0, max_value=MAX_INT, initial=0)
    amount_involved = forms.DecimalField(
        label=_("涉及金额（元）"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    likelihood = forms.TypedChoiceField(label=_("可能性"), required=False, coerce=int, empty_value=None)
    consequence = forms.TypedChoiceField(label=_("后果"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, can_assess: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if can_assess:
            matrix = current_matrix()
            self.fields["likelihood"].choices = _scale_choices(matrix.likelihood)
            self.fields["consequence"].choices = _scale_choices(matrix.consequence)
        else:
            del self.fields["likelihood"]
            del self.fields["consequence"]


class LinkForm(forms.Form):
    matter = forms.IntegerField(
        label=_("并入事项"),
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={"required": _("请选择要并入的事项。")},
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("仅内部可见，不向群众公开。"),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("不予受理原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("群众可在进度查询中看到此原因。"),
        error_messages={"required": _("请填写不予受理的原因（群众可在进度查询中看到）。")},
    )


class ReportFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("内容、标题或回执码")}),
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + ReportStatus.choices
    )
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部"))] + Channel.choices)
    area = AreaChoiceField(Area.objects.none(), label=_("区域"), required=False, empty_label=_("全部"))
    date_from = forms.DateField(
        label=_("受理日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Grids are too many for a filter list; the user's own area is always offered.
        areas = scoped(user, Area).filter(Q(level__lte=AreaLevel.VILLAGE) | Q(pk=user.area_id))
        self.fields["area"] = AreaChoiceField(areas, label=_("区域"), required=False, empty_label=_("全部"))
        pickerise(self, "area")
