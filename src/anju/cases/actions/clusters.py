"""One click from a group of matters (a hotspot cluster, or a matter and its duplicate suggestions): open a
case with them, open a 专题研判 with them as its agenda, or pre-fill a warning draft about them. The case
and the meeting are made by the same actions as their own pages (``open_case``, warning's
``plan_meeting``); the warning is only pre-filled, then saved as a draft by warning's form."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.cases.actions.cases import case_event, guarded, lowest_common_area, open_case
from anju.cases.models import Case, CaseEventKind, CaseKind
from anju.core.errors import NotAllowed
from anju.warning.actions import plan_meeting
from anju.warning.models_analysis import MeetingKind

MEETING_DELAY = dt.timedelta(days=1)  # a 专题研判 is held the next working day unless moved on its page


def cluster_title(title: str) -> str:
    # a hotspot's title is its first report's "title。text": a report without a title starts with 。
    return (title or "").strip().lstrip("。，,.；;：: ").strip()[:60] or _("热点问题")


def open_case_from_cluster(actor, matters, *, title: str, now=None) -> Case:
    """建立专案: a case over the cluster's matters, led by the actor's unit, held where they all lie."""
    if actor.unit is None:
        raise NotAllowed(_("您的账号未绑定单位，不能作为牵头单位立案。"))
    return open_case(
        actor,
        title=cluster_title(title),
        kind=CaseKind.GENERAL,
        lead_unit=actor.unit,
        matters=matters,
        reason=_("由热点聚类建立专案"),
        now=now,
    )


@transaction.atomic
def open_cluster_meeting(actor, matters, *, title: str, case: Case | None = None, now=None):
    """专题研判 over the matters, planned for tomorrow at the lowest area holding them all (a case's
    meeting: at the case's area, written on its timeline)."""
    now = now or timezone.now()
    if case is not None:
        guarded(actor, case, None)
    area = case.area if case is not None else lowest_common_area([m.area for m in matters])
    meeting = plan_meeting(
        actor,
        kind=MeetingKind.TOPIC,
        area=area,
        title=_("专题研判：%(t)s") % {"t": case.title if case else cluster_title(title)},
        held_at=(now + MEETING_DELAY).replace(second=0, microsecond=0),
        agenda_matters=list(matters),
        now=now,
    )
    if case is not None:
        case_event(actor, case, CaseEventKind.MEETING, meeting.title, now)
    return meeting


def alert_prefill(matters, *, title: str, today: dt.date) -> dict:
    """The fields a warning draft about these matters starts with (the user checks them before saving)."""
    area = lowest_common_area([m.area for m in matters])
    domains = Counter(m.domain_id for m in matters if m.domain_id)
    places = "、".join(sorted({m.area.name for m in matters})[:6])
    numbers = "、".join(m.number for m in matters[:12])
    title = cluster_title(title)
    return {
        "area": area.pk if area else "",
        "domain": domains.most_common(1)[0][0] if domains else "",
        "level": "yellow",
        "headline": (_("关于“%(t)s”的风险预警") % {"t": title})[:100],
        "expected": _(
            "截至%(today)s，%(places)s等地集中反映“%(t)s”，共 %(n)s 件事项（%(numbers)s），"
            "存在矛盾叠加、群体聚集的风险。"
        )
        % {"today": today, "places": places, "t": title, "n": len(matters), "numbers": numbers},
        "measures": _(
            "一、责任单位逐件核实诉求，落实包案化解；二、做好当事人解释疏导，防止矛盾激化；"
            "三、密切关注网络舆情，发现聚集苗头及时报告。"
        ),
    }
