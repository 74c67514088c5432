"""Checks on what citizens and staff type or upload: phone numbers, ID numbers, attachment content.

Pure functions, so forms, the API and the CLI share them through ``anju.intake.actions``.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 区号 (0 + 2–3 digits), optional dash, 7–8 digit number, optional extension.
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")

ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

# Magic bytes of the accepted upload types; the client's declared content type is never trusted.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
SNIFF_BYTES = 8

PHONE_MESSAGE = _("请填写正确的联系电话：11 位手机号，或带区号的固定电话（如 0571-87654321）。")
ID_NUMBER_MESSAGE = _("身份证号码格式或校验位不正确，请核对 18 位号码。")


def normalise_phone(raw: str) -> str:
    """Full-width digits to ASCII, spaces and a +86/0086 prefix removed; dashes kept for landlines."""
    phone = unicodedata.normalize("NFKC", raw or "").strip()
    phone = re.sub(r"[\s()（）]", "", phone)
    phone = re.sub(r"^(\+86|0086)-?", "", phone)
    return phone


def is_valid_phone(phone: str) -> bool:
    return bool(MOBILE.match(phone) or LANDLINE.match(phone))


def normalise_id_number(raw: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", raw or "")).upper()


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the 17 leading digits of a resident ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def is_valid_id_number(number: str) -> bool:
    return bool(ID_NUMBER.match(number)) and id_check_char(number[:17]) == number[17]


def sniff_content_type(head: bytes) -> str | None:
    """The content type that the leading bytes prove, limited to the accepted types."""
    accepted = settings.ANJU_ATTACHMENT_TYPES
    for signature, content_type in SIGNATURES:
        if head.startswith(signature) and content_type in accepted:
            return content_type
    return None
