"""Demo content of care (关心关爱): care plans for parties of a few open 较高/最高 matters, with visits made and
visits to come (one overdue, so the daily job has something to remind), need markers on some parties, a few
purpose-bound reveals in the audit log, and one run of the daily job. Written through care's actions."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from anju.care import actions
from anju.care.forms import care_person_candidates
from anju.care.models import CarePlan
from anju.core.models import User
from anju.core.roles import Role
from anju.matters.models import Matter

HIGH_UP = Q(residual_level__in=("high", "critical")) | Q(
    residual_level="", inherent_level__in=("high", "critical")
)
PREFERRED = (Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CENTRE_STAFF)
REASONS = (
    "工资长期拖欠，家庭收入中断，需定期走访了解生活和追讨进展",
    "当事人情绪波动较大，调解期间需专人联系、做好疏导",
    "家中有老人需要照顾，化解后持续回访，防止矛盾反复",
    "外地来务工人员，返乡前需跟进款项兑现情况",
)
VISIT_NOTES = (
    "上门走访，当事人情绪平稳，已告知调解进展",
    "电话回访，已领到部分款项，对处理进度基本满意",
    "与村委会一起走访，了解家庭困难情况，建议申请临时救助",
)
NEEDS = (["elderly", "hardship"], ["counselling"], ["migrant_worker"], [])


def _care_person(matter: Matter):
    candidates = list(care_person_candidates(matter))
    for role in PREFERRED:
        for user in candidates:
            if user.role == role:
                return user
    return candidates[0] if candidates else None


def _matters(cadre) -> list[tuple[Matter, User]]:
    """(matter, care person): an open matter with parties of the featured village with its cadre (``cun``)
    as care person, then open high-level matters of the county with a local care person."""
    chosen: list[tuple[Matter, User]] = []
    with_parties = Matter.objects.open().filter(parties__isnull=False).distinct()
    if cadre is not None and cadre.area is not None:
        local = with_parties.filter(area__path__startswith=cadre.area.path)
        chosen += [(m, cadre) for m in local.order_by("-level_rank", "-registered_at")[:1]]
    high = with_parties.filter(HIGH_UP).exclude(pk__in=[m.pk for m, _person in chosen])
    for matter in high.order_by("-registered_at")[:4]:
        person = _care_person(matter)
        if person is not None:
            chosen.append((matter, person))
    return chosen


def load_care_demo(now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    staff = User.objects.filter(username="zongzhi").first()
    if staff is None or CarePlan.objects.exists():
        return ""
    cadre = User.objects.filter(username="cun").first()
    today = timezone.localdate(now)
    plans = visits = markers = 0
    for index, (matter, person) in enumerate(_matters(cadre)):
        party = matter.parties.order_by("pk").first()
        opened = now - dt.timedelta(days=21)
        plan = actions.open_plan(
            staff, party, care_person=person, reason=REASONS[index % len(REASONS)], now=opened
        )
        plans += 1
        # visits made (the first two weeks ago, the second some days ago) and visits to come
        for days_ago, note in ((14, VISIT_NOTES[index % 3]), (4 + index, VISIT_NOTES[(index + 1) % 3])):
            actions.record_visit(
                person,
                plan,
                kind="visit" if days_ago > 10 else "follow_up",
                done_on=today - dt.timedelta(days=days_ago),
                note=note,
                now=now,
            )
            visits += 1
        if index == 0:  # planned a week ago for two days ago, not yet made: the daily job reminds it
            actions.plan_visit(
                person,
                plan,
                kind="visit",
                planned_on=today - dt.timedelta(days=2),
                now=now - dt.timedelta(days=7),
            )
            visits += 1
        actions.plan_visit(
            person, plan, kind="follow_up", planned_on=today + dt.timedelta(days=1 + 6 * index), now=now
        )
        visits += 1
        needs = NEEDS[index % len(NEEDS)]
        if needs:
            actions.set_needs(staff, party, needs, now=opened)
            markers += len(needs)
        purpose = "follow_up" if index % 2 else "mediation"
        actions.reveal_party(person, party, "phone", purpose=purpose)
    done = actions.care_tick(now)
    return (
        f"关心关爱：关爱计划 {plans} 个，走访 {visits} 次，需求标记 {markers} 个，"
        f"走访提醒 {done['reminders']} 条。"
    )
