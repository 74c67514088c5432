"""Phone numbers as people type them: normalised, then checked (mobile or landline with its area code).

Pure functions in core so that users (``User.phone``) and intake (a reporter's phone) share one rule."""

from __future__ import annotations

import re
import unicodedata

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 区号 (0 + 2–3 digits), optional dash, 7–8 digit number, optional extension.
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalise_phone(raw: str) -> str:
    """Full-width digits to ASCII, spaces and a +86/0086 prefix removed; dashes kept for landlines."""
    phone = unicodedata.normalize("NFKC", raw or "").strip()
    phone = re.sub(r"[\s()（）]", "", phone)
    phone = re.sub(r"^(\+86|0086)-?", "", phone)
    return phone


def is_valid_phone(phone: str) -> bool:
    return bool(MOBILE.match(phone) or LANDLINE.match(phone))
