"""Template context: the navigation a user's role allows, and the unread count for the bell."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from anju.core.notifications import unread_count

# (url name, label, permission needed or None). Entries whose URL is not installed are skipped, so a
# capability adds itself to the menu just by providing the URL name.
NAV = [
    ("dashboard:home", _("工作台"), None),
    ("intake:new", _("诉求登记"), "report.create"),
    ("intake:list", _("诉求"), "report.view"),
    ("matters:ledger", _("事项台账"), "matter.view"),
    ("matters:supervision", _("督办"), "matter.view"),
    ("matters:coordination", _("协办协调"), "matter.view"),
    ("matters:accountability", _("问责"), "accountability.view"),
    ("screening:index", _("排查"), None),
    ("assessment:index", _("稳评"), None),
    ("warning:signals", _("预警信号"), None),
    ("warning:index", _("预警"), None),
    ("warning:meetings", _("研判"), "analysis.view"),
    ("emergency:index", _("应急"), "emergency.view"),
    ("care:index", _("关爱"), "care.view"),
    ("cases:index", _("专案"), "cases.view"),
    ("intake:hotspots", _("热点"), None),
    ("cases:opinion_list", _("舆情应对"), "cases.opinion"),
    ("cases:spread", _("风险传导"), "cases.view"),
    ("reports:index", _("报表"), None),
    ("dashboard:index", _("态势"), None),
    ("core:audit", _("审计"), "audit.view"),
    ("core:manage", _("管理"), "admin.manage"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for name, label, permission in NAV:
        if permission and not user.can(permission):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": False})
    # The active entry is the one with the longest URL that prefixes the current path.
    matching = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
