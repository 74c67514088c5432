"""The register (评估事项目录) with its 应评尽评 status as an .xlsx workbook (no personal data in it)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from anju.core.spreadsheet import append_row, print_layout

HEADER = [
    N_("年度"),
    N_("事项名称"),
    N_("类别"),
    N_("提出单位"),
    N_("所属区域"),
    N_("涉及区域"),
    N_("预计涉及人数"),
    N_("计划决策日期"),
    N_("评估环节"),
    N_("版本"),
    N_("措施后风险等级"),
    N_("报告日期"),
    N_("审核"),
    N_("决策结果"),
    N_("决策日期"),
    N_("应评尽评"),
]


WIDTHS = (6, 32, 16, 18, 12, 24, 10, 12, 10, 6, 12, 12, 8, 12, 12, 14)


def register_title(area, year: int | None, day: dt.date) -> str:
    """The register's title and file name: ``东镇2026年度社会稳定风险评估事项目录（2026年12月2日导出）``."""
    place = area.name if area else ""
    exported = dateformat.format(day, _("Y年n月j日"))
    if year:
        text = _("%(place)s%(year)s年度社会稳定风险评估事项目录（%(day)s导出）") % {
            "place": place,
            "year": year,
            "day": exported,
        }
    else:
        text = _("%(place)s社会稳定风险评估事项目录（%(day)s导出）") % {"place": place, "day": exported}
    return text.strip()


def build_register(items, title: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("评估事项目录")
    widths = dict(zip("ABCDEFGHIJKLMNOP", WIDTHS, strict=True))
    print_layout(sheet, title_rows="1:1", widths=widths, header=title)
    append_row(sheet, [_(name) for name in HEADER])
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
                _("、").join(area.name for area in item.affected_areas.all()),
                item.people_affected,
                item.planned_decision_date,
                a.get_stage_display() if a else _("未启动"),
                a.revision if a else "",
                a.get_final_level_display() if a and a.final_level else "",
                item.report_date,
                _("通过") if a and a.passed_review else "",
                decision.get_outcome_display() if decision else "",
                item.decided_on,
                item.coverage_label(),
            ],
        )
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
