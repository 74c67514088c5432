"""Demo 稳评 records on whatever county is loaded: items at every stage of the workflow.

Everything goes through ``assessment.actions`` (so the demo exercises the same checks as users do).
Call ``load_assessment_demo()`` after the demo county exists; it picks towns and villages by level.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anju.assessment import actions
from anju.assessment.models import AssessmentItem
from anju.core.models import Area, AreaLevel, Domain, Unit, UnitKind, User
from anju.core.roles import Role


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _unit(area: Area, kind: str) -> Unit:
    unit = Unit.objects.filter(area=area, kind=kind).first() or Unit.objects.filter(area=area).first()
    if unit is None:
        unit = Unit.objects.filter(area__path__startswith=area.path).first() or Unit.objects.first()
    return unit


def _domains(*codes: str) -> list[Domain]:
    found = list(Domain.objects.filter(code__in=codes))
    return found or list(Domain.objects.all()[:1])


def _walk(
    actor,
    item,
    *,
    body,
    police,
    start: int,
    opposed: tuple[int, int],
    experts: tuple[int, ...],
    factors: list[dict],
    analysis: dict,
    opinions: list[tuple[str, str, str, str]],
    stop: str,
    report_ago: int = 0,
    level_override: tuple[str, str] | None = None,
    plan: str = "",
):
    """Walk one assessment from its plan to ``stop`` ("analysis", "reported"), dated ``start`` days ago."""
    a = actions.start_assessment(
        actor,
        item,
        body_unit=body,
        team=plan or "组长：分管副镇长；成员：综治中心、司法所、派出所、相关村两委",
        methods=["notice", "survey", "forum", "visit", "expert"],
        schedule_start=_ago(start),
        schedule_end=_ago(max(report_ago, 1)),
        consult_whom="直接利益相关群众、村（居）民代表、相关部门和专家",
        decision_body=f"{item.area.name}党委（党组）会议",
    )
    actions.open_consultation(actor, a)
    actions.add_public_notice(
        actor,
        a,
        channel="政务公开栏、村务公开栏、政府网站",
        start_on=_ago(start - 2),
        end_on=_ago(start - 23),
        content="决策草案及说明",
        opinions_received=len(opinions) + 9,
    )
    groups = [
        {"group": "直接受影响群众", "support": 160, "neutral": 40, "opposed": opposed[0]},
        {"group": "周边居民", "support": 210, "neutral": 35, "opposed": opposed[1]},
        {"group": "村（居）民代表", "support": 24, "neutral": 4, "opposed": 2},
    ]
    actions.add_survey(
        actor,
        a,
        title="群众意见问卷调查",
        conducted_from=_ago(start - 5),
        conducted_to=_ago(start - 15),
        method="入户发放与线上填写",
        groups=groups,
    )
    actions.add_meeting(
        actor,
        a,
        kind="forum",
        held_on=_ago(start - 16),
        place=f"{item.area.name}政府会议室",
        attendance=32,
        participants="群众代表18人、村干部6人、部门8人",
        summary="关注补偿标准、施工扰民和后续管理。",
    )
    actions.add_meeting(
        actor,
        a,
        kind="visit",
        held_on=_ago(start - 18),
        place="重点户入户走访",
        attendance=45,
        participants="重点利益相关户",
        summary="多数理解支持，少数对过渡安排有顾虑。",
    )
    for index, score in enumerate(experts):
        actions.add_expert_opinion(
            actor,
            a,
            expert=["周教授", "吴律师", "郑高工", "王研究员", "冯主任"][index],
            field=["社会学", "法律", "工程", "公共管理", "信访工作"][index],
            score=score,
            weight=1,
            opinion="方案总体可行，建议细化过渡安排和信息公开。",
            given_on=_ago(start - 20),
        )
    for source, content, handling, reason in opinions:
        actions.add_opinion(actor, a, source=source, content=content, handling=handling, reason=reason)
    actions.start_analysis(actor, a)
    actions.save_analysis(actor, a, texts=analysis)
    for spec in factors:
        measures = spec.pop("measures", [])
        factor = actions.add_factor(actor, a, **spec)
        for text, days_from_now, owner in measures:
            actions.add_measure(
                actor,
                factor,
                description=text,
                owner_unit=police if owner == "police" else body,
                owner_person="",
                due_on=timezone.localdate() + dt.timedelta(days=days_from_now),
            )
    if stop == "analysis":
        return a
    final, why = level_override or ("", "")
    actions.determine_level(actor, a, final_level=final, justification=why)
    actions.issue_report(
        actor,
        a,
        emergency_plan=(
            "成立由分管领导任组长的应急处置小组；发现聚集苗头 30 分钟内到场劝导；派出所做好现场秩序维护；"
            "每日向县综治中心报告动态，必要时启动县级应急预案。"
        ),
        conclusion="经评估，在落实各项防范化解措施的前提下，风险总体可控。",
        issued_on=_ago(report_ago),
    )
    candidates = User.objects.filter(role__in=[Role.LEADER, Role.DEPARTMENT_OFFICER], is_active=True)
    # a leader before a department officer; someone whose scope covers the item; never the report's author
    reviewer = next(
        (
            u
            for u in sorted(
                candidates.exclude(pk=actor.pk).select_related("area"),
                key=lambda u: (u.role != Role.LEADER, u.pk),
            )
            if u.area is not None and u.area.contains(item.area)
        ),
        None,
    )
    if reviewer is not None:
        actions.record_review(
            reviewer,
            a,
            conclusion="pass",
            opinion="评估程序完备，材料齐全，同意提交集体决策。",
            reviewed_on=_ago(report_ago),
        )
    return a


ANALYSIS = {
    "legality": "决策依据充分，符合相关法律法规和上级政策，审批程序完备。",
    "rationality": "兼顾各方利益，补偿和安置标准公开透明，大多数群众理解支持。",
    "feasibility": "资金已落实，实施条件成熟，时机基本适宜。",
    "controllability": "可能出现的矛盾有预案，属地和部门责任明确，风险可防可控。",
}


@transaction.atomic
def load_assessment_demo(actor=None) -> str:
    """Create demo items and assessments (≥ 3 at different stages, one postponed, one implemented with
    tracking). Returns a one-line summary; does nothing if demo items already exist."""
    if AssessmentItem.objects.filter(is_demo=True).exists():
        return "稳评演示数据已存在。"
    county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("path").first()
    if county is None:
        return "没有县级区域，未创建稳评演示数据。"
    actor = actor or User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if actor is None:
        return "没有管理员用户，未创建稳评演示数据。"
    towns = list(Area.objects.filter(level=AreaLevel.TOWN, path__startswith=county.path).order_by("path"))
    if not towns:
        return "没有乡镇，未创建稳评演示数据。"

    def villages(town, n=2):
        found = list(Area.objects.filter(level=AreaLevel.VILLAGE, parent=town).order_by("path")[:n])
        return found or [town]

    def town(i):
        return towns[i % len(towns)]

    year = timezone.localdate().year
    created = []

    def item(i, **values):
        t = town(i)
        obj = actions.create_item(
            actor,
            year=year,
            area=t,
            affected_areas=villages(t),
            sponsor_unit=_unit(t, UnitKind.DEPARTMENT),
            is_demo=True,
            **values,
        )
        created.append(obj)
        return obj, t

    # 1. implemented, with tracking tasks (one done, one overdue, one pending) and linked matters
    lift, t = item(
        0,
        title="老旧小区改造及加装电梯实施方案",
        category="project",
        people_affected=1260,
        description="对镇区 6 个老旧小区实施改造并加装电梯，涉及住户 420 户，改造期约 8 个月。",
        domains=_domains("land_requisition", "petitions", "environment_projects"),
        planned_decision_date=_ago(70),
    )
    a = _walk(
        actor,
        lift,
        body=_unit(t, UnitKind.CENTRE),
        police=_unit(t, UnitKind.DEPARTMENT),
        start=130,
        opposed=(30, 25),
        experts=(35, 30, 40),
        report_ago=80,
        analysis=ANALYSIS,
        stop="reported",
        opinions=[
            ("座谈会", "低楼层住户担心采光和噪音", "partly", "调整电梯井位置，低楼层不分摊费用。"),
            ("公示意见", "希望公开费用分摊办法", "adopted", ""),
        ],
        factors=[
            {
                "dimension": "rationality",
                "title": "低楼层住户利益受损",
                "description": "低楼层住户认为加装电梯影响采光且无受益。",
                "likelihood": 4,
                "impact": 3,
                "people_involved": 120,
                "likelihood_after": 2,
                "impact_after": 2,
                "measures": [
                    ("制定低楼层补偿和不分摊办法并公示", -50, "body"),
                    ("逐户上门做好解释工作", -10, "body"),
                ],
            },
            {
                "dimension": "controllability",
                "title": "施工扰民引发投诉",
                "description": "施工噪音和占道可能引发集中投诉。",
                "likelihood": 3,
                "impact": 2,
                "people_involved": 300,
                "likelihood_after": 2,
                "impact_after": 1,
                "measures": [("限定施工时段并设置围挡", 20, "police")],
            },
        ],
    )
    actions.record_decision(
        actor,
        a,
        outcome="implement",
        decided_on=_ago(75),
        meeting=f"{t.name}党委会议",
        summary="同意按评估报告提出的措施组织实施，由综治中心跟踪落实。",
    )
    first = a.tasks.order_by("deadline").first()
    actions.complete_task(actor, first, done_on=_ago(55), note="办法已公示 7 天，无异议。")
    actions.link_matters(actor, a)

    # 2. postponed (暂缓): high risk, the body raised the computed level with a written justification
    plant, t = item(
        1,
        title="生活垃圾焚烧发电项目选址",
        category="project",
        people_affected=5800,
        description="拟在镇北侧建设日处理 600 吨生活垃圾焚烧发电厂，周边 3 公里内有 4 个村。",
        domains=_domains("environment_projects", "land_requisition"),
        planned_decision_date=_ago(20),
    )
    a = _walk(
        actor,
        plant,
        body=_unit(t, UnitKind.CENTRE),
        police=_unit(t, UnitKind.DEPARTMENT),
        start=110,
        opposed=(140, 90),
        experts=(75, 70, 65),
        report_ago=40,
        analysis=ANALYSIS,
        stop="reported",
        level_override=None,
        opinions=[
            ("听证会", "担心二噁英排放影响健康", "partly", "采用更严排放标准并实时公开监测数据。"),
            ("来信", "要求项目另行选址", "not_adopted", "现阶段选址论证已完成，另行选址需重新规划。"),
        ],
        factors=[
            {
                "dimension": "rationality",
                "title": "邻避效应引发群体反对",
                "description": "周边村民普遍担忧环境与健康影响，可能聚集反映。",
                "likelihood": 4,
                "impact": 5,
                "people_involved": 2000,
                "likelihood_after": 3,
                "impact_after": 4,
                "measures": [
                    ("组织群众代表参观同类项目", 30, "body"),
                    ("建立环境监测数据公开平台", 60, "body"),
                ],
            },
            {
                "dimension": "legality",
                "title": "用地与环评手续未完备",
                "description": "环评尚在公示期，用地预审未批复。",
                "likelihood": 3,
                "impact": 3,
                "people_involved": 0,
                "likelihood_after": 2,
                "impact_after": 2,
                "measures": [("待环评批复和用地预审后再行决策", 90, "body")],
            },
        ],
    )
    actions.record_decision(
        actor,
        a,
        outcome="postpone",
        decided_on=_ago(35),
        meeting="县政府常务会议",
        summary="风险等级较高，暂缓实施；待环评批复、群众工作到位后重新评估。",
    )

    # 3. reported, waiting for the collective decision
    fest, t = item(
        2,
        title="元宵节灯会及大型群众性活动",
        category="event",
        people_affected=30000,
        description="元宵节期间在镇文化广场举办灯会，预计单日客流 3 万人次。",
        domains=_domains("extreme_incidents", "online_opinion"),
        planned_decision_date=_ago(-15),
    )
    _walk(
        actor,
        fest,
        body=_unit(t, UnitKind.CENTRE),
        police=_unit(t, UnitKind.DEPARTMENT),
        start=60,
        opposed=(8, 12),
        experts=(30, 25, 35),
        report_ago=2,
        analysis=ANALYSIS,
        stop="reported",
        opinions=[("座谈会", "希望增设停车场和公交接驳", "adopted", "")],
        factors=[
            {
                "dimension": "controllability",
                "title": "人流密集踩踏风险",
                "description": "主会场入口狭窄。",
                "likelihood": 2,
                "impact": 5,
                "people_involved": 30000,
                "likelihood_after": 1,
                "impact_after": 3,
                "measures": [("实行单向通行和限流", 10, "police")],
            }
        ],
    )

    # 4. in analysis, with records still missing (the page lists them)
    land, t = item(
        3,
        title="农村集体经营性建设用地入市收益分配方案",
        category="policy",
        people_affected=3400,
        description="制定集体经营性建设用地入市收益在集体与成员间的分配比例和办法。",
        domains=_domains("land_requisition", "rural_affairs"),
        planned_decision_date=_ago(-45),
    )
    _walk(
        actor,
        land,
        body=_unit(t, UnitKind.CENTRE),
        police=_unit(t, UnitKind.DEPARTMENT),
        start=40,
        opposed=(45, 20),
        experts=(50, 45),
        analysis={"legality": ANALYSIS["legality"]},
        stop="analysis",
        opinions=[("村民代表会议", "外嫁女是否享有分配权", "", "")],
        factors=[
            {
                "dimension": "rationality",
                "title": "成员资格认定争议",
                "description": "外嫁女、空挂户等资格认定可能引发纠纷。",
                "likelihood": 4,
                "impact": 3,
                "people_involved": 260,
            }
        ],
    )

    # 5. the register also shows what 应评尽评 must catch: not started, overdue, decided without assessment
    item(
        4,
        title="镇区农贸市场提升改造",
        category="project",
        people_affected=600,
        description="改造镇区农贸市场，经营户需临时迁移。",
        domains=_domains("land_requisition"),
        planned_decision_date=_ago(-90),
    )
    item(
        5,
        title="中小学校布局调整",
        category="policy",
        people_affected=2100,
        description="撤并 2 所村小，学生到镇中心小学就读。",
        domains=_domains("education"),
        planned_decision_date=_ago(10),
    )
    bus, _t = item(
        6,
        title="城乡公交线路调整",
        category="policy",
        people_affected=900,
        description="调整 3 条城乡公交线路的走向和班次。",
        domains=_domains("transport"),
        planned_decision_date=_ago(30),
    )
    actions.record_item_decided(actor, bus, decided_on=_ago(28), note="交通部门办公会决定，未开展稳评。")
    return f"稳评：{len(created)} 个评估事项，4 个评估（已实施跟踪、暂缓、待决策、分析中）。"
