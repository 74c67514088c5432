"""Offline map: the scope's areas drawn as SVG from their own boundary GeoJSON (or centroids).

No tiles, no CDN: an equirectangular projection scaled by cos(latitude) is accurate enough at county scale.
"""

from __future__ import annotations

import math

WIDTH = 640


def _rings(boundary: dict | None) -> list[list[list[float]]]:
    if not boundary:
        return []
    geometry = boundary.get("geometry", boundary)
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coords[0]] if coords else []
    if kind == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []


def project(areas, values: dict[int, dict]) -> dict:
    """SVG geometry for ``areas``; ``values[area.pk]`` carries fill colour, label and link per area."""
    points = []
    for area in areas:
        for ring in _rings(area.boundary):
            points.extend(ring)
        if area.longitude is not None and area.latitude is not None:
            points.append([area.longitude, area.latitude])
    if not points:
        return {"empty": True}
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * k, 1e-6)
    span_y = max(max_lat - min_lat, 1e-6)
    scale = (WIDTH - 20) / span_x
    height = span_y * scale + 20

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return 10 + (lon - min_lon) * k * scale, 10 + (max_lat - lat) * scale

    shapes = []
    for area in areas:
        info = values.get(area.pk, {})
        paths = []
        for ring in _rings(area.boundary):
            coords = [xy(lon, lat) for lon, lat in ring]
            paths.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + " Z")
        label_at = None
        if area.longitude is not None and area.latitude is not None:
            label_at = xy(area.longitude, area.latitude)
        elif paths:
            ring = _rings(area.boundary)[0]
            label_at = xy(sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
        shapes.append(
            {
                "area": area,
                "path": " ".join(paths),
                "x": label_at[0] if label_at else None,
                "y": label_at[1] if label_at else None,
                **info,
            }
        )
    return {"empty": False, "width": WIDTH, "height": round(height, 1), "shapes": shapes}
