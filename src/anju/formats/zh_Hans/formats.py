"""Input formats for Simplified Chinese: the same as every other language (see ``anju/formats/en``)."""

from anju.formats.en.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS

__all__ = ["DATE_INPUT_FORMATS", "DATETIME_INPUT_FORMATS"]
