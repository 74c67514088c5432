"""The public receipt as a PNG a citizen can keep on the phone: the code, and a QR code of the status page.

Drawn on the server (segno for the QR code, Pillow for the text), so the page loads no script library.
"""

from __future__ import annotations

import io

import segno
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from anju.core.documents import cjk_font

WIDTH = 640
MARGIN = 32


def _font(size: int, *, bold: bool = False):
    try:
        path, index = cjk_font(bold=bold)
        return ImageFont.truetype(path, size, index=index)
    except (RuntimeError, OSError):  # no CJK font installed: Pillow's own face (Latin only)
        return ImageFont.load_default(size=size)


def _centred(draw, y: int, text: str, font, fill="#1f2937") -> int:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((WIDTH - (right - left)) / 2 - left, y - top), text, font=font, fill=fill)
    return y + (bottom - top)


def receipt_png(code: str, track_url: str) -> bytes:
    """A PNG of the receipt: heading, the code in large letters, the QR code of ``track_url``, a hint."""
    qr_buffer = io.BytesIO()
    segno.make(track_url, error="m").save(qr_buffer, kind="png", scale=8, border=2)
    qr_buffer.seek(0)
    qr = Image.open(qr_buffer).convert("RGB")
    height = MARGIN + 44 + 24 + 64 + 28 + qr.height + 24 + 30 + 28 + MARGIN
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH - 1, 8), fill="#b91c1c")
    y = _centred(draw, MARGIN, _("安居 · 诉求回执码"), _font(32, bold=True)) + 24
    y = _centred(draw, y, code, _font(56, bold=True), fill="#111827") + 28
    image.paste(qr, ((WIDTH - qr.width) // 2, y))
    y += qr.height + 24
    y = _centred(draw, y, _("扫码或凭回执码查询办理进度"), _font(24), fill="#4b5563") + 12
    _centred(draw, y, track_url.split("?")[0], _font(20), fill="#6b7280")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
