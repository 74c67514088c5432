"""Personal data at rest: Fernet-encrypted model fields and masking for display.

Keys come from settings.ANJU_FIELD_KEYS (newest first) so a key can be rotated: values are decrypted
with any listed key and written with the first.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from anju.text.mask import mask as mask_personal_text

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode("ascii")) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.ANJU_FIELD_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("value is not encrypted by anju")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("personal data cannot be decrypted with the configured ANJU_FIELD_KEY") from exc


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; the Python value is plain text ("" when empty)."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return ""
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return ""
        return encrypt(str(value))


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str) -> str:
    number = number.strip()
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


MASKERS = {"name": mask_name, "phone": mask_phone, "id_number": mask_id_number}


def protect_text(text: str) -> tuple[str, str]:
    """Free text as (what is stored in plain, the original to store encrypted).

    Phones, ID-card numbers and names after a cue (姓名：, 联系人, 反映人, 我叫 …) typed into free text (情况描述,
    notes, 调解经过) are masked in the plain column, so search, export and triage never hold them; the original
    is returned only when something was masked ("" otherwise), for an ``EncryptedTextField`` beside the column
    that a reveal reads. Names found only before a title (…先生, …工) are left: that finder misreads ordinary
    words (十余名工人) too often for text that staff must read."""
    text = text or ""
    masked = mask_personal_text(text, name_titles=False)
    return masked, (text if masked != text else "")
