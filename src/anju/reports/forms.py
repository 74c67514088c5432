"""Forms of the reporting pages. They only collect input; ``actions`` validates and changes state."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.intake.validation import IMAGE_PIXELS_MESSAGE, image_too_large
from anju.matters.forms import FILE_SIGNATURES


class SectionsForm(forms.Form):
    special_actions = forms.CharField(
        label=_("专项行动开展情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("本月开展的专项行动（如欠薪治理、矛盾纠纷排查化解专项行动）的做法和成效。"),
    )
    survey_work = forms.CharField(
        label=_("摸排调研工作情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("本月摸排、走访和调研的范围、发现的问题和下一步措施。"),
    )


class ProgressForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    period_start = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label=_("附件（可选，PDF/图片）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        today = timezone.localdate()
        kwargs["initial"].setdefault("period_start", today.replace(day=1))
        kwargs["initial"].setdefault("period_end", today)
        super().__init__(*args, **kwargs)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
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
        upload.name = f"progress{settings.ANJU_ATTACHMENT_TYPES[kind]}"
        return upload
