"""Checking an area's boundary uploaded as GeoJSON: what the offline map (``dashboard/geo.py``) can draw.

Accepted: a Polygon or MultiPolygon geometry, a Feature holding one, or a FeatureCollection of exactly one
such Feature. Coordinates are longitude, latitude (WGS 84 / GCJ-02 as the county's maps give them); each ring
closed, with at least four positions. What is stored is the bare geometry. Every refusal is a Chinese message
for the ``boundary`` field.
"""

from __future__ import annotations

import json
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BOUNDARY_BYTES = 2 * 1024 * 1024
MAX_POSITIONS = 50_000  # a village outline needs hundreds; more is a survey file, not a map outline


def _error(message: str) -> ValidationError:
    return ValidationError({"boundary": [message]})


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_ring(ring, where: str) -> int:
    if not isinstance(ring, list) or len(ring) < 4:
        raise _error(_("%(where)s的边界环至少需要 4 个坐标点（首尾相同）。") % {"where": where})
    for position in ring:
        if not isinstance(position, list) or len(position) < 2 or not all(map(_number, position[:2])):
            raise _error(_("%(where)s有坐标不是“[经度, 纬度]”形式的数字。") % {"where": where})
        lon, lat = position[0], position[1]
        if not -180 <= lon <= 180 or not -90 <= lat <= 90:
            raise _error(
                _("%(where)s有坐标超出范围（经度 -180～180，纬度 -90～90）：%(lon)s, %(lat)s。")
                % {"where": where, "lon": lon, "lat": lat}
            )
    if ring[0][:2] != ring[-1][:2]:
        raise _error(_("%(where)s的边界环没有闭合（最后一个坐标点应与第一个相同）。") % {"where": where})
    return len(ring)


def _check_polygon(rings, where: str) -> int:
    if not isinstance(rings, list) or not rings:
        raise _error(_("%(where)s没有坐标。") % {"where": where})
    return sum(_check_ring(ring, where) for ring in rings)


def _geometry(data) -> dict:
    if not isinstance(data, dict):
        raise _error(_("GeoJSON 应为一个对象（{…}）。"))
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise _error(_("FeatureCollection 中应当正好有一个要素（本区域的边界）。"))
        return _geometry(features[0])
    if kind == "Feature":
        geometry = data.get("geometry")
        if not isinstance(geometry, dict):
            raise _error(_("要素（Feature）中没有几何图形（geometry）。"))
        return _geometry(geometry)
    if kind not in ("Polygon", "MultiPolygon"):
        raise _error(
            _("几何类型“%(kind)s”不能作为边界，应为 Polygon 或 MultiPolygon。") % {"kind": str(kind)[:40]}
        )
    return {"type": kind, "coordinates": data.get("coordinates")}


def parse_boundary(raw: bytes | str) -> dict:
    """The geometry of an uploaded GeoJSON text, checked; ``ValidationError`` (field ``boundary``) if not."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BOUNDARY_BYTES:
            raise _error(_("边界文件过大（最多 2 MB）。"))
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _error(_("边界文件应为 UTF-8 编码的 GeoJSON 文本。")) from None
    if not raw.strip():
        raise _error(_("边界文件是空的。"))
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise _error(
            _("不是有效的 GeoJSON（JSON 格式错误，第 %(line)s 行）。") % {"line": exc.lineno}
        ) from None
    geometry = _geometry(data)
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        positions = _check_polygon(coordinates, _("边界"))
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise _error(_("MultiPolygon 没有坐标。"))
        positions = sum(
            _check_polygon(polygon, _("第 %(n)s 个多边形") % {"n": n})
            for n, polygon in enumerate(coordinates, start=1)
        )
    if positions > MAX_POSITIONS:
        raise _error(_("边界坐标点过多（最多 %(n)s 个），请先简化后再上传。") % {"n": MAX_POSITIONS})
    return geometry


def _in_ring(lon: float, lat: float, ring) -> bool:
    """Ray casting: whether the point lies inside one closed ring (points on an edge may count either way)."""
    inside = False
    for (x1, y1), (x2, y2) in zip((p[:2] for p in ring), (p[:2] for p in ring[1:]), strict=False):
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def _in_polygon(lon: float, lat: float, rings) -> bool:
    # the first ring is the outline; the others are holes
    if not rings or not _in_ring(lon, lat, rings[0]):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in rings[1:])


def contains_point(geometry: dict | None, lon: float, lat: float) -> bool:
    """Whether a stored boundary (a Polygon or MultiPolygon as ``parse_boundary`` returns) holds the point."""
    if not isinstance(geometry, dict):
        return False
    coordinates = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        return _in_polygon(lon, lat, coordinates)
    if geometry.get("type") == "MultiPolygon":
        return any(_in_polygon(lon, lat, polygon) for polygon in coordinates)
    return False
