"""Per-client rate limit for the public pages, counted in Django's cache.

The client is identified by a keyed hash of its address, so the cache never holds an IP address. Behind a
reverse proxy listed in ANJU_TRUSTED_PROXIES the address is the one that proxy forwards
(``anju.core.proxies``).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

from anju.core.proxies import client_address

WINDOW_SECONDS = 3600


def _client_hash(request) -> str:
    address = client_address(request) or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _key(request, scope: str) -> str:
    window = int(time.time() // WINDOW_SECONDS)
    return f"anju:ratelimit:{scope}:{window}:{_client_hash(request)}"


def used(request, scope: str) -> int:
    return int(cache.get(_key(request, scope), 0))


def exceeded(request, scope: str, limit: int) -> bool:
    return used(request, scope) >= limit


def hit(request, scope: str) -> int:
    """Count one attempt; returns the number used in the current window."""
    key = _key(request, scope)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1
