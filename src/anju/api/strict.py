"""Strict input types of the whole API, and the masking of free text.

pydantic's lax mode guesses: ``"yes"`` and ``1`` become ``True``, ``0`` becomes 1970-01-01 (a Unix time),
``"3"`` becomes 3, and a JSON array given where an object belongs is read attribute by attribute into an
object of defaults. The API takes none of these. A body schema refuses fields it does not know
(``extra="forbid"``), so a misspelt field is a 422 instead of being silently ignored; booleans and integers
are JSON booleans and integers (no ``"yes"`` or ``"3"``); dates are ``YYYY-MM-DD`` strings and times ISO
8601 strings, never numbers that pydantic would read as Unix timestamps; required texts are not blank.
Every refusal comes back through ``errors`` as 422 with a Chinese message per field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from anju.core.crypto import protect_text
from anju.core.textsafety import MAX_TEXT_CHARS

__all__ = [
    "Amount",
    "FilledText",
    "Id",
    "IsoDate",
    "IsoDateTime",
    "Month",
    "QueryBool",
    "RequiredText",
    "StrictBool",
    "StrictIn",
    "StrictInt",
    "StrictStr",
    "Text",
    "masked",
]

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH = re.compile(r"\d{4}-\d{2}")
MAX_ID = 2**63 - 1  # the database's largest key; a bigger number names nothing


class StrictIn(Schema):
    """A request body: a JSON object with only the fields of its schema (an unknown field is an error)."""

    model_config = ConfigDict(extra="forbid", from_attributes=False)

    # Replaces ninja's wrapper, which reads any object attribute by attribute (a JSON array became an empty
    # party): a body must be a JSON object.
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if not isinstance(values, dict):
            raise PydanticCustomError("model_type", "a JSON object")
        return handler(values)


def _date_string(value):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # a default, or a value already parsed
    if not isinstance(value, str) or not DATE.fullmatch(value.strip()):
        raise PydanticCustomError("date_type", "a date as YYYY-MM-DD")
    return value.strip()


def _datetime_string(value):
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not DATE.match(value.strip()):
        raise PydanticCustomError("datetime_type", "a time as ISO 8601")
    return value.strip()


def _month_string(value):
    if not isinstance(value, str) or not MONTH.fullmatch(value.strip()):
        raise PydanticCustomError("month_type", "a month as YYYY-MM")
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        raise PydanticCustomError("month_type", "a month as YYYY-MM") from None


def _true_or_false(value: Any) -> Any:
    """Query strings carry text: only ``true`` and ``false`` (what the schema's boolean means)."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError("bool_parsing", "true or false")


IsoDate = Annotated[dt.date, BeforeValidator(_date_string)]


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without an offset is local time (``TIME_ZONE``), as on the pages."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


IsoDateTime = Annotated[dt.datetime, BeforeValidator(_datetime_string), AfterValidator(_aware)]
Month = Annotated[dt.date, BeforeValidator(_month_string), Field(description="YYYY-MM")]
Text = Annotated[StrictStr, Field(max_length=MAX_TEXT_CHARS)]  # the pages' limit of a free text
# A boolean in a query string: the words true and false only ("yes", "1", "on" are 422).
QueryBool = Annotated[bool, BeforeValidator(_true_or_false)]
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
# Surrounding blanks are dropped, then at least one character must remain.
RequiredText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# A text the action itself refuses when blank, with a message naming what is missing ("退回须填写原因。"),
# together with the other fields' errors: the schema documents the rule, the action enforces it.
FilledText = Annotated[StrictStr, WithJsonSchema({"type": "string", "minLength": 1})]
# Not negative: the actions say so with their own message ("涉及金额不能为负数。").
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False, description="yuan")]


def masked(text: str | None) -> str:
    """Free text that is stored as typed, masked as stored free texts are (phones, ID numbers, cued names):
    the API's answers carry personal data only masked."""
    return protect_text(text or "")[0]
