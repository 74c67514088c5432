"""Checks on what citizens and staff type or upload: phone numbers, ID numbers, attachment content.

Pure functions, so forms, the API and the CLI share them through ``anju.intake.actions``.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# the phone rule lives in core (users have phones too); re-exported for intake's forms and actions
from anju.core.phones import LANDLINE, MOBILE, is_valid_phone, normalise_phone  # noqa: F401

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
IMAGE_PIXELS_MESSAGE = _("“%(name)s”的像素过多（最多 %(mp)s 百万像素），请缩小后再上传。")
ID_NUMBER_MESSAGE = _("身份证号码格式或校验位不正确，请核对 18 位号码。")


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


def image_pixels(upload) -> int | None:
    """Width × height from an image's header (nothing is decoded), or None when the header is unreadable.

    A small PNG can declare 30000 × 30000 pixels (a "decompression bomb"); every viewer that opens it
    must allocate gigabytes. Pillow reads the size from the header alone; it refuses on its own sizes
    past twice its own limit, which counts as too large too.
    """
    from PIL import Image

    position = upload.tell()
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            width, height = image.size
        return width * height
    except Image.DecompressionBombError:
        return Image.MAX_IMAGE_PIXELS * 2 + 1
    except Exception:  # noqa: BLE001 - an unreadable header is judged by the signature check alone
        return None
    finally:
        upload.seek(position)


def image_too_large(upload, content_type: str) -> bool:
    """Whether an image upload declares more pixels than ``ANJU_IMAGE_MAX_PIXELS``."""
    if not content_type.startswith("image/"):
        return False
    pixels = image_pixels(upload)
    return pixels is not None and pixels > settings.ANJU_IMAGE_MAX_PIXELS
