"""Reading numbers from query and form parameters that anyone can type.

``str.isdigit()`` accepts "²" (which ``int()`` refuses) and a number past every integer column passes it
too; both answered 500. A parameter that is not a plain ASCII number in a column's range counts as absent.
"""

from __future__ import annotations

import re

_PLAIN_INT = re.compile(r"[0-9]{1,18}")
MAX_ID = 2**63 - 1  # the largest value a BigAutoField (and PostgreSQL bigint) holds
MAX_INT = 2**31 - 1  # an IntegerField


def int_param(raw, *, default: int | None = None, maximum: int = MAX_INT) -> int | None:
    """``raw`` as a non-negative int when it is ASCII digits within ``maximum``, else ``default``."""
    if not isinstance(raw, str) or not _PLAIN_INT.fullmatch(raw):
        return default
    value = int(raw)
    return value if value <= maximum else default


def id_param(raw) -> int | None:
    """A primary key from a parameter, or None when it cannot be one."""
    return int_param(raw, maximum=MAX_ID)
