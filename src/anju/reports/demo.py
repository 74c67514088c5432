"""Demo content of monthly reports: last month's reports of the towns, most of them submitted, the featured
town's with its free-text sections written; the labour office's own report; one progress report (工作进展报送)
from the featured town to the county."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.core.models import Area, AreaLevel, User
from anju.reports import actions
from anju.reports.figures import previous_month
from anju.reports.models import ProgressReport

SPECIAL_ACTIONS = (
    "开展根治欠薪冬季专项行动：联合人社所对辖区 12 个在建工地逐一排查，督促 3 家企业补发工资 46.8 万元。\n"
    "开展矛盾纠纷排查化解专项行动：各村（社区）对宅基地、土地承包等纠纷集中排查，调解成功 9 起。"
)
SURVEY_WORK = (
    "网格员入户走访 1,260 户，重点摸排外出务工返乡人员和困难群众诉求；"
    "镇综治中心到 4 个村开展征地补偿分配调研，形成问题清单 6 项，已交相关部门办理。"
)
PROGRESS_TEXT = (
    "本周完成金桥村工地欠薪集中排查，涉及务工人员 23 人，已督促包工头签订还款计划，首期款项已发放。"
    "下一步将会同人社所跟踪兑付进度，防止矛盾反复。"
)


def load_reports_demo() -> str:
    staff = User.objects.filter(username="zongzhi").first()
    if staff is None:
        return ""
    month = previous_month(timezone.localdate())
    towns = list(Area.objects.filter(level=AreaLevel.TOWN).order_by("code"))
    town_staff = User.objects.filter(username="zhen").first()
    submitted = 0
    for index, town in enumerate(towns):
        report = actions.generate_report(staff, area=town, month=month)
        if town_staff is not None and town == town_staff.area:
            report = actions.write_sections(
                town_staff, report, special_actions=SPECIAL_ACTIONS, survey_work=SURVEY_WORK
            )
        if index < len(towns) - 1:  # the last town has not submitted yet, so the board shows one missing
            actions.submit_report(staff, report)
            submitted += 1
    actions.generate_report(staff, area=staff.area, month=month)
    summary = f"月报演示：{month:%Y-%m} 各镇月报 {len(towns)} 份，已报送 {submitted} 份。"
    officer = User.objects.filter(username="bumen").first()
    if officer is not None and officer.unit is not None and actions.units_report():
        actions.generate_report(officer, unit=officer.unit, month=month)
    if town_staff is not None and not ProgressReport.objects.filter(is_demo=True).exists():
        today = timezone.localdate()
        actions.submit_progress(
            town_staff,
            title="金桥村工地欠薪排查化解进展",
            period_start=today - dt.timedelta(days=7),
            period_end=today,
            text=PROGRESS_TEXT,
            is_demo=True,
        )
        summary += " 工作进展报送 1 份。"
    return summary
