"""Small display helpers for matter pages: level badges, status and event labels, sort links."""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext as _

from anju.matters.risk import current_matrix
from anju.matters.workflow import Status

register = template.Library()

EVENT_LABELS = {
    "registered": "登记",
    "assessed": "研判定级",
    "residual_assessed": "措施后风险",
    "assigned": "交办",
    "started": "开始化解",
    "resolved": "化解办结",
    "followed_up": "回访",
    "archived": "归档",
    "escalated": "上报",
    "returned": "退回",
    "merged": "合并",
    "merge_received": "并入",
    "rejected": "不予受理",
    "mediation": "调解",
    "supervised": "督办",
    "note": "备注",
    "black_swan": "黑天鹅研判",
    "grey_rhino": "灰犀牛",
    "party_added": "当事人",
}
# First click on a column sorts in its most useful direction.
FIRST_DIRECTION = {"registered": "-registered", "deadline": "deadline", "level": "-level", "number": "number"}


@register.simple_tag
def level_badge(code: str, prefix: str = ""):
    level = current_matrix().levels.get(code or "")
    if level is None:
        return format_html('<span class="badge">{}</span>', _("未研判"))
    return format_html('<span class="badge level-{}">{}{}</span>', level.code, prefix, level.label)


@register.filter
def status_label(code: str) -> str:
    return Status(code).label if code in Status.values else (code or "")


@register.filter
def event_label(kind: str) -> str:
    return _(EVENT_LABELS[kind]) if kind in EVENT_LABELS else kind


@register.simple_tag
def sort_link(query: str, current: str, key: str, label: str):
    """A column header link that sorts by ``key``, toggling the direction when it is already the sort."""
    if current == key:
        target, arrow = f"-{key}", " ▲"
    elif current == f"-{key}":
        target, arrow = key, " ▼"
    else:
        target, arrow = FIRST_DIRECTION.get(key, key), ""
    params = QueryDict(query, mutable=True)
    params["sort"] = target
    return format_html('<a href="?{}" class="sort">{}{}</a>', params.urlencode(), label, arrow)
