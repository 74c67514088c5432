"""Demo content of the aftermath (善后) of the demo's incident once its response has ended: the cause
investigation, a problem found in a unit's duty, two rectification tasks (one verified, one under way),
举一反三 (a similar matter of the ledger linked, the plan marked for revision) and relief paid.
Every step goes through the actions, at the time it would have happened."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.core.models import Unit
from anju.emergency import actions
from anju.emergency.related import similar_matters


def _unit(name: str):
    return Unit.objects.filter(name=name).first() or Unit.objects.filter(kind="centre").order_by("pk").first()


def load_aftermath_demo(staff, leader, incident, plan, ended: dt.datetime, now: dt.datetime) -> None:
    day = ended + dt.timedelta(days=1)
    actions.record_investigation(
        staff,
        incident,
        cause_category="管理责任",
        findings="家庭宴席凉菜加工储存不当，被沙门氏菌污染；聚餐未按规定备案，乡村厨师未经培训和健康体检。",
        concluded_at=timezone.localdate(day),
        now=day,
    )
    health = _unit("县卫生健康局")
    actions.add_problem_finding(
        staff,
        incident,
        unit=health,
        duty="农村集体聚餐备案和指导",
        finding="辖区农村集体聚餐备案制度未落实，事发宴席未备案、未开展现场指导。",
        decision="责令限期整改，在全县卫生健康系统通报。",
        now=day,
    )
    verified = actions.add_aftermath_task(
        staff,
        incident,
        title="对事发村聚餐场所开展食品安全检查并整改",
        owner_unit=health,
        deadline=timezone.localdate(day) + dt.timedelta(days=10),
        now=day,
    )
    actions.complete_task(
        staff, verified, note="已检查 3 处场所，整改问题 5 项", now=day + dt.timedelta(hours=6)
    )
    actions.verify_task(leader, verified, note="现场复核，整改到位", now=day + dt.timedelta(hours=20))
    actions.add_aftermath_task(
        staff,
        incident,
        title="修订乡村厨师健康管理和培训办法",
        owner_unit=health,
        deadline=timezone.localdate(day) + dt.timedelta(days=30),
        now=day,
    )
    for similar in similar_matters(staff, incident)[:2]:
        actions.link_matter(staff, incident, similar.matter, note="同类风险，纳入排查", now=day)
    if plan is not None and not plan.versions.filter(status__in=["draft", "approved"]).exists():
        actions.mark_plan_for_revision(
            staff, incident, plan, reason="补充农村集体聚餐备案和报告要求", now=day + dt.timedelta(hours=2)
        )
    actions.add_recovery(
        staff,
        incident,
        kind="relief",
        item="住院患者慰问金",
        recipients="住院患者",
        recipient_count=incident.injuries,
        amount=incident.injuries * 500,
        date=timezone.localdate(day),
        now=day,
    )
