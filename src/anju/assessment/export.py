"""The register (评估事项目录) with its 应评尽评 status as an .xlsx workbook (no personal data in it)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from anju.core.spreadsheet import append_row, print_layout

HEADER = [
    "年度",
    "事项名称",
    "类别",
    "提出单位",
    "所属区域",
    "涉及区域",
    "预计涉及人数",
    "计划决策日期",
    "评估环节",
    "版本",
    "措施后风险等级",
    "报告日期",
    "审核",
    "决策结果",
    "决策日期",
    "应评尽评",
]


WIDTHS = (6, 32, 16, 18, 12, 24, 10, 12, 10, 6, 12, 12, 8, 12, 12, 14)


def register_title(area, year: int | None, day: dt.date) -> str:
    """The register's title and file name: ``东镇2026年度社会稳定风险评估事项目录（2026年12月2日导出）``."""
    place = area.name if area else ""
    period = f"{year}年度" if year else ""
    return f"{place}{period}社会稳定风险评估事项目录（{day.year}年{day.month}月{day.day}日导出）"


def build_register(items, title: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "评估事项目录"
    widths = dict(zip("ABCDEFGHIJKLMNOP", WIDTHS, strict=True))
    print_layout(sheet, title_rows="1:1", widths=widths, header=title)
    append_row(sheet, HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
    for item in items:
        a = item.current_assessment
        decided = item.decided_assessment
        decision = decided.decision if decided else None
        append_row(
            sheet,
            [
                item.year,
                item.title,
                item.get_category_display(),
                item.sponsor_unit.name,
                item.area.name,
                "、".join(area.name for area in item.affected_areas.all()),
                item.people_affected,
                item.planned_decision_date,
                a.get_stage_display() if a else "未启动",
                a.revision if a else "",
                a.get_final_level_display() if a and a.final_level else "",
                item.report_date,
                "通过" if a and a.passed_review else "",
                decision.get_outcome_display() if decision else "",
                item.decided_on,
                item.coverage_label(),
            ],
        )
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
