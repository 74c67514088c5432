"""Forms of typed links between matters and of reopening an archived matter as a recurrence (复发)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import scoped
from anju.core.textsafety import refuse_invisible
from anju.matters.forms import INTERNAL_HELP, ConfirmMixin
from anju.matters.models import Matter
from anju.matters.models_links import LinkKind

MAX_REASON_CHARS = 300

# The relation as read from the page's matter: (key, label, kind, the page's matter is the link's source).
RELATION_CHOICES = (
    ("related", _("关联（相互关联）"), LinkKind.RELATED, True),
    ("led_to", _("引发：本事项引发了该事项"), LinkKind.LED_TO, True),
    ("led_from", _("由…引发：本事项由该事项引发"), LinkKind.LED_TO, False),
    ("same_source", _("同源（同一企业、项目等）"), LinkKind.SAME_SOURCE, True),
    ("recurrence_of", _("复发：本事项是该（已归档）事项的复发"), LinkKind.RECURRENCE, False),
)
RELATIONS = {key: (kind, outgoing) for key, _label, kind, outgoing in RELATION_CHOICES}


def _reason_field(label):
    return forms.CharField(
        label=label,
        max_length=MAX_REASON_CHARS,
        validators=[refuse_invisible],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=INTERNAL_HELP,
    )


class LinkForm(forms.Form):
    target_number = forms.CharField(
        label=_("关联事项编号"),
        max_length=30,
        validators=[refuse_invisible],
        help_text=_("如 330101-2026-000012"),
    )
    relation = forms.ChoiceField(
        label=_("关联类型"),
        choices=[("", _("请选择")), *((k, label) for k, label, _k, _o in RELATION_CHOICES)],
    )
    reason = _reason_field(_("关联理由"))
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, matter, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.matter = user, matter
        self.fields["version"].initial = matter.version

    def clean_target_number(self):
        number = self.cleaned_data["target_number"].strip()
        other = scoped(self.user, Matter).filter(number=number).first()
        if other is None:
            raise forms.ValidationError(
                _("未找到编号为 %(n)s 的事项（或不在您的管辖范围内）。") % {"n": number}
            )
        if other.pk == self.matter.pk:
            raise forms.ValidationError(_("不能将事项与其自身关联。"))
        self.cleaned_data["other"] = other
        return number

    @staticmethod
    def arguments_from(matter, cleaned: dict) -> dict:
        """The action's arguments: which matter is the source, and whose version the page showed."""
        kind, outgoing = RELATIONS[cleaned["relation"]]
        other, version = cleaned["other"], cleaned.get("version")
        if outgoing:
            return {"source": matter, "target": other, "kind": kind, "version": version}
        return {"source": other, "target": matter, "kind": kind, "target_version": version}


class UnlinkForm(ConfirmMixin, forms.Form):
    reason = _reason_field(_("解除原因"))
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_("确认解除此关联"), required=True, error_messages={"required": _("请勾选确认后再提交。")}
    )


class ReopenForm(ConfirmMixin, forms.Form):
    reason = _reason_field(_("复发情况"))
    title = forms.CharField(
        label=_("新事项标题"), max_length=200, required=False, help_text=_("不填则为原标题加“（复发）”。")
    )
    copy_parties = forms.BooleanField(label=_("沿用原事项的当事人"), required=False, initial=True)
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_("确认将本事项复发重开为新事项"),
        required=True,
        error_messages={"required": _("请勾选确认后再提交。")},
    )
