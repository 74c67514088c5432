"""Demo 排查 on whatever county is loaded: the rounds of the last ~3 months with their returns.

Most areas filed (a few late, a few missing), most as zero reports, some with matters registered into the
ledger. Everything goes through ``screening.actions`` (the same checks as users get). Call
``load_screening_demo()`` after the demo county exists.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from anju.core.models import Area, AreaLevel, Domain, User
from anju.core.roles import roles_with
from anju.core.scoping import in_scope
from anju.screening import actions, ledger
from anju.screening.models import Return, Round

MONTHS_BACK = 3
FILED_SHARE = 0.9  # of the areas, in a round whose due date has passed
LATE_SHARE = 0.12  # of those filed
WITH_MATTERS_SHARE = 0.12  # of those filed

# (domain code, kind, title, description, people, amount)
FINDINGS = [
    (
        "social_security_wages",
        "dispute",
        "工地拖欠务工人员工资",
        "某工地包工头拖欠本村务工人员工资，工人多次讨要未果。",
        9,
        68000,
    ),
    (
        "land_requisition",
        "dispute",
        "征地补偿款分配争议",
        "村民小组对征地补偿款分配方案有异议，部分村民情绪激动。",
        15,
        0,
    ),
    ("rural_affairs", "dispute", "承包地边界纠纷", "两户村民因承包地边界发生争执，多次口角。", 2, 0),
    (
        "transport",
        "hazard",
        "村道急弯缺少警示标志",
        "村道急弯处无警示标志和护栏，夜间通行存在安全隐患。",
        0,
        0,
    ),
    ("education", "hazard", "校门口上下学交通拥堵", "上下学时段校门口车辆乱停，学生通行存在隐患。", 0, 0),
    ("health", "demand", "村卫生室缺少常用药品", "群众反映村卫生室常用慢性病药品经常缺货。", 20, 0),
    ("petitions", "demand", "多次来访反映宅基地审批", "村民多次到镇反映宅基地审批进度慢。", 1, 0),
    ("environment_projects", "hazard", "养殖场异味扰民", "村内养殖场异味较大，周边群众有意见。", 30, 0),
]


def _filer(area: Area, county_staff: User) -> User:
    local = User.objects.filter(area=area, is_active=True, role__in=roles_with("screening.file")).first()
    return local or county_staff


def _aware(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59))))


def _lines(rng: random.Random, domains: dict[str, Domain], ledger_found: dict, new: bool) -> list[dict]:
    """Every covered domain: the ledger's matters of the period listed, and (``new``) a finding or two."""
    chosen = rng.sample(FINDINGS, k=rng.choice([1, 1, 2])) if new else []
    found = {}
    for code, kind, title, description, people, amount in chosen:
        if code in domains:
            found.setdefault(code, []).append(
                {
                    "kind": kind,
                    "title": title,
                    "description": description,
                    "people_involved": people,
                    "amount_involved": amount,
                }
            )
    return [
        {
            "domain": d,
            "nothing_found": code not in found and not ledger_found.get(d.pk),
            "matters": found.get(code, []),
            "existing": ledger_found.get(d.pk, []),
        }
        for code, d in domains.items()
    ]


def _file(round_: Round, ret: Return, when: dt.datetime, rng: random.Random, county_staff, domains) -> None:
    """File one return as its filer would: the matters the ledger holds for the period are listed (the
    cross-check refuses a 无 over them), a few returns register new findings, the rest are zero reports."""
    if ret.department_id:
        actor = _department_filer(ret, county_staff)
    else:
        actor = _filer(ret.area, county_staff)
    if not in_scope(actor, ret.area):
        return
    covered = {d.code: d for d in ledger.covered_domains(ret)}
    ledger_found = ledger.candidates(ret, list(covered.values()))
    new = not ret.department_id and set(covered) == set(domains) and rng.random() < WITH_MATTERS_SHARE
    who = {"department": ret.department} if ret.department_id else {"area": ret.area}
    if ledger_found or new:
        lines = _lines(rng, covered, ledger_found, new)
        actions.file_return(actor, round_, **who, lines=lines, now=when, is_demo=True)
    else:
        actions.file_return(actor, round_, **who, zero_report=True, now=when, is_demo=True)


def _department_filer(ret: Return, county_staff: User) -> User:
    """The unit's own officer, else the town centre filing on its behalf (demo officers have no password)."""
    local = User.objects.filter(unit=ret.department, is_active=True, role__in=roles_with("screening.file"))
    return local.first() or county_staff


def load_screening_demo(today: dt.date | None = None, seed: int = 2024) -> str:
    """Open and fill the rounds of the last ``MONTHS_BACK`` months; return a one-line summary."""
    today = today or timezone.localdate()
    if Round.objects.filter(is_demo=True).exists():
        return "排查演示数据已存在。"
    county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("code").first()
    if county is None:
        return "没有县级区域，跳过排查演示数据。"
    county_staff = (
        User.objects.filter(area=county, role__in=roles_with("screening.manage")).order_by("id").first()
    )
    rng = random.Random(seed)  # synthetic demo data, reproducible by seed  # nosec B311
    domains = {d.code: d for d in Domain.objects.filter(active=True)}
    now = timezone.now()
    with transaction.atomic():
        months = today.year * 12 + today.month - 1 - MONTHS_BACK
        start = dt.date(months // 12, months % 12 + 1, 1)
        days = []
        day = start
        while day <= today:
            days.append(day)
            day = (
                day.replace(day=16)
                if day.day == 1
                else (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            )
        for day in days:
            for round_ in actions.open_due_rounds(day):
                Round.objects.filter(pk=round_.pk).update(is_demo=True)
                current = round_.due_date >= today
                for ret in round_.returns.select_related("area").order_by("area__path"):
                    if current:
                        # the running round: some have filed already
                        if round_.period_start >= today or rng.random() > 0.45:
                            continue
                        when = min(now, _aware(rng.choice([round_.period_start, today]), rng))
                    elif rng.random() > FILED_SHARE:
                        continue  # missing
                    elif rng.random() < LATE_SHARE:
                        when = _aware(round_.due_date + dt.timedelta(days=rng.randint(1, 6)), rng)
                    else:
                        offset = rng.randint(-2, (round_.due_date - round_.period_end).days)
                        when = _aware(round_.period_end + dt.timedelta(days=offset), rng)
                    _file(round_, ret, min(when, now), rng, county_staff, domains)
        actions.open_due_rounds(today)  # closes the rounds long past due
        reminders = actions.send_reminders(today)
    rounds = Round.objects.filter(is_demo=True).count()
    returns = Return.objects.filter(round__is_demo=True, filed_at__isnull=False)
    filed, late = returns.count(), returns.filter(late=True).count()
    return f"排查：{rounds} 轮，报送 {filed} 份（逾期 {late} 份），提醒 {reminders} 条。"
