"""Demo content of emergency management: a plan library, drills with findings, resources with alerts, and
the demo's largest food-poisoning matter handled as a real incident (reports, 四级 response, tasks, dispatch).

Runs after the county and its history (``platform_cli.load_demo_everything``); every step goes through the
actions, as the users named in the demo would take it, at the time it would have happened."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.core.models import Area, AreaLevel, Domain, Unit, User
from anju.emergency import actions
from anju.emergency.demo_aftermath import load_aftermath_demo
from anju.emergency.demo_preparedness import load_preparedness_demo
from anju.emergency.models import Plan

# (title, type, classes, domain codes, response levels {level: trigger}, groups {name: (unit, tasks)})
SPECIAL_PLANS = [
    (
        "示范县食品安全事故专项应急预案",
        ["public_health"],
        ["health"],
        {
            3: "一次食物中毒 100 人以上或出现死亡病例",
            4: "一次食物中毒 30 人以上、99 人以下且未出现死亡病例",
        },
        {
            "医疗救治组": ("县卫生健康局", "组织救治病人\n统计就诊人数并每日报告"),
            "调查处置组": ("县卫生健康局", "封存可疑食品并采样送检\n开展流行病学调查"),
            "治安维稳组": ("县公安局", "维护医院和现场秩序"),
            "宣传引导组": ("县委网信办", "发布权威信息，回应社会关切"),
            "善后处置组": ("示范县综治中心", "做好患者家属安抚工作"),
        },
    ),
    (
        "示范县群体性事件应急预案",
        ["social_security"],
        ["extreme_incidents", "mass_economic_cases"],
        {3: "参与人数 100 人以上或堵塞交通干线", 4: "参与人数 30 人以上"},
        {
            "现场处置组": ("县公安局", "控制现场，防止事态扩大"),
            "劝导化解组": ("示范县综治中心", "组织相关部门现场接待、劝导"),
            "宣传引导组": ("县委网信办", "监测网络舆情并发布信息"),
        },
    ),
    (
        "示范县道路交通事故应急预案",
        ["accident"],
        ["transport"],
        {3: "一次死亡 3 人以上", 4: "一次死亡 1—2 人或重伤 3 人以上"},
        {
            "抢险救援组": ("县公安局", "疏导交通，救援被困人员"),
            "医疗救治组": ("县卫生健康局", "救治伤员"),
        },
    ),
    (
        "示范县校园安全突发事件应急预案",
        ["public_health", "social_security"],
        ["education"],
        {4: "学校发生群体性疾病或伤害事件"},
        {
            "综合协调组": ("县教育局", "通知家长并稳定师生情绪"),
            "医疗救治组": ("县卫生健康局", "救治受伤或患病学生"),
        },
    ),
    (
        "示范县突发环境事件应急预案",
        ["accident"],
        ["environment_projects"],
        {4: "发生环境污染影响群众生产生活"},
        {
            "应急监测组": ("县生态环境分局", "开展应急监测，划定影响范围"),
            "治安维稳组": ("县公安局", "维护现场秩序"),
        },
    ),
]


def _unit(name: str):
    return Unit.objects.filter(name=name).first()


def _publish(staff, leader, plan, levels, groups, *, published: dt.datetime):
    version = plan.versions.get()
    if groups is not None:
        version.groups.all().delete()
        for name, (unit_name, tasks) in groups.items():
            actions.save_group(staff, version, name=name, lead_unit=_unit(unit_name), tasks=tasks)
    for level, trigger in levels.items():
        actions.save_level(
            staff, version, level=level, trigger=trigger, measures="按本预案组织指挥体系分工处置。"
        )
    actions.approve_version(leader, version, now=published - dt.timedelta(days=7))
    actions.publish_version(leader, version, now=published)


def _plans(staff, town_staff, leader, county, town, now) -> dict[str, Plan]:
    domains = Domain.objects.in_bulk(field_name="code")
    total = actions.create_plan(
        staff,
        area=county,
        title="示范县突发事件总体应急预案",
        plan_type="overall",
        owner_unit=_unit("示范县综治中心"),
        summary="适用于本县行政区域内发生的各类突发事件的应对工作。",
        now=now - dt.timedelta(days=400),
    )
    _publish(
        staff,
        leader,
        total,
        {1: "特别重大突发事件", 2: "重大突发事件", 3: "较大突发事件", 4: "一般突发事件"},
        None,
        published=now - dt.timedelta(days=380),
    )
    actions.add_duty_post(
        staff, total, position="带班领导", unit=_unit("示范县综治中心"), shift="24 小时", phone="13900001111"
    )
    actions.add_duty_post(
        staff, total, position="值班员", unit=_unit("示范县综治中心"), shift="白班", phone="0571-88880000"
    )
    plans = {"total": total}
    for i, (title, classes, codes, levels, groups) in enumerate(SPECIAL_PLANS):
        plan = actions.create_plan(
            staff,
            area=county,
            title=title,
            plan_type="special",
            classes=classes,
            domains=[domains[c] for c in codes if c in domains],
            owner_unit=_unit(next(iter(groups.values()))[0]),
            summary=f"适用于本县{title.removeprefix('示范县').removesuffix('应急预案')}的应对工作。",
            now=now - dt.timedelta(days=300 - i),
        )
        _publish(staff, leader, plan, levels, groups, published=now - dt.timedelta(days=200 - i))
        plans[codes[0]] = plan
    if town is not None:
        # a town plan published more than three years ago: its review is overdue
        town_plan = actions.create_plan(
            town_staff,
            area=town,
            title=f"{town.name}突发事件总体应急预案",
            plan_type="grassroots",
            owner_unit=_unit(f"{town.name}综治中心"),
            summary="适用于本镇行政区域内突发事件的先期处置。",
            now=now - dt.timedelta(days=1300),
        )
        _publish(
            town_staff,
            leader,
            town_plan,
            {4: "本镇发生一般突发事件"},
            None,
            published=now - dt.timedelta(days=1250),
        )
        actions.start_revision(
            town_staff, town_plan, note="机构改革后修订工作组牵头单位", now=now - dt.timedelta(days=3)
        )
    return plans


def _drills(staff, county, plans, today, now) -> int:
    food = actions.plan_drill(
        staff,
        area=county,
        title="食物中毒事件桌面推演",
        date=today - dt.timedelta(days=60),
        plan=plans.get("health"),
        form="tabletop",
        scope="single",
        units=[u for u in (_unit("县卫生健康局"), _unit("县公安局"), _unit("示范县综治中心")) if u],
        scenario="某村宴席后 40 人出现呕吐腹泻，检验信息报送、医疗救治和流调衔接。",
    )
    actions.record_drill(
        staff,
        food,
        date=food.date,
        summary="流程基本顺畅，信息报送环节偏慢。",
        now=now - dt.timedelta(days=60),
    )
    actions.add_finding(
        staff,
        food,
        text="首报时间超过 1 小时，值班电话未及时更新",
        owner_unit=_unit("示范县综治中心"),
        deadline=today + dt.timedelta(days=10),
        now=now - dt.timedelta(days=60),
    )
    actions.add_finding(
        staff,
        food,
        text="乡镇卫生院转运车辆不足",
        owner_unit=_unit("县卫生健康局"),
        deadline=today - dt.timedelta(days=5),
        now=now - dt.timedelta(days=60),
    )
    crowd = actions.plan_drill(
        staff,
        area=county,
        title="群体性事件现场处置综合演练",
        date=today - dt.timedelta(days=20),
        plan=plans.get("extreme_incidents"),
        form="live",
        scope="comprehensive",
        units=[u for u in (_unit("县公安局"), _unit("示范县综治中心"), _unit("县委网信办")) if u],
        scenario="某工地 60 名工人聚集讨薪并堵塞道路。",
    )
    actions.record_drill(
        staff,
        crowd,
        date=crowd.date,
        summary="现场处置有序，舆情引导需提前介入。",
        now=now - dt.timedelta(days=20),
    )
    actions.add_finding(
        staff,
        crowd,
        text="网络舆情监测启动滞后，预案未明确宣传引导组的监测职责",
        owner_unit=_unit("县委网信办"),
        needs_plan_revision=True,  # the plan's review falls due now, with a revision task for its owner
        now=now - dt.timedelta(days=20),
    )
    actions.plan_drill(
        staff,
        area=county,
        title="防汛抢险实战演练",
        date=today + dt.timedelta(days=30),
        form="live",
        scope="single",
    )
    return 3


def _resources(staff, county, today):
    centre = _unit("示范县综治中心")
    health = _unit("县卫生健康局")
    actions.add_team(staff, area=county, name="县综合应急救援队", unit=centre, speciality="综合救援", size=40)
    actions.add_team(staff, area=county, name="县卫生应急医疗队", unit=health, speciality="医疗救治", size=25)
    actions.add_team(
        staff,
        area=county,
        name="县公安应急处突队",
        unit=_unit("县公安局"),
        speciality="治安维稳",
        size=30,
        readiness="limited",
    )
    water = actions.add_material(
        staff,
        area=county,
        category="生活类",
        item="瓶装饮用水",
        quantity=500,
        measure="箱",
        site="县应急物资储备库",
        owner_unit=centre,
        minimum=200,
        expires_on=today + dt.timedelta(days=200),
    )
    actions.add_material(
        staff,
        area=county,
        category="医疗类",
        item="口服补液盐",
        quantity=120,
        measure="盒",
        site="县应急物资储备库",
        owner_unit=health,
        minimum=200,
        expires_on=today + dt.timedelta(days=300),
    )  # below its minimum
    actions.add_material(
        staff,
        area=county,
        category="医疗类",
        item="医用外科口罩",
        quantity=3000,
        measure="只",
        site="县应急物资储备库",
        owner_unit=health,
        minimum=1000,
        expires_on=today + dt.timedelta(days=20),
    )  # expiring
    actions.add_material(
        staff,
        area=county,
        category="救援类",
        item="冲锋舟",
        quantity=4,
        measure="艘",
        site="县防汛物资仓库",
        owner_unit=centre,
        minimum=4,
    )
    actions.add_shelter(
        staff, area=county, name="县体育馆应急避难场所", capacity=2000, location="城关街道体育路 1 号"
    )
    actions.add_shelter(
        staff, area=county, name="县第一中学应急避难场所", capacity=1200, location="城关街道学府路 8 号"
    )
    return water


def _incident(staff, leader, plans, water, now) -> str:
    from anju.matters.models import Matter

    candidates = Matter.objects.filter(domain__code="health", title__contains="食物中毒")
    # the gravest of them: a critical one first, then the most people, then the latest
    matter = (
        candidates.filter(inherent_level="critical").order_by("-people_involved", "-occurred_at").first()
        or candidates.order_by("-people_involved", "-occurred_at").first()
    )
    plan = plans.get("health")
    if matter is None or plan is None:
        return ""
    start = matter.occurred_at
    # learned of when it reached the ledger (the matter's registration), never before it happened: the
    # incident, its reports and its response follow the matter's own timeline
    learned = max(start + dt.timedelta(minutes=30), matter.registered_at or start)
    people = matter.people_involved or 30
    incident = actions.open_incident(
        staff,
        area=matter.area,
        title=matter.title,
        emergency_class="public_health",
        domain=matter.domain,
        grade="general",
        occurred_at=start,
        learned_at=learned,
        description=matter.description,
        affected=people,
        injuries=people,
        matter=matter,
        now=learned,
    )
    actions.submit_report(
        staff,
        incident,
        kind="first",
        text=f"{matter.area.name}发生疑似食物中毒，{people} 人送医，无危重病例。",
        now=learned + dt.timedelta(minutes=40),
    )
    actions.activate_response(
        leader,
        incident,
        plan=plan,
        level=4,
        note="发病人数达到四级响应条件",
        now=learned + dt.timedelta(hours=1),
    )
    dispatch = actions.dispatch_material(
        staff,
        water,
        quantity=50,
        destination=f"{matter.area.name}卫生院",
        incident=incident,
        now=learned + dt.timedelta(hours=2),
    )
    actions.add_log_entry(
        staff,
        incident,
        text="县卫生应急医疗队到达现场，病人分流至县人民医院和乡镇卫生院。",
        now=learned + dt.timedelta(hours=2, minutes=30),
    )
    actions.submit_report(
        staff,
        incident,
        kind="follow_up",
        text="病人全部得到救治，可疑食品已封存送检。",
        now=learned + dt.timedelta(hours=20),
    )
    release = actions.draft_release(
        staff,
        incident,
        title=f"关于{matter.area.name}疑似食物中毒事件的情况通报",
        body=f"{matter.area.name}一场宴席后部分群众出现呕吐腹泻症状，已全部送医救治，病情稳定。"
        "可疑食品已封存送检，卫生健康部门正在开展调查。请群众注意饮食卫生，不信谣不传谣。",
        now=learned + dt.timedelta(hours=3),
    )
    actions.publish_release(leader, release, now=learned + dt.timedelta(hours=3, minutes=30))
    first_tasks = incident.tasks.order_by("pk")[:2]
    for task in first_tasks:
        actions.complete_task(staff, task, note="已完成", now=learned + dt.timedelta(hours=6))
    if now - learned > dt.timedelta(days=3):  # an older matter: the response ended and the aftermath began
        ended = learned + dt.timedelta(days=2)
        for task in incident.tasks.filter(status="open"):
            actions.complete_task(staff, task, note="已完成", now=learned + dt.timedelta(hours=30))
        actions.submit_report(
            staff, incident, kind="follow_up", text="病人陆续出院。", now=learned + dt.timedelta(hours=44)
        )
        actions.end_response(leader, incident, note="病人全部出院，无新增病例", now=ended)
        actions.submit_report(
            staff,
            incident,
            kind="final",
            text="事件处置完毕，原因为宴席凉菜被沙门氏菌污染。",
            now=ended + dt.timedelta(hours=10),
        )
        if now - ended > dt.timedelta(days=2):  # 善后: investigation, 问题查处, 整改, 举一反三, recovery
            load_aftermath_demo(staff, leader, incident, plan, ended, now)
        else:
            actions.record_cause(
                staff,
                incident,
                cause="家庭宴席凉菜加工储存不当，被沙门氏菌污染。",
                now=ended + dt.timedelta(days=1),
            )
        aftermath = actions.add_aftermath_task(
            staff,
            incident,
            title="开展农村集体聚餐备案和厨师培训（举一反三）",
            owner_unit=_unit("县卫生健康局"),
            now=ended + dt.timedelta(days=1),
        )
        actions.return_material(staff, dispatch, quantity=20, now=ended)
        if now - ended > dt.timedelta(days=25):
            actions.complete_task(
                staff, aftermath, note="已开展培训 3 期，建立聚餐备案制度", now=ended + dt.timedelta(days=25)
            )
    return matter.number


def load_emergency_demo(now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    today = timezone.localdate(now)
    staff = User.objects.filter(username="zongzhi").first()
    leader = User.objects.filter(username="lingdao").first()
    town_staff = User.objects.filter(username="zhen").first()
    county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("path").first()
    if staff is None or leader is None or county is None:
        return ""
    town = town_staff.area if town_staff is not None else None
    plans = _plans(staff, town_staff, leader, county, town, now)
    drills = _drills(staff, county, plans, today, now)
    water = _resources(staff, county, today)
    number = _incident(staff, leader, plans, water, now)
    programme = load_preparedness_demo(staff, county, today, now)
    line = f"应急：{Plan.objects.count()} 个预案，{drills} 次演练，{programme}"
    return line + (f"，事项 {number} 按突发事件处置（四级响应）。" if number else "。")
