"""The monthly report as document blocks (.docx, PDF) and as a workbook (.xlsx)."""

from __future__ import annotations

import io

from django.utils import dateformat, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from anju.core.documents import Block
from anju.reports import care_section
from anju.reports.models import MonthlyReport

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# Translated when a document is generated: a report downloaded in English mode is English.
COLUMNS = [N_("新增"), N_("化解"), N_("上报"), N_("超期")]
KEYS = ["new", "resolved", "escalated", "overdue"]
LEVELS = {
    "red": N_("一级（红）"),
    "orange": N_("二级（橙）"),
    "yellow": N_("三级（黄）"),
    "blue": N_("四级（蓝）"),
}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _columns(names) -> list[str]:
    return [_(name) for name in names]


def _name(row: dict) -> str:
    """A domain row's name in the reader's language (areas and units keep the name they were given)."""
    return row.get("name_en") or row["name"] if _english() else row["name"]


def _commentary(f: dict) -> list[str]:
    return f.get("commentary_en") or f["commentary"] if _english() else f["commentary"]


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def title(report: MonthlyReport) -> str:
    """The report's title, which is also its file name (``东镇2026年11月社会领域风险防范化解工作月报``; a
    department unit's report is named by the unit, ``东镇人社所2026年11月…``)."""
    return _("%(area)s%(month)s社会领域风险防范化解工作月报") % {
        "area": report.reporter_name,
        "month": dateformat.format(report.month, _("Y年n月")),
    }


def ascii_name(report: MonthlyReport) -> str:
    """The file name for clients that cannot read a Chinese one."""
    unit = f"-u{report.unit_id}" if report.unit_id else ""
    return f"monthly-{report.area.code}{unit}-{report.month:%Y-%m}"


# the free-text sections, written by hand next to the computed figures (models.MonthlyReport)
TEXT_SECTIONS = (("special_actions", N_("专项行动开展情况")), ("survey_work", N_("摸排调研工作情况")))
NUMERALS = "一二三四五六七八九十"


def text_section_blocks(report: MonthlyReport, before: list[Block]) -> list[Block]:
    """The free-text sections as headed paragraphs, numbered after the headings in ``before``."""
    n = sum(1 for b in before if b.kind == "h1")
    out = []
    for i, (field, heading) in enumerate(TEXT_SECTIONS):
        text = (getattr(report, field, "") or "").strip()
        numeral = NUMERALS[min(n + i, len(NUMERALS) - 1)] if get_language() != "en" else str(n + i + 1)
        out.append(Block("h1", _("%(n)s、%(heading)s") % {"n": numeral, "heading": _(heading)}))
        out += [Block("p", line) for line in text.splitlines() if line.strip()] or [
            Block("p", _("（未填写）"))
        ]
    return out


