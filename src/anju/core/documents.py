"""Chinese documents (reports) from a list of blocks, as .docx and PDF that always say the same thing.

A report module builds ``Block``s (title, meta, h1, h2, p, li, table); ``render_docx`` and ``render_pdf``
lay them out. The PDF is converted by LibreOffice when it is installed, else drawn with fpdf2 in a CJK
font found on the system (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import io
import shutil
import subprocess  # fixed argument lists, no shell, no user input  # nosec B404
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from anju.core.textsafety import xml_safe


@dataclass
class Block:
    kind: str  # title | meta | h1 | h2 | p | li | table
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _xml_safe_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks without characters that python-docx (XML) refuses or fpdf2 cannot draw."""
    return [
        Block(
            b.kind,
            xml_safe(b.text),
            [xml_safe(h) for h in b.header],
            [[xml_safe(str(cell)) for cell in row] for row in b.rows],
        )
        for b in blocks
    ]


def render_docx(blocks: list[Block]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    blocks = _xml_safe_blocks(blocks)
    doc = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.name = "SimSun" if name == "Normal" else "SimHei"
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), style.font.name)
        if name != "Normal":
            style.font.color.rgb = RGBColor(0, 0, 0)
    doc.styles["Normal"].font.size = Pt(11)
    for block in blocks:
        if block.kind == "title":
            para = doc.add_heading(block.text, level=0)
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "meta":
            para = doc.add_paragraph(block.text)
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "h1":
            doc.add_heading(block.text, level=1)
        elif block.kind == "h2":
            doc.add_heading(block.text, level=2)
        elif block.kind == "p":
            doc.add_paragraph(block.text).paragraph_format.first_line_indent = Pt(22)
        elif block.kind == "li":
            doc.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "table":
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, int]:
    """(path, face index) of a Simplified Chinese font on this system."""
    candidates = []
    if shutil.which("fc-match"):
        out = subprocess.run(  # fontconfig's own tool, fixed arguments  # nosec B603 B607
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        if out:
            candidates.append(out)
    candidates += [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    ]
    for path in candidates:
        if not Path(path).exists():
            continue
        if path.endswith(".ttc"):
            from fontTools.ttLib import TTCollection

            for index, font in enumerate(TTCollection(path).fonts):
                family = font["name"].getDebugName(1) or ""
                if family.endswith(" SC") or "Zen Hei" in family or "Micro Hei" in family:
                    return path, index
            return path, 0
        return path, 0
    raise RuntimeError("no CJK font found: apt-get install -y fonts-noto-cjk")


def _column_weights(block: Block) -> tuple[int, ...]:
    """Relative column widths from the longest text in each column (bounded, so long texts wrap)."""
    columns = zip(block.header, *block.rows, strict=False)
    return tuple(max(4, min(24, max(len(text) for text in column))) for column in columns)


def _pdf_fpdf(blocks: list[Block], title: str) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import WrapMode
    from fpdf.fonts import FontFace

    blocks = _xml_safe_blocks(blocks)
    path, index = cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_title(title)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    # Chinese has no spaces between words: wrap at any character and never stretch spaces (justify).
    flow = {"align": "L", "wrapmode": WrapMode.CHAR, "new_x": "LMARGIN", "new_y": "NEXT"}
    for block in blocks:
        if block.kind == "title":
            pdf.set_font("cjk", size=18)
            pdf.ln(6)
            pdf.multi_cell(width, 10, block.text, align="C", new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "meta":
            pdf.set_font("cjk", size=9)
            pdf.multi_cell(width, 6, block.text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif block.kind == "h1":
            pdf.set_font("cjk", size=13)
            pdf.ln(3)
            pdf.multi_cell(width, 8, block.text, **flow)
        elif block.kind == "h2":
            pdf.set_font("cjk", size=11)
            pdf.multi_cell(width, 7, block.text, **flow)
        elif block.kind == "p":
            pdf.set_font("cjk", size=10)
            pdf.multi_cell(width, 6, "\u3000\u3000" + block.text, **flow)
        elif block.kind == "li":
            pdf.set_font("cjk", size=9.5)
            pdf.set_x(pdf.l_margin + 8)
            pdf.multi_cell(width - 8, 5.5, "• " + block.text, **flow)
        elif block.kind == "table":
            pdf.set_font("cjk", size=8.5)
            with pdf.table(
                line_height=5,
                headings_style=FontFace(fill_color=(235, 238, 243)),
                text_align="LEFT",
                wrapmode=WrapMode.CHAR,
                col_widths=_column_weights(block),
            ) as table:
                table.row(block.header)
                for row in block.rows:
                    table.row(row)
            pdf.ln(2)
    return bytes(pdf.output())


def _pdf_libreoffice(docx: bytes) -> bytes | None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(  # LibreOffice found on PATH, our own temporary files only  # nosec B603
                [_libreoffice(), "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
                capture_output=True,
                timeout=120,
                check=True,
            )
        except (subprocess.SubprocessError, OSError):
            return None
        target = Path(tmp) / "report.pdf"
        return target.read_bytes() if target.exists() else None


def render_pdf(blocks: list[Block], title: str, docx: bytes | None = None) -> bytes:
    """PDF of ``blocks``: LibreOffice's conversion of the .docx when installed, else fpdf2 with a CJK font."""
    if _libreoffice():
        converted = _pdf_libreoffice(docx or render_docx(blocks))
        if converted:
            return converted
    return _pdf_fpdf(blocks, title)
