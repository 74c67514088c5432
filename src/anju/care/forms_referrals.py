"""Forms of referrals (转介) and of the service directory. They check types only; the actions check the rest."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.care.models import ConsentMethod, ServiceKind, ServiceUnit
from anju.core.models import Area, Unit
from anju.core.pickers import pickerise
from anju.core.textsafety import refuse_invisible


def ancestor_paths(area: Area) -> list[str]:
    """The paths of ``area`` and every area above it (``/a/b/c/`` → ``/a/``, ``/a/b/``, ``/a/b/c/``)."""
    parts = [p for p in area.path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def serving(area: Area):
    """The active service units that serve ``area``: those of the area itself or of an area above it."""
    return ServiceUnit.objects.filter(active=True, area__path__in=ancestor_paths(area)).select_related("area")


def directory_for(user):
    """The service units a user may see in the directory: those serving their area and those below it."""
    services = ServiceUnit.objects.select_related("area", "unit")
    if user.area_id is None:
        return services if user.is_superuser else services.filter(unit_id=user.unit_id)
    return services.filter(
        Q(area__path__startswith=user.area.path) | Q(area__path__in=ancestor_paths(user.area))
    )


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, party) -> str:
        return f"{party.get_role_display()} {party.masked_name or '—'}"


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service) -> str:
        return f"{service.get_kind_display()} · {service.name} · {service.area.name}"


CONSENT_CHOICES = [("yes", _("是，当事人同意")), ("no", _("否，当事人未同意"))]


class ReferralForm(forms.Form):
    party = PartyChoiceField(
        queryset=None,
        label=_("当事人"),
        error_messages={
            "required": _("请选择本事项的当事人。"),
            "invalid_choice": _("请选择本事项的当事人。"),
        },
    )
    service_unit = ServiceChoiceField(
        queryset=None,
        label=_("转介至"),
        error_messages={"required": _("请选择服务机构。"), "invalid_choice": _("请选择服务机构。")},
    )
    purpose = forms.CharField(
        label=_("转介事由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[refuse_invisible],
        error_messages={"required": _("请填写转介事由。")},
        help_text=_("内部信息，不向群众公开。"),
    )
    consent = forms.ChoiceField(
        label=_("当事人是否同意转介"),
        choices=CONSENT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("请记录当事人是否同意转介。")},
    )
    consent_method = forms.ChoiceField(
        label=_("同意方式"), choices=[("", "—"), *ConsentMethod.choices], required=False
    )
    consent_note = forms.CharField(
        label=_("同意情况说明"), max_length=200, required=False, validators=[refuse_invisible]
    )

    def __init__(self, matter, data=None):
        super().__init__(data)
        self.fields["party"].queryset = matter.parties.order_by("pk")
        self.fields["service_unit"].queryset = serving(matter.area)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("拒绝理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        validators=[refuse_invisible],
        error_messages={"required": _("请填写拒绝理由。")},
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("服务结果"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[refuse_invisible],
        error_messages={"required": _("请填写服务结果。")},
    )
    outcome_on = forms.DateField(
        label=_("结果日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写结果日期。"), "invalid": _("请输入有效的日期。")},
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("结束说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        validators=[refuse_invisible],
    )


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("服务机构名称"), max_length=100, validators=[refuse_invisible])
    kind = forms.ChoiceField(label=_("服务类型"), choices=ServiceKind.choices)
    area = forms.ModelChoiceField(queryset=None, label=_("服务区域"))
    unit = forms.ModelChoiceField(
        queryset=None,
        label=_("对应单位"),
        required=False,
        help_text=_("选择后，该单位人员可在系统中接收和答复转介。"),
    )
    contact_position = forms.CharField(
        label=_("联系岗位"),
        max_length=100,
        validators=[refuse_invisible],
        help_text=_("按岗位填写，例如“心理咨询室值班社工”，不填个人姓名。"),
    )
    contact_phone = forms.CharField(label=_("办公电话"), max_length=40, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    note = forms.CharField(label=_("服务说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, user, data=None, initial=None):
        super().__init__(data, initial=initial)
        from anju.core.scoping import scoped

        self.fields["area"].queryset = scoped(user, Area).order_by("path")
        self.fields["unit"].queryset = Unit.objects.select_related("area").order_by("area__path", "name")
        pickerise(self, "area", "unit")
