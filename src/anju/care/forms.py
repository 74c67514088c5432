"""Forms of care's pages; the actions check everything again."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.care.actions.plans import CARE_ROLES
from anju.care.models import CareVisit, Need, VisitKind
from anju.core.models import Area, User
from anju.core.pickers import pickerise
from anju.core.reveal_purposes import RevealPurpose
from anju.core.scoping import acting_unit_ids


class RevealPurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("查看用途"), choices=RevealPurpose.choices, widget=forms.RadioSelect, required=False
    )
    purpose_text = forms.CharField(label=_("用途说明"), max_length=200, required=False)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        unit = f"（{obj.unit.name}）" if obj.unit_id else ""
        return f"{obj.display_name or obj.username}{unit}"


def care_person_candidates(matter):
    """Active staff who see the matter's place (their area contains it), work inside it, or handle it."""
    prefixes = [matter.area.path[: i + 1] for i, c in enumerate(matter.area.path) if c == "/"]
    ancestors = Area.objects.filter(path__in=prefixes).values("pk")
    units = acting_unit_ids(matter)
    rule = Q(area__in=ancestors) | Q(area__path__startswith=matter.area.path) | Q(unit__in=units)
    if matter.responsible_person_id:
        rule |= Q(pk=matter.responsible_person_id)
    return (
        User.objects.filter(rule, is_active=True, role__in=CARE_ROLES)
        .select_related("unit")
        .order_by("unit__name", "username")
    )


class OpenPlanForm(forms.Form):
    care_person = PersonChoiceField(label=_("关爱责任人"), queryset=User.objects.none())
    reason = forms.CharField(label=_("关爱原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, matter, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_person"].queryset = care_person_candidates(matter)
        pickerise(self)


class NeedsForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("需求标记"), choices=Need.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class PlanVisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=VisitKind.choices)
    planned_on = forms.DateField(label=_("计划日期"), widget=forms.DateInput(attrs={"type": "date"}))


class RecordVisitForm(forms.Form):
    visit = forms.ModelChoiceField(
        label=_("对应的计划走访"),
        queryset=CareVisit.objects.none(),
        required=False,
        empty_label=_("计划外走访"),
    )
    kind = forms.ChoiceField(label=_("方式"), choices=VisitKind.choices)
    done_on = forms.DateField(label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = plan.visits.filter(done_on__isnull=True)


class ClosePlanForm(forms.Form):
    reason = forms.CharField(label=_("结束原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
