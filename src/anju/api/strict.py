"""Strict input types of the screening, 稳评, warning and monthly-report routes, and the masking of free text.

A body schema refuses fields it does not know (``extra="forbid"``), so a misspelt field is a 422 instead of
being silently ignored; booleans and integers are JSON booleans and integers (no ``"yes"`` or ``"3"``);
dates are ``YYYY-MM-DD`` strings and times ISO 8601 strings, never numbers that pydantic would read as
Unix timestamps. Every refusal comes back through ``errors`` as 422 with a Chinese message per field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic_core import PydanticCustomError

from anju.core.crypto import protect_text
from anju.core.textsafety import MAX_TEXT_CHARS

__all__ = [
    "IsoDate",
    "IsoDateTime",
    "Month",
    "StrictBool",
    "StrictIn",
    "StrictInt",
    "StrictStr",
    "Text",
    "masked",
]

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH = re.compile(r"\d{4}-\d{2}")


class StrictIn(Schema):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


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


IsoDate = Annotated[dt.date, BeforeValidator(_date_string)]


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without an offset is local time (``TIME_ZONE``), as on the pages."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


IsoDateTime = Annotated[dt.datetime, BeforeValidator(_datetime_string), AfterValidator(_aware)]
Month = Annotated[dt.date, BeforeValidator(_month_string), Field(description="YYYY-MM")]
Text = Annotated[StrictStr, Field(max_length=MAX_TEXT_CHARS)]  # the pages' limit of a free text


def masked(text: str | None) -> str:
    """Free text that is stored as typed, masked as stored free texts are (phones, ID numbers, cued names):
    the API's answers carry personal data only masked."""
    return protect_text(text or "")[0]
