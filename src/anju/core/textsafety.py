"""Characters that break documents or spoof what staff read, in one place for every input and writer.

- Control characters (C0 but tab, newline and carriage return; DEL; C1) have no business in anything a
  person types, and one stored in a matter broke every .xlsx export, CAP document and Atom feed (XML 1.0
  forbids most of them). Every input drops them (``InputSafetyMiddleware`` and the import paths), and
  every writer drops them again (``xml_safe``) so that what was stored before cannot break an export.
- Bidirectional controls (U+202A–U+202E, U+2066–U+2069, marks) and zero-width characters make text show
  something other than what it says (U+202E before "gpj.exe" shows it as "exe.jpg"). Names and codes refuse them with a
  message beside the field (``refuse_invisible``); free text has them removed (``neutralise_invisible``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls except \t \n \r, DEL and the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What XML 1.0 cannot hold at all: the C0 controls above, surrogates, U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Bidirectional embeddings, overrides, isolates and marks; zero-width space/joiners; word joiner; BOM.
INVISIBLE_CHARACTERS = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

# Parameters (form fields, JSON members) that hold names and codes: their fields refuse invisible
# characters with a message, so InputSafetyMiddleware leaves those characters in for the field to see.
IDENTIFIER_PARAMETERS = frozenset(
    {
        "name",
        "username",
        "display_name",
        "reporter_name",
        "applicant_name",
        "respondent_name",
        "into_number",
        "number",
        "code",
    }
)

# Longest typed texts: a note or reason, and a description or record; a single value past
# MAX_VALUE_CHARS (no form takes one) is refused by InputSafetyMiddleware for every page and the API.
MAX_NOTE_CHARS = 2_000
MAX_TEXT_CHARS = 20_000
MAX_VALUE_CHARS = 100_000

INVISIBLE_MESSAGE = _(
    "不能包含方向控制字符或零宽字符等不可见字符（它们会让显示的内容与实际不符），请删除后重新填写。"
)


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab, newline and carriage return stay)."""
    return CONTROL_CHARACTERS.sub("", text)


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 (docx, xlsx, CAP, Atom) cannot hold."""
    return XML_ILLEGAL.sub("", text)


def neutralise_invisible(text: str) -> str:
    """Free text without bidirectional controls and zero-width characters."""
    return INVISIBLE_CHARACTERS.sub("", text)


def clean_free_text(text: str) -> str:
    """What every typed value becomes: no control characters, no invisible ones."""
    return neutralise_invisible(strip_controls(text))


def clean_value(name: str, value):
    """A typed value (a string, or lists and dicts of them, as JSON brings) cleaned for parameter ``name``:
    control characters dropped; invisible characters removed too, except in names and codes."""
    if isinstance(value, str):
        value = strip_controls(value)
        return value if name in IDENTIFIER_PARAMETERS else neutralise_invisible(value)
    if isinstance(value, list):
        return [clean_value(name, v) for v in value]
    if isinstance(value, dict):
        return {clean_free_text(k): clean_value(k, v) for k, v in value.items()}
    return value


def clean_dataclass(record) -> None:
    """Clean, in place, every text in ``record`` and in the dataclasses, lists and dicts it holds: the
    import paths' counterpart of ``InputSafetyMiddleware``."""
    import dataclasses

    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            clean_dataclass(value)
        elif isinstance(value, list) and any(dataclasses.is_dataclass(v) for v in value):
            for item in value:
                clean_dataclass(item)
        elif isinstance(value, (str, list, dict)):
            setattr(record, f.name, clean_value(f.name, value))


def has_invisible(text: str) -> bool:
    return bool(INVISIBLE_CHARACTERS.search(text))


def refuse_invisible(value) -> None:
    """Validator for names and codes: a bidirectional or zero-width character is an error, not removed."""
    if isinstance(value, str) and has_invisible(value):
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")


def invisible_errors(**fields) -> dict:
    """{field: message} for each named value holding a bidirectional or zero-width character."""
    return {
        name: [INVISIBLE_MESSAGE]
        for name, value in fields.items()
        if isinstance(value, str) and has_invisible(value)
    }


def refuse_invisible_in(**fields) -> None:
    """For actions: names and codes with an invisible character are refused, field by field."""
    if errors := invisible_errors(**fields):
        raise ValidationError(errors)
