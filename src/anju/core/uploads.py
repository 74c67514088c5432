"""Serving files that users uploaded (or documents built from their text) without letting them run.

An uploaded PDF can carry ``/OpenAction`` JavaScript and an image can be sniffed into HTML; shown inline
from anju's origin, either would run with the staff member's session. Every such file is therefore a
download (``Content-Disposition: attachment``), never sniffed (``nosniff``), and sandboxed by its own
Content-Security-Policy should a browser render it anyway. ``<img src>`` thumbnails keep working: an image
element ignores the disposition.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

SANDBOX_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def harden_download(response):
    """The headers that keep a served file inert, on any response."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


def open_stored(field_file):
    """A stored file opened for reading through its storage (the uploads folder or the bucket), to be
    streamed by a view that has checked the user's permission; 404 when the file is gone."""
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None


def upload_response(handle, *, filename: str, content_type: str | None = None) -> FileResponse:
    """An uploaded file as an inert download."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    return harden_download(response)


def browser_check_attrs(*, max_files: int = 1) -> dict[str, str]:
    """Data attributes for a file input, read by anju/upload-check.js: the server's limits, checked in the
    browser before sending, so that a phone on a slow line does not upload 20 MB only to be refused.

    The server checks everything again (``intake.actions``, ``matters.forms``); these only save the wait.
    """
    limit = settings.ANJU_ATTACHMENT_MAX_BYTES
    megabytes = f"{limit / (1024 * 1024):g}"
    return {
        "data-max-bytes": str(limit),
        "data-max-files": str(max_files),
        "data-types": ",".join(settings.ANJU_ATTACHMENT_TYPES),
        "data-extensions": ".jpg,.jpeg,.png,.pdf",
        # "{name}" is filled in by the script with the file's name
        "data-message-size": _("“{name}”超过大小限制（最大 %(mb)s MB），未选入。") % {"mb": megabytes},
        "data-message-type": _("“{name}”不是 JPG、PNG 图片或 PDF 文件，未选入。"),
        "data-message-count": _("最多选择 %(n)d 个文件。") % {"n": max_files},
    }
