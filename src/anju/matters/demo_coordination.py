"""Demo content of co-handling, coordination and 问责 in 青山镇, so that the logins ``zhen`` (the town centre)
and ``bumen`` (its 人社所) meet them: wage-arrears matters the 人社所 co-handles (one task done, one open), a
request of the town centre to the county's labour bureau, and one 问责 entry on an overdue matter."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.core.models import Unit, User
from anju.matters import actions
from anju.matters.models import Matter
from anju.matters.workflow import DEADLINE_STATUSES

TOWN = "青山镇"
WAGES = "social_security_wages"
COUNTY_LABOUR = "县人力资源和社会保障局"


def load_coordination_demo() -> str:
    town_staff = User.objects.filter(username="zhen").first()
    officer = User.objects.filter(username="bumen").first()
    county_staff = User.objects.filter(username="zongzhi").first()
    county_labour = Unit.objects.filter(name=COUNTY_LABOUR).first()
    if None in (town_staff, officer, county_staff, county_labour):
        return ""
    today = timezone.localdate()
    wage_matters = list(
        Matter.objects.filter(
            area__path__startswith=town_staff.area.path,
            domain__code=WAGES,
            status__in=DEADLINE_STATUSES,
            responsible_unit__isnull=False,
        )
        .exclude(responsible_unit=officer.unit)
        .order_by("-registered_at")[:3]
    )
    if not wage_matters:
        return ""
    done = actions.add_cohandler(
        town_staff,
        wage_matters[0],
        unit=officer.unit,
        task="核实用工单位欠薪人数和金额，指导劳动者申请劳动保障监察",
        deadline=today + dt.timedelta(days=5),
    )
    actions.complete_cohandling(
        officer, done, note="已核实 12 人欠薪 8.6 万元，已向用工单位下达限期支付通知。"
    )
    tasks = 1
    if len(wage_matters) > 1:
        actions.add_cohandler(
            town_staff,
            wage_matters[1],
            unit=officer.unit,
            task="约谈项目承包方，督促按月支付农民工工资",
            deadline=today + dt.timedelta(days=7),
        )
        tasks += 1
    actions.request_coordination(
        town_staff,
        wage_matters[-1],
        to_unit=county_labour,
        asked="涉及跨镇施工企业，请县人社局劳动保障监察大队介入，督促总承包单位垫付工资。",
        due=today + dt.timedelta(days=10),
    )
    overdue = (
        Matter.objects.filter(area__path__startswith=town_staff.area.path, responsible_unit__isnull=False)
        .overdue(today)
        .order_by("deadline")
        .first()
    )
    records = 0
    if overdue is not None:
        actions.record_accountability(
            county_staff,
            overdue,
            unit=overdue.responsible_unit,
            role="handler",
            failure="overdue",
            finding=f"办理期限 {overdue.deadline:%Y-%m-%d} 已过，未化解也未申请延期。",
            decision="责令书面说明情况，在全镇综治工作例会上通报。",
            decided_on=today,
        )
        records = 1
    return (
        f"协办演示：{TOWN}人社所协办 {tasks} 件，向{COUNTY_LABOUR}发出协调请求 1 件，问责记录 {records} 条。"
    )
