"""Punctuation that follows the reader's language: Chinese text uses full-width marks, English text ASCII.

``{% colon %}`` after a translated label gives "：" in Chinese and ": " in English; ``{{ x|paren }}``
gives "（x）" or " (x)". Text a user entered keeps its own punctuation.
"""

from __future__ import annotations

from django import template

from anju.core.punctuation import colon as _colon
from anju.core.punctuation import paren as _paren

register = template.Library()


@register.simple_tag
def colon() -> str:
    return _colon()


@register.filter
def paren(text) -> str:
    return _paren(text)
