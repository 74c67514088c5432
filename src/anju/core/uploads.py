"""Serving files that users uploaded (or documents built from their text) without letting them run.

An uploaded PDF can carry ``/OpenAction`` JavaScript and an image can be sniffed into HTML; shown inline
from anju's origin, either would run with the staff member's session. Every such file is therefore a
download (``Content-Disposition: attachment``), never sniffed (``nosniff``), and sandboxed by its own
Content-Security-Policy should a browser render it anyway. ``<img src>`` thumbnails keep working: an image
element ignores the disposition.
"""

from __future__ import annotations

from django.http import FileResponse

SANDBOX_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def harden_download(response):
    """The headers that keep a served file inert, on any response."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


def upload_response(handle, *, filename: str, content_type: str | None = None) -> FileResponse:
    """An uploaded file as an inert download."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    return harden_download(response)
