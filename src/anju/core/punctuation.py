"""Punctuation by the reader's language: full-width in Chinese, ASCII in English (see the template tags)."""

from __future__ import annotations

from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "").startswith("en")


def colon() -> str:
    return ": " if english() else "："


def paren(text) -> str:
    return f" ({text})" if english() else f"（{text}）"
