"""The text of an existing plan read from a .docx (python-docx): paragraphs and tables in document order,
headings kept as ``#`` lines (``#`` 一级标题, ``##`` 二级…), table rows as cells joined by `` | ``.

Only what is checked before anything is stored: the size, the type (a .docx is a zip package Word opens),
and that some text came out."""

from __future__ import annotations

import io
import re
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DOCX_BYTES = 10 * 1024 * 1024
HEADING = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.IGNORECASE)


def _heading_level(paragraph) -> int | None:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name.lower() == "title":
        return 1
    match = HEADING.match(name.strip())
    return int(match.group(1)) if match else None


def docx_text(name: str, data: bytes) -> str:
    """The structured plain text of the .docx ``data`` (named ``name``); ValidationError in Chinese."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not (name or "").lower().endswith(".docx"):
        raise ValidationError({"file": _("请上传 Word 文档（.docx）；.doc 请先另存为 .docx。")})
    if len(data) > MAX_DOCX_BYTES:
        raise ValidationError({"file": _("文件不能超过 10 MB。")})
    if not data or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError({"file": _("文件不是有效的 Word 文档（.docx）。")})
    try:
        document = Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 — any failure to open is the same answer to the user
        raise ValidationError({"file": _("文件不是有效的 Word 文档（.docx）。")}) from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if not text:
                continue
            level = _heading_level(block)
            if level:
                if lines:
                    lines.append("")
                lines.append(f"{'#' * level} {text}")
            else:
                lines.append(text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [c.text.strip().replace("\n", " ") for c in row.cells]
                if any(cells):
                    lines.append(" | ".join(cells))
    text = "\n".join(lines).strip()
    if not text:
        raise ValidationError({"file": _("文档中没有文字。")})
    return text
