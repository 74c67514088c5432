"""Importing areas and units from one .xlsx workbook: reading it, checking every row, the template.

Nothing here writes: the upload is checked (a dry run listing each bad row with its sheet, row number, column
and a Chinese message, and the changes the file would make), and ``admin_actions.import_organisation``
checks the rows again and creates everything in one transaction, or nothing.

The workbook has a sheet 区域 (区划代码, 名称, 上级区域, 层级, 纬度, 经度) and a sheet 单位 (名称, 类型, 所在区域,
职责领域); either may be left empty. A row's 上级区域 or 所在区域 is a 区划代码 or a path of names (示范县/东镇),
and may name an area created by an earlier row of the same file. Accounts are imported separately
(``user_import``), after their areas and units exist.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.models import Area, AreaLevel, Domain, Unit, UnitKind
from anju.core.scoping import in_scope
from anju.core.textsafety import has_invisible
from anju.core.user_import import MAX_FILE_BYTES, MAX_ROWS, AreaFinder, _cell_text, _xlsx_bytes

AREA_SHEET, UNIT_SHEET = gettext_lazy("区域"), gettext_lazy("单位")
# (field, header, other headers accepted)
AREA_COLUMNS = (
    ("code", gettext_lazy("区划代码"), ("代码", "code")),
    ("name", gettext_lazy("名称"), ("区域名称", "name")),
    ("parent", gettext_lazy("上级区域"), ("上级", "上级区划代码", "parent")),
    ("level", gettext_lazy("层级"), ("level",)),
    ("latitude", gettext_lazy("纬度"), ("latitude", "lat")),
    ("longitude", gettext_lazy("经度"), ("longitude", "lon", "lng")),
)
UNIT_COLUMNS = (
    ("name", gettext_lazy("名称"), ("单位名称", "name")),
    ("kind", gettext_lazy("类型"), ("单位类型", "kind")),
    ("area", gettext_lazy("所在区域"), ("区域", "area")),
    ("domains", gettext_lazy("职责领域"), ("领域", "domains")),
)
AREA_REQUIRED, UNIT_REQUIRED = ("code", "name", "parent"), ("name", "kind", "area")
LIST_SEPARATORS = ("，", ",", "、", "；", ";")


@dataclass(frozen=True)
class AreaRow:
    line: int
    code: str = ""
    name: str = ""
    parent: str = ""
    level: str = ""
    latitude: str = ""
    longitude: str = ""


@dataclass(frozen=True)
class UnitRow:
    line: int
    name: str = ""
    kind: str = ""
    area: str = ""
    domains: str = ""


@dataclass(frozen=True)
class RowError:
    sheet: str
    line: int
    column: str
    message: str


@dataclass
class OrgPlan:
    """What a checked file would do: the areas and units to create (in order), the changes in words, and
    every problem. The areas' ``parent`` is an ``Area`` or the code of an area created earlier in the file."""

    areas: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class OrgRowErrors(ValidationError):
    def __init__(self, plan: OrgPlan):
        self.plan = plan
        super().__init__([f"{e.sheet} {e.line} {e.column}: {e.message}" for e in plan.errors])


def rows_payload(areas: list[AreaRow], units: list[UnitRow]) -> dict:
    return {"areas": [asdict(r) for r in areas], "units": [asdict(r) for r in units]}


def rows_from_payload(data: dict) -> tuple[list[AreaRow], list[UnitRow]]:
    def make(cls, items):
        names = set(cls.__dataclass_fields__) - {"line"}
        return [cls(line=int(i["line"]), **{k: str(v) for k, v in i.items() if k in names}) for i in items]

    return make(AreaRow, data.get("areas", [])), make(UnitRow, data.get("units", []))


# --- reading ----------------------------------------------------------------------------------------------
def _file_error(message) -> ValidationError:
    return ValidationError({"file": [message]})


def _names(columns) -> dict[str, str]:
    names = {}
    for name, label, others in columns:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(label).lower()] = name
        for text in others:
            names[text.lower()] = name
    return names


def _sheet_named(book, label):
    wanted = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            wanted.add(str(label).lower())
    return next((s for s in book.worksheets if s.title.strip().lower() in wanted), None)