def text_sections_sheet(wb, report: MonthlyReport) -> None:
    """The free-text sections as a sheet of the workbook (one section a row, wrapped)."""
    from openpyxl.styles import Alignment, Font

    from anju.core.spreadsheet import append_row, print_layout

    sheet = wb.create_sheet(_("专项行动和摸排调研"))
    print_layout(sheet, title_rows="1:1", widths={"A": 22, "B": 90})
    append_row(sheet, [_("项目"), _("情况")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for field, heading in TEXT_SECTIONS:
        append_row(sheet, [_(heading), (getattr(report, field, "") or "").strip() or _("（未填写）")])
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")


def _grey_rhino_line(f: dict) -> str:
    """The 灰犀牛 sentence of the summary ("" for a report generated before the figure existed)."""
    rhino = f.get("grey_rhino")
    if not rhino:
        return ""
    return _(
        "灰犀牛事项本月新增 %(new)s 件，月末在办 %(open)s 件，其中尚未制定缓释方案 %(without_plan)s 件。"
    ) % {"new": rhino["new"], "open": rhino["open"], "without_plan": rhino["without_plan"]}


def _grey_rhino_blocks(f: dict) -> list[Block]:
    line = _grey_rhino_line(f)
    return [Block("p", line)] if line else []


def _emergency_line(f: dict) -> str:
    """The 应急 sentence ("" for a report generated before the figure existed)."""
    from anju.core.models import EmergencyClass
    from anju.emergency.models import Grade

    e = f.get("emergency")
    if not e:
        return ""
    sep = ", " if get_language() == "en" else "，"
    classes = sep.join(
        _("%(what)s %(n)s 起") % {"what": EmergencyClass(k).label, "n": v}
        for k, v in sorted(e["by_class"].items())
    )
    grades = sep.join(
        _("%(what)s %(n)s 起") % {"what": Grade(k).label, "n": v} for k, v in sorted(e["by_grade"].items())
    )
    line = _("应急：本月发生突发事件 %(n)s 起") % {"n": e["incidents"]}
    if e["incidents"]:
        line += _("（按类别：%(classes)s；按分级：%(grades)s）") % {"classes": classes, "grades": grades}
    return line + _("，开展应急演练 %(drills)s 次，预案修订逾期 %(overdue)s 件。") % {
        "drills": e["drills"],
        "overdue": e["reviews_overdue"],
    }


def _emergency_rows(f: dict) -> list[tuple[str, int]]:
    e = f.get("emergency")
    if not e:
        return []
    return [
        (_("突发事件"), e["incidents"]),
        (_("应急演练"), e["drills"]),
        (_("预案修订逾期"), e["reviews_overdue"]),
    ]


def blocks(report: MonthlyReport) -> list[Block]:
    f = report.figures
    t = f["totals"]
    out = [
        Block("title", title(report)),
        Block(
            "meta",
            _("报送单位：%(area)s　生成时间：%(at)s　报送截止：%(due)s")
            % {
                "area": f["area"],
                "at": f"{timezone.localtime(report.generated_at):%Y-%m-%d %H:%M}",
                "due": f"{report.due_date:%Y-%m-%d}",
            },
        ),
        Block("h1", _("一、总体情况")),
        Block(
            "p",
            _(
                "本月新增事项 %(new)s 件（上月 %(previous)s 件，去年同月 %(last_year)s 件），"
                "化解 %(resolved)s 件，上报 %(escalated)s 件，月末超期 %(overdue)s 件。"
                "本月新增事项至月末化解率 %(rate)s；化解在基层（未上报）比例 %(grassroots)s。"
            )
            % {
                "new": t["new"],
                "previous": f["previous_new"],
                "last_year": f["last_year_new"],
                "resolved": t["resolved"],
                "escalated": t["escalated"],
                "overdue": t["overdue"],
                "rate": _rate(f["resolution_rate"]),
                "grassroots": _rate(f["grassroots_rate"]),
            },
        ),
        *_grey_rhino_blocks(f),
        Block("h1", _("二、分领域情况")),
        Block(
            "table",
            header=[_("风险领域"), *_columns(COLUMNS)],
            rows=[[_name(r), *[str(r[k]) for k in KEYS]] for r in f["by_domain"]]
            or [[_("（无）"), "0", "0", "0", "0"]],
        ),
        Block("h1", _("三、分村（社区）情况")),
        Block(
            "table",
            header=[_("村（社区）"), *_columns(COLUMNS)],
            rows=[[r["name"], *[str(r[k]) for k in KEYS]] for r in f["by_area"]]
            or [[_("（无）"), "0", "0", "0", "0"]],
        ),
        *unit_blocks(f.get("by_unit")),
        *leader_blocks(f.get("by_leader")),
        Block("h1", _("四、排查、预警与稳评")),
    ]
    screening = f.get("screening")
    out.append(
        Block(
            "p",
            _("本月排查应报 %(expected)s 个，已报 %(filed)s 个，完成率 %(rate)s，逾期 %(late)s 个。")
            % {
                "expected": screening["expected"],
                "filed": screening["filed"],
                "rate": _rate(screening["rate"]),
                "late": screening.get("late", 0),
            }
            if screening
            else _("排查：本系统未启用排查模块或本月无排查轮次。"),
        )
    )
    warnings = f.get("warnings")
    if warnings:
        levels = _("，").join(
            _("%(level)s %(n)s 次") % {"level": _(LEVELS[k]) if k in LEVELS else k, "n": v}
            for k, v in warnings["by_level"].items()
        )
        text = _("本月发布预警 %(n)s 次（%(levels)s）。") if levels else _("本月发布预警 %(n)s 次。")
        out.append(Block("p", text % {"n": warnings["total"], "levels": levels}))
    assessment = f.get("assessment")
    if assessment:
        out.append(
            Block(
                "p",
                _("稳评：本月应评事项 %(due)s 项，决策前完成评估 %(done)s 项，覆盖率 %(rate)s。")
                % {"due": assessment["due"], "done": assessment["done"], "rate": _rate(assessment["rate"])},
            )
        )
    if line := _emergency_line(f):
        out.append(Block("p", line))
    out += care_section.blocks(f)
    out.append(Block("h1", _("五、趋势分析")))
    out += [Block("p", line) for line in _commentary(f)] or [Block("p", _("本月无新增事项。"))]
    out += text_section_blocks(report, out)
    return out


UNIT_COLUMNS = [
    N_("交办"),
    N_("化解"),
    N_("化解率"),
    N_("按期办结率"),
    N_("超期"),
    N_("化解在基层率"),
    N_("月末在办"),
]


def _unit_row(r: dict) -> list[str]:
    return [
        r["unit"],
        str(r["assigned"]),
        str(r["resolved"]),
        _rate(r["resolution_rate"]),
        _rate(r["on_time_rate"]),
        str(r["overdue"]),
        _rate(r["grassroots_rate"]),
        str(r["open"]),
    ]


def unit_blocks(rows: list[dict] | None) -> list[Block]:
    """The by-unit table (reports generated before it existed have none: nothing is shown)."""
    if rows is None:
        return []
    return [
        Block("h2", _("分责任单位情况")),
        Block(
            "p",
            _(
                "化解率：本月交办事项中至月末已化解的比例；按期办结率：本月化解且有期限的事项中在期限内化解的比例；"
                "超期：月末已过期限仍未化解的事项；化解在基层率：本月化解事项中未上报的比例。"
            ),
        ),
        Block(
            "table",
            header=[_("责任单位"), *_columns(UNIT_COLUMNS)],
            rows=[_unit_row(r) for r in rows] or [[_("（无）"), "0", "0", "—", "—", "0", "—", "0"]],
        ),
    ]


def leader_blocks(rows: list[dict] | None) -> list[Block]:
    """The by-leader table: the same figures per 包案领导 (reports generated before it existed have none)."""
    if not rows:
        return []
    return [
        Block("h2", _("分包案领导情况")),
        Block("table", header=[_("包案领导"), *_columns(UNIT_COLUMNS)], rows=[_unit_row(r) for r in rows]),
    ]


def workbook(report: MonthlyReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from anju.core.spreadsheet import append_row, print_layout

    f = report.figures
    wb = Workbook()
    summary = wb.active
    summary.title = _("总体情况")
    print_layout(summary, title_rows="1:1", widths={"A": 26, "B": 14})
    append_row(summary, [title(report)])
    summary["A1"].font = Font(bold=True, size=14)
    rows = [
        (_("新增事项"), f["totals"]["new"]),
        (_("化解事项"), f["totals"]["resolved"]),
        (_("上报事项"), f["totals"]["escalated"]),
        (_("月末超期"), f["totals"]["overdue"]),
        (_("上月新增"), f["previous_new"]),
        (_("去年同月新增"), f["last_year_new"]),
        (_("新增事项月末化解率(%)"), f["resolution_rate"]),
        (_("化解在基层比例(%)"), f["grassroots_rate"]),
    ]
    if rhino := f.get("grey_rhino"):
        rows += [
            (_("灰犀牛本月新增"), rhino["new"]),
            (_("灰犀牛月末在办"), rhino["open"]),
            (_("灰犀牛未制定缓释方案"), rhino["without_plan"]),
        ]
    rows += _emergency_rows(f)
    rows += care_section.summary_rows(f)
    for name, value in rows:
        append_row(summary, [name, value])
    header_fill = PatternFill("solid", fgColor="EEF2F7")
    for sheet_name, key, first in (
        (_("分领域"), "by_domain", _("风险领域")),
        (_("分村（社区）"), "by_area", _("村（社区）")),
    ):
        sheet = wb.create_sheet(sheet_name)
        print_layout(sheet, title_rows="1:1", widths={"A": 24, "B": 10, "C": 10, "D": 10, "E": 10})
        append_row(sheet, [first, *_columns(COLUMNS)])
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = (
                Font(bold=True),
                header_fill,
                Alignment(horizontal="center"),
            )
        for row in f[key]:
            append_row(sheet, [_name(row) if key == "by_domain" else row["name"], *[row[k] for k in KEYS]])
        sheet.freeze_panes = "A2"
    if f.get("by_unit") is not None:
        units = wb.create_sheet(_("分责任单位"))
        print_layout(units, title_rows="1:1", widths={"A": 24})
        append_row(units, [_("责任单位"), *_columns(UNIT_COLUMNS)])
        for cell in units[1]:
            cell.font, cell.fill = Font(bold=True), header_fill
        for r in f["by_unit"]:
            append_row(units, _unit_row(r))
        units.freeze_panes = "A2"
    if f.get("by_leader"):
        leaders = wb.create_sheet(_("分包案领导"))
        print_layout(leaders, title_rows="1:1", widths={"A": 24})
        append_row(leaders, [_("包案领导"), *_columns(UNIT_COLUMNS)])
        for cell in leaders[1]:
            cell.font, cell.fill = Font(bold=True), header_fill
        for r in f["by_leader"]:
            append_row(leaders, _unit_row(r))
        leaders.freeze_panes = "A2"
    care_section.referral_sheet(
        wb, f, lambda cell: setattr(cell, "font", Font(bold=True)) or setattr(cell, "fill", header_fill)
    )
    notes = wb.create_sheet(_("趋势分析"))
    print_layout(notes, title_rows="1:1", widths={"A": 100})
    append_row(notes, [_("趋势分析")])
    notes["A1"].font = Font(bold=True)
    for line in _commentary(f):
        append_row(notes, [line])
        notes.cell(row=notes.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    text_sections_sheet(wb, report)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download(report: MonthlyReport, fmt: str) -> tuple[bytes, str]:
    """(body, content type) of the report in ``fmt`` (one of ``CONTENT_TYPES``): the page and the API offer
    the same files, named by ``title`` (``ascii_name`` for clients that read no UTF-8 names)."""
    from anju.core.documents import render_docx, render_pdf

    if fmt == "xlsx":
        body = workbook(report)
    elif fmt == "docx":
        body = render_docx(blocks(report))
    elif fmt == "pdf":
        body = render_pdf(blocks(report), title(report))
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return body, CONTENT_TYPES[fmt]
