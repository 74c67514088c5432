"""Cell values for every spreadsheet anju writes: safe against formula injection and illegal characters.

A cell whose text begins with ``= + - @`` (or a tab or carriage return) would be read by Excel or WPS as a
formula (OWASP "CSV injection"); it is written as a string cell (never a formula) with the quote-prefix
style, so that editing it in Excel or WPS keeps it text. Control
characters that XML 1.0 forbids are dropped, since openpyxl refuses them and one stored character would
otherwise break every export that contains it.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 allows \t \n \r and everything from U+0020; openpyxl raises on the rest.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value: str) -> str:
    """``value`` without the control characters a spreadsheet (XML) cannot hold."""
    return _ILLEGAL.sub("", value)


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
