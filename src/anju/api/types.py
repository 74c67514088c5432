"""Strict input types of the API: a value is taken as the type the schema says, or refused with 422.

pydantic's lax mode guesses: ``"yes"`` and ``1`` become ``True``, ``0`` becomes 1970-01-01 (a Unix time),
``"3"`` becomes 3, and a JSON array given where an object belongs is read attribute by attribute into an
object of defaults. The API takes none of these: booleans are ``true``/``false``, dates and times are ISO
strings, numbers are numbers, required texts are not blank, and a body object has exactly its fields.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, Strict, StringConstraints, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

MAX_ID = 2**63 - 1  # the database's largest key; a bigger number names nothing
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")


def _date_text(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("date_format", "a date as YYYY-MM-DD")


def _datetime_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATETIME.fullmatch(value):
        return value
    raise PydanticCustomError("datetime_format", "a time in ISO 8601")


def _true_or_false(value: Any) -> Any:
    """Query strings carry text: only ``true`` and ``false`` (what the schema's boolean means)."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError("bool_parsing", "true or false")


IsoDate = Annotated[dt.date, BeforeValidator(_date_text)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_datetime_text)]
QueryBool = Annotated[bool, BeforeValidator(_true_or_false)]
StrictBool = Annotated[bool, Strict()]
StrictInt = Annotated[int, Strict()]
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# Surrounding blanks are dropped, then at least one character must remain.
RequiredText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# A text the action itself refuses when blank, with a message naming what is missing ("退回须填写原因。"),
# together with the other fields' errors: the schema documents the rule, the action enforces it.
FilledText = Annotated[str, WithJsonSchema({"type": "string", "minLength": 1})]
# Not negative: the actions say so with their own message ("涉及金额不能为负数。").
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False, description="yuan")]


class StrictIn(Schema):
    """A request body: a JSON object with only the fields below (an unknown field is an error)."""

    model_config = ConfigDict(extra="forbid", from_attributes=False)

    # Replaces ninja's wrapper, which reads any object attribute by attribute (a list became an empty party).
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if not isinstance(values, dict):
            raise PydanticCustomError("model_type", "a JSON object")
        return handler(values)
