"""The monthly report as document blocks (.docx, PDF) and as a workbook (.xlsx)."""

from __future__ import annotations

import io

from django.utils import timezone, translation

from anju.core.documents import Block
from anju.reports.models import MonthlyReport

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
COLUMNS = ["新增", "化解", "上报", "超期"]
KEYS = ["new", "resolved", "escalated", "overdue"]
LEVELS = {"red": "一级（红）", "orange": "二级（橙）", "yellow": "三级（黄）", "blue": "四级（蓝）"}


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def title(report: MonthlyReport) -> str:
    """The report's title, which is also its file name (``东镇2026年11月社会领域风险防范化解工作月报``; a
    department unit's report is named by the unit, ``东镇人社所2026年11月…``)."""
    return f"{report.reporter_name}{report.month:%Y年%-m月}社会领域风险防范化解工作月报"


def ascii_name(report: MonthlyReport) -> str:
    """The file name for clients that cannot read a Chinese one."""
    unit = f"-u{report.unit_id}" if report.unit_id else ""
    return f"monthly-{report.area.code}{unit}-{report.month:%Y-%m}"


# the free-text sections, written by hand next to the computed figures (models.MonthlyReport)
TEXT_SECTIONS = (("special_actions", "专项行动开展情况"), ("survey_work", "摸排调研工作情况"))
NUMERALS = "一二三四五六七八九十"


def text_section_blocks(report: MonthlyReport, before: list[Block]) -> list[Block]:
    """The free-text sections as headed paragraphs, numbered after the headings in ``before``."""
    n = sum(1 for b in before if b.kind == "h1")
    out = []
    for i, (field, heading) in enumerate(TEXT_SECTIONS):
        text = (getattr(report, field, "") or "").strip()
        out.append(Block("h1", f"{NUMERALS[min(n + i, len(NUMERALS) - 1)]}、{heading}"))
        out += [Block("p", line) for line in text.splitlines() if line.strip()] or [Block("p", "（未填写）")]
    return out