def _read_sheet(sheet, columns, required, cls) -> list:
    if sheet is None:
        return []
    table = [
        [_cell_text(v) for v in values]
        for values in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 50, max_col=len(columns) + 10)
    ]
    numbered = [(n, cells) for n, cells in enumerate(table, start=1) if any(cells)]
    if not numbered:
        return []
    (_line, header), body = numbered[0], numbered[1:]
    names = _names(columns)
    fields = [names.get(h.replace("*", "").replace("＊", "").strip().lower()) for h in header]
    missing = [str(label) for name, label, _o in columns if name in required and name not in fields]
    if missing:
        raise _file_error(
            _("“%(sheet)s”表的第一行应为列名，缺少：%(columns)s。请使用下载的模板。")
            % {"sheet": sheet.title, "columns": "、".join(missing)}
        )
    if len(body) > MAX_ROWS:
        raise _file_error(_("一张表最多 %(n)s 行，请分成几个文件。") % {"n": MAX_ROWS})
    rows = []
    for line, cells in body:
        values = {}
        for name, value in zip(fields, cells, strict=False):
            if name is not None and name not in values:
                values[name] = value
        rows.append(cls(line=line, **values))
    return rows


def read_org_file(data: bytes) -> tuple[list[AreaRow], list[UnitRow]]:
    """The area rows and unit rows of an uploaded workbook (sheets 区域 and 单位)."""
    from openpyxl import load_workbook

    if not data:
        raise _file_error(_("文件是空的。"))
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(_("文件过大（最多 5 MB）。"))
    if not data.startswith(b"PK\x03\x04"):
        raise _file_error(_("请上传 Excel（.xlsx）文件；旧版 .xls 请先另存为 .xlsx。"))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        areas = _read_sheet(_sheet_named(book, AREA_SHEET), AREA_COLUMNS, AREA_REQUIRED, AreaRow)
        units = _read_sheet(_sheet_named(book, UNIT_SHEET), UNIT_COLUMNS, UNIT_REQUIRED, UnitRow)
        book.close()
    except (zipfile.BadZipFile, KeyError, OSError, IndexError, TypeError) as exc:
        raise _file_error(_("无法读取该 Excel 文件，请用模板另存为 .xlsx 后重新上传。")) from exc
    if not areas and not units:
        raise _file_error(_("文件中没有区域或单位（“区域”表和“单位”表都是空的）。"))
    return areas, units


# --- checking ---------------------------------------------------------------------------------------------
def level_names() -> dict[str, int]:
    names = {}
    for level in AreaLevel:
        names[str(level.value)] = level.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                label = str(level.label).lower()
                names[label] = level.value
                for part in label.split("/"):
                    names[part.strip()] = level.value
    return names


def kind_names() -> dict[str, str]:
    names = {}
    for kind in UnitKind:
        names[kind.value] = kind.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(kind.label).lower()] = kind.value
    return names


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value


def _split(text: str) -> list[str]:
    for separator in LIST_SEPARATORS:
        text = text.replace(separator, "\n")
    return [t.strip() for t in text.split("\n") if t.strip()]


