"""The ledger as an .xlsx file in the customary 台账 layout (title row, export line, one row per matter).

Personal data is always masked here: an export leaves the system, and revealing is a per-field, logged act.
"""

from __future__ import annotations

import io
from copy import copy

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from anju.core.models import Area
from anju.core.spreadsheet import FORMULA_TRIGGERS, append_row, new_cell, print_layout, safe_text, write_cell
from anju.matters.export_rows import matter_rows
from anju.matters.models import MatterKind, Satisfaction
from anju.matters.risk import current_matrix
from anju.matters.workflow import Status

# (header, column width); headers are translated when the file is written
COLUMNS = [
    (_lazy("序号"), 6),
    (_lazy("编号"), 20),
    (_lazy("登记时间"), 17),
    (_lazy("发生地（村/社区）"), 14),
    (_lazy("所属乡镇"), 12),
    (_lazy("类型"), 10),
    (_lazy("风险领域"), 16),
    (_lazy("标题"), 28),
    (_lazy("情况描述"), 48),
    (_lazy("当事人"), 18),
    (_lazy("涉及人数"), 9),
    (_lazy("涉及金额（元）"), 13),
    (_lazy("风险等级"), 9),
    (_lazy("措施后等级"), 10),
    (_lazy("责任单位"), 18),
    (_lazy("责任人"), 10),
    (_lazy("办理期限"), 11),
    (_lazy("状态"), 9),
    (_lazy("是否超期"), 9),
    (_lazy("化解结果"), 36),
    (_lazy("回访满意度"), 11),
]
HEADERS = [h for h, _w in COLUMNS]
LEVEL_COLUMNS = (12, 13)  # 风险等级, 措施后等级
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_DESCRIPTION = 500  # keep rows readable; the full text is on the matter page


def ledger_title(area: Area | None) -> str:
    return (_("%(area)s 矛盾纠纷风险隐患排查化解台账") % {"area": area.name if area else ""}).strip()


class _Labels:
    """The labels a row shows, translated once per export (not once per cell)."""

    def __init__(self, levels: dict):
        self.kind = {value: str(label) for value, label in MatterKind.choices}
        self.status = {value: str(label) for value, label in Status.choices}
        self.satisfaction = {value: str(label) for value, label in Satisfaction.choices}
        self.level = {code: str(level.label) for code, level in levels.items()}
        self.yes, self.no = _("是"), _("否")


def _row(index: int, m: dict, labels: _Labels) -> list:
    """One matter (a row of ``export_rows.matter_rows``) as the 台账's cells."""
    return [
        index,
        m["number"],
        timezone.localtime(m["registered_at"]).strftime("%Y-%m-%d %H:%M"),
        m["village"],
        m["town"],
        labels.kind.get(m["kind"], m["kind"]),
        m["domain__name"],
        m["title"],
        m["description"][:MAX_DESCRIPTION],
        m["parties"],
        m["people_involved"],
        float(m["amount_involved"]),
        labels.level.get(m["inherent_level"], ""),
        labels.level.get(m["residual_level"], ""),
        m["responsible_unit__name"] or "",
        m["responsible_person__display_name"] or m["responsible_person__username"] or "",
        m["deadline"].isoformat() if m["deadline"] else "",
        labels.status.get(m["status"], m["status"]),
        labels.yes if m["is_overdue"] else labels.no,
        m["outcome"],
        labels.satisfaction.get(m["satisfaction"], m["satisfaction"]),
    ]


class _Styles:
    """Cell styles resolved once per workbook.

    Setting font/fill/border on every cell makes openpyxl hash style objects for each of ~200k cells
    (tens of seconds for a county's ledger); copying a resolved style array is what openpyxl does internally.
    """

    def __init__(self, ws, levels: dict):
        self.ws = ws
        self.body = self._template(border=BORDER, alignment=WRAP)
        light = {"medium"}  # yellow needs dark text; the other colours take white
        self.levels = {
            code: self._template(
                border=BORDER,
                alignment=WRAP,
                fill=PatternFill("solid", start_color=lv.hex.lstrip("#").upper()),
                font=Font(color="222222" if code in light else "FFFFFF", bold=True),
            )
            for code, lv in levels.items()
        }

    def _template(self, **style):
        cell = WriteOnlyCell(self.ws)
        for name, value in style.items():
            setattr(cell, name, value)
        return cell._style

    def cell(self, value, level: str | None = None):
        """A styled cell; the resolved style is shared, and copied only for text that would read as a
        formula (``write_cell`` then sets the quote prefix on the cell's own style)."""
        cell = WriteOnlyCell(self.ws)
        style = self.levels.get(level, self.body)
        if isinstance(value, str):
            value = safe_text(value)
            if value.startswith(FORMULA_TRIGGERS):
                cell._style = copy(style)
                write_cell(cell, value)  # after the style: quotePrefix
                return cell
        cell._style = style
        cell.value = value
        return cell


def _cells_to_row(cells, row_idx: int):
    """What openpyxl's write-only sheet does with an appended row, for rows made only of cells: it first
    tries each cell as a plain value and takes it as a cell only once that raised (an exception per cell,
    a fifth of a ledger export's time). Used as the sheet's own ``_values_to_row``; should openpyxl stop
    calling that hook, its own method simply runs again."""
    for col_idx, cell in enumerate(cells, 1):
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def build_workbook(matters: QuerySet, *, exporter, area: Area | None) -> bytes:
    """Write ``matters`` (already scoped and filtered) to an .xlsx and return its bytes."""
    levels = current_matrix().levels
    labels = _Labels(levels)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("台账"))
    ws._values_to_row = _cells_to_row  # every row here is made of cells: see ``_cells_to_row``
    styles = _Styles(ws, levels)
    widths = {get_column_letter(i): width for i, (_h, width) in enumerate(COLUMNS, start=1)}
    print_layout(ws, title_rows="1:3", widths=widths)  # title, export line and header on every page
    ws.freeze_panes = "C4"  # header row and the number column stay visible

    title = new_cell(ws, ledger_title(area))
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center")
    ws.append([title])
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    append_row(
        ws,
        [
            _("导出时间：%(t)s    导出人：%(u)s")
            % {"t": stamp, "u": exporter.display_name or exporter.username}
        ],
    )
    header = []
    for text in HEADERS:
        cell = new_cell(ws, str(text))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        header.append(cell)
    ws.append(header)

    inherent_col, residual_col = LEVEL_COLUMNS
    for index, matter in enumerate(matter_rows(matters), start=1):
        values = _row(index, matter, labels)
        cells = [styles.cell(v) for v in values]
        cells[inherent_col] = styles.cell(values[inherent_col], matter["inherent_level"])
        cells[residual_col] = styles.cell(values[residual_col], matter["residual_level"])
        ws.append(cells)
    ws.merged_cells.add(f"A1:{get_column_letter(len(COLUMNS))}1")
    ws.merged_cells.add(f"A2:{get_column_letter(len(COLUMNS))}2")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