def text_sections_sheet(wb, report: MonthlyReport) -> None:
    """The free-text sections as a sheet of the workbook (one section a row, wrapped)."""
    from openpyxl.styles import Alignment, Font

    from anju.core.spreadsheet import append_row, print_layout

    sheet = wb.create_sheet("专项行动和摸排调研")
    print_layout(sheet, title_rows="1:1", widths={"A": 22, "B": 90})
    append_row(sheet, ["项目", "情况"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for field, heading in TEXT_SECTIONS:
        append_row(sheet, [heading, (getattr(report, field, "") or "").strip() or "（未填写）"])
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")


def _grey_rhino_line(f: dict) -> str:
    """The 灰犀牛 sentence of the summary ("" for a report generated before the figure existed)."""
    rhino = f.get("grey_rhino")
    if not rhino:
        return ""
    return (
        f"灰犀牛事项本月新增 {rhino['new']} 件，月末在办 {rhino['open']} 件，"
        f"其中尚未制定缓释方案 {rhino['without_plan']} 件。"
    )


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
    with translation.override("zh-hans"):  # the report is a Chinese document whatever the UI language
        classes = "，".join(f"{EmergencyClass(k).label} {v} 起" for k, v in sorted(e["by_class"].items()))
        grades = "，".join(f"{Grade(k).label} {v} 起" for k, v in sorted(e["by_grade"].items()))
    line = f"应急：本月发生突发事件 {e['incidents']} 起"
    if e["incidents"]:
        line += f"（按类别：{classes}；按分级：{grades}）"
    return line + f"，开展应急演练 {e['drills']} 次，预案修订逾期 {e['reviews_overdue']} 件。"


def _emergency_rows(f: dict) -> list[tuple[str, int]]:
    e = f.get("emergency")
    if not e:
        return []
    return [("突发事件", e["incidents"]), ("应急演练", e["drills"]), ("预案修订逾期", e["reviews_overdue"])]


def blocks(report: MonthlyReport) -> list[Block]:
    f = report.figures
    t = f["totals"]
    out = [
        Block("title", title(report)),
        Block(
            "meta",
            f"报送单位：{f['area']}　生成时间：{timezone.localtime(report.generated_at):%Y-%m-%d %H:%M}　"
            f"报送截止：{report.due_date:%Y-%m-%d}",
        ),
        Block("h1", "一、总体情况"),
        Block(
            "p",
            f"本月新增事项 {t['new']} 件（上月 {f['previous_new']} 件，去年同月 {f['last_year_new']} 件），"
            f"化解 {t['resolved']} 件，上报 {t['escalated']} 件，月末超期 {t['overdue']} 件。"
            f"本月新增事项至月末化解率 {_rate(f['resolution_rate'])}；化解在基层（未上报）比例 "
            f"{_rate(f['grassroots_rate'])}。",
        ),
        *_grey_rhino_blocks(f),
        Block("h1", "二、分领域情况"),
        Block(
            "table",
            header=["风险领域", *COLUMNS],
            rows=[[r["name"], *[str(r[k]) for k in KEYS]] for r in f["by_domain"]]
            or [["（无）", "0", "0", "0", "0"]],
        ),
        Block("h1", "三、分村（社区）情况"),
        Block(
            "table",
            header=["村（社区）", *COLUMNS],
            rows=[[r["name"], *[str(r[k]) for k in KEYS]] for r in f["by_area"]]
            or [["（无）", "0", "0", "0", "0"]],
        ),
        *unit_blocks(f.get("by_unit")),
        Block("h1", "四、排查、预警与稳评"),
    ]
    screening = f.get("screening")
    out.append(
        Block(
            "p",
            (
                f"本月排查应报 {screening['expected']} 个，已报 {screening['filed']} 个，"
                f"完成率 {_rate(screening['rate'])}，逾期 {screening.get('late', 0)} 个。"
            )
            if screening
            else "排查：本系统未启用排查模块或本月无排查轮次。",
        )
    )
    warnings = f.get("warnings")
    if warnings:
        levels = "，".join(f"{LEVELS.get(k, k)} {v} 次" for k, v in warnings["by_level"].items())
        out.append(
            Block("p", f"本月发布预警 {warnings['total']} 次" + (f"（{levels}）" if levels else "") + "。")
        )
    assessment = f.get("assessment")
    if assessment:
        out.append(
            Block(
                "p",
                f"稳评：本月应评事项 {assessment['due']} 项，决策前完成评估 {assessment['done']} 项，"
                f"覆盖率 {_rate(assessment['rate'])}。",
            )
        )
    if line := _emergency_line(f):
        out.append(Block("p", line))
    out.append(Block("h1", "五、趋势分析"))
    out += [Block("p", line) for line in f["commentary"]] or [Block("p", "本月无新增事项。")]
    out += text_section_blocks(report, out)
    return out


UNIT_COLUMNS = ["交办", "化解", "化解率", "按期办结率", "超期", "化解在基层率", "月末在办"]


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
        Block("h2", "分责任单位情况"),
        Block(
            "p",
            "化解率：本月交办事项中至月末已化解的比例；按期办结率：本月化解且有期限的事项中在期限内化解的比例；"
            "超期：月末已过期限仍未化解的事项；化解在基层率：本月化解事项中未上报的比例。",
        ),
        Block(
            "table",
            header=["责任单位", *UNIT_COLUMNS],
            rows=[_unit_row(r) for r in rows] or [["（无）", "0", "0", "—", "—", "0", "—", "0"]],
        ),
    ]


def workbook(report: MonthlyReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from anju.core.spreadsheet import append_row, print_layout

    f = report.figures
    wb = Workbook()
    summary = wb.active
    summary.title = "总体情况"
    print_layout(summary, title_rows="1:1", widths={"A": 26, "B": 14})
    append_row(summary, [title(report)])
    summary["A1"].font = Font(bold=True, size=14)
    rows = [
        ("新增事项", f["totals"]["new"]),
        ("化解事项", f["totals"]["resolved"]),
        ("上报事项", f["totals"]["escalated"]),
        ("月末超期", f["totals"]["overdue"]),
        ("上月新增", f["previous_new"]),
        ("去年同月新增", f["last_year_new"]),
        ("新增事项月末化解率(%)", f["resolution_rate"]),
        ("化解在基层比例(%)", f["grassroots_rate"]),
    ]
    if rhino := f.get("grey_rhino"):
        rows += [
            ("灰犀牛本月新增", rhino["new"]),
            ("灰犀牛月末在办", rhino["open"]),
            ("灰犀牛未制定缓释方案", rhino["without_plan"]),
        ]
    rows += _emergency_rows(f)
    for name, value in rows:
        append_row(summary, [name, value])
    header_fill = PatternFill("solid", fgColor="EEF2F7")
    for sheet_name, key, first in (
        ("分领域", "by_domain", "风险领域"),
        ("分村（社区）", "by_area", "村（社区）"),
    ):
        sheet = wb.create_sheet(sheet_name)
        print_layout(sheet, title_rows="1:1", widths={"A": 24, "B": 10, "C": 10, "D": 10, "E": 10})
        append_row(sheet, [first, *COLUMNS])
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = (
                Font(bold=True),
                header_fill,
                Alignment(horizontal="center"),
            )
        for row in f[key]:
            append_row(sheet, [row["name"], *[row[k] for k in KEYS]])
        sheet.freeze_panes = "A2"
    if f.get("by_unit") is not None:
        units = wb.create_sheet("分责任单位")
        print_layout(units, title_rows="1:1", widths={"A": 24})
        append_row(units, ["责任单位", *UNIT_COLUMNS])
        for cell in units[1]:
            cell.font, cell.fill = Font(bold=True), header_fill
        for r in f["by_unit"]:
            append_row(units, _unit_row(r))
        units.freeze_panes = "A2"
    notes = wb.create_sheet("趋势分析")
    print_layout(notes, title_rows="1:1", widths={"A": 100})
    append_row(notes, ["趋势分析"])
    notes["A1"].font = Font(bold=True)
    for line in f["commentary"]:
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
