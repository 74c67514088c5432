"""Public information release (信息发布): draft, then publish after approval. The text is written for the
public; nothing else of the incident reaches the public page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.permissions import require
from anju.emergency.models import LogEntry, Release, ReleaseStatus

RELEASE_FIELDS = ("title", "body", "status", "identifier", "published_at")


@transaction.atomic
def draft_release(actor, incident, *, title, body, now=None) -> Release:
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写标题。")
    if not (body or "").strip():
        errors["body"] = _("请填写发布内容。")
    if errors:
        raise ValidationError(errors)
    release = Release.objects.create(
        incident=incident, title=title.strip(), body=body.strip(), drafted_by=actor, drafted_at=now
    )
    audit.record(
        actor,
        "emergency.release_draft",
        release,
        after=audit.snapshot(release, RELEASE_FIELDS),
        area=incident.area,
    )
    return release


@transaction.atomic
def publish_release(actor, release: Release, *, seen_version=None, now=None) -> Release:
    """审核发布: the release goes to the public page and gets its CAP identifier."""
    now = now or timezone.now()
    require(actor, "emergency.approve", release)
    lock_checked(release, seen_version)
    if release.status != ReleaseStatus.DRAFT:
        raise WorkflowError(_("该信息已发布。"))
    before = audit.snapshot(release, RELEASE_FIELDS)
    release.status = ReleaseStatus.PUBLISHED
    release.published_by = actor
    release.published_at = now
    release.identifier = f"anju-emergency-{release.incident.area.code}-{release.pk}"
    release.save()
    LogEntry.objects.create(
        incident=release.incident, at=now, by=actor, text=_("对外发布信息：%(t)s") % {"t": release.title}
    )
    audit.record(
        actor,
        "emergency.release_publish",
        release,
        before=before,
        after=audit.snapshot(release, RELEASE_FIELDS),
        area=release.incident.area,
    )
    return release
