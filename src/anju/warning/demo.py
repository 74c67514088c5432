"""Demo content of early warning: key dates, a warning raised from the live surge, an analysis meeting, and
the county's first forecast (with its rolling-origin evaluation)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.core.models import Area, AreaLevel, Unit, UnitKind, User
from anju.warning import actions
from anju.warning.models import MeetingKind, Signal


def _next_spring_festival(today: dt.date) -> dt.date:
    dates = [
        dt.date(2025, 1, 29),
        dt.date(2026, 2, 17),
        dt.date(2027, 2, 6),
        dt.date(2028, 1, 26),
        dt.date(2029, 2, 13),
        dt.date(2030, 2, 3),
    ]
    return next((d for d in dates if d >= today), dates[-1])


def load_warning_demo(today: dt.date | None = None) -> str:
    """Call after the signal backfill. Uses the demo's county centre staff as the actor."""
    today = today or timezone.localdate()
    staff = User.objects.filter(username="zongzhi").first()
    if staff is None:
        return ""
    festival = _next_spring_festival(today)
    actions.save_key_date(
        staff, name="春节", start=festival - dt.timedelta(days=7), end=festival + dt.timedelta(days=7)
    )
    actions.save_key_date(
        staff, name="全国两会", start=dt.date(festival.year, 3, 3), end=dt.date(festival.year, 3, 15)
    )
    town = Area.objects.filter(name="青山镇", parent=staff.area).first()
    if town is not None:  # a town's own key date: daily meetings in the town only
        actions.save_key_date(
            staff, name="青山镇物资交流会", area=town, start=today, end=today + dt.timedelta(days=2)
        )
    this_monday = today - dt.timedelta(days=today.weekday())
    live = (
        Signal.objects.filter(alarm=True, week__gte=this_monday - dt.timedelta(days=7))
        .select_related("area", "domain")
        .order_by("-week", "-observed")
        .first()
    )
    issued = None
    if live is not None:
        recipients = list(Unit.objects.filter(area=live.area, kind=UnitKind.VILLAGE_COMMITTEE)) or list(
            Unit.objects.filter(area=live.area.parent, kind=UnitKind.CENTRE)
        )
        alert = actions.draft_from_signal(staff, live, level="yellow", recipients=recipients)
        issued = actions.issue_alert(staff, alert)
    meeting = actions.plan_meeting(
        staff,
        kind=MeetingKind.REGULAR,
        area=staff.area,
        title="本周社会稳定形势研判",
        held_at=timezone.now() - dt.timedelta(hours=2),
    )
    actions.record_minutes(
        staff,
        meeting,
        attendees="县委政法委副书记、县综治中心主任、各镇综治中心负责人",
        minutes="会议通报了本周预警信号和超期事项，要求各镇对较高及以上风险事项逐件落实包案领导。",
    )
    units = list(Unit.objects.filter(kind=UnitKind.CENTRE, area__parent=staff.area)[:2])
    # the featured town's centre (login zhen) gets the county meeting's task on its own task list
    featured = Unit.objects.filter(kind=UnitKind.CENTRE, area__name="青山镇", area__parent=staff.area).first()
    if featured is not None and featured not in units:
        units.append(featured)
    for unit in units:
        actions.add_decision(
            staff,
            meeting,
            kind="task",
            text="对辖区超期事项逐件督办，周五前报告进展",
            unit=unit,
            deadline=today + dt.timedelta(days=5),
        )
    forecast = (
        actions.run_forecast(staff, staff.area, refit=True) if staff.area.level == AreaLevel.COUNTY else None
    )
    told = ""
    if forecast is not None:
        skill = forecast.skill.get("skill") or {}
        told = "；预测 {} 个序列（{} ms），CRPS 技能：{}".format(
            forecast.series.count(),
            forecast.duration_ms,
            "，".join(f"{k} {v:+.1%}" for k, v in skill.items() if v is not None) or "未评估",
        )
    transmission = _load_transmission_demo()
    return transmission + (
        f"预警演示：{'已发布 1 条黄色预警，' if issued else ''}研判会 1 次（议程 {meeting.agenda.count()} 项），"
        f"重要节点 3 个{told}。"
    )


def _load_transmission_demo() -> str:
    """The 风险传导 model of each demo county, as the nightly job would store it."""
    from django.core.exceptions import ValidationError

    from anju.core.models import AreaLevel

    lines = []
    for county in Area.objects.filter(level=AreaLevel.COUNTY):
        try:
            rows = actions.fit_transmission(None, county=county)
        except ValidationError as exc:
            lines.append(f"风险传导：{county.name} 未计算（{'；'.join(exc.messages)}）。")
        else:
            lines.append(f"风险传导：{county.name} {rows[0].series_count} 个序列、{rows[0].weeks} 周已拟合。")
    return "".join(lines) + "\n" if lines else ""
