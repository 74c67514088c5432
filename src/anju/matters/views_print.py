"""Printable one-page forms handed over on paper: the 交办单 (assignment slip) and the 督办单 (supervision slip).

Read-only pages: the matter comes through ``get_scoped_or_404`` like the matter page, so a user sees a slip
only for a matter they may see.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from anju.core.letterhead import centre_name
from anju.core.scoping import get_scoped_or_404
from anju.matters.filters import LEDGER_RELATED
from anju.matters.models import Matter
from anju.matters.workflow import Status


def _matter(request, pk: int) -> Matter:
    request.user.require("matter.view")
    qs = Matter.objects.select_related(*LEDGER_RELATED)
    return get_scoped_or_404(request.user, qs, pk=pk)


def _assignment_note(matter: Matter) -> str:
    """The staff's note written with the latest 交办 (an internal note, printed for the responsible unit)."""
    assigned = matter.events.filter(to_status=Status.ASSIGNED).order_by("-at", "-id").first()
    if assigned is None:
        return ""
    note = matter.events.filter(kind="note", at=assigned.at).order_by("-id").first()
    return note.note if note else ""


@login_required
@require_GET
def assignment_slip(request, pk: int):
    matter = _matter(request, pk)
    return render(
        request,
        "matters/print_assignment.html",
        {
            "matter": matter,
            "centre": centre_name(matter.handling_area),
            "assignment_note": _assignment_note(matter),
            "printed_on": timezone.localdate(),
        },
    )


@login_required
@require_GET
def supervision_slip(request, pk: int):
    matter = _matter(request, pk)
    return render(
        request,
        "matters/print_supervision.html",
        {
            "matter": matter,
            "centre": centre_name(matter.handling_area),
            "notes": matter.supervision_notes.select_related("by").order_by("at", "pk"),
            "printed_on": timezone.localdate(),
        },
    )
