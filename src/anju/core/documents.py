"""Chinese documents an office can file: A4 .docx and PDF from a list of blocks, and their downloads.

A report module builds ``Block``s (title, meta, h1, h2, p, li, table); ``render_docx`` and ``render_pdf``
lay them out the same way, so the Word file and the PDF always say the same thing. The page follows
GB/T 9704-2012 (党政机关公文格式): A4, margins 37/35/28/26 mm (top/bottom/left/right, a 156 × 225 mm text
area), title in a bold Song face (小标宋-like), first-level headings in a Hei face (黑体), body 3号 (16 pt)
on 22 lines a page, page numbers “— 1 —” 7 mm below the text area. The faces are the ones Debian installs
(fonts-noto-cjk), always the Simplified Chinese variants, and digits and Latin letters use the same faces.
No line starts with a closing mark such as 「，」「。」「、」「）」 (kinsoku): Word is told so in the .docx
settings, and the PDF drawn here breaks its lines with ``break_lines``.

The PDF is converted by LibreOffice when it is installed, else drawn with fpdf2.
``content_disposition`` and ``document_response`` give every download a readable Chinese file name.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess  # fixed argument lists, no shell, no user input  # nosec B404
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from anju.core.textsafety import xml_safe

# ---------------------------------------------------------------- the page (GB/T 9704-2012)

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297  # A4
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
PAGE_NUMBER_GAP_MM = 7  # the page number's top edge lies 7 mm below the text area
PAGE_NUMBER_PT = 14  # 4号
LINE_PITCH_PT = 29  # 225 mm of text area / 22 lines

SERIF = "Noto Serif CJK SC"  # the Song (宋体) look: body text, and bold for the title
SANS = "Noto Sans CJK SC"  # the Hei (黑体) look: first-level headings


@dataclass(frozen=True)
class Look:
    """How one kind of block is set: face, weight, size, alignment, first-line indent, line pitch."""

    family: str
    bold: bool
    size_pt: float
    align: str  # left | center | justify
    indent_chars: int
    line_pt: float
    space_after_pt: float = 0


LOOKS = {
    "title": Look(SERIF, True, 22, "center", 0, 38, space_after_pt=LINE_PITCH_PT),  # 2号小标宋
    "meta": Look(SERIF, False, 14, "center", 0, 24, space_after_pt=LINE_PITCH_PT / 2),  # 4号
    "h1": Look(SANS, False, 16, "left", 2, LINE_PITCH_PT),  # 3号黑体
    "h2": Look(SERIF, True, 16, "left", 2, LINE_PITCH_PT),  # 3号 (楷体 is not installed: bold Song)
    "p": Look(SERIF, False, 16, "justify", 2, LINE_PITCH_PT),  # 3号 body
    "li": Look(SERIF, False, 16, "justify", 2, LINE_PITCH_PT),
    "table": Look(SERIF, False, 10.5, "left", 0, 15),  # 五号: six columns fit in 156 mm
}


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


# ---------------------------------------------------------------- Chinese line breaking (禁则)

# Word's own Simplified Chinese lists (File → Options → Typography, “Standard” level), less the two
# characters (· and ．) that it puts in both lists.
NO_LINE_START = (
    "!%),.:;>?]}¢¨°ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），：；？］｀｜｝～￠"
)
NO_LINE_END = "$([{£¥‘“〈《「『【〔〖〝﹙﹛﹝＄（［｛￡￥"
# A run of Latin letters, digits and the marks inside numbers, dates and times stays on one line.
_UNIT = re.compile(r"[0-9A-Za-z_]+(?:[.:/\-][0-9A-Za-z_]+)*%?|.", re.S)
_MAX_PUSH = 3  # how many units a break may move down to the next line before it gives up


def _may_break(before: list[str], after: str) -> bool:
    return bool(before) and after[0] not in NO_LINE_START and before[-1][-1] not in NO_LINE_END


def _units(paragraph: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """The unbreakable pieces of ``paragraph``; a Latin run wider than the line is split into characters."""
    units = []
    for unit in _UNIT.findall(paragraph):
        units += list(unit) if len(unit) > 1 and measure(unit) > width else [unit]
    return units


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` in lines no wider than ``width`` (as ``measure`` reckons), none starting with a closing
    mark or ending with an opening one: up to three characters before such a break move down with it."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for unit in _units(paragraph, width, measure):
            size = measure(unit)
            if not line or used + size <= width:
                line.append(unit)
                used += size
                continue
            cut = len(line)  # the plain break, kept when no allowed one is near
            for back in range(min(_MAX_PUSH, len(line) - 1) + 1):
                if _may_break(line[: len(line) - back], (line[len(line) - back :] + [unit])[0]):
                    cut = len(line) - back
                    break
            lines.append("".join(line[:cut]).rstrip(" "))
            line = line[cut:] + [unit]
            while len(line) > 1 and line[0] == " ":  # a continued line does not start with a space
                line.pop(0)
            used = sum(measure(u) for u in line)
        lines.append("".join(line).rstrip(" "))
    return lines


# ---------------------------------------------------------------- file names


_FORBIDDEN_IN_NAMES = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]+')


def filename(title: str, ext: str) -> str:
    """``title.ext`` with the characters Windows or a browser would refuse in a file name replaced."""
    name = _FORBIDDEN_IN_NAMES.sub("_", xml_safe(title)).strip(" .") or "document"
    return f"{name[:120]}.{ext}"


def content_disposition(title: str, ext: str, *, fallback: str = "document") -> str:
    """An attachment header naming the file ``title.ext`` (RFC 5987/6266 ``filename*``), with an ASCII
    ``fallback`` name for clients that do not read ``filename*``."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", fallback).strip("-.") or "document"
    return (
        f'attachment; filename="{ascii_name}.{ext}"; '
        f"filename*=UTF-8''{quote(filename(title, ext), safe='')}"
    )