def check_org_rows(actor, area_rows: list[AreaRow], unit_rows: list[UnitRow]) -> OrgPlan:
    """Every row checked against the database, the rows above it and the actor's scope (``actor`` None: the
    server's operator, no limit); the plan of what the file would create."""
    plan = OrgPlan()
    finder = AreaFinder()
    sheet_a, sheet_u = str(AREA_SHEET), str(UNIT_SHEET)
    levels, kinds = level_names(), kind_names()
    new_areas: dict[str, dict] = {}  # code -> {"level", "name", "line", "ok"}

    def fail(sheet, row, column, message):
        plan.errors.append(RowError(sheet, row.line, str(column), message))

    def place(text: str) -> tuple[object, int, str, str]:
        """An existing Area or the code of a new one, its level and display name, or None with why not."""
        if text in new_areas:
            item = new_areas[text]
            return (text if item["ok"] else None), item["level"], item["name"], ""
        area, why = finder.find(text)
        if area is None:
            return None, 0, "", why
        if actor is not None and not in_scope(actor, area):
            return None, 0, "", _("“%(area)s”不在您的管辖范围内。") % {"area": finder.full_name(area)}
        return area, area.level, finder.full_name(area), ""

    labels = {name: label for name, label, _o in AREA_COLUMNS}
    for row in area_rows:
        errors_before = len(plan.errors)
        for name in AREA_REQUIRED:
            if not getattr(row, name):
                fail(sheet_a, row, labels[name], _("请填写%(column)s。") % {"column": labels[name]})
        code, name = row.code, row.name
        if code:
            if not code.isdigit() or not 6 <= len(code) <= 20:
                fail(sheet_a, row, labels["code"], _("区划代码应为 6–20 位数字。"))
            elif code in finder.by_code:
                fail(sheet_a, row, labels["code"], _("区划代码“%(c)s”已存在。") % {"c": code})
            elif code in new_areas:
                fail(
                    sheet_a,
                    row,
                    labels["code"],
                    _("区划代码“%(c)s”与第 %(line)s 行重复。") % {"c": code, "line": new_areas[code]["line"]},
                )
        if name and (len(name) > 100 or has_invisible(name)):
            fail(sheet_a, row, labels["name"], _("名称过长（最多 100 个字）或含不可见字符。"))
        parent, parent_level, parent_name = None, 0, ""
        if row.parent:
            parent, parent_level, parent_name, why = place(row.parent)
            if why:
                fail(sheet_a, row, labels["parent"], why)
            elif parent is None:
                fail(sheet_a, row, labels["parent"], _("上级区域所在的行有错误。"))
        level = None
        if row.level:
            level = levels.get(row.level.strip().lower())
            if level is None:
                fail(
                    sheet_a,
                    row,
                    labels["level"],
                    _("层级“%(l)s”无法识别，应为：县、乡镇、村、网格。") % {"l": row.level},
                )
        elif parent_level:
            level = min(parent_level + 1, AreaLevel.GRID)
        if level is not None and parent_level and level <= parent_level:
            fail(sheet_a, row, labels["level"], _("层级须低于上级区域。"))
        coordinates = {}
        for key in ("latitude", "longitude"):
            text = getattr(row, key)
            if text:
                value = _number(text)
                bound = 90 if key == "latitude" else 180
                if value is None or not -bound <= value <= bound:
                    fail(
                        sheet_a,
                        row,
                        labels[key],
                        _("%(c)s应为 -%(b)s 到 %(b)s 之间的数字。") % {"c": labels[key], "b": bound},
                    )
                coordinates[key] = value
        if bool(row.latitude) != bool(row.longitude):
            fail(sheet_a, row, labels["longitude"], _("经度和纬度须同时填写或同时留空。"))
        ok = len(plan.errors) == errors_before
        if code and code not in new_areas and code not in finder.by_code:
            new_areas[code] = {
                "level": level or 0,
                "name": f"{parent_name}/{name}",
                "line": row.line,
                "ok": ok,
            }
        if ok:
            plan.areas.append(
                {
                    "line": row.line,
                    "code": code,
                    "name": name,
                    "parent": parent,
                    "level": level,
                    **coordinates,
                }
            )
            plan.changes.append(
                _("新建区域：%(path)s（%(code)s）") % {"path": f"{parent_name}/{name}", "code": code}
            )

    labels = {name: label for name, label, _o in UNIT_COLUMNS}
    domains = {}
    for domain in Domain.objects.all():
        domains[domain.code.lower()] = domain
        domains[domain.name.lower()] = domain
    taken = {(u.area_id, u.name) for u in Unit.objects.only("area_id", "name")}
    in_file: dict[tuple, int] = {}
    for row in unit_rows:
        errors_before = len(plan.errors)
        for name in UNIT_REQUIRED:
            if not getattr(row, name):
                fail(sheet_u, row, labels[name], _("请填写%(column)s。") % {"column": labels[name]})
        if row.name and (len(row.name) > 100 or has_invisible(row.name)):
            fail(sheet_u, row, labels["name"], _("名称过长（最多 100 个字）或含不可见字符。"))
        kind = kinds.get(row.kind.strip().lower()) if row.kind else None
        if row.kind and kind is None:
            choices = "、".join(str(k.label) for k in UnitKind)
            fail(
                sheet_u,
                row,
                labels["kind"],
                _("类型“%(k)s”无法识别，应为：%(c)s。") % {"k": row.kind, "c": choices},
            )
        area, area_name = None, ""
        if row.area:
            area, _level, area_name, why = place(row.area)
            if why:
                fail(sheet_u, row, labels["area"], why)
            elif area is None:
                fail(sheet_u, row, labels["area"], _("所在区域所在的行有错误。"))
        if area is not None and row.name:
            key = (area.pk if isinstance(area, Area) else area, row.name)
            if key in taken:
                fail(
                    sheet_u,
                    row,
                    labels["name"],
                    _("“%(a)s”已有单位“%(n)s”。") % {"a": area_name, "n": row.name},
                )
            elif key in in_file:
                fail(
                    sheet_u,
                    row,
                    labels["name"],
                    _("单位“%(n)s”与第 %(line)s 行重复。") % {"n": row.name, "line": in_file[key]},
                )
            in_file.setdefault(key, row.line)
        served = []
        for text in _split(row.domains):
            domain = domains.get(text.lower())
            if domain is None:
                fail(sheet_u, row, labels["domains"], _("风险领域“%(d)s”不存在。") % {"d": text})
            else:
                served.append(domain.code)
        if len(plan.errors) == errors_before:
            plan.units.append(
                {"line": row.line, "name": row.name, "kind": kind, "area": area, "domains": served}
            )
            plan.changes.append(_("新建单位：%(area)s/%(name)s") % {"area": area_name, "name": row.name})
    return plan


