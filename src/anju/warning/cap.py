"""OASIS Common Alerting Protocol 1.2 export of issued warnings, and an Atom feed of current ones.

Chinese-specific content travels in ``parameter`` (预警级别, 预警颜色, 风险领域) and the area's division
code in ``geocode`` (GB/T 2260 six-digit code, and the full 12-digit statistical code).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from lxml import etree

from anju.core.textsafety import xml_safe
from anju.warning.models import AlertStatus

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
MAPPING_FILE = Path(__file__).with_name("data") / "cap_mapping.json"


class NotExportable(ValueError):
    """A draft (or otherwise unsent) warning has no CAP form."""


@lru_cache(maxsize=1)
def mapping() -> dict:
    return json.loads(MAPPING_FILE.read_text(encoding="utf-8"))


def _time(value) -> str:
    """CAP wants local time with an explicit offset and no fractional seconds."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _sub(parent, tag: str, text=None):
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        element.text = xml_safe(str(text))  # a control character stored earlier must not break the file
    return element


def _pair(parent, tag: str, name: str, value: str) -> None:
    element = _sub(parent, tag)
    _sub(element, "valueName", name)
    _sub(element, "value", value)


def sender() -> str:
    return f"anju@{mapping()['sender_domain']}"


def _polygon(boundary: dict | None) -> str | None:
    """The outer ring of a GeoJSON Polygon/MultiPolygon as CAP "lat,lon" pairs (first = last)."""
    if not boundary:
        return None
    geometry = boundary.get("geometry", boundary)
    coords = geometry.get("coordinates")
    if geometry.get("type") == "MultiPolygon" and coords:
        coords = coords[0]
    if geometry.get("type") not in ("Polygon", "MultiPolygon") or not coords:
        return None
    ring = coords[0]
    if len(ring) < 4:
        return None
    if ring[0] != ring[-1]:
        ring = [*ring, ring[0]]
    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in ring)


def alert_element(alert):
    if alert.status == AlertStatus.DRAFT or not alert.identifier or not alert.issued_at:
        raise NotExportable("草稿预警尚未发布，不能导出 CAP。")
    config = mapping()
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", sender())
    _sub(root, "sent", _time(alert.issued_at))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", "Restricted")
    _sub(root, "restriction", "仅限接收单位内部使用")
    if alert.note:
        _sub(root, "note", alert.note)
    if alert.references_id:
        ref = alert.references
        _sub(root, "references", f"{sender()},{ref.identifier},{_time(ref.issued_at)}")
    info = _sub(root, "info")
    _sub(info, "language", config["language"])
    _sub(info, "category", config["category"].get(alert.domain.emergency_class, "Other"))
    _sub(info, "event", f"{alert.domain.name}风险预警")
    _sub(info, "responseType", "AllClear" if alert.msg_type == "Cancel" else "Prepare")
    _sub(info, "urgency", "Past" if alert.msg_type == "Cancel" else alert.urgency)
    _sub(info, "severity", config["severity"][alert.level])
    _sub(info, "certainty", alert.certainty)
    _sub(info, "effective", _time(alert.issued_at))
    _sub(info, "onset", _time(alert.onset))
    if alert.expires:
        _sub(info, "expires", _time(alert.expires))
    _sub(info, "senderName", alert.issuing_unit.name)
    _sub(info, "headline", alert.headline)
    _sub(info, "description", alert.expected)
    _sub(info, "instruction", alert.measures)
    _pair(info, "parameter", "预警级别", config["level_names"][alert.level])
    _pair(info, "parameter", "预警颜色", config["colour_names"][alert.level])
    _pair(info, "parameter", "风险领域", alert.domain.name)
    _pair(
        info, "parameter", "接收单位", "、".join(r.unit.name for r in alert.recipients.select_related("unit"))
    )
    area = _sub(info, "area")
    _sub(area, "areaDesc", alert.area.full_name())
    polygon = _polygon(alert.area.boundary)
    if polygon:
        _sub(area, "polygon", polygon)
    _pair(area, "geocode", "GB/T 2260", alert.area.code[:6])
    _pair(area, "geocode", "统计用区划代码", alert.area.code)
    return root


def to_cap_xml(alert) -> bytes:
    return etree.tostring(alert_element(alert), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def atom_feed(alerts, *, feed_url: str, alert_url) -> bytes:
    """Atom 1.0 feed of ``alerts``; each entry links to its CAP document (``alert_url(alert)``)."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})

    def sub(parent, tag, text=None, **attrs):
        element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", **attrs)
        if text is not None:
            element.text = xml_safe(str(text))
        return element

    sub(feed, "id", feed_url)
    sub(feed, "title", "安居 当前预警")
    alerts = list(alerts)
    sub(feed, "updated", _time(max((a.issued_at for a in alerts), default=timezone.now())))
    sub(feed, "link", href=feed_url, rel="self")
    author = sub(feed, "author")
    sub(author, "name", "anju")
    for alert in alerts:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:anju:alert:{alert.identifier}")
        sub(entry, "title", f"[{alert.get_level_display()}] {alert.headline}")
        sub(entry, "updated", _time(alert.issued_at))
        sub(entry, "summary", alert.expected)
        sub(entry, "link", href=alert_url(alert), rel="alternate", type="application/cap+xml")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
