"""Cell values for every spreadsheet anju writes: safe against formula injection and illegal characters.

A cell whose text begins with ``= + - @`` (or a tab or carriage return) would be read by Excel or WPS as a
formula (OWASP "CSV injection"); it is written as a string cell (never a formula) with the quote-prefix
style, so that editing it in Excel or WPS keeps it text. Control
characters that XML 1.0 forbids are dropped, since openpyxl refuses them and one stored character would
otherwise break every export that contains it.
"""

from __future__ import annotations

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from anju.core.textsafety import xml_safe

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """``value`` without the control characters a spreadsheet (XML) cannot hold; openpyxl raises on them."""
    return xml_safe(value)


def write_cell(cell, value) -> None:
    """Put ``value`` into an openpyxl ``cell``: numbers and dates as they are, text never as a formula."""
    if isinstance(value, str):
        value = safe_text(value)
        cell.value = value
        if value.startswith(FORMULA_TRIGGERS):
            cell.data_type = "s"  # a string cell, never evaluated
            cell.quotePrefix = True  # shown as text when edited, too
        return
    cell.value = value


def new_cell(sheet, value):
    """A cell of ``sheet`` (ordinary or write-only) holding ``value`` through ``write_cell``."""
    cell = WriteOnlyCell(sheet) if isinstance(sheet, WriteOnlyWorksheet) else Cell(sheet)
    write_cell(cell, value)
    return cell


def append_row(sheet, values) -> list:
    """Append ``values`` to ``sheet`` as one row of safe cells; returns the cells (to style them)."""
    cells = [new_cell(sheet, value) for value in values]
    sheet.append(cells)
    return cells


def print_layout(
    sheet, *, title_rows: str | None, widths: dict[str, float] | None = None, header: str = ""
) -> None:
    """Make ``sheet`` (ordinary or write-only, before rows are written) print the way an office files it:
    A4 landscape, every column on one page width (as many pages down as needed), the ``title_rows``
    (e.g. ``"1:3"``) repeated on each page, ``header`` (the document's title) atop each page,
    “第 N 页，共 M 页” in the footer, and the column ``widths`` (letter → characters) set."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0: no limit on the pages down
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = title_rows
    if header:
        sheet.oddHeader.center.text = safe_text(header).replace("&", "&&")  # & starts a code there
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    for letter, width in (widths or {}).items():
        sheet.column_dimensions[letter].width = width
