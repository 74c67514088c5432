"""Demo content of the level rules: a 包案领导 on every open 较高/最高 matter, the 最高 food-poisoning matter
escalated to the county with a 督办, progress reports filed and due, and one run of the daily job."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from anju.core.models import Area, Domain, Unit, UnitKind, User
from anju.matters import actions
from anju.matters.level_rules import required_area
from anju.matters.models import Matter, MatterKind, ProgressReport
from anju.matters.workflow import DEADLINE_STATUSES, Status

ESCALATABLE = {Status.REGISTERED, Status.ASSESSED, Status.ASSIGNED, Status.RESOLVING, Status.RETURNED}
HIGH_UP = Q(residual_level__in=("high", "critical")) | Q(
    residual_level="", inherent_level__in=("high", "critical")
)


def _food_poisoning(staff, now) -> Matter:
    """The open 最高 food-poisoning matter of the demo (one is registered when the history has none)."""
    found = (
        Matter.objects.open()
        .filter(title__contains="食物中毒")
        .filter(Q(residual_level="critical") | Q(residual_level="", inherent_level="critical"))
        .order_by("-registered_at")
        .first()
    )
    if found is not None:
        return found
    village = Area.objects.filter(level=3).order_by("code").first()
    domain = Domain.objects.filter(code="public_health").first() or Domain.objects.order_by("pk").first()
    return actions.create_matter(
        staff,
        kind=MatterKind.INCIDENT,
        domain=domain,
        area=village,
        title=f"{village.name}宴席疑似食物中毒事件",
        description="一场宴席后 30 人出现呕吐腹泻症状，疑似食物中毒，已送医治疗，需调查食品安全原因。",
        people_involved=30,
        likelihood=4,
        consequence=5,
        is_demo=True,
        now=now,
    )


def load_levels_demo(now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    staff = User.objects.filter(username="zongzhi").first()
    leader = User.objects.filter(username="lingdao").first()
    if staff is None or leader is None:
        return ""
    # 1. the 最高 food poisoning: escalated to the county (the rules skip the town), a 督办 by the leader
    matter = _food_poisoning(staff, now)
    for _step in range(3):  # up to the county, re-graded there
        if required_area(matter) is not None and matter.status in ESCALATABLE:
            actions.escalate(staff, matter, reason="最高风险突发事件，按等级处置规则报县级处置", now=now)
        if matter.status == Status.ESCALATED:
            actions.assess(
                staff, matter, likelihood=matter.likelihood or 4, consequence=matter.consequence or 5, now=now
            )
    if matter.lead_leader_id is None:
        actions.set_lead_leader(staff, matter, leader=leader, now=now)
    if matter.grey_rhino and not matter.mitigation_plan.strip():  # 4 × 5: a 灰犀牛 is assigned with a plan
        actions.set_mitigation_plan(
            staff, matter, plan="停售同批次食材，排查宴席供货渠道，做好患者救治和家属安抚。", now=now
        )
    if matter.status == Status.ASSESSED:
        unit = Unit.objects.filter(area=matter.handling_area, kind=UnitKind.DEPARTMENT).order_by("pk").first()
        unit = unit or Unit.objects.filter(area=matter.handling_area).order_by("pk").first()
        actions.assign(staff, matter, unit=unit, note="县卫健、市场监管联合调查处置", now=now)
    actions.supervise(leader, matter, note="主要领导督办：当日报告救治和调查进展，做好家属安抚。", now=now)
    # 2. a 包案领导 on every open 较高/最高 matter
    leads = 0
    for open_matter in Matter.objects.open().filter(HIGH_UP, lead_leader__isnull=True).order_by("pk"):
        actions.set_lead_leader(staff, open_matter, leader=leader, now=now)
        leads += 1
    # 3. progress reports: one overdue on some running 较高 matters, filed on others, due on the rest
    today = timezone.localdate(now)
    running = list(
        Matter.objects.filter(status__in=DEADLINE_STATUSES, inherent_level="high", residual_level="")
        .select_related("responsible_person")
        .order_by("pk")[:12]
    )
    filed = 0
    for i, high in enumerate(running):
        if i % 3 == 0:
            ProgressReport.objects.get_or_create(matter=high, due_on=today - dt.timedelta(days=2 + i % 4))
        elif i % 3 == 1:
            actions.file_progress_report(staff, high, text="已组织双方协商，本周内拿出化解方案。", now=now)
            filed += 1
    # 4. the daily job once: due reports, automatic 督办 of overdue matters
    done = actions.apply_level_rules(now)
    return (
        f"等级处置规则：{matter.number} 已报县级并督办；明确包案领导 {leads} 件；进展报告已报 {filed} 份；"
        f"自动督办 {done['auto_supervised']} 件，应报进展报告 {done['progress_due']} 份。"
    )
