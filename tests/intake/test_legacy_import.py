"""Legacy 台账 import: reading .xlsx and .csv (UTF-8 and GBK), guessing the mapping, row-level errors, the dry
run that changes nothing in the ledger, duplicate suspicions, the all-or-nothing commit and the guards."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from anju.core.crypto import mask_name
from anju.core.errors import WorkflowError
from anju.core.models import AuditEvent
from anju.intake import legacy_import, legacy_sheet
from anju.intake.models import Report
from anju.intake.models_legacy import LegacyImport, LegacyImportStatus, LegacyMapping
from anju.matters import actions as matter_actions
from anju.matters.models import Matter, MatterEvent
from guards import check_guard

from .legacy_helpers import GOOD_ROWS, HEADER, csv_bytes, xlsx

pytestmark = pytest.mark.django_db
MAY = {"admin", "centre_staff", "town_staff"}


def upload(world, content, name="台账.xlsx", actor=None):
    return legacy_import.upload_legacy_sheet(actor or world.centre_staff, file_name=name, content=content)


def test_the_mapping_is_guessed_from_the_header_names(world):
    legacy = upload(world, xlsx(GOOD_ROWS))
    assert legacy.headers == HEADER  # the title row above the header is skipped
    assert legacy.mapping == {
        "title": 1,
        "occurred_at": 2,
        "area": 3,
        "domain": 4,
        "party": 5,
        "phone": 6,
        "status": 7,
        "resolved_at": 8,
        "outcome": 9,
    }
    assert legacy.row_count == 2
    assert legacy.status == LegacyImportStatus.UPLOADED


def test_the_file_is_stored_encrypted(world):
    from django.db import connection

    legacy = upload(world, xlsx(GOOD_ROWS))
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM intake_legacyimport WHERE id = %s", [legacy.pk])
        stored = cursor.fetchone()[0]
    assert base64.b64encode(xlsx(GOOD_ROWS))[:40].decode() not in stored
    assert LegacyImport.objects.get().content  # read back decrypted


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_in_utf8_and_gbk(world, encoding):
    legacy = upload(world, csv_bytes(GOOD_ROWS, encoding=encoding), name="台账.csv")
    assert legacy.headers == HEADER
    sheet = legacy_import.sheet_of(legacy)
    assert sheet.rows[0][1] == "东一村工地拖欠工资"


def test_unreadable_files_are_refused_with_a_message(world):
    for name, content, message in (
        ("a.xlsx", b"not a zip", "无法读取该 Excel 文件"),
        ("a.txt", b"x", "只支持 .xlsx 和 .csv 文件"),
        ("a.csv", b"", "上传的文件是空的"),
    ):
        with pytest.raises(ValidationError, match=message):
            upload(world, content, name=name)
    assert not LegacyImport.objects.exists()


def test_dry_run_lists_row_errors_and_changes_nothing_in_the_ledger(world):
    rows = [
        GOOD_ROWS[0],
        ["2", "无日期的事项", "上个月", "东一村", "征地拆迁", "", "", "在办", "", ""],
        ["3", "外村事项", "2023-06-01", "西一村", "征地拆迁", "", "", "在办", "", ""],  # 西镇: not 东镇's
        ["4", "未知类别", "2023-06-01", "东二村", "打架", "", "", "在办", "", ""],
        ["5", "超长", "2023-06-01", "东二村", "征地拆迁", "", "", "在办", "", "长" * 2001],
        ["6", "坏电话", "2023-06-01", "东二村", "征地拆迁", "张三", "123", "在办", "", ""],
    ]
    legacy = upload(world, xlsx(rows), actor=world.town_staff)
    before = (Matter.objects.count(), Report.objects.count(), MatterEvent.objects.count())
    legacy = legacy_import.dry_run(world.town_staff, legacy)
    assert (Matter.objects.count(), Report.objects.count(), MatterEvent.objects.count()) == before
    assert legacy.status == LegacyImportStatus.CHECKED
    assert (legacy.row_count, legacy.valid_count, legacy.error_count) == (6, 1, 5)
    assert legacy.errors == [
        {"line": 4, "column": "登记日期", "message": "日期“上个月”无法识别，请写作 2024-03-15。"},
        {"line": 5, "column": "村/社区", "message": "本辖区内没有名为“西一村”的村/社区。"},
        {"line": 6, "column": "类别", "message": "“打架”不是系统中的风险领域。"},
        {"line": 7, "column": "化解结果", "message": "单元格内容过长（最多 2000 字）。"},
        {
            "line": 8,
            "column": "联系电话",
            "message": "请填写正确的联系电话：11 位手机号，或带区号的固定电话（如 0571-87654321）。",
        },
    ]


def test_a_formula_is_a_row_error(world):
    rows = [["1", "公式行", "=TODAY()", "东一村", "征地拆迁", "", "", "在办", "", ""]]
    legacy = legacy_import.dry_run(world.centre_staff, upload(world, xlsx(rows)))
    assert legacy.errors == [{"line": 3, "column": "登记日期", "message": "单元格含公式，请粘贴为数值"}]


def test_a_missing_required_column_is_reported_on_the_header(world):
    header = ["序号", "事项名称", "村/社区", "类别"]
    legacy = upload(world, csv_bytes([["1", "某事", "东一村", "征地拆迁"]], header=header), name="a.csv")
    legacy = legacy_import.dry_run(world.centre_staff, legacy)
    assert legacy.errors == [{"line": 1, "column": "发生/登记时间", "message": "缺少必需的列：发生/登记时间"}]
    with pytest.raises(ValidationError):
        legacy_import.commit_import(world.centre_staff, legacy)
    assert not Matter.objects.exists()


def test_commit_imports_every_row_with_its_history(world):
    legacy = legacy_import.dry_run(world.centre_staff, upload(world, xlsx(GOOD_ROWS)))
    assert legacy.errors == [] and legacy.valid_count == 2
    legacy = legacy_import.commit_import(world.centre_staff, legacy, version=legacy.version)
    assert legacy.status == LegacyImportStatus.COMMITTED and legacy.matter_count == 2
    closed = Matter.objects.get(title="东一村工地拖欠工资")
    assert closed.status == "resolved"
    assert closed.area == world.village_a1 and closed.domain == world.wages
    assert timezone_date(closed.registered_at) == dt.date(2023, 3, 15)
    assert timezone_date(closed.resolved_at) == dt.date(2023, 4, 2)
    assert closed.outcome == "已结清工资"
    assert [p.masked_name for p in closed.parties.all()] == [mask_name("王大明")]
    assert closed.parties.get().phone == "13812345678"
    assert list(closed.events.order_by("at", "id").values_list("kind", flat=True)) == [
        "registered",
        "assessed",
        "assigned",
        "resolved",
    ]
    assert set(closed.events.values_list("note", flat=True)) == {"据历史台账导入"}
    still_open = Matter.objects.get(title="东二村宅基地界址纠纷")
    assert still_open.status == "registered" and still_open.area == world.village_a2
    assert Report.objects.filter(matter__in=[closed, still_open]).count() == 2
    assert AuditEvent.objects.filter(action="legacy_import.commit").count() == 1
    with pytest.raises(WorkflowError):  # once only
        legacy_import.commit_import(world.centre_staff, legacy)


def timezone_date(moment):
    from django.utils import timezone

    return timezone.localtime(moment).date()


def test_commit_is_all_or_nothing(world):
    legacy = legacy_import.dry_run(world.centre_staff, upload(world, xlsx(GOOD_ROWS)))
    # the ledger's areas changed after the dry run: a row no longer fits, so no row is imported
    world.village_a2.name = "东二社区"
    world.village_a2.save()
    with pytest.raises(ValidationError, match="本次未导入任何事项"):
        legacy_import.commit_import(world.centre_staff, legacy)
    assert not Matter.objects.exists() and not Report.objects.exists()
    legacy.refresh_from_db()
    assert legacy.status == LegacyImportStatus.CHECKED


def test_commit_needs_a_dry_run_first(world):
    legacy = upload(world, xlsx(GOOD_ROWS))
    with pytest.raises(WorkflowError, match="请先试导入"):
        legacy_import.commit_import(world.centre_staff, legacy)
    assert not Matter.objects.exists()


def test_dry_run_finds_likely_duplicates_in_the_ledger(world):
    existing = matter_actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="东一村工地拖欠工资",
        description="东一村工地拖欠工资",
    )
    legacy = legacy_import.dry_run(world.centre_staff, upload(world, xlsx(GOOD_ROWS)))
    assert [(d["line"], d["number"]) for d in legacy.duplicates] == [(3, existing.number)]


def test_a_row_repeated_in_the_sheet_is_a_duplicate_suspicion(world):
    legacy = legacy_import.dry_run(world.centre_staff, upload(world, xlsx([GOOD_ROWS[1], GOOD_ROWS[1]])))
    assert [(d["line"], d["other_line"]) for d in legacy.duplicates] == [(4, 3)]


def test_mapping_changes_and_saved_mappings(world):
    legacy = upload(world, xlsx(GOOD_ROWS))
    legacy = legacy_import.dry_run(world.centre_staff, legacy)
    mapping = dict(legacy.mapping) | {"description": 1}  # the title column twice
    with pytest.raises(ValidationError, match="一列只能对应一项"):
        legacy_import.set_legacy_mapping(world.centre_staff, legacy, mapping)
    legacy = legacy_import.set_legacy_mapping(world.centre_staff, legacy, {**legacy.mapping, "outcome": None})
    assert "outcome" not in legacy.mapping
    assert legacy.status == LegacyImportStatus.UPLOADED and legacy.errors == []  # dry run again
    saved = legacy_import.save_legacy_mapping(world.centre_staff, legacy, name="东镇旧台账")
    assert saved.columns["title"] == "事项名称"
    # another sheet with the columns in another order takes the saved mapping by header name
    header = [
        "事项名称",
        "序号",
        "村/社区",
        "登记日期",
        "类别",
        "当事人",
        "联系电话",
        "状态",
        "办结时间",
        "化解结果",
    ]
    other = upload(world, xlsx([], header=header))
    other = legacy_import.apply_saved_mapping(world.centre_staff, other, saved)
    assert (
        other.mapping["title"] == 0 and other.mapping["occurred_at"] == 3 and "outcome" not in other.mapping
    )
    assert LegacyMapping.objects.count() == 1


def test_guards(world):
    content = xlsx(GOOD_ROWS)
    legacy = check_guard(
        world,
        MAY,
        lambda a: legacy_import.upload_legacy_sheet(
            a, file_name="a.xlsx", content=content, area=world.town_a
        ),
        insider=world.town_staff,
        outside=legacy_outsider(world),
    )
    mapping = dict(legacy.mapping)
    check_guard(
        world,
        MAY,
        lambda a: legacy_import.set_legacy_mapping(a, legacy, mapping),
        insider=world.town_staff,
        outside=legacy_outsider(world),
    )
    saved = check_guard(
        world,
        MAY,
        lambda a: legacy_import.save_legacy_mapping(a, legacy, name="东镇"),
        insider=world.town_staff,
        outside=legacy_outsider(world),
    )
    check_guard(
        world,
        MAY,
        lambda a: legacy_import.apply_saved_mapping(a, legacy, saved),
        insider=world.town_staff,
        outside=legacy_outsider(world),
    )
    check_guard(
        world,
        MAY,
        lambda a: legacy_import.dry_run(a, legacy),
        insider=world.town_staff,
        outside=legacy_outsider(world),
    )
    check_guard(
        world,
        MAY,
        lambda a: legacy_import.commit_import(a, legacy),
        insider=world.town_staff,
        outside=legacy_outsider(world),
    )
    assert Matter.objects.count() == 2


def legacy_outsider(world):
    from anju.core.models import User
    from guards import outsider

    existing = User.objects.filter(username__startswith="out-centre_staff").first()
    return existing or outsider(world, "centre_staff")


def test_the_sheet_reader_parses_chinese_dates():
    assert legacy_sheet.parse_moment("2023年3月5日").date() == dt.date(2023, 3, 5)
    assert legacy_sheet.parse_moment("2023.03.05 14:30").hour == 14
    assert legacy_sheet.parse_moment("2023-02-30") is None
    assert legacy_sheet.parse_moment("三月五日") is None
