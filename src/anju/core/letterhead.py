"""The letterhead of printed forms: the name of the centre that hands the paper over."""

from __future__ import annotations

from django.utils.translation import gettext as _

from anju.core.models import Unit, UnitKind


def centre_name(area) -> str:
    """The name of the nearest centre at or above ``area`` (a village has none: its town's centre acts),
    or "<area>综治中心" when none is set up on the way to the top."""
    place = area
    while place is not None:
        centre = Unit.objects.filter(kind=UnitKind.CENTRE, area=place).order_by("pk").first()
        if centre is not None:
            return centre.name
        place = place.parent
    return _("%(area)s综治中心") % {"area": area.name}
