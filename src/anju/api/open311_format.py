"""Open311 GeoReport v2 answers: JSON and XML bodies with the specification's element names, errors, and
placing a request's position in an area of the county.

XML follows the specification's examples: a list is a root element (``services``, ``service_requests``,
``errors``…) of one element per item (``service``, ``request``, ``error``); a list value such as a service
definition's ``attributes`` or ``values`` is an element of child elements; ``true``/``false`` in lower case;
an empty value is an empty element.
"""

from __future__ import annotations

import json
import math
from xml.etree import ElementTree  # builds the answers only; nothing is parsed  # nosec B405

from django.conf import settings
from django.http import HttpResponse

from anju.core.geojson import contains_point
from anju.core.models import Area

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# the element of one item of each list root, as the specification names them
ITEM_ELEMENTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
EARTH_RADIUS_KM = 6371.0


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(name: str, value) -> ElementTree.Element:
    element = ElementTree.Element(name)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        item_name = ITEM_ELEMENTS.get(name, "item")
        for item in value:
            element.append(_element(item_name, item))
    else:
        element.text = _text(value)
    return element


def to_xml(root: str, value) -> bytes:
    body = ElementTree.tostring(_element(root, value), encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def answer(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    """``value`` as JSON, or as XML under the element ``root`` (a list root names its items itself)."""
    if fmt == "xml":
        body = to_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, descriptions) -> HttpResponse:
    """The specification's error answer: a list of ``{code, description}`` with the HTTP status."""
    if isinstance(descriptions, str):
        descriptions = [descriptions]
    items = [{"code": status, "description": str(d)} for d in descriptions]
    return answer(fmt, "errors", items, status=status)


# --- where a request lies ---------------------------------------------------------------------------------------
def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def place(within: Area | None, lat: float | None, lon: float | None, address: str) -> Area | None:
    """The area of ``within``'s subtree a request lies in.

    By position: the deepest area whose boundary holds the point; else the area whose centre is nearest,
    if it is within ``ANJU_OPEN311_NEAREST_KM``. Else by the address: the deepest area whose name the
    address contains (the longest name wins, so 东一村第一网格 before 东一村). None when nothing fits."""
    areas = Area.objects.all() if within is None else Area.objects.subtree(within)
    if lat is not None and lon is not None:
        bounded = areas.filter(boundary__isnull=False).only("id", "level", "boundary", "path", "name")
        holding = [a for a in bounded if contains_point(a.boundary, lon, lat)]
        if holding:
            return max(holding, key=lambda a: (a.level, a.path))
        nearest, best = None, float(settings.ANJU_OPEN311_NEAREST_KM)
        for area in areas.exclude(latitude=None).exclude(longitude=None):
            distance = _distance_km(lat, lon, area.latitude, area.longitude)
            if distance <= best:
                nearest, best = area, distance
        if nearest is not None:
            return nearest
    address = (address or "").strip()
    if address:
        named = [a for a in areas.only("id", "level", "name", "path") if a.name and a.name in address]
        if named:
            return max(named, key=lambda a: (len(a.name), a.level))
    return None
