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
