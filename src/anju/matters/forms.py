"""Forms of the matter pages. They only parse and check input; the change itself is a ``matters.actions`` call."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area, Domain, Unit, User
from anju.core.params import MAX_INT
from anju.core.pickers import pickerise
from anju.core.punctuation import paren
from anju.core.scoping import scoped
from anju.core.textsafety import MAX_NOTE_CHARS, MAX_TEXT_CHARS, refuse_invisible
from anju.core.uploads import browser_check_attrs
from anju.intake.validation import (
    ID_NUMBER_MESSAGE,
    IMAGE_PIXELS_MESSAGE,
    PHONE_MESSAGE,
    image_too_large,
    is_valid_id_number,
    is_valid_phone,
    normalise_id_number,
    normalise_phone,
)
from anju.matters.filters import AreaChoiceField
from anju.matters.models import Matter, MatterKind, MediationResult, PartyRole, Satisfaction
from anju.matters.risk import current_matrix

DEFAULT_DEADLINE_DAYS = 15
# Magic numbers of the agreement files we accept (PDF, JPEG, PNG): the declared type alone is not trusted.
FILE_SIGNATURES = {"application/pdf": b"%PDF", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}
# Every field the citizen reads says so next to it; every other text field is internal (audience.py).
PUBLIC_HELP = _("群众查询办理进度时可见，请勿填写个人信息。")
INTERNAL_HELP = _("仅内部可见，不向群众公开。")
FOLLOW_UP_METHODS = [("电话", _("电话")), ("上门", _("上门")), ("短信", _("短信")), ("其他", _("其他"))]


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


def _scale_choices(steps, blank: bool = True):
    choices = [
        (s.value, f"{s.value} · {s.label}{paren(s.hint)}" if s.hint else f"{s.value} · {s.label}")
        for s in steps
    ]
    return [("", _("请选择")), *choices] if blank else choices


def _scale_field(label, steps, required=True):
    return forms.TypedChoiceField(
        label=label, choices=_scale_choices(steps), coerce=int, required=required, empty_value=None
    )


class ConfirmMixin(forms.Form):
    """Irreversible actions must be confirmed explicitly (works without JavaScript)."""

    confirm = forms.BooleanField(
        label=_("我已确认此操作不可撤销"),
        required=True,
        error_messages={"required": _("请勾选确认后再提交。")},
    )


class AssessForm(forms.Form):
    likelihood = forms.TypedChoiceField(label=_("可能性"), coerce=int)
    consequence = forms.TypedChoiceField(label=_("后果严重程度"), coerce=int)
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=_("研判意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=INTERNAL_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        matrix = current_matrix()
        self.fields["likelihood"] = _scale_field(_("可能性"), matrix.likelihood)
        self.fields["consequence"] = _scale_field(_("后果严重程度"), matrix.consequence)
        self.order_fields(["likelihood", "consequence", "note"])


class ResidualForm(AssessForm):
    """措施后风险: the same scales, scored after measures were taken."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["likelihood"].label = _("措施后可能性")
        self.fields["consequence"].label = _("措施后后果")
        self.fields["note"].label = _("已采取的措施")


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none(), empty_label=_("请选择"))
    person = forms.ModelChoiceField(
        label=_("责任人"), queryset=User.objects.none(), required=False, empty_label=_("（不指定）")
    )
    deadline = forms.DateField(
        label=_("办理期限"),
        widget=_date_input(),
        required=False,
        help_text=_("留空则按等级处置规则的默认天数。"),
    )
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=_("交办意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=INTERNAL_HELP,
    )

    def __init__(self, *args, user, matter=None, **kwargs):
        from anju.matters.forms_levels import add_level_rule_fields, rule_deadline_days

        kwargs.setdefault("initial", {})
        days = rule_deadline_days(matter) if matter is not None else DEFAULT_DEADLINE_DAYS
        kwargs["initial"].setdefault("deadline", timezone.localdate() + dt.timedelta(days=days))
        super().__init__(*args, **kwargs)
        if matter is not None:
            add_level_rule_fields(self, matter)  # 包案领导, 不上报理由 (the level rules)
        units = scoped(user, Unit).select_related("area")
        self.fields["unit"].queryset = units
        self.fields["person"].queryset = User.objects.filter(unit__in=units, is_active=True).order_by(
            "username"
        )
        # Picking a unit reloads the person list with that unit's members (htmx; without JS all are listed).
        self.fields["unit"].widget.attrs.update(
            {
                "hx-get": reverse("matters:unit_members"),
                "hx-trigger": "change",
                "hx-target": f"#{self['person'].auto_id}",
                "hx-swap": "innerHTML",
            }
        )
        pickerise(self)


class NoteOnlyForm(forms.Form):
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=INTERNAL_HELP,
    )


class ArchiveForm(ConfirmMixin, NoteOnlyForm):
    pass


