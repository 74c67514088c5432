"""Bulk import of areas and units (管理 → 批量导入区域和单位): the dry run writes nothing and lists each bad row
with its sheet, row number and column; a confirmed file creates everything in one transaction, audited."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from anju.core import admin_actions
from anju.core.models import Area, AuditEvent, Unit, UnitKind
from anju.core.org_import import OrgRowErrors, check_org_rows, read_org_file
from anju.core.roles import Role

pytestmark = pytest.mark.django_db

AREA_HEADER = ["区划代码", "名称", "上级区域", "层级", "纬度", "经度"]
UNIT_HEADER = ["名称", "类型", "所在区域", "职责领域"]
GOOD_AREAS = [
    ["330101003000", "东三村", "330101000000", "", "", ""],
    ["330101003001", "东三村第一网格", "330101003000", "网格", "30.1", "120.2"],
    ["330102002000", "西二村", "示范县/西镇", "村", "", ""],
]
GOOD_UNITS = [
    ["东三村村委会", "村（居）委会", "330101003000", ""],
    ["东镇人社所", "职能部门", "东镇", "社会保障和民工欠薪、land_requisition"],
]


def _xlsx(areas, units, area_header=AREA_HEADER, unit_header=UNIT_HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "区域"
    sheet.append(area_header)
    for row in areas:
        sheet.append(row)
    sheet = book.create_sheet("单位")
    sheet.append(unit_header)
    for row in units:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _counts() -> tuple[int, int, int]:
    return Area.objects.count(), Unit.objects.count(), AuditEvent.objects.count()


def test_a_good_file_creates_its_areas_and_units_in_one_go_with_audit(world):
    areas, units = read_org_file(_xlsx(GOOD_AREAS, GOOD_UNITS))
    before = _counts()
    created_areas, created_units = admin_actions.import_organisation(world.admin, areas, units)
    assert [a.path for a in created_areas] == [
        "/330100000000/330101000000/330101003000/",
        "/330100000000/330101000000/330101003000/330101003001/",
        "/330100000000/330102000000/330102002000/",
    ]
    assert [(a.level, a.latitude, a.longitude) for a in created_areas] == [
        (3, None, None),
        (4, 30.1, 120.2),
        (3, None, None),
    ]
    assert [(u.name, u.kind, u.area.code) for u in created_units] == [
        ("东三村村委会", UnitKind.VILLAGE_COMMITTEE, "330101003000"),
        ("东镇人社所", UnitKind.DEPARTMENT, "330101000000"),
    ]
    assert sorted(created_units[1].domains.values_list("code", flat=True)) == [
        "land_requisition",
        "social_security_wages",
    ]
    assert _counts() == (before[0] + 3, before[1] + 2, before[2] + 5)
    notes = list(
        AuditEvent.objects.filter(action__in=["area.create", "unit.create"])
        .order_by("-id")[:5]
        .values_list("note", flat=True)
    )
    assert notes[::-1] == [
        "批量导入，区域表第 2 行",
        "批量导入，区域表第 3 行",
        "批量导入，区域表第 4 行",
        "批量导入，单位表第 2 行",
        "批量导入，单位表第 3 行",
    ]


def test_the_dry_run_lists_every_bad_row_with_its_row_and_column_and_writes_nothing(world):
    areas = [
        ["330101003000", "东三村", "330101000000", "", "", ""],  # row 2: good
        ["330101001000", "重复村", "330101000000", "", "", ""],  # row 3: the code exists
        ["12ab", "坏码村", "330101000000", "", "", ""],  # row 4: not digits
        ["330101004000", "", "东镇", "", "", ""],  # row 5: no name
        ["330101005000", "无上级村", "南镇", "", "", ""],  # row 6: no such parent
        ["330101006000", "错层村", "330101000000", "县", "", ""],  # row 7: level above its parent
        [
            "330101007000",
            "坐标村",
            "330101000000",
            "",
            "95",
            "",
        ],  # row 8: latitude out of range, no longitude
        ["330101003000", "又一个东三村", "330101000000", "", "", ""],  # row 9: code repeats row 2
    ]
    units = [
        ["东镇派出所", "职能部门", "东镇", ""],  # row 2: exists in 东镇
        ["某单位", "警局", "东镇", ""],  # row 3: unknown kind
        ["东三村调解会", "其他", "330101003000", "不存在的领域"],  # row 4: unknown domain
        ["坏码村委会", "村（居）委会", "12ab", ""],  # row 5: its area's row is bad
    ]
    rows = read_org_file(_xlsx(areas, units))
    before = _counts()
    plan = check_org_rows(world.admin, *rows)
    assert _counts() == before
    found = [(e.sheet, e.line, e.column) for e in plan.errors]
    assert found == [
        ("区域", 3, "区划代码"),
        ("区域", 4, "区划代码"),
        ("区域", 5, "名称"),
        ("区域", 6, "上级区域"),
        ("区域", 7, "层级"),
        ("区域", 8, "纬度"),
        ("区域", 8, "经度"),
        ("区域", 9, "区划代码"),
        ("单位", 2, "名称"),
        ("单位", 3, "类型"),
        ("单位", 4, "职责领域"),
        ("单位", 5, "所在区域"),
    ]
    messages = {(e.sheet, e.line): e.message for e in plan.errors}
    assert messages[("区域", 3)] == "区划代码“330101001000”已存在。"
    assert messages[("区域", 9)] == "区划代码“330101003000”与第 2 行重复。"
    assert messages[("单位", 2)] == "“示范县/东镇”已有单位“东镇派出所”。"
    assert messages[("单位", 4)] == "风险领域“不存在的领域”不存在。"
    # the action refuses the same file whole
    with pytest.raises(OrgRowErrors):
        admin_actions.import_organisation(world.admin, *rows)
    assert _counts() == before


def test_a_town_administrator_imports_only_inside_the_town(world):
    from anju.core import actions

    town_admin = actions.create_user(
        None, username="zhen_admin", password="test-pass-123", role=Role.ADMIN, area=world.town_a
    )
    rows = read_org_file(_xlsx(GOOD_AREAS, GOOD_UNITS[:1]))
    plan = check_org_rows(town_admin, *rows)
    assert [(e.line, e.column, e.message) for e in plan.errors] == [
        (4, "上级区域", "“示范县/西镇”不在您的管辖范围内。")
    ]
    # positive control: the rows inside 东镇
    admin_actions.import_organisation(town_admin, *read_org_file(_xlsx(GOOD_AREAS[:2], GOOD_UNITS[:1])))
    assert Area.objects.filter(code="330101003001").exists()


def test_only_administrators_import(world):
    from anju.core.errors import NotAllowed

    rows = read_org_file(_xlsx(GOOD_AREAS, []))
    for who in ("centre_staff", "leader", "cadre", "auditor"):
        with pytest.raises(NotAllowed, match="无权"):
            admin_actions.import_organisation(getattr(world, who), *rows)
    assert not Area.objects.filter(code="330101003000").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "文件是空的"),
        (b"name,kind\n", "请上传 Excel"),
        (b"PK\x03\x04garbage", "无法读取该 Excel 文件"),
    ],
)
def test_unreadable_files_get_a_message(world, data, message):
    with pytest.raises(Exception, match=message):
        read_org_file(data)


def test_a_sheet_without_its_columns_is_refused_by_name(world):
    with pytest.raises(Exception, match="缺少：上级区域"):
        read_org_file(_xlsx(GOOD_AREAS, [], area_header=["区划代码", "名称"]))


def _payload(html: str) -> str:
    return re.search(r'name="payload" value="([^"]+)"', html).group(1)


def test_the_page_checks_then_confirms_and_the_template_downloads(world, client):
    client.force_login(world.admin)
    template = client.get("/manage/import/template/")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    assert book.sheetnames[:2] == ["区域", "单位"]
    assert [c.value for c in book["区域"][1]] == AREA_HEADER
    before = _counts()
    upload = io.BytesIO(_xlsx(GOOD_AREAS, GOOD_UNITS))
    upload.name = "org.xlsx"
    checked = client.post("/manage/import/", {"file": upload})
    assert checked.status_code == 200
    html = checked.content.decode()
    assert "新建区域：示范县/东镇/东三村（330101003000）" in html
    assert "新建单位：示范县/东镇/东镇人社所" in html
    assert _counts() == before  # the dry run wrote nothing
    done = client.post("/manage/import/confirm/", {"payload": _payload(html)})
    assert done.status_code == 302
    assert _counts()[:2] == (before[0] + 3, before[1] + 2)
    # a bad file: the rows with their problems, no confirm button
    bad = io.BytesIO(_xlsx([["330101009000", "九村", "南镇", "", "", ""]], []))
    bad.name = "bad.xlsx"
    refused = client.post("/manage/import/", {"file": bad})
    assert refused.status_code == 422
    assert "管辖范围“南镇”不存在" in refused.content.decode()
    assert 'name="payload"' not in refused.content.decode()
    assert client.post("/manage/import/confirm/", {"payload": "forged"}).status_code == 400


def test_the_command_checks_then_imports(world, tmp_path, capsys):
    from anju.cli import main as anju_main

    source = tmp_path / "org.xlsx"
    source.write_bytes(_xlsx([["330101009000", "九村", "南镇", "", "", ""]], []))
    assert anju_main(["import-org", str(source)]) == 1
    assert "区域表第 2 行“上级区域”" in capsys.readouterr().err
    source.write_bytes(_xlsx(GOOD_AREAS, GOOD_UNITS))
    before = _counts()
    assert anju_main(["import-org", str(source), "--dry-run"]) == 0
    assert "新建单位：示范县/东镇/东镇人社所" in capsys.readouterr().out
    assert _counts() == before
    assert anju_main(["import-org", str(source)]) == 0
    assert _counts()[:2] == (before[0] + 3, before[1] + 2)