def exported_at(moment=None) -> str:
    """``（2026年12月2日09时50分导出）``: when an export was made, in local time, for its file name."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    return f"（{local.year}年{local.month}月{local.day}日{local:%H时%M分}导出）"


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def document_response(body: bytes, title: str, ext: str, *, fallback: str = "document"):
    """A download of a document anju wrote: its Chinese title as the file name, kept inert like uploads
    (it carries text people typed) and out of shared caches (it may carry personal data)."""
    from django.http import HttpResponse

    from anju.core.uploads import harden_download

    response = HttpResponse(body, content_type=CONTENT_TYPES[ext])
    response["Content-Disposition"] = content_disposition(title, ext, fallback=fallback)
    return harden_download(response)


# ---------------------------------------------------------------- fonts


def _face_index(path: str, family: str) -> int | None:
    """Index of ``family`` (or else of a Simplified Chinese face) in a font file; None when absent."""
    if not path.endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection

    names = [font["name"].getDebugName(1) or "" for font in TTCollection(path).fonts]
    for wanted in (
        lambda name: name == family,
        lambda name: name.endswith(" SC") and "Mono" not in name,
        lambda name: "Zen Hei" in name or "Micro Hei" in name,
    ):
        for index, name in enumerate(names):
            if wanted(name):
                return index
    return None


@lru_cache(maxsize=8)
def cjk_font(family: str = SANS, bold: bool = False) -> tuple[str, int]:
    """(path, face index) of ``family`` on this system, else of another Simplified Chinese face."""
    style = "Bold" if bold else "Regular"
    candidates = []
    if shutil.which("fc-match"):
        out = subprocess.run(  # fontconfig's own tool, fixed arguments  # nosec B603 B607
            ["fc-match", "-f", "%{file}", f"{family}:style={style}:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        if out:
            candidates.append(out)
    noto = "/usr/share/fonts/opentype/noto/Noto{}CJK-{}.ttc"
    candidates += [
        noto.format("Serif" if "Serif" in family else "Sans", style),
        noto.format("Sans", style),
        noto.format("Sans", "Regular"),
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    ]
    for path in candidates:
        if Path(path).exists() and (index := _face_index(path, family)) is not None:
            return path, index
    raise RuntimeError("no CJK font found: apt-get install -y fonts-noto-cjk")


# ---------------------------------------------------------------- .docx

# GB/T 9704 in twentieths of a point, as Word writes A4 (python-docx's template is US Letter).
A4_TWIPS = (11906, 16838)
_LATER_SETTINGS = (  # what follows w:noLineBreaksBefore in CT_Settings, to insert it in schema order
    "w:savePreviewPicture", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotAutoCompressPictures", "w:shapeDefaults", "w:decimalSymbol",
    "w:listSeparator",
)  # fmt: skip
_LATER_IN_PPR = (  # what follows w:kinsoku in CT_PPr
    "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


_LANG_SUCCESSORS = ("w:eastAsianLayout", "w:specVanish", "w:oMath")  # what follows w:lang in CT_RPr


def _format_font(r_pr, font, look: Look, *, bold: bool | None = None) -> None:
    """``look``'s face, size and weight on a run or a style; one face for Chinese, Latin and digits alike
    (else Word takes Latin and digits from the theme, and LibreOffice from DejaVu)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    fonts = r_pr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), look.family)
    font.size = Pt(look.size_pt)
    font.bold = look.bold if bold is None else bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)


