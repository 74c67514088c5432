"""Forms of the legacy 台账 import pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import scoped
from anju.intake import legacy_sheet
from anju.intake.models_legacy import LegacyMapping


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("台账文件"),
        help_text=_("Excel（.xlsx）或 CSV 文件，第一行（或标题行之下）为表头，最多 2000 行、5 MB。"),
    )


class MappingForm(forms.Form):
    """One choice per field: which column of the sheet holds it, or none."""

    def __init__(self, headers: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("（不导入）")),
            *[(str(i), h or _("第 %(n)s 列") % {"n": i + 1}) for i, h in enumerate(headers)],
        ]
        for name, (label, required, _names) in legacy_sheet.FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=f"{label}{' *' if required else ''}", choices=choices, required=False
            )

    def mapping(self) -> dict:
        return {name: (int(value) if value != "" else None) for name, value in self.cleaned_data.items()}


class SaveMappingForm(forms.Form):
    name = forms.CharField(
        label=_("保存为"), max_length=100, help_text=_("以后上传同样格式的台账时可直接套用。")
    )


class ApplyMappingForm(forms.Form):
    saved = forms.ModelChoiceField(label=_("套用已保存的对应关系"), queryset=LegacyMapping.objects.none())

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved"].queryset = scoped(user, LegacyMapping).order_by("name")
