"""CAP 1.2 of a published release (信息发布), with the warning app's CAP vocabulary and helpers
(``warning/cap.py``: sender, time format, category mapping, area polygon and geocodes)."""

from __future__ import annotations

from django.utils import timezone
from lxml import etree

from anju.core.textsafety import xml_safe
from anju.emergency.models import ReleaseStatus
from anju.warning.cap import ATOM_NS, CAP_NS, NotExportable, _pair, _polygon, _sub, _time, mapping, sender

# event grade → CAP severity (configuration, like the warning levels' mapping)
SEVERITY = {"extraordinary": "Extreme", "major": "Severe", "large": "Moderate", "general": "Minor"}


def release_element(release):
    if release.status != ReleaseStatus.PUBLISHED or not release.identifier:
        raise NotExportable("未发布的信息没有 CAP 形式。")
    incident = release.incident
    config = mapping()
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", release.identifier)
    _sub(root, "sender", sender())
    _sub(root, "sent", _time(release.published_at))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", "Alert")
    _sub(root, "scope", "Public")
    info = _sub(root, "info")
    _sub(info, "language", config["language"])
    _sub(info, "category", config["category"].get(incident.emergency_class, "Other"))
    _sub(info, "event", incident.get_emergency_class_display())
    _sub(info, "urgency", "Immediate")
    _sub(info, "severity", SEVERITY.get(incident.grade, "Unknown"))
    _sub(info, "certainty", "Observed")
    _sub(info, "effective", _time(release.published_at))
    _sub(info, "onset", _time(incident.occurred_at))
    _sub(info, "headline", release.title)
    _sub(info, "description", release.body)
    _pair(info, "parameter", "事件分级", incident.get_grade_display())
    area = _sub(info, "area")
    _sub(area, "areaDesc", incident.area.full_name())
    polygon = _polygon(incident.area.boundary)
    if polygon:
        _sub(area, "polygon", polygon)
    _pair(area, "geocode", "GB/T 2260", incident.area.code[:6])
    _pair(area, "geocode", "统计用区划代码", incident.area.code)
    return root


def to_cap_xml(release) -> bytes:
    return etree.tostring(release_element(release), xml_declaration=True, encoding="UTF-8", pretty_print=True)


FEED_ENTRIES = 50


def atom_feed(releases, *, feed_url: str, page_url, cap_url) -> bytes:
    """Atom 1.0 feed of published ``releases`` (public text only): each entry links to its public page
    (``page_url(release)``) and its CAP document (``cap_url(release)``)."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})

    def sub(parent, tag, text=None, **attrs):
        element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", **attrs)
        if text is not None:
            element.text = xml_safe(str(text))
        return element

    releases = [r for r in releases if r.status == ReleaseStatus.PUBLISHED and r.published_at]
    sub(feed, "id", feed_url)
    sub(feed, "title", "安居 突发事件信息发布")
    sub(feed, "updated", _time(max((r.published_at for r in releases), default=timezone.now())))
    sub(feed, "link", href=feed_url, rel="self")
    author = sub(feed, "author")
    sub(author, "name", "anju")
    for release in releases:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:anju:release:{release.identifier or release.pk}")
        sub(entry, "title", release.title)
        sub(entry, "updated", _time(release.published_at))
        sub(entry, "summary", release.body)
        sub(entry, "link", href=page_url(release), rel="alternate", type="text/html")
        sub(entry, "link", href=cap_url(release), rel="alternate", type="application/cap+xml")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
