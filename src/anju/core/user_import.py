"""Importing user accounts from a spreadsheet: reading the file, checking every row, the template.

Nothing here writes to the database: ``actions.import_users`` checks the rows again with ``check_user_rows``
and creates the accounts all at once, or none. A county sets up hundreds of staff accounts this way: one row
per account with its user name, name, role (Chinese label or code), area (区划代码 or a path of names such
as 示范县/东镇/东一村), unit and, optionally, a phone number.
"""

from __future__ import annotations

import csv
import io
import secrets
import zipfile
from dataclasses import asdict, dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.models import Area, Unit, User
from anju.core.phones import is_valid_phone, normalise_phone
from anju.core.roles import UNIT_SCOPED_ROLES, Role
from anju.core.scoping import in_scope
from anju.core.textsafety import has_invisible, strip_controls

MAX_ROWS = 2000
MAX_FILE_BYTES = 5 * 1024 * 1024

# (field, the template's header, other headers accepted for it)
COLUMNS = (
    ("username", gettext_lazy("用户名"), ("账号", "登录名", "username")),
    ("display_name", gettext_lazy("姓名"), ("display_name", "name")),
    ("role", gettext_lazy("角色"), ("role",)),
    ("area", gettext_lazy("管辖范围"), ("区域", "区划代码", "area")),
    ("unit", gettext_lazy("所属单位"), ("单位", "unit")),
    ("phone", gettext_lazy("手机号码"), ("手机", "电话", "联系电话", "phone")),
)
REQUIRED = ("username", "display_name", "role", "area")
PATH_SEPARATORS = ("／", ">", "＞", "\\", "、")
# No 0/O, 1/l/I: an initial password is read off a list and typed by hand. The characters to draw from, not
# a password (bandit's B105 reads the name).
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nosec B105
PASSWORD_GROUPS, PASSWORD_GROUP_LENGTH = 4, 4  # "k7Qm-x3Fp-9aZe-Rt4w": 16 random characters


@dataclass(frozen=True)
class UserRow:
    """One account as the file gives it: text cells, and the row number the administrator sees."""

    line: int
    username: str = ""
    display_name: str = ""
    role: str = ""
    area: str = ""
    unit: str = ""
    phone: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> UserRow:
        names = {f for f, _header, _others in COLUMNS}
        return cls(line=int(data["line"]), **{k: str(v) for k, v in data.items() if k in names})


@dataclass
class CheckedRow:
    """A row with what it names found (None where not) and its problems, in Chinese."""

    row: UserRow
    role: str | None = None
    area: Area | None = None
    unit: Unit | None = None
    phone: str = ""
    errors: list[str] = field(default_factory=list)


class UserRowErrors(ValidationError):
    """Some rows cannot be imported; ``rows`` holds every checked row, the bad ones with their errors."""

    def __init__(self, rows: list[CheckedRow]):
        self.rows = rows
        super().__init__({str(c.row.line): c.errors for c in rows if c.errors})


def initial_password() -> str:
    """A random one-time password, 16 characters in dash-separated groups of four."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


# --- reading ----------------------------------------------------------------------------------------------
def _file_error(message) -> ValidationError:
    return ValidationError({"file": [message]})


def _cell_text(value) -> str:
    """A cell as text: Excel's numbers (a phone, a 12-digit 区划代码) without ".0"; controls dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return strip_controls(str(value)).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        # the header and one row more than allowed, so that a longer file is refused, not cut short
        for values in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 50, max_col=len(COLUMNS) + 10):
            rows.append([_cell_text(v) for v in values])
        book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as exc:
        raise _file_error(_("无法读取该 Excel 文件，请用模板另存为 .xlsx 后重新上传。")) from exc
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    # Excel and WPS on Chinese Windows save CSV as GB18030 (GBK); others as UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _file_error(_("无法识别该 CSV 文件的编码，请保存为 UTF-8 编码后重新上传。"))
    if "\x00" in text:
        raise _file_error(_("无法读取该文件，请上传 .xlsx 或 .csv 文件。"))
    try:
        return [[_cell_text(v) for v in values] for values in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise _file_error(_("无法读取该 CSV 文件：%(why)s") % {"why": exc}) from exc


def _header_fields(header: list[str]) -> list[str | None]:
    """The field of each column of the header row (None for a column anju does not read)."""
    names = {}
    for name, label, others in COLUMNS:
        for language in ("zh-hans", "en"):  # the template may have been downloaded in either language
            with translation.override(language):
                names[str(label).lower()] = name
        for text in others:
            names[text.lower()] = name
    return [names.get(h.replace("*", "").replace("＊", "").strip().lower()) for h in header]


def read_user_file(filename: str, data: bytes) -> list[UserRow]:
    """The accounts of an uploaded .xlsx or .csv (the first sheet; the first row names the columns)."""
    if not data:
        raise _file_error(_("文件是空的。"))
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(_("文件过大（最多 5 MB）。"))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(_("不支持旧版 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 后重新上传。"))
    table = _xlsx_rows(data) if data.startswith(b"PK\x03\x04") else _csv_rows(data)
    numbered = [(n, cells) for n, cells in enumerate(table, start=1) if any(cells)]
    if not numbered:
        raise _file_error(_("文件是空的。"))
    (_header_line, header), body = numbered[0], numbered[1:]
    fields = _header_fields(header)
    missing = [str(label) for name, label, _o in COLUMNS if name in REQUIRED and name not in fields]
    if missing:
        raise _file_error(
            _("第一行应为列名，缺少：%(columns)s。请使用下载的模板。") % {"columns": "、".join(missing)}
        )
    if not body:
        raise _file_error(_("文件中没有账号（第一行列名之下没有内容）。"))
    if len(body) > MAX_ROWS:
        raise _file_error(_("一次最多导入 %(n)s 个账号，请分成几个文件。") % {"n": MAX_ROWS})
    rows = []
    for line, cells in body:
        values = {}
        for name, value in zip(fields, cells, strict=False):
            if name is not None and name not in values:
                values[name] = value
        rows.append(UserRow(line=line, **values))
    return rows


# --- checking ---------------------------------------------------------------------------------------------
def role_names() -> dict[str, str]:
    """Every way a role may be written: its code, its Chinese label, its English label."""
    names = {}
    for role in Role:
        names[role.value.lower()] = role.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(role.label).lower()] = role.value
    return names


