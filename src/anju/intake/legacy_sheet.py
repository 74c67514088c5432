"""Reading a legacy 台账 (.xlsx or .csv) and checking its rows; writes nothing.

``read_sheet`` gives the header and the rows as text (formulas marked), ``guess_mapping`` matches header
names to the fields anju needs, and ``check_rows`` turns each row into a ``HistoricalMatter`` for
``intake.history_import`` or into row-level errors in Chinese (line numbers as the spreadsheet shows them).

A legacy row becomes a matter registered at its date by the importer. A row marked 已办结 / 已化解 becomes a
resolved matter: its timeline is 登记 → 研判 → 交办 → 化解 (the steps the workflow requires), each noted as
taken from the legacy ledger, without a risk level, unit or deadline that the sheet does not give.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.models import Area, AreaLevel, Domain
from anju.intake.history_import import HistoricalEvent, HistoricalMatter, HistoricalReport
from anju.intake.models import Channel
from anju.intake.validation import PHONE_MESSAGE, is_valid_phone, normalise_phone
from anju.matters.models import MatterKind

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2_000
MAX_CELL_CHARS = 2_000
MAX_TITLE_CHARS = 200
MAX_NAME_CHARS = 50
FORMULA_MESSAGE = gettext_lazy("单元格含公式，请粘贴为数值")

# field → (label, required, header names it is guessed from, most specific first)
FIELDS: dict[str, tuple] = {
    "title": (gettext_lazy("标题"), True, ("标题", "事项名称", "事项标题", "矛盾纠纷名称", "事项")),
    "description": (
        gettext_lazy("情况描述"),
        False,
        ("情况描述", "基本情况", "主要内容", "简要情况", "内容"),
    ),
    "occurred_at": (
        gettext_lazy("发生/登记时间"),
        True,
        ("发生时间", "登记日期", "登记时间", "受理时间", "受理日期", "排查时间", "日期", "时间"),
    ),
    "area": (
        gettext_lazy("村/社区"),
        True,
        ("村/社区", "村（社区）", "村(社区)", "所在村", "发生地", "村", "社区"),
    ),
    "domain": (gettext_lazy("类别"), True, ("风险领域", "类别", "领域", "类型")),
    "party": (gettext_lazy("当事人"), False, ("当事人", "申请人", "反映人")),
    "phone": (gettext_lazy("电话"), False, ("联系电话", "电话", "联系方式", "手机")),
    "status": (gettext_lazy("状态"), False, ("办理状态", "化解情况", "是否化解", "状态")),
    "resolved_at": (gettext_lazy("办结时间"), False, ("办结时间", "化解时间", "办结日期", "化解日期")),
    "outcome": (gettext_lazy("化解结果"), False, ("化解结果", "处理结果", "办理结果", "结果")),
}
REQUIRED = [name for name, (_label, required, _names) in FIELDS.items() if required]
CLOSED_WORDS = {"已办结", "办结", "已化解", "化解", "已解决", "解决", "是", "已完成", "完成"}
OPEN_WORDS = {"", "在办", "未办结", "未化解", "化解中", "处理中", "办理中", "否", "未解决", "待处理"}
DATE_PATTERN = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?秒?)?$"
)
LEGACY_NOTE = gettext_lazy("据历史台账导入")


class SheetError(Exception):
    """The file as a whole cannot be read (not a row's fault)."""


@dataclass
class Sheet:
    headers: list[str]
    rows: list[list[str]]  # text of each cell
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row index, column index)
    first_line: int = 2  # the line of the first row after the header
    lines: list[int] = field(default_factory=list)  # the spreadsheet's line number of each row


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class CheckedRow:
    line: int
    matter: HistoricalMatter


