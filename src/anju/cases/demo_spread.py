"""Demo of risk spread (风险传导): a case in the featured town that crossed from 征地拆迁 into 信访突出问题
and on into 网络舆情 across three villages, held by a 舆情引导 measure after which nothing crossed again;
and links between earlier matters of the ledger, so that the county's domain matrix has several cells.

Runs after the county and its history (``platform_cli.load_demo_everything``). The links and the case are
written as rows here while the link and case actions are being built beside this; the measure goes through
its action."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.cases import actions
from anju.cases.models import BufferKind, Case, CaseKind
from anju.core.models import Area, AreaLevel, Domain, User
from anju.matters import actions as matter_actions
from anju.matters.models import Matter
from anju.matters.workflow import Status

CASE_TITLE = "{town}工业园区二期征地补偿专案"

# (domain, village index, days before now, title, description, people)
CHAIN = [
    (
        "land_requisition",
        0,
        78,
        "{village}三组土地征收补偿标准争议",
        "{village}三组 31 户村民对工业园区二期征地补偿标准有异议，认为青苗补偿低于邻村，要求重新评估。",
        31,
    ),
    (
        "petitions",
        1,
        64,
        "{village}村民就征地补偿联名信访",
        "{village}部分村民得知{first}补偿标准后联名到镇信访办反映，要求按同一标准补偿，并称将到县里上访。",
        18,
    ),
    (
        "petitions",
        1,
        60,
        "{village}村民再次到县信访局反映征地补偿",
        "{village}村民代表 6 人到县信访局反映征地补偿问题，称镇里答复不清。",
        6,
    ),
    (
        "online_opinion",
        2,
        55,
        "网帖称{town}征地补偿不公引发关注",
        "本地论坛出现帖子称{town}工业园区征地“补偿不公、村民上访无门”，{village}多名网民跟帖转发，浏览量上升。",
        0,
    ),
]
MEASURE_DAYS_AGO = 52

# Crossings planted between matters the ledger already holds: (from domain, to domain, link kind, how many)
LEDGER_PAIRS = [
    ("land_requisition", "petitions", "led_to", 4),
    ("social_security_wages", "petitions", "led_to", 3),
    ("environment_projects", "online_opinion", "related", 2),
    ("mass_economic_cases", "petitions", "same_source", 2),
    ("land_requisition", "rural_affairs", "related", 2),
    ("petitions", "extreme_incidents", "led_to", 1),
    ("social_security_wages", "social_security_wages", "same_source", 2),  # one employer, two villages
]
LINK_REASONS = {
    "led_to": "前一事项处理未果，当事人转而以此方式反映",
    "related": "同一项目引起的不同诉求",
    "same_source": "同一企业（项目）引起",
}
WINDOW = dt.timedelta(days=90)


def load_spread_demo(now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    staff = User.objects.filter(username="zongzhi").first()
    town_staff = User.objects.filter(username="zhen").first()
    if staff is None or town_staff is None or town_staff.area is None:
        return ""
    town = town_staff.area
    if Case.objects.filter(title=CASE_TITLE.format(town=town.name)).exists():
        return ""
    villages = list(Area.objects.filter(parent=town, level=AreaLevel.VILLAGE).order_by("code")[:3])
    if len(villages) < 3:
        return ""
    case = _case(staff, town_staff, town, villages, now)
    planted = _ledger_links(staff, now, set(case.memberships.values_list("matter_id", flat=True)))
    return (
        f"风险传导：专案 {case.code} 跨 3 个村、3 个领域，1 项隔离缓冲措施；台账中另设 {planted} 条事项关联。"
    )


def _case(staff, town_staff, town, villages, now) -> Case:
    matters = []
    for code, index, days, title, description, people in CHAIN:
        names = {"village": villages[index].name, "first": villages[0].name, "town": town.name}
        matters.append(
            matter_actions.create_matter(
                town_staff,
                kind={"petitions": "demand", "online_opinion": "hazard"}.get(code, "dispute"),
                domain=Domain.objects.get(code=code),
                area=villages[index],
                title=title.format(**names),
                description=description.format(**names),
                people_involved=people,
                is_demo=True,
                registered_at=now - dt.timedelta(days=days),
                now=now - dt.timedelta(days=days),
            )
        )
    land, petition, petition_again, online = matters
    for source, target, kind, reason in (
        (land, petition, "led_to", "邻村补偿标准差异引发联名信访"),
        (petition, petition_again, "related", "同一批村民就同一诉求再次反映"),
        (petition_again, online, "led_to", "信访答复不清后网上发帖"),
    ):
        matter_actions.link_matters(
            town_staff, source, target, kind=kind, reason=reason, now=target.registered_at
        )
    case = actions.open_case(
        town_staff,
        title=CASE_TITLE.format(town=town.name),
        kind=CaseKind.MASS,
        area=town,
        lead_unit=town_staff.unit or staff.unit,
        matters=matters,
        summary="工业园区二期征地补偿标准在三个村之间不一致，由征地争议引发联名信访，继而在网上发酵。",
        reason="同一征地项目",
        now=now - dt.timedelta(days=54),
    )
    actions.add_measure(
        staff,
        case=case,
        kind=BufferKind.OPINION_GUIDANCE,
        content="县委网信办与镇政府发布征地补偿政策解读，统一回应口径，跟踪网帖",
        owner_unit=staff.unit,
        owner_user=town_staff,
        started_at=now - dt.timedelta(days=MEASURE_DAYS_AGO),
        note="同时在镇信访办设专人接待三个村的补偿诉求。",
        now=now - dt.timedelta(days=MEASURE_DAYS_AGO),
    )
    return case


def _town_of(area: Area) -> str:
    return "/".join(area.path.split("/")[:3])


def _ledger_links(staff, now, used: set[int]) -> int:
    """Pairs of earlier matters of one town, the later in the other domain within 90 days of the first;
    the matters in ``used`` (the case's) are left alone."""
    planted = 0
    for from_code, to_code, kind, wanted in LEDGER_PAIRS:
        ledger = Matter.objects.exclude(status=Status.MERGED).select_related("area")
        sources = list(ledger.filter(domain__code=from_code).order_by("-registered_at", "pk")[:300])
        targets = list(ledger.filter(domain__code=to_code).order_by("registered_at", "pk"))
        count = 0
        for source in sources:
            if count >= wanted:
                break
            if source.pk in used:
                continue
            for target in targets:
                if target.pk in used or target.pk == source.pk:
                    continue
                gap = target.registered_at - source.registered_at
                if not (dt.timedelta(0) < gap <= WINDOW) or _town_of(target.area) != _town_of(source.area):
                    continue
                if from_code == to_code and target.area_id == source.area_id:
                    continue  # a crossing within one domain must change the area
                try:
                    matter_actions.link_matters(
                        staff,
                        source,
                        target,
                        kind=kind,
                        reason=LINK_REASONS[kind],
                        now=min(now, target.registered_at + dt.timedelta(days=1)),
                    )
                except ValidationError:  # already linked by another demo, or a pair the rules refuse
                    continue
                used.update({source.pk, target.pk})
                count += 1
                planted += 1
                break
    return planted
