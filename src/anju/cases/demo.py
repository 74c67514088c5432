"""Demo cases (专案): an illegal fund-raising case (涉众型经济案件) across three villages of 青山镇 with its
figures over five months, progress on 控赃控人 and 资产返还 and two 教育疏导 sessions; and the live surge of
complaints about 示范县宏达化工有限公司 in 石门村, registered as separate matters, grouped as one case with
tasks and a 专题研判.

Runs after the county, its history and the other capabilities (``platform_cli.load_demo_everything``);
every step goes through the actions, as the demo's users would take it, at the time it would have happened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anju.cases import actions
from anju.cases.models import Case
from anju.core.models import Area, AreaLevel, Domain, Unit, UnitKind, User
from anju.core.permissions import may
from anju.matters import actions as matter_actions
from anju.matters.models import Matter
from anju.matters.workflow import Status

# the live surge of the demo's history (anju.demo.history, a layer above: named again here, not imported)
ODOUR_COMPANY = "示范县宏达化工有限公司"
ODOUR_VILLAGE = ("青山镇", "石门村")
FUND_COMPANY = "示范县鑫泰财富投资咨询有限公司"
FUND_MATTERS = (  # (village index in 青山镇, title, people, amount)
    (0, "群众反映鑫泰财富高息理财到期无法兑付", 46, "3200000"),
    (1, "中老年人参与鑫泰财富“养老理财”本金无法取回", 71, "5150000"),
    (2, "鑫泰财富门店关闭，投资群众聚集讨要本金", 58, "4300000"),
    (1, "鑫泰财富业务员以返利为名继续吸收存款", 12, "650000"),
)
# days before today: people, 涉案金额, 已追缴, 已返还 (cumulative on that date), note
FUND_FIGURES = (
    (140, 186, "12600000", "1200000", "0", "首次摸底，参与人数和金额以登记为准"),
    (110, 232, "15800000", "4600000", "0", "登记延长后人数增加"),
    (80, 245, "16350000", "7900000", "2400000", "第一批按比例返还"),
    (50, 248, "16500000", "9800000", "4950000", "第二批返还"),
    (20, 251, "16520000", "11300000", "6600000", "第三批返还，追缴房产拍卖款到账"),
)
FUND_PROGRESS = (
    (135, "control", "公安机关立案侦查，冻结涉案账户 23 个，控制主要犯罪嫌疑人 3 名。"),
    (95, "control", "查封涉案房产 2 处、车辆 4 辆，追回转移资金 310 万元。"),
    (85, "restitution", "县处非办审定资产处置和返还方案：按登记本金比例分批返还，先返还 70 岁以上老人。"),
    (45, "restitution", "涉案房产完成司法拍卖，拍卖款 185 万元纳入第三批返还。"),
)
FUND_SESSIONS = (
    (120, 0, 85, "通报案件侦办进展，讲解依法登记、理性维权的途径，解答群众关于返还顺序的疑问。"),
    (60, 1, 112, "解读资产返还方案和比例，提醒群众警惕“代理维权”“帮忙追款”等二次诈骗。"),
)


def _user(username):
    return User.objects.filter(username=username).first()


def _fund_case(staff, leader, town, now) -> Case | None:
    domain = Domain.objects.filter(code="mass_economic_cases").first()
    villages = list(town.children.order_by("code")[:3])
    police = Unit.objects.filter(name="县公安局").first()
    if domain is None or len(villages) < 3 or police is None:
        return None
    opened = now - dt.timedelta(days=150)
    matters = []
    for i, (village, title, people, amount) in enumerate(FUND_MATTERS):
        at = opened - dt.timedelta(days=12 - 3 * i)
        matters.append(
            matter_actions.create_matter(
                staff,
                kind="demand",
                domain=domain,
                area=villages[village],
                title=title,
                description=f"{villages[village].name}群众反映{FUND_COMPANY}以年化 12% 至 18% 高息返利为名"
                f"吸收资金，现到期无法兑付，涉及 {people} 人、约 {Decimal(amount) / 10000:.0f} 万元。",
                people_involved=people,
                amount_involved=amount,
                occurred_at=at,
                likelihood=4,
                consequence=4,
                now=at,
            )
        )
    case = actions.open_case(
        staff,
        title=f"{FUND_COMPANY}非法集资案",
        kind="fraud",
        lead_unit=police,
        lead_leader=leader,
        matters=matters,
        summary=f"{FUND_COMPANY}以高息理财为名向{town.name}三个村的中老年群众吸收资金，到期无法兑付。"
        "公安机关已立案侦查；县处非办牵头资产处置和返还，属地镇村负责登记、解释和稳控。",
        reason="同一公司非法集资",
        now=opened,
    )
    for days, people, involved, recovered, returned, note in FUND_FIGURES:
        on = timezone.localdate(now) - dt.timedelta(days=days)
        actions.record_fraud_figures(
            staff,
            case,
            on=on,
            people=people,
            amount_involved=involved,
            amount_recovered=recovered,
            amount_returned=returned,
            note=note,
            now=now - dt.timedelta(days=days),
        )
    for days, track, text in FUND_PROGRESS:
        at = now - dt.timedelta(days=days)
        actions.record_fraud_progress(staff, case, track=track, on=timezone.localdate(at), text=text, now=at)
    for days, village, attendance, content in FUND_SESSIONS:
        at = now - dt.timedelta(days=days)
        actions.record_education_session(
            staff,
            case,
            held_on=timezone.localdate(at),
            place=f"{villages[village].name}村民活动中心",
            attendance=attendance,
            content=content,
            now=at,
        )
    task = actions.add_task(
        staff,
        case,
        title="核对第三批返还名单与登记本金，逐户告知返还金额",
        owner_unit=Unit.objects.filter(name=f"{town.name}综治中心").first() or police,
        deadline=timezone.localdate(now) - dt.timedelta(days=10),
        now=now - dt.timedelta(days=25),
    )
    actions.complete_task(staff, task, note="已完成核对并逐户告知，无异议。", now=now - dt.timedelta(days=12))
    return case


def _odour_case(town_staff, leader, now) -> Case | None:
    village = Area.objects.filter(name=ODOUR_VILLAGE[1], parent__name=ODOUR_VILLAGE[0]).first()
    if village is None or town_staff is None:
        return None
    matters = list(
        Matter.objects.filter(
            area=village,
            description__contains=ODOUR_COMPANY,
            registered_at__gte=now - dt.timedelta(days=35),
            registered_at__lte=now,
        )
        .exclude(status__in=(Status.MERGED, Status.REJECTED))
        .order_by("registered_at")
    )
    if len(matters) < 2:
        return None
    started = max(m.registered_at for m in matters)
    centre = town_staff.unit
    case = actions.open_case(
        town_staff,
        title=f"{ODOUR_COMPANY}异味噪音集中投诉",
        kind="mass",
        lead_unit=centre,
        lead_leader=leader,
        matters=matters,
        summary=f"近三周{village.name}群众反复反映{ODOUR_COMPANY}新上生产线后夜间排放异味、噪音扰民，"
        f"分别登记为 {len(matters)} 件事项，现并案办理：环保监测、约谈企业、回访群众统一安排。",
        reason="同一企业异味噪音投诉",
        now=started,
    )
    ecology = Unit.objects.filter(name="县生态环境分局").first()
    committee = Unit.objects.filter(area=village, kind=UnitKind.VILLAGE_COMMITTEE).first()
    today = timezone.localdate(now)
    if ecology is not None:
        actions.add_task(
            town_staff,
            case,
            title="夜间现场监测厂界异味和噪音，结果向村民公开",
            owner_unit=ecology,
            deadline=today + dt.timedelta(days=3),
            now=started,
        )
    actions.add_task(
        town_staff,
        case,
        title="约谈企业负责人，落实夜间限产和废气收集整改",
        owner_unit=centre,
        owner_user=town_staff,
        deadline=today + dt.timedelta(days=5),
        now=started,
    )
    if committee is not None:
        actions.add_task(
            town_staff,
            case,
            title="逐户回访投诉群众，做好解释和情绪疏导",
            owner_unit=committee,
            deadline=today + dt.timedelta(days=7),
            now=started,
        )
    if may(town_staff, "analysis.manage"):  # a 专题研判 of the case, as the town's centre would call one
        actions.open_cluster_meeting(town_staff, matters, title=case.title, case=case, now=started)
    return case


def load_cases_demo(now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    staff, leader, town_staff = _user("zongzhi"), _user("lingdao"), _user("zhen")
    town = Area.objects.filter(name=ODOUR_VILLAGE[0], level=AreaLevel.TOWN).first()
    if staff is None or leader is None or town is None:
        return ""
    fund = _fund_case(staff, leader, town, now)
    odour = _odour_case(town_staff, leader, now)
    parts = []
    if fund is not None:
        parts.append(f"{fund.code} 涉众型案件（{fund.memberships.count()} 件事项）")
    if odour is not None:
        parts.append(f"{odour.code} 化工厂投诉（{odour.memberships.count()} 件事项）")
    return "专案：" + ("；".join(parts) if parts else "无") + "。"