def role_choices_text() -> str:
    with translation.override("zh-hans"):
        return "、".join(str(role.label) for role in Role)


class AreaFinder:
    """Areas by 区划代码 or by a path of names ending at the area (示范县/东镇/东一村, 东镇/东一村, 东一村)."""

    def __init__(self):
        self.areas = {a.pk: a for a in Area.objects.only("pk", "code", "name", "level", "parent", "path")}
        self.by_code = {a.code: a for a in self.areas.values()}
        self.by_name: dict[str, list[Area]] = {}
        for area in self.areas.values():
            self.by_name.setdefault(area.name, []).append(area)

    def names_up(self, area: Area) -> list[str]:
        names = []
        while area is not None:
            names.append(area.name)
            area = self.areas.get(area.parent_id)
        return names

    def full_name(self, area: Area) -> str:
        return "/".join(reversed(self.names_up(area)))

    def find(self, text: str) -> tuple[Area | None, str]:
        """The area and "", or None and why not."""
        if text in self.by_code:
            return self.by_code[text], ""
        path = text
        for separator in PATH_SEPARATORS:
            path = path.replace(separator, "/")
        names = [n.strip() for n in path.split("/") if n.strip()]
        if not names:
            return None, _("管辖范围“%(area)s”不存在。") % {"area": text}
        found = [a for a in self.by_name.get(names[-1], []) if self.names_up(a)[: len(names)] == names[::-1]]
        if len(found) == 1:
            return found[0], ""
        if not found:
            if text.isdigit():
                return None, _("区划代码“%(area)s”不存在。") % {"area": text}
            return None, _("管辖范围“%(area)s”不存在，请填写区划代码或“县/乡镇/村”形式的区域路径。") % {
                "area": text
            }
        return None, _("有 %(n)s 个区域叫“%(area)s”，请写出上级区域（如“东镇/东一村”）或填写区划代码。") % {
            "n": len(found),
            "area": text,
        }


def _find_unit(finder: AreaFinder, units: dict[str, list[Unit]], name: str, area: Area) -> Unit | None:
    """The unit of that name in the account's area or the nearest area above it."""
    candidates = units.get(name, [])
    here = area
    while here is not None:
        for unit in candidates:
            if unit.area_id == here.pk:
                return unit
        here = finder.areas.get(here.parent_id)
    return None


