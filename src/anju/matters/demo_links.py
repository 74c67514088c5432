"""Demo content of typed links and 复发: the chemical plant's odour complaints linked as 同源 (one company),
a land-requisition dispute that led to (引发) a petition in 白沙镇, and one archived matter reopened as a
recurrence. Made through the actions, as the county centre (``zongzhi``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from anju.core.models import Area, AreaLevel, User
from anju.matters import actions
from anju.matters.models import Matter, MatterLink
from anju.matters.workflow import Status

ODOUR_COMPANY = "宏达化工"
ODOUR_TOWN = "青山镇"
LAND_TOWN = "白沙镇"


def odour_matters():
    """The demo's complaints about the chemical plant (化工厂 odour and noise), newest first."""
    return Matter.objects.filter(
        Q(description__contains=ODOUR_COMPANY) | Q(title__contains=ODOUR_COMPANY),
        domain__code="environment_projects",
    ).order_by("-registered_at", "-pk")


def load_links_demo() -> str:
    staff = User.objects.filter(username="zongzhi").first()
    if staff is None:
        return ""
    now = timezone.now()
    made = 0
    odour = list(odour_matters()[:3])
    for other in odour[1:]:
        actions.link_matters(
            staff,
            odour[0],
            other,
            kind="same_source",
            reason="同一企业（示范县宏达化工有限公司）新生产线的异味和夜间噪音",
            now=now - dt.timedelta(days=1),
        )
        made += 1
    land = (
        Matter.objects.filter(area__path__startswith=_town_path(LAND_TOWN), domain__code="land_requisition")
        .order_by("registered_at", "pk")
        .first()
    )
    petition = (
        Matter.objects.filter(
            area__path__startswith=_town_path(LAND_TOWN), domain__code__in=("petitions", "legal_petitions")
        )
        .order_by("-registered_at", "-pk")
        .first()
    )
    if land and petition and land.pk != petition.pk:
        actions.link_matters(
            staff,
            land,
            petition,
            kind="led_to",
            reason="征地补偿标准争议未解决，村民转而集体信访",
            now=now - dt.timedelta(days=1),
        )
        made += 1
    archived = (
        Matter.objects.filter(status=Status.ARCHIVED, area__path__startswith=_town_path(ODOUR_TOWN))
        .exclude(links_out__kind="recurrence")
        .order_by("-registered_at", "-pk")
        .first()
    )
    reopened = ""
    if archived is not None:
        recurrence = actions.reopen_matter(
            staff,
            archived,
            reason="原问题再次出现，当事人再次到镇综治中心反映",
            now=now - dt.timedelta(hours=6),
        )
        reopened = f"，复发重开 {archived.number} → {recurrence.number}"
    return f"事项关联：{made} 条（{MatterLink.objects.count()} 条在库）{reopened}。"


def _town_path(name: str) -> str:
    area = Area.objects.filter(name=name, level=AreaLevel.TOWN).first()
    return area.path if area else "\0"  # no such town: matches nothing
