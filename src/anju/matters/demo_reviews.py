"""Demo content of the ledger's reviews: 缓释方案 for most open 灰犀牛, a few re-gradings and one correction, and
the 黑天鹅 review (one confirmed with a 根因分析 task, one dismissed, the rest waiting in the queue)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.core.models import User
from anju.matters import actions, queues
from anju.matters.models import Matter
from anju.matters.workflow import DEADLINE_STATUSES, OPEN_STATUSES

PLAN = "成立工作专班，每周研判一次；{domain}方面的主管部门牵头约谈相关方，分阶段落实化解措施，月底前复核风险等级。"


def load_review_demo() -> str:
    staff = User.objects.filter(username="zongzhi").first()
    if staff is None:
        return ""
    now = timezone.now()
    rhinos = list(
        queues.grey_rhinos_without_plan(staff).select_related("domain").order_by("registered_at", "id")
    )
    for matter in rhinos[:-1]:  # the newest stays without a plan, so the pages show the rule
        actions.set_mitigation_plan(staff, matter, plan=PLAN.format(domain=matter.domain.name), now=now)
    graded = Matter.objects.filter(status__in=DEADLINE_STATUSES, is_demo=True).exclude(inherent_level="")
    regraded = 0
    for matter, (likelihood, consequence, reason) in zip(
        graded.order_by("-registered_at")[:2],
        [(2, 2, "已约谈相关方并落实整改措施，风险明显下降"), (4, 3, "涉及人数增加，当事人多次到镇政府反映")],
        strict=False,
    ):
        actions.regrade(staff, matter, likelihood=likelihood, consequence=consequence, reason=reason, now=now)
        regraded += 1
    corrected = (
        Matter.objects.filter(status__in=OPEN_STATUSES, is_demo=True, people_involved__gt=0)
        .order_by("-registered_at")
        .first()
    )
    if corrected is not None:
        actions.correct_facts(
            staff,
            corrected,
            people_involved=corrected.people_involved + 8,
            reason="回访核实：登记时漏计了另外八名反映同一问题的群众",
            now=now,
        )
    # The review of two earlier, since closed, suggestions; the open ones stay in the queue for the demo.
    earlier = list(
        Matter.objects.filter(black_swan_suggested=True, black_swan_confirmed__isnull=True, is_demo=True)
        .exclude(status__in=OPEN_STATUSES)
        .order_by("-registered_at")[:2]
    )
    confirmed = dismissed = 0
    if earlier:
        first = earlier[0]
        actions.confirm_black_swan(
            staff,
            first,
            reason="本地首次出现，涉及面广、后果严重，需查明成因",
            unit=first.responsible_unit or staff.unit,
            deadline=timezone.localdate(now) + dt.timedelta(days=30),
            now=now,
        )
        confirmed = 1
    if len(earlier) > 1:
        actions.dismiss_black_swan(staff, earlier[1], reason="邻镇已有同类事项，影响可控，不属罕见", now=now)
        dismissed = 1
    waiting = queues.black_swan_review(staff).count()
    return (
        f"台账演示：缓释方案 {max(len(rhinos) - 1, 0)} 份，重新定级 {regraded} 件，更正 {1 if corrected else 0} 件，"
        f"黑天鹅确认 {confirmed} 件、排除 {dismissed} 件，待研判 {waiting} 件。"
    )