# --- the template --------------------------------------------------------------------------------------------
def template_workbook(actor) -> bytes:
    """Two sheets to fill (区域, 单位), a guide, and the areas the actor may use with their codes."""
    from openpyxl import Workbook

    from anju.core.scoping import scoped
    from anju.core.spreadsheet import append_row

    book = Workbook()
    areas = book.active
    areas.title = str(AREA_SHEET)
    append_row(areas, [str(label) for _n, label, _o in AREA_COLUMNS])
    units = book.create_sheet(str(UNIT_SHEET))
    append_row(units, [str(label) for _n, label, _o in UNIT_COLUMNS])
    for sheet in (areas, units):
        for column in "ABCDEF":
            sheet.column_dimensions[column].width = 22
    guide = book.create_sheet(_("填写说明"))
    for line in (
        (_("表"), _("列"), _("说明")),
        (_("区域"), _("区划代码"), _("必填，6–20 位数字（统计用区划代码），不能与已有区域重复。")),
        (_("区域"), _("名称"), _("必填，最多 100 个字。")),
        (
            _("区域"),
            _("上级区域"),
            _("必填，区划代码或区域路径（如 示范县/东镇）；可以是本表前面行新建的区域。"),
        ),
        (_("区域"), _("层级"), _("县、乡镇、村、网格；留空则比上级低一级。")),
        (_("区域"), _("纬度、经度"), _("可选，地图上标注的位置，须同时填写。")),
        (_("单位"), _("名称"), _("必填，同一区域内不能重名。")),
        (_("单位"), _("类型"), "、".join(str(k.label) for k in UnitKind)),
        (_("单位"), _("所在区域"), _("必填，区划代码或区域路径；可以是“区域”表中新建的区域。")),
        (_("单位"), _("职责领域"), _("可选，风险领域名称或代码，多个用顿号分隔（见“风险领域”表）。")),
    ):
        append_row(guide, [str(v) for v in line])
    guide.column_dimensions["C"].width = 80
    finder = AreaFinder()
    known = book.create_sheet(_("已有区域"))
    append_row(known, [_("区划代码"), _("区域路径"), _("层级")])
    for area in scoped(actor, Area).order_by("path") if actor is not None else Area.objects.order_by("path"):
        append_row(known, [area.code, finder.full_name(finder.areas[area.pk]), str(area.get_level_display())])
    known.column_dimensions["A"].width, known.column_dimensions["B"].width = 16, 50
    listed = book.create_sheet(_("风险领域"))
    append_row(listed, [_("代码"), _("名称")])
    for domain in Domain.objects.filter(active=True):
        append_row(listed, [domain.code, domain.name])
    return _xlsx_bytes(book)
