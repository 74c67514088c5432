"""Optimistic concurrency in the API: the version a client saw, and the ETag it gets back.

A detail answer carries the object's ``version`` and the same number as its ``ETag``. An action takes the
version the client saw from the body's ``version`` or from ``If-Match`` (the body wins when both are sent);
a stale one is refused with 409 and changes nothing. Without either the action is not checked (a script
that acts without reading first).
"""

from __future__ import annotations

from ninja import Field

from anju.api.strict import StrictIn, StrictInt
from anju.core.concurrency import etag, parse_version


class VersionIn(StrictIn):
    version: StrictInt | None = Field(
        None, description="the version the client saw (the detail's `version` or ETag); stale: 409"
    )


def seen_version(request, payload=None) -> int | None:
    body = getattr(payload, "version", None)
    if body is not None:
        return body
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    return parse_version(header)


def with_etag(response, obj):
    """Set ``ETag`` on ninja's temporal response; returns ``obj`` for chaining."""
    response["ETag"] = etag(obj)
    return obj
