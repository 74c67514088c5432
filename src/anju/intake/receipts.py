"""Receipt codes for citizens: short, unambiguous, with a check character so typos are caught early."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
BODY_LENGTH = 11
PATTERN = re.compile(rf"^[{ALPHABET}]{{{BODY_LENGTH + 1}}}$")


def _check_char(body: str) -> str:
    total = sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + _check_char(body)


def normalise(raw: str) -> str | None:
    """The canonical form of a typed code, or None when it cannot be a valid code."""
    code = re.sub(r"[\s\-]", "", (raw or "")).upper()[:64]
    if not PATTERN.match(code):
        return None
    return code if _check_char(code[:-1]) == code[-1] else None


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
