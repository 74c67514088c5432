"""The real client address behind trusted reverse proxies.

Only a request that arrives from an address in ``ANJU_TRUSTED_PROXIES`` (addresses or networks) may name the
client in ``X-Forwarded-For``; the client is then the right-most address in that header that is not itself a
trusted proxy (each proxy appends the address it received the request from). Anyone else's header is
ignored, so a client cannot choose the address that rate limits and sign-in lockouts count against.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.ANJU_TRUSTED_PROXIES)))


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.ANJU_TRUSTED_PROXIES or not _trusted(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed header from behind our own proxy: count the proxy
    return remote


FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


class TrustedProxyMiddleware:
    """First of all middleware: forwarding headers from anyone but a trusted proxy are dropped, so that a
    client talking to anju directly cannot claim https (SECURE_PROXY_SSL_HEADER) or another address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _trusted(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