def check_user_rows(actor, rows: list[UserRow]) -> list[CheckedRow]:
    """Each row with what it names and its problems. Rows are checked against each other (a user name twice),
    the accounts that exist, and the actor's scope (``actor`` None: the server's operator, no limit)."""
    finder = AreaFinder()
    unit_names = {r.unit for r in rows if r.unit}
    units: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(name__in=unit_names):
        units.setdefault(unit.name, []).append(unit)
    wanted = {r.username.lower() for r in rows if r.username}
    taken = set(
        User.objects.annotate(lowered=Lower("username"))
        .filter(lowered__in=wanted)
        .values_list("lowered", flat=True)
    )
    roles = role_names()
    username_rule = UnicodeUsernameValidator()
    first_line: dict[str, int] = {}
    checked = []
    for row in rows:
        c = CheckedRow(row=row)
        errors = c.errors
        for name, label, _others in COLUMNS:
            if name in REQUIRED and not getattr(row, name):
                errors.append(_("请填写%(column)s。") % {"column": label})
        if row.username:
            key = row.username.lower()
            if len(row.username) > 150 or has_invisible(row.username):
                errors.append(_("用户名“%(u)s”过长或含不可见字符。") % {"u": row.username[:40]})
            else:
                try:
                    username_rule(row.username)
                except ValidationError:
                    errors.append(
                        _("用户名“%(u)s”只能包含字母、数字和 @ . + - _ 字符，不能有空格。")
                        % {"u": row.username}
                    )
            if key in first_line:
                errors.append(
                    _("用户名“%(u)s”与第 %(line)s 行重复。") % {"u": row.username, "line": first_line[key]}
                )
            elif key in taken:
                errors.append(_("用户名“%(u)s”已存在。") % {"u": row.username})
            first_line.setdefault(key, row.line)
        if row.display_name and (len(row.display_name) > 50 or has_invisible(row.display_name)):
            errors.append(_("姓名过长（最多 50 个字）或含不可见字符。"))
        if row.role:
            c.role = roles.get(row.role.lower())
            if c.role is None:
                errors.append(
                    _("角色“%(role)s”无法识别，应为：%(choices)s。")
                    % {"role": row.role, "choices": role_choices_text()}
                )
        area_allowed = False
        if row.area:
            c.area, why = finder.find(row.area)
            if why:
                errors.append(why)
            elif actor is not None and not in_scope(actor, c.area):
                errors.append(_("“%(area)s”不在您的管辖范围内。") % {"area": finder.full_name(c.area)})
            else:
                area_allowed = True
        if row.unit and area_allowed:
            c.unit = _find_unit(finder, units, row.unit, c.area)
            if c.unit is None:
                errors.append(
                    _("所属单位“%(unit)s”在“%(area)s”及其上级区域中不存在。")
                    % {"unit": row.unit, "area": finder.full_name(c.area)}
                )
            elif actor is not None and not in_scope(actor, c.unit.area):
                errors.append(_("所属单位“%(unit)s”不在您的管辖范围内。") % {"unit": row.unit})
        if c.role in UNIT_SCOPED_ROLES and not row.unit:
            errors.append(_("职能部门的账号须填写所属单位（只办理本单位承办的事项）。"))
        if row.phone:
            c.phone = normalise_phone(row.phone)
            if not is_valid_phone(c.phone):
                errors.append(_("手机号码“%(phone)s”格式不正确。") % {"phone": row.phone})
        checked.append(c)
    return checked


# --- spreadsheets written -----------------------------------------------------------------------------------
def _xlsx_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook(actor) -> bytes:
    """The template: the columns to fill, how to fill them, and the areas and units the actor may use."""
    from openpyxl import Workbook

    from anju.core.scoping import scoped
    from anju.core.spreadsheet import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = _("账号")
    append_row(sheet, [str(label) for _n, label, _o in COLUMNS])
    for column, width in zip("ABCDEF", (16, 10, 12, 36, 20, 16), strict=True):
        sheet.column_dimensions[column].width = width
    guide = book.create_sheet(_("填写说明"))
    for line in (
        (_("列"), _("必填"), _("说明")),
        (_("用户名"), _("是"), _("登录用的账号：字母、数字和 @ . + - _，不能与已有账号重复。")),
        (_("姓名"), _("是"), _("使用人的姓名，最多 50 个字。")),
        (_("角色"), _("是"), role_choices_text()),
        (_("管辖范围"), _("是"), _("区划代码（见“区域”表），或区域路径，如 示范县/东镇/东一村。")),
        (_("所属单位"), _("职能部门必填"), _("单位名称（见“单位”表），在管辖范围或其上级区域中。")),
        (_("手机号码"), _("否"), _("11 位手机号或带区号的固定电话。")),
        ("", "", _("每个账号会得到一个随机初始密码，导入后只显示一次，首次登录须修改。")),
    ):
        append_row(guide, [str(v) for v in line])
    guide.column_dimensions["C"].width = 80
    finder = AreaFinder()
    areas = book.create_sheet(_("区域"))
    append_row(areas, [_("区划代码"), _("区域路径")])
    for area in scoped(actor, Area).order_by("path") if actor is not None else Area.objects.order_by("path"):
        append_row(areas, [area.code, finder.full_name(finder.areas[area.pk])])
    areas.column_dimensions["A"].width, areas.column_dimensions["B"].width = 16, 50
    units = book.create_sheet(_("单位"))
    append_row(units, [_("单位"), _("所在区域")])
    unit_rows = scoped(actor, Unit) if actor is not None else Unit.objects.all()
    for unit in unit_rows.order_by("area__path", "name"):
        append_row(units, [unit.name, finder.full_name(finder.areas[unit.area_id])])
    units.column_dimensions["A"].width, units.column_dimensions["B"].width = 24, 50
    return _xlsx_bytes(book)


def password_list_rows(created: list[tuple[User, str]]) -> list[list[str]]:
    """The header and one row per created account: user name, name, role, area, initial password."""
    header = [_("用户名"), _("姓名"), _("角色"), _("管辖范围"), _("初始密码")]
    return [header] + [
        [user.username, user.display_name, str(user.get_role_display()), user.area.name, password]
        for user, password in created
    ]


def password_list_workbook(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    from anju.core.spreadsheet import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = _("初始密码")
    for row in rows:
        append_row(sheet, row)
    for column, width in zip("ABCDE", (16, 10, 12, 20, 24), strict=True):
        sheet.column_dimensions[column].width = width
    return _xlsx_bytes(book)
