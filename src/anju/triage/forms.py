"""Triage's forms: the county's target precision for suggestions taken without a second look."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class TargetPrecisionForm(forms.Form):
    target_precision = forms.DecimalField(
        label=_("目标准确率"),
        min_value=Decimal("0.5"),
        max_value=Decimal("0.999"),
        decimal_places=3,
        help_text=_("“可直接采用”的建议中分类正确的比例至少达到此值（默认 0.97）。"),
        error_messages={
            "invalid": _("请填写 0.5 到 0.999 之间的小数，如 0.97。"),
            "min_value": _("请填写 0.5 到 0.999 之间的小数，如 0.97。"),
            "max_value": _("请填写 0.5 到 0.999 之间的小数，如 0.97。"),
            "max_decimal_places": _("最多三位小数。"),
            "required": _("请填写 0.5 到 0.999 之间的小数，如 0.97。"),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