def _format_run(run, look: Look, *, bold: bool | None = None) -> None:
    _format_font(run._element.get_or_add_rPr(), run.font, look, bold=bold)


def _format_paragraph(paragraph, look: Look, *, indent: bool = True) -> None:
    """``look``'s alignment, indent and exact line pitch on a paragraph or a paragraph style; ``indent``
    False keeps the style's own (a bulleted list hangs its text after the bullet)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    fmt = paragraph.paragraph_format
    fmt.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[look.align]
    fmt.space_before, fmt.space_after = Pt(0), Pt(look.space_after_pt)
    if indent:
        fmt.first_line_indent = Pt(look.size_pt * look.indent_chars)
    fmt.line_spacing = Pt(look.line_pt)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    for run in getattr(paragraph, "runs", ()):
        _format_run(run, look)


def _east_asian_line_breaking(doc) -> None:
    """Kinsoku on for every paragraph, with the Simplified Chinese lists, and the text marked zh-CN."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = doc.settings.element
    for tag, chars in (("w:noLineBreaksAfter", NO_LINE_END), ("w:noLineBreaksBefore", NO_LINE_START)):
        element = OxmlElement(tag)
        element.set(qn("w:lang"), "zh-CN")
        element.set(qn("w:val"), chars)
        settings.insert_element_before(element, *_LATER_SETTINGS)
    settings.find(qn("w:characterSpacingControl")).set(qn("w:val"), "compressPunctuation")
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")  # the template says ja-JP
    normal = doc.styles["Normal"].element
    normal.get_or_add_pPr().insert_element_before(OxmlElement("w:kinsoku"), *_LATER_IN_PPR)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.get_or_add_rPr().insert_element_before(language, *_LANG_SUCCESSORS)


