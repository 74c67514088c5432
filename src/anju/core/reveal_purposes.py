"""Why a person's contact was revealed: the purposes a reveal of a party's data must name (关心关爱).

A party's contact is reached for a purpose tied to their matter, never out of curiosity. The purpose is
recorded with the reveal in the audit log, where the auditor can filter by it (``audit_views``). Core keeps
the list because the audit page filters by it; the matters' parties ask for it (``reveal_needs_purpose``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

PURPOSE_TEXT_MAX = 200


class RevealPurpose(models.TextChoices):
    MEDIATION = "mediation", _lazy("调解联系")
    FOLLOW_UP = "follow_up", _lazy("回访")
    SUPPORT = "support", _lazy("帮扶")
    OTHER = "other", _lazy("其他")


def clean_purpose(purpose: str, purpose_text: str = "") -> tuple[str, str]:
    """The purpose code and its text, checked: a known purpose, and a text (at most 200 characters) for 其他.
    Raises ``ValidationError`` keyed by the form's fields."""
    purpose = (purpose or "").strip()
    purpose_text = (purpose_text or "").strip()
    if purpose not in RevealPurpose.values:
        raise ValidationError({"purpose": _("请选择查看联系方式的用途。")})
    if purpose == RevealPurpose.OTHER and not purpose_text:
        raise ValidationError({"purpose_text": _("用途为“其他”时，请写明具体用途。")})
    if len(purpose_text) > PURPOSE_TEXT_MAX:
        raise ValidationError({"purpose_text": _("用途说明不能超过 200 字。")})
    return purpose, purpose_text


def purpose_label(code: str) -> str:
    try:
        return str(RevealPurpose(code).label)
    except ValueError:
        return code or "—"
