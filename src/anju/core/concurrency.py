"""Optimistic concurrency for every object that users change: lock the row, check the version they saw.

A model that users change at the same time inherits ``Versioned``: every ``save()`` of an instance moves its
``version`` on by one. An action begins with ``lock_checked(obj, seen_version)``, inside its transaction:
the row is re-read under ``SELECT … FOR UPDATE`` (on SQLite the IMMEDIATE transaction already holds the
write lock), and if the user saw an older version the action is refused with ``Conflict`` and changes
nothing. ``seen_version=None`` means the caller did not show the object to anyone first (a command, an
automatic job): the row is still locked, the version not checked.

Pages carry the version in a hidden ``version`` field; the API reads it from the body's ``version`` or the
``If-Match`` header and answers with an ``ETag``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.errors import Conflict


class Versioned(models.Model):
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "version" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "version"]
        super().save(*args, **kwargs)


def parse_version(value) -> int | None:
    """The version a page or API client sent: an int, or None when absent. Garbage is a stale version."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip().strip('"').removeprefix("W/").strip('"')
    return int(text) if text.isascii() and text.isdigit() else -1


def lock_checked(obj, seen_version=None, *, message=None):
    """Re-read ``obj`` under a row lock and refuse with ``Conflict`` when ``seen_version`` is stale.

    Call inside the action's transaction. ``obj`` itself is re-read in place (so that a caller holding it sees
    the stored state afterwards, even after a refusal) and returned, locked."""
    obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())
    seen = parse_version(seen_version)
    if seen is not None and seen != obj.version:
        raise Conflict(message)
    return obj


def etag(obj) -> str:
    return f'"{obj.version}"'