@dataclass
class CheckResult:
    rows: list[CheckedRow]
    errors: list[RowError]
    row_count: int

    @property
    def error_lines(self) -> set[int]:
        return {e.line for e in self.errors}


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else f"{value:%Y-%m-%d}"
        )
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(content: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula is read as its text, so it can be refused rather than silently lost
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise SheetError(_("无法读取该 Excel 文件，请另存为 .xlsx 或 .csv 后重新上传。")) from None
    records = []
    for line, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        formulas = {i for i, v in enumerate(values) if isinstance(v, str) and v.startswith("=")}
        records.append((line, [_cell_text(v) for v in values], formulas))
        if len(records) > MAX_ROWS + HEADER_SEARCH_ROWS:
            break
    book.close()
    return _assemble(records)


HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in a 台账


def _header_index(records) -> int | None:
    """The header: the first of the first rows whose names match at least two fields, else the first row
    with two or more filled cells."""
    candidates = [
        i for i, (_line, texts, _f) in enumerate(records[:HEADER_SEARCH_ROWS]) if sum(map(bool, texts)) >= 2
    ]
    for i in candidates:
        if len(guess_mapping(records[i][1])) >= 2:
            return i
    return candidates[0] if candidates else None


def _assemble(records) -> Sheet:
    """A sheet from (line, cell texts, formula columns) records: the header found, empty rows dropped."""
    records = [r for r in records if any(r[1])]
    index = _header_index(records)
    if index is None:
        raise SheetError(_("文件中没有表头行。"))
    headers = [h.strip() for h in records[index][1]]
    while headers and not headers[-1]:
        headers.pop()
    data = records[index + 1 :]
    if len(data) > MAX_ROWS:
        raise SheetError(_("数据行过多（最多 %(n)s 行），请分批导入。") % {"n": MAX_ROWS})
    sheet = Sheet(headers=headers, rows=[], first_line=records[index][0] + 1)
    for row_index, (line, texts, formulas) in enumerate(data):
        sheet.rows.append(texts)
        sheet.lines.append(line)
        sheet.formulas.update((row_index, column) for column in formulas)
    return sheet


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK unless told otherwise
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(_("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码。"))


def _read_csv(content: bytes) -> Sheet:
    text = _decode(content)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise SheetError(_("CSV 文件格式有误，无法读取。")) from None
    records = []
    for line, values in enumerate(rows, start=1):
        texts = [v.strip() for v in values]
        records.append((line, texts, {i for i, v in enumerate(texts) if v.startswith("=")}))
    return _assemble(records)


def read_sheet(file_name: str, content: bytes) -> Sheet:
    """The sheet of an uploaded .xlsx or .csv; ``SheetError`` with a Chinese message when it cannot be read."""
    if not content:
        raise SheetError(_("上传的文件是空的。"))
    if len(content) > MAX_FILE_BYTES:
        raise SheetError(_("文件过大（最多 5 MB），请分批导入。"))
    kind = file_kind(file_name)
    if kind == "xlsx":
        return _read_xlsx(content)
    if kind == "csv":
        return _read_csv(content)
    raise SheetError(_("只支持 .xlsx 和 .csv 文件。"))


def file_kind(file_name: str) -> str:
    name = (file_name or "").lower()
    return "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith(".csv") else ""


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Each field's column, from the header names: an exact name first, then a header containing it."""
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    normalised = [re.sub(r"\s+", "", h) for h in headers]
    for exact in (True, False):
        for name, (_label, _required, candidates) in FIELDS.items():
            if name in mapping:
                continue
            for candidate in candidates:
                found = next(
                    (
                        i
                        for i, header in enumerate(normalised)
                        if i not in taken
                        and header
                        and (header == candidate if exact else candidate in header)
                    ),
                    None,
                )
                if found is not None:
                    mapping[name] = found
                    taken.add(found)
                    break
    return mapping


def mapping_from_names(headers: list[str], columns: dict[str, str]) -> dict[str, int]:
    """A saved mapping (field → header name) applied to this sheet's headers; missing names are left out."""
    index = {h: i for i, h in enumerate(headers)}
    return {name: index[header] for name, header in columns.items() if name in FIELDS and header in index}


def parse_moment(text: str) -> dt.datetime | None:
    match = DATE_PATTERN.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return timezone.make_aware(dt.datetime(year, month, day, hour, minute, second))
    except ValueError:
        return None


class _Lookups:
    """Areas under the importer's area by name, and domains by name or code, read once per check."""

    def __init__(self, within: Area):
        self.areas: dict[str, list[Area]] = {}
        for area in Area.objects.subtree(within).filter(level__gte=AreaLevel.VILLAGE):
            self.areas.setdefault(area.name, []).append(area)
        self.domains: dict[str, Domain] = {}
        for domain in Domain.objects.filter(active=True):
            for key in (domain.code, domain.name, domain.name_en):
                if key:
                    self.domains[key.strip().lower()] = domain

    def area(self, name: str):
        found = self.areas.get(name.strip(), [])
        villages = [a for a in found if a.level == AreaLevel.VILLAGE]
        return (villages or found) if found else []

    def domain(self, name: str) -> Domain | None:
        return self.domains.get(name.strip().lower())


def check_rows(actor, within: Area, sheet: Sheet, mapping: dict[str, int], *, now=None) -> CheckResult:
    """Each row as a ``HistoricalMatter`` or as its errors. A missing required column is an error of every
    row (and of the header line), so nothing is imported until the mapping is complete."""
    now = now or timezone.now()
    errors: list[RowError] = []
    missing = [name for name in REQUIRED if name not in mapping or mapping[name] >= len(sheet.headers)]
    lines = sheet.lines or [sheet.first_line + i for i in range(len(sheet.rows))]
    if missing:
        labels = "、".join(str(FIELDS[name][0]) for name in missing)
        errors.append(RowError(sheet.first_line - 1, labels, _("缺少必需的列：%(cols)s") % {"cols": labels}))
        return CheckResult(rows=[], errors=errors, row_count=len(sheet.rows))
    lookups = _Lookups(within)
    checked = []
    for index, (values, line) in enumerate(zip(sheet.rows, lines, strict=True)):
        row_errors, matter = _check_row(actor, lookups, sheet, mapping, index, values, line, now)
        errors.extend(row_errors)
        if matter is not None and not row_errors:
            checked.append(CheckedRow(line=line, matter=matter))
    return CheckResult(rows=checked, errors=errors, row_count=len(sheet.rows))


def _check_row(actor, lookups, sheet, mapping, index, values, line, now):
    errors: list[RowError] = []

    def header(name: str) -> str:
        column = mapping.get(name)
        return sheet.headers[column] if column is not None and column < len(sheet.headers) else ""

    def value(name: str) -> str:
        column = mapping.get(name)
        if column is None or column >= len(values):
            return ""
        return values[column]

    def error(name: str, message: str) -> None:
        errors.append(RowError(line, header(name) or str(FIELDS[name][0]), str(message)))

    for name, column in mapping.items():
        if (index, column) in sheet.formulas:
            error(name, FORMULA_MESSAGE)
        elif len(value(name)) > MAX_CELL_CHARS:
            error(name, _("单元格内容过长（最多 %(n)s 字）。") % {"n": MAX_CELL_CHARS})
    if errors:
        return errors, None
    title = value("title")
    if not title:
        error("title", _("标题不能为空。"))
    elif len(title) > MAX_TITLE_CHARS:
        error("title", _("标题不能超过 %(n)s 字。") % {"n": MAX_TITLE_CHARS})
    occurred_at = parse_moment(value("occurred_at"))
    if not value("occurred_at"):
        error("occurred_at", _("日期不能为空。"))
    elif occurred_at is None:
        error("occurred_at", _("日期“%(v)s”无法识别，请写作 2024-03-15。") % {"v": value("occurred_at")[:30]})
    elif occurred_at > now:
        error("occurred_at", _("日期不能晚于今天。"))
    areas = lookups.area(value("area")) if value("area") else []
    if not value("area"):
        error("area", _("村/社区不能为空。"))
    elif not areas:
        error("area", _("本辖区内没有名为“%(v)s”的村/社区。") % {"v": value("area")[:30]})
    elif len(areas) > 1:
        error(
            "area", _("“%(v)s”在本辖区内有重名，请在系统中核对后改用唯一名称。") % {"v": value("area")[:30]}
        )
    domain = lookups.domain(value("domain")) if value("domain") else None
    if not value("domain"):
        error("domain", _("类别不能为空。"))
    elif domain is None:
        error("domain", _("“%(v)s”不是系统中的风险领域。") % {"v": value("domain")[:30]})
    status = value("status")
    closed = status in CLOSED_WORDS
    if status not in CLOSED_WORDS | OPEN_WORDS:
        error(
            "status",
            _("状态“%(v)s”无法识别，请填写“%(closed)s”或“%(open)s”。")
            % {"v": status[:20], "closed": "已办结", "open": "在办"},
        )
    resolved_at = None
    if closed:
        resolved_at = parse_moment(value("resolved_at")) if value("resolved_at") else occurred_at
        if value("resolved_at") and resolved_at is None:
            error("resolved_at", _("办结时间“%(v)s”无法识别。") % {"v": value("resolved_at")[:30]})
        elif resolved_at and occurred_at and (resolved_at < occurred_at or resolved_at > now):
            error("resolved_at", _("办结时间须在发生时间之后、今天之前。"))
    party, phone = value("party"), normalise_phone(value("phone"))
    if len(party) > MAX_NAME_CHARS:
        error("party", _("当事人姓名不能超过 %(n)s 字。") % {"n": MAX_NAME_CHARS})
    if phone and not is_valid_phone(phone):
        error("phone", PHONE_MESSAGE)
    if errors:
        return errors, None
    return [], _matter(
        actor, line, title, value, occurred_at, areas[0], domain, closed, resolved_at, party, phone
    )


def _matter(actor, line, title, value, occurred_at, area, domain, closed, resolved_at, party, phone):
    note = str(LEGACY_NOTE)
    events = [HistoricalEvent(at=occurred_at, actor=actor, kind="registered", note=note)]
    if closed:
        events += [
            HistoricalEvent(at=resolved_at, actor=actor, kind=kind, note=note)
            for kind in ("assessed", "assigned", "resolved")
        ]
    parties = [{"role": "applicant", "name": party, "phone": phone}] if (party or phone) else []
    return HistoricalMatter(
        key=line,
        kind=MatterKind.DISPUTE,
        domain=domain,
        area=area,
        title=title,
        description=value("description") or title,
        occurred_at=occurred_at,
        events=events,
        outcome=value("outcome") if closed else "",
        parties=parties,
        report=HistoricalReport(channel=Channel.OTHER, received_at=occurred_at, created_by=actor),
    )
