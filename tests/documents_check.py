"""Reading documents back the way an office's tools would: poppler for PDFs, python-docx, openpyxl.

Expected figures are written out by hand here: A4 is 595.28 × 841.89 pt (210 × 297 mm at 72/25.4) and
11906 × 16838 twips (Word's own A4); a millimetre is 1440 / 25.4 twips.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote

A4_PDF = "595.28 x 841.89 pts (A4)"
A4_TWIPS = ("11906", "16838")
A4_EMU = (11906 * 635, 16838 * 635)  # python-docx reads twips back as EMU (635 to the twip)
GBT_9704_MARGINS_TWIPS = {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}  # 37/35/28/26 mm
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Marks that must not begin a line (the brief's list and their kin).
NO_LINE_START = "，；。、）：？！”》」』】"


def poppler(tool: str, data: bytes, *args: str) -> str:
    assert shutil.which(tool), f"{tool} (poppler-utils) is needed to read the PDF back"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                              capture_output=True, text=True, check=True, timeout=120).stdout  # fmt: skip


def pdf_pages(data: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", data), re.M).group(1))


def pdf_page_size(data: bytes) -> str:
    return re.search(r"^Page size:\s+(.+)$", poppler("pdfinfo", data), re.M).group(1).strip()


def pdf_font_names(data: bytes) -> list[str]:
    lines = poppler("pdffonts", data).splitlines()[2:]  # two header lines
    return [line.split()[0].split("+")[-1] for line in lines if line.strip()]


def pdf_page_texts(data: bytes) -> list[str]:
    return [poppler("pdftotext", data, "-f", str(n), "-l", str(n)) for n in range(1, pdf_pages(data) + 1)]


def pdf_lines(data: bytes) -> list[str]:
    return [line.strip() for line in poppler("pdftotext", data).splitlines() if line.strip()]


def assert_pdf_is_an_office_document(data: bytes) -> list[str]:
    """A4, Simplified Chinese Noto faces only, “— N —” on every page; returns each page's text."""
    assert pdf_page_size(data) == A4_PDF
    fonts = pdf_font_names(data)
    assert fonts and all(re.fullmatch(r"Noto(Serif|Sans)CJK(SC|sc)(-?Bold|-?Regular)?", f) for f in fonts), (
        fonts
    )
    pages = pdf_page_texts(data)
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"—\s*{number}\s*—", text), f"page {number} has no “— {number} —”"
    for number, text in enumerate(pdf_layout_page_texts(data), start=1):
        assert_page_number_side(text, number)
    return pages


def pdf_layout_page_texts(data: bytes) -> list[str]:
    """Each page as ``pdftotext -layout`` lays it out: a line keeps its text's place across the page."""
    return [
        poppler("pdftotext", data, "-layout", "-f", str(n), "-l", str(n))
        for n in range(1, pdf_pages(data) + 1)
    ]


def assert_page_number_side(layout_text: str, number: int) -> None:
    """The “— N —” line stands at the right on odd pages, at the left on even ones (GB/T 9704 7.5).

    In ``-layout`` text a line's leading spaces are its distance from the page's left text edge (poppler
    counts in its own columns and drops the spaces inside “—N—”): an even page's number starts the line,
    an odd page's starts past the middle of the widest line."""
    lines = layout_text.splitlines()
    line = next((line for line in lines if re.fullmatch(rf"\s*—\s*{number}\s*—\s*", line)), None)
    assert line is not None, f"page {number} has no line of its own with “— {number} —”"
    lead = len(line) - len(line.lstrip())
    widest = max(len(text.rstrip()) for text in lines)
    if number % 2:
        assert lead > widest / 2, f"page {number}'s number should stand at the right: {line!r}"
    else:
        assert lead <= 2, f"page {number}'s number should stand at the left: {line!r}"


def docx_of(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def assert_docx_is_an_office_document(data: bytes):
    """A4 portrait with GB/T 9704 margins and a PAGE field in the footer; returns the document."""
    doc = docx_of(data)
    section = doc.sections[0]
    assert (section.page_width, section.page_height) == A4_EMU
    size = section._sectPr.find(f"{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == A4_TWIPS
    margins = section._sectPr.find(f"{W}pgMar")
    assert {side: margins.get(f"{W}{side}") for side in GBT_9704_MARGINS_TWIPS} == GBT_9704_MARGINS_TWIPS
    # GB/T 9704 7.5: odd pages' numbers on the right, even pages' on the left, one character (4号, 14 pt
    # = 280 twips) in; Word uses the even-page footer only with w:evenAndOddHeaders in settings.xml
    assert doc.settings.element.find(f"{W}evenAndOddHeaders") is not None
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]._p
        assert [t.text for t in paragraph.iter(f"{W}instrText")] == [" PAGE "]
        kinds = [c.get(f"{W}fldCharType") for c in paragraph.iter(f"{W}fldChar")]
        assert kinds == ["begin", "separate", "end"]
        assert footer.paragraphs[0].text == "— 1 —"  # “1” is the field's placeholder result
        assert paragraph.find(f"{W}pPr/{W}jc").get(f"{W}val") == side
        assert paragraph.find(f"{W}pPr/{W}ind").get(f"{W}{side}") == "280"
    return doc


def download_names(response) -> tuple[str, str]:
    """(the UTF-8 file name from ``filename*``, the ASCII fallback from ``filename``) of a download."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment;"), header
    utf8 = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    plain = re.search(r'filename="([^"]*)"', header)
    assert utf8 and plain, header
    assert plain.group(1).isascii()
    return unquote(utf8.group(1)), plain.group(1)


def assert_sheet_prints(sheet, title_rows: str) -> None:
    """Landscape A4, one page wide, ``title_rows`` repeated, page numbers, column widths set."""
    setup = sheet.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9")  # 9: A4 in SpreadsheetML
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == title_rows
    assert "&P" in sheet.oddFooter.center.text
    assert sheet.column_dimensions["A"].width and sheet.column_dimensions["A"].customWidth