def _page_number_paragraph(paragraph, align: str) -> None:
    """“— N —” in ``paragraph``, N a PAGE field, set one character in from the ``align`` side."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph.text = ""
    look = Look(SERIF, False, PAGE_NUMBER_PT, "left", 0, PAGE_NUMBER_PT)  # the runs' face and size
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.LEFT
    one_character = Pt(PAGE_NUMBER_PT)  # 单页码居右空一字，双页码居左空一字
    if align == "right":
        paragraph.paragraph_format.right_indent = one_character
    else:
        paragraph.paragraph_format.left_indent = one_character

    def field_char(kind: str):
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._element.append(char)
        return run

    parts = [paragraph.add_run("— "), field_char("begin")]
    instruction = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instruction._element.append(text)
    parts += [instruction, field_char("separate"), paragraph.add_run("1"), field_char("end")]
    parts.append(paragraph.add_run(" —"))
    for run in parts:
        _format_run(run, look)


def add_page_number_footer(section) -> None:
    """“— N —” in the footer, N a PAGE field, 7 mm below the text area (GB/T 9704 7.5): odd pages on
    the right, even pages on the left, each one character in from the edge of the text area.

    Word reads the even-page footer only with ``w:evenAndOddHeaders`` in the settings, which
    python-docx sets through ``settings.odd_and_even_pages_header_footer``."""
    from docx.shared import Mm, Pt

    section.footer_distance = Mm(MARGIN_BOTTOM_MM - PAGE_NUMBER_GAP_MM) - Pt(PAGE_NUMBER_PT)
    section.part.document.settings.odd_and_even_pages_header_footer = True
    _page_number_paragraph(section.footer.paragraphs[0], "right")
    _page_number_paragraph(section.even_page_footer.paragraphs[0], "left")


def a4_docx():
    """A python-docx ``Document`` on A4 with GB/T 9704 margins, Chinese faces in every style, Chinese
    line breaking and a page-number footer: the start of every .docx anju writes."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Twips

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(A4_TWIPS[0]), Twips(A4_TWIPS[1])
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.gutter = 0
    _east_asian_line_breaking(doc)
    for name, look in {
        "Normal": LOOKS["p"],
        "Title": LOOKS["title"],
        "Heading 1": LOOKS["h1"],
        "Heading 2": LOOKS["h2"],
        "List Bullet": LOOKS["li"],
    }.items():
        style = doc.styles[name]
        _format_font(style.element.get_or_add_rPr(), style.font, look)
        # the body indent goes on body paragraphs, not on Normal: lists and table cells inherit Normal
        _format_paragraph(style, look, indent=name not in ("Normal", "List Bullet"))
    title_border = doc.styles["Title"].element.pPr.find(qn("w:pBdr"))
    if title_border is not None:  # the template rules a line under its title; an official title has none
        title_border.getparent().remove(title_border)
    add_page_number_footer(section)
    return doc


def render_docx(blocks: list[Block]) -> bytes:
    blocks = _xml_safe_blocks(blocks)
    doc = a4_docx()
    cell_look = LOOKS["table"]
    for block in blocks:
        look = LOOKS.get(block.kind, LOOKS["p"])
        if block.kind == "title":
            _format_paragraph(doc.add_heading(block.text, level=0), look)
        elif block.kind in ("h1", "h2"):
            _format_paragraph(doc.add_heading(block.text, level=1 if block.kind == "h1" else 2), look)
        elif block.kind == "li":
            _format_paragraph(doc.add_paragraph(block.text, style="List Bullet"), look, indent=False)
        elif block.kind in ("meta", "p"):
            _format_paragraph(doc.add_paragraph(block.text), look)
        elif block.kind == "table":
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for row_index, texts in enumerate([block.header, *block.rows]):
                cells = table.rows[0].cells if row_index == 0 else table.add_row().cells
                for cell, text in zip(cells, texts, strict=True):
                    cell.text = text
                    paragraph = cell.paragraphs[0]
                    _format_paragraph(paragraph, cell_look)
                    paragraph.paragraph_format.line_spacing = 1.0  # single: a table is read, not filed
                    for run in paragraph.runs:
                        run.font.bold = row_index == 0
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- PDF


def _libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


_PDF_FACES = {"serif": (SERIF, False), "serif-bold": (SERIF, True), "sans": (SANS, False)}
_PT = 25.4 / 72  # millimetres in a point


def _face(look: Look) -> str:
    return "sans" if look.family == SANS else ("serif-bold" if look.bold else "serif")


def _new_pdf(title: str):
    from fpdf import FPDF

    class OfficePDF(FPDF):
        def footer(self):
            self.set_y(PAGE_HEIGHT_MM - MARGIN_BOTTOM_MM + PAGE_NUMBER_GAP_MM)
            self.set_font("serif", size=PAGE_NUMBER_PT)
            # GB/T 9704 7.5: odd pages on the right, even pages on the left, one character in
            number = self.page_no()
            one_character = PAGE_NUMBER_PT * _PT
            self.set_x(self.l_margin + (0 if number % 2 else one_character))
            self.cell(
                self.w - self.l_margin - self.r_margin - one_character,
                PAGE_NUMBER_PT * _PT,
                f"— {number} —",
                align="R" if number % 2 else "L",
            )

    pdf = OfficePDF(format="A4", unit="mm")
    pdf.set_margins(MARGIN_LEFT_MM, MARGIN_TOP_MM, MARGIN_RIGHT_MM)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM_MM)
    pdf.c_margin = 0  # the text area is the margins' own: no extra inset
    for name, (family, bold) in _PDF_FACES.items():
        path, index = cjk_font(family, bold)
        pdf.add_font(name, fname=path, collection_font_number=index)
    pdf.set_title(title)
    pdf.set_lang("zh-CN")
    return pdf


