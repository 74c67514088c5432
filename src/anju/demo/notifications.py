"""The demo's notices: two fresh events for the featured village (a matter assigned to 金桥村村委会, so ``cun``
and ``wangge`` have something 待签收; a grid report of ``wangge`` not accepted by the town centre), then what
``anju deadline-tick`` would tell the demo county today (deadlines near or past, matters waiting for 研判), so
every demo login's bell and 工作台 have something to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def _village_events(now: dt.datetime) -> list[str]:
    from anju.core.models import Domain, Unit, User
    from anju.intake.actions import reject_report, submit_report
    from anju.matters import actions

    town_staff = User.objects.filter(username="zhen").first()
    grid_worker = User.objects.filter(username="wangge").first()
    committee = Unit.objects.filter(name="金桥村村委会").first()
    if town_staff is None or grid_worker is None or committee is None:
        return []
    village = committee.area
    domain = Domain.objects.filter(code="social_security_wages").first() or Domain.objects.first()
    matter = actions.create_matter(
        town_staff,
        kind="dispute",
        domain=domain,
        area=village,
        title=f"{village.name}装修工程尾款纠纷",
        description="村民反映装修队完工后拖欠 6 名工人尾款约 3 万元，双方对结算金额有分歧。",
        people_involved=6,
        likelihood=2,
        consequence=2,
        is_demo=True,
        now=now,
    )
    actions.assign(
        town_staff,
        matter,
        unit=committee,
        deadline=timezone.localdate(now) + dt.timedelta(days=10),
        note="请村委会组织双方核对结算单，先行调解。",
        now=now,
    )
    grid = grid_worker.area or village
    report = submit_report(
        grid_worker,
        channel="grid",
        text="网格内一处路灯不亮，居民夜间出行不便。",
        title="网格内路灯不亮",
        area=grid,
    )
    reject_report(town_staff, report, "路灯维修属供电所日常报修事项，已转供电所处理，不作为矛盾纠纷登记。")
    return [matter.number, report.receipt_code]


def _push_channel() -> None:
    """One push channel on 管理 → 推送渠道, switched off: the demo must post nothing outside."""
    from anju.core import channel_actions
    from anju.core.models import User

    admin = User.objects.filter(username="admin").first()
    if admin is None or admin.area is None:
        return
    channel_actions.save_webhook_channel(
        admin,
        name="县综治中心钉钉群（示例）",
        url="https://oapi.dingtalk.example/robot/send?access_token=demo-token",
        area=admin.area,
        active=False,
    )


def load_notifications_demo() -> str:
    from anju.matters.actions import remind_deadlines, remind_ungraded

    _push_channel()

    events = _village_events(timezone.now())
    deadlines = remind_deadlines()
    ungraded = remind_ungraded()
    village = "金桥村：交办 1 件、退回网格上报 1 件；" if events else ""
    return f"通知：{village}办理期限提醒 {deadlines} 条，待研判提醒 {ungraded} 条。"
