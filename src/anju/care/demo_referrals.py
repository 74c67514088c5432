"""Demo of referrals (转介): a directory of six service units across the five kinds, referrals of parties of
青山镇's matters in every state (one to 社会心理服务 accepted with its outcome), and citizens' ratings of
resolved demo requests on the status page.

Runs after the county and its history (``platform_cli.load_demo_everything``); every step goes through the
actions, as the demo's users would take it, at the time it would have happened."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from anju.care import actions
from anju.care.models import Referral, ServiceUnit
from anju.core import actions as core_actions
from anju.core.models import Area, AreaLevel, Unit, UnitKind, User
from anju.core.roles import Role
from anju.intake import actions as intake_actions
from anju.intake.models import Report, SatisfactionRating
from anju.matters.models import Matter
from anju.matters.workflow import Status

DEMO_PASSWORD = "anju-demo-county"  # nosec B105 — the public demo password (demo.organisation)
COUNSELLING_UNIT = "县社会心理服务指导中心"

# (name ({town}: the featured town's name), kind, area: "county" or "town", linked unit: "own" (a unit of its
# own), or the unit of the demo user named, or None (not linked), contact position, office phone)
SERVICES = [
    (COUNSELLING_UNIT, "counselling", "county", "own", "值班心理咨询师", "0571-86001234"),
    ("县法律援助中心", "legal_aid", "county", "county_justice", "法律援助值班律师", "0571-86002345"),
    ("{town}社会救助服务站", "assistance", "town", None, "民政协理员", "0571-86003456"),
    ("{town}就业服务站", "employment", "town", "bumen", "就业指导员", "0571-86004567"),
    ("县人民医院心理卫生科", "medical", "county", None, "门诊护士站", "0571-86005678"),
    ("{town}未成年人心理辅导站", "counselling", "town", None, "辅导站社工", ""),
]

RATING_COMMENTS = {
    "satisfied": ["工作人员很负责，问题解决了。", "处理及时，谢谢！", ""],
    "basically": ["结果还可以，就是等的时间长了点。", ""],
    "unsatisfied": ["问题只解决了一部分，希望继续跟进。"],
}


def _services(admin, county: Area, town: Area) -> dict[str, ServiceUnit]:
    unit = Unit.objects.filter(name=COUNSELLING_UNIT, area=county).first() or core_actions.create_unit(
        None, name=COUNSELLING_UNIT, kind=UnitKind.DEPARTMENT, area=county
    )
    if not User.objects.filter(username="xinli").exists():
        core_actions.create_user(
            None,
            username="xinli",
            password=DEMO_PASSWORD,
            role=Role.DEPARTMENT_OFFICER,
            area=county,
            unit=unit,
            display_name="心理服务中心社工",
        )
    out = {}  # by kind; the second unit of a kind by its name
    for name, kind, level, link, position, phone in SERVICES:
        area = county if level == "county" else town
        if link == "own":
            linked = unit
        else:
            member = User.objects.filter(username=link).select_related("unit").first() if link else None
            linked = member.unit if member is not None else None
        name = name.format(town=town.name)
        existing = ServiceUnit.objects.filter(name=name, area=area).first()
        key = name if kind in out else kind
        out[key] = existing or actions.create_service(
            admin,
            name=name,
            kind=kind,
            area=area,
            unit=linked,
            contact_position=position,
            contact_phone=phone,
        )
    return out


def _matters_with_people(town: Area, count: int) -> list[Matter]:
    """Recent matters of the town with a person (not an organisation) among their parties."""
    matters = (
        Matter.objects.filter(area__path__startswith=town.path, parties__is_organisation=False)
        .exclude(status__in=(Status.MERGED, Status.REJECTED))
        .order_by("-registered_at")
        .distinct()
    )
    return list(matters[:count])


def _referrals(services: dict, sender: User, now: dt.datetime, town: Area) -> int:
    xinli = User.objects.get(username="xinli")
    justice = User.objects.filter(username="county_justice").first()
    bumen = User.objects.filter(username="bumen").first()
    matters = _matters_with_people(town, 6)
    if len(matters) < 6:
        return 0

    def refer(matter, service, days_ago, purpose, method="oral"):
        party = matter.parties.filter(is_organisation=False).order_by("pk").first()
        return actions.send_referral(
            sender,
            matter,
            party=party,
            service_unit=services[service],
            purpose=purpose,
            consent=True,
            consent_method=method,
            consent_note="调解时当面说明转介用途，当事人同意提供联系电话",
            now=now - dt.timedelta(days=days_ago),
        )

    def day(days_ago):
        return now - dt.timedelta(days=days_ago)

    # 社会心理服务: accepted, served, closed
    served = refer(
        matters[0],
        "counselling",
        40,
        "当事人因纠纷长期失眠、情绪低落，调解中多次流露轻生念头，需要专业心理疏导",
    )
    actions.accept_referral(xinli, served, now=day(39))
    actions.record_outcome(
        xinli,
        served,
        outcome="已开展四次心理疏导，情绪明显平稳，睡眠改善；建议社区继续关注，一个月后回访",
        outcome_on=day(12).date(),
        now=day(12),
    )
    actions.close_referral(sender, served, note="服务已完成", now=day(10))
    # 社会心理服务: waiting in the centre's inbox
    refer(matters[1], "counselling", 2, "当事人家属反映其近期情绪激动，需评估心理状况", method="phone")
    # 就业服务: accepted, its outcome recorded, not closed yet
    if bumen is not None:
        employment = refer(matters[2], "employment", 15, "当事人被拖欠工资后失业，希望推荐就业岗位")
        actions.accept_referral(bumen, employment, now=day(14))
        actions.record_outcome(
            bumen,
            employment,
            outcome="已推荐两个本镇企业岗位，当事人已到其中一家面试，等待录用结果",
            outcome_on=day(3).date(),
            now=day(3),
        )
    # 法律援助: declined by the county's justice bureau (the sender has not closed it yet)
    if justice is not None:
        legal = refer(
            matters[3], "legal_aid", 20, "当事人经济困难，需申请法律援助提起劳动仲裁", method="written"
        )
        actions.decline_referral(
            justice, legal, reason="经审查当事人可由镇司法所提供法律服务，建议转镇司法所", now=day(18)
        )
    # 社会救助/帮扶 (not linked): the sender records the service's answer given by phone
    assistance = refer(matters[4], "assistance", 8, "家庭困难，申请临时救助")
    actions.accept_referral(sender, assistance, now=day(6))
    # 医疗 (not linked): sent, not yet answered
    refer(matters[5], "medical", 1, "心理服务中心建议到医院进一步评估")
    return Referral.objects.count()


def _ratings(now: dt.datetime, rng: random.Random) -> int:
    """Citizens rate some resolved demo requests a few days after resolution (about 6 in 10 满意)."""
    reports = list(
        Report.objects.filter(
            matter__status__in=(Status.RESOLVED, Status.FOLLOWED_UP, Status.ARCHIVED),
            matter__resolved_at__gte=now - dt.timedelta(days=120),
            satisfaction_rating__isnull=True,
        )
        .select_related("matter")
        .order_by("-matter__resolved_at")[:60]
    )
    for report in reports[::3]:  # one in three citizens rates
        rating = rng.choices(("satisfied", "basically", "unsatisfied"), weights=(6, 3, 1))[0]
        at = min(report.matter.resolved_at + dt.timedelta(days=rng.randint(1, 6)), now)
        intake_actions.rate_handling(
            report.receipt_code, rating=rating, comment=rng.choice(RATING_COMMENTS[rating]), now=at
        )
    return SatisfactionRating.objects.count()


def load_referrals_demo(now: dt.datetime | None = None, seed: int = 16) -> str:
    now = now or timezone.now()
    admin = User.objects.filter(username="admin").first()
    sender = User.objects.filter(username="zhen").first()
    county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("path").first()
    town = sender.area if sender is not None else None  # the featured town (青山镇), of its centre's staff
    if admin is None or sender is None or county is None or town is None or town.level != AreaLevel.TOWN:
        return ""
    services = _services(admin, county, town)
    referrals = (
        _referrals(services, sender, now, town) if not Referral.objects.exists() else Referral.objects.count()
    )
    # run twice, the demo rates nothing more
    rng = random.Random(seed)  # synthetic demo data, reproducible by seed  # nosec B311
    ratings = SatisfactionRating.objects.count() or _ratings(now, rng)
    return f"转介：{len(services)} 个服务机构，{referrals} 件转介；群众评价 {ratings} 件。"