class ResolveForm(forms.Form):
    outcome = forms.CharField(
        max_length=MAX_TEXT_CHARS, label=_("化解结果"), widget=forms.Textarea(attrs={"rows": 3})
    )
    public_note = forms.CharField(
        label=_("对外公开说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PUBLIC_HELP,
    )


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label=_("回访日期"), widget=_date_input())
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=[("", _("请选择")), *Satisfaction.choices])
    method = forms.ChoiceField(label=_("回访方式"), choices=FOLLOW_UP_METHODS)
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=_("回访情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    """上报/退回: the reason is for the staff who take the matter over, never for the citizen."""

    reason = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=_("原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=INTERNAL_HELP,
    )


class RejectForm(ConfirmMixin, forms.Form):
    """不予受理: the citizen is told why, so the reason is public and says so."""

    reason = forms.CharField(
        label=_("不予受理原因"), widget=forms.Textarea(attrs={"rows": 2}), help_text=PUBLIC_HELP
    )
    field_order = ["reason", "confirm"]


class MergeForm(ConfirmMixin, forms.Form):
    into_number = forms.CharField(label=_("合并到事项编号"), max_length=30, validators=[refuse_invisible])
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=INTERNAL_HELP,
    )

    def __init__(self, *args, user, matter, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.matter = user, matter
        self.order_fields(["into_number", "note", "confirm"])

    def clean_into_number(self):
        number = self.cleaned_data["into_number"].strip()
        target = scoped(self.user, Matter).filter(number=number).first()
        if target is None:
            raise forms.ValidationError(
                _("未找到编号为 %(n)s 的事项（或不在您的管辖范围内）。") % {"n": number}
            )
        self.cleaned_data["into"] = target
        return number


class MediationForm(forms.Form):
    held_on = forms.DateField(label=_("调解日期"), widget=_date_input())
    mediators = forms.CharField(label=_("调解员"), max_length=200)
    parties_present = forms.CharField(
        label=_("到场当事人"),
        max_length=300,
        required=False,
        help_text=_("可填写身份，如“申请人、被申请人”，避免填写完整姓名。"),
    )
    summary = forms.CharField(
        max_length=MAX_TEXT_CHARS, label=_("调解经过"), widget=forms.Textarea(attrs={"rows": 3})
    )
    result = forms.ChoiceField(label=_("调解结果"), choices=[("", _("请选择")), *MediationResult.choices])
    agreement_text = forms.CharField(
        label=_("协议内容"),
        max_length=MAX_TEXT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agreement_file = forms.FileField(
        label=_("协议文件（PDF/图片）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["agreement_file"].widget.attrs.update(browser_check_attrs())

    def clean_agreement_file(self):
        upload = self.cleaned_data.get("agreement_file")
        if not upload:
            return None
        limit = settings.ANJU_ATTACHMENT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("文件不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)})
        head = upload.read(8)
        upload.seek(0)
        kind = next((ct for ct, magic in FILE_SIGNATURES.items() if head.startswith(magic)), None)
        if kind is None or kind not in settings.ANJU_ATTACHMENT_TYPES:
            raise forms.ValidationError(_("只能上传 PDF、JPG 或 PNG 文件。"))
        if image_too_large(upload, kind):
            raise forms.ValidationError(
                IMAGE_PIXELS_MESSAGE
                % {"name": upload.name, "mp": settings.ANJU_IMAGE_MAX_PIXELS // 1_000_000}
            )
        return upload


class SupervisionForm(forms.Form):
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS,
        label=_("督办意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写督办意见。")},
    )
    new_deadline = forms.DateField(label=_("新期限（可选）"), required=False, widget=_date_input())


class FreeNoteForm(forms.Form):
    note = forms.CharField(
        max_length=MAX_NOTE_CHARS, label=_("备注"), widget=forms.Textarea(attrs={"rows": 2})
    )
    public = forms.BooleanField(
        label=_("群众可见"),
        required=False,
        help_text=_("勾选后，备注原文将显示在群众的办理进度查询中，请勿填写个人信息或内部意见。"),
    )


class GreyRhinoForm(forms.Form):
    marked = forms.TypedChoiceField(
        label=_("灰犀牛标记"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("标记为灰犀牛")), ("no", _("取消灰犀牛标记"))],
        widget=forms.RadioSelect,
    )


class PartyFields(forms.Form):
    """Optional validation of a party's contact data, as strict as the public form's; nothing is required."""

    def _clean_phone(self, name):
        phone = normalise_phone(self.cleaned_data.get(name) or "")
        if phone and not is_valid_phone(phone):
            raise forms.ValidationError(PHONE_MESSAGE)
        return phone

    def _clean_id_number(self, name):
        number = normalise_id_number(self.cleaned_data.get(name) or "")
        if number and not is_valid_id_number(number):
            raise forms.ValidationError(ID_NUMBER_MESSAGE)
        return number


class PartyForm(PartyFields):
    role = forms.ChoiceField(label=_("身份"), choices=PartyRole.choices)
    name = forms.CharField(label=_("姓名/名称"), max_length=100, validators=[refuse_invisible])
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    is_organisation = forms.BooleanField(label=_("单位/组织"), required=False)
    # Hidden until the party looks like one the matter has already; then shown, to be ticked on purpose.
    add_anyway = forms.BooleanField(label=_("确认仍要添加"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, matter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.matter = matter

    def clean_phone(self):
        return self._clean_phone("phone")

    def clean_id_number(self):
        return self._clean_id_number("id_number")

    def clean(self):
        cleaned = super().clean()
        twin = self._same_party(cleaned)
        if twin is not None and not cleaned.get("add_anyway"):
            self.fields["add_anyway"].widget = forms.CheckboxInput()
            self.add_error(
                "add_anyway",
                _("该事项已有当事人“%(name)s”（%(role)s），可能重复添加；确需添加请勾选“确认仍要添加”。")
                % {
                    "name": twin.masked_name,
                    "role": twin.get_role_display(),
                },  # masked: maybe not what was typed
            )
        return cleaned

    def _same_party(self, cleaned):
        """A party of the matter with the same ID number, or the same name and role (stored encrypted, so
        compared here rather than in the query)."""
        if self.matter is None or not cleaned.get("name"):
            return None
        name, id_number = cleaned["name"].strip(), cleaned.get("id_number") or ""
        for party in self.matter.parties.all():
            if id_number and party.id_number == id_number:
                return party
            if party.name == name and party.role == cleaned.get("role"):
                return party
        return None


class NewMatterForm(PartyFields):
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("请选择")), *MatterKind.choices])
    domain = forms.ModelChoiceField(
        label=_("风险领域"), queryset=Domain.objects.filter(active=True), empty_label=_("请选择")
    )
    area = AreaChoiceField(label=_("发生地"), queryset=Area.objects.none(), empty_label=_("请选择"))
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(
        max_length=MAX_TEXT_CHARS, label=_("情况描述"), widget=forms.Textarea(attrs={"rows": 5})
    )
    people_involved = forms.IntegerField(label=_("涉及人数"), min_value=0, max_value=MAX_INT, initial=0)
    amount_involved = forms.DecimalField(
        label=_("涉及金额（元）"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    occurred_at = forms.DateTimeField(
        label=_("发生/受理时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("不填则为当前时间。"),
    )
    applicant_name = forms.CharField(
        label=_("申请人/反映人姓名"), max_length=100, required=False, validators=[refuse_invisible]
    )
    applicant_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    applicant_id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    respondent_name = forms.CharField(
        label=_("被申请人姓名/名称"), max_length=100, required=False, validators=[refuse_invisible]
    )
    likelihood = forms.TypedChoiceField(label=_("可能性"), required=False, coerce=int)
    consequence = forms.TypedChoiceField(label=_("后果严重程度"), required=False, coerce=int)

    BASIC_FIELDS = (
        "kind",
        "domain",
        "area",
        "title",
        "description",
        "people_involved",
        "amount_involved",
        "occurred_at",
    )
    PARTY_FIELDS = ("applicant_name", "applicant_phone", "applicant_id_number", "respondent_name")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped(user, Area).order_by("path")
        if user.area_id:
            self.fields["area"].initial = user.area_id
        matrix = current_matrix()
        self.fields["likelihood"] = _scale_field(
            _("可能性（可选，填写即完成研判）"), matrix.likelihood, False
        )
        self.fields["consequence"] = _scale_field(_("后果严重程度（可选）"), matrix.consequence, False)
        pickerise(self)
        if not user.can("matter.assess"):
            # Only centre staff score risk; others register and the centre assesses.
            del self.fields["likelihood"], self.fields["consequence"]

    def basic_fields(self):
        return [self[name] for name in self.BASIC_FIELDS]

    def party_fields(self):
        return [self[name] for name in self.PARTY_FIELDS]

    def clean_occurred_at(self):
        value = self.cleaned_data.get("occurred_at")
        if value and value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("发生时间不能晚于现在。"))
        return value

    def clean_applicant_phone(self):
        return self._clean_phone("applicant_phone")

    def clean_applicant_id_number(self):
        return self._clean_id_number("applicant_id_number")

    def clean(self):
        cleaned = super().clean()
        has_l, has_c = cleaned.get("likelihood") is not None, cleaned.get("consequence") is not None
        if has_l != has_c:
            self.add_error("consequence" if has_l else "likelihood", _("可能性与后果须同时填写，或都不填。"))
        return cleaned

    def parties(self) -> list[dict]:
        c = self.cleaned_data
        parties = []
        if c.get("applicant_name") or c.get("applicant_phone") or c.get("applicant_id_number"):
            parties.append(
                {
                    "role": PartyRole.APPLICANT,
                    "name": c.get("applicant_name", ""),
                    "phone": c.get("applicant_phone", ""),
                    "id_number": c.get("applicant_id_number", ""),
                }
            )
        if c.get("respondent_name"):
            parties.append({"role": PartyRole.RESPONDENT, "name": c["respondent_name"]})
        return parties