_SLACK_MM = 0.3  # lines are broken a little short of the width, so fpdf2 never breaks them again


def _draw_text(pdf, look: Look, text: str, *, indent_mm: float = 0) -> None:
    pdf.set_font(_face(look), size=look.size_pt)
    width = pdf.w - pdf.l_margin - pdf.r_margin - indent_mm
    first_indent = "\u3000" * look.indent_chars  # a full-width space is one character wide
    lines = break_lines(first_indent + text, width - _SLACK_MM, pdf.get_string_width)
    align = "C" if look.align == "center" else "L"  # justify would stretch only the spaces, not the Chinese
    pdf.set_x(pdf.l_margin + indent_mm)
    pdf.multi_cell(width, look.line_pt * _PT, "\n".join(lines), align=align, new_x="LMARGIN", new_y="NEXT")
    if look.space_after_pt:
        pdf.ln(look.space_after_pt * _PT)


def _draw_table(pdf, block: Block) -> None:
    from fpdf.enums import WrapMode
    from fpdf.fonts import FontFace

    look = LOOKS["table"]
    padding = 1.5
    weights = _column_weights(block)
    table_width = pdf.w - pdf.l_margin - pdf.r_margin
    widths = [table_width * w / sum(weights) for w in weights]

    def wrapped(row: list[str], face: str) -> list[str]:
        pdf.set_font(face, size=look.size_pt)
        return [
            "\n".join(break_lines(text, width - 2 * padding - 2 * _SLACK_MM, pdf.get_string_width))
            for text, width in zip(row, widths, strict=True)
        ]

    header = wrapped(block.header, "serif-bold")
    rows = [wrapped(row, "serif") for row in block.rows]
    pdf.set_font("serif", size=look.size_pt)
    with pdf.table(
        line_height=look.line_pt * _PT,
        headings_style=FontFace(family="serif-bold", fill_color=(235, 238, 243)),
        text_align="LEFT",
        wrapmode=WrapMode.CHAR,
        col_widths=weights,
        padding=(1, padding),
    ) as table:
        table.row(header)
        for row in rows:
            table.row(row)
    pdf.ln(LINE_PITCH_PT * _PT / 2)


def _column_weights(block: Block) -> tuple[int, ...]:
    """Relative column widths from the longest text in each column (bounded, so long texts wrap)."""
    columns = zip(block.header, *block.rows, strict=False)
    return tuple(max(4, min(24, max(len(text) for text in column))) for column in columns)


def _pdf_fpdf(blocks: list[Block], title: str) -> bytes:
    blocks = _xml_safe_blocks(blocks)
    pdf = _new_pdf(title)
    pdf.add_page()
    for block in blocks:
        look = LOOKS.get(block.kind, LOOKS["p"])
        if block.kind in ("h1", "h2") and pdf.y + 2 * LINE_PITCH_PT * _PT > pdf.page_break_trigger:
            pdf.add_page()  # a heading never stands alone at the foot of a page
        if block.kind == "table":
            _draw_table(pdf, block)
        elif block.kind == "li":  # a bullet in the indent, the text hanging after it
            indent = look.indent_chars * look.size_pt * _PT
            _draw_text(pdf, replace(look, align="left", indent_chars=0), "• " + block.text, indent_mm=indent)
        else:
            _draw_text(pdf, look, block.text)
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
    """PDF of ``blocks``: LibreOffice's conversion of the .docx when installed, else fpdf2 with CJK faces."""
    if _libreoffice():
        converted = _pdf_libreoffice(docx or render_docx(blocks))
        if converted:
            return converted
    return _pdf_fpdf(blocks, title)
