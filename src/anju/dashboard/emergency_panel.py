"""What the overview (态势) shows of emergency work: incidents not yet ended, resource alerts, and the
resources drawn on the map as a layer (at their area's point: resources carry no coordinates of their own)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from anju.core.scoping import scoped
from anju.emergency import queries
from anju.emergency.models import Incident, Material, ResponseStatus, Shelter, Team

OPEN_INCIDENT_ROWS = 10


def panel(user, today: dt.date) -> dict:
    """Context for ``dashboard/_emergency.html``."""
    incidents = scoped(user, Incident).exclude(response_status=ResponseStatus.ENDED)
    materials = scoped(user, Material)
    return {
        "emergency": {
            "incidents": list(incidents.select_related("area")[:OPEN_INCIDENT_ROWS]),
            "incident_count": incidents.count(),
            "active_count": incidents.filter(response_status=ResponseStatus.ACTIVE).count(),
            "low_stock": queries.low_stock(materials).count(),
            "expiring": queries.expiring(today, materials).count(),
            "teams": scoped(user, Team).count(),
            "shelters": scoped(user, Shelter).count(),
        }
    }


# kind → (offset from the area's point in SVG units, so that the three kinds of one area do not overlap)
LAYER_KINDS = {"team": (-9, 12), "material": (0, 12), "shelter": (9, 12)}


def resource_layer(user, shapes: list[dict]) -> list[dict]:
    """One marker per (drawn area, kind of resource): the resources of an area and of the areas below it that
    the map does not draw, at the deepest drawn area containing them. Resources outside every drawn area are
    left out (the resources page lists them all)."""
    drawn = sorted(
        (s for s in shapes if s.get("x") is not None), key=lambda s: len(s["area"].path), reverse=True
    )
    if not drawn:
        return []
    labels = {"team": _("应急队伍"), "material": _("物资储备点"), "shelter": _("避难场所")}
    sources = (  # a material's marker names its storage sites (物资储备点), each once
        ("team", scoped(user, Team).values_list("name", "area__path")),
        ("material", scoped(user, Material).order_by().values_list("site", "area__path").distinct()),
        ("shelter", scoped(user, Shelter).values_list("name", "area__path")),
    )
    markers: dict[tuple[int, str], dict] = {}
    for kind, rows in sources:
        for name, path in rows:
            shape = next((s for s in drawn if path.startswith(s["area"].path)), None)
            if shape is None:
                continue
            dx, dy = LAYER_KINDS[kind]
            marker = markers.setdefault(
                (shape["area"].pk, kind),
                {
                    "kind": kind,
                    "label": labels[kind],
                    "area": shape["area"],
                    "x": shape["x"] + dx,
                    "y": shape["y"] + dy,
                    "names": [],
                },
            )
            if name not in marker["names"]:
                marker["names"].append(name)
    return sorted(markers.values(), key=lambda m: (m["area"].path, m["kind"]))
