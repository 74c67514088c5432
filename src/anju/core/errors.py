"""The errors every app's actions raise, and the one mapping of them to HTTP status codes.

Actions raise Django's ``ValidationError`` for bad input (field → message), and these for refusals:

- ``WorkflowError``: the object's state does not allow the action now (409);
- ``NotAllowed``: the actor's role or scope does not allow it (403);
- ``Conflict``: the object changed since the user saw it — a stale version (409).

``NotAllowed`` and ``Conflict`` are ``WorkflowError`` subclasses, so code that catches ``WorkflowError`` to
show a refusal next to a form keeps working. Pages and API use ``http_status`` so that one refusal answers
the same code everywhere.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class WorkflowError(ValidationError):
    """An action that the object's current state does not allow; nothing was changed."""


class NotAllowed(WorkflowError):
    """An action that the actor's role or scope does not allow; nothing was changed."""


class Conflict(WorkflowError):
    """The object was changed by someone else since the user loaded it; nothing was changed."""

    default_message = _("该事项已被他人修改，请刷新后重试。")

    def __init__(self, message=None, *args, **kwargs):
        super().__init__(message or self.default_message, *args, **kwargs)


def http_status(exc: Exception) -> int:
    """The HTTP status a refusal answers with, the same for pages and API."""
    if isinstance(exc, NotAllowed):
        return 403
    if isinstance(exc, WorkflowError):  # Conflict included
        return 409
    if isinstance(exc, ValidationError):
        return 422
    return 400
