"""Rate limits for the public pages, counted in Django's cache (shared by every server process).

A count belongs to a scope (which page) and a subject: by default the client, identified by its address —
behind a reverse proxy listed in ANJU_TRUSTED_PROXIES the one that proxy forwards (``anju.core.proxies``) —
or any other value a page counts by, such as a receipt code. Subjects are stored as a keyed hash, so the
cache never holds an IP address or a receipt code.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

from anju.core.proxies import client_address

WINDOW_SECONDS = 3600


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def _key(request, scope: str, subject: str | None) -> str:
    window = int(time.time() // WINDOW_SECONDS)
    if subject is None:
        subject = "client:" + (client_address(request) or "unknown")
    return f"anju:ratelimit:{scope}:{window}:{_digest(subject)}"


def used(request, scope: str, *, subject: str | None = None) -> int:
    return int(cache.get(_key(request, scope, subject), 0))


def exceeded(request, scope: str, limit: int, *, subject: str | None = None) -> bool:
    return used(request, scope, subject=subject) >= limit


def hit(request, scope: str, *, subject: str | None = None) -> int:
    """Count one attempt; returns the number used in the current window."""
    key = _key(request, scope, subject)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1
